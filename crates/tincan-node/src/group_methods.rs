//! TIM's group methods beyond creating groups and changing their members: dismissing, joining,
//! reading groups, changing group and member profiles, the online count, and join requests.

use std::sync::Arc;

use serde::Deserialize;
use tincan_proto::api::{
    delete_group, get_group_pendency_list, get_joined_groups, get_online_member_count, handle_group_pendency,
    join_group, modify_group_info, modify_group_member_info, report_group_pendency_read, search_group_members,
    search_groups,
};
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, GroupId};

use crate::methods::Outcome;
use crate::params::parse;
use crate::session::Session;

/// TIM's `{params, data}` parameter objects, where `data` is the app's user data.
#[derive(Deserialize)]
struct Params<T> {
    params: T,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

/// `DeleteGroupParams`, `GetOnlineMemberCountParams`.
#[derive(Deserialize)]
struct GroupIdParam {
    #[serde(rename = "groupId")]
    group_id: String,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

/// `JoinGroupParams`.
#[derive(Deserialize)]
struct JoinParam {
    #[serde(rename = "groupId")]
    group_id: String,
    #[serde(rename = "helloMsg", default)]
    hello_msg: Option<String>,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

/// `GetGroupListParams`.
#[derive(Deserialize)]
struct GroupListParam {
    #[serde(rename = "groupIds")]
    group_ids: Vec<String>,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

/// Runs `method` if it is one of this module's; `None` if not.
pub(crate) async fn call(session: &Arc<Session>, method: &str, params: &str) -> Option<Result<Outcome, ApiError>> {
    Some(match method {
        "TIMGroupDelete" => delete(session, params).await,
        "TIMGroupJoin" => join(session, params).await,
        "TIMGroupGetGroupInfoList" => info_list(session, params).await,
        "TIMGroupGetJoinedGroupList" => joined(session).await,
        "TIMGroupModifyGroupInfo" => modify_info(session, params).await,
        "TIMGroupModifyMemberInfo" => modify_member(session, params).await,
        "TIMGroupGetOnlineMemberCount" => online_count(session, params).await,
        "TIMGroupGetPendencyList" => pendency_list(session, params).await,
        "TIMGroupSearchGroups" => search_groups(session, params).await,
        "TIMGroupSearchGroupMembers" => search_members(session, params).await,
        "TIMGroupHandlePendency" => handle_pendency(session, params).await,
        "TIMGroupReportPendencyReaded" => pendency_read(session, params).await,
        _ => return None,
    })
}

async fn delete(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupIdParam = parse("TIMGroupDelete", params)?;
    let client = session.client()?;
    client.call(&delete_group::Request { group_id: GroupId::parse(&param.group_id)? }).await?;
    Ok(Outcome::empty())
}

async fn join(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: JoinParam = parse("TIMGroupJoin", params)?;
    let client = session.client()?;
    let request = join_group::Request {
        group_id: GroupId::parse(&param.group_id)?,
        hello_msg: param.hello_msg.unwrap_or_default(),
    };
    client.call(&request).await?;
    Ok(Outcome::empty())
}

async fn info_list(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupListParam = parse("TIMGroupGetGroupInfoList", params)?;
    let client = session.client()?;
    let request = tincan_proto::api::get_group_info::Request {
        group_ids: param.group_ids.iter().map(|id| ListedId::parse(id)).collect(),
    };
    Ok(Outcome::text_and_value(&client.call(&request).await?.results))
}

async fn joined(session: &Arc<Session>) -> Result<Outcome, ApiError> {
    let client = session.client()?;
    Ok(Outcome::text_and_value(&client.call(&get_joined_groups::Request {}).await?.groups))
}

async fn modify_info(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: Params<modify_group_info::Request> = parse("TIMGroupModifyGroupInfo", params)?;
    session.client()?.call(&param.params).await?;
    Ok(Outcome::empty())
}

async fn modify_member(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: Params<modify_group_member_info::Request> = parse("TIMGroupModifyMemberInfo", params)?;
    session.client()?.call(&param.params).await?;
    Ok(Outcome::empty())
}

async fn online_count(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupIdParam = parse("TIMGroupGetOnlineMemberCount", params)?;
    let client = session.client()?;
    let request = get_online_member_count::Request { group_id: GroupId::parse(&param.group_id)? };
    Ok(Outcome::text_and_value(&client.call(&request).await?))
}

/// `GetPendencyListParams`: `{params: PendencyPage, data}`.
async fn pendency_list(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: Params<get_group_pendency_list::Request> = parse("TIMGroupGetPendencyList", params)?;
    Ok(Outcome::text_and_value(&session.client()?.call(&param.params).await?))
}

async fn handle_pendency(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: Params<handle_group_pendency::Request> = parse("TIMGroupHandlePendency", params)?;
    session.client()?.call(&param.params).await?;
    Ok(Outcome::empty())
}

/// `ReportPendencyReadedParams`: `{timeStamp, data}`.
#[derive(Deserialize)]
struct PendencyReadParam {
    #[serde(rename = "timeStamp")]
    time_stamp: u64,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

async fn pendency_read(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: PendencyReadParam = parse("TIMGroupReportPendencyReaded", params)?;
    let request = report_group_pendency_read::Request { time_stamp: param.time_stamp };
    session.client()?.call(&request).await?;
    Ok(Outcome::empty())
}

/// `SearchGroupParams`: `{searchParams: GroupSearchParams, data}`; the result is TIM's bare
/// array of groups.
#[derive(Deserialize)]
struct SearchParams<T> {
    #[serde(rename = "searchParams")]
    search_params: T,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

async fn search_groups(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: SearchParams<search_groups::Request> = parse("TIMGroupSearchGroups", params)?;
    Ok(Outcome::text_and_value(&session.client()?.call(&param.search_params).await?.groups))
}

async fn search_members(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: SearchParams<search_group_members::Request> = parse("TIMGroupSearchGroupMembers", params)?;
    Ok(Outcome::text_and_value(&session.client()?.call(&param.search_params).await?.results))
}
