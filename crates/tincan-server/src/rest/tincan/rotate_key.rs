//! `POST /v4/tincan/rotate_key`: gives the app a new secret key, written to its key file; every
//! UserSig made with the old key stops working.

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::NoBody;
use crate::rest::Caller;

/// The request: nothing.
pub(super) type Body = NoBody;

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    /// Where the new key was written.
    #[serde(rename = "KeyFile")]
    key_file: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, _body: Body) -> Result<Answer, ApiError> {
    let key_file = engine.rotate_key(caller.sdkappid).await?;
    Ok(Answer { key_file: key_file.display().to_string() })
}
