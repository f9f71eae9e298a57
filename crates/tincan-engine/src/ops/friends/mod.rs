//! The relationship chain: friends (one way or both, by the other user's add permission),
//! friend requests, friend entries (remarks, friend groups, custom fields), the blocklist and
//! friend search.
//!
//! Every change is decided under the app's relations lock, stored with a `friend` event
//! (TIM's `FriendChangeElem`) for each user whose lists changed, so that all of their devices
//! hear of it, and reported to the `Sns.*` webhooks in the same batch.
//! The C2C send path reads the same state for the blocklist and the app's friendship check.
//!
//! `requests` adds friends and answers and lists friend requests, `entries` deletes, reads,
//! checks, searches and changes friends' entries, `groups` keeps friend groups and `blocklist`
//! the blocklist; what they share (the gathering of a decision's changes and its commit) is here.

mod blocklist;
mod entries;
mod groups;
mod requests;

use std::sync::Arc;

use tincan_core::config::{
    CALLBACK_SNS_BLACKLIST_ADD, CALLBACK_SNS_BLACKLIST_DELETE, CALLBACK_SNS_FRIEND_ADD, CALLBACK_SNS_FRIEND_DELETE,
};
use tincan_proto::friendship::{self as tim, FriendCustomString, FriendProfile};
use tincan_proto::profile::UserProfile;
use tincan_proto::push::{self, FriendPush};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};
use tincan_store::{FriendMetaRecord, FriendRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::state::{AppState, Relations, lock};
use crate::webhooks::{CallbackEvent, SnsPair};

pub use requests::{AddItem, AddMode};

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

    /// Ends the friendships between `a` and `b`, both ways, and the requests between them.
    fn sever(&mut self, relations: &mut Relations, a: &UserId, b: &UserId) {
        self.delete_friend(relations, a, b);
        self.delete_friend(relations, b, a);
        self.delete_requests_between(relations, a, b);
    }

    /// Removes the requests between `a` and `b`, both ways; tells both.
    fn delete_requests_between(&mut self, relations: &mut Relations, a: &UserId, b: &UserId) {
        self.delete_request(relations, a, b);
        self.delete_request(relations, b, a);
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

/// How two users came to be friends: the source, wording and time every new entry of theirs
/// records, on either side.
struct Meeting<'a> {
    sdkappid: u64,
    add_source: &'a str,
    add_wording: &'a str,
    add_time: u64,
}

impl Meeting<'_> {
    /// `owner`'s new entry of `peer`, with `owner`'s remark and friend group (`""` for none).
    fn entry(&self, owner: &UserId, peer: &UserId, remark: &str, group: &str) -> FriendRecord {
        FriendRecord {
            sdkappid: self.sdkappid,
            owner: owner.clone(),
            peer: peer.clone(),
            remark: remark.to_owned(),
            groups: if group.is_empty() { Vec::new() } else { vec![group.to_owned()] },
            custom: Default::default(),
            add_source: self.add_source.to_owned(),
            add_wording: self.add_wording.to_owned(),
            add_time: self.add_time,
        }
    }
}
