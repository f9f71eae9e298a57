//! Profiles and user status: one's own profile and others', subscriptions to profile and status
//! changes, the status derived from a user's connections and the custom status text.
//!
//! A profile change is durable and reaches the user's devices and its subscribers as a
//! `profile` event of their streams. Status is live state: a change reaches the devices online
//! as a `user_status` push outside the stream, and a device that was away asks again.

use std::sync::Arc;

use tincan_core::config::{CALLBACK_GROUP_MEMBER_STATE_CHANGE, CALLBACK_PROFILE_PORTRAIT_SET, CALLBACK_STATE_CHANGE};
use tincan_proto::api::{
    self, Empty, profile_get, profile_subscribe, profile_unsubscribe, status_get, status_set_self, status_subscribe,
    status_unsubscribe,
};
use tincan_proto::frame::encode_push;
use tincan_proto::profile::{
    ProfileChange, STATUS_OFFLINE, STATUS_ONLINE, STATUS_UNLOGINED, UserProfile, UserStatus, validate_custom_status,
};
use tincan_proto::push::{self, ProfilePush, UserStatusPush};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};
use tincan_store::WriteOp;

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::hub::OutFrame;
use crate::ops::common::member_state_callback;
use crate::ops::handle;
use crate::state::{AppState, ProfileState, lock};
use crate::webhooks::{CallbackEvent, PLATFORM_REST};

/// Which subscriptions a call is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Profile changes.
    Info,
    /// Status changes.
    Status,
}

impl Kind {
    fn is_info(self) -> bool {
        self == Kind::Info
    }

    fn not_found(self, user: &UserId) -> ApiError {
        match self {
            Kind::Info => ApiError::new(ErrorCode::PROFILE_ACCOUNT_NOT_FOUND, format!("account {user} does not exist")),
            Kind::Status => ApiError::new(ErrorCode::ACCOUNT_NOT_FOUND, format!("account {user} does not exist")),
        }
    }

    fn list(self, state: &mut ProfileState) -> &mut Vec<UserId> {
        match self {
            Kind::Info => &mut state.info_subscriptions,
            Kind::Status => &mut state.status_subscriptions,
        }
    }
}

fn check_list_size(field: &str, users: &[UserId]) -> Result<(), ApiError> {
    if users.len() > limits::PROFILE_USERS_PER_CALL_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "{field} has {} users; at most {} are allowed",
            users.len(),
            limits::PROFILE_USERS_PER_CALL_MAX
        )));
    }
    Ok(())
}

/// A user's profile as it is now, if the account exists.
pub(crate) fn profile_of(app: &AppState, user: &UserId) -> Option<UserProfile> {
    app.account(user).map(|account| lock(&account.profile).profile.clone())
}

/// `profile_get`.
async fn get(
    _engine: &Engine,
    session: &Session,
    request: profile_get::Request,
) -> Result<profile_get::Response, ApiError> {
    let users = &request.friendship_getprofilelist_param_identifier_array;
    check_list_size("friendship_getprofilelist_param_identifier_array", users)?;
    let profiles = users.iter().filter_map(|user| profile_of(&session.app, user)).collect();
    Ok(profile_get::Response { profiles })
}

/// `profile_modify_self`.
async fn modify_self(engine: &Engine, session: &Session, request: ProfileChange) -> Result<Empty, ApiError> {
    let operator = session.user().clone();
    engine.change_profile(&session.app, session.user(), &operator, request, session.event_platform()).await?;
    Ok(Empty {})
}

