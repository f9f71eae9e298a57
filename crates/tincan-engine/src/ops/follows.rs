//! Follows: a user follows others without asking them, and reads its followers, followings
//! and mutual followers a page at a time, its counts and its relationship with each user.
//!
//! Every change is decided under the app's follows lock and stored with a `follow` event
//! (TIM's follow list change) in the stream of each user whose lists changed: the follower's
//! following list, the followee's followers list, and both mutual lists when the two now follow
//! each other or no longer do; the device that made the change is not told. The
//! `Follow.CallbackAfterFollowAdd` and `Follow.CallbackAfterFollowDelete` webhooks are queued in
//! the same batch.
//!
//! Each user's lists are kept both ways in memory (`state::Follows`), so a count is a length
//! and a page a range, whatever the number of followers.

use std::sync::Arc;

use tincan_core::config::{CALLBACK_FOLLOW_ADD, CALLBACK_FOLLOW_DELETE};
use tincan_proto::api::{self, follow_add, follow_check, follow_delete, follow_get_info, follow_get_list};
use tincan_proto::follow::{
    self as tim, FollowCursor, FollowEntry, FollowInfo, FollowList, FollowResult, FollowTypeCheckResult,
};
use tincan_proto::profile::UserProfile;
use tincan_proto::push::{self, FollowPush};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};
use tincan_store::{FollowRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::ops::handle;
use crate::state::{AppState, FollowSide, Follows, UserFollows, lock};
use crate::webhooks::CallbackEvent;

fn invalid(desc: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::FRIEND_INVALID_PARAMETERS, desc)
}

