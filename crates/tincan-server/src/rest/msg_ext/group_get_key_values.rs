//! `POST /v4/openim_msg_ext_http_svc/group_get_key_values`: a group message's extensions.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::api::get_message_extensions;
use tincan_proto::{ApiError, ErrorCode, GroupId};

use super::group_set_key_values::group_message;
use super::{GetAnswer, get_answer};
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MsgSeq")]
    seq: u64,
    #[serde(rename = "StartSeq", default)]
    start_seq: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<GetAnswer, ApiError> {
    let session = session_as(engine, caller, None, true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    let message = group_message(&body.group_id, body.seq);
    let extensions = engine.call_op(&session, get_message_extensions::Request { message }).await?.extensions;
    Ok(get_answer(extensions, body.start_seq))
}
