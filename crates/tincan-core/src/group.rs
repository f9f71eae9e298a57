//! A group, its members and the membership rules.
//!
//! Every member gets a dense member index when it joins, the group's next index; a member who
//! leaves and rejoins gets a new one.
//! The set of current members is a bitmap over those indices, which is what group receipts are
//! computed against (see [`crate::receipts`]).
//! Every join and leave records the group's newest message seq at that moment, so that history,
//! unread counts and receipts know which messages a member could see.

use std::collections::{BTreeMap, HashMap};

use roaring::{RoaringBitmap, RoaringTreemap};
use tincan_proto::enums::{GroupType, HandleMemberResult, MemberRole};
use tincan_proto::{ApiError, ErrorCode, GroupId, UserId, limits};

use crate::conv::ReadState;
use crate::member_search::{MemberIndex, SearchFields};

/// `TIMGroupAddOption`: joining is forbidden.
pub const ADD_OPTION_FORBID: u32 = 0;
/// `TIMGroupAddOption`: joining needs an admin's approval (a join request).
pub const ADD_OPTION_AUTH: u32 = 1;
/// `TIMGroupAddOption`: anyone may join.
pub const ADD_OPTION_ANY: u32 = 2;

/// The member cap of each group type (TIM's numbers).
pub fn member_cap(group_type: GroupType) -> Result<u32, ApiError> {
    Ok(match group_type {
        GroupType::WORK => 200,
        GroupType::PUBLIC => 2_000,
        GroupType::MEETING => 6_000,
        GroupType::COMMUNITY => 100_000,
        GroupType::AV_CHAT_ROOM => u32::MAX,
        other => {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "group type {} is not supported; use 0 (Public), 1 (Work), 2 (Meeting), 4 (AVChatRoom) or 5 (Community)",
                    other.0
                ),
            ));
        }
    })
}

/// Checks a group ID chosen by the creator: IDs starting `@TGS#` are the server's, except that a
/// Community group's custom ID must start with `@TGS#_` (TIM's rules).
pub fn validate_custom_group_id(group_id: &GroupId, group_type: GroupType) -> Result<(), ApiError> {
    let text = group_id.as_str();
    let invalid = |desc: String| Err(ApiError::new(ErrorCode::GROUP_INVALID_ID, desc));
    if group_type == GroupType::COMMUNITY {
        if !text.starts_with("@TGS#_") {
            return invalid(format!("a Community group's custom ID must start with \"@TGS#_\"; {text:?} does not"));
        }
    } else if text.starts_with("@TGS#") {
        return invalid(format!(
            "group IDs starting with \"@TGS#\" are assigned by the server; {text:?} cannot be chosen"
        ));
    }
    Ok(())
}

/// The ID the server gives a group created without one, from a random number.
pub fn generated_group_id(group_type: GroupType, random: u64) -> GroupId {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut text = String::from(if group_type == GroupType::COMMUNITY { "@TGS#_" } else { "@TGS#" });
    let mut rest = random;
    for _ in 0..10 {
        let digit = usize::try_from(rest % 62).unwrap_or(0);
        text.push(char::from(ALPHABET[digit]));
        rest /= 62;
    }
    match GroupId::parse(&text) {
        Ok(group_id) => group_id,
        Err(err) => unreachable!("generated group ID {text:?} is invalid: {err}"),
    }
}

/// Custom fields (TIM's `AppDefinedData` and `AppMemberDefinedData`), by key.
pub type CustomFields = BTreeMap<String, String>;

/// The editable profile of a group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupProfile {
    /// The name (non-empty).
    pub name: String,
    /// The introduction.
    pub introduction: String,
    /// The notice.
    pub notification: String,
    /// The avatar URL.
    pub face_url: String,
    /// `TIMGroupAddOption`.
    pub add_option: u32,
    /// The invite option (TIM's approve option, REST `InviteJoinOption`), a `TIMGroupAddOption`:
    /// Forbid, clients may not invite; Auth, an invitation by a member who is neither the owner
    /// nor an admin waits for one of them to approve it; Any, invitations take effect at once.
    pub approve_option: u32,
    /// The member cap (at most the type's cap).
    pub max_member_num: u32,
    /// Whether only the owner and admins may speak (TIM's mute-all, `ShutUpAllMember`).
    pub shutup_all: bool,
    /// `group_detail_info_visible`: 0 when the member list is hidden from non-members, 1 when not.
    pub visible: u32,
    /// `group_detail_info_searchable`: 0 when group search does not find the group, 1 when it does.
    pub searchable: u32,
    /// The group's custom fields (`AppDefinedData`).
    pub custom: CustomFields,
}

impl GroupProfile {
    /// Checks the profile against the group type's limits.
    pub fn validate(&self, group_type: GroupType) -> Result<(), ApiError> {
        let invalid = |desc: String| Err(ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, desc));
        if self.name.is_empty() {
            return invalid("the group name is empty".to_owned());
        }
        if self.name.len() > limits::GROUP_NAME_BYTES_MAX {
            return invalid(format!(
                "the group name is {} bytes; at most {} are allowed",
                self.name.len(),
                limits::GROUP_NAME_BYTES_MAX
            ));
        }
        for (what, text) in
            [("introduction", &self.introduction), ("notification", &self.notification), ("face URL", &self.face_url)]
        {
            if text.len() > limits::GROUP_TEXT_BYTES_MAX {
                return invalid(format!(
                    "the group {what} is {} bytes; at most {} are allowed",
                    text.len(),
                    limits::GROUP_TEXT_BYTES_MAX
                ));
            }
        }
        if self.add_option > ADD_OPTION_ANY {
            return invalid(format!("add option {} is not one of 0 (Forbid), 1 (Auth), 2 (Any)", self.add_option));
        }
        if self.approve_option > ADD_OPTION_ANY {
            return invalid(format!(
                "invite option {} is not one of 0 (Forbid, DisableInvite), 1 (Auth, NeedPermission), 2 (Any, FreeAccess)",
                self.approve_option
            ));
        }
        if group_type == GroupType::AV_CHAT_ROOM && self.approve_option != ADD_OPTION_ANY {
            return invalid(
                "an AVChatRoom takes no invitations, so its invite option cannot be changed from 2 (Any, FreeAccess)"
                    .to_owned(),
            );
        }
        for (what, value) in [("visible", self.visible), ("searchable", self.searchable)] {
            if value > 1 {
                return invalid(format!("{what} {value} is not 0 (no) or 1 (yes)"));
            }
        }
        validate_custom(&self.custom, "group", limits::GROUP_CUSTOM_FIELDS_MAX, limits::GROUP_CUSTOM_VALUE_BYTES_MAX)?;
        let cap = member_cap(group_type)?;
        if self.max_member_num == 0 || self.max_member_num > cap {
            return invalid(format!(
                "max_member_num {} must be between 1 and the type's cap {cap}",
                self.max_member_num
            ));
        }
        Ok(())
    }
}

/// One current member.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The member's index in this group, unique over the group's whole life.
    pub index: u32,
    /// The member's role.
    pub role: MemberRole,
    /// The group's newest message seq when the member joined.
    pub join_seq: u64,
    /// When the member joined, in seconds.
    pub join_time: u64,
    /// The member's read position.
    pub read: ReadState,
    /// The member's name card in this group.
    pub name_card: String,
    /// Until when the member is muted, in seconds (0 or a past time: not muted).
    pub shutup_until: u64,
    /// The member's custom fields (`AppMemberDefinedData`).
    pub custom: CustomFields,
}

impl Member {
    /// Whether the member is muted at `now` (seconds).
    pub fn is_muted(&self, now: u64) -> bool {
        self.shutup_until > now
    }
}

/// A member who just joined, for the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Joined {
    /// The member.
    pub user: UserId,
    /// Its new member index.
    pub index: u32,
    /// Its role.
    pub role: MemberRole,
    /// The group's newest seq at the join.
    pub join_seq: u64,
    /// When, in seconds.
    pub join_time: u64,
}

/// A member who just left, for the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Left {
    /// The former member.
    pub user: UserId,
    /// Its member index.
    pub index: u32,
    /// The group's newest seq at the leave.
    pub leave_seq: u64,
}

/// The result of a membership operation on several users.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MembershipOutcome {
    /// The outcome per requested user, in request order.
    pub results: Vec<(UserId, HandleMemberResult)>,
    /// Members who joined.
    pub joined: Vec<Joined>,
    /// Members who left.
    pub left: Vec<Left>,
    /// A member who became the owner (when the owner of a Work group quits).
    pub new_owner: Option<UserId>,
}

