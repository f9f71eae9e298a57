//! What an app's back end and the console read and manage outside the client operations:
//! the groups of an app, a group's profile and members, the groups of a user, accounts and
//! who is online. The REST API formats these as TIM's server API does.

use std::sync::atomic::Ordering;

use tincan_core::conv::ConvKey;
use tincan_proto::enums::MemberRole as Role;
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, UserId};
use tincan_store::WriteOp;

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::ops::common::{TIP_QUIT, group_not_found, group_record, leave_ops, tips_message};
use crate::state::{lock, read, write};

/// A group as the REST API and the console show it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSummary {
    /// The app.
    pub sdkappid: u64,
    /// The group's ID.
    pub group_id: String,
    /// Its type.
    pub group_type: GroupType,
    /// The profile.
    pub name: String,
    /// The introduction.
    pub introduction: String,
    /// The notice.
    pub notification: String,
    /// The avatar URL.
    pub face_url: String,
    /// `TIMGroupAddOption`.
    pub add_option: u32,
    /// The invite option, a `TIMGroupAddOption`.
    pub approve_option: u32,
    /// The owner, if the group has one.
    pub owner: Option<String>,
    /// When it was created, in seconds.
    pub created_at: u64,
    /// The profile's version, moved on by each change.
    pub info_seq: u64,
    /// When the newest message was sent, in seconds (0: none yet).
    pub last_msg_time: u64,
    /// The seq the next message will have.
    pub next_msg_seq: u64,
    /// Current members.
    pub member_num: u64,
    /// The member cap.
    pub max_member_num: u32,
    /// Whether only the owner and admins may speak.
    pub shutup_all: bool,
    /// Its custom fields.
    pub custom: Vec<(String, String)>,
    /// Current members with a device online.
    pub online_member_num: u64,
}

/// A group member as the REST API and the console show it.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberSummary {
    /// The member.
    pub user: String,
    /// Its role.
    pub role: MemberRole,
    /// When it joined, in seconds.
    pub join_time: u64,
    /// The seq of the newest message it has read.
    pub read_seq: u64,
    /// Its unread messages in the group.
    pub unread: u64,
    /// Its name card.
    pub name_card: String,
    /// Until when it is muted, in seconds (0: not muted).
    pub shutup_until: u64,
    /// Its custom fields.
    pub custom: Vec<(String, String)>,
}

/// One account, for listings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountSummary {
    /// The account.
    pub user: String,
    /// Whether a device of it is online.
    pub online: bool,
}

