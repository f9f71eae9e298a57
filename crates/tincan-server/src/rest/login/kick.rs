//! `POST /v4/im_open_login_svc/kick`: logs every device of an account out.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "UserID", alias = "Identifier")]
    user_id: UserId,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    engine.kick_user(caller.sdkappid, &body.user_id);
    Ok(Empty {})
}
