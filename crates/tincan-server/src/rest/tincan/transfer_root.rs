//! `POST /v4/tincan/transfer_root`: hands the root app's role to another app (the root app's
//! administrator only).

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::AppJson;
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    #[serde(rename = "SdkAppId")]
    sdkappid: u64,
}

/// The answer: the new root app.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "App")]
    app: AppJson,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let app = engine.transfer_root(caller.sdkappid, body.sdkappid).await?;
    Ok(Answer { app: AppJson::from(app) })
}
