//! `POST /v4/openim_msg_ext_http_svc/get_key_values`: a C2C message's extensions.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::api::get_message_extensions;
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::set_key_values::c2c_message;
use super::{GetAnswer, get_answer};
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from: UserId,
    #[serde(rename = "To_Account")]
    to: UserId,
    #[serde(rename = "MsgKey")]
    key: String,
    #[serde(rename = "StartSeq", default)]
    start_seq: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<GetAnswer, ApiError> {
    let message = c2c_message(&body.to, &body.key)?;
    let session = session_as(engine, caller, Some(&body.from), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let extensions = engine.call_op(&session, get_message_extensions::Request { message }).await?.extensions;
    Ok(get_answer(extensions, body.start_seq))
}
