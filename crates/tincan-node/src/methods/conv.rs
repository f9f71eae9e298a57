//! TIM's conversation-management methods (and `TIMMsgClearHistoryMessage`), with the parameter
//! keys and result shapes of TIM's Electron wrapper for each.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use tincan_proto::ApiError;
use tincan_proto::conv_manage::{ConvListFilter, Draft};
use tincan_proto::enums::ConvType;

use super::Outcome;
use crate::params::parse;
use crate::session::Session;

/// Runs the conversation method `method`, or `None` when it is not one.
pub(crate) async fn call(session: &Arc<Session>, method: &str, params: &str) -> Option<Result<Outcome, ApiError>> {
    Some(match method {
        "TIMConvDelete" => delete(session, params).await,
        "TIMConvDeleteConversationList" => delete_list(session, params).await,
        "TIMConvGetConvInfo" => get_info(session, params).await,
        "TIMConvCreate" => create(session, params).await,
        "TIMMsgClearHistoryMessage" => clear_history(session, params).await,
        "TIMConvSetDraft" => set_draft(session, params).await,
        "TIMConvCancelDraft" => cancel_draft(session, params).await,
        "TIMConvPinConversation" => pin(session, params).await,
        "TIMConvMarkConversation" => mark(session, params).await,
        "TIMConvSetConversationCustomData" => custom_data(session, params).await,
        "TIMConvGetConversationListByFilter" => list_by_filter(session, params).await,
        "TIMConvGetUnreadMessageCountByFilter" => unread_by_filter(session, params).await,
        "TIMConvSubscribeUnreadMessageCountByFilter" => subscribe(session, params, true).await,
        "TIMConvUnsubscribeUnreadMessageCountByFilter" => subscribe(session, params, false).await,
        "TIMConvCreateConversationGroup" => create_group(session, params).await,
        "TIMConvGetConversationGroupList" => group_list(session, params).await,
        "TIMConvDeleteConversationGroup" => delete_group(session, params).await,
        "TIMConvRenameConversationGroup" => rename_group(session, params).await,
        "TIMConvAddConversationsToGroup" => add_to_group(session, params).await,
        "TIMConvDeleteConversationsFromGroup" => remove_from_group(session, params).await,
        _ => return None,
    })
}

/// Success: the JSON text in both `json_param` and `json_params`, as TIM's wrapper gives the
/// native text of these methods.
fn text_twice<T: serde::Serialize>(value: &T) -> Outcome {
    let text = serde_json::to_string(value).unwrap_or_default();
    Outcome { json_param: Value::String(text.clone()), json_params: Some(Value::String(text)), ..Outcome::empty() }
}

/// Success with nothing to report: `""` in both, as TIM's wrapper gives it.
fn empty_twice() -> Outcome {
    Outcome { json_params: Some(Value::String(String::new())), ..Outcome::empty() }
}

/// `convCreate` and `convDelete`: `{convId, convType, userData}`.
#[derive(Deserialize)]
struct ConvParam {
    #[serde(rename = "convId")]
    conv_id: String,
    #[serde(rename = "convType")]
    conv_type: ConvType,
    #[serde(rename = "userData", default)]
    _user_data: Option<String>,
}

async fn delete(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ConvParam = parse("TIMConvDelete", params)?;
    let conv = tincan_proto::Conv::parse(&param.conv_id, param.conv_type)?;
    let conversation_id = tincan_proto::conv::ConvSelector::conversation_id(&conv);
    let client = session.client()?;
    let results = client.delete_conversations(&[&conversation_id], false).await?;
    // One conversation: its own outcome is the call's.
    if let Some(result) = results.into_iter().find(|result| result.conversation_operation_result_result_code != 0) {
        return Err(ApiError::new(
            tincan_proto::ErrorCode(result.conversation_operation_result_result_code),
            result.conversation_operation_result_result_info,
        ));
    }
    Ok(empty_twice())
}