impl Engine {
    /// Changes a user's profile (its own change, or the administrator's `portrait_set`):
    /// checked against TIM's limits, stored, pushed to the user's devices and its subscribers,
    /// and reported to `Profile.CallbackPortraitSet`. Returns the profile as it is now.
    pub async fn set_profile(
        &self,
        sdkappid: u64,
        user: &UserId,
        change: ProfileChange,
    ) -> Result<UserProfile, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let operator = app.settings().admin_identifier.clone();
        self.change_profile(&app, user, &operator, change, PLATFORM_REST).await
    }

    /// Users' profiles (`portrait_get`): `None` for an account that does not exist.
    pub fn profiles(&self, sdkappid: u64, users: &[UserId]) -> Vec<Option<UserProfile>> {
        let Some(app) = self.app(sdkappid) else { return vec![None; users.len()] };
        users.iter().map(|user| profile_of(&app, user)).collect()
    }

    async fn change_profile(
        &self,
        app: &Arc<AppState>,
        user: &UserId,
        operator: &UserId,
        mut change: ProfileChange,
        platform: u32,
    ) -> Result<UserProfile, ApiError> {
        change.validate()?;
        let account = app.account(user).ok_or_else(|| Kind::Info.not_found(user))?;
        let subscribers = lock(&app.watchers).of(true, user);
        let webhook = self.wants_callback(&app.settings().config, CALLBACK_PROFILE_PORTRAIT_SET);
        let sdkappid = app.sdkappid;
        let now = self.now();
        let committing = self.commit(
            || lock(&account.profile),
            |state| {
                let mut next = state.profile.clone();
                change.apply_to(&mut next)?;
                if next == state.profile {
                    return Ok(Decision::Nothing(next));
                }
                state.profile = next.clone();
                state.updated_at = now;
                let push = ProfilePush { profile: next.clone() };
                let mut ops = vec![WriteOp::PutProfile(state.record(sdkappid, user))];
                ops.push(user_event(sdkappid, user, push::PROFILE, None, &push));
                for subscriber in &subscribers {
                    ops.push(user_event(sdkappid, subscriber, push::PROFILE, None, &push));
                }
                if webhook {
                    let event = CallbackEvent::PortraitSet {
                        user: user.as_str().to_owned(),
                        operator: operator.as_str().to_owned(),
                        change: change.clone(),
                        event_time_ms: self.now_ms(),
                        platform,
                    };
                    ops.extend(self.callback_op(sdkappid, CALLBACK_PROFILE_PORTRAIT_SET, &event));
                }
                Ok(Decision::write(ops, Tell::devices(sdkappid), next))
            },
        );
        let (profile, ops) = committing.await?.durable().await?;
        if ops.iter().any(|op| matches!(op, WriteOp::EnqueueCallback(_))) {
            self.wake_webhooks();
        }
        Ok(profile)
    }

    /// Creates accounts with a nickname and avatar (`account_import`, `multiaccount_import`):
    /// new accounts are created, and each given nickname or avatar is set, also on an account
    /// that exists already.
    pub async fn import_accounts_with_profiles(
        &self,
        sdkappid: u64,
        accounts: &[(UserId, Option<String>, Option<String>)],
    ) -> Result<(), ApiError> {
        let mut changes = Vec::new();
        for (_, nick, face_url) in accounts {
            let mut change = ProfileChange {
                user_profile_item_nick_name: nick.clone(),
                user_profile_item_face_url: face_url.clone(),
                ..ProfileChange::default()
            };
            change.validate()?;
            changes.push(change);
        }
        let users: Vec<UserId> = accounts.iter().map(|(user, _, _)| user.clone()).collect();
        self.import_accounts(sdkappid, &users).await?;
        for (user, change) in users.iter().zip(changes) {
            if !change.is_empty() {
                self.set_profile(sdkappid, user, change).await?;
            }
        }
        Ok(())
    }
}

/// `profile_subscribe` and `status_subscribe`.
async fn subscribe(engine: &Engine, session: &Session, kind: Kind, users: Vec<UserId>) -> Result<Empty, ApiError> {
    check_list_size("user_id_list", &users)?;
    if users.is_empty() {
        return Err(ApiError::invalid_parameter("user_id_list is empty; name the users to subscribe to"));
    }
    let me = session.user();
    for user in &users {
        if user == me {
            return Err(ApiError::invalid_parameter(format!(
                "user_id_list names {me}, the caller; one's own changes come without a subscription"
            )));
        }
        if session.app.account(user).is_none() {
            return Err(kind.not_found(user));
        }
    }
    let app = &session.app;
    let sdkappid = app.sdkappid;
    let committing = engine.commit(
        || lock(&session.account.profile),
        |state| {
            let list = kind.list(state);
            let before = list.clone();
            for user in &users {
                if !list.contains(user) {
                    list.push(user.clone());
                }
            }
            let dropped: Vec<UserId> = if list.len() > limits::SUBSCRIPTIONS_MAX {
                list.drain(..list.len() - limits::SUBSCRIPTIONS_MAX).collect()
            } else {
                Vec::new()
            };
            if *list == before {
                return Ok(Decision::Nothing(()));
            }
            let mut watchers = lock(&app.watchers);
            watchers.remove(kind.is_info(), me, &dropped);
            watchers.add(kind.is_info(), me, &users);
            drop(watchers);
            Ok(Decision::write(vec![WriteOp::PutProfile(state.record(sdkappid, me))], Tell::Nobody, ()))
        },
    );
    committing.await?.durable().await?;
    if kind == Kind::Status {
        // The subscriber learns where each user stands now; changes follow.
        let statuses = users.iter().filter_map(|user| status_of(engine, app, user)).collect();
        push_statuses(engine, app, std::slice::from_ref(me), statuses);
    }
    Ok(Empty {})
}