/// Refuses a list of users that is empty (unless `empty_ok`) or longer than `max`.
fn check_count(field: &str, n: usize, max: usize, empty_ok: bool) -> Result<(), ApiError> {
    if (n == 0 && !empty_ok) || n > max {
        let least = if empty_ok { 0 } else { 1 };
        return Err(invalid(format!("{field} has {n} users; between {least} and {max} are allowed")));
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

/// The list of `follows` a page is read from.
fn side_of(follows: &UserFollows, list: FollowList) -> &FollowSide {
    match list {
        FollowList::Followers => &follows.followers,
        FollowList::Following => &follows.following,
        FollowList::Mutual => &follows.mutual,
    }
}

/// The pushes of a decision: one per user, list and direction.
#[derive(Default)]
struct Pushes {
    pushes: Vec<(UserId, FollowPush)>,
}

impl Pushes {
    /// Tells `user` that `other` joined (with its profile) or left its `list`.
    fn tell(&mut self, user: &UserId, list: FollowList, other: &UserId, joined: Option<&UserProfile>) {
        let kind = list.number();
        let is_add = joined.is_some();
        let index = self
            .pushes
            .iter()
            .position(|(to, push)| {
                to == user && push.follow_change_elem_follow_type == kind && push.follow_change_elem_is_add == is_add
            })
            .unwrap_or_else(|| {
                let push = FollowPush {
                    follow_change_elem_follow_type: kind,
                    follow_change_elem_is_add: is_add,
                    ..FollowPush::default()
                };
                self.pushes.push((user.clone(), push));
                self.pushes.len() - 1
            });
        let push = &mut self.pushes[index].1;
        push.follow_change_elem_user_id_list.push(other.as_str().to_owned());
        if let Some(profile) = joined {
            push.follow_change_elem_user_profile_list.push(profile.clone());
        }
    }

    fn into_ops(self, sdkappid: u64) -> impl Iterator<Item = WriteOp> {
        self.pushes.into_iter().map(move |(user, push)| user_event(sdkappid, &user, push::FOLLOW, None, &push))
    }
}

impl Engine {
    /// `me` follows `users`: one result per user, in order. A user followed already succeeds
    /// with nothing changed; oneself, an account that does not exist and a following list at
    /// its limit fail for that user alone.
    pub async fn follow_users(&self, session: &Session, users: Vec<UserId>) -> Result<Vec<FollowResult>, ApiError> {
        check_count("user_id_list", users.len(), limits::FOLLOW_USERS_PER_CALL_MAX, false)?;
        let app = session.app.clone();
        let me = session.user().clone();
        let now = self.now();
        let my_profile = profile_of(&app, &me);
        let checked: Vec<Result<UserProfile, ApiError>> = users
            .iter()
            .map(|user| {
                check_account(&app, user)?;
                if *user == me {
                    return Err(invalid("a user cannot follow itself"));
                }
                Ok(profile_of(&app, user))
            })
            .collect();
        let decide = |follows: &mut Follows| {
            let mut results = Vec::with_capacity(users.len());
            let mut ops = Vec::new();
            let mut pushes = Pushes::default();
            let mut followed = Vec::new();
            for (user, checked) in users.iter().zip(&checked) {
                let profile = match checked {
                    Ok(profile) => profile,
                    Err(err) => {
                        results.push(FollowResult::failed(user.as_str(), err.clone()));
                        continue;
                    }
                };
                if follows.follows(&me, user) {
                    results.push(FollowResult::ok(user.as_str()));
                    continue;
                }
                if follows.of(&me).map_or(0, |it| it.following.len()) >= limits::FOLLOWING_MAX {
                    let err = ApiError::new(
                        ErrorCode::FRIEND_LIST_FULL,
                        format!("{me} follows {} users, the most allowed", limits::FOLLOWING_MAX),
                    );
                    results.push(FollowResult::failed(user.as_str(), err));
                    continue;
                }
                let mutual = follows.add(&me, user, now);
                ops.push(WriteOp::PutFollow(FollowRecord {
                    sdkappid: app.sdkappid,
                    follower: me.clone(),
                    followee: user.clone(),
                    follow_time: now,
                }));
                pushes.tell(&me, FollowList::Following, user, Some(profile));
                pushes.tell(user, FollowList::Followers, &me, Some(&my_profile));
                if mutual {
                    pushes.tell(&me, FollowList::Mutual, user, Some(profile));
                    pushes.tell(user, FollowList::Mutual, &me, Some(&my_profile));
                }
                followed.push(user.as_str().to_owned());
                results.push(FollowResult::ok(user.as_str()));
            }
            Ok(self.follow_decision(session, ops, pushes, CALLBACK_FOLLOW_ADD, followed, results))
        };
        self.commit_follows(&app, decide).await
    }

    /// `me` stops following `users`: one result per user, in order. A user not followed
    /// succeeds with nothing changed; an account that does not exist fails alone.
    pub async fn unfollow_users(&self, session: &Session, users: Vec<UserId>) -> Result<Vec<FollowResult>, ApiError> {
        check_count("user_id_list", users.len(), limits::FOLLOW_USERS_PER_CALL_MAX, false)?;
        let app = session.app.clone();
        let me = session.user().clone();
        let exists: Vec<Result<(), ApiError>> = users.iter().map(|user| check_account(&app, user)).collect();
        let decide = |follows: &mut Follows| {
            let mut results = Vec::with_capacity(users.len());
            let mut ops = Vec::new();
            let mut pushes = Pushes::default();
            let mut unfollowed = Vec::new();
            for (user, exists) in users.iter().zip(&exists) {
                if let Err(err) = exists {
                    results.push(FollowResult::failed(user.as_str(), err.clone()));
                    continue;
                }
                let Some(mutual) = follows.remove(&me, user) else {
                    results.push(FollowResult::ok(user.as_str()));
                    continue;
                };
                ops.push(WriteOp::DeleteFollow {
                    sdkappid: app.sdkappid,
                    follower: me.clone(),
                    followee: user.clone(),
                });
                pushes.tell(&me, FollowList::Following, user, None);
                pushes.tell(user, FollowList::Followers, &me, None);
                if mutual {
                    pushes.tell(&me, FollowList::Mutual, user, None);
                    pushes.tell(user, FollowList::Mutual, &me, None);
                }
                unfollowed.push(user.as_str().to_owned());
                results.push(FollowResult::ok(user.as_str()));
            }
            Ok(self.follow_decision(session, ops, pushes, CALLBACK_FOLLOW_DELETE, unfollowed, results))
        };
        self.commit_follows(&app, decide).await
    }

    /// The decision of a follow or an unfollow: its ops, its pushes, and its webhook when the
    /// app wants it; nothing when nothing changed.
    fn follow_decision(
        &self,
        session: &Session,
        mut ops: Vec<WriteOp>,
        pushes: Pushes,
        command: &str,
        changed: Vec<String>,
        results: Vec<FollowResult>,
    ) -> Decision<Vec<FollowResult>> {
        if ops.is_empty() {
            return Decision::Nothing(results);
        }
        let sdkappid = session.app.sdkappid;
        ops.extend(pushes.into_ops(sdkappid));
        let config = session.app.settings().config.clone();
        if self.wants_callback(&config, command) {
            let event = CallbackEvent::Follow {
                from: session.user().as_str().to_owned(),
                to: changed,
                event_time_ms: self.now_ms(),
                platform: session.event_platform(),
            };
            ops.extend(self.callback_op(sdkappid, command, &event));
        }
        Decision::write(ops, Tell::devices_but(sdkappid, session.device), results)
    }

    /// Stores a follow decision, tells the devices, and wakes webhook delivery if it queued one.
    async fn commit_follows(
        &self,
        app: &Arc<AppState>,
        decide: impl FnOnce(&mut Follows) -> Result<Decision<Vec<FollowResult>>, ApiError>,
    ) -> Result<Vec<FollowResult>, ApiError> {
        let committing = self.commit(|| lock(&app.follows), |follows| decide(follows));
        let (results, ops) = committing.await?.durable().await?;
        if ops.iter().any(|op| matches!(op, WriteOp::EnqueueCallback(_))) {
            self.wake_webhooks();
        }
        Ok(results)
    }

    /// A page of `me`'s `list`, newest first, after `cursor`, of at most `count` users; and the
    /// cursor of the next page, `""` after the last.
    pub fn follow_list(
        &self,
        session: &Session,
        list: FollowList,
        cursor: &FollowCursor,
        count: usize,
    ) -> Result<(Vec<FollowEntry>, String), ApiError> {
        if count == 0 || count > limits::FOLLOW_LIST_COUNT_MAX {
            return Err(invalid(format!(
                "a page has {count} users; between 1 and {} are allowed",
                limits::FOLLOW_LIST_COUNT_MAX
            )));
        }
        let app = &session.app;
        let (page, more) = {
            let follows = lock(&app.follows);
            match follows.of(session.user()) {
                Some(side) => side_of(side, list).page(cursor.position(), count),
                None => (Vec::new(), false),
            }
        };
        let next = match page.last() {
            Some((user, time)) if more => FollowCursor::after(*time, user).text(),
            _ => String::new(),
        };
        let entries = page
            .into_iter()
            .map(|(user, time)| FollowEntry {
                follow_entry_user_profile: profile_of(app, &user),
                follow_entry_follow_time: time,
            })
            .collect();
        Ok((entries, next))
    }

    /// The follower, following and mutual counts of `users` (of `me` when empty), in order; an
    /// account that does not exist has its error instead.
    pub fn follow_info(&self, session: &Session, users: Vec<UserId>) -> Result<Vec<FollowInfo>, ApiError> {
        check_count("user_id_list", users.len(), limits::FOLLOW_USERS_PER_CALL_MAX, true)?;
        let users = if users.is_empty() { vec![session.user().clone()] } else { users };
        let app = &session.app;
        let exists: Vec<Result<(), ApiError>> = users.iter().map(|user| check_account(app, user)).collect();
        let follows = lock(&app.follows);
        Ok(users
            .iter()
            .zip(exists)
            .map(|(user, exists)| {
                let mut info = FollowInfo { follow_info_user_id: user.as_str().to_owned(), ..FollowInfo::default() };
                match exists {
                    Err(err) => {
                        info.follow_info_result_code = err.code;
                        info.follow_info_result_info = err.desc;
                    }
                    Ok(()) => {
                        if let Some(side) = follows.of(user) {
                            info.follow_info_followers_count = side.followers.len() as u64;
                            info.follow_info_followings_count = side.following.len() as u64;
                            info.follow_info_mutual_followers_count = side.mutual.len() as u64;
                        }
                    }
                }
                info
            })
            .collect())
    }

    /// `me`'s follow relationship with each of `users`, in order (`TIMFollowType`).
    pub fn check_follow(&self, session: &Session, users: Vec<UserId>) -> Result<Vec<FollowTypeCheckResult>, ApiError> {
        check_count("user_id_list", users.len(), limits::FOLLOW_CHECK_USERS_MAX, false)?;
        let app = &session.app;
        let me = session.user();
        let exists: Vec<Result<(), ApiError>> = users.iter().map(|user| check_account(app, user)).collect();
        let follows = lock(&app.follows);
        Ok(users
            .iter()
            .zip(exists)
            .map(|(user, exists)| {
                let mut result = FollowTypeCheckResult {
                    follow_type_check_result_user_id: user.as_str().to_owned(),
                    ..FollowTypeCheckResult::default()
                };
                match exists {
                    Err(err) => {
                        result.follow_type_check_result_code = err.code;
                        result.follow_type_check_result_info = err.desc;
                    }
                    Ok(()) => {
                        let follows_me = follows.follows(user, me);
                        let i_follow = follows.follows(me, user);
                        result.follow_type_check_result_follow_type = match (follows_me, i_follow) {
                            (true, true) => tim::FOLLOW_TYPE_IN_BOTH_FOLLOWERS_LIST,
                            (false, true) => tim::FOLLOW_TYPE_IN_MY_FOLLOWING_LIST,
                            (true, false) => tim::FOLLOW_TYPE_IN_MY_FOLLOWERS_LIST,
                            (false, false) => tim::FOLLOW_TYPE_NONE,
                        };
                    }
                }
                result
            })
            .collect())
    }
}

async fn follow(
    engine: &Engine,
    session: &Session,
    request: follow_add::Request,
) -> Result<follow_add::Response, ApiError> {
    Ok(follow_add::Response { results: engine.follow_users(session, request.user_id_list).await? })
}

async fn unfollow(
    engine: &Engine,
    session: &Session,
    request: follow_delete::Request,
) -> Result<follow_delete::Response, ApiError> {
    Ok(follow_delete::Response { results: engine.unfollow_users(session, request.user_id_list).await? })
}

async fn get_list(
    engine: &Engine,
    session: &Session,
    request: follow_get_list::Request,
) -> Result<follow_get_list::Response, ApiError> {
    let list = FollowList::from_number(request.follow_type).ok_or_else(|| {
        invalid(format!("follow_type {}: 1 (followers), 2 (following) or 3 (mutual)", request.follow_type))
    })?;
    let count = match request.count {
        0 => limits::FOLLOW_LIST_COUNT_DEFAULT,
        count => usize::try_from(count).unwrap_or(usize::MAX),
    };
    let (entries, next) = engine.follow_list(session, list, &request.next_cursor, count)?;
    Ok(follow_get_list::Response { follow_list_result_user_info_list: entries, follow_list_result_next_cursor: next })
}

async fn get_info(
    engine: &Engine,
    session: &Session,
    request: follow_get_info::Request,
) -> Result<follow_get_info::Response, ApiError> {
    Ok(follow_get_info::Response { infos: engine.follow_info(session, request.user_id_list)? })
}

async fn check(
    engine: &Engine,
    session: &Session,
    request: follow_check::Request,
) -> Result<follow_check::Response, ApiError> {
    Ok(follow_check::Response { results: engine.check_follow(session, request.user_id_list)? })
}

handle!(api::follow_add::Request => follow);
handle!(api::follow_delete::Request => unfollow);
handle!(api::follow_get_list::Request => get_list);
handle!(api::follow_get_info::Request => get_info);
handle!(api::follow_check::Request => check);
