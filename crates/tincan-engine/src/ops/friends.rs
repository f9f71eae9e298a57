//! The relationship chain: friends (one way or both, by the other user's add permission),
//! friend requests, friend entries (remarks, friend groups, custom fields), the blocklist and
//! friend search.
//!
//! Every change is decided under the app's relations lock, stored with a `friend` event
//! (TIM's `FriendChangeElem`) for each user whose lists changed, so that all of their devices
//! hear of it, and reported to the `Sns.*` webhooks in the same batch.
//! The C2C send path reads the same state for the blocklist and the app's friendship check.

use std::sync::Arc;

use tincan_core::config::{
    CALLBACK_SNS_BLACKLIST_ADD, CALLBACK_SNS_BLACKLIST_DELETE, CALLBACK_SNS_FRIEND_ADD, CALLBACK_SNS_FRIEND_DELETE,
};
use tincan_proto::api::{
    self, Empty, blocklist_add, blocklist_delete, blocklist_get, friend_add, friend_check, friend_delete,
    friend_delete_pendency, friend_get_info, friend_get_list, friend_get_pendency_list, friend_group_create,
    friend_group_delete, friend_group_get, friend_group_modify, friend_handle_request, friend_modify,
    friend_report_pendency_read, friend_search,
};
use tincan_proto::friendship::{
    self as tim, CheckResult, FriendAddPendency, FriendAddPendencyInfo, FriendCustomString, FriendGroupInfo,
    FriendInfoGetResult, FriendProfile, FriendProfileItem, FriendProfileUpdate, FriendResult, PendencyPage,
};
use tincan_proto::profile::UserProfile;
use tincan_proto::push::{self, FriendPush};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};
use tincan_store::{BlockRecord, FriendMetaRecord, FriendRecord, FriendRequestRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::ops::handle;
use crate::state::{AppState, Relations, lock};
use crate::webhooks::{CallbackEvent, SnsPair};

/// `TIMProfileAddPermission` values, as the profile stores them.
const ALLOW_ANY: u32 = 1;
const DENY_ANY: u32 = 3;

fn invalid(desc: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::FRIEND_INVALID_PARAMETERS, desc)
}

fn check_count(field: &str, n: usize) -> Result<(), ApiError> {
    if n == 0 || n > limits::FRIEND_USERS_PER_CALL_MAX {
        return Err(invalid(format!(
            "{field} has {n} users; between 1 and {} are allowed",
            limits::FRIEND_USERS_PER_CALL_MAX
        )));
    }
    Ok(())
}

fn check_account(app: &AppState, user: &UserId) -> Result<(), ApiError> {
    match app.account(user) {
        Some(_) => Ok(()),
        None => Err(ApiError::new(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND, format!("account {user} does not exist"))),
    }
}

fn profile_of(app: &AppState, user: &UserId) -> UserProfile {
    match app.account(user) {
        Some(account) => lock(&account.profile).profile.clone(),
        None => UserProfile { user_profile_identifier: user.as_str().to_owned(), ..UserProfile::default() },
    }
}

/// A friend's entry as TIM shows it, with the friend's profile as it is now.
fn render_friend(app: &AppState, record: &FriendRecord) -> FriendProfile {
    FriendProfile {
        friend_profile_identifier: record.peer.as_str().to_owned(),
        friend_profile_group_name_array: record.groups.clone(),
        friend_profile_remark: record.remark.clone(),
        friend_profile_add_wording: record.add_wording.clone(),
        friend_profile_add_source: record.add_source.clone(),
        friend_profile_add_time: record.add_time,
        friend_profile_user_profile: profile_of(app, &record.peer),
        friend_profile_custom_string_array: record
            .custom
            .iter()
            .map(|(key, value)| FriendCustomString {
                friend_profile_custom_string_info_key: key.clone(),
                friend_profile_custom_string_info_value: value.clone(),
            })
            .collect(),
    }
}

/// What a decision changes, gathered while it is made: the store's ops, a push per user and
/// change, and the pairs each webhook reports.
struct Changes {
    sdkappid: u64,
    ops: Vec<WriteOp>,
    pushes: Vec<(UserId, FriendPush)>,
    added: Vec<SnsPair>,
    deleted: Vec<SnsPair>,
    blocked: Vec<SnsPair>,
    unblocked: Vec<SnsPair>,
    /// Users whose friend groups or read time changed.
    metas: Vec<UserId>,
}

impl Changes {
    fn new(sdkappid: u64) -> Changes {
        Changes {
            sdkappid,
            ops: Vec::new(),
            pushes: Vec::new(),
            added: Vec::new(),
            deleted: Vec::new(),
            blocked: Vec::new(),
            unblocked: Vec::new(),
            metas: Vec::new(),
        }
    }

    /// Adds to `user`'s push of `change_type` (one push per user and type).
    fn tell(&mut self, user: &UserId, change_type: u32, fill: impl FnOnce(&mut FriendPush)) {
        let index = self
            .pushes
            .iter()
            .position(|(to, push)| to == user && push.friend_change_elem_change_type == change_type)
            .unwrap_or_else(|| {
                let push = FriendPush { friend_change_elem_change_type: change_type, ..FriendPush::default() };
                self.pushes.push((user.clone(), push));
                self.pushes.len() - 1
            });
        fill(&mut self.pushes[index].1);
    }

    fn meta(&mut self, user: &UserId) {
        if !self.metas.contains(user) {
            self.metas.push(user.clone());
        }
    }

    fn put_friend(&mut self, relations: &mut Relations, record: FriendRecord) {
        self.ops.push(WriteOp::PutFriend(record.clone()));
        relations.of_mut(&record.owner).friends.insert(record.peer.clone(), record);
    }

    /// Ends `owner`'s friendship with `peer`, if it has one; tells `owner`.
    fn delete_friend(&mut self, relations: &mut Relations, owner: &UserId, peer: &UserId) -> bool {
        if relations.of_mut(owner).friends.remove(peer).is_none() {
            return false;
        }
        self.ops.push(WriteOp::DeleteFriend { sdkappid: self.sdkappid, owner: owner.clone(), peer: peer.clone() });
        self.tell(owner, tim::CHANGE_FRIEND_DEL, |push| {
            push.friend_change_elem_friend_del_identifier_array.push(peer.as_str().to_owned())
        });
        self.deleted.push(SnsPair::new(owner, peer, owner));
        true
    }

    /// Removes the request from `from` to `to`, if there is one; tells both.
    fn delete_request(&mut self, relations: &mut Relations, from: &UserId, to: &UserId) -> bool {
        let had = relations.of_mut(to).incoming.remove(from).is_some();
        relations.of_mut(from).outgoing.remove(to);
        if !had {
            return false;
        }
        self.ops.push(WriteOp::DeleteFriendRequest { sdkappid: self.sdkappid, from: from.clone(), to: to.clone() });
        for (user, other) in [(to, from), (from, to)] {
            self.tell(user, tim::CHANGE_PENDENCY_DEL, |push| {
                push.friend_change_elem_pendency_del_identifier_array.push(other.as_str().to_owned())
            });
        }
        true
    }

