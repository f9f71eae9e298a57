//! `POST /v4/im_open_login_svc/account_import`: creates an account without a login, with the
//! nickname and avatar given (set on an account that exists already too, as TIM does).

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
    nick: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    face_url: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    engine.import_accounts_with_profiles(caller.sdkappid, &[(body.user_id, body.nick, body.face_url)]).await?;
    Ok(Empty {})
}
