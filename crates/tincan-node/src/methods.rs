//! One function per TIM method: parse TIM's parameters, call the SDK, shape TIM's result.
//!
//! Results follow TIM's Electron wrapper: `json_param` holds what TIM's native SDK hands its
//! callback (JSON text, or `""` when there is nothing), and `json_params` holds the parsed
//! value where the wrapper parses it.
//! The exceptions are TIM's own: `TIMConvGetTotalUnreadMessageCount` puts the parsed object in
//! `json_param` and the text in `json_params`, `TIMMsgGetMessageReadReceipts` and
//! `TIMMsgSendMessageReadReceipts` give the text only, and `TIMMsgGetGroupMessageReadMemberList`
//! gives `{next_seq, is_finished, json_param}` in `json_param`.
//! Where tincan wraps an array in an object on the wire (`{"messages": [...]}`), the result here
//! is the bare array, as TIM's native SDK gives it.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use tincan_proto::api::{
    OpKind, create_group, delete_group_members, get_group_members, invite_group_members, quit_group,
};
use tincan_proto::enums::{ConvType, ReadMembersFilter};
use tincan_proto::{ApiError, ErrorCode, GroupId, Message, UserId};

use crate::params::{nullable_string, parse, parse_embedded, string_or_number};

mod conv;
mod extensions;
use crate::profiles;
mod media;
use crate::session::{InitConfig, Session};

/// TIM's result object, without `user_data`.
pub(crate) struct Outcome {
    code: u32,
    desc: String,
    json_param: Value,
    json_params: Option<Value>,
}

impl Outcome {
    /// Success with nothing to report (`json_param` is `""`).
    pub(crate) fn empty() -> Outcome {
        Outcome { code: 0, desc: String::new(), json_param: Value::String(String::new()), json_params: None }
    }

    /// Success: the JSON text in `json_param`, the parsed value in `json_params`.
    pub(crate) fn text_and_value<T: serde::Serialize>(value: &T) -> Outcome {
        let parsed = serde_json::to_value(value).unwrap_or(Value::Null);
        Outcome { json_param: Value::String(parsed.to_string()), json_params: Some(parsed), ..Outcome::empty() }
    }

    /// Success: the JSON text in `json_param` only.
    fn text<T: serde::Serialize>(value: &T) -> Outcome {
        let text = serde_json::to_string(value).unwrap_or_default();
        Outcome { json_param: Value::String(text), ..Outcome::empty() }
    }

    /// Success: the parsed value in `json_param` (as TIM's wrapper gives it for profile and
    /// status lists and for the base methods).
    pub(crate) fn value<T: serde::Serialize>(value: &T) -> Outcome {
        Outcome { json_param: serde_json::to_value(value).unwrap_or(Value::Null), ..Outcome::empty() }
    }

    /// A failure with TIM's error code.
    pub(crate) fn failure(error: ApiError) -> Outcome {
        Outcome { code: error.code.0, desc: error.desc, ..Outcome::empty() }
    }

    pub(crate) fn to_json(&self) -> String {
        let mut object = json!({"code": self.code, "desc": self.desc, "json_param": self.json_param});
        if let Some(json_params) = &self.json_params {
            object["json_params"] = json_params.clone();
        }
        object.to_string()
    }
}

impl From<Result<Outcome, ApiError>> for Outcome {
    fn from(result: Result<Outcome, ApiError>) -> Outcome {
        result.unwrap_or_else(Outcome::failure)
    }
}

