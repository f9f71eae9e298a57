//! `group_open_http_svc`: groups, their members and messages, and group read receipts.
//!
//! Group types travel under TIM's REST names (`Private` for Work, `ChatRoom` for Meeting);
//! the product names are accepted too. Every change goes through the same engine operation a
//! client would call, acting for the app's administrator, so members online get the same pushes.

use serde::Deserialize;
use serde_json::{Map, Value, json};
use tincan_core::group::{ADD_OPTION_ANY, ADD_OPTION_AUTH, ADD_OPTION_FORBID, member_cap};
use tincan_engine::{Engine, GroupSummary, MemberSummary, ProfileChange};
use tincan_proto::api::{
    create_group, delete_group, delete_group_members, get_message_list, get_read_members, get_receipts,
    invite_group_members, send_message, send_receipts,
};
use tincan_proto::enums::{ConvType, GroupType, MemberRole, ReadMembersFilter};
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, Message, UserId, limits};

use super::{Caller, body_as, fields, forbidden_callbacks, given, msgbody, session_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::GROUP_INVALID_PARAMETERS;

/// A `Limit` key: absent or 0 (some libraries send 0 for "not set") means `max`; above `max` is
/// refused.
fn page_limit(given: Option<usize>, max: usize) -> Result<usize, ApiError> {
    let limit = given.filter(|limit| *limit != 0).unwrap_or(max);
    if limit > max {
        return Err(ApiError::new(INVALID, format!("Limit {limit} is above the largest page, {max}")));
    }
    Ok(limit)
}

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
        "modify_group_base_info" => modify_group_base_info(engine, caller, body_as(body, INVALID)?).await,
        "add_group_member" => add_group_member(engine, caller, body_as(body, INVALID)?).await,
        "delete_group_member" => delete_group_member(engine, caller, body_as(body, INVALID)?).await,
        "destroy_group" => destroy_group(engine, caller, body_as(body, INVALID)?).await,
        "get_joined_group_list" => get_joined_group_list(engine, caller, body_as(body, INVALID)?),
        "send_group_msg" => send_group_msg(engine, caller, body_as(body, INVALID)?).await,
        "group_msg_get_simple" => group_msg_get_simple(engine, caller, body_as(body, INVALID)?).await,
        "group_msg_receipt" => group_msg_receipt(engine, caller, body_as(body, INVALID)?).await,
        "get_group_msg_receipt" => get_group_msg_receipt(engine, caller, body_as(body, INVALID)?).await,
        "get_group_msg_receipt_detail" => get_group_msg_receipt_detail(engine, caller, body_as(body, INVALID)?).await,
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

/// A requested member cap (`MaxMemberCount`, `MaxMemberNum`) for a group of `group_type`:
/// absent or 0 is "not given", and a number above the type's cap is the type's cap, so a client
/// that always sends one number (one widely used library sends 500 for every type) can create
/// and change groups of every type.
fn requested_member_cap(requested: Option<u32>, group_type: GroupType) -> Result<Option<u32>, ApiError> {
    match requested.filter(|it| *it != 0) {
        Some(requested) => Ok(Some(requested.min(member_cap(group_type)?))),
        None => Ok(None),
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
    role: Option<String>,
}

#[derive(Deserialize)]
struct CreateGroupBody {
    #[serde(rename = "Owner_Account", default)]
    owner: Option<String>,
    #[serde(rename = "Type")]
    group_type: String,
    #[serde(rename = "GroupId", default)]
    group_id: Option<String>,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Introduction", default)]
    introduction: Option<String>,
    #[serde(rename = "Notification", default)]
    notification: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    face_url: Option<String>,
    #[serde(rename = "MaxMemberCount", alias = "MaxMemberNum", default)]
    max_member_count: Option<u32>,
    #[serde(rename = "ApplyJoinOption", default)]
    apply_join_option: Option<String>,
    #[serde(rename = "MemberList", default)]
    members: Option<Vec<InitialMember>>,
}

async fn create_group(engine: &Engine, caller: &Caller, body: CreateGroupBody) -> Result<Map<String, Value>, ApiError> {
    let group_type = parse_group_type(&body.group_type)?;
    let owner = body.owner.as_deref().filter(|owner| !owner.is_empty()).map(UserId::parse).transpose()?;
    let add_option =
        body.apply_join_option.as_deref().filter(|it| !it.is_empty()).map(parse_apply_join_option).transpose()?;
    let members = body
        .members
        .unwrap_or_default()
        .iter()
        .map(|member| {
            let role = parse_role(member.role.as_deref().unwrap_or_default())?;
            Ok(create_group::InitialMember::new(UserId::parse(&member.account)?, role))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let request = create_group::Request {
        create_group_param_group_name: body.name,
        create_group_param_group_id: body
            .group_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .map(GroupId::parse)
            .transpose()?,
        create_group_param_group_type: group_type,
        create_group_param_group_member_array: members,
        create_group_param_notification: body.notification.unwrap_or_default(),
        create_group_param_introduction: body.introduction.unwrap_or_default(),
        create_group_param_face_url: body.face_url.unwrap_or_default(),
        create_group_param_add_option: add_option,
        create_group_param_max_member_num: requested_member_cap(body.max_member_count, group_type)?.unwrap_or(0),
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
        ("MuteAllMember", json!("Off")),
        ("Appid", json!(summary.sdkappid)),
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
        "MuteUntil": 0,
        "NameCard": "",
        "AppMemberDefinedData": [],
    })
}

fn get_group_info(engine: &Engine, caller: &Caller, body: GetGroupInfoBody) -> Result<Map<String, Value>, ApiError> {
    if body.group_ids.is_empty() || body.group_ids.len() > limits::GROUP_INFO_PER_CALL_MAX {
        return Err(ApiError::new(
            INVALID,
            format!(
                "GroupIdList has {} entries; between 1 and {} are allowed",
                body.group_ids.len(),
                limits::GROUP_INFO_PER_CALL_MAX
            ),
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
    offset: Option<usize>,
    #[serde(rename = "MemberRoleFilter", default)]
    roles: Option<Vec<String>>,
}

fn get_group_member_info(
    engine: &Engine,
    caller: &Caller,
    body: GetMemberInfoBody,
) -> Result<Map<String, Value>, ApiError> {
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
    let page: Vec<Value> = members.iter().map(member_json).collect();
    Ok(fields(vec![("MemberNum", json!(total)), ("MemberList", Value::Array(page)), ("Next", json!(""))]))
}

#[derive(Deserialize)]
struct AppGroupListBody {
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
    #[serde(rename = "Next", default)]
    next: Option<usize>,
    #[serde(rename = "GroupType", default)]
    group_type: Option<String>,
}

fn get_appid_group_list(
    engine: &Engine,
    caller: &Caller,
    body: AppGroupListBody,
) -> Result<Map<String, Value>, ApiError> {
    let limit = page_limit(body.limit, limits::APP_GROUPS_PAGE_MAX_REST)?;
    let start = body.next.unwrap_or(0);
    let group_type = body.group_type.as_deref().filter(|name| !name.is_empty()).map(parse_group_type).transpose()?;
    let ids = engine.app_group_ids(caller.sdkappid, group_type)?;
    let page: Vec<Value> = ids.iter().skip(start).take(limit).map(|id| json!({"GroupId": id})).collect();
    let end = start.saturating_add(page.len());
    let next = if end < ids.len() { end } else { 0 };
    Ok(fields(vec![("TotalCount", json!(ids.len())), ("GroupIdList", Value::Array(page)), ("Next", json!(next))]))
}

#[derive(Deserialize)]
struct ModifyGroupBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Name", default)]
    name: Option<String>,
    #[serde(rename = "Introduction", default)]
    introduction: Option<String>,
    #[serde(rename = "Notification", default)]
    notification: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    face_url: Option<String>,
    #[serde(rename = "MaxMemberNum", alias = "MaxMemberCount", default)]
    max_member_num: Option<u32>,
    #[serde(rename = "ApplyJoinOption", default)]
    apply_join_option: Option<String>,
    #[serde(rename = "ShutUpAllMember", alias = "MuteAllMember", default)]
    shut_up_all_member: Option<String>,
}

async fn modify_group_base_info(
    engine: &Engine,
    caller: &Caller,
    body: ModifyGroupBody,
) -> Result<Map<String, Value>, ApiError> {
    if body.shut_up_all_member.as_deref().is_some_and(|value| value != "Off") {
        return Err(ApiError::new(INVALID, "ShutUpAllMember On is not supported: tincan has no muting yet"));
    }
    let max_member_num = match body.max_member_num.filter(|it| *it != 0) {
        Some(requested) => {
            let group_type = engine.group_summary(caller.sdkappid, &body.group_id)?.group_type;
            requested_member_cap(Some(requested), group_type)?
        }
        None => None,
    };
    let change = ProfileChange {
        name: body.name,
        introduction: body.introduction,
        notification: body.notification,
        face_url: body.face_url,
        max_member_num,
        add_option: body.apply_join_option.as_deref().map(parse_apply_join_option).transpose()?,
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.modify_group_profile(&session, &body.group_id, change).await?;
    Ok(Map::new())
}

#[derive(Deserialize)]
struct MemberAccount {
    #[serde(rename = "Member_Account")]
    account: String,
}

#[derive(Deserialize)]
struct AddMembersBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MemberList")]
    members: Vec<MemberAccount>,
    #[serde(rename = "Silence", default)]
    _silence: Option<u32>,
}

async fn add_group_member(
    engine: &Engine,
    caller: &Caller,
    body: AddMembersBody,
) -> Result<Map<String, Value>, ApiError> {
    let request = invite_group_members::Request {
        group_invite_member_param_group_id: GroupId::parse(&body.group_id)?,
        group_invite_member_param_identifier_array: body
            .members
            .iter()
            .map(|member| UserId::parse(&member.account))
            .collect::<Result<_, _>>()?,
        group_invite_member_param_user_data: String::new(),
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let response = engine.call_op(&session, request).await?;
    let results: Vec<Value> = response
        .results
        .iter()
        .map(|result| {
            json!({
                "Member_Account": result.group_invite_member_result_identifier,
                "Result": result.group_invite_member_result_result.0,
            })
        })
        .collect();
    Ok(fields(vec![("MemberList", Value::Array(results))]))
}

#[derive(Deserialize)]
struct DeleteMembersBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MemberToDel_Account")]
    members: Vec<String>,
    #[serde(rename = "Silence", default)]
    _silence: Option<u32>,
    #[serde(rename = "Reason", default)]
    _reason: Option<String>,
}

async fn delete_group_member(
    engine: &Engine,
    caller: &Caller,
    body: DeleteMembersBody,
) -> Result<Map<String, Value>, ApiError> {
    let request = delete_group_members::Request {
        group_delete_member_param_group_id: GroupId::parse(&body.group_id)?,
        group_delete_member_param_identifier_array: body
            .members
            .iter()
            .map(|member| UserId::parse(member))
            .collect::<Result<_, _>>()?,
        group_delete_member_param_user_data: String::new(),
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.call_op(&session, request).await?;
    Ok(Map::new())
}

#[derive(Deserialize)]
struct GroupIdBody {
    #[serde(rename = "GroupId")]
    group_id: String,
}

async fn destroy_group(engine: &Engine, caller: &Caller, body: GroupIdBody) -> Result<Map<String, Value>, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.call_op(&session, delete_group::Request { group_id: GroupId::parse(&body.group_id)? }).await?;
    Ok(Map::new())
}

#[derive(Deserialize)]
struct JoinedGroupsBody {
    #[serde(rename = "Member_Account")]
    account: String,
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
    #[serde(rename = "Offset", default)]
    offset: Option<usize>,
    #[serde(rename = "GroupType", default)]
    group_type: Option<String>,
}

fn get_joined_group_list(
    engine: &Engine,
    caller: &Caller,
    body: JoinedGroupsBody,
) -> Result<Map<String, Value>, ApiError> {
    let user = UserId::parse(&body.account)?;
    let group_type = body.group_type.as_deref().filter(|name| !name.is_empty()).map(parse_group_type).transpose()?;
    let joined: Vec<(String, GroupType)> = engine
        .joined_group_ids(caller.sdkappid, &user)?
        .into_iter()
        .filter(|(_, it)| group_type.is_none_or(|wanted| *it == wanted))
        .collect();
    let limit = page_limit(body.limit, usize::MAX)?;
    let page: Vec<Value> = joined
        .iter()
        .skip(body.offset.unwrap_or(0))
        .take(limit)
        .filter_map(|(group_id, _)| {
            let summary = engine.group_summary(caller.sdkappid, group_id).ok()?;
            let member = engine.group_member(caller.sdkappid, group_id, &user)?;
            let mut info = group_info_json(&summary);
            info.remove("ErrorCode");
            info.remove("ErrorInfo");
            info.insert(
                "SelfInfo".to_owned(),
                json!({
                    "Role": role_name(member.role),
                    "JoinTime": member.join_time,
                    "MsgFlag": "AcceptAndNotify",
                    "MsgSeq": member.read_seq,
                    "UnreadMsgNum": member.unread,
                }),
            );
            Some(Value::Object(info))
        })
        .collect();
    Ok(fields(vec![("TotalCount", json!(joined.len())), ("GroupIdList", Value::Array(page))]))
}

/// `MsgPriority` as TIM's REST API spells it.
fn parse_priority(name: &str) -> Result<u32, ApiError> {
    match name {
        "High" => Ok(0),
        "" | "Normal" => Ok(1),
        "Low" => Ok(2),
        "Lowest" => Ok(3),
        other => Err(ApiError::new(INVALID, format!("MsgPriority {other:?} is not High, Normal, Low or Lowest"))),
    }
}

#[derive(Deserialize)]
struct SendGroupMsgBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Random", alias = "MsgRandom", default)]
    random: Option<u32>,
    #[serde(rename = "MsgPriority", default)]
    priority: Option<String>,
    #[serde(rename = "MsgBody")]
    body: Value,
    #[serde(rename = "From_Account", default)]
    from: Option<String>,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
    #[serde(rename = "NeedReadReceipt", default)]
    need_read_receipt: Option<u32>,
    #[serde(rename = "SendMsgControl", default)]
    send_msg_control: Option<Vec<String>>,
    #[serde(rename = "OnlineOnlyFlag", default)]
    online_only: Option<u32>,
    #[serde(rename = "To_Account", default)]
    to_account: Option<Value>,
    #[serde(rename = "ForbidCallbackControl", default)]
    forbid_callback_control: Option<Vec<String>>,
}

async fn send_group_msg(
    engine: &Engine,
    caller: &Caller,
    body: SendGroupMsgBody,
) -> Result<Map<String, Value>, ApiError> {
    let need_read_receipt = body.need_read_receipt.unwrap_or(0);
    if need_read_receipt > 1 {
        return Err(ApiError::new(INVALID, format!("NeedReadReceipt {need_read_receipt} is not 0 or 1")));
    }
    if body.online_only.unwrap_or(0) != 0 {
        return Err(ApiError::new(
            INVALID,
            "OnlineOnlyFlag 1 is not supported: every message is stored; send without it",
        ));
    }
    let targeted = match &body.to_account {
        None | Some(Value::Null) => false,
        Some(Value::String(to)) => !to.is_empty(),
        Some(Value::Array(to)) => !to.is_empty(),
        Some(other) => {
            return Err(ApiError::new(INVALID, format!("To_Account must be an array of user IDs, got {other}")));
        }
    };
    if targeted {
        return Err(ApiError::new(
            INVALID,
            "To_Account (a message to some members only) is not supported; send to the whole group",
        ));
    }
    let message = Message {
        message_elem_array: msgbody::from_rest(&body.body, INVALID)?,
        message_conv_id: body.group_id.clone(),
        message_conv_type: ConvType::GROUP,
        message_priority: parse_priority(body.priority.as_deref().unwrap_or_default())?,
        message_rand: u64::from(body.random.unwrap_or(0)),
        message_need_read_receipt: need_read_receipt == 1,
        message_cloud_custom_str: body.cloud_custom_data.unwrap_or_default(),
        message_is_excluded_from_unread_count: body
            .send_msg_control
            .unwrap_or_default()
            .iter()
            .any(|control| control == "NoUnread"),
        ..Default::default()
    };
    let (skip_before, skip_after) = forbidden_callbacks(body.forbid_callback_control.as_deref());
    let from = given(body.from.as_deref()).map(UserId::parse).transpose()?;
    let session = session_as(engine, caller, from.as_ref(), true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND)
        .await?
        .forbid_callbacks(skip_before, skip_after);
    let request = send_message::Request { conv: Conv::Group(GroupId::parse(&body.group_id)?), message };
    let sent = engine.call_op(&session, request).await?.message;
    Ok(fields(vec![
        ("MsgTime", json!(sent.message_server_time)),
        ("MsgSeq", json!(sent.message_seq)),
        // Earlier versions of a widely used Java client read the seq under this spelling.
        ("msgSeq", json!(sent.message_seq)),
        ("MsgDropReason", json!("")),
    ]))
}

#[derive(Deserialize)]
struct GroupHistoryBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "ReqMsgNumber")]
    count: u32,
    #[serde(rename = "ReqMsgSeq", default)]
    before_seq: Option<u64>,
    #[serde(rename = "WithRecalledMsg", default)]
    _with_recalled: Option<u32>,
}

/// A group message as `group_msg_get_simple` answers it; the server's group tips, which REST
/// has no element type for, come as placeholders with an empty body.
fn group_message_json(message: &Message) -> Value {
    let body = msgbody::to_rest(&message.message_elem_array);
    let placeholder = body.as_array().is_none_or(Vec::is_empty);
    json!({
        "From_Account": message.message_sender,
        "IsPlaceMsg": u32::from(placeholder),
        "MsgBody": body,
        "MsgPriority": message.message_priority,
        "MsgRandom": message.message_rand,
        "MsgSeq": message.message_seq,
        "MsgTimeStamp": message.message_server_time,
        "CloudCustomData": message.message_cloud_custom_str,
        "IsNeedReadReceipt": u32::from(message.message_need_read_receipt),
    })
}

async fn group_msg_get_simple(
    engine: &Engine,
    caller: &Caller,
    body: GroupHistoryBody,
) -> Result<Map<String, Value>, ApiError> {
    if body.count == 0 || body.count > limits::GROUP_HISTORY_PAGE_MAX_REST {
        return Err(ApiError::new(
            INVALID,
            format!("ReqMsgNumber {} must be between 1 and {}", body.count, limits::GROUP_HISTORY_PAGE_MAX_REST),
        ));
    }
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    // Newest first, from ReqMsgSeq down (inclusive), as TIM answers.
    let anchor = match body.before_seq.filter(|seq| *seq != 0) {
        Some(seq) => seq,
        None => engine.group_summary(caller.sdkappid, &body.group_id)?.next_msg_seq.saturating_sub(1),
    };
    let request = get_message_list::Request {
        conv: Conv::Group(GroupId::parse(&body.group_id)?),
        params: get_message_list::GetMsgListParams {
            msg_getmsglist_param_count: body.count.saturating_add(1),
            msg_getmsglist_param_last_msg_seq: anchor,
            ..Default::default()
        },
    };
    let mut messages = if anchor == 0 { Vec::new() } else { engine.call_op(&session, request).await?.messages };
    messages.sort_by_key(|message| std::cmp::Reverse(message.message_seq));
    let more = messages.len() > body.count as usize;
    messages.truncate(body.count as usize);
    let finished = !more || messages.last().is_none_or(|oldest| oldest.message_seq <= 1);
    Ok(fields(vec![
        ("GroupId", json!(body.group_id)),
        ("IsFinished", json!(u32::from(finished))),
        ("RspMsgList", messages.iter().map(group_message_json).collect()),
    ]))
}

#[derive(Deserialize)]
struct SeqItem {
    #[serde(rename = "MsgSeq")]
    seq: u64,
}

fn group_message_ref(group_id: &str, seq: u64) -> Message {
    Message {
        message_conv_id: group_id.to_owned(),
        message_conv_type: ConvType::GROUP,
        message_seq: seq,
        ..Default::default()
    }
}

fn check_seq_list(seqs: &[SeqItem]) -> Result<(), ApiError> {
    if seqs.is_empty() || seqs.len() > limits::RECEIPT_MESSAGES_MAX_REST {
        return Err(ApiError::new(
            INVALID,
            format!(
                "MsgSeqList has {} entries; between 1 and {} are allowed",
                seqs.len(),
                limits::RECEIPT_MESSAGES_MAX_REST
            ),
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct GroupReceiptBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_Account", alias = "From_Account", alias = "Operator_Account")]
    reader: String,
    #[serde(rename = "MsgSeqList")]
    seqs: Vec<SeqItem>,
}

async fn group_msg_receipt(
    engine: &Engine,
    caller: &Caller,
    body: GroupReceiptBody,
) -> Result<Map<String, Value>, ApiError> {
    check_seq_list(&body.seqs)?;
    // The reader sends the receipts with its own rights: it must be a member who could see them.
    let reader = UserId::parse(&body.reader)?;
    let session = session_as(engine, caller, Some(&reader), false, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    let messages = body.seqs.iter().map(|item| group_message_ref(&body.group_id, item.seq)).collect();
    engine.call_op(&session, send_receipts::Request { messages }).await?;
    Ok(Map::new())
}

#[derive(Deserialize)]
struct GetGroupReceiptBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeqList")]
    seqs: Vec<SeqItem>,
}

async fn get_group_msg_receipt(
    engine: &Engine,
    caller: &Caller,
    body: GetGroupReceiptBody,
) -> Result<Map<String, Value>, ApiError> {
    check_seq_list(&body.seqs)?;
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let mut items = Vec::with_capacity(body.seqs.len());
    for item in &body.seqs {
        // One message per call, so a message without receipts fails alone with its own Code.
        let request = get_receipts::Request { messages: vec![group_message_ref(&body.group_id, item.seq)] };
        let item_json = match engine.call_op(&session, request).await {
            Ok(response) => match response.receipts.first() {
                Some(receipt) => json!({
                    "Code": 0,
                    "MsgSeq": item.seq,
                    "ReadNum": receipt.msg_receipt_read_count,
                    "UnreadNum": receipt.msg_receipt_unread_count,
                }),
                None => {
                    json!({"Code": ErrorCode::GROUP_RECEIPT_NOT_FOUND.0, "MsgSeq": item.seq, "ReadNum": 0, "UnreadNum": 0})
                }
            },
            Err(err) if err.code == ErrorCode::GROUP_NOT_FOUND || err.code == ErrorCode::GROUP_INVALID_ID => {
                return Err(err);
            }
            Err(err) => json!({"Code": err.code.0, "MsgSeq": item.seq, "ReadNum": 0, "UnreadNum": 0}),
        };
        items.push(item_json);
    }
    Ok(fields(vec![("GroupMsgReceiptList", Value::Array(items))]))
}

#[derive(Deserialize)]
struct ReceiptDetailBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    seq: u64,
    #[serde(rename = "Filter")]
    filter: u32,
    #[serde(rename = "Cursor", default)]
    cursor: Option<String>,
    #[serde(rename = "Count", default)]
    count: Option<u32>,
}

async fn get_group_msg_receipt_detail(
    engine: &Engine,
    caller: &Caller,
    body: ReceiptDetailBody,
) -> Result<Map<String, Value>, ApiError> {
    let filter = match body.filter {
        0 => ReadMembersFilter::READ,
        1 => ReadMembersFilter::UNREAD,
        other => return Err(ApiError::new(INVALID, format!("Filter {other} is not 0 (read) or 1 (unread)"))),
    };
    // TIM treats a larger Count as its largest page.
    let count = body.count.unwrap_or(limits::READ_MEMBERS_PAGE_MAX_REST).clamp(1, limits::READ_MEMBERS_PAGE_MAX_REST);
    let cursor = body.cursor.unwrap_or_default();
    let next_seq = if cursor.is_empty() {
        0
    } else {
        cursor
            .parse::<u64>()
            .map_err(|_| ApiError::new(INVALID, format!("Cursor {cursor:?} is not one this server returned")))?
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let request =
        get_read_members::Request { message: group_message_ref(&body.group_id, body.seq), filter, next_seq, count };
    let page = engine.call_op(&session, request).await?;
    let (list_key, account_key) =
        if filter == ReadMembersFilter::READ { ("ReadList", "Read_Account") } else { ("UnreadList", "Unread_Account") };
    let list: Vec<Value> =
        page.members.iter().map(|member| json!({ account_key: member.group_member_info_identifier })).collect();
    let cursor = if page.is_finished { String::new() } else { page.next_seq.to_string() };
    Ok(fields(vec![
        ("MsgSeq", json!(body.seq)),
        ("Cursor", json!(cursor)),
        // TIM's documentation spells the flag IsFinish and its Java client IsFinished: both go out.
        ("IsFinish", json!(u32::from(page.is_finished))),
        ("IsFinished", json!(u32::from(page.is_finished))),
        (list_key, Value::Array(list)),
    ]))
}