/// `DeleteConvListParam`.
#[derive(Deserialize)]
struct DeleteListParam {
    conversation_id_array: Vec<String>,
    #[serde(rename = "clearMessage", default)]
    clear_message: bool,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn delete_list(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: DeleteListParam = parse("TIMConvDeleteConversationList", params)?;
    let ids: Vec<&str> = param.conversation_id_array.iter().map(String::as_str).collect();
    let client = session.client()?;
    let results = client.delete_conversations(&ids, param.clear_message).await?;
    Ok(Outcome::text_and_value(&results))
}

/// `convGetConvInfo`.
#[derive(Deserialize)]
struct GetInfoParam {
    json_get_conv_list_param: Vec<ConvItem>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

#[derive(Deserialize)]
struct ConvItem {
    get_conversation_list_param_conv_id: String,
    get_conversation_list_param_conv_type: ConvType,
}

async fn get_info(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GetInfoParam = parse("TIMConvGetConvInfo", params)?;
    let convs: Vec<(&str, ConvType)> = param
        .json_get_conv_list_param
        .iter()
        .map(|item| (item.get_conversation_list_param_conv_id.as_str(), item.get_conversation_list_param_conv_type))
        .collect();
    let client = session.client()?;
    let conversations = client.conversations_by_id(&convs).await?;
    // TIM's wrapper puts the parsed array in `json_param` and the text in `json_params` here.
    let parsed = serde_json::to_value(&conversations).unwrap_or(Value::Null);
    Ok(Outcome { json_params: Some(Value::String(parsed.to_string())), json_param: parsed, ..Outcome::empty() })
}

async fn create(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ConvParam = parse("TIMConvCreate", params)?;
    let client = session.client()?;
    let conversation = client.create_conversation(&param.conv_id, param.conv_type).await?;
    Ok(text_twice(&conversation))
}

/// `MsgClearHistoryMessageParams`.
#[derive(Deserialize)]
struct ClearHistoryParam {
    conv_id: String,
    conv_type: ConvType,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn clear_history(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ClearHistoryParam = parse("TIMMsgClearHistoryMessage", params)?;
    let client = session.client()?;
    client.clear_history(&param.conv_id, param.conv_type).await?;
    Ok(empty_twice())
}

/// `convSetDrat` (TIM's spelling).
#[derive(Deserialize)]
struct SetDraftParam {
    #[serde(rename = "convId")]
    conv_id: String,
    #[serde(rename = "convType")]
    conv_type: ConvType,
    #[serde(rename = "draftParam")]
    draft_param: Draft,
}

async fn set_draft(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: SetDraftParam = parse("TIMConvSetDraft", params)?;
    let client = session.client()?;
    client.set_draft(&param.conv_id, param.conv_type, param.draft_param).await?;
    Ok(Outcome::empty())
}

/// `convCancelDraft`.
#[derive(Deserialize)]
struct CancelDraftParam {
    #[serde(rename = "convId")]
    conv_id: String,
    #[serde(rename = "convType")]
    conv_type: ConvType,
}

async fn cancel_draft(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: CancelDraftParam = parse("TIMConvCancelDraft", params)?;
    let client = session.client()?;
    client.cancel_draft(&param.conv_id, param.conv_type).await?;
    Ok(Outcome::empty())
}

/// `convPinConversation`.
#[derive(Deserialize)]
struct PinParam {
    #[serde(rename = "convId")]
    conv_id: String,
    #[serde(rename = "convType")]
    conv_type: ConvType,
    #[serde(rename = "isPinned")]
    is_pinned: bool,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn pin(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: PinParam = parse("TIMConvPinConversation", params)?;
    let client = session.client()?;
    client.pin_conversation(&param.conv_id, param.conv_type, param.is_pinned).await?;
    Ok(empty_twice())
}

/// `MarkConversationParam`.
#[derive(Deserialize)]
struct MarkParam {
    conversation_id_array: Vec<String>,
    mark_type: u64,
    enable_mark: bool,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn mark(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: MarkParam = parse("TIMConvMarkConversation", params)?;
    let ids: Vec<&str> = param.conversation_id_array.iter().map(String::as_str).collect();
    let client = session.client()?;
    let results = client.mark_conversations(&ids, param.mark_type, param.enable_mark).await?;
    Ok(Outcome::text_and_value(&results))
}

/// `setConvCustomDataParam`.
#[derive(Deserialize)]
struct CustomDataParam {
    conversation_id_array: Vec<String>,
    custom_data: String,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn custom_data(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: CustomDataParam = parse("TIMConvSetConversationCustomData", params)?;
    let ids: Vec<&str> = param.conversation_id_array.iter().map(String::as_str).collect();
    let client = session.client()?;
    let results = client.set_conversation_custom_data(&ids, &param.custom_data).await?;
    Ok(Outcome::text_and_value(&results))
}

/// `TIMConversationListFilter`: `{params, user_data}`.
#[derive(Deserialize)]
struct FilterParam {
    params: ConvListFilter,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

/// TIM's wrapper pages by 20 when the app gives no count.
const FILTER_PAGE_DEFAULT: u32 = 20;

async fn list_by_filter(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let mut param: FilterParam = parse("TIMConvGetConversationListByFilter", params)?;
    let with_count: Value = serde_json::from_str(params).unwrap_or(Value::Null);
    if with_count["params"]["conversation_list_filter_count"].is_null() {
        param.params.conversation_list_filter_count = FILTER_PAGE_DEFAULT;
    }
    let client = session.client()?;
    let page = client.conversations_by_filter(param.params).await?;
    Ok(Outcome::text_and_value(&page))
}

async fn unread_by_filter(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: FilterParam = parse("TIMConvGetUnreadMessageCountByFilter", params)?;
    let client = session.client()?;
    let total = client.unread_by_filter(param.params).await?;
    Ok(Outcome::text_and_value(&json!({"conv_get_total_unread_message_count_result_unread_count": total})))
}

async fn subscribe(session: &Arc<Session>, params: &str, on: bool) -> Result<Outcome, ApiError> {
    let method =
        if on { "TIMConvSubscribeUnreadMessageCountByFilter" } else { "TIMConvUnsubscribeUnreadMessageCountByFilter" };
    let param: FilterParam = parse(method, params)?;
    let client = session.client()?;
    if on {
        client.subscribe_unread_by_filter(param.params).await?;
    } else {
        param.params.check()?;
        client.unsubscribe_unread_by_filter(&param.params);
    }
    Ok(Outcome::empty())
}

/// `createConversationGroupParam`, also TIM's parameter of adding and removing conversations.
#[derive(Deserialize)]
struct GroupConvsParam {
    group_name: String,
    conversation_id_array: Vec<String>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn create_group(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupConvsParam = parse("TIMConvCreateConversationGroup", params)?;
    let ids: Vec<&str> = param.conversation_id_array.iter().map(String::as_str).collect();
    let client = session.client()?;
    let results = client.create_conversation_group(&param.group_name, &ids).await?;
    Ok(Outcome::text_and_value(&results))
}

async fn add_to_group(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupConvsParam = parse("TIMConvAddConversationsToGroup", params)?;
    let ids: Vec<&str> = param.conversation_id_array.iter().map(String::as_str).collect();
    let client = session.client()?;
    let results = client.add_conversations_to_group(&param.group_name, &ids).await?;
    Ok(Outcome::text_and_value(&results))
}

async fn remove_from_group(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GroupConvsParam = parse("TIMConvDeleteConversationsFromGroup", params)?;
    let ids: Vec<&str> = param.conversation_id_array.iter().map(String::as_str).collect();
    let client = session.client()?;
    let results = client.delete_conversations_from_group(&param.group_name, &ids).await?;
    Ok(Outcome::text_and_value(&results))
}

/// `getConvGroupList`.
#[derive(Deserialize)]
struct UserDataParam {
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn group_list(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let _: UserDataParam = parse("TIMConvGetConversationGroupList", params)?;
    let client = session.client()?;
    let names = client.conversation_groups().await?;
    let text = serde_json::to_string(&names).unwrap_or_default();
    // TIM's wrapper gives the array's text and `{conv_group_array}` parsed.
    Ok(Outcome {
        json_param: Value::String(text),
        json_params: Some(json!({"conv_group_array": names})),
        ..Outcome::empty()
    })
}

/// `deleteConvGroupParam`.
#[derive(Deserialize)]
struct DeleteGroupParam {
    group_name: String,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn delete_group(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: DeleteGroupParam = parse("TIMConvDeleteConversationGroup", params)?;
    let client = session.client()?;
    client.delete_conversation_group(&param.group_name).await?;
    Ok(empty_twice())
}

/// `renameConvGroupParam`.
#[derive(Deserialize)]
struct RenameGroupParam {
    old_name: String,
    new_name: String,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

async fn rename_group(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: RenameGroupParam = parse("TIMConvRenameConversationGroup", params)?;
    let client = session.client()?;
    client.rename_conversation_group(&param.old_name, &param.new_name).await?;
    Ok(empty_twice())
}