/// Runs the TIM method `method` with the JSON text of its parameter object.
pub(crate) async fn call(session: &Arc<Session>, method: &str, params: &str) -> Outcome {
    let result = match method {
        "TIMInit" => init(session, params).await,
        "TIMUninit" => uninit(session).await,
        "TIMLogin" => login(session, params).await,
        "TIMLogout" => logout(session, params).await,
        "TIMMsgSendMessage" => send_message(session, params).await,
        "TIMMsgSendMessageV2" => prepare_message(session, params).await,
        "TIMMsgRevoke" => revoke_message(session, params).await,
        "TIMMsgModifyMessage" => modify_message(session, params).await,
        "TIMMsgDelete" => delete_message(session, params).await,
        "TIMMsgDownloadMergerMessage" => download_merged(session, params).await,
        "TIMMsgFindMessages" => find_messages(session, params).await,
        "TIMMsgFindByMsgLocatorList" => find_by_locator(session, params).await,
        "TIMMsgListDelete" => delete_message_list(session, params).await,
        "TIMMsgSetC2CReceiveMessageOpt" => set_c2c_recv_opt(session, params).await,
        "TIMMsgGetC2CReceiveMessageOpt" => get_c2c_recv_opt(session, params).await,
        "TIMMsgSetGroupReceiveMessageOpt" => set_group_recv_opt(session, params).await,
        "TIMMsgSetAllReceiveMessageOpt" => set_all_recv_opt(session, "TIMMsgSetAllReceiveMessageOpt", params).await,
        "TIMMsgSetAllReceiveMessageOpt2" => set_all_recv_opt(session, "TIMMsgSetAllReceiveMessageOpt2", params).await,
        "TIMMsgGetAllReceiveMessageOpt" => get_all_recv_opt(session, params).await,
        "TIMMsgCancelSend" => media::cancel_send(session, params).await,
        "TIMMsgDownloadElemToPath" => media::download_to_path(session, params).await,
        "TIMMsgGetMsgList" => get_msg_list(session, params).await,
        "TIMMsgSendMessageReadReceipts" => send_receipts(session, params).await,
        "TIMMsgGetMessageReadReceipts" => get_receipts(session, params).await,
        "TIMMsgGetGroupMessageReadMemberList" => get_read_members(session, params).await,
        "TIMMsgReportReaded" => report_read(session, params).await,
        "TIMConvGetConvList" => get_conv_list(session, params).await,
        "TIMConvGetTotalUnreadMessageCount" => get_total_unread(session, params).await,
        "TIMConvCleanConversationUnreadMessageCount" => clean_unread(session, params).await,
        "TIMGroupCreate" => group_create(session, params).await,
        "TIMGroupInviteMember" => group_invite(session, params).await,
        "TIMGroupDeleteMember" => group_delete_member(session, params).await,
        "TIMGroupQuit" => group_quit(session, params).await,
        "TIMGroupGetMemberInfoList" => group_members(session, params).await,
        // Profiles, status and the base methods answered from the instance.
        "TIMProfileGetUserProfileList" => profiles::get_profiles(session, params).await,
        "TIMProfileModifySelfUserProfile" => profiles::modify_self(session, params).await,
        "TIMSubscribeUserInfo" => profiles::subscribe_info(session, params).await,
        "TIMGetUserStatus" => profiles::get_status(session, params).await,
        "TIMSetSelfStatus" => profiles::set_self_status(session, params).await,
        "TIMSubscribeUserStatus" => profiles::subscribe_status(session, params).await,
        "TIMUnsubscribeUserStatus" => profiles::unsubscribe_status(session, params).await,
        "TIMGetLoginStatus" => profiles::login_status(session),
        "TIMGetLoginUserID" => profiles::login_user_id(session),
        "TIMGetServerTime" => profiles::server_time(session).await,
        "TIMGetSDKVersion" => profiles::sdk_version(),
        "TIMSetConfig" => profiles::set_config(params),
        "callExperimentalAPI" => profiles::experimental(params),
        other => call_in_areas(session, other, params).await,
    };
    result.into()
}

/// A method that one of the areas with a module of their own takes, each asked in turn.
async fn call_in_areas(session: &Arc<Session>, method: &str, params: &str) -> Result<Outcome, ApiError> {
    if let Some(result) = conv::call(session, method, params).await {
        return result;
    }
    if let Some(result) = extensions::call(session, method, params).await {
        return result;
    }
    if let Some(result) = crate::group_methods::call(session, method, params).await {
        return result;
    }
    if let Some(result) = crate::friend_methods::call(session, method, params).await {
        return result;
    }
    if let Some(result) = crate::group_attribute_methods::call(session, method, params).await {
        return result;
    }
    Err(ApiError::new(ErrorCode::INVALID_OPERATION, format!("{method} is not a method of tincan-im")))
}