/// Who asks for a change to a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator<'a> {
    /// A user, with the rights its membership and role give it.
    User(&'a UserId),
    /// The app's administrator through the REST API, who may manage any group (as in TIM);
    /// the identifier is the one the change is recorded under.
    AppAdmin(&'a UserId),
}

impl<'a> Operator<'a> {
    /// The identifier the change is recorded under.
    pub fn user(self) -> &'a UserId {
        match self {
            Operator::User(user) | Operator::AppAdmin(user) => user,
        }
    }
}

impl<'a> From<&'a UserId> for Operator<'a> {
    fn from(user: &'a UserId) -> Operator<'a> {
        Operator::User(user)
    }
}

/// A group.
#[derive(Clone, Debug)]
pub struct Group {
    id: GroupId,
    group_type: GroupType,
    /// The editable profile.
    pub profile: GroupProfile,
    owner: Option<UserId>,
    created_at: u64,
    info_seq: u64,
    max_seq: u64,
    last_msg_time: u64,
    members: HashMap<UserId, Member>,
    users_by_index: HashMap<u32, UserId>,
    current: RoaringBitmap,
    next_index: u32,
    excluded: RoaringTreemap,
    dismissed: bool,
    requests: BTreeMap<UserId, JoinRequest>,
    /// Built by the first member search, kept up to date from then on.
    search: Option<MemberIndex>,
}

/// What a new group is made of.
#[derive(Clone, Debug)]
pub struct NewGroup {
    /// Its ID (custom or generated).
    pub id: GroupId,
    /// Its type.
    pub group_type: GroupType,
    /// Its profile.
    pub profile: GroupProfile,
    /// The owner (the creator, for a client); a group the REST API creates may have none.
    pub owner: Option<UserId>,
    /// Initial members besides the owner, with their roles.
    pub initial_members: Vec<(UserId, MemberRole)>,
    /// When, in seconds.
    pub now: u64,
}

impl Group {
    /// Creates a group; returns it and the members who joined (the owner first).
    pub fn create(new: NewGroup) -> Result<(Group, Vec<Joined>), ApiError> {
        new.profile.validate(new.group_type)?;
        let n_members = new.initial_members.len().saturating_add(usize::from(new.owner.is_some()));
        if n_members > new.profile.max_member_num as usize {
            return Err(ApiError::new(
                ErrorCode::GROUP_FULL,
                format!("{n_members} initial members exceed the group's cap of {}", new.profile.max_member_num),
            ));
        }
        let mut group = Group::restore(GroupRestore {
            id: new.id,
            group_type: new.group_type,
            profile: new.profile,
            owner: new.owner.clone(),
            created_at: new.now,
            info_seq: 1,
            max_seq: 0,
            last_msg_time: 0,
            next_index: 0,
        });
        let mut joined = Vec::with_capacity(n_members);
        if let Some(owner) = new.owner {
            joined.push(group.add_member(owner, MemberRole::OWNER, new.now));
        }
        for (user, role) in new.initial_members {
            if group.members.contains_key(&user) {
                continue;
            }
            let role = match role {
                MemberRole::NONE | MemberRole::NORMAL => MemberRole::NORMAL,
                MemberRole::ADMIN => MemberRole::ADMIN,
                other => {
                    return Err(ApiError::new(
                        ErrorCode::GROUP_INVALID_PARAMETERS,
                        format!("initial member {user} cannot have role {}; use 200 (member) or 300 (admin)", other.0),
                    ));
                }
            };
            joined.push(group.add_member(user, role, new.now));
        }
        Ok((group, joined))
    }

    /// Rebuilds a group from storage; members are added with [`Group::restore_member`].
    pub fn restore(stored: GroupRestore) -> Group {
        Group {
            id: stored.id,
            group_type: stored.group_type,
            profile: stored.profile,
            owner: stored.owner,
            created_at: stored.created_at,
            info_seq: stored.info_seq,
            max_seq: stored.max_seq,
            last_msg_time: stored.last_msg_time,
            members: HashMap::new(),
            users_by_index: HashMap::new(),
            current: RoaringBitmap::new(),
            next_index: stored.next_index,
            excluded: RoaringTreemap::new(),
            dismissed: false,
            requests: BTreeMap::new(),
            search: None,
        }
    }

    /// Marks the group dismissed: every check that needs a member fails with 10010 from now on.
    pub fn mark_dismissed(&mut self) {
        self.dismissed = true;
    }

    /// Adds a stored current member back.
    pub fn restore_member(&mut self, user: UserId, member: Member) {
        self.next_index = self.next_index.max(member.index.saturating_add(1));
        self.current.insert(member.index);
        self.users_by_index.insert(member.index, user.clone());
        self.members.insert(user, member);
    }

    /// Marks a stored message as excluded from unread counts.
    pub fn restore_excluded(&mut self, seq: u64) {
        self.excluded.insert(seq);
    }

    /// The group's ID.
    pub fn id(&self) -> &GroupId {
        &self.id
    }

    /// The group's type.
    pub fn group_type(&self) -> GroupType {
        self.group_type
    }

    /// The owner, if it has one.
    pub fn owner(&self) -> Option<&UserId> {
        self.owner.as_ref()
    }

    /// When it was created, in seconds.
    pub fn created_at(&self) -> u64 {
        self.created_at
    }

    /// The profile version.
    pub fn info_seq(&self) -> u64 {
        self.info_seq
    }

    /// The newest message seq (0 before the first message).
    pub fn max_seq(&self) -> u64 {
        self.max_seq
    }

    /// When the newest message was sent, in seconds.
    pub fn last_msg_time(&self) -> u64 {
        self.last_msg_time
    }

    /// The next member index to be handed out.
    pub fn next_index(&self) -> u32 {
        self.next_index
    }

    /// Current members.
    pub fn n_members(&self) -> u64 {
        self.current.len()
    }

    /// The bitmap of current member indices.
    pub fn current_members(&self) -> &RoaringBitmap {
        &self.current
    }

    /// Messages excluded from unread counts.
    pub fn excluded(&self) -> &RoaringTreemap {
        &self.excluded
    }

    /// A current member.
    pub fn member(&self, user: &UserId) -> Option<&Member> {
        self.members.get(user)
    }

    /// A current member by index.
    pub fn user_at(&self, index: u32) -> Option<(&UserId, &Member)> {
        let user = self.users_by_index.get(&index)?;
        Some((user, self.members.get(user)?))
    }

    /// Every current member.
    pub fn members(&self) -> impl Iterator<Item = (&UserId, &Member)> {
        self.members.iter()
    }

    /// Up to `count` current members in join order, from member index `from_index` on; returns
    /// them and the index to continue from, or 0 when there are no more.
    pub fn members_page(&self, from_index: u32, count: usize) -> (Vec<(&UserId, &Member)>, u32) {
        let mut page = Vec::with_capacity(count);
        let mut iter = self.current.iter();
        iter.advance_to(from_index);
        for index in iter.by_ref() {
            if let Some(entry) = self.user_at(index) {
                page.push(entry);
            }
            if page.len() == count {
                break;
            }
        }
        let next = match (page.len() == count, iter.next()) {
            (true, Some(next_index)) => next_index,
            _ => 0,
        };
        (page, next)
    }

    /// The unread count of a member.
    pub fn unread_of(&self, user: &UserId) -> Option<u64> {
        Some(self.members.get(user)?.read.unread(self.max_seq, &self.excluded))
    }

    /// Moves a member's read position forward (clamped to the newest seq); returns whether it moved.
    pub fn advance_read(&mut self, user: &UserId, seq: u64, now: u64) -> Option<bool> {
        let target = seq.min(self.max_seq);
        Some(self.members.get_mut(user)?.read.advance(target, now))
    }

    /// The read position at which member `user` would have `unread` messages unread among those
    /// up to seq `newest` (the newest the member is shown; at most the newest given) (see
    /// [`ReadState::position_for_unread`]); `None` for a non-member, `Some(None)` when more of
    /// its own messages below `known_from` must be known.
    pub fn read_position_for_unread(
        &self,
        user: &UserId,
        unread: u64,
        floor: u64,
        known_from: u64,
        newest: u64,
        own_below: &RoaringTreemap,
    ) -> Option<Option<u64>> {
        let member = self.members.get(user)?;
        let newest = newest.min(self.max_seq);
        Some(member.read.position_for_unread(unread, floor, known_from, newest, &self.excluded, own_below))
    }

