//! The blocklist.

use tincan_proto::api::{self, blocklist_add, blocklist_delete, blocklist_get};
use tincan_proto::friendship::{self as tim, FriendProfile, FriendResult};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};
use tincan_store::{BlockRecord, WriteOp};

use super::{Changes, Origin, check_account, check_count, commit_changes, invalid, profile_of};
use crate::engine::{Engine, Session};
use crate::ops::handle;
use crate::state::{Relations, lock};
use crate::webhooks::SnsPair;

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
                changes.sever(relations, &me, user);
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

handle!(api::blocklist_add::Request => block);
handle!(api::blocklist_delete::Request => unblock);
handle!(api::blocklist_get::Request => get_blocklist);