impl Engine {
    /// A group's profile and counts.
    pub fn group_summary(&self, sdkappid: u64, group_id: &GroupId) -> Result<GroupSummary, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
        let state = lock(&state);
        let group = &state.group;
        let online = group.members().filter(|(user, _)| self.hub().is_online(sdkappid, user)).count();
        Ok(GroupSummary {
            sdkappid,
            group_id: group_id.as_str().to_owned(),
            group_type: group.group_type(),
            name: group.profile.name.clone(),
            introduction: group.profile.introduction.clone(),
            notification: group.profile.notification.clone(),
            face_url: group.profile.face_url.clone(),
            add_option: group.profile.add_option,
            approve_option: group.profile.approve_option,
            owner: group.owner().map(|owner| owner.as_str().to_owned()),
            created_at: group.created_at(),
            info_seq: group.info_seq(),
            last_msg_time: group.last_msg_time(),
            next_msg_seq: group.max_seq().saturating_add(1),
            member_num: group.n_members(),
            max_member_num: group.profile.max_member_num,
            shutup_all: group.profile.shutup_all,
            custom: group.profile.custom.iter().map(|(key, value)| (key.clone(), value.clone())).collect(),
            online_member_num: online as u64,
        })
    }

    /// A page of a group's members in the order they joined: `limit` members after skipping
    /// `offset`; returns the page and the number of members.
    pub fn group_member_page(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<MemberSummary>, u64), ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
        let state = lock(&state);
        let group = &state.group;
        let page = group
            .current_members()
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|index| group.user_at(index))
            .map(|(user, member)| MemberSummary {
                user: user.as_str().to_owned(),
                role: member.role,
                join_time: member.join_time,
                read_seq: member.read.read_seq(),
                unread: state.unread_of(member),
                name_card: member.name_card.clone(),
                shutup_until: member.shutup_until,
                custom: member.custom.iter().map(|(key, value)| (key.clone(), value.clone())).collect(),
            })
            .collect();
        Ok((page, group.n_members()))
    }

    /// One member of a group, if `user` is one.
    pub fn group_member(&self, sdkappid: u64, group_id: &GroupId, user: &UserId) -> Option<MemberSummary> {
        let app = self.app(sdkappid)?;
        let state = app.group(group_id)?;
        let state = lock(&state);
        let group = &state.group;
        let member = group.member(user)?;
        Some(MemberSummary {
            user: user.as_str().to_owned(),
            role: member.role,
            join_time: member.join_time,
            read_seq: member.read.read_seq(),
            unread: state.unread_of(member),
            name_card: member.name_card.clone(),
            shutup_until: member.shutup_until,
            custom: member.custom.iter().map(|(key, value)| (key.clone(), value.clone())).collect(),
        })
    }

    /// The IDs of an app's groups (of one type, if given), sorted.
    pub fn app_group_ids(&self, sdkappid: u64, group_type: Option<GroupType>) -> Result<Vec<String>, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let groups = read(&app.groups);
        let mut ids: Vec<String> = groups
            .iter()
            .filter(|(_, state)| group_type.is_none_or(|wanted| lock(state).group.group_type() == wanted))
            .map(|(id, _)| id.as_str().to_owned())
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// The groups `user` is a member of, sorted by ID, with their types.
    pub fn joined_group_ids(&self, sdkappid: u64, user: &UserId) -> Result<Vec<(GroupId, GroupType)>, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let account = app.account(user).ok_or_else(|| {
            ApiError::new(ErrorCode::GROUP_ACCOUNT_NOT_FOUND, format!("account {user} does not exist"))
        })?;
        let ids: Vec<GroupId> = lock(&account.convs).groups.iter().cloned().collect();
        let mut joined: Vec<(GroupId, GroupType)> = ids
            .into_iter()
            .filter_map(|id| {
                let state = app.group(&id)?;
                let group_type = {
                    let state = lock(&state);
                    state.group.member(user)?;
                    state.group.group_type()
                };
                Some((id, group_type))
            })
            .collect();
        joined.sort();
        Ok(joined)
    }

    /// A page of an app's accounts whose identifiers start with `prefix`, in identifier order,
    /// after `cursor` (exclusive; empty for the first page); returns the page and the cursor of
    /// the next one (empty when this is the last).
    pub fn account_page(
        &self,
        sdkappid: u64,
        prefix: &str,
        cursor: &str,
        limit: usize,
    ) -> Result<(Vec<AccountSummary>, String), ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let accounts = read(&app.accounts);
        let mut matching: Vec<&UserId> = accounts
            .keys()
            .filter(|user| user.as_str().starts_with(prefix) && (cursor.is_empty() || user.as_str() > cursor))
            .collect();
        matching.sort_unstable();
        let more = matching.len() > limit;
        matching.truncate(limit);
        let next =
            if more { matching.last().map(|user| user.as_str().to_owned()).unwrap_or_default() } else { String::new() };
        let page = matching
            .into_iter()
            .map(|user| AccountSummary { user: user.as_str().to_owned(), online: self.hub().is_online(sdkappid, user) })
            .collect();
        Ok((page, next))
    }

    /// Deletes accounts (TIM's `account_delete`): each one's devices are logged out, it leaves
    /// every group it is in (an owner hands its group to the longest-standing member), and the
    /// account is gone; its messages stay in their conversations, and a later login or import
    /// creates the account afresh. Returns, per user, whether it existed.
    pub async fn delete_accounts(&self, sdkappid: u64, users: &[UserId]) -> Result<Vec<bool>, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let now = self.now();
        let mut existed = Vec::with_capacity(users.len());
        for user in users {
            let Some(account) = write(&app.accounts).remove(user) else {
                existed.push(false);
                continue;
            };
            existed.push(true);
            // Its subscriptions go with it (its stored profile record goes with the account).
            lock(&app.watchers).forget(user);
            let reason = ApiError::new(ErrorCode::LOGIN_KICKED_OFF, "the account was deleted by the administrator");
            self.hub().kick_user(sdkappid, user, &reason);
            let group_ids: Vec<GroupId> = std::mem::take(&mut lock(&account.convs).groups).into_iter().collect();
            // One write per group, each under that group's lock (so that its tips take their
            // place in the group's seq order), then the account's.
            for group_id in &group_ids {
                let Some(state) = app.group(group_id) else { continue };
                let committing = self.commit(
                    || lock(&state),
                    |state| {
                        let Some(outcome) = state.group.expel(user) else { return Ok(Decision::Nothing(())) };
                        state.note_left(&outcome.left, now);
                        let mut ops = leave_ops(sdkappid, group_id, &outcome.left);
                        if let Some(successor) = &outcome.new_owner
                            && let Some(member) = state.group.member(successor)
                        {
                            ops.push(WriteOp::SetMemberRole {
                                sdkappid,
                                group_id: group_id.clone(),
                                index: member.index,
                                role: Role::OWNER,
                            });
                        }
                        ops.push(group_record(sdkappid, &state.group, None));
                        if state.group.n_members() > 0 {
                            ops.push(tips_message(self, sdkappid, state, TIP_QUIT, user, &[user], now));
                        }
                        Ok(Decision::write(ops, Tell::devices(sdkappid), ()))
                    },
                );
                committing.await?.durable().await?;
            }
            self.commit_unlocked(vec![WriteOp::DeleteAccount { sdkappid, user: user.clone() }], Tell::Nobody).await?;
            if let Some(app) = self.app(sdkappid) {
                crate::state::lock(&app.relations).forget(user);
                crate::state::lock(&app.follows).forget(user);
            }
        }
        Ok(existed)
    }

    /// The `TIMPlatform` of each device of `user` online now.
    pub fn online_platforms(&self, sdkappid: u64, user: &UserId) -> Vec<u32> {
        self.hub().platforms_of(sdkappid, user)
    }

    /// Counters since the server started, for the console's live view: connections now, users
    /// online in the app now, messages stored and receipts recorded.
    pub fn live_counts(&self, sdkappid: u64) -> (i64, usize, u64, u64) {
        let metrics = self.metrics();
        (
            metrics.connections.load(Ordering::Relaxed),
            self.hub().n_online_users(sdkappid),
            metrics.messages.load(Ordering::Relaxed),
            metrics.receipts.load(Ordering::Relaxed),
        )
    }

    /// The session user's conversations with marks, custom data or conversation groups, sorted
    /// by conversation ID: the ones TIM's REST API pages through as conversation group mark
    /// data, hidden and deleted ones included.
    pub fn conversations_with_settings(&self, session: &Session) -> Vec<Conv> {
        let me = session.user();
        let mut convs: Vec<Conv> = lock(&session.account.convs)
            .settings
            .iter()
            .filter(|(_, settings)| {
                settings.marks != 0 || !settings.custom_data.is_empty() || !settings.groups.is_empty()
            })
            .filter_map(|(key, _)| match key {
                ConvKey::C2c(pair) => Some(Conv::C2c(pair.peer_of(pair.side_of(me)?).clone())),
                ConvKey::Group(group_id) => Some(Conv::Group(group_id.clone())),
            })
            .collect();
        convs.sort_by_cached_key(tincan_proto::conv::ConvSelector::conversation_id);
        convs
    }
}