    /// Puts `owner`'s friend group `name` in its list if it is not there; fails when the list
    /// is full.
    fn ensure_group(&mut self, relations: &mut Relations, owner: &UserId, name: &str) -> Result<(), ApiError> {
        let side = relations.of_mut(owner);
        if side.groups.iter().any(|it| it == name) {
            return Ok(());
        }
        if side.groups.len() >= limits::FRIEND_GROUPS_MAX {
            return Err(ApiError::new(
                ErrorCode::FRIEND_LIST_FULL,
                format!("{owner} has {} friend groups, the most allowed", limits::FRIEND_GROUPS_MAX),
            ));
        }
        side.groups.push(name.to_owned());
        self.meta(owner);
        self.tell(owner, tim::CHANGE_GROUP_ADD, |push| {
            push.friend_change_elem_friend_group_add_array.push(name.to_owned())
        });
        Ok(())
    }

    /// The ops to store and the webhook events, in one list.
    fn finish(mut self, engine: &Engine, relations: &Relations, origin: &Origin<'_>) -> Vec<WriteOp> {
        let sdkappid = self.sdkappid;
        for owner in &self.metas {
            let side = relations.of(owner);
            self.ops.push(WriteOp::PutFriendMeta(FriendMetaRecord {
                sdkappid,
                owner: owner.clone(),
                groups: side.map(|it| it.groups.clone()).unwrap_or_default(),
                pendency_read_time: side.map_or(0, |it| it.pendency_read_time),
            }));
        }
        for (user, push) in &self.pushes {
            self.ops.push(user_event(sdkappid, user, push::FRIEND, None, push));
        }
        let config = engine.app(sdkappid).map(|app| app.settings().config.clone());
        let Some(config) = config else { return self.ops };
        let event_time_ms = engine.now_ms();
        for (command, pairs) in [
            (CALLBACK_SNS_FRIEND_ADD, self.added),
            (CALLBACK_SNS_FRIEND_DELETE, self.deleted),
            (CALLBACK_SNS_BLACKLIST_ADD, self.blocked),
            (CALLBACK_SNS_BLACKLIST_DELETE, self.unblocked),
        ] {
            // TIM reports imported friends to no webhook.
            let imported = command == CALLBACK_SNS_FRIEND_ADD && origin.client_cmd == "friend_import";
            if pairs.is_empty() || imported || !engine.wants_callback(&config, command) {
                continue;
            }
            let event = CallbackEvent::Sns {
                pairs,
                client_cmd: origin.client_cmd.to_owned(),
                admin: origin.admin.clone(),
                forced: origin.forced,
                event_time_ms,
                platform: origin.platform,
            };
            self.ops.extend(engine.callback_op(sdkappid, command, &event));
        }
        self.ops
    }
}

/// Who made a change and how, as the webhooks report it.
struct Origin<'a> {
    /// The device's `TIMPlatform` ([`crate::webhooks::PLATFORM_REST`] through REST).
    platform: u32,
    /// TIM's name of the command (`friend_add`, `friend_response`, ...).
    client_cmd: &'a str,
    /// The administrator, when the change came through the REST API; `""` otherwise.
    admin: String,
    /// Whether the add went past the other user's add permission.
    forced: bool,
}