/// `profile_unsubscribe` and `status_unsubscribe`: none named means all.
async fn unsubscribe(engine: &Engine, session: &Session, kind: Kind, users: Vec<UserId>) -> Result<Empty, ApiError> {
    check_list_size("user_id_list", &users)?;
    let app = &session.app;
    let me = session.user();
    let sdkappid = app.sdkappid;
    let committing = engine.commit(
        || lock(&session.account.profile),
        |state| {
            let list = kind.list(state);
            let removed: Vec<UserId> = if users.is_empty() {
                std::mem::take(list)
            } else {
                let removed = list.iter().filter(|user| users.contains(user)).cloned().collect();
                list.retain(|user| !users.contains(user));
                removed
            };
            if removed.is_empty() {
                return Ok(Decision::Nothing(()));
            }
            lock(&app.watchers).remove(kind.is_info(), me, &removed);
            Ok(Decision::write(vec![WriteOp::PutProfile(state.record(sdkappid, me))], Tell::Nobody, ()))
        },
    );
    committing.await?.durable().await?;
    Ok(Empty {})
}

async fn subscribe_profiles(
    engine: &Engine,
    session: &Session,
    request: profile_subscribe::Request,
) -> Result<Empty, ApiError> {
    subscribe(engine, session, Kind::Info, request.user_id_list).await
}

async fn unsubscribe_profiles(
    engine: &Engine,
    session: &Session,
    request: profile_unsubscribe::Request,
) -> Result<Empty, ApiError> {
    unsubscribe(engine, session, Kind::Info, request.user_id_list).await
}

async fn subscribe_status(
    engine: &Engine,
    session: &Session,
    request: status_subscribe::Request,
) -> Result<Empty, ApiError> {
    subscribe(engine, session, Kind::Status, request.user_id_list).await
}

async fn unsubscribe_status(
    engine: &Engine,
    session: &Session,
    request: status_unsubscribe::Request,
) -> Result<Empty, ApiError> {
    unsubscribe(engine, session, Kind::Status, request.user_id_list).await
}

// ---------------------------------------------------------------------------------------------
// Status

/// A user's status now, if the account exists: online while a device is connected.
fn status_of(engine: &Engine, app: &AppState, user: &UserId) -> Option<UserStatus> {
    let account = app.account(user)?;
    let mut status = lock(&account.profile).user_status();
    let online = engine.hub().is_online(app.sdkappid, user);
    if online {
        status.user_status_status_type = STATUS_ONLINE;
    } else if status.user_status_status_type == STATUS_ONLINE {
        status.user_status_status_type = STATUS_OFFLINE;
    }
    Some(status)
}

/// Pushes `statuses` to the devices of `users` online now (outside the stream).
fn push_statuses(engine: &Engine, app: &AppState, users: &[UserId], statuses: Vec<UserStatus>) {
    if statuses.is_empty() {
        return;
    }
    let payload = crate::events::encode_payload(&UserStatusPush { statuses });
    let text = encode_push(push::USER_STATUS, 0, &payload);
    for user in users {
        for slot in engine.hub().devices_of(app.sdkappid, user) {
            // A device too far behind is closed; it asks again on its return.
            let _ = slot.send_or_close(vec![OutFrame { pos: 0, text: text.clone() }]);
        }
    }
}

/// Tells the user's status to its status subscribers and, when `to_self`, to its own devices.
fn announce_status(engine: &Engine, app: &AppState, user: &UserId, status: UserStatus, to_self: bool) {
    let mut receivers = lock(&app.watchers).of(false, user);
    if to_self {
        receivers.push(user.clone());
    }
    push_statuses(engine, app, &receivers, vec![status]);
}

/// `status_get`.
async fn get_status(
    engine: &Engine,
    session: &Session,
    request: status_get::Request,
) -> Result<status_get::Response, ApiError> {
    check_list_size("user_id_list", &request.user_id_list)?;
    let statuses = request.user_id_list.iter().filter_map(|user| status_of(engine, &session.app, user)).collect();
    Ok(status_get::Response { statuses })
}

