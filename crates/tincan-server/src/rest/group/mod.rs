//! `group_open_http_svc`: groups, their members and messages, group read receipts, custom
//! attributes and counters; and `group_open_attr_http_svc`, where TIM reads custom attributes.
//!
//! Group types travel under TIM's REST names (`Private` for Work, `ChatRoom` for Meeting);
//! the product names are accepted too. Every change goes through the same engine operation a
//! client would call, acting for the app's administrator, so members online get the same pushes.

mod add_group_member;
mod ban_group_member;
mod change_group_owner;
mod clear_group_attr;
mod create_group;
mod delete_group_attr;
mod delete_group_counter;
mod delete_group_member;
mod delete_group_msg_by_sender;
mod destroy_group;
mod forbid_send_msg;
mod get_appid_group_list;
mod get_group_attr;
mod get_group_ban_member;
mod get_group_counter;
mod get_group_info;
mod get_group_member_info;
mod get_group_msg_receipt;
mod get_group_msg_receipt_detail;
mod get_group_shutted_uin;
mod get_joined_group_list;
mod get_online_member_num;
mod get_role_in_group;
mod group_msg_get_simple;
mod group_msg_recall;
mod group_msg_receipt;
mod import_group;
mod import_group_member;
mod import_group_msg;
mod modify_group_attr;
mod modify_group_base_info;
mod modify_group_member_info;
mod modify_group_msg;
mod send_group_msg;
mod send_group_system_notification;
mod set_group_attr;
mod set_unread_msg_num;
mod unban_group_member;
mod update_group_counter;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tincan_core::group::{ADD_OPTION_ANY, ADD_OPTION_AUTH, ADD_OPTION_FORBID, member_cap};
use tincan_engine::{Engine, GroupSummary, MemberSummary};
use tincan_proto::enums::{ConvType, GroupType, MemberRole};
use tincan_proto::{ApiError, ErrorCode, GroupId, Message, limits};

