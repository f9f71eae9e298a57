//! `POST /v4/tincan/usersig`: a UserSig for a user of the app.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use crate::rest::Caller;

/// How long a UserSig lives when `Expire` is left out, in seconds: a day.
const EXPIRE_SECONDS_DEFAULT: u64 = 86_400;

/// The request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    #[serde(rename = "UserID")]
    user_id: UserId,
    /// Seconds the UserSig lives.
    #[serde(rename = "Expire", default)]
    expire: Option<u64>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "UserSig")]
    user_sig: String,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let expire = body.expire.unwrap_or(EXPIRE_SECONDS_DEFAULT);
    Ok(Answer { user_sig: engine.user_sig(caller.sdkappid, &body.user_id, expire)? })
}
