//! `POST /v4/tincan/set_receipt_privacy`: keeps a user's reads private, or public again (the
//! administrator's override of the user's own setting).

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    #[serde(rename = "UserID")]
    user_id: UserId,
    #[serde(rename = "Private")]
    private: bool,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    engine.set_user_receipt_privacy(caller.sdkappid, &body.user_id, body.private).await?;
    Ok(Empty {})
}