use super::{Caller, answer, body_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::GROUP_INVALID_PARAMETERS;

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "create_group" => answer(create_group::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_group_info" => answer(get_group_info::handle(engine, caller, body_as(body, INVALID)?)),
        "get_group_member_info" => answer(get_group_member_info::handle(engine, caller, body_as(body, INVALID)?)),
        "get_appid_group_list" => answer(get_appid_group_list::handle(engine, caller, body_as(body, INVALID)?)),
        "modify_group_base_info" => {
            answer(modify_group_base_info::handle(engine, caller, body_as(body, INVALID)?).await)
        }
        "add_group_member" => answer(add_group_member::handle(engine, caller, body_as(body, INVALID)?).await),
        "delete_group_member" => answer(delete_group_member::handle(engine, caller, body_as(body, INVALID)?).await),
        "destroy_group" => answer(destroy_group::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_joined_group_list" => answer(get_joined_group_list::handle(engine, caller, body_as(body, INVALID)?)),
        "import_group_msg" => answer(import_group_msg::handle(engine, caller, body_as(body, INVALID)?).await),
        "send_group_msg" => answer(send_group_msg::handle(engine, caller, body_as(body, INVALID)?).await),
        "group_msg_get_simple" => answer(group_msg_get_simple::handle(engine, caller, body_as(body, INVALID)?).await),
        "group_msg_receipt" => answer(group_msg_receipt::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_group_msg_receipt" => answer(get_group_msg_receipt::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_group_msg_receipt_detail" => {
            answer(get_group_msg_receipt_detail::handle(engine, caller, body_as(body, INVALID)?).await)
        }
        "group_msg_recall" => answer(group_msg_recall::handle(engine, caller, body_as(body, INVALID)?).await),
        "delete_group_msg_by_sender" => {
            answer(delete_group_msg_by_sender::handle(engine, caller, body_as(body, INVALID)?).await)
        }
        "set_unread_msg_num" => answer(set_unread_msg_num::handle(engine, caller, body_as(body, INVALID)?).await),
        "modify_group_msg" => answer(modify_group_msg::handle(engine, caller, body_as(body, INVALID)?).await),
        "modify_group_member_info" => {
            answer(modify_group_member_info::handle(engine, caller, body_as(body, INVALID)?).await)
        }
        "change_group_owner" => answer(change_group_owner::handle(engine, caller, body_as(body, INVALID)?).await),
        "forbid_send_msg" => answer(forbid_send_msg::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_group_shutted_uin" => answer(get_group_shutted_uin::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_role_in_group" => answer(get_role_in_group::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_online_member_num" => answer(get_online_member_num::handle(engine, caller, body_as(body, INVALID)?).await),
        "send_group_system_notification" => {
            answer(send_group_system_notification::handle(engine, caller, body_as(body, INVALID)?).await)
        }
        "ban_group_member" => answer(ban_group_member::handle(engine, caller, body_as(body, INVALID)?).await),
        "unban_group_member" => answer(unban_group_member::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_group_ban_member" => answer(get_group_ban_member::handle(engine, caller, body_as(body, INVALID)?).await),
        "import_group" => answer(import_group::handle(engine, caller, body_as(body, INVALID)?).await),
        "import_group_member" => answer(import_group_member::handle(engine, caller, body_as(body, INVALID)?).await),
        "modify_group_attr" => answer(modify_group_attr::handle(engine, caller, body_as(body, INVALID)?).await),
        "set_group_attr" => answer(set_group_attr::handle(engine, caller, body_as(body, INVALID)?).await),
        "clear_group_attr" => answer(clear_group_attr::handle(engine, caller, body_as(body, INVALID)?).await),
        "delete_group_attr" => answer(delete_group_attr::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_group_counter" => answer(get_group_counter::handle(engine, caller, body_as(body, INVALID)?).await),
        "update_group_counter" => answer(update_group_counter::handle(engine, caller, body_as(body, INVALID)?).await),
        "delete_group_counter" => answer(delete_group_counter::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("group_open_http_svc", command)),
    }
}

/// `group_open_attr_http_svc`, where TIM reads a group's custom attributes.
pub(super) async fn attr_command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "get_group_attr" => answer(get_group_attr::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("group_open_attr_http_svc", command)),
    }
}

/// A `Limit` key: absent or 0 (some libraries send 0 for "not set") means `max`; above `max` is
/// refused.
fn page_limit(given: Option<usize>, max: usize) -> Result<usize, ApiError> {
    let limit = given.filter(|limit| *limit != 0).unwrap_or(max);
    if limit > max {
        return Err(ApiError::new(INVALID, format!("Limit {limit} is above the largest page, {max}")));
    }
    Ok(limit)
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

/// A `GroupType` filter: absent or `""` for every type.
fn group_type_filter(name: Option<&str>) -> Result<Option<GroupType>, ApiError> {
    name.filter(|name| !name.is_empty()).map(parse_group_type).transpose()
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

/// `InviteJoinOption` as TIM's REST API spells it, to and from the invite option (a
/// `TIMGroupAddOption`).
fn parse_invite_join_option(name: &str) -> Result<u32, ApiError> {
    match name {
        "FreeAccess" => Ok(ADD_OPTION_ANY),
        "NeedPermission" => Ok(ADD_OPTION_AUTH),
        "DisableInvite" => Ok(ADD_OPTION_FORBID),
        other => Err(ApiError::new(
            INVALID,
            format!("InviteJoinOption {other:?} is not FreeAccess, NeedPermission or DisableInvite"),
        )),
    }
}

fn invite_join_option_name(approve_option: u32) -> &'static str {
    match approve_option {
        ADD_OPTION_ANY => "FreeAccess",
        ADD_OPTION_AUTH => "NeedPermission",
        _ => "DisableInvite",
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

fn role_name(role: MemberRole) -> &'static str {
    match role {
        MemberRole::OWNER => "Owner",
        MemberRole::ADMIN => "Admin",
        _ => "Member",
    }
}

/// TIM's `MsgFlag` for every member: tincan has no per-member message options.
const MSG_FLAG: &str = "AcceptAndNotify";

/// A group as `get_group_info` and `get_joined_group_list` answer it.
#[derive(Serialize)]
struct GroupInfo {
    #[serde(rename = "GroupId")]
    group_id: String,
    /// `get_group_info` answers each group with its code.
    #[serde(rename = "ErrorCode", skip_serializing_if = "Option::is_none")]
    error_code: Option<u32>,
    #[serde(rename = "ErrorInfo", skip_serializing_if = "Option::is_none")]
    error_info: Option<String>,
    #[serde(rename = "Type")]
    group_type: &'static str,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Introduction")]
    introduction: String,
    #[serde(rename = "Notification")]
    notification: String,
    #[serde(rename = "FaceUrl")]
    face_url: String,
    #[serde(rename = "Owner_Account")]
    owner_account: String,
    #[serde(rename = "CreateTime")]
    create_time: u64,
    #[serde(rename = "InfoSeq")]
    info_seq: u64,
    #[serde(rename = "LastInfoTime")]
    last_info_time: u64,
    #[serde(rename = "LastMsgTime")]
    last_msg_time: u64,
    #[serde(rename = "NextMsgSeq")]
    next_msg_seq: u64,
    #[serde(rename = "MemberNum")]
    member_num: u64,
    #[serde(rename = "MaxMemberNum")]
    max_member_num: u32,
    #[serde(rename = "ApplyJoinOption")]
    apply_join_option: &'static str,
    #[serde(rename = "InviteJoinOption")]
    invite_join_option: &'static str,
    #[serde(rename = "ShutUpAllMember")]
    shut_up_all_member: &'static str,
    #[serde(rename = "MuteAllMember")]
    mute_all_member: &'static str,
    #[serde(rename = "Appid")]
    appid: u64,
    #[serde(rename = "OnlineMemberNum")]
    online_member_num: u64,
    #[serde(rename = "AppDefinedData")]
    app_defined_data: Vec<DefinedData>,
    /// `get_group_info`'s members, unless a filter leaves them out.
    #[serde(rename = "MemberList", skip_serializing_if = "Option::is_none")]
    member_list: Option<Vec<MemberInfo>>,
    /// `get_joined_group_list`'s account in the group.
    #[serde(rename = "SelfInfo", skip_serializing_if = "Option::is_none")]
    self_info: Option<SelfInfo>,
}

impl GroupInfo {
    fn new(summary: GroupSummary) -> GroupInfo {
        GroupInfo {
            group_id: summary.group_id,
            error_code: None,
            error_info: None,
            group_type: rest_type_name(summary.group_type),
            name: summary.name,
            introduction: summary.introduction,
            notification: summary.notification,
            face_url: summary.face_url,
            owner_account: summary.owner.unwrap_or_default(),
            create_time: summary.created_at,
            info_seq: summary.info_seq,
            last_info_time: summary.created_at,
            last_msg_time: summary.last_msg_time,
            next_msg_seq: summary.next_msg_seq,
            member_num: summary.member_num,
            max_member_num: summary.max_member_num,
            apply_join_option: apply_join_option_name(summary.add_option),
            invite_join_option: invite_join_option_name(summary.approve_option),
            shut_up_all_member: on_off(summary.shutup_all),
            mute_all_member: on_off(summary.shutup_all),
            appid: summary.sdkappid,
            online_member_num: summary.online_member_num,
            app_defined_data: DefinedData::list(summary.custom),
            member_list: None,
            self_info: None,
        }
    }
}

/// A member as `get_group_info` and `get_group_member_info` answer it.
#[derive(Serialize)]
struct MemberInfo {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Role")]
    role: &'static str,
    #[serde(rename = "JoinTime")]
    join_time: u64,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "MsgFlag")]
    msg_flag: &'static str,
    #[serde(rename = "LastSendMsgTime")]
    last_send_msg_time: u64,
    #[serde(rename = "ShutUpUntil")]
    shut_up_until: u64,
    #[serde(rename = "MuteUntil")]
    mute_until: u64,
    #[serde(rename = "NameCard")]
    name_card: String,
    #[serde(rename = "AppMemberDefinedData")]
    app_member_defined_data: Vec<DefinedData>,
}

/// One custom field, as TIM's REST API writes and reads them (`AppDefinedData`,
/// `AppMemberDefinedData`).
#[derive(Serialize, Deserialize)]
struct DefinedData {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value")]
    value: String,
}

impl DefinedData {
    fn list(fields: Vec<(String, String)>) -> Vec<DefinedData> {
        fields.into_iter().map(|(key, value)| DefinedData { key, value }).collect()
    }

    fn fields(list: Vec<DefinedData>) -> tincan_core::group::CustomFields {
        list.into_iter().map(|field| (field.key, field.value)).collect()
    }
}

/// `On` or `Off`, as TIM's REST API writes switches.
fn on_off(on: bool) -> &'static str {
    if on { "On" } else { "Off" }
}

/// A REST switch (`On` or `Off`) named `key`.
fn parse_on_off(key: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "On" => Ok(true),
        "Off" => Ok(false),
        other => Err(ApiError::new(INVALID, format!("{key} {other:?} is neither On nor Off"))),
    }
}

impl MemberInfo {
    fn new(member: MemberSummary) -> MemberInfo {
        MemberInfo {
            member_account: member.user,
            role: role_name(member.role),
            join_time: member.join_time,
            msg_seq: member.read_seq,
            msg_flag: MSG_FLAG,
            last_send_msg_time: 0,
            shut_up_until: member.shutup_until,
            mute_until: member.shutup_until,
            name_card: member.name_card,
            app_member_defined_data: DefinedData::list(member.custom),
        }
    }
}

/// `get_joined_group_list`'s account in one of its groups.
#[derive(Serialize)]
struct SelfInfo {
    #[serde(rename = "Role")]
    role: &'static str,
    #[serde(rename = "JoinTime")]
    join_time: u64,
    #[serde(rename = "MsgFlag")]
    msg_flag: &'static str,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "UnreadMsgNum")]
    unread_msg_num: u64,
}

/// An entry of `MsgSeqList`.
#[derive(Deserialize)]
struct SeqItem {
    #[serde(rename = "MsgSeq")]
    seq: u64,
}

/// Checks a `MsgSeqList` holds 1 to [`limits::RECEIPT_MESSAGES_MAX_REST`] messages.
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

/// The group message `seq`, as the receipt operations take it (TIM's message object).
fn group_message_ref(group_id: &GroupId, seq: u64) -> Message {
    Message {
        message_conv_id: group_id.as_str().to_owned(),
        message_conv_type: ConvType::GROUP,
        message_seq: seq,
        ..Default::default()
    }
}
