//! Group and member search (TIM `TIMGroupSearchGroups`, `TIMGroupSearchGroupMembers`).
//!
//! Groups are searched among the caller's own, plus a searchable group whose ID is a keyword;
//! members through each group's sorted index (see `tincan_core::member_search`), so a search in
//! a 100,000-member group costs its matches, not the group's size.

use tincan_core::member_search::SearchFields;
use tincan_proto::api::{self, search_group_members, search_groups};
use tincan_proto::{ApiError, GroupId, limits};

use crate::engine::{Engine, Session};
use crate::ops::common::group_not_found;
use crate::ops::handle;
use crate::render;
use crate::state::lock;

fn check_keywords(keywords: &[String]) -> Result<(), ApiError> {
    if keywords.is_empty() || keywords.len() > limits::SEARCH_KEYWORDS_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "{} keywords; between 1 and {} are allowed",
            keywords.len(),
            limits::SEARCH_KEYWORDS_MAX
        )));
    }
    if keywords.iter().any(|keyword| keyword.trim().is_empty()) {
        return Err(ApiError::invalid_parameter("a keyword is empty"));
    }
    Ok(())
}

/// `group_search_groups` (TIM `TIMGroupSearchGroups`).
pub(crate) async fn groups(
    engine: &Engine,
    session: &Session,
    request: search_groups::Request,
) -> Result<search_groups::Response, ApiError> {
    let listed = request.group_search_params_keyword_list;
    let keywords: Vec<String> = listed.iter().map(|keyword| keyword.as_str().to_owned()).collect();
    check_keywords(&keywords)?;
    let fields = request.group_search_params_field_list;
    let by_id = fields.is_empty() || fields.contains(&search_groups::FIELD_GROUP_ID);
    let by_name = fields.is_empty() || fields.contains(&search_groups::FIELD_GROUP_NAME);
    let lowered: Vec<String> = keywords.iter().map(|keyword| keyword.to_lowercase()).collect();
    let mut candidates: Vec<GroupId> = lock(&session.account.convs).groups.iter().cloned().collect();
    // A searchable group is also found by its exact ID, as a user looking for a group to join
    // would type it.
    candidates.extend(listed.iter().filter_map(|keyword| keyword.valid().ok().cloned()));
    candidates.sort();
    candidates.dedup();
    let mut found = Vec::new();
    for group_id in candidates {
        let Some(state) = session.app.group(&group_id) else { continue };
        let state = lock(&state);
        let group = &state.group;
        if group.check_alive().is_err() {
            continue;
        }
        let member = group.member(session.user()).is_some();
        if !member && (group.profile.searchable == 0 || !keywords.iter().any(|keyword| keyword == group_id.as_str())) {
            continue;
        }
        let id = group_id.as_str().to_lowercase();
        let name = group.profile.name.to_lowercase();
        let matches =
            lowered.iter().all(|keyword| (by_id && id.contains(keyword)) || (by_name && name.contains(keyword)));
        if matches {
            let n_online =
                group.members().filter(|(user, _)| engine.hub().is_online(session.app.sdkappid, user)).count();
            found.push(render::group_detail(group, n_online as u64));
        }
    }
    Ok(search_groups::Response { groups: found })
}

/// `group_search_members` (TIM `TIMGroupSearchGroupMembers`).
pub(crate) async fn members(
    engine: &Engine,
    session: &Session,
    request: search_group_members::Request,
) -> Result<search_group_members::Response, ApiError> {
    let keywords = request.group_search_member_params_keyword_list;
    check_keywords(&keywords)?;
    let field_list = request.group_search_member_params_field_list;
    let fields = if field_list.is_empty() {
        SearchFields::ALL
    } else {
        SearchFields {
            identifier: field_list.contains(&search_group_members::FIELD_IDENTIFIER),
            name_card: field_list.contains(&search_group_members::FIELD_NAME_CARD),
        }
    };
    let explicit = !request.group_search_member_params_groupid_list.is_empty();
    let mut group_ids = if explicit {
        request.group_search_member_params_groupid_list
    } else {
        lock(&session.account.convs).groups.iter().cloned().collect()
    };
    group_ids.sort();
    group_ids.dedup();
    let online = |user: &tincan_proto::UserId| engine.hub().is_online(session.app.sdkappid, user);
    let mut results = Vec::new();
    for group_id in group_ids {
        let Some(state) = session.app.group(&group_id) else {
            if explicit {
                return Err(group_not_found(&group_id));
            }
            continue;
        };
        let mut state = lock(&state);
        if let Err(err) = state.group.check_member(session.user()) {
            if explicit {
                return Err(err);
            }
            continue;
        }
        let found = state.group.search_members(&keywords, fields, limits::SEARCH_MEMBERS_PER_GROUP_MAX);
        if found.is_empty() {
            continue;
        }
        let group = &state.group;
        let members = found
            .into_iter()
            .filter_map(|index| group.user_at(index))
            .map(|(user, member)| render::member_info(group, user, member, online(user)))
            .collect();
        results.push(search_group_members::GroupMembersFound {
            group_search_member_result_groupid: group_id.as_str().to_owned(),
            group_search_member_result_member_info_list: members,
        });
    }
    Ok(search_group_members::Response { results })
}

handle!(api::search_groups::Request => groups);
handle!(api::search_group_members::Request => members);
