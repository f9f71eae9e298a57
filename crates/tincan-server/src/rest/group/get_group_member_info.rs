//! `POST /v4/group_open_http_svc/get_group_member_info`: a page of a group's members, by
//! `Offset` for every group type, optionally only those of some roles.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId, limits};

use super::{INVALID, MemberInfo, page_limit, role_name};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
    #[serde(rename = "Offset", default)]
    offset: Option<usize>,
    #[serde(rename = "MemberRoleFilter", default)]
    roles: Option<Vec<String>>,
}

/// The answer; `Next` is always `""`, the page being chosen by `Offset`.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "MemberNum")]
    member_num: u64,
    #[serde(rename = "MemberList")]
    member_list: Vec<MemberInfo>,
    #[serde(rename = "Next")]
    next: &'static str,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let limit = page_limit(body.limit, limits::GROUP_MEMBERS_PAGE_MAX_REST)?;
    let roles = body.roles.unwrap_or_default();
    for role in &roles {
        if !matches!(role.as_str(), "Owner" | "Admin" | "Member") {
            return Err(ApiError::new(
                INVALID,
                format!("MemberRoleFilter entry {role:?} is not Owner, Admin or Member"),
            ));
        }
    }
    let offset = body.offset.unwrap_or(0);
    let (members, total) = if roles.is_empty() {
        // Only the page is read, not the whole group.
        engine.group_member_page(caller.sdkappid, &body.group_id, offset, limit)?
    } else {
        let (members, total) = engine.group_member_page(caller.sdkappid, &body.group_id, 0, usize::MAX)?;
        let wanted = members
            .into_iter()
            .filter(|member| roles.iter().any(|role| role == role_name(member.role)))
            .skip(offset)
            .take(limit)
            .collect();
        (wanted, total)
    };
    Ok(Answer { member_num: total, member_list: members.into_iter().map(MemberInfo::new).collect(), next: "" })
}
