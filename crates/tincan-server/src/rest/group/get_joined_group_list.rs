//! `POST /v4/group_open_http_svc/get_joined_group_list`: the groups an account is in, by ID
//! order, with its place in each.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::enums::GroupType;
use tincan_proto::{ApiError, GroupId, UserId};

use super::{GroupInfo, MSG_FLAG, SelfInfo, group_type_filter, page_limit, role_name};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "Member_Account")]
    account: UserId,
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
    #[serde(rename = "Offset", default)]
    offset: Option<usize>,
    #[serde(rename = "GroupType", default)]
    group_type: Option<String>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "TotalCount")]
    total_count: usize,
    #[serde(rename = "GroupIdList")]
    group_id_list: Vec<GroupInfo>,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let user = &body.account;
    let group_type = group_type_filter(body.group_type.as_deref())?;
    let joined: Vec<(GroupId, GroupType)> = engine
        .joined_group_ids(caller.sdkappid, user)?
        .into_iter()
        .filter(|(_, it)| group_type.is_none_or(|wanted| *it == wanted))
        .collect();
    let limit = page_limit(body.limit, usize::MAX)?;
    let group_id_list = joined
        .iter()
        .skip(body.offset.unwrap_or(0))
        .take(limit)
        .filter_map(|(group_id, _)| {
            let summary = engine.group_summary(caller.sdkappid, group_id).ok()?;
            let member = engine.group_member(caller.sdkappid, group_id, user)?;
            let mut info = GroupInfo::new(summary);
            info.self_info = Some(SelfInfo {
                role: role_name(member.role),
                join_time: member.join_time,
                msg_flag: MSG_FLAG,
                msg_seq: member.read_seq,
                unread_msg_num: member.unread,
            });
            Some(info)
        })
        .collect();
    Ok(Answer { total_count: joined.len(), group_id_list })
}
