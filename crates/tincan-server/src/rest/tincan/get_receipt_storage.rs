//! `POST /v4/tincan/get_receipt_storage`: what a group message's receipt bitmaps take in the
//! store.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, GroupId};

use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "Bytes")]
    bytes: usize,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let stored = engine.receipt_storage_bytes(caller.sdkappid, &body.group_id, body.msg_seq).await?;
    let bytes = stored.ok_or_else(|| {
        ApiError::new(
            ErrorCode::GROUP_RECEIPT_NOT_FOUND,
            format!("message seq {} has no receipt information", body.msg_seq),
        )
    })?;
    Ok(Answer { bytes })
}
