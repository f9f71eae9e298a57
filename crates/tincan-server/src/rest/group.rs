//! `group_open_http_svc`: groups, their members and messages, and group read receipts.
//!
//! Group types travel under TIM's REST names (`Private` for Work, `ChatRoom` for Meeting);
//! the product names are accepted too. Every change goes through the same engine operation a
//! client would call, acting for the app's administrator, so members online get the same pushes.

use serde::Deserialize;
use serde_json::{Map, Value, json};
use tincan_core::group::{ADD_OPTION_ANY, ADD_OPTION_AUTH, ADD_OPTION_FORBID};
use tincan_engine::{Engine, GroupSummary, MemberSummary};
use tincan_proto::api::create_group;
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::{Caller, body_as, fields, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::GROUP_INVALID_PARAMETERS;
/// Most groups in one `get_group_info` (TIM: 50).
const GROUP_INFO_IDS_MAX: usize = 50;
/// Most group IDs in one page of `get_appid_group_list` (TIM: 10,000).
const APP_GROUP_PAGE_MAX: usize = 10_000;
/// Most members in one page of `get_group_member_info` (TIM: 6,000... we keep TIM's cap).
const MEMBER_PAGE_MAX: usize = 6_000;

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "create_group" => create_group(engine, caller, body_as(body, INVALID)?).await,
        "get_group_info" => get_group_info(engine, caller, body_as(body, INVALID)?),
        "get_group_member_info" => get_group_member_info(engine, caller, body_as(body, INVALID)?),
        "get_appid_group_list" => get_appid_group_list(engine, caller, body_as(body, INVALID)?),
        _ => Err(unknown("group_open_http_svc", command)),
    }
}

/// A group type from its REST name (`Private`, `Public`, `ChatRoom`, `AVChatRoom`,
/// `Community`) or its product name (`Work`, `Meeting`).
fn parse_group_type(name: &str) -> Result<GroupType, ApiError> {
    GroupType::from_name(name).ok_or_else(|| {
        ApiError::new(
            INVALID,
            format!("Type {name:?} is not a group type; use Private (Work), Public, ChatRoom (Meeting), AVChatRoom or Community"),
        )
    })
}

fn rest_type_name(group_type: GroupType) -> &'static str {
    group_type.rest_name().unwrap_or("Public")
}

/// `ApplyJoinOption` as TIM's REST API spells it, to and from `TIMGroupAddOption`.
fn parse_apply_join_option(name: &str) -> Result<u32, ApiError> {
    match name {
        "FreeAccess" => Ok(ADD_OPTION_ANY),
        "NeedPermission" => Ok(ADD_OPTION_AUTH),
        "DisableApply" => Ok(ADD_OPTION_FORBID),
        other => Err(ApiError::new(
            INVALID,
            format!("ApplyJoinOption {other:?} is not FreeAccess, NeedPermission or DisableApply"),
        )),
    }
}

fn apply_join_option_name(add_option: u32) -> &'static str {
    match add_option {
        ADD_OPTION_ANY => "FreeAccess",
        ADD_OPTION_AUTH => "NeedPermission",
        _ => "DisableApply",
    }
}

fn parse_role(name: &str) -> Result<MemberRole, ApiError> {
    match name {
        "" | "Member" => Ok(MemberRole::NORMAL),
        "Admin" => Ok(MemberRole::ADMIN),
        other => Err(ApiError::new(INVALID, format!("Role {other:?} is not Admin or Member"))),
    }
}

fn role_name(role: MemberRole) -> &'static str {
    match role {
        MemberRole::OWNER => "Owner",
        MemberRole::ADMIN => "Admin",
        _ => "Member",
    }
}

#[derive(Deserialize)]
struct InitialMember {
    #[serde(rename = "Member_Account")]
    account: String,
    #[serde(rename = "Role", default)]
    role: String,
}

#[derive(Deserialize)]
struct CreateGroupBody {
    #[serde(rename = "Owner_Account", default)]
    owner: Option<String>,
    #[serde(rename = "Type")]
    group_type: String,
    #[serde(rename = "GroupId", default)]
    group_id: String,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Introduction", default)]
    introduction: String,
    #[serde(rename = "Notification", default)]
    notification: String,
    #[serde(rename = "FaceUrl", default)]
    face_url: String,
    #[serde(rename = "MaxMemberCount", alias = "MaxMemberNum", default)]
    max_member_count: u32,
    #[serde(rename = "ApplyJoinOption", default)]
    apply_join_option: Option<String>,
    #[serde(rename = "MemberList", default)]
    members: Vec<InitialMember>,
}

