//! `POST /v4/im_open_login_svc/account_import`: creates an account without a login.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "UserID", alias = "Identifier")]
    user_id: UserId,
    #[serde(rename = "Nick", default)]
    _nick: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    _face_url: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    engine.import_accounts(caller.sdkappid, &[body.user_id]).await?;
    Ok(Empty {})
}