    /// Moves a member's read position to `seq` (clamped to the newest seq), forward or back
    /// (see [`ReadState::move_to`]; messages excluded from unread counts are left out of
    /// `own_below` here); returns whether it moved.
    pub fn move_read(&mut self, user: &UserId, seq: u64, now: u64, own_below: &RoaringTreemap) -> Option<bool> {
        let target = seq.min(self.max_seq);
        let own = own_below - &self.excluded;
        Some(self.members.get_mut(user)?.read.move_to(target, now, &own))
    }

    /// Publishes a member's read position (its reads are public).
    pub fn publish_read(&mut self, user: &UserId) {
        if let Some(member) = self.members.get_mut(user) {
            member.read.publish();
        }
    }

    /// Checks that `sender` may send a message to the group at `now` (seconds): a member who is
    /// not muted, and while the whole group is muted, its owner or an admin.
    pub fn check_send(&self, sender: &UserId, now: u64) -> Result<&Member, ApiError> {
        let member = self.check_member(sender)?;
        if member.is_muted(now) {
            return Err(ApiError::new(
                ErrorCode::GROUP_MEMBER_MUTED,
                format!(
                    "{sender} is muted in group {} for {} more seconds",
                    self.id,
                    member.shutup_until.saturating_sub(now)
                ),
            ));
        }
        if self.profile.shutup_all && !is_admin_or_owner(member.role) {
            return Err(ApiError::new(
                ErrorCode::GROUP_MEMBER_MUTED,
                format!("group {} is muted: only its owner and admins may speak", self.id),
            ));
        }
        Ok(member)
    }

    /// Checks that `user` is a member of the group (and may read its history and receipts).
    pub fn check_member(&self, user: &UserId) -> Result<&Member, ApiError> {
        self.check_alive()?;
        self.members.get(user).ok_or_else(|| {
            ApiError::new(ErrorCode::GROUP_PERMISSION_DENIED, format!("{user} is not a member of group {}", self.id))
        })
    }

    /// The members muted at `now`, with the time each mute ends, in join order.
    pub fn muted_members(&self, now: u64) -> Vec<(&UserId, u64)> {
        self.current
            .iter()
            .filter_map(|index| self.user_at(index))
            .filter(|(_, member)| member.is_muted(now))
            .map(|(user, member)| (user, member.shutup_until))
            .collect()
    }

    /// Appends a message from `sender` (already checked) and returns its seq.
    pub fn append_message(&mut self, sender: &UserId, now: u64, excluded_from_unread: bool) -> u64 {
        self.max_seq = self.max_seq.saturating_add(1);
        self.last_msg_time = now;
        let seq = self.max_seq;
        if excluded_from_unread {
            self.excluded.insert(seq);
        } else if let Some(member) = self.members.get_mut(sender) {
            member.read.record_own_message(seq);
        }
        seq
    }

    /// Marks a seq that was assigned to `sender` but never stored (its write failed) as not
    /// counting for anyone.
    pub fn forget_message(&mut self, seq: u64, sender: &UserId) {
        self.excluded.insert(seq);
        if let Some(member) = self.members.get_mut(sender) {
            member.read.forget_own(seq);
        }
    }

    /// Takes stored message `seq` from `sender` out of every unread count (it was revoked).
    pub fn exclude_message(&mut self, seq: u64, sender: &UserId) {
        self.forget_message(seq, sender);
    }

    /// Counts message `seq` from `sender` again, as before [`Group::exclude_message`] (whose
    /// write failed).
    pub fn include_message(&mut self, seq: u64, sender: &UserId) {
        self.excluded.remove(seq);
        if let Some(member) = self.members.get_mut(sender) {
            member.read.record_own_message(seq);
        }
    }