async fn create_group(engine: &Engine, caller: &Caller, body: CreateGroupBody) -> Result<Map<String, Value>, ApiError> {
    let group_type = parse_group_type(&body.group_type)?;
    let owner = body.owner.as_deref().filter(|owner| !owner.is_empty()).map(UserId::parse).transpose()?;
    let add_option = body.apply_join_option.as_deref().map(parse_apply_join_option).transpose()?;
    let members = body
        .members
        .iter()
        .map(|member| {
            Ok(create_group::InitialMember {
                group_member_info_identifier: member.account.clone(),
                group_member_info_member_role: parse_role(&member.role)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let request = create_group::Request {
        create_group_param_group_name: body.name,
        create_group_param_group_id: body.group_id,
        create_group_param_group_type: group_type,
        create_group_param_group_member_array: members,
        create_group_param_notification: body.notification,
        create_group_param_introduction: body.introduction,
        create_group_param_face_url: body.face_url,
        create_group_param_add_option: add_option,
        create_group_param_max_member_num: body.max_member_count,
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let created = engine.create_group_owned_by(&session, owner, request).await?;
    Ok(fields(vec![
        ("GroupId", json!(created.create_group_result_groupid)),
        ("Type", json!(rest_type_name(group_type))),
    ]))
}

#[derive(Deserialize, Default)]
struct ResponseFilter {
    #[serde(rename = "MemberInfoFilter", default)]
    member_info_filter: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct GetGroupInfoBody {
    #[serde(rename = "GroupIdList")]
    group_ids: Vec<String>,
    #[serde(rename = "ResponseFilter", default)]
    filter: Option<ResponseFilter>,
}

fn group_info_json(summary: &GroupSummary) -> Map<String, Value> {
    fields(vec![
        ("GroupId", json!(summary.group_id)),
        ("ErrorCode", json!(0)),
        ("ErrorInfo", json!("")),
        ("Type", json!(rest_type_name(summary.group_type))),
        ("Name", json!(summary.name)),
        ("Introduction", json!(summary.introduction)),
        ("Notification", json!(summary.notification)),
        ("FaceUrl", json!(summary.face_url)),
        ("Owner_Account", json!(summary.owner.clone().unwrap_or_default())),
        ("CreateTime", json!(summary.created_at)),
        ("InfoSeq", json!(summary.info_seq)),
        ("LastInfoTime", json!(summary.created_at)),
        ("LastMsgTime", json!(summary.last_msg_time)),
        ("NextMsgSeq", json!(summary.next_msg_seq)),
        ("MemberNum", json!(summary.member_num)),
        ("MaxMemberNum", json!(summary.max_member_num)),
        ("ApplyJoinOption", json!(apply_join_option_name(summary.add_option))),
        ("ShutUpAllMember", json!("Off")),
        ("OnlineMemberNum", json!(summary.online_member_num)),
    ])
}

fn member_json(member: &MemberSummary) -> Value {
    json!({
        "Member_Account": member.user,
        "Role": role_name(member.role),
        "JoinTime": member.join_time,
        "MsgSeq": member.read_seq,
        "MsgFlag": "AcceptAndNotify",
        "LastSendMsgTime": 0,
        "ShutUpUntil": 0,
        "NameCard": "",
        "AppMemberDefinedData": [],
    })
}

fn get_group_info(engine: &Engine, caller: &Caller, body: GetGroupInfoBody) -> Result<Map<String, Value>, ApiError> {
    if body.group_ids.is_empty() || body.group_ids.len() > GROUP_INFO_IDS_MAX {
        return Err(ApiError::new(
            INVALID,
            format!("GroupIdList has {} entries; between 1 and {GROUP_INFO_IDS_MAX} are allowed", body.group_ids.len()),
        ));
    }
    // TIM answers the member list unless a filter leaves it out.
    let with_members = body.filter.as_ref().is_none_or(|filter| filter.member_info_filter.is_some());
    let infos = body
        .group_ids
        .iter()
        .map(|group_id| match engine.group_summary(caller.sdkappid, group_id) {
            Ok(summary) => {
                let mut info = group_info_json(&summary);
                if with_members {
                    let (members, _) = engine.group_member_page(caller.sdkappid, group_id, 0, usize::MAX)?;
                    info.insert("MemberList".to_owned(), members.iter().map(member_json).collect());
                }
                Ok(Value::Object(info))
            }
            Err(err) => Ok(json!({"GroupId": group_id, "ErrorCode": err.code.0, "ErrorInfo": err.desc})),
        })
        .collect::<Result<Vec<Value>, ApiError>>()?;
    Ok(fields(vec![("GroupInfo", Value::Array(infos))]))
}

#[derive(Deserialize)]
struct GetMemberInfoBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
    #[serde(rename = "Offset", default)]
    offset: usize,
}

fn get_group_member_info(
    engine: &Engine,
    caller: &Caller,
    body: GetMemberInfoBody,
) -> Result<Map<String, Value>, ApiError> {
    let limit = body.limit.unwrap_or(MEMBER_PAGE_MAX);
    if limit > MEMBER_PAGE_MAX {
        return Err(ApiError::new(INVALID, format!("Limit {limit} is above the largest page, {MEMBER_PAGE_MAX}")));
    }
    let (members, total) = engine.group_member_page(caller.sdkappid, &body.group_id, body.offset, limit)?;
    Ok(fields(vec![("MemberNum", json!(total)), ("MemberList", members.iter().map(member_json).collect())]))
}

#[derive(Deserialize)]
struct AppGroupListBody {
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
    #[serde(rename = "Next", default)]
    next: usize,
    #[serde(rename = "GroupType", default)]
    group_type: Option<String>,
}

fn get_appid_group_list(
    engine: &Engine,
    caller: &Caller,
    body: AppGroupListBody,
) -> Result<Map<String, Value>, ApiError> {
    let limit = body.limit.unwrap_or(APP_GROUP_PAGE_MAX);
    if limit == 0 || limit > APP_GROUP_PAGE_MAX {
        return Err(ApiError::new(INVALID, format!("Limit {limit} must be between 1 and {APP_GROUP_PAGE_MAX}")));
    }
    let group_type = body.group_type.as_deref().filter(|name| !name.is_empty()).map(parse_group_type).transpose()?;
    let ids = engine.app_group_ids(caller.sdkappid, group_type)?;
    let page: Vec<Value> = ids.iter().skip(body.next).take(limit).map(|id| json!({"GroupId": id})).collect();
    let end = body.next.saturating_add(page.len());
    let next = if end < ids.len() { end } else { 0 };
    Ok(fields(vec![("TotalCount", json!(ids.len())), ("GroupIdList", Value::Array(page)), ("Next", json!(next))]))
}
