//! `POST /v4/tincan/create_app`: creates an app (the root app's administrator only).

use serde::{Deserialize, Serialize};
use tincan_core::config::Plan;
use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::AppJson;
use crate::rest::Caller;

/// The request: both keys may be left out (the SDKAppID is then chosen by the server, and the
/// plan is `Ultimate`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    #[serde(rename = "SdkAppId", default)]
    sdkappid: Option<u64>,
    #[serde(rename = "Plan", default)]
    plan: Option<String>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "App")]
    app: AppJson,
    /// Where the new app's key was written.
    #[serde(rename = "KeyFile")]
    key_file: String,
}

pub(super) async fn handle(engine: &Engine, _caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let plan = match body.plan.as_deref() {
        None => Plan::Ultimate,
        Some(name) => Plan::parse(name)
            .ok_or_else(|| ApiError::invalid_parameter(format!("plan {name:?} is not Standard, Pro or Ultimate")))?,
    };
    let app = engine.create_app(body.sdkappid, None, plan).await?;
    let key_file = engine.key_file(app.sdkappid);
    Ok(Answer { app: AppJson::from(app), key_file: key_file.display().to_string() })
}
