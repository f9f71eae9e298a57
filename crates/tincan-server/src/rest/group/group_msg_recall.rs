//! `POST /v4/group_open_http_svc/group_msg_recall`: the administrator revokes group messages by
//! seq, with no time limit; each is revoked as when a client revokes it, and each has its own
//! result (`RetCode` 0, or TIM's code: 10030 for a message the group does not have).

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::revoke_message;
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, limits};

use super::{SeqItem, check_seq_list, group_message_ref};
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MsgSeqList")]
    seqs: Vec<SeqItem>,
    /// Why (optional); the members see it as `message_revoke_reason`.
    #[serde(rename = "Reason", default)]
    reason: String,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "RecallRetList")]
    results: Vec<RecallResult>,
}

#[derive(Serialize)]
struct RecallResult {
    #[serde(rename = "MsgSeq")]
    seq: u64,
    #[serde(rename = "RetCode")]
    code: u32,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    check_seq_list(&body.seqs)?;
    if body.reason.len() > limits::REVOKE_REASON_BYTES_MAX {
        return Err(ApiError::new(
            ErrorCode::GROUP_INVALID_PARAMETERS,
            format!("Reason is {} bytes; at most {} are allowed", body.reason.len(), limits::REVOKE_REASON_BYTES_MAX),
        ));
    }
    let session = session_as(engine, caller, None, true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    let mut results = Vec::with_capacity(body.seqs.len());
    for item in &body.seqs {
        let request = revoke_message::Request {
            conv: Conv::Group(body.group_id.clone()),
            message: group_message_ref(&body.group_id, item.seq),
            reason: body.reason.clone(),
        };
        match engine.call_op(&session, request).await {
            Ok(_) => results.push(RecallResult { seq: item.seq, code: 0 }),
            // The group itself is wrong: the whole request fails, as TIM's does.
            Err(err) if [ErrorCode::GROUP_NOT_FOUND, ErrorCode::GROUP_INVALID_ID].contains(&err.code) => {
                return Err(err);
            }
            Err(err) => results.push(RecallResult { seq: item.seq, code: err.code.0 }),
        }
    }
    Ok(Answer { results })
}