    /// Whether `operator` may invite users into the group: the administrator into any group but
    /// an AVChatRoom, members of a Work group, the owner and admins of the other types.
    pub fn check_invite<'a>(&self, operator: impl Into<Operator<'a>>) -> Result<(), ApiError> {
        let operator = operator.into();
        let allowed = match operator {
            _ if self.group_type == GroupType::AV_CHAT_ROOM => false,
            Operator::AppAdmin(_) => {
                self.check_alive()?;
                true
            }
            Operator::User(user) => {
                let operator_role = self.check_member(user)?.role;
                if self.profile.approve_option == ADD_OPTION_FORBID {
                    return Err(ApiError::new(
                        ErrorCode::GROUP_PERMISSION_DENIED,
                        format!("group {} takes no invitations: its invite option is DisableInvite (0)", self.id),
                    ));
                }
                self.group_type == GroupType::WORK || is_admin_or_owner(operator_role)
            }
        };
        if !allowed {
            self.check_alive()?;
            return Err(self.permission_denied(operator.user(), "invite members to"));
        }
        Ok(())
    }

    /// Whether an invitation by `operator` waits for the owner's or an admin's approval: the
    /// invite option is Auth and the operator is a member who is neither (the owner, the admins
    /// and the app's administrator invite at once).
    pub fn invitation_needs_approval<'a>(&self, operator: impl Into<Operator<'a>>) -> bool {
        match operator.into() {
            Operator::AppAdmin(_) => false,
            Operator::User(user) => {
                self.profile.approve_option == ADD_OPTION_AUTH
                    && self.members.get(user).is_some_and(|member| !is_admin_or_owner(member.role))
            }
        }
    }

    /// `inviter` invites `users` into a group whose invitations need approval (see
    /// [`Group::invitation_needs_approval`]): each user who is not a member gets a pending
    /// invitation, which replaces any request or invitation of that user pending before, and
    /// is answered [`HandleMemberResult::INVITED`]; members are answered as such.
    pub fn request_invitations(
        &mut self,
        inviter: &UserId,
        users: &[UserId],
        now: u64,
    ) -> Result<Invitations, ApiError> {
        self.check_invite(inviter)?;
        check_batch_size(users.len())?;
        let n_new = users
            .iter()
            .filter(|user| !self.members.contains_key(*user) && !self.requests.contains_key(*user))
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if self.requests.len().saturating_add(n_new) > limits::GROUP_JOIN_REQUESTS_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "group {} already has {} pending requests and invitations; they must be handled first",
                    self.id,
                    self.requests.len()
                ),
            ));
        }
        let mut results = Vec::with_capacity(users.len());
        let mut made: Vec<JoinRequest> = Vec::new();
        for user in users {
            if self.members.contains_key(user) {
                results.push((user.clone(), HandleMemberResult::ALREADY_MEMBER));
                continue;
            }
            let invitation = JoinRequest {
                user: user.clone(),
                add_time: now,
                message: String::new(),
                inviter: Some(inviter.clone()),
            };
            self.requests.insert(user.clone(), invitation.clone());
            made.retain(|it| it.user != *user);
            made.push(invitation);
            results.push((user.clone(), HandleMemberResult::INVITED));
        }
        Ok(Invitations { results, made })
    }

    /// Adds users on behalf of `operator` (TIM `TIMGroupInviteMember`).
    pub fn invite<'a>(
        &mut self,
        operator: impl Into<Operator<'a>>,
        users: &[UserId],
        now: u64,
    ) -> Result<MembershipOutcome, ApiError> {
        let operator = operator.into();
        self.check_invite(operator)?;
        check_batch_size(users.len())?;
        let n_new = users.iter().filter(|user| !self.members.contains_key(*user)).count();
        let n_after = self.current.len().saturating_add(n_new as u64);
        if n_after > u64::from(self.profile.max_member_num) {
            return Err(ApiError::new(
                ErrorCode::GROUP_FULL,
                format!(
                    "group {} has {} members; adding {n_new} would exceed its cap of {}",
                    self.id,
                    self.current.len(),
                    self.profile.max_member_num
                ),
            ));
        }
        let mut outcome = MembershipOutcome::default();
        for user in users {
            if self.members.contains_key(user) {
                outcome.results.push((user.clone(), HandleMemberResult::ALREADY_MEMBER));
                continue;
            }
            outcome.joined.push(self.add_member(user.clone(), MemberRole::NORMAL, now));
            outcome.results.push((user.clone(), HandleMemberResult::SUCCEEDED));
        }
        Ok(outcome)
    }

    /// Adds members as they were in another system (REST `import_group_member`): each with its
    /// role (admin or member) and the time it joined, which is neither before the group was
    /// created nor after `now`. All are checked before any is added; those already members are
    /// answered as such.
    pub fn import_members(
        &mut self,
        members: &[(UserId, MemberRole, u64)],
        now: u64,
    ) -> Result<MembershipOutcome, ApiError> {
        self.check_alive()?;
        check_batch_size(members.len())?;
        for (user, role, join_time) in members {
            if ![MemberRole::NORMAL, MemberRole::ADMIN].contains(role) {
                return Err(ApiError::new(
                    ErrorCode::GROUP_INVALID_PARAMETERS,
                    format!("{user} cannot be imported with role {}; use Admin or Member", role.0),
                ));
            }
            if *join_time < self.created_at || *join_time > now {
                return Err(ApiError::new(
                    ErrorCode::GROUP_INVALID_PARAMETERS,
                    format!(
                        "{user}'s JoinTime {join_time} is not between the group's creation ({}) and now ({now})",
                        self.created_at
                    ),
                ));
            }
        }
        let n_new = members.iter().filter(|(user, _, _)| !self.members.contains_key(user)).count();
        if self.current.len().saturating_add(n_new as u64) > u64::from(self.profile.max_member_num) {
            return Err(ApiError::new(
                ErrorCode::GROUP_FULL,
                format!(
                    "importing {n_new} members would exceed group {}'s cap of {}",
                    self.id, self.profile.max_member_num
                ),
            ));
        }
        let mut outcome = MembershipOutcome::default();
        for (user, role, join_time) in members {
            if self.members.contains_key(user) {
                outcome.results.push((user.clone(), HandleMemberResult::ALREADY_MEMBER));
                continue;
            }
            outcome.joined.push(self.add_member(user.clone(), *role, *join_time));
            outcome.results.push((user.clone(), HandleMemberResult::SUCCEEDED));
        }
        Ok(outcome)
    }

    /// Removes members on behalf of `operator` (TIM `TIMGroupDeleteMember`).
    ///
    /// The app's administrator may remove anyone but the owner.
    pub fn remove<'a>(
        &mut self,
        operator: impl Into<Operator<'a>>,
        users: &[UserId],
    ) -> Result<MembershipOutcome, ApiError> {
        let operator = operator.into();
        let operator_role = match operator {
            Operator::AppAdmin(_) => {
                self.check_alive()?;
                None
            }
            Operator::User(user) => Some(self.check_member(user)?.role),
        };
        let name = operator.user();
        if let Some(role) = operator_role {
            if !is_admin_or_owner(role) {
                return Err(self.permission_denied(name, "remove members from"));
            }
            if self.group_type == GroupType::WORK && role != MemberRole::OWNER {
                return Err(self.permission_denied(name, "remove members from (only the owner may, in a Work group)"));
            }
        }
        if self.group_type == GroupType::AV_CHAT_ROOM {
            return Err(
                self.permission_denied(name, "remove members from (members of an AVChatRoom leave by themselves)")
            );
        }
        check_batch_size(users.len())?;
        let mut outcome = MembershipOutcome::default();
        for user in users {
            let Some(target) = self.members.get(user) else {
                outcome.results.push((user.clone(), HandleMemberResult::FAILED));
                continue;
            };
            let may_remove = match operator_role {
                None => target.role != MemberRole::OWNER,
                Some(role) => {
                    user != name
                        && (role == MemberRole::OWNER
                            || target.role == MemberRole::NORMAL
                            || target.role == MemberRole::NONE)
                }
            };
            if !may_remove {
                outcome.results.push((user.clone(), HandleMemberResult::FAILED));
                continue;
            }
            outcome.left.push(self.drop_member(user));
            outcome.results.push((user.clone(), HandleMemberResult::SUCCEEDED));
        }
        Ok(outcome)
    }

    /// `user` leaves (TIM `TIMGroupQuit`).
    ///
    /// The owner of a Work group may leave; ownership passes to the longest-standing member.
    /// Other owners must dismiss the group instead.
    pub fn quit(&mut self, user: &UserId) -> Result<MembershipOutcome, ApiError> {
        let role = self.check_member(user)?.role;
        if role == MemberRole::OWNER && self.group_type != GroupType::WORK {
            return Err(ApiError::new(
                ErrorCode::GROUP_OWNER_CANNOT_QUIT,
                format!(
                    "{user} owns group {}; the owner of a {} group cannot quit, it may dismiss the group",
                    self.id,
                    self.type_name()
                ),
            ));
        }
        Ok(self.leave(user, role))
    }

    /// Takes `user` out of the group whatever its role, because its account is being deleted;
    /// an owner's group passes to the longest-standing member, as when a Work group's owner
    /// quits. `None` if `user` is not a member.
    pub fn expel(&mut self, user: &UserId) -> Option<MembershipOutcome> {
        let role = self.members.get(user)?.role;
        Some(self.leave(user, role))
    }

    fn leave(&mut self, user: &UserId, role: MemberRole) -> MembershipOutcome {
        let mut outcome = MembershipOutcome::default();
        outcome.left.push(self.drop_member(user));
        outcome.results.push((user.clone(), HandleMemberResult::SUCCEEDED));
        if role == MemberRole::OWNER {
            self.owner = None;
            if let Some(successor) = self.current.min().and_then(|index| self.users_by_index.get(&index)).cloned() {
                if let Some(member) = self.members.get_mut(&successor) {
                    member.role = MemberRole::OWNER;
                }
                self.owner = Some(successor.clone());
                outcome.new_owner = Some(successor);
            }
        }
        outcome
    }

    /// Pending join requests and invitations, by applicant or invitee.
    pub fn join_requests(&self) -> impl Iterator<Item = &JoinRequest> {
        self.requests.values()
    }

    /// Whether `user` has a request to join or an invitation pending.
    pub fn has_pending(&self, user: &UserId) -> bool {
        self.requests.contains_key(user)
    }

    /// Adds a stored join request back.
    pub fn restore_request(&mut self, request: JoinRequest) {
        self.requests.insert(request.user.clone(), request);
    }

    /// Whether joining needs an admin's approval: the add option is Auth.
    pub fn needs_approval(&self) -> bool {
        self.profile.add_option == ADD_OPTION_AUTH
    }

    /// `user` asks to join a group whose add option is Auth (TIM `TIMGroupJoin`); the owner and
    /// admins decide with [`Group::handle_request`]. A second request replaces the first.
    pub fn request_join(&mut self, user: &UserId, message: &str, now: u64) -> Result<JoinRequest, ApiError> {
        self.check_alive()?;
        if self.members.contains_key(user) {
            return Err(ApiError::new(
                ErrorCode::GROUP_ALREADY_MEMBER,
                format!("{user} is already a member of group {}", self.id),
            ));
        }
        if self.group_type == GroupType::WORK || !self.needs_approval() {
            return Err(self.permission_denied(user, "ask to join"));
        }
        if message.len() > limits::GROUP_TEXT_BYTES_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "the request's message is {} bytes; at most {} are allowed",
                    message.len(),
                    limits::GROUP_TEXT_BYTES_MAX
                ),
            ));
        }
        if !self.requests.contains_key(user) && self.requests.len() >= limits::GROUP_JOIN_REQUESTS_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "group {} already has {} pending join requests; they must be handled first",
                    self.id,
                    self.requests.len()
                ),
            ));
        }
        let request = JoinRequest { user: user.clone(), add_time: now, message: message.to_owned(), inviter: None };
        self.requests.insert(user.clone(), request.clone());
        Ok(request)
    }

    /// The owner or an admin (or the app's administrator) accepts or refuses `user`'s pending
    /// request to join, or its pending invitation when `invitation` (TIM
    /// `TIMGroupHandlePendency`); an accepted user joins, unless the group is full (10014, and
    /// the request stays). Returns the request and the join, if any.
    pub fn handle_request<'a>(
        &mut self,
        operator: impl Into<Operator<'a>>,
        user: &UserId,
        invitation: bool,
        accept: bool,
        now: u64,
    ) -> Result<(JoinRequest, Option<Joined>), ApiError> {
        match operator.into() {
            Operator::AppAdmin(_) => self.check_alive()?,
            Operator::User(operator) => {
                if !is_admin_or_owner(self.check_member(operator)?.role) {
                    return Err(self.permission_denied(operator, "handle join requests or invitations of"));
                }
            }
        }
        if self.requests.get(user).is_none_or(|pending| pending.inviter.is_some() != invitation) {
            let what = if invitation { "invitation into" } else { "request to join" };
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!("{user} has no pending {what} group {}; it may have been handled already", self.id),
            ));
        }
        let joins = accept && !self.members.contains_key(user);
        if joins && self.current.len() >= u64::from(self.profile.max_member_num) {
            return Err(ApiError::new(
                ErrorCode::GROUP_FULL,
                format!("group {} is full ({} members)", self.id, self.profile.max_member_num),
            ));
        }
        let Some(request) = self.requests.remove(user) else {
            unreachable!("the request was found above, under the same borrow of the group")
        };
        let joined = joins.then(|| self.add_member(user.clone(), MemberRole::NORMAL, now));
        Ok((request, joined))
    }

    /// `user` joins by itself (TIM `TIMGroupJoin`).
    pub fn join(&mut self, user: &UserId, now: u64) -> Result<Joined, ApiError> {
        if self.dismissed {
            return Err(ApiError::new(ErrorCode::GROUP_NOT_FOUND, format!("group {} has been dismissed", self.id)));
        }
        if self.members.contains_key(user) {
            return Err(ApiError::new(
                ErrorCode::GROUP_ALREADY_MEMBER,
                format!("{user} is already a member of group {}", self.id),
            ));
        }
        if self.group_type == GroupType::WORK {
            return Err(ApiError::new(
                ErrorCode::GROUP_PERMISSION_DENIED,
                format!("group {} is a Work group; it can only be joined by invitation", self.id),
            ));
        }
        if self.profile.add_option != ADD_OPTION_ANY {
            return Err(ApiError::new(
                ErrorCode::GROUP_PERMISSION_DENIED,
                format!(
                    "group {} does not let anyone join by themselves (add option {})",
                    self.id, self.profile.add_option
                ),
            ));
        }
        if self.current.len() >= u64::from(self.profile.max_member_num) {
            return Err(ApiError::new(
                ErrorCode::GROUP_FULL,
                format!("group {} is full ({} members)", self.id, self.profile.max_member_num),
            ));
        }
        Ok(self.add_member(user.clone(), MemberRole::NORMAL, now))
    }

    /// Checks that `operator` may dismiss the group: only its owner may.
    ///
    /// The app's administrator may dismiss any group.
    pub fn check_dismiss<'a>(&self, operator: impl Into<Operator<'a>>) -> Result<(), ApiError> {
        match operator.into() {
            Operator::AppAdmin(_) => self.check_alive(),
            Operator::User(user) => {
                if self.check_member(user)?.role != MemberRole::OWNER {
                    return Err(self.permission_denied(user, "dismiss"));
                }
                Ok(())
            }
        }
    }

    /// Fails with 10010 once the group is dismissed.
    pub fn check_alive(&self) -> Result<(), ApiError> {
        if self.dismissed {
            return Err(ApiError::new(ErrorCode::GROUP_NOT_FOUND, format!("group {} has been dismissed", self.id)));
        }
        Ok(())
    }

    /// Replaces the profile on behalf of `operator` (TIM `TIMGroupModifyGroupInfo`, REST
    /// `modify_group_base_info`) and moves the info seq on.
    ///
    /// Any member may change a Work group's profile; other types need the owner or an admin.
    pub fn modify_profile<'a>(
        &mut self,
        operator: impl Into<Operator<'a>>,
        profile: GroupProfile,
    ) -> Result<(), ApiError> {
        self.check_profile_change(operator, &profile)?;
        self.apply_profile(profile);
        Ok(())
    }

    /// Applies a profile that [`Group::check_profile_change`] accepted, moving the info seq on.
    pub fn apply_profile(&mut self, profile: GroupProfile) {
        self.profile = profile;
        self.info_seq = self.info_seq.saturating_add(1);
    }

    /// Checks that [`Group::modify_profile`] would succeed, changing nothing.
    pub fn check_profile_change<'a>(
        &self,
        operator: impl Into<Operator<'a>>,
        profile: &GroupProfile,
    ) -> Result<(), ApiError> {
        match operator.into() {
            Operator::AppAdmin(_) => self.check_alive()?,
            Operator::User(user) => {
                let role = self.check_member(user)?.role;
                if !is_admin_or_owner(role) {
                    // A Work group's members may change what describes it, and nothing else.
                    let descriptive = GroupProfile {
                        name: profile.name.clone(),
                        introduction: profile.introduction.clone(),
                        notification: profile.notification.clone(),
                        face_url: profile.face_url.clone(),
                        ..self.profile.clone()
                    };
                    if self.group_type != GroupType::WORK {
                        return Err(self.permission_denied(user, "change the profile of"));
                    }
                    if descriptive != *profile {
                        return Err(self.permission_denied(
                            user,
                            "change more than the name, introduction, notification and face URL of",
                        ));
                    }
                }
            }
        }
        profile.validate(self.group_type)?;
        if u64::from(profile.max_member_num) < self.current.len() {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "MaxMemberNum {} is below the group's {} current members",
                    profile.max_member_num,
                    self.current.len()
                ),
            ));
        }
        Ok(())
    }

    /// Hands the group to `new_owner` on behalf of `operator` (TIM's `kTIMGroupModifyInfoFlag_Owner`,
    /// REST `change_group_owner`): the owner becomes an ordinary member.
    ///
    /// Only the owner may, or the app's administrator; the new owner must be a member.
    pub fn change_owner<'a>(
        &mut self,
        operator: impl Into<Operator<'a>>,
        new_owner: &UserId,
    ) -> Result<OwnerChange, ApiError> {
        match operator.into() {
            Operator::AppAdmin(_) => self.check_alive()?,
            Operator::User(user) => {
                if self.check_member(user)?.role != MemberRole::OWNER {
                    return Err(self.permission_denied(user, "hand over (only its owner may)"));
                }
            }
        }
        let Some(member) = self.members.get(new_owner) else {
            return Err(ApiError::new(
                ErrorCode::GROUP_PERMISSION_DENIED,
                format!("{new_owner} is not a member of group {}; only a member can become its owner", self.id),
            ));
        };
        if member.role == MemberRole::OWNER {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!("{new_owner} already owns group {}", self.id),
            ));
        }
        let new_index = member.index;
        let old = self.owner.take().and_then(|old| {
            let member = self.members.get_mut(&old)?;
            member.role = MemberRole::NORMAL;
            Some((old, member.index))
        });
        if let Some(member) = self.members.get_mut(new_owner) {
            member.role = MemberRole::OWNER;
        }
        self.owner = Some(new_owner.clone());
        self.info_seq = self.info_seq.saturating_add(1);
        Ok(OwnerChange { old, new: (new_owner.clone(), new_index) })
    }

    /// Changes a member's role, mute, name card or custom fields on behalf of `operator` (TIM
    /// `TIMGroupModifyMemberInfo`, REST `modify_group_member_info` and `forbid_send_msg`).
    ///
    /// Everything is checked before anything changes. A member may change its own name card and
    /// custom fields; the owner may change anyone else's, and an admin an ordinary member's.
    /// Only the owner may make or unmake admins (not in Work groups, which have none); the owner
    /// may mute admins and members, an admin ordinary members, and the owner is never muted.
    /// The app's administrator may do what the owner may.
    pub fn modify_member<'a>(
        &mut self,
        operator: impl Into<Operator<'a>>,
        target: &UserId,
        change: &MemberChange,
        now: u64,
    ) -> Result<MemberChanged, ApiError> {
        let operator = operator.into();
        self.check_member_change(operator, target, change)?;
        Ok(self.apply_member_change(target, change, now))
    }

    /// Checks that [`Group::modify_member`] would succeed, changing nothing.
    pub fn check_member_change<'a>(
        &self,
        operator: impl Into<Operator<'a>>,
        target: &UserId,
        change: &MemberChange,
    ) -> Result<(), ApiError> {
        let operator = operator.into();
        let operator_role = match operator {
            Operator::AppAdmin(_) => {
                self.check_alive()?;
                MemberRole::OWNER
            }
            Operator::User(user) => self.check_member(user)?.role,
        };
        let by_app_admin = matches!(operator, Operator::AppAdmin(_));
        let name = operator.user();
        let Some(member) = self.members.get(target) else {
            return Err(ApiError::new(
                ErrorCode::GROUP_PERMISSION_DENIED,
                format!("{target} is not a member of group {}", self.id),
            ));
        };
        let is_self = !by_app_admin && name == target;
        let outranks = by_app_admin
            || (operator_role == MemberRole::OWNER && member.role != MemberRole::OWNER)
            || (operator_role == MemberRole::ADMIN && !is_admin_or_owner(member.role));
        if (change.name_card.is_some() || change.custom.is_some()) && !is_self && !outranks {
            return Err(self.permission_denied(name, &format!("change {target}'s member profile in")));
        }
        if let Some(name_card) = &change.name_card
            && name_card.len() > limits::NAME_CARD_BYTES_MAX
        {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "the name card is {} bytes; at most {} are allowed",
                    name_card.len(),
                    limits::NAME_CARD_BYTES_MAX
                ),
            ));
        }
        if let Some(custom) = &change.custom {
            let mut merged = member.custom.clone();
            merge_custom(&mut merged, custom);
            validate_custom(
                &merged,
                "member",
                limits::MEMBER_CUSTOM_FIELDS_MAX,
                limits::MEMBER_CUSTOM_VALUE_BYTES_MAX,
            )?;
        }
        if let Some(role) = change.role {
            if role != MemberRole::NORMAL && role != MemberRole::ADMIN {
                return Err(ApiError::new(
                    ErrorCode::GROUP_INVALID_PARAMETERS,
                    format!(
                        "role {} cannot be given; use 200 (member) or 300 (admin), and change the owner to hand the group over",
                        role.0
                    ),
                ));
            }
            if self.group_type == GroupType::WORK {
                return Err(self.permission_denied(name, "appoint admins in (Work groups have none)"));
            }
            if operator_role != MemberRole::OWNER || member.role == MemberRole::OWNER {
                return Err(self.permission_denied(name, &format!("change {target}'s role in")));
            }
        }
        if let Some(seconds) = change.shutup_seconds {
            if seconds > limits::MUTE_SECONDS_MAX {
                return Err(ApiError::new(
                    ErrorCode::GROUP_INVALID_PARAMETERS,
                    format!(
                        "a mute of {seconds} seconds is too long; at most {} are allowed",
                        limits::MUTE_SECONDS_MAX
                    ),
                ));
            }
            if member.role == MemberRole::OWNER || !outranks {
                return Err(self.permission_denied(name, &format!("mute {target} in")));
            }
        }
        Ok(())
    }

    /// Applies a change that [`Group::check_member_change`] accepted.
    pub fn apply_member_change(&mut self, target: &UserId, change: &MemberChange, now: u64) -> MemberChanged {
        let Some(member) = self.members.get_mut(target) else {
            unreachable!("apply_member_change follows a successful check_member_change, which found the target")
        };
        let mut changed = MemberChanged { index: member.index, ..MemberChanged::default() };
        if let Some(role) = change.role
            && role != member.role
        {
            member.role = role;
            changed.role = Some(role);
        }
        if let Some(seconds) = change.shutup_seconds {
            member.shutup_until = if seconds == 0 { 0 } else { now.saturating_add(seconds) };
            changed.shutup_until = Some(member.shutup_until);
        }
        if let Some(name_card) = &change.name_card
            && *name_card != member.name_card
        {
            if let Some(search) = &mut self.search {
                search.remove(member.index, target.as_str(), &member.name_card);
                search.insert(member.index, target.as_str(), name_card);
            }
            member.name_card.clone_from(name_card);
            changed.profile = true;
        }
        if let Some(custom) = &change.custom {
            let before = member.custom.clone();
            merge_custom(&mut member.custom, custom);
            changed.profile |= before != member.custom;
        }
        changed.profile |= changed.shutup_until.is_some();
        changed
    }

    /// The member indices of up to `limit` current members, in join order, whose identifier or a
    /// word of whose name card starts with every keyword (case aside); the first search builds
    /// the group's index.
    pub fn search_members(&mut self, keywords: &[String], fields: SearchFields, limit: usize) -> Vec<u32> {
        let search = self.search.get_or_insert_with(|| {
            let mut index = MemberIndex::default();
            for (user, member) in &self.members {
                index.insert(member.index, user.as_str(), &member.name_card);
            }
            index
        });
        let found = search.search(keywords, fields);
        found.iter().filter(|index| self.current.contains(*index)).take(limit).collect()
    }

    /// The type's product name, for messages.
    pub fn type_name(&self) -> &'static str {
        self.group_type.product_name().unwrap_or("unknown")
    }

    /// Adds `user`; a request or invitation of it still pending is answered by the join and
    /// leaves the list.
    fn add_member(&mut self, user: UserId, role: MemberRole, now: u64) -> Joined {
        self.requests.remove(&user);
        let index = self.next_index;
        self.next_index = self.next_index.saturating_add(1);
        let member = Member {
            index,
            role,
            join_seq: self.max_seq,
            join_time: now,
            read: ReadState::starting_at(self.max_seq),
            name_card: String::new(),
            shutup_until: 0,
            custom: CustomFields::new(),
        };
        self.current.insert(index);
        self.users_by_index.insert(index, user.clone());
        self.members.insert(user.clone(), member);
        if let Some(search) = &mut self.search {
            search.insert(index, user.as_str(), "");
        }
        Joined { user, index, role, join_seq: self.max_seq, join_time: now }
    }

    fn drop_member(&mut self, user: &UserId) -> Left {
        let index = match self.members.remove(user) {
            Some(member) => {
                if let Some(search) = &mut self.search {
                    search.remove(member.index, user.as_str(), &member.name_card);
                }
                member.index
            }
            None => unreachable!("drop_member is called for current members only"),
        };
        self.current.remove(index);
        self.users_by_index.remove(&index);
        Left { user: user.clone(), index, leave_seq: self.max_seq }
    }

    fn permission_denied(&self, operator: &UserId, what: &str) -> ApiError {
        ApiError::new(
            ErrorCode::GROUP_PERMISSION_DENIED,
            format!("{operator} may not {what} {} group {}", self.type_name(), self.id),
        )
    }
}