/// The methods of TIM's `TimRender` that run each operation of the protocol. The match is
/// exhaustive, so an operation added to the protocol does not compile here until it is decided
/// which TIM methods expose it (none, for operations TIM's Electron SDK has no method for); the
/// package's tests check that every method named is a method of `TimRender` that [`call`]
/// routes.
pub(crate) fn tim_methods(kind: OpKind) -> &'static [&'static str] {
    match kind {
        OpKind::Login => &["TIMLogin"],
        OpKind::Logout => &["TIMLogout"],
        // The SDK's own heartbeat; TIM's has no method for it.
        OpKind::Ping => &[],
        OpKind::SendMessage => &["TIMMsgSendMessage", "TIMMsgSendMessageV2"],
        OpKind::GetMessageList => &["TIMMsgGetMsgList"],
        OpKind::SendReceipts => &["TIMMsgSendMessageReadReceipts"],
        OpKind::GetReceipts => &["TIMMsgGetMessageReadReceipts"],
        OpKind::GetReadMembers => &["TIMMsgGetGroupMessageReadMemberList"],
        OpKind::ReportRead => &["TIMMsgReportReaded"],
        OpKind::GetConversationList => &["TIMConvGetConvList"],
        OpKind::GetTotalUnread => &["TIMConvGetTotalUnreadMessageCount"],
        OpKind::CleanUnread => &["TIMConvCleanConversationUnreadMessageCount"],
        OpKind::CreateGroup => &["TIMGroupCreate"],
        OpKind::InviteGroupMembers => &["TIMGroupInviteMember"],
        OpKind::DeleteGroupMembers => &["TIMGroupDeleteMember"],
        OpKind::QuitGroup => &["TIMGroupQuit"],
        OpKind::GetGroupMembers => &["TIMGroupGetMemberInfoList"],
        // In `group_methods`.
        OpKind::DeleteGroup => &["TIMGroupDelete"],
        OpKind::JoinGroup => &["TIMGroupJoin"],
        OpKind::GetGroupInfo => &["TIMGroupGetGroupInfoList"],
        OpKind::GetJoinedGroups => &["TIMGroupGetJoinedGroupList"],
        OpKind::ModifyGroupInfo => &["TIMGroupModifyGroupInfo"],
        OpKind::ModifyGroupMemberInfo => &["TIMGroupModifyMemberInfo"],
        OpKind::GetOnlineMemberCount => &["TIMGroupGetOnlineMemberCount"],
        OpKind::GetGroupPendencyList => &["TIMGroupGetPendencyList"],
        OpKind::SearchGroups => &["TIMGroupSearchGroups"],
        OpKind::SearchGroupMembers => &["TIMGroupSearchGroupMembers"],
        OpKind::HandleGroupPendency => &["TIMGroupHandlePendency"],
        OpKind::ReportGroupPendencyRead => &["TIMGroupReportPendencyReaded"],
        // tincan's own: TIM's Electron SDK has no method for it.
        OpKind::SetReceiptPrivacy => &[],
        OpKind::DeleteConversations => &["TIMConvDelete", "TIMConvDeleteConversationList"],
        OpKind::GetConversations => &["TIMConvGetConvInfo"],
        OpKind::CreateConversation => &["TIMConvCreate"],
        OpKind::ClearHistory => &["TIMMsgClearHistoryMessage"],
        OpKind::SetDraft => &["TIMConvSetDraft"],
        OpKind::CancelDraft => &["TIMConvCancelDraft"],
        OpKind::PinConversation => &["TIMConvPinConversation"],
        OpKind::MarkConversations => &["TIMConvMarkConversation"],
        OpKind::SetConvCustomData => &["TIMConvSetConversationCustomData"],
        OpKind::GetConversationListByFilter => &["TIMConvGetConversationListByFilter"],
        OpKind::GetUnreadByFilter => {
            &["TIMConvGetUnreadMessageCountByFilter", "TIMConvSubscribeUnreadMessageCountByFilter"]
        }
        OpKind::CreateConvGroup => &["TIMConvCreateConversationGroup"],
        OpKind::GetConvGroups => &["TIMConvGetConversationGroupList"],
        OpKind::DeleteConvGroup => &["TIMConvDeleteConversationGroup"],
        OpKind::RenameConvGroup => &["TIMConvRenameConversationGroup"],
        OpKind::AddToConvGroup => &["TIMConvAddConversationsToGroup"],
        OpKind::RemoveFromConvGroup => &["TIMConvDeleteConversationsFromGroup"],
        OpKind::GetProfiles => &["TIMProfileGetUserProfileList"],
        OpKind::ModifySelfProfile => &["TIMProfileModifySelfUserProfile"],
        OpKind::SubscribeProfiles => &["TIMSubscribeUserInfo"],
        // TIM's Electron `TimRender` has no TIMUnsubscribeUserInfo.
        OpKind::UnsubscribeProfiles => &[],
        OpKind::GetUserStatus => &["TIMGetUserStatus"],
        OpKind::SetSelfStatus => &["TIMSetSelfStatus"],
        OpKind::SubscribeStatus => &["TIMSubscribeUserStatus"],
        OpKind::UnsubscribeStatus => &["TIMUnsubscribeUserStatus"],
        OpKind::RevokeMessage => &["TIMMsgRevoke"],
        OpKind::ModifyMessage => &["TIMMsgModifyMessage"],
        OpKind::DeleteMessages => &["TIMMsgDelete", "TIMMsgListDelete"],
        OpKind::FindMessages => &["TIMMsgFindMessages", "TIMMsgFindByMsgLocatorList"],
        OpKind::AddFriend => &["TIMFriendshipAddFriend"],
        OpKind::DeleteFriend => &["TIMFriendshipDeleteFriend"],
        OpKind::GetFriendList => &["TIMFriendshipGetFriendProfileList"],
        OpKind::GetFriendsInfo => &["TIMFriendshipGetFriendsInfo"],
        OpKind::ModifyFriend => &["TIMFriendshipModifyFriendProfile"],
        OpKind::CheckFriends => &["TIMFriendshipCheckFriendType"],
        OpKind::GetFriendPendencyList => &["TIMFriendshipGetPendencyList"],
        OpKind::HandleFriendRequest => &["TIMFriendshipHandleFriendAddRequest"],
        OpKind::DeleteFriendPendency => &["TIMFriendshipDeletePendency"],
        OpKind::ReportFriendPendencyRead => &["TIMFriendshipReportPendencyReaded"],
        OpKind::AddToBlocklist => &["TIMFriendshipAddToBlackList"],
        OpKind::DeleteFromBlocklist => &["TIMFriendshipDeleteFromBlackList"],
        OpKind::GetBlocklist => &["TIMFriendshipGetBlackList"],
        OpKind::CreateFriendGroup => &["TIMFriendshipCreateFriendGroup"],
        OpKind::DeleteFriendGroup => &["TIMFriendshipDeleteFriendGroup"],
        OpKind::ModifyFriendGroup => &["TIMFriendshipModifyFriendGroup"],
        OpKind::GetFriendGroups => &["TIMFriendshipGetFriendGroupList"],
        OpKind::SearchFriends => &["TIMFriendshipSearchFriends"],
        // In `group_attribute_methods`.
        OpKind::InitGroupAttributes => &["TIMGroupInitGroupAttributes"],
        OpKind::SetGroupAttributes => &["TIMGroupSetGroupAttributes"],
        OpKind::DeleteGroupAttributes => &["TIMGroupDeleteGroupAttributes"],
        OpKind::GetGroupAttributes => &["TIMGroupGetGroupAttributes"],
        OpKind::SetGroupCounters => &["TIMGroupSetGroupCounters"],
        OpKind::GetGroupCounters => &["TIMGroupGetGroupCounters"],
        OpKind::IncreaseGroupCounter => &["TIMGroupIncreaseGroupCounter"],
        OpKind::DecreaseGroupCounter => &["TIMGroupDecreaseGroupCounter"],
        OpKind::SetMessageExtensions => &["TIMMsgSetMessageExtensions"],
        OpKind::GetMessageExtensions => &["TIMMsgGetMessageExtensions"],
        OpKind::DeleteMessageExtensions => &["TIMMsgDeleteMessageExtensions"],
        OpKind::SetC2cRecvOpt => &["TIMMsgSetC2CReceiveMessageOpt"],
        OpKind::GetC2cRecvOpt => &["TIMMsgGetC2CReceiveMessageOpt"],
        OpKind::SetGroupRecvOpt => &["TIMMsgSetGroupReceiveMessageOpt"],
        // TIM's Electron SDK 8.0 has no follow methods; the Web SDK and the REST API have them.
        OpKind::FollowUsers
        | OpKind::UnfollowUsers
        | OpKind::GetFollowList
        | OpKind::GetFollowInfo
        | OpKind::CheckFollowType => &[],
        OpKind::SetAllRecvOpt => &["TIMMsgSetAllReceiveMessageOpt", "TIMMsgSetAllReceiveMessageOpt2"],
        OpKind::GetAllRecvOpt => &["TIMMsgGetAllReceiveMessageOpt"],
    }
}

