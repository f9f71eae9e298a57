//! `POST /v4/recentcontact/delete`: deletes a conversation from a user's list, with the user's
//! history of it when `ClearRamble` is 1; as the user's own `conv_delete` does, on every device
//! of the user, and the peer's copy untouched.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::delete_conversations;
use tincan_proto::conv_manage::ConversationId;
use tincan_proto::ids::{ListedId, blank_as_none};
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, UserId};

use super::INVALID;
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    user: UserId,
    /// 1 C2C, 2 group.
    #[serde(rename = "Type")]
    conv_type: u32,
    #[serde(rename = "To_Account", default, deserialize_with = "blank_as_none")]
    peer: Option<UserId>,
    #[serde(rename = "ToGroupid", default, deserialize_with = "blank_as_none")]
    group_id: Option<GroupId>,
    #[serde(rename = "ClearRamble", default)]
    clear_ramble: u32,
}

/// The answer: the envelope only.
#[derive(Serialize)]
pub(super) struct Answer {}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let conv = match (body.conv_type, body.peer, body.group_id) {
        (1, Some(peer), _) => Conv::C2c(peer),
        (2, _, Some(group_id)) => Conv::Group(group_id),
        (1, None, _) => return Err(ApiError::new(INVALID, "Type 1 (C2C) needs To_Account")),
        (2, _, None) => return Err(ApiError::new(INVALID, "Type 2 (group) needs ToGroupid")),
        (other, _, _) => {
            return Err(ApiError::new(INVALID, format!("Type {other} is not 1 (C2C) or 2 (group)")));
        }
    };
    let session = session_as(engine, caller, Some(&body.user), false, ErrorCode::RECENT_ACCOUNT_NOT_FOUND).await?;
    let request = delete_conversations::Request {
        conversation_id_array: vec![ListedId::Valid(ConversationId::of(conv))],
        clear_message: body.clear_ramble == 1,
    };
    let results = engine.call_op(&session, request).await?.results;
    match results.into_iter().find(|result| result.conversation_operation_result_result_code != 0) {
        Some(failed) => Err(ApiError::new(
            ErrorCode(failed.conversation_operation_result_result_code),
            failed.conversation_operation_result_result_info,
        )),
        None => Ok(Answer {}),
    }
}