/// A pending request to join a group whose add option is Auth, or a pending invitation into a
/// group whose invite option is Auth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRequest {
    /// The applicant, or the user invited.
    pub user: UserId,
    /// When it asked or was invited, in seconds.
    pub add_time: u64,
    /// What it wrote (`helloMsg`); empty for an invitation.
    pub message: String,
    /// Who invited it, for an invitation; `None` for a request to join.
    pub inviter: Option<UserId>,
}

/// The outcome of invitations that wait for approval.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invitations {
    /// The answer per user invited, in request order.
    pub results: Vec<(UserId, HandleMemberResult)>,
    /// The invitations made, one per user.
    pub made: Vec<JoinRequest>,
}

/// A change of owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerChange {
    /// The former owner and its member index, now an ordinary member (none when the group had
    /// no owner).
    pub old: Option<(UserId, u32)>,
    /// The new owner and its member index.
    pub new: (UserId, u32),
}

/// What to change of a member; `None` leaves a part as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberChange {
    /// The new role: 200 (member) or 300 (admin).
    pub role: Option<MemberRole>,
    /// Mute for this many seconds from now; 0 lifts a mute.
    pub shutup_seconds: Option<u64>,
    /// The new name card.
    pub name_card: Option<String>,
    /// Custom fields to set; an empty value deletes its key.
    pub custom: Option<CustomFields>,
}

