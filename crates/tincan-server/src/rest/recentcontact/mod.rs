//! `recentcontact`: a user's conversation list, as the administrator reads and changes it. The
//! changes are the user's own, made through the same operations as its devices', and reach
//! every device of the user.
//!
//! The conversation group and mark commands (`*_contact_group`, `mark_contact`) name a
//! conversation as TIM's `ContactItem` (`Type` 1 with `To_Account`, 2 with `ToGroupId`) and a
//! conversation group by its name; TIM's numeric `GroupId` of a conversation group is its place
//! in the user's groups in the order created, from 1.

mod create_contact_group;
mod del_contact_group;
mod delete;
mod get_contact_group;
mod get_list;
mod mark_contact;
mod search_contact_group;
mod update_contact_group;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tincan_engine::{Engine, Session};
use tincan_proto::api::{get_conv_groups, get_conversations};
use tincan_proto::conv_manage::ConversationId;
use tincan_proto::enums::ConvType;
use tincan_proto::ids::{ListedId, blank_as_none};
use tincan_proto::objects::{ConvInfo, ConversationOperationResult};
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, UserId, limits};

use super::{Caller, answer, body_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::RECENT_INVALID_PARAMETERS;

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "get_list" => answer(get_list::handle(engine, caller, body_as(body, INVALID)?).await),
        "delete" => answer(delete::handle(engine, caller, body_as(body, INVALID)?).await),
        "mark_contact" => answer(mark_contact::handle(engine, caller, body_as(body, INVALID)?).await),
        "create_contact_group" => answer(create_contact_group::handle(engine, caller, body_as(body, INVALID)?).await),
        "del_contact_group" => answer(del_contact_group::handle(engine, caller, body_as(body, INVALID)?).await),
        "update_contact_group" => answer(update_contact_group::handle(engine, caller, body_as(body, INVALID)?).await),
        "search_contact_group" => answer(search_contact_group::handle(engine, caller, body_as(body, INVALID)?).await),
        "get_contact_group" => answer(get_contact_group::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("recentcontact", command)),
    }
}

/// A conversation named in a request: TIM's `ContactItem`.
#[derive(Deserialize)]
struct ContactItem {
    /// 1 C2C, 2 group.
    #[serde(rename = "Type")]
    conv_type: u32,
    #[serde(rename = "To_Account", default, deserialize_with = "blank_as_none")]
    peer: Option<UserId>,
    #[serde(rename = "ToGroupId", default, deserialize_with = "blank_as_none")]
    group_id: Option<GroupId>,
}

impl ContactItem {
    /// The conversation it names (50002 when its keys do not name one); `key` is where it is in
    /// the request, for the error's text.
    fn conv(&self, key: &str) -> Result<Conv, ApiError> {
        match (self.conv_type, &self.peer, &self.group_id) {
            (1, Some(peer), _) => Ok(Conv::C2c(peer.clone())),
            (2, _, Some(group_id)) => Ok(Conv::Group(group_id.clone())),
            (1, None, _) => Err(ApiError::new(INVALID, format!("{key}: Type 1 (C2C) needs To_Account"))),
            (2, _, None) => Err(ApiError::new(INVALID, format!("{key}: Type 2 (group) needs ToGroupId"))),
            (other, _, _) => Err(ApiError::new(INVALID, format!("{key}: Type {other} is not 1 (C2C) or 2 (group)"))),
        }
    }
}

/// The conversations `items` name, all or none (50002 naming the first that does not).
fn convs_of(items: &[ContactItem], key: &str) -> Result<Vec<Conv>, ApiError> {
    items.iter().enumerate().map(|(index, item)| item.conv(&format!("{key}[{index}]"))).collect()
}

/// A conversation in an answer: TIM's `ContactItem`.
#[derive(Serialize)]
struct Contact {
    /// 1 C2C, 2 group.
    #[serde(rename = "Type")]
    conv_type: u32,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    peer: Option<String>,
    #[serde(rename = "ToGroupId", skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
}

impl Contact {
    fn of(conv: &Conv) -> Contact {
        match conv {
            Conv::C2c(peer) => Contact { conv_type: 1, peer: Some(peer.as_str().to_owned()), group_id: None },
            Conv::Group(group_id) => Contact { conv_type: 2, peer: None, group_id: Some(group_id.as_str().to_owned()) },
        }
    }
}

