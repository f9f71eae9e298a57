//! `POST /v4/tincan/set_app_config`: changes the app's plan, receipt settings, webhooks and the
//! relationship checks of C2C messages; the change applies at once.

use serde::{Deserialize, Serialize};
use tincan_engine::{AppConfigChange, Engine};
use tincan_proto::ApiError;

use super::AppJson;
use crate::rest::Caller;

/// The request; absent keys stay as they are.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    receipt_group_types: Option<Vec<String>>,
    #[serde(default)]
    receipt_coalesce_window_ms: Option<u32>,
    #[serde(default)]
    receipt_group_members_max: Option<u32>,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    callback_commands: Option<Vec<String>>,
    #[serde(default)]
    c2c_requires_friendship: Option<bool>,
    #[serde(default)]
    blocked_send_fails: Option<bool>,
    revoke_time_limit_secs: Option<u32>,
}

/// The answer: the app after the change.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "App")]
    app: AppJson,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let change = AppConfigChange {
        plan: body.plan,
        receipt_group_types: body.receipt_group_types,
        receipt_coalesce_window_ms: body.receipt_coalesce_window_ms,
        receipt_group_members_max: body.receipt_group_members_max,
        callback_url: body.callback_url,
        callback_commands: body.callback_commands,
        c2c_requires_friendship: body.c2c_requires_friendship,
        blocked_send_fails: body.blocked_send_fails,
        revoke_time_limit_secs: body.revoke_time_limit_secs,
    };
    let app = engine.update_app_config(caller.sdkappid, &change).await?;
    Ok(Answer { app: AppJson::from(app) })
}