/// `status_set_self`.
async fn set_self_status(
    engine: &Engine,
    session: &Session,
    request: status_set_self::Request,
) -> Result<Empty, ApiError> {
    validate_custom_status(&request.user_status_custom_status)?;
    let changed = {
        let mut state = lock(&session.account.profile);
        let changed = state.custom_status != request.user_status_custom_status;
        state.custom_status = request.user_status_custom_status;
        changed
    };
    if changed && let Some(status) = status_of(engine, &session.app, session.user()) {
        announce_status(engine, &session.app, session.user(), status, true);
    }
    Ok(Empty {})
}

impl Engine {
    /// A device of the session's user connected: the user is online, its status subscribers
    /// are told if it was not, and `State.StateChange` reports the login.
    pub fn user_attached(&self, session: &Session) {
        let went_online = {
            let mut state = lock(&session.account.profile);
            state.logged_out = false;
            let changed = state.status != STATUS_ONLINE;
            state.status = STATUS_ONLINE;
            changed
        };
        if went_online && let Some(status) = status_of(self, &session.app, session.user()) {
            announce_status(self, &session.app, session.user(), status, false);
        }
        if went_online {
            self.report_member_state(session, true, "HeartbeatRecover");
        }
        self.report_state(session, "Login", "Register");
    }

    /// A device of the session's user disconnected (after `detach`): when it was the last, the
    /// user is offline (or not logged in, after a logout), its custom status is cleared as
    /// TIM's is, and its status subscribers are told; `State.StateChange` reports it.
    pub fn user_detached(&self, session: &Session) {
        let logged_out = lock(&session.account.profile).logged_out;
        if !self.hub().is_online(session.app.sdkappid, session.user()) {
            let status = {
                let mut state = lock(&session.account.profile);
                state.status = if state.logged_out { STATUS_UNLOGINED } else { STATUS_OFFLINE };
                state.custom_status.clear();
                state.user_status()
            };
            announce_status(self, &session.app, session.user(), status, false);
            self.report_member_state(session, false, if logged_out { "Quit" } else { "HeartbeatInterrupt" });
        }
        if logged_out {
            self.report_state(session, "Logout", "Unregister");
        } else {
            self.report_state(session, "Disconnect", "LinkClose");
        }
    }

    /// `Group.CallbackOnMemberStateChange` for each AVChatRoom the session's user is in, when
    /// its first connection opened or its last closed. Only the user's own groups are looked
    /// at, and nothing at all when the app has the webhook off.
    fn report_member_state(&self, session: &Session, online: bool, cause: &str) {
        let app = &session.app;
        if !self.wants_callback(&app.settings().config, CALLBACK_GROUP_MEMBER_STATE_CHANGE) {
            return;
        }
        let user = session.user();
        let groups: Vec<_> = lock(&session.account.convs).groups.iter().cloned().collect();
        let ops: Vec<WriteOp> = groups
            .iter()
            .filter_map(|group_id| app.group(group_id))
            .filter_map(|state| {
                let state = lock(&state);
                state.group.member(user)?;
                member_state_callback(self, app, &state.group, online, cause, [user])
            })
            .collect();
        if ops.is_empty() {
            return;
        }
        let engine = self.clone();
        tokio::spawn(async move {
            if engine.commit_unlocked(ops, Tell::Nobody).await.is_ok() {
                engine.wake_webhooks();
            }
        });
    }

    fn report_state(&self, session: &Session, action: &str, reason: &str) {
        let app = &session.app;
        if !self.wants_callback(&app.settings().config, CALLBACK_STATE_CHANGE) {
            return;
        }
        let event = CallbackEvent::StateChange {
            user: session.user().as_str().to_owned(),
            action: action.to_owned(),
            reason: reason.to_owned(),
            event_time_ms: self.now_ms(),
            platform: session.platform,
        };
        let Some(op) = self.callback_op(app.sdkappid, CALLBACK_STATE_CHANGE, &event) else { return };
        let engine = self.clone();
        tokio::spawn(async move {
            if engine.commit_unlocked(vec![op], Tell::Nobody).await.is_ok() {
                engine.wake_webhooks();
            }
        });
    }
}

handle!(api::profile_get::Request => get);
handle!(api::profile_modify_self::Request => modify_self);
handle!(api::profile_subscribe::Request => subscribe_profiles);
handle!(api::profile_unsubscribe::Request => unsubscribe_profiles);
handle!(api::status_get::Request => get_status);
handle!(api::status_set_self::Request => set_self_status);
handle!(api::status_subscribe::Request => subscribe_status);
handle!(api::status_unsubscribe::Request => unsubscribe_status);
