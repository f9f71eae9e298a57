//! `POST /v4/openim/batchsendmsg`: sends one C2C message to each of up to 500 receivers; a
//! receiver it cannot reach, an entry that is not an identifier included, is answered in
//! `ErrorList` with its code.

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{AccountFailed, SendBody, msg_key, prepare_send, send_to};
use crate::rest::Caller;

/// The request: the message keys of [`SendBody`] to a list of `To_Account`s.
pub(super) type Body = SendBody<Vec<ListedId<UserId>>>;

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    /// The key of the last message sent (`""` if none was).
    #[serde(rename = "MsgKey")]
    msg_key: String,
    /// The receivers the message did not reach.
    #[serde(rename = "ErrorList")]
    error_list: Vec<AccountFailed>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, mut body: Body) -> Result<Answer, ApiError> {
    let targets = body.take_to()?;
    if targets.is_empty() {
        return Err(ApiError::new(ErrorCode::OPENIM_TO_ACCOUNT_MISSING, "To_Account is empty"));
    }
    if targets.len() > limits::BATCH_SEND_TARGETS_MAX_REST {
        return Err(ApiError::new(
            ErrorCode::OPENIM_TOO_MANY_TARGETS,
            format!(
                "To_Account has {} receivers; at most {} are allowed",
                targets.len(),
                limits::BATCH_SEND_TARGETS_MAX_REST
            ),
        ));
    }
    let (session, message) = prepare_send(engine, caller, body).await?;
    let mut error_list = Vec::new();
    let mut key = String::new();
    for (index, to) in targets.iter().enumerate() {
        // One message per receiver, each with its own ID: the randoms count up from MsgRandom.
        let mut message = message.clone();
        message.message_rand = (message.message_rand + index as u64) & u64::from(u32::MAX);
        let sent = match to.valid() {
            Ok(to) => send_to(engine, &session, to, message).await,
            Err(error) => Err(error.clone()),
        };
        match sent {
            Ok(sent) => key = msg_key(&sent),
            Err(err) => error_list.push(AccountFailed { to_account: to.as_str().to_owned(), error_code: err.code.0 }),
        }
    }
    Ok(Answer { msg_key: key, error_list })
}