impl<'a> Origin<'a> {
    fn of(session: &Session, client_cmd: &'a str) -> Origin<'a> {
        let admin =
            if session.rest { session.app.settings().admin_identifier.as_str().to_owned() } else { String::new() };
        Origin { platform: session.event_platform(), client_cmd, admin, forced: false }
    }
}

/// Stores a decision's changes, tells the devices, and wakes webhook delivery if it queued any.
async fn commit_changes<T: Send>(
    engine: &Engine,
    app: &Arc<AppState>,
    decide: impl FnOnce(&mut Relations) -> Result<(T, Option<Changes>), ApiError>,
    origin: Origin<'_>,
) -> Result<T, ApiError> {
    let sdkappid = app.sdkappid;
    let committing = engine.commit(
        || lock(&app.relations),
        |relations| {
            let (value, changes) = decide(relations)?;
            match changes {
                Some(changes) if !changes.ops.is_empty() || !changes.pushes.is_empty() => {
                    let ops = changes.finish(engine, relations, &origin);
                    Ok(Decision::write(ops, Tell::devices(sdkappid), value))
                }
                _ => Ok(Decision::Nothing(value)),
            }
        },
    );
    let (value, ops) = committing.await?.durable().await?;
    if ops.iter().any(|op| matches!(op, WriteOp::EnqueueCallback(_))) {
        engine.wake_webhooks();
    }
    Ok(value)
}

// ---------------------------------------------------------------------------------------------
// Adding friends

/// One user to add, with what the caller says of it.
#[derive(Clone, Debug, Default)]
pub struct AddItem {
    /// The user.
    pub peer: Option<UserId>,
    /// The user as named, for the result when it is not an identifier.
    pub named: String,
    /// The caller's remark on it.
    pub remark: String,
    /// A friend group of the caller's to put it in.
    pub group_name: String,
    /// The request's source.
    pub add_source: String,
    /// The request's wording.
    pub add_wording: String,
}

/// How an add goes.
#[derive(Clone, Copy, Debug)]
pub struct AddMode {
    /// Both lists (`true`) or the caller's only.
    pub both: bool,
    /// Past the other user's add permission (REST `ForceAddFlags`, `friend_import`); the
    /// blocklists still count.
    pub force: bool,
}

fn check_item(item: &AddItem) -> Result<(UserId, AddItem), ApiError> {
    let peer = item.peer.clone().ok_or_else(|| invalid(format!("{:?} is not a user ID", item.named)))?;
    tim::check_remark("remark", &item.remark)?;
    tim::check_wording("add_wording", &item.add_wording)?;
    if !item.group_name.is_empty() {
        tim::check_group_name("group_name", &item.group_name)?;
    }
    let add_source = tim::add_source("add_source", &item.add_source)?;
    Ok((peer, AddItem { add_source, ..item.clone() }))
}

impl Engine {
    /// Adds friends for `me` (TIM's `friend_add` and `friend_import`, and the client's
    /// `friend_add`): one result per item, in order.
    pub async fn add_friends(
        &self,
        session: &Session,
        items: Vec<AddItem>,
        mode: AddMode,
        client_cmd: &str,
    ) -> Result<Vec<FriendResult>, ApiError> {
        let app = session.app.clone();
        let me = session.user().clone();
        let now = self.now();
        // Read before the relations lock: the applicant's nickname and each user's permission.
        let my_nick = profile_of(&app, &me).user_profile_nick_name;
        let mut checked = Vec::with_capacity(items.len());
        for item in &items {
            let outcome = check_item(item).and_then(|(peer, item)| {
                if peer == me {
                    return Err(invalid("a user cannot add itself as a friend"));
                }
                check_account(&app, &peer)?;
                let permission = profile_of(&app, &peer).user_profile_add_permission;
                Ok((peer, item, permission))
            });
            checked.push(outcome);
        }
        let decide = |relations: &mut Relations| {
            let mut changes = Changes::new(app.sdkappid);
            let mut results = Vec::with_capacity(checked.len());
            for (item, outcome) in items.iter().zip(checked) {
                let result = outcome.and_then(|(peer, item, permission)| {
                    add_one(relations, &mut changes, &me, &my_nick, &peer, &item, permission, mode, now)
                });
                results.push(match result {
                    Ok(()) => FriendResult::ok(&item.named),
                    Err(err) => FriendResult::failed(&item.named, err),
                });
            }
            Ok((results, Some(changes)))
        };
        commit_changes(self, &app, decide, Origin { forced: mode.force, ..Origin::of(session, client_cmd) }).await
    }
}

/// Decides one add: a friendship, a request waiting for the other user, or a refusal.
#[allow(clippy::too_many_arguments)]
fn add_one(
    relations: &mut Relations,
    changes: &mut Changes,
    me: &UserId,
    my_nick: &str,
    peer: &UserId,
    item: &AddItem,
    permission: u32,
    mode: AddMode,
    now: u64,
) -> Result<(), ApiError> {
    let mine = relations.is_friend(me, peer);
    let theirs = relations.is_friend(peer, me);
    if mine && (!mode.both || theirs) {
        return Err(invalid(format!("{peer} is already a friend of {me}")));
    }
    if relations.blocks(me, peer) {
        return Err(ApiError::new(ErrorCode::FRIEND_PEER_IN_BLOCKLIST, format!("{me} blocks {peer}; unblock first")));
    }
    if relations.blocks(peer, me) {
        return Err(ApiError::new(ErrorCode::FRIEND_IN_PEERS_BLOCKLIST, format!("{peer} blocks {me}")));
    }
    // A user who has the caller as a friend, or asked to be its friend, lets it in.
    let asked = relations.of(me).is_some_and(|it| it.incoming.contains_key(peer));
    if !mode.force && !theirs && !asked {
        if permission == DENY_ANY {
            return Err(ApiError::new(ErrorCode::FRIEND_PEER_DENIES_ALL, format!("{peer} lets no one add it")));
        }
        if permission != ALLOW_ANY {
            let request = FriendRequestRecord {
                sdkappid: changes.sdkappid,
                from: me.clone(),
                to: peer.clone(),
                remark: item.remark.clone(),
                group_name: item.group_name.clone(),
                add_source: item.add_source.clone(),
                add_wording: item.add_wording.clone(),
                add_time: now,
            };
            changes.ops.push(WriteOp::PutFriendRequest(request.clone()));
            relations.of_mut(me).outgoing.insert(peer.clone(), request.clone());
            relations.of_mut(peer).incoming.insert(me.clone(), request);
            changes.tell(peer, tim::CHANGE_PENDENCY_ADD, |push| {
                push.friend_change_elem_friend_add_pendency_array.push(FriendAddPendency {
                    friend_add_pendency_identifier: me.as_str().to_owned(),
                    friend_add_pendency_nick_name: my_nick.to_owned(),
                    friend_add_pendency_add_source: item.add_source.clone(),
                    friend_add_pendency_add_wording: item.add_wording.clone(),
                })
            });
            return Err(ApiError::new(
                ErrorCode::FRIEND_PENDING,
                format!("{peer} confirms friend requests; the request waits for its answer"),
            ));
        }
    }
    let entry = |owner: &UserId, peer: &UserId, remark: &str, group: &str| FriendRecord {
        sdkappid: changes.sdkappid,
        owner: owner.clone(),
        peer: peer.clone(),
        remark: remark.to_owned(),
        groups: if group.is_empty() { Vec::new() } else { vec![group.to_owned()] },
        custom: Default::default(),
        add_source: item.add_source.clone(),
        add_wording: item.add_wording.clone(),
        add_time: now,
    };
    let mut made = Vec::new();
    if !mine {
        made.push(entry(me, peer, &item.remark, &item.group_name));
    }
    if mode.both && !theirs {
        made.push(entry(peer, me, "", ""));
    }
    make_friends(relations, changes, me, made)?;
    for (from, to) in [(me, peer), (peer, me)] {
        changes.delete_request(relations, from, to);
    }
    Ok(())
}

/// Stores new friendships made by `initiator` (each direction checked against its owner's
/// limit first, so that a refusal leaves nothing), and tells each owner.
fn make_friends(
    relations: &mut Relations,
    changes: &mut Changes,
    initiator: &UserId,
    made: Vec<FriendRecord>,
) -> Result<(), ApiError> {
    for record in &made {
        let n_friends = relations.of(&record.owner).map_or(0, |it| it.friends.len());
        if n_friends >= limits::FRIENDS_MAX {
            let code =
                if record.owner == *initiator { ErrorCode::FRIEND_LIST_FULL } else { ErrorCode::FRIEND_PEER_LIST_FULL };
            return Err(ApiError::new(
                code,
                format!("{} has {} friends, the most allowed", record.owner, limits::FRIENDS_MAX),
            ));
        }
        let groups = relations.of(&record.owner).map_or(0, |it| it.groups.len());
        if record.groups.iter().any(|name| !relations.of(&record.owner).is_some_and(|it| it.groups.contains(name)))
            && groups >= limits::FRIEND_GROUPS_MAX
        {
            return Err(ApiError::new(
                ErrorCode::FRIEND_LIST_FULL,
                format!("{} has {} friend groups, the most allowed", record.owner, limits::FRIEND_GROUPS_MAX),
            ));
        }
    }
    for record in made {
        for name in &record.groups {
            changes.ensure_group(relations, &record.owner, name)?;
        }
        changes.tell(&record.owner, tim::CHANGE_FRIEND_ADD, |push| {
            push.friend_change_elem_friend_add_identifier_array.push(record.peer.as_str().to_owned())
        });
        changes.added.push(SnsPair::new(&record.owner, &record.peer, initiator));
        changes.put_friend(relations, record);
    }
    Ok(())
}

/// `friend_add`.
async fn add(engine: &Engine, session: &Session, request: friend_add::Request) -> Result<FriendResult, ApiError> {
    let both = match request.friendship_add_friend_param_friend_type {
        tim::FRIEND_TYPE_SINGLE => false,
        tim::FRIEND_TYPE_BOTH => true,
        other => {
            return Err(ApiError::invalid_parameter(format!(
                "friendship_add_friend_param_friend_type {other}: 0 or 1"
            )));
        }
    };
    let peer = request.friendship_add_friend_param_identifier;
    let item = AddItem {
        named: peer.as_str().to_owned(),
        peer: Some(peer),
        remark: request.friendship_add_friend_param_remark,
        group_name: request.friendship_add_friend_param_group_name,
        add_source: request.friendship_add_friend_param_add_source,
        add_wording: request.friendship_add_friend_param_add_wording,
    };
    let mut results = engine.add_friends(session, vec![item], AddMode { both, force: false }, "friend_add").await?;
    Ok(results.pop().unwrap_or_default())
}

/// `friend_handle_request`.
async fn handle_request(
    engine: &Engine,
    session: &Session,
    request: friend_handle_request::Request,
) -> Result<FriendResult, ApiError> {
    let action = request.friend_response_action;
    if ![tim::RESPONSE_AGREE, tim::RESPONSE_AGREE_AND_ADD, tim::RESPONSE_REJECT].contains(&action) {
        return Err(ApiError::invalid_parameter(format!("friend_response_action {action}: 0, 1 or 2")));
    }
    tim::check_remark("friend_response_remark", &request.friend_response_remark)?;
    if !request.friend_response_group_name.is_empty() {
        tim::check_group_name("friend_response_group_name", &request.friend_response_group_name)?;
    }
    let app = session.app.clone();
    let me = session.user().clone();
    let applicant = request.friend_response_identifier;
    let now = engine.now();
    let decide = |relations: &mut Relations| {
        let pending = relations.of(&me).and_then(|it| it.incoming.get(&applicant)).cloned();
        let Some(pending) = pending else {
            return Err(invalid(format!("{me} has no friend request from {applicant}")));
        };
        let mut changes = Changes::new(app.sdkappid);
        if action != tim::RESPONSE_REJECT {
            let mut made = Vec::new();
            if !relations.is_friend(&applicant, &me) {
                made.push(FriendRecord {
                    sdkappid: app.sdkappid,
                    owner: applicant.clone(),
                    peer: me.clone(),
                    remark: pending.remark.clone(),
                    groups: if pending.group_name.is_empty() { Vec::new() } else { vec![pending.group_name.clone()] },
                    custom: Default::default(),
                    add_source: pending.add_source.clone(),
                    add_wording: pending.add_wording.clone(),
                    add_time: now,
                });
            }
            if action == tim::RESPONSE_AGREE_AND_ADD && !relations.is_friend(&me, &applicant) {
                let group = &request.friend_response_group_name;
                made.push(FriendRecord {
                    sdkappid: app.sdkappid,
                    owner: me.clone(),
                    peer: applicant.clone(),
                    remark: request.friend_response_remark.clone(),
                    groups: if group.is_empty() { Vec::new() } else { vec![group.clone()] },
                    custom: Default::default(),
                    add_source: pending.add_source.clone(),
                    add_wording: pending.add_wording.clone(),
                    add_time: now,
                });
            }
            make_friends(relations, &mut changes, &me, made)?;
        }
        changes.delete_request(relations, &applicant, &me);
        changes.delete_request(relations, &me, &applicant);
        Ok((FriendResult::ok(applicant.as_str()), Some(changes)))
    };
    commit_changes(engine, &app, decide, Origin::of(session, "friend_response")).await
}

// ---------------------------------------------------------------------------------------------
// Deleting friends

impl Engine {
    /// Deletes `me`'s friends `peers` (all of them when `None`), from both lists when `both`:
    /// one result per user named, in order.
    pub async fn delete_friends(
        &self,
        session: &Session,
        peers: Option<Vec<UserId>>,
        both: bool,
    ) -> Result<Vec<FriendResult>, ApiError> {
        let app = session.app.clone();
        let me = session.user().clone();
        let decide = |relations: &mut Relations| {
            let named = peers.is_some();
            let peers = peers.unwrap_or_else(|| {
                relations.of(&me).map(|it| it.friends.keys().cloned().collect()).unwrap_or_default()
            });
            let mut changes = Changes::new(app.sdkappid);
            let mut results = Vec::with_capacity(peers.len());
            for peer in &peers {
                if !changes.delete_friend(relations, &me, peer) {
                    results
                        .push(FriendResult::failed(peer.as_str(), invalid(format!("{peer} is not a friend of {me}"))));
                    continue;
                }
                if both {
                    changes.delete_friend(relations, peer, &me);
                }
                results.push(FriendResult::ok(peer.as_str()));
            }
            if !named {
                results.clear();
            }
            Ok((results, Some(changes)))
        };
        commit_changes(self, &app, decide, Origin::of(session, "friend_delete")).await
    }
}

fn friend_type(field: &str, value: u32) -> Result<bool, ApiError> {
    match value {
        tim::FRIEND_TYPE_SINGLE => Ok(false),
        tim::FRIEND_TYPE_BOTH => Ok(true),
        other => Err(ApiError::invalid_parameter(format!("{field} {other}: 0 (one way) or 1 (both ways)"))),
    }
}

/// `friend_delete`.
async fn delete(
    engine: &Engine,
    session: &Session,
    request: friend_delete::Request,
) -> Result<friend_delete::Response, ApiError> {
    let both =
        friend_type("friendship_delete_friend_param_friend_type", request.friendship_delete_friend_param_friend_type)?;
    let peers = request.friendship_delete_friend_param_identifier_array;
    check_count("friendship_delete_friend_param_identifier_array", peers.len())?;
    let results = engine.delete_friends(session, Some(peers), both).await?;
    Ok(friend_delete::Response { results })
}

// ---------------------------------------------------------------------------------------------
// Reading friends

impl Engine {
    /// `me`'s friends, in the order added (REST `friend_get`).
    pub fn friend_list(&self, session: &Session) -> Vec<FriendProfile> {
        let app = &session.app;
        let mut records: Vec<FriendRecord> = {
            let relations = lock(&app.relations);
            relations.of(session.user()).map(|it| it.friends.values().cloned().collect()).unwrap_or_default()
        };
        records.sort_by(|a, b| (a.add_time, &a.peer).cmp(&(b.add_time, &b.peer)));
        records.iter().map(|record| render_friend(app, record)).collect()
    }

