//! `POST /v4/group_open_http_svc/group_msg_receipt`: a member sends read receipts, with exactly
//! the rules and pushes of a client's `msg_send_receipts`.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::api::send_receipts;
use tincan_proto::{ApiError, ErrorCode, GroupId, UserId};

use super::{SeqItem, check_seq_list, group_message_ref};
use crate::rest::{Caller, Empty, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Member_Account", alias = "From_Account", alias = "Operator_Account")]
    reader: UserId,
    #[serde(rename = "MsgSeqList")]
    seqs: Vec<SeqItem>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    check_seq_list(&body.seqs)?;
    // The reader sends the receipts with its own rights: it must be a member who could see them.
    let session = session_as(engine, caller, Some(&body.reader), false, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    let messages = body.seqs.iter().map(|item| group_message_ref(&body.group_id, item.seq)).collect();
    engine.call_op(&session, send_receipts::Request { messages }).await?;
    Ok(Empty {})
}
