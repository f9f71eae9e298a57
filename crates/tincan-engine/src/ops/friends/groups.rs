//! Friend groups.

use tincan_proto::api::{self, Empty, friend_group_create, friend_group_delete, friend_group_get, friend_group_modify};
use tincan_proto::friendship::{self as tim, FriendGroupInfo, FriendProfileItem, FriendProfileUpdate, FriendResult};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};
use tincan_store::FriendRecord;

use super::{Changes, Origin, check_count, commit_changes, invalid};
use crate::engine::{Engine, Session};
use crate::ops::handle;
use crate::state::{Relations, lock};

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

handle!(api::friend_group_create::Request => create_group);
handle!(api::friend_group_delete::Request => delete_group);
handle!(api::friend_group_modify::Request => modify_group);
handle!(api::friend_group_get::Request => get_groups);