/// A conversation group: TIM's `GroupItem`.
#[derive(Serialize)]
struct GroupItem {
    #[serde(rename = "GroupName")]
    name: String,
    /// Its place in the user's groups in the order created, from 1.
    #[serde(rename = "GroupId")]
    id: u32,
}

/// The `GroupId` of the group `name` among `names`, the user's groups in the order created.
fn group_id_of(names: &[String], name: &str) -> Option<u32> {
    names.iter().position(|other| other == name).and_then(|index| u32::try_from(index + 1).ok())
}

/// Every group of `names` as a `GroupItem`.
fn group_items(names: &[String]) -> Vec<GroupItem> {
    names.iter().map(|name| GroupItem { name: name.clone(), id: group_id_of(names, name).unwrap_or(0) }).collect()
}

/// The session user's conversation groups, in the order created.
async fn group_names(engine: &Engine, session: &Session) -> Result<Vec<String>, ApiError> {
    Ok(engine.call_op(session, get_conv_groups::Request {}).await?.conv_group_array)
}

/// The conversation ID of `conv` as the client operations name it, listed.
fn listed(conv: &Conv) -> ListedId<ConversationId> {
    ListedId::Valid(ConversationId::of(conv.clone()))
}

/// The result code and text of `conv` among `results` (a client operation's answers, one per
/// conversation).
fn outcome_of(results: &[ConversationOperationResult], conv: &Conv) -> (u32, String) {
    let id = ConversationId::of(conv.clone());
    let id = tincan_proto::ids::Identifier::as_str(&id);
    results.iter().find(|result| result.conversation_operation_result_conversation_id == id).map_or_else(
        || (ErrorCode::SDK_INTERNAL_ERROR.0, "the conversation was not answered".to_owned()),
        |result| {
            (result.conversation_operation_result_result_code, result.conversation_operation_result_result_info.clone())
        },
    )
}

/// A conversation with what the user set on it: the `ContactItem` of the answers of
/// `get_contact_group` and `search_contact_group`.
#[derive(Serialize)]
struct MarkedContact {
    #[serde(flatten)]
    contact: Contact,
    /// The standard marks, the 64-bit value written in base 2 (bit 0 last).
    #[serde(rename = "StandardMark", skip_serializing_if = "Option::is_none")]
    standard_mark: Option<String>,
    #[serde(rename = "CustomMark", skip_serializing_if = "Option::is_none")]
    custom_mark: Option<String>,
    /// The `GroupId`s of the conversation groups it is in.
    #[serde(rename = "ContactGroupId", skip_serializing_if = "Option::is_none")]
    group_ids: Option<Vec<u32>>,
    /// The conversation's activity time, in seconds.
    #[serde(rename = "Timestamp")]
    timestamp: u64,
}

impl MarkedContact {
    /// `info` as `names` (the user's groups in the order created) number its groups.
    fn of(info: &ConvInfo, names: &[String]) -> MarkedContact {
        let is_group = info.conv_type == ConvType::GROUP;
        let marks = info.conv_mark_array.iter().fold(0u64, |all, bit| all | bit);
        let group_ids: Vec<u32> =
            info.conv_conversation_group_array.iter().filter_map(|name| group_id_of(names, name)).collect();
        MarkedContact {
            contact: Contact {
                conv_type: if is_group { 2 } else { 1 },
                peer: (!is_group).then(|| info.conv_id.clone()),
                group_id: is_group.then(|| info.conv_id.clone()),
            },
            standard_mark: (marks != 0).then(|| format!("{marks:b}")),
            custom_mark: (!info.conv_custom_data.is_empty()).then(|| info.conv_custom_data.clone()),
            group_ids: (!group_ids.is_empty()).then_some(group_ids),
            timestamp: info.conv_active_time,
        }
    }
}

/// The session user's conversations among `convs` as its devices see them, what it set on them
/// included; a conversation that is not the user's is left out.
async fn conversations_of(engine: &Engine, session: &Session, convs: &[Conv]) -> Result<Vec<ConvInfo>, ApiError> {
    let mut infos = Vec::with_capacity(convs.len());
    for chunk in convs.chunks(limits::CONV_IDS_PER_CALL_MAX) {
        let request = get_conversations::Request {
            json_get_conv_list_param: chunk.iter().cloned().map(get_conversations::ConvItem).collect(),
        };
        infos.extend(engine.call_op(session, request).await?.conversations);
    }
    Ok(infos)
}