/// The default time a request may wait for its answer.
const REQUEST_TIMEOUT_DEFAULT: Duration = Duration::from_secs(30);

#[derive(Deserialize)]
struct InitParam {
    sdkappid: u64,
    server_address: String,
    #[serde(default)]
    request_timeout_ms: Option<u64>,
    /// TIM's directory for local data; tincan keeps none, so it is accepted and not used.
    #[serde(rename = "config_path", default)]
    _config_path: Option<String>,
}

async fn init(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: InitParam = parse("TIMInit", params)?;
    let url = websocket_url(&param.server_address)?;
    let request_timeout = match param.request_timeout_ms {
        None => REQUEST_TIMEOUT_DEFAULT,
        Some(0) => return Err(ApiError::invalid_parameter("request_timeout_ms must be at least 1")),
        Some(ms) => Duration::from_millis(ms),
    };
    session.configure(Some(InitConfig { url, sdkappid: param.sdkappid, request_timeout })).await;
    Ok(Outcome::empty())
}

/// The WebSocket URL for `server_address`: a `ws://` or `wss://` URL (`/ws` is added when it
/// has no path), or `host:port`, meaning `ws://host:port/ws`.
fn websocket_url(address: &str) -> Result<String, ApiError> {
    let address = address.trim();
    if address.is_empty() {
        return Err(ApiError::invalid_parameter(
            "server_address is empty; give the tincan server's address, such as 127.0.0.1:8080 or ws://127.0.0.1:8080/ws",
        ));
    }
    let (scheme, rest) = match address.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("ws") || scheme.eq_ignore_ascii_case("wss") => {
            (scheme.to_ascii_lowercase(), rest)
        }
        Some((scheme, _)) => {
            return Err(ApiError::invalid_parameter(format!(
                "server_address must be a ws:// or wss:// URL or host:port, not a {scheme}:// URL"
            )));
        }
        None => ("ws".to_owned(), address),
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(ApiError::invalid_parameter(format!("server_address {address:?} has no host")));
    }
    let path = if rest.contains('/') { "" } else { "/ws" };
    Ok(format!("{scheme}://{rest}{path}"))
}

