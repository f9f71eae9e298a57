//! `POST /v4/openim_msg_ext_http_svc/group_set_key_values`: sets or deletes a group message's
//! extensions (`OperateType` 1, 2 or 3), each key from the `Seq` given.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, ErrorCode, GroupId, Message};

use super::{KeyValue, SetAnswer, operate};
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MsgSeq")]
    seq: u64,
    #[serde(rename = "OperateType")]
    operate_type: u32,
    #[serde(rename = "ExtensionList", default)]
    list: Option<Vec<KeyValue>>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<SetAnswer, ApiError> {
    let session = session_as(engine, caller, None, true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    operate(engine, &session, group_message(&body.group_id, body.seq), body.operate_type, body.list).await
}

/// Message `seq` of the group.
pub(super) fn group_message(group_id: &GroupId, seq: u64) -> Message {
    Message {
        message_conv_id: group_id.as_str().to_owned(),
        message_conv_type: ConvType::GROUP,
        message_seq: seq,
        ..Default::default()
    }
}
