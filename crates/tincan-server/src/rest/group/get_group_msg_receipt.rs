//! `POST /v4/group_open_http_svc/get_group_msg_receipt`: read and unread counts of group
//! messages, each with its own `Code` (10062 for a message without receipt information).

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::get_receipts;
use tincan_proto::{ApiError, ErrorCode, GroupId};

use super::{SeqItem, check_seq_list, group_message_ref};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MsgSeqList")]
    seqs: Vec<SeqItem>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupMsgReceiptList")]
    group_msg_receipt_list: Vec<Counts>,
}

#[derive(Serialize)]
struct Counts {
    #[serde(rename = "Code")]
    code: u32,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "ReadNum")]
    read_num: u64,
    #[serde(rename = "UnreadNum")]
    unread_num: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    check_seq_list(&body.seqs)?;
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let mut group_msg_receipt_list = Vec::with_capacity(body.seqs.len());
    for item in &body.seqs {
        let none = |code: ErrorCode| Counts { code: code.0, msg_seq: item.seq, read_num: 0, unread_num: 0 };
        // One message per call, so a message without receipts fails alone with its own Code.
        let request = get_receipts::Request { messages: vec![group_message_ref(&body.group_id, item.seq)] };
        let counts = match engine.call_op(&session, request).await {
            Ok(response) => match response.receipts.first() {
                Some(receipt) => Counts {
                    code: 0,
                    msg_seq: item.seq,
                    read_num: receipt.msg_receipt_read_count,
                    unread_num: receipt.msg_receipt_unread_count,
                },
                None => none(ErrorCode::GROUP_RECEIPT_NOT_FOUND),
            },
            // A group that is not there fails the call, not each message.
            Err(err) if err.code == ErrorCode::GROUP_NOT_FOUND => return Err(err),
            Err(err) => none(err.code),
        };
        group_msg_receipt_list.push(counts);
    }
    Ok(Answer { group_msg_receipt_list })
}
