//! `POST /v4/tincan/list_apps`: every app, the root app first (the root app's administrator
//! only).

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::{AppJson, NoBody};
use crate::rest::Caller;

/// The request: nothing.
pub(super) type Body = NoBody;

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "Apps")]
    apps: Vec<AppJson>,
}

pub(super) fn handle(engine: &Engine, _caller: &Caller, _body: Body) -> Result<Answer, ApiError> {
    Ok(Answer { apps: engine.apps().into_iter().map(AppJson::from).collect() })
}