async fn uninit(session: &Arc<Session>) -> Result<Outcome, ApiError> {
    session.configure(None).await;
    Ok(Outcome::empty())
}

#[derive(Deserialize)]
struct LoginParam {
    #[serde(rename = "userID")]
    user_id: String,
    #[serde(rename = "userSig")]
    user_sig: String,
    #[serde(rename = "userData", default)]
    _user_data: Option<String>,
}

async fn login(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: LoginParam = parse("TIMLogin", params)?;
    let user_id = UserId::parse(&param.user_id)?;
    session.login(user_id, param.user_sig).await?;
    Ok(Outcome::empty())
}

#[derive(Deserialize)]
struct LogoutParam {
    #[serde(rename = "userData", default)]
    _user_data: Option<String>,
}

async fn logout(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let _: LogoutParam = parse("TIMLogout", params)?;
    session.logout().await?;
    Ok(Outcome::empty())
}

/// `MsgSendMessageParams`.
#[derive(Deserialize)]
struct SendMessageParam {
    conv_id: String,
    conv_type: ConvType,
    params: Message,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn send_message(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let mut param: SendMessageParam = parse("TIMMsgSendMessage", params)?;
    let client = session.client()?;
    media::upload_paths(session, &client, &mut param.params).await?;
    let message = client.send_message(&param.conv_id, param.conv_type, param.params).await?;
    Ok(Outcome::text_and_value(&message))
}

/// The first half of `TIMMsgSendMessageV2`, whose promise TIM resolves with the message ID
/// before the message is sent: fills in the message's random number and client time, and
/// answers its ID (`json_param`) and the message so filled (`json_params`), which the package
/// then sends with `TIMMsgSendMessage` (the same ID, so a resend is recognised), handing the
/// result to the app's callback.
async fn prepare_message(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let mut param: SendMessageParam = parse("TIMMsgSendMessageV2", params)?;
    tincan_proto::Conv::parse(&param.conv_id, param.conv_type)?;
    let client = session.client()?;
    let msg_id = client.prepare_message(&mut param.params);
    let message = serde_json::to_value(&param.params).unwrap_or(Value::Null);
    Ok(Outcome { json_param: Value::String(msg_id), json_params: Some(message), ..Outcome::empty() })
}

/// `MsgRevokeParams`.
#[derive(Deserialize)]
struct RevokeParam {
    conv_id: String,
    conv_type: ConvType,
    json_msg_param: Message,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn revoke_message(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: RevokeParam = parse("TIMMsgRevoke", params)?;
    let client = session.client()?;
    client.revoke_message(&param.conv_id, param.conv_type, &param.json_msg_param, "").await?;
    Ok(Outcome::empty())
}

/// `MsgModifyMessageParams`.
#[derive(Deserialize)]
struct ModifyParam {
    params: Message,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn modify_message(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ModifyParam = parse("TIMMsgModifyMessage", params)?;
    let client = session.client()?;
    let message = client.modify_message(param.params).await?;
    Ok(Outcome::text_and_value(&message))
}

/// `MsgDeleteParams`: `params` is `{msg_delete_param_msg, msg_delete_param_is_ramble}`.
#[derive(Deserialize)]
struct DeleteParam {
    conv_id: String,
    conv_type: ConvType,
    params: DeleteOptions,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

#[derive(Deserialize)]
struct DeleteOptions {
    msg_delete_param_msg: Message,
    /// Local or roaming copies in TIM; tincan keeps only the server's, so both mean it.
    #[serde(rename = "msg_delete_param_is_ramble", default)]
    _is_ramble: Option<bool>,
}

async fn delete_message(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: DeleteParam = parse("TIMMsgDelete", params)?;
    let client = session.client()?;
    client.delete_messages(&param.conv_id, param.conv_type, &[param.params.msg_delete_param_msg]).await?;
    Ok(Outcome::empty())
}

/// `MsgListDeleteParams`: `params` is the messages.
#[derive(Deserialize)]
struct ListDeleteParam {
    conv_id: String,
    conv_type: ConvType,
    params: Vec<Message>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn delete_message_list(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ListDeleteParam = parse("TIMMsgListDelete", params)?;
    let client = session.client()?;
    client.delete_messages(&param.conv_id, param.conv_type, &param.params).await?;
    Ok(Outcome::empty())
}

/// `MsgFindMessagesParams`.
#[derive(Deserialize)]
struct FindParam {
    json_message_id_array: Vec<String>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn find_messages(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: FindParam = parse("TIMMsgFindMessages", params)?;
    let client = session.client()?;
    let ids: Vec<&str> = param.json_message_id_array.iter().map(String::as_str).collect();
    let messages = client.find_messages(&ids).await?;
    Ok(Outcome::text_and_value(&messages))
}

/// `MsgFindByMsgLocatorListParams`.
#[derive(Deserialize)]
struct FindByLocatorParam {
    conv_id: String,
    conv_type: ConvType,
    params: Vec<tincan_proto::api::find_messages::MsgLocator>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn find_by_locator(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: FindByLocatorParam = parse("TIMMsgFindByMsgLocatorList", params)?;
    let client = session.client()?;
    let messages = client.find_messages_by_locator(&param.conv_id, param.conv_type, param.params).await?;
    Ok(Outcome::text_and_value(&messages))
}

/// `MsgDownloadMergerMessageParams`.
#[derive(Deserialize)]
struct DownloadMergedParam {
    params: Message,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

/// `TIMMsgDownloadMergerMessage`: the messages a merged-forward message carries. tincan keeps
/// them inside the message, so they come from the message as stored (found by its ID, which
/// also checks that this user can see it), not from the copy the app passes.
async fn download_merged(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: DownloadMergedParam = parse("TIMMsgDownloadMergerMessage", params)?;
    let client = session.client()?;
    let stored = client.find_messages(&[param.params.message_msg_id.as_str()]).await?;
    let merged = stored.first().and_then(|message| {
        message.message_elem_array.iter().find(|elem| elem.elem_type() == Some(tincan_proto::enums::ElemType::MERGE))
    });
    let Some(merged) = merged else {
        return Err(ApiError::invalid_parameter(format!(
            "message {:?} is not a merged-forward message this user can see",
            param.params.message_msg_id
        )));
    };
    let messages = merged.0.get("merge_elem_message_array").cloned().unwrap_or_else(|| Value::Array(Vec::new()));
    Ok(Outcome::text_and_value(&messages))
}

/// `MsgGetMsgListParams`.
#[derive(Deserialize)]
struct GetMsgListParam {
    conv_id: String,
    conv_type: ConvType,
    params: tincan_proto::api::get_message_list::GetMsgListParams,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn get_msg_list(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GetMsgListParam = parse("TIMMsgGetMsgList", params)?;
    let client = session.client()?;
    let messages = client.get_message_list(&param.conv_id, param.conv_type, param.params).await?;
    Ok(Outcome::text_and_value(&messages))
}

/// `MsgSendGroupMessageReceiptsParam` and `MsgGetGroupMessageReceiptsParam`.
#[derive(Deserialize)]
struct MessageArrayParam {
    json_msg_array: String,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn send_receipts(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: MessageArrayParam = parse("TIMMsgSendMessageReadReceipts", params)?;
    let messages: Vec<Message> = parse_embedded("json_msg_array", &param.json_msg_array)?;
    let client = session.client()?;
    client.send_receipts(&messages).await?;
    Ok(Outcome::empty())
}

async fn get_receipts(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: MessageArrayParam = parse("TIMMsgGetMessageReadReceipts", params)?;
    let messages: Vec<Message> = parse_embedded("json_msg_array", &param.json_msg_array)?;
    let client = session.client()?;
    let receipts = client.get_receipts(&messages).await?;
    Ok(Outcome::text(&receipts))
}

/// `MsgGetGroupMessageReadMembersParam`.
#[derive(Deserialize)]
struct ReadMembersParam {
    json_msg: String,
    filter: ReadMembersFilter,
    #[serde(deserialize_with = "string_or_number")]
    next_seq: u64,
    count: u32,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn get_read_members(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ReadMembersParam = parse("TIMMsgGetGroupMessageReadMemberList", params)?;
    let message: Message = parse_embedded("json_msg", &param.json_msg)?;
    let client = session.client()?;
    let page = client.get_read_members(&message, param.filter, param.next_seq, param.count).await?;
    let result = json!({"next_seq": page.next_seq, "is_finished": page.is_finished, "json_param": page.members});
    Ok(Outcome { json_param: result, ..Outcome::empty() })
}

/// `MsgReportReadedParams`.
#[derive(Deserialize)]
struct ReportReadParam {
    conv_id: String,
    conv_type: ConvType,
    #[serde(default, deserialize_with = "tincan_proto::message::empty_or_message")]
    json_msg_param: Option<Message>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn report_read(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ReportReadParam = parse("TIMMsgReportReaded", params)?;
    let client = session.client()?;
    client.report_read(&param.conv_id, param.conv_type, param.json_msg_param).await?;
    Ok(Outcome::empty())
}

/// `getConvList`.
#[derive(Deserialize)]
struct ConvListParam {
    #[serde(rename = "userData", default)]
    _user_data: Option<String>,
}

async fn get_conv_list(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let _: ConvListParam = parse("TIMConvGetConvList", params)?;
    let client = session.client()?;
    let conversations = client.conversations().await?;
    Ok(Outcome::text_and_value(&conversations))
}

/// `convGetTotalUnreadMessageCount`.
#[derive(Deserialize)]
struct UserDataParam {
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn get_total_unread(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let _: UserDataParam = parse("TIMConvGetTotalUnreadMessageCount", params)?;
    let client = session.client()?;
    let total = client.total_unread().await?;
    let result = json!({"conv_get_total_unread_message_count_result_unread_count": total});
    // TIM's wrapper puts the parsed object in `json_param` and the text in `json_params` here.
    Ok(Outcome { json_params: Some(Value::String(result.to_string())), json_param: result, ..Outcome::empty() })
}

/// `CleanUnreadMessageCountParam`.
#[derive(Deserialize)]
struct CleanUnreadParam {
    #[serde(deserialize_with = "nullable_string")]
    conversation_id: String,
    #[serde(default)]
    clean_timestamp: u64,
    #[serde(default)]
    clean_sequence: u64,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn clean_unread(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: CleanUnreadParam = parse("TIMConvCleanConversationUnreadMessageCount", params)?;
    let client = session.client()?;
    let results = client.clean_unread(&param.conversation_id, param.clean_timestamp, param.clean_sequence).await?;
    Ok(Outcome::text_and_value(&results))
}

/// TIM's group methods take `{params, data}`, where `data` is the app's user data.
#[derive(Deserialize)]
struct GroupParam<T> {
    params: T,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

async fn group_create(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupParam<create_group::Request> = parse("TIMGroupCreate", params)?;
    let client = session.client()?;
    let response = client.call(&param.params).await?;
    Ok(Outcome::text_and_value(&response))
}

async fn group_invite(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupParam<invite_group_members::Request> = parse("TIMGroupInviteMember", params)?;
    let client = session.client()?;
    let response = client.call(&param.params).await?;
    Ok(Outcome::text_and_value(&response.results))
}

async fn group_delete_member(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupParam<delete_group_members::Request> = parse("TIMGroupDeleteMember", params)?;
    let client = session.client()?;
    let response = client.call(&param.params).await?;
    Ok(Outcome::text_and_value(&response.results))
}

/// `QuitGroupParams`.
#[derive(Deserialize)]
struct QuitGroupParam {
    #[serde(rename = "groupId")]
    group_id: String,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

async fn group_quit(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: QuitGroupParam = parse("TIMGroupQuit", params)?;
    let client = session.client()?;
    client.call(&quit_group::Request { group_id: GroupId::parse(&param.group_id)? }).await?;
    Ok(Outcome::empty())
}

async fn group_members(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupParam<get_group_members::Request> = parse("TIMGroupGetMemberInfoList", params)?;
    let client = session.client()?;
    let response = client.call(&param.params).await?;
    Ok(Outcome::text_and_value(&response))
}

/// `MsgSetC2CReceiveMessageOptParams`: `params` is the peers' IDs.
#[derive(Deserialize)]
struct C2cRecvOptParam {
    params: Vec<String>,
    #[serde(default)]
    opt: Option<u32>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn set_c2c_recv_opt(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: C2cRecvOptParam = parse("TIMMsgSetC2CReceiveMessageOpt", params)?;
    let opt = param.opt.ok_or_else(|| ApiError::invalid_parameter("TIMMsgSetC2CReceiveMessageOpt needs opt"))?;
    let users: Vec<&str> = param.params.iter().map(String::as_str).collect();
    session.client()?.set_c2c_receive_message_opt(&users, opt).await?;
    Ok(Outcome::empty())
}

/// `MsgGetC2CReceiveMessageOptParams`: `json_params` is the array of `TIMReceiveMessageOptInfo`.
async fn get_c2c_recv_opt(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: C2cRecvOptParam = parse("TIMMsgGetC2CReceiveMessageOpt", params)?;
    let users: Vec<&str> = param.params.iter().map(String::as_str).collect();
    let results = session.client()?.c2c_receive_message_opt(&users).await?;
    Ok(Outcome::text_and_value(&results))
}

/// `MsgSetGroupReceiveMessageOptParams`.
#[derive(Deserialize)]
struct GroupRecvOptParam {
    group_id: String,
    opt: u32,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn set_group_recv_opt(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupRecvOptParam = parse("TIMMsgSetGroupReceiveMessageOpt", params)?;
    session.client()?.set_group_receive_message_opt(&param.group_id, param.opt).await?;
    Ok(Outcome::empty())
}

/// The parameters of `TIMMsgSetAllReceiveMessageOpt` (`opt`, `start_hour`, `start_minute`,
/// `start_second`, `duration`) and of `TIMMsgSetAllReceiveMessageOpt2` (`opt`,
/// `start_time_stamp`, `duration`), as TIM's native functions name them.
#[derive(Deserialize)]
struct AllRecvOptParam {
    opt: u32,
    #[serde(default)]
    start_hour: u32,
    #[serde(default)]
    start_minute: u32,
    #[serde(default)]
    start_second: u32,
    #[serde(default)]
    start_time_stamp: u32,
    #[serde(default)]
    duration: u32,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn set_all_recv_opt(session: &Arc<Session>, method: &str, params: &str) -> Result<Outcome, ApiError> {
    let param: AllRecvOptParam = parse(method, params)?;
    let daily = (param.start_hour, param.start_minute, param.start_second);
    if method == "TIMMsgSetAllReceiveMessageOpt" && param.start_time_stamp != 0 {
        return Err(ApiError::invalid_parameter(
            "TIMMsgSetAllReceiveMessageOpt takes a daily start; use TIMMsgSetAllReceiveMessageOpt2 for start_time_stamp",
        ));
    }
    if method == "TIMMsgSetAllReceiveMessageOpt2" && daily != (0, 0, 0) {
        return Err(ApiError::invalid_parameter(
            "TIMMsgSetAllReceiveMessageOpt2 takes start_time_stamp; use TIMMsgSetAllReceiveMessageOpt for a daily start",
        ));
    }
    session.client()?.set_all_receive_message_opt(param.opt, daily, param.start_time_stamp, param.duration).await?;
    Ok(Outcome::empty())
}

/// `json_params` is TIM's `TIMReceiveMessageOptInfo`.
async fn get_all_recv_opt(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let _: UserDataParam = parse("TIMMsgGetAllReceiveMessageOpt", params)?;
    let info = session.client()?.all_receive_message_opt().await?;
    Ok(Outcome::text_and_value(&info))
}