/// What a member change did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberChanged {
    /// The member's index.
    pub index: u32,
    /// The member's new role, if it changed.
    pub role: Option<MemberRole>,
    /// The member's new mute end, if a mute was set or lifted.
    pub shutup_until: Option<u64>,
    /// Whether the stored member fields (name card, mute, custom fields) changed.
    pub profile: bool,
}

/// Sets each of `changes` in `fields`; an empty value deletes its key (as TIM's REST API does).
pub fn merge_custom(fields: &mut CustomFields, changes: &CustomFields) {
    for (key, value) in changes {
        if value.is_empty() {
            fields.remove(key);
        } else {
            fields.insert(key.clone(), value.clone());
        }
    }
}

/// Checks custom fields against TIM's rules: keys of letters, digits and `_` that do not start
/// with a digit, at most 16 bytes, and the counts and sizes given.
pub fn validate_custom(
    fields: &CustomFields,
    what: &str,
    n_max: usize,
    value_bytes_max: usize,
) -> Result<(), ApiError> {
    let invalid = |desc: String| Err(ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, desc));
    if fields.len() > n_max {
        return invalid(format!("a {what} may have at most {n_max} custom fields; these would make {}", fields.len()));
    }
    for (key, value) in fields {
        let well_formed = !key.is_empty()
            && key.len() <= limits::CUSTOM_FIELD_KEY_BYTES_MAX
            && key.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
            && !key.as_bytes()[0].is_ascii_digit();
        if !well_formed {
            return invalid(format!(
                "custom field key {key:?} must be 1 to {} letters, digits or underscores, not starting with a digit",
                limits::CUSTOM_FIELD_KEY_BYTES_MAX
            ));
        }
        if value.len() > value_bytes_max {
            return invalid(format!(
                "the {what} custom field {key:?} is {} bytes; at most {value_bytes_max} are allowed",
                value.len()
            ));
        }
    }
    Ok(())
}