    /// The relationship of `me` with each user: `TIMFriendCheckRelation`, or an error for a
    /// user that does not exist. With `both` false, only `me`'s list counts.
    pub fn check_friends(&self, session: &Session, users: &[UserId], both: bool) -> Vec<Result<u32, ApiError>> {
        let app = &session.app;
        let me = session.user();
        let relations = lock(&app.relations);
        users
            .iter()
            .map(|user| {
                check_account(app, user)?;
                let mine = relations.is_friend(me, user);
                let theirs = both && relations.is_friend(user, me);
                Ok(match (mine, theirs) {
                    (true, true) => tim::CHECK_BOTH_WAY,
                    (true, false) => tim::CHECK_A_WITH_B,
                    (false, true) => tim::CHECK_B_WITH_A,
                    (false, false) => tim::CHECK_NO_RELATION,
                })
            })
            .collect()
    }

    /// `me`'s entries of `users` (REST `friend_get_list`): `None` for one that is not a friend.
    pub fn friend_entries(&self, session: &Session, users: &[UserId]) -> Vec<Option<FriendProfile>> {
        let app = &session.app;
        let records: Vec<Option<FriendRecord>> = {
            let relations = lock(&app.relations);
            let side = relations.of(session.user());
            users.iter().map(|user| side.and_then(|it| it.friends.get(user)).cloned()).collect()
        };
        records.iter().map(|record| record.as_ref().map(|it| render_friend(app, it))).collect()
    }
}

/// `friend_get_list`.
async fn get_list(
    engine: &Engine,
    session: &Session,
    _request: friend_get_list::Request,
) -> Result<friend_get_list::Response, ApiError> {
    Ok(friend_get_list::Response { friends: engine.friend_list(session) })
}

/// `friend_check`.
async fn check(
    engine: &Engine,
    session: &Session,
    request: friend_check::Request,
) -> Result<friend_check::Response, ApiError> {
    let both = friend_type(
        "friendship_check_friendtype_param_check_type",
        request.friendship_check_friendtype_param_check_type,
    )?;
    let users = request.friendship_check_friendtype_param_identifier_array;
    check_count("friendship_check_friendtype_param_identifier_array", users.len())?;
    let results = engine
        .check_friends(session, &users, both)
        .into_iter()
        .zip(&users)
        .map(|(outcome, user)| {
            let mut result = CheckResult {
                friendship_check_friendtype_result_identifier: user.as_str().to_owned(),
                ..CheckResult::default()
            };
            match outcome {
                Ok(relation) => result.friendship_check_friendtype_result_relation = relation,
                Err(err) => {
                    result.friendship_check_friendtype_result_code = err.code;
                    result.friendship_check_friendtype_result_desc = err.desc;
                }
            }
            result
        })
        .collect();
    Ok(friend_check::Response { results })
}

/// `friend_get_info`.
async fn get_info(
    engine: &Engine,
    session: &Session,
    request: friend_get_info::Request,
) -> Result<friend_get_info::Response, ApiError> {
    let users = request.friend_id_list;
    check_count("friend_id_list", users.len())?;
    let relations = engine.check_friends(session, &users, true);
    let entries = engine.friend_entries(session, &users);
    let results = users
        .iter()
        .zip(relations)
        .zip(entries)
        .map(|((user, relation), entry)| {
            let mut result = FriendInfoGetResult {
                friendship_friend_info_get_result_identifier: user.as_str().to_owned(),
                friendship_friend_info_get_result_error_message: "OK".to_owned(),
                ..FriendInfoGetResult::default()
            };
            match relation {
                Ok(relation) => {
                    result.friendship_friend_info_get_result_relation_type = relation;
                    result.friendship_friend_info_get_result_field_info = entry.unwrap_or_else(|| FriendProfile {
                        friend_profile_identifier: user.as_str().to_owned(),
                        friend_profile_user_profile: profile_of(&session.app, user),
                        ..FriendProfile::default()
                    });
                }
                Err(err) => {
                    result.friendship_friend_info_get_result_error_code = err.code;
                    result.friendship_friend_info_get_result_error_message = err.desc;
                    result.friendship_friend_info_get_result_field_info.friend_profile_identifier =
                        user.as_str().to_owned();
                }
            }
            result
        })
        .collect();
    Ok(friend_get_info::Response { results })
}

/// `friend_search`.
async fn search(
    engine: &Engine,
    session: &Session,
    request: friend_search::Request,
) -> Result<friend_search::Response, ApiError> {
    let keywords: Vec<String> =
        request.friendship_search_param_keyword_list.iter().map(|it| it.to_lowercase()).collect();
    if keywords.is_empty()
        || keywords.len() > limits::FRIEND_SEARCH_KEYWORDS_MAX
        || keywords.iter().any(String::is_empty)
    {
        return Err(ApiError::invalid_parameter(format!(
            "friendship_search_param_keyword_list needs 1 to {} keywords, none empty",
            limits::FRIEND_SEARCH_KEYWORDS_MAX
        )));
    }
    let all = tim::SEARCH_FIELD_IDENTIFIER | tim::SEARCH_FIELD_NICK_NAME | tim::SEARCH_FIELD_REMARK;
    let mut fields = 0;
    for field in &request.friendship_search_param_search_field_list {
        if field & !all != 0 || *field == 0 {
            return Err(ApiError::invalid_parameter(format!(
                "friendship_search_param_search_field_list has {field}; the fields are 1 (ID), 2 (nickname) and 4 (remark)"
            )));
        }
        fields |= field;
    }
    if fields == 0 {
        fields = all;
    }
    let matches = |text: &str| {
        let text = text.to_lowercase();
        keywords.iter().any(|keyword| text.contains(keyword.as_str()))
    };
    let friends = engine
        .friend_list(session)
        .into_iter()
        .filter(|friend| {
            (fields & tim::SEARCH_FIELD_IDENTIFIER != 0 && matches(&friend.friend_profile_identifier))
                || (fields & tim::SEARCH_FIELD_NICK_NAME != 0
                    && matches(&friend.friend_profile_user_profile.user_profile_nick_name))
                || (fields & tim::SEARCH_FIELD_REMARK != 0 && matches(&friend.friend_profile_remark))
        })
        .collect();
    Ok(friend_search::Response { friends })
}

// ---------------------------------------------------------------------------------------------
// Changing a friend's entry

impl Engine {
    /// Changes `me`'s entry of friend `peer` (the client's `friend_modify`, REST
    /// `friend_update`); friend groups named that do not exist are created.
    pub async fn modify_friend(
        &self,
        session: &Session,
        peer: &UserId,
        mut item: FriendProfileItem,
    ) -> Result<(), ApiError> {
        item.validate()?;
        let app = session.app.clone();
        let me = session.user().clone();
        let decide = |relations: &mut Relations| {
            let Some(current) = relations.of(&me).and_then(|it| it.friends.get(peer)).cloned() else {
                return Err(invalid(format!("{peer} is not a friend of {me}")));
            };
            let mut next = current.clone();
            if let Some(remark) = &item.friend_profile_item_remark {
                next.remark = remark.clone();
            }
            if let Some(groups) = &item.friend_profile_item_group_name_array {
                next.groups = groups.clone();
            }
            if let Some(customs) = &item.friend_profile_item_custom_string_array {
                for custom in customs {
                    let key = custom.friend_profile_custom_string_info_key.clone();
                    if custom.friend_profile_custom_string_info_value.is_empty() {
                        next.custom.remove(&key);
                    } else {
                        next.custom.insert(key, custom.friend_profile_custom_string_info_value.clone());
                    }
                }
                if next.custom.len() > limits::FRIEND_CUSTOM_FIELDS_MAX {
                    return Err(invalid(format!(
                        "{peer} would have {} custom fields; a friend has at most {}",
                        next.custom.len(),
                        limits::FRIEND_CUSTOM_FIELDS_MAX
                    )));
                }
            }
            if next == current {
                return Ok(((), None));
            }
            let mut changes = Changes::new(app.sdkappid);
            let missing: Vec<&String> = next
                .groups
                .iter()
                .filter(|name| !relations.of(&me).is_some_and(|it| it.groups.contains(name)))
                .collect();
            let n_groups = relations.of(&me).map_or(0, |it| it.groups.len());
            if n_groups + missing.len() > limits::FRIEND_GROUPS_MAX {
                return Err(ApiError::new(
                    ErrorCode::FRIEND_LIST_FULL,
                    format!("{me} would have more than {} friend groups", limits::FRIEND_GROUPS_MAX),
                ));
            }
            for name in next.groups.clone() {
                changes.ensure_group(relations, &me, &name)?;
            }
            changes.tell(&me, tim::CHANGE_PROFILE_UPDATE, |push| {
                push.friend_change_elem_friend_profile_update_item_array.push(FriendProfileUpdate {
                    friend_profile_update_identifier: peer.as_str().to_owned(),
                    friend_profile_update_item: item.clone(),
                })
            });
            changes.put_friend(relations, next);
            Ok(((), Some(changes)))
        };
        commit_changes(self, &app, decide, Origin::of(session, "friend_update")).await
    }
}

/// `friend_modify`.
async fn modify(engine: &Engine, session: &Session, request: friend_modify::Request) -> Result<Empty, ApiError> {
    let peer = request.friendship_modify_friend_profile_param_identifier;
    engine.modify_friend(session, &peer, request.friendship_modify_friend_profile_param_item).await?;
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------------
// Friend requests

/// `friend_get_pendency_list`.
async fn get_pendency_list(
    _engine: &Engine,
    session: &Session,
    request: friend_get_pendency_list::Request,
) -> Result<PendencyPage, ApiError> {
    let kind = request.friendship_get_pendency_list_param_type;
    if kind > tim::PENDENCY_BOTH {
        return Err(ApiError::invalid_parameter(format!(
            "friendship_get_pendency_list_param_type {kind}: 0 (received), 1 (sent) or 2 (both)"
        )));
    }
    let size = match request.friendship_get_pendency_list_param_limited_size as usize {
        0 => limits::FRIEND_PENDENCY_PAGE_MAX,
        size => size.min(limits::FRIEND_PENDENCY_PAGE_MAX),
    };
    let app = &session.app;
    let (mut items, read_time) = {
        let relations = lock(&app.relations);
        let Some(side) = relations.of(session.user()) else { return Ok(PendencyPage::default()) };
        let mut items: Vec<(u32, FriendRequestRecord)> = Vec::new();
        if kind != tim::PENDENCY_SEND_OUT {
            items.extend(side.incoming.values().map(|it| (tim::PENDENCY_COME_IN, it.clone())));
        }
        if kind != tim::PENDENCY_COME_IN {
            items.extend(side.outgoing.values().map(|it| (tim::PENDENCY_SEND_OUT, it.clone())));
        }
        (items, side.pendency_read_time)
    };
    let unread = items.iter().filter(|(kind, it)| *kind == tim::PENDENCY_COME_IN && it.add_time > read_time).count();
    // Newest first; a page ends between two times, never inside one, so that the next page,
    // which starts at a time, repeats nothing and skips nothing.
    items.sort_by(|a, b| b.1.add_time.cmp(&a.1.add_time).then_with(|| a.1.from.cmp(&b.1.from)));
    let current_seq = items.first().map_or(0, |(_, it)| it.add_time);
    let start = request.friendship_get_pendency_list_param_start_time;
    if start > 0 {
        items.retain(|(_, it)| it.add_time <= start);
    }
    let mut end = items.len().min(size);
    while end > 0 && end < items.len() && items[end].1.add_time == items[end - 1].1.add_time {
        end += 1;
    }
    let next_start = items.get(end).map_or(0, |(_, it)| it.add_time);
    items.truncate(end);
    let infos = items
        .into_iter()
        .map(|(kind, record)| {
            let other = if kind == tim::PENDENCY_COME_IN { &record.from } else { &record.to };
            let profile = profile_of(app, other);
            FriendAddPendencyInfo {
                friend_add_pendency_info_type: kind,
                friend_add_pendency_info_identifier: other.as_str().to_owned(),
                friend_add_pendency_info_nick_name: profile.user_profile_nick_name,
                friend_add_pendency_info_face_url: profile.user_profile_face_url,
                friend_add_pendency_info_add_time: record.add_time,
                friend_add_pendency_info_add_source: record.add_source,
                friend_add_pendency_info_add_wording: record.add_wording,
            }
        })
        .collect();
    Ok(PendencyPage {
        pendency_page_start_time: next_start,
        pendency_page_unread_num: unread as u64,
        pendency_page_current_seq: current_seq,
        pendency_page_pendency_info_array: infos,
    })
}

/// `friend_delete_pendency`.
async fn delete_pendency(
    engine: &Engine,
    session: &Session,
    request: friend_delete_pendency::Request,
) -> Result<friend_delete_pendency::Response, ApiError> {
    let kind = request.friendship_delete_pendency_param_type;
    if kind > tim::PENDENCY_BOTH {
        return Err(ApiError::invalid_parameter(format!(
            "friendship_delete_pendency_param_type {kind}: 0 (received), 1 (sent) or 2 (both)"
        )));
    }
    let users = request.friendship_delete_pendency_param_identifier_array;
    check_count("friendship_delete_pendency_param_identifier_array", users.len())?;
    let app = session.app.clone();
    let me = session.user().clone();
    let decide = |relations: &mut Relations| {
        let mut changes = Changes::new(app.sdkappid);
        let results = users
            .iter()
            .map(|user| {
                let received = kind != tim::PENDENCY_SEND_OUT && changes.delete_request(relations, user, &me);
                let sent = kind != tim::PENDENCY_COME_IN && changes.delete_request(relations, &me, user);
                if received || sent {
                    FriendResult::ok(user.as_str())
                } else {
                    FriendResult::failed(user.as_str(), invalid(format!("no friend request between {me} and {user}")))
                }
            })
            .collect();
        Ok((results, Some(changes)))
    };
    let results = commit_changes(engine, &app, decide, Origin::of(session, "friend_delete_pendency")).await?;
    Ok(friend_delete_pendency::Response { results })
}

/// `friend_report_pendency_read`.
async fn report_pendency_read(
    engine: &Engine,
    session: &Session,
    request: friend_report_pendency_read::Request,
) -> Result<Empty, ApiError> {
    let now = engine.now();
    let time = if request.time_stamp == 0 { now } else { request.time_stamp.min(now) };
    let app = session.app.clone();
    let me = session.user().clone();
    let decide = |relations: &mut Relations| {
        let side = relations.of_mut(&me);
        if side.pendency_read_time >= time {
            return Ok(((), None));
        }
        side.pendency_read_time = time;
        let mut changes = Changes::new(app.sdkappid);
        changes.meta(&me);
        changes.tell(&me, tim::CHANGE_PENDENCY_READ, |push| {
            push.friend_change_elem_pendency_readed_report_timestamp = time
        });
        Ok(((), Some(changes)))
    };
    commit_changes(engine, &app, decide, Origin::of(session, "friend_report_pendency_read")).await?;
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------------
// The blocklist

impl Engine {
    /// Blocks users for `me`: a friendship between them ends, both ways, and so do requests
    /// between them. One result per user, in order.
    pub async fn block_users(&self, session: &Session, users: Vec<UserId>) -> Result<Vec<FriendResult>, ApiError> {
        check_count("user_id_list", users.len())?;
        let app = session.app.clone();
        let me = session.user().clone();
        let now = self.now();
        let exists: Vec<Result<(), ApiError>> = users.iter().map(|user| check_account(&app, user)).collect();
        let decide = |relations: &mut Relations| {
            let mut changes = Changes::new(app.sdkappid);
            let mut results = Vec::with_capacity(users.len());
            for (user, exists) in users.iter().zip(exists) {
                let outcome = exists.and_then(|()| {
                    if *user == me {
                        return Err(invalid("a user cannot block itself"));
                    }
                    if relations.blocks(&me, user) {
                        return Err(invalid(format!("{me} blocks {user} already")));
                    }
                    if relations.of(&me).map_or(0, |it| it.blocked.len()) >= limits::BLOCKLIST_MAX {
                        return Err(ApiError::new(
                            ErrorCode::FRIEND_LIST_FULL,
                            format!("{me} blocks {} users, the most allowed", limits::BLOCKLIST_MAX),
                        ));
                    }
                    Ok(())
                });
                if let Err(err) = outcome {
                    results.push(FriendResult::failed(user.as_str(), err));
                    continue;
                }
                relations.of_mut(&me).blocked.insert(user.clone(), now);
                changes.ops.push(WriteOp::PutBlock(BlockRecord {
                    sdkappid: app.sdkappid,
                    owner: me.clone(),
                    peer: user.clone(),
                    blocked_at: now,
                }));
                changes.tell(&me, tim::CHANGE_BLACKLIST_ADD, |push| {
                    push.friend_change_elem_blacklist_add_identifier_array.push(user.as_str().to_owned())
                });
                changes.blocked.push(SnsPair::new(&me, user, &me));
                changes.delete_friend(relations, &me, user);
                changes.delete_friend(relations, user, &me);
                changes.delete_request(relations, &me, user);
                changes.delete_request(relations, user, &me);
                results.push(FriendResult::ok(user.as_str()));
            }
            Ok((results, Some(changes)))
        };
        commit_changes(self, &app, decide, Origin::of(session, "black_list_add")).await
    }

    /// Unblocks users for `me`: one result per user, in order.
    pub async fn unblock_users(&self, session: &Session, users: Vec<UserId>) -> Result<Vec<FriendResult>, ApiError> {
        check_count("user_id_list", users.len())?;
        let app = session.app.clone();
        let me = session.user().clone();
        let decide = |relations: &mut Relations| {
            let mut changes = Changes::new(app.sdkappid);
            let results = users
                .iter()
                .map(|user| {
                    if relations.of_mut(&me).blocked.remove(user).is_none() {
                        return FriendResult::failed(user.as_str(), invalid(format!("{me} does not block {user}")));
                    }
                    changes.ops.push(WriteOp::DeleteBlock {
                        sdkappid: app.sdkappid,
                        owner: me.clone(),
                        peer: user.clone(),
                    });
                    changes.tell(&me, tim::CHANGE_BLACKLIST_DEL, |push| {
                        push.friend_change_elem_blacklist_del_identifier_array.push(user.as_str().to_owned())
                    });
                    changes.unblocked.push(SnsPair::new(&me, user, &me));
                    FriendResult::ok(user.as_str())
                })
                .collect();
            Ok((results, Some(changes)))
        };
        commit_changes(self, &app, decide, Origin::of(session, "black_list_delete")).await
    }

    /// The users `me` blocks, in the order blocked, each with when (its `add_time`).
    pub fn blocklist(&self, session: &Session) -> Vec<FriendProfile> {
        let app = &session.app;
        let mut entries: Vec<(UserId, u64)> = {
            let relations = lock(&app.relations);
            relations
                .of(session.user())
                .map(|it| it.blocked.iter().map(|(k, v)| (k.clone(), *v)).collect())
                .unwrap_or_default()
        };
        entries.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        entries
            .into_iter()
            .map(|(user, blocked_at)| FriendProfile {
                friend_profile_identifier: user.as_str().to_owned(),
                friend_profile_add_time: blocked_at,
                friend_profile_user_profile: profile_of(app, &user),
                ..FriendProfile::default()
            })
            .collect()
    }

    /// Whether `me` blocks each user, and whether each blocks `me` (REST `black_list_check`).
    pub fn check_blocks(&self, session: &Session, users: &[UserId]) -> Vec<(bool, bool)> {
        let relations = lock(&session.app.relations);
        let me = session.user();
        users.iter().map(|user| (relations.blocks(me, user), relations.blocks(user, me))).collect()
    }
}

async fn block(
    engine: &Engine,
    session: &Session,
    request: blocklist_add::Request,
) -> Result<blocklist_add::Response, ApiError> {
    Ok(blocklist_add::Response { results: engine.block_users(session, request.user_id_list).await? })
}

async fn unblock(
    engine: &Engine,
    session: &Session,
    request: blocklist_delete::Request,
) -> Result<blocklist_delete::Response, ApiError> {
    Ok(blocklist_delete::Response { results: engine.unblock_users(session, request.user_id_list).await? })
}

async fn get_blocklist(
    engine: &Engine,
    session: &Session,
    _request: blocklist_get::Request,
) -> Result<blocklist_get::Response, ApiError> {
    Ok(blocklist_get::Response { blocked: engine.blocklist(session) })
}

// ---------------------------------------------------------------------------------------------
// Friend groups

fn check_names(field: &str, names: &[String]) -> Result<(), ApiError> {
    if names.is_empty() || names.len() > limits::FRIEND_GROUPS_MAX {
        return Err(invalid(format!(
            "{field} has {} names; between 1 and {} are allowed",
            names.len(),
            limits::FRIEND_GROUPS_MAX
        )));
    }
    for name in names {
        tim::check_group_name(field, name)?;
    }
    Ok(())
}

/// Puts friend `user` of `me` in group `name` (`add`) or takes it out; a user who is not a
/// friend fails alone.
fn regroup(
    relations: &mut Relations,
    changes: &mut Changes,
    me: &UserId,
    user: &UserId,
    name: &str,
    add: bool,
) -> FriendResult {
    let Some(mut record) = relations.of(me).and_then(|it| it.friends.get(user)).cloned() else {
        return FriendResult::failed(user.as_str(), invalid(format!("{user} is not a friend of {me}")));
    };
    let present = record.groups.iter().any(|it| it == name);
    if add && !present {
        record.groups.push(name.to_owned());
    } else if !add && present {
        record.groups.retain(|it| it != name);
    } else {
        return FriendResult::ok(user.as_str());
    }
    let groups = record.groups.clone();
    changes.tell(me, tim::CHANGE_PROFILE_UPDATE, |push| {
        push.friend_change_elem_friend_profile_update_item_array.push(FriendProfileUpdate {
            friend_profile_update_identifier: user.as_str().to_owned(),
            friend_profile_update_item: FriendProfileItem {
                friend_profile_item_group_name_array: Some(groups),
                ..FriendProfileItem::default()
            },
        })
    });
    changes.put_friend(relations, record);
    FriendResult::ok(user.as_str())
}

/// `friend_group_create`.
async fn create_group(
    engine: &Engine,
    session: &Session,
    request: friend_group_create::Request,
) -> Result<friend_group_create::Response, ApiError> {
    let names = request.friendship_create_friend_group_param_name_array;
    check_names("friendship_create_friend_group_param_name_array", &names)?;
    let users = request.friendship_create_friend_group_param_identifier_array;
    if users.len() > limits::FRIEND_USERS_PER_CALL_MAX {
        check_count("friendship_create_friend_group_param_identifier_array", users.len())?;
    }
    let app = session.app.clone();
    let me = session.user().clone();
    let decide = |relations: &mut Relations| {
        let existing = relations.of(&me).map(|it| it.groups.clone()).unwrap_or_default();
        for (index, name) in names.iter().enumerate() {
            if existing.contains(name) || names[..index].contains(name) {
                return Err(invalid(format!("friend group {name:?} exists already")));
            }
        }
        if existing.len() + names.len() > limits::FRIEND_GROUPS_MAX {
            return Err(ApiError::new(
                ErrorCode::FRIEND_LIST_FULL,
                format!("{me} would have more than {} friend groups", limits::FRIEND_GROUPS_MAX),
            ));
        }
        let mut changes = Changes::new(app.sdkappid);
        for name in &names {
            changes.ensure_group(relations, &me, name)?;
        }
        let mut results = Vec::new();
        for user in &users {
            let mut result = FriendResult::ok(user.as_str());
            for name in &names {
                let outcome = regroup(relations, &mut changes, &me, user, name, true);
                if outcome.friend_result_code != ErrorCode::SUCC {
                    result = outcome;
                    break;
                }
            }
            results.push(result);
        }
        Ok((results, Some(changes)))
    };
    let results = commit_changes(engine, &app, decide, Origin::of(session, "group_add")).await?;
    Ok(friend_group_create::Response { results })
}

impl Engine {
    /// Deletes `me`'s friend groups `names`; their friends stay friends. Fails, changing
    /// nothing, when one does not exist.
    pub async fn delete_friend_groups(&self, session: &Session, names: Vec<String>) -> Result<(), ApiError> {
        check_names("friend_group_name_array", &names)?;
        let app = session.app.clone();
        let me = session.user().clone();
        let decide = |relations: &mut Relations| {
            let existing = relations.of(&me).map(|it| it.groups.clone()).unwrap_or_default();
            if let Some(name) = names.iter().find(|name| !existing.contains(name)) {
                return Err(invalid(format!("{me} has no friend group {name:?}")));
            }
            let mut changes = Changes::new(app.sdkappid);
            let members: Vec<UserId> = relations
                .of(&me)
                .map(|it| {
                    it.friends
                        .values()
                        .filter(|f| f.groups.iter().any(|g| names.contains(g)))
                        .map(|f| f.peer.clone())
                        .collect()
                })
                .unwrap_or_default();
            for user in &members {
                for name in &names {
                    regroup(relations, &mut changes, &me, user, name, false);
                }
            }
            relations.of_mut(&me).groups.retain(|name| !names.contains(name));
            changes.meta(&me);
            changes.tell(&me, tim::CHANGE_GROUP_DEL, |push| {
                push.friend_change_elem_friend_group_del_array = names.clone()
            });
            Ok(((), Some(changes)))
        };
        commit_changes(self, &app, decide, Origin::of(session, "group_delete")).await
    }

    /// `me`'s friend groups with their friends, in the order created: all of them, or those
    /// named (a name that is not a group is left out).
    pub fn friend_groups(&self, session: &Session, names: &[String]) -> Vec<FriendGroupInfo> {
        let relations = lock(&session.app.relations);
        let Some(side) = relations.of(session.user()) else { return Vec::new() };
        side.groups
            .iter()
            .filter(|name| names.is_empty() || names.contains(name))
            .map(|name| {
                let mut members: Vec<&FriendRecord> =
                    side.friends.values().filter(|f| f.groups.contains(name)).collect();
                members.sort_by(|a, b| (a.add_time, &a.peer).cmp(&(b.add_time, &b.peer)));
                FriendGroupInfo {
                    friend_group_info_name: name.clone(),
                    friend_group_info_count: members.len() as u64,
                    friend_group_info_identifier_array: members.iter().map(|f| f.peer.as_str().to_owned()).collect(),
                }
            })
            .collect()
    }
}

/// `friend_group_delete`.
async fn delete_group(
    engine: &Engine,
    session: &Session,
    request: friend_group_delete::Request,
) -> Result<Empty, ApiError> {
    engine.delete_friend_groups(session, request.friend_group_name_array).await?;
    Ok(Empty {})
}

/// `friend_group_modify`.
async fn modify_group(
    engine: &Engine,
    session: &Session,
    request: friend_group_modify::Request,
) -> Result<friend_group_modify::Response, ApiError> {
    let name = request.friendship_modify_friend_group_param_name;
    tim::check_group_name("friendship_modify_friend_group_param_name", &name)?;
    let new_name = request.friendship_modify_friend_group_param_new_name.filter(|it| *it != name);
    if let Some(new_name) = &new_name {
        tim::check_group_name("friendship_modify_friend_group_param_new_name", new_name)?;
    }
    let removed = request.friendship_modify_friend_group_param_delete_identifier_array;
    let added = request.friendship_modify_friend_group_param_add_identifier_array;
    if removed.len() + added.len() > limits::FRIEND_USERS_PER_CALL_MAX {
        check_count("friendship_modify_friend_group_param_add_identifier_array", removed.len() + added.len())?;
    }
    let app = session.app.clone();
    let me = session.user().clone();
    let decide = |relations: &mut Relations| {
        let existing = relations.of(&me).map(|it| it.groups.clone()).unwrap_or_default();
        if !existing.contains(&name) {
            return Err(invalid(format!("{me} has no friend group {name:?}")));
        }
        if let Some(new_name) = &new_name
            && existing.contains(new_name)
        {
            return Err(invalid(format!("friend group {new_name:?} exists already")));
        }
        let mut changes = Changes::new(app.sdkappid);
        let mut current = name.clone();
        if let Some(new_name) = &new_name {
            let side = relations.of_mut(&me);
            for group in side.groups.iter_mut().filter(|it| **it == name) {
                new_name.clone_into(group);
            }
            let renamed: Vec<FriendRecord> = side
                .friends
                .values()
                .filter(|f| f.groups.contains(&name))
                .map(|f| {
                    let mut f = f.clone();
                    for group in f.groups.iter_mut().filter(|it| **it == name) {
                        new_name.clone_into(group);
                    }
                    f
                })
                .collect();
            for record in renamed {
                changes.put_friend(relations, record);
            }
            changes.meta(&me);
            current = new_name.clone();
        }
        let mut results: Vec<FriendResult> =
            removed.iter().map(|user| regroup(relations, &mut changes, &me, user, &current, false)).collect();
        results.extend(added.iter().map(|user| regroup(relations, &mut changes, &me, user, &current, true)));
        changes.tell(&me, tim::CHANGE_GROUP_MODIFY, |push| {
            push.friend_change_elem_friend_group_update_array.push(current.clone())
        });
        Ok((results, Some(changes)))
    };
    let results = commit_changes(engine, &app, decide, Origin::of(session, "group_modify")).await?;
    Ok(friend_group_modify::Response { results })
}

/// `friend_group_get`.
async fn get_groups(
    engine: &Engine,
    session: &Session,
    request: friend_group_get::Request,
) -> Result<friend_group_get::Response, ApiError> {
    Ok(friend_group_get::Response { groups: engine.friend_groups(session, &request.friend_group_name_array) })
}

handle!(api::friend_add::Request => add);
handle!(api::friend_delete::Request => delete);
handle!(api::friend_get_list::Request => get_list);
handle!(api::friend_get_info::Request => get_info);
handle!(api::friend_modify::Request => modify);
handle!(api::friend_check::Request => check);
handle!(api::friend_get_pendency_list::Request => get_pendency_list);
handle!(api::friend_handle_request::Request => handle_request);
handle!(api::friend_delete_pendency::Request => delete_pendency);
handle!(api::friend_report_pendency_read::Request => report_pendency_read);
handle!(api::blocklist_add::Request => block);
handle!(api::blocklist_delete::Request => unblock);
handle!(api::blocklist_get::Request => get_blocklist);
handle!(api::friend_group_create::Request => create_group);
handle!(api::friend_group_delete::Request => delete_group);
handle!(api::friend_group_modify::Request => modify_group);
handle!(api::friend_group_get::Request => get_groups);
handle!(api::friend_search::Request => search);
