//! Friends' entries: deleting friends, reading, checking and searching them, and changing an
//! entry.

use tincan_proto::api::{
    self, Empty, friend_check, friend_delete, friend_get_info, friend_get_list, friend_modify, friend_search,
};
use tincan_proto::friendship::{
    self as tim, CheckResult, FriendInfoGetResult, FriendProfile, FriendProfileItem, FriendProfileUpdate, FriendResult,
};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};
use tincan_store::FriendRecord;

use super::{Changes, Origin, check_account, check_count, commit_changes, invalid, profile_of, render_friend};
use crate::engine::{Engine, Session};
use crate::ops::handle;
use crate::state::{Relations, lock};

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

handle!(api::friend_delete::Request => delete);
handle!(api::friend_get_list::Request => get_list);
handle!(api::friend_get_info::Request => get_info);
handle!(api::friend_modify::Request => modify);
handle!(api::friend_check::Request => check);
handle!(api::friend_search::Request => search);
