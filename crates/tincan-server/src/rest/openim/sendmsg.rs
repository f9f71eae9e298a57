//! `POST /v4/openim/sendmsg`: sends a C2C message, from `From_Account` or the administrator.

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use super::{SendBody, msg_key, prepare_send, send_to};
use crate::rest::Caller;

/// The request: the message keys of [`SendBody`] to one `To_Account`.
pub(super) type Body = SendBody<UserId>;

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "MsgTime")]
    msg_time: u64,
    #[serde(rename = "MsgKey")]
    msg_key: String,
    #[serde(rename = "MsgId")]
    msg_id: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, mut body: Body) -> Result<Answer, ApiError> {
    let to = body.take_to()?;
    let (session, message) = prepare_send(engine, caller, body).await?;
    let sent = send_to(engine, &session, &to, message).await?;
    Ok(Answer { msg_time: sent.message_server_time, msg_key: msg_key(&sent), msg_id: sent.message_msg_id })
}