/// A group's stored fields, for [`Group::restore`].
#[derive(Clone, Debug)]
pub struct GroupRestore {
    /// Its ID.
    pub id: GroupId,
    /// Its type.
    pub group_type: GroupType,
    /// Its profile.
    pub profile: GroupProfile,
    /// Its owner.
    pub owner: Option<UserId>,
    /// When it was created.
    pub created_at: u64,
    /// The profile version.
    pub info_seq: u64,
    /// The newest stored message seq.
    pub max_seq: u64,
    /// When that message was sent.
    pub last_msg_time: u64,
    /// The next member index.
    pub next_index: u32,
}

fn is_admin_or_owner(role: MemberRole) -> bool {
    role == MemberRole::OWNER || role == MemberRole::ADMIN
}

fn check_batch_size(n_users: usize) -> Result<(), ApiError> {
    if n_users == 0 {
        return Err(ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, "the identifier array is empty"));
    }
    if n_users > limits::GROUP_MEMBERS_PER_CALL_MAX {
        return Err(ApiError::new(
            ErrorCode::GROUP_TOO_MANY_ACCOUNTS,
            format!("{n_users} accounts in one call; at most {} are allowed", limits::GROUP_MEMBERS_PER_CALL_MAX),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> UserId {
        UserId::parse(name).unwrap()
    }

    fn new_group(group_type: GroupType, members: &[&str]) -> Group {
        let profile = GroupProfile {
            name: "team".to_owned(),
            introduction: String::new(),
            notification: String::new(),
            face_url: String::new(),
            add_option: ADD_OPTION_ANY,
            approve_option: ADD_OPTION_ANY,
            max_member_num: member_cap(group_type).unwrap().min(1_000),
            ..GroupProfile::default()
        };
        let (group, joined) = Group::create(NewGroup {
            id: GroupId::parse("g1").unwrap(),
            group_type,
            profile,
            owner: Some(user("owner")),
            initial_members: members.iter().map(|name| (user(name), MemberRole::NONE)).collect(),
            now: 10,
        })
        .unwrap();
        assert_eq!(joined.len(), members.len() + 1);
        group
    }

    #[test]
    fn indices_are_dense_and_never_reused() {
        let mut group = new_group(GroupType::WORK, &["a", "b"]);
        assert_eq!(group.member(&user("a")).unwrap().index, 1);
        let outcome = group.remove(&user("owner"), &[user("a")]).unwrap();
        assert_eq!(outcome.left[0].index, 1);
        let outcome = group.invite(&user("b"), &[user("a")], 20).unwrap();
        assert_eq!(outcome.joined[0].index, 3, "a rejoining member gets a new index");
        assert_eq!(group.n_members(), 3);
        assert_eq!(group.current_members().iter().collect::<Vec<_>>(), vec![0, 2, 3]);
    }

    #[test]
    fn the_invite_option_holds_ordinary_members_invitations_and_forbid_refuses_all() {
        let mut group = new_group(GroupType::WORK, &["a", "b"]);
        group.profile.approve_option = ADD_OPTION_AUTH;
        assert!(group.invitation_needs_approval(&user("a")));
        assert!(!group.invitation_needs_approval(&user("owner")), "the owner invites at once");
        assert!(!group.invitation_needs_approval(Operator::AppAdmin(&user("administrator"))));
        let invitations = group.request_invitations(&user("a"), &[user("c"), user("b"), user("c")], 20).unwrap();
        assert_eq!(
            invitations.results,
            vec![
                (user("c"), HandleMemberResult::INVITED),
                (user("b"), HandleMemberResult::ALREADY_MEMBER),
                (user("c"), HandleMemberResult::INVITED)
            ]
        );
        assert_eq!(invitations.made.len(), 1, "one entry per user");
        assert_eq!(invitations.made[0].inviter, Some(user("a")));
        assert!(group.member(&user("c")).is_none());
        // An invitation is not handled as a request to join, and an ordinary member handles
        // neither.
        fn code<T: std::fmt::Debug>(result: Result<T, ApiError>) -> ErrorCode {
            result.unwrap_err().code
        }
        assert_eq!(
            code(group.handle_request(&user("owner"), &user("c"), false, true, 21)),
            ErrorCode::GROUP_INVALID_PARAMETERS
        );
        assert_eq!(
            code(group.handle_request(&user("b"), &user("c"), true, true, 21)),
            ErrorCode::GROUP_PERMISSION_DENIED
        );
        let (handled, joined) = group.handle_request(&user("owner"), &user("c"), true, true, 21).unwrap();
        assert_eq!(handled.inviter, Some(user("a")));
        assert_eq!(joined.map(|it| it.user), Some(user("c")));
        assert_eq!(group.join_requests().count(), 0);
        // A join by other means answers a pending invitation.
        group.request_invitations(&user("a"), &[user("d")], 22).unwrap();
        group.invite(&user("owner"), &[user("d")], 23).unwrap();
        assert!(!group.has_pending(&user("d")));
        group.profile.approve_option = ADD_OPTION_FORBID;
        for inviter in ["owner", "a"] {
            assert_eq!(
                code(group.invite(&user(inviter), &[user("e")], 24).map(|_| ())),
                ErrorCode::GROUP_PERMISSION_DENIED
            );
        }
        assert!(group.invite(Operator::AppAdmin(&user("administrator")), &[user("e")], 24).is_ok());
    }

    #[test]
    fn join_records_the_seq_and_starts_unread_there() {
        let mut group = new_group(GroupType::PUBLIC, &["a"]);
        group.append_message(&user("a"), 11, false);
        group.append_message(&user("owner"), 12, false);
        let joined = group.join(&user("late"), 13).unwrap();
        assert_eq!(joined.join_seq, 2);
        assert_eq!(group.unread_of(&user("late")), Some(0));
        assert_eq!(group.unread_of(&user("a")), Some(1), "the owner's message; a's own does not count");
        group.append_message(&user("owner"), 14, false);
        assert_eq!(group.unread_of(&user("late")), Some(1));
    }

    #[test]
    fn permissions_follow_tim() {
        let mut work = new_group(GroupType::WORK, &["a"]);
        assert!(work.invite(&user("a"), &[user("b")], 1).is_ok(), "any Work member may invite");
        assert_eq!(work.remove(&user("a"), &[user("b")]).unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
        assert_eq!(work.join(&user("c"), 1).unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
        let outcome = work.quit(&user("owner")).unwrap();
        assert_eq!(outcome.new_owner, Some(user("a")), "the longest-standing member takes over");

        let mut public = new_group(GroupType::PUBLIC, &["a"]);
        assert_eq!(public.invite(&user("a"), &[user("b")], 1).unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
        assert_eq!(public.quit(&user("owner")).unwrap_err().code, ErrorCode::GROUP_OWNER_CANNOT_QUIT);
        assert_eq!(public.check_dismiss(&user("a")).unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
        assert!(public.check_dismiss(&user("owner")).is_ok());
        assert_eq!(public.join(&user("a"), 1).unwrap_err().code, ErrorCode::GROUP_ALREADY_MEMBER);
        assert_eq!(public.check_send(&user("x"), 1).unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);

        let mut dismissed = new_group(GroupType::WORK, &["a"]);
        dismissed.mark_dismissed();
        assert_eq!(dismissed.check_send(&user("a"), 1).unwrap_err().code, ErrorCode::GROUP_NOT_FOUND);
        assert_eq!(dismissed.invite(&user("owner"), &[user("b")], 1).unwrap_err().code, ErrorCode::GROUP_NOT_FOUND);

        let mut room = new_group(GroupType::AV_CHAT_ROOM, &[]);
        assert_eq!(room.invite(&user("owner"), &[user("b")], 1).unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    }

    #[test]
    fn caps_are_enforced_without_half_writes() {
        let mut group = new_group(GroupType::WORK, &[]);
        group.profile.max_member_num = 3;
        let err = group.invite(&user("owner"), &[user("a"), user("b"), user("c")], 1).unwrap_err();
        assert_eq!(err.code, ErrorCode::GROUP_FULL);
        assert_eq!(group.n_members(), 1, "nothing was added");
        let outcome = group.invite(&user("owner"), &[user("a"), user("owner")], 1).unwrap();
        assert_eq!(outcome.results[1].1, HandleMemberResult::ALREADY_MEMBER);
    }

    #[test]
    fn member_pages_walk_join_order() {
        let names: Vec<String> = (0..25).map(|i| format!("m{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let group = new_group(GroupType::PUBLIC, &refs);
        let mut seen = Vec::new();
        let mut cursor = 0;
        loop {
            let (page, next) = group.members_page(cursor, 10);
            seen.extend(page.iter().map(|(user, _)| user.as_str().to_owned()));
            if next == 0 {
                break;
            }
            cursor = next;
        }
        assert_eq!(seen.len(), 26);
        assert_eq!(seen[0], "owner");
    }

    #[test]
    fn custom_ids() {
        let id = |text: &str| GroupId::parse(text).unwrap();
        assert!(validate_custom_group_id(&id("team"), GroupType::WORK).is_ok());
        assert!(validate_custom_group_id(&id("@TGS#x"), GroupType::WORK).is_err());
        assert!(validate_custom_group_id(&id("@TGS#_x"), GroupType::COMMUNITY).is_ok());
        assert!(validate_custom_group_id(&id("x"), GroupType::COMMUNITY).is_err());
        assert!(generated_group_id(GroupType::COMMUNITY, 12345).as_str().starts_with("@TGS#_"));
        assert!(generated_group_id(GroupType::WORK, u64::MAX).as_str().starts_with("@TGS#"));
    }

    #[test]
    fn the_app_administrator_manages_any_group_without_being_a_member() {
        let admin = user("administrator");
        let mut public = new_group(GroupType::PUBLIC, &["a"]);
        assert!(public.member(&admin).is_none());
        let outcome = public.invite(Operator::AppAdmin(&admin), &[user("b")], 5).unwrap();
        assert_eq!(outcome.results, vec![(user("b"), HandleMemberResult::SUCCEEDED)]);
        assert!(public.member(&admin).is_none(), "the administrator does not join by inviting");
        let outcome = public.remove(Operator::AppAdmin(&admin), &[user("a"), user("owner")]).unwrap();
        assert_eq!(
            outcome.results,
            vec![(user("a"), HandleMemberResult::SUCCEEDED), (user("owner"), HandleMemberResult::FAILED)],
            "the owner stays: only dismissing the group removes it"
        );
        assert!(public.check_dismiss(Operator::AppAdmin(&admin)).is_ok());
        assert_eq!(public.check_dismiss(&user("b")).unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
        public.mark_dismissed();
        assert_eq!(
            public.invite(Operator::AppAdmin(&admin), &[user("c")], 6).unwrap_err().code,
            ErrorCode::GROUP_NOT_FOUND
        );
    }

    #[test]
    fn a_group_may_start_without_an_owner() {
        let profile = GroupProfile {
            name: "ownerless".to_owned(),
            introduction: String::new(),
            notification: String::new(),
            face_url: String::new(),
            add_option: ADD_OPTION_ANY,
            approve_option: ADD_OPTION_ANY,
            max_member_num: 10,
            ..GroupProfile::default()
        };
        let (group, joined) = Group::create(NewGroup {
            id: GroupId::parse("g2").unwrap(),
            group_type: GroupType::PUBLIC,
            profile,
            owner: None,
            initial_members: vec![(user("a"), MemberRole::NORMAL)],
            now: 1,
        })
        .unwrap();
        assert!(group.owner().is_none());
        assert_eq!(joined.len(), 1);
        assert_eq!(joined[0].index, 0);
    }

    #[test]
    fn profile_changes_follow_roles_and_move_the_info_seq() {
        let mut public = new_group(GroupType::PUBLIC, &["a"]);
        let mut profile = public.profile.clone();
        profile.name = "renamed".to_owned();
        assert_eq!(
            public.modify_profile(&user("a"), profile.clone()).unwrap_err().code,
            ErrorCode::GROUP_PERMISSION_DENIED
        );
        let before = public.info_seq();
        public.modify_profile(&user("owner"), profile.clone()).unwrap();
        assert_eq!(public.profile.name, "renamed");
        assert_eq!(public.info_seq(), before + 1);
        profile.max_member_num = 1;
        assert_eq!(
            public.modify_profile(Operator::AppAdmin(&user("administrator")), profile).unwrap_err().code,
            ErrorCode::GROUP_INVALID_PARAMETERS,
            "the cap cannot fall below the current members"
        );
        let mut work = new_group(GroupType::WORK, &["a"]);
        let mut profile = work.profile.clone();
        profile.notification = "hello".to_owned();
        work.modify_profile(&user("a"), profile).unwrap();
        assert_eq!(work.profile.notification, "hello");
    }

    #[test]
    fn an_expelled_owner_hands_the_group_on() {
        let mut public = new_group(GroupType::PUBLIC, &["a", "b"]);
        let outcome = public.expel(&user("owner")).unwrap();
        assert_eq!(outcome.left.len(), 1);
        assert_eq!(outcome.new_owner, Some(user("a")));
        assert_eq!(public.owner(), Some(&user("a")));
        assert_eq!(public.member(&user("a")).unwrap().role, MemberRole::OWNER);
        assert!(public.expel(&user("owner")).is_none(), "no longer a member");
    }

    #[test]
    fn mutes_follow_roles_and_time() {
        let mut public = new_group(GroupType::PUBLIC, &["admin", "a", "b"]);
        let promote = MemberChange { role: Some(MemberRole::ADMIN), ..MemberChange::default() };
        assert_eq!(
            public.modify_member(&user("a"), &user("admin"), &promote, 10).unwrap_err().code,
            ErrorCode::GROUP_PERMISSION_DENIED,
            "only the owner appoints admins"
        );
        assert_eq!(
            public.modify_member(&user("owner"), &user("admin"), &promote, 10).unwrap().role,
            Some(MemberRole::ADMIN)
        );
        let mute = MemberChange { shutup_seconds: Some(60), ..MemberChange::default() };
        assert_eq!(
            public.modify_member(&user("admin"), &user("owner"), &mute, 10).unwrap_err().code,
            ErrorCode::GROUP_PERMISSION_DENIED
        );
        assert_eq!(
            public.modify_member(&user("a"), &user("b"), &mute, 10).unwrap_err().code,
            ErrorCode::GROUP_PERMISSION_DENIED
        );
        assert_eq!(public.modify_member(&user("admin"), &user("a"), &mute, 10).unwrap().shutup_until, Some(70));
        assert_eq!(public.check_send(&user("a"), 69).unwrap_err().code, ErrorCode::GROUP_MEMBER_MUTED);
        assert!(public.check_send(&user("a"), 70).is_ok(), "the mute ends on time");
        assert_eq!(public.muted_members(20).len(), 1);
        public.profile.shutup_all = true;
        assert_eq!(public.check_send(&user("b"), 80).unwrap_err().code, ErrorCode::GROUP_MEMBER_MUTED);
        assert!(public.check_send(&user("admin"), 80).is_ok());
        assert!(public.check_send(&user("owner"), 80).is_ok());
        let bad = MemberChange {
            name_card: Some("x".repeat(limits::NAME_CARD_BYTES_MAX + 1)),
            shutup_seconds: Some(5),
            ..MemberChange::default()
        };
        assert_eq!(
            public.modify_member(&user("owner"), &user("b"), &bad, 10).unwrap_err().code,
            ErrorCode::GROUP_INVALID_PARAMETERS
        );
        assert!(!public.member(&user("b")).unwrap().is_muted(11), "a refused change changes nothing");
        let mut work = new_group(GroupType::WORK, &["a"]);
        assert_eq!(
            work.modify_member(&user("owner"), &user("a"), &promote, 10).unwrap_err().code,
            ErrorCode::GROUP_PERMISSION_DENIED,
            "Work groups have no admins"
        );
    }

    #[test]
    fn the_owner_hands_the_group_over() {
        let mut public = new_group(GroupType::PUBLIC, &["a"]);
        assert_eq!(public.change_owner(&user("a"), &user("a")).unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
        assert_eq!(
            public.change_owner(&user("owner"), &user("stranger")).unwrap_err().code,
            ErrorCode::GROUP_PERMISSION_DENIED
        );
        let change = public.change_owner(&user("owner"), &user("a")).unwrap();
        assert_eq!(change.old, Some((user("owner"), 0)));
        assert_eq!(public.owner(), Some(&user("a")));
        assert_eq!(public.member(&user("owner")).unwrap().role, MemberRole::NORMAL);
        assert_eq!(public.member(&user("a")).unwrap().role, MemberRole::OWNER);
    }

    #[test]
    fn custom_fields_follow_tim_rules() {
        let mut fields = CustomFields::new();
        merge_custom(&mut fields, &CustomFields::from([("level".to_owned(), "3".to_owned())]));
        assert!(validate_custom(&fields, "group", 10, 100).is_ok());
        merge_custom(&mut fields, &CustomFields::from([("level".to_owned(), String::new())]));
        assert!(fields.is_empty(), "an empty value deletes its key");
        for key in ["", "1st", "has space", "a_very_long_key_name"] {
            let fields = CustomFields::from([(key.to_owned(), "v".to_owned())]);
            assert!(validate_custom(&fields, "group", 10, 100).is_err(), "{key:?}");
        }
    }
}
