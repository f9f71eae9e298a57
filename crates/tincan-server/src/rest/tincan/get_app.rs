//! `POST /v4/tincan/get_app`: the caller's app.

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
    #[serde(rename = "App")]
    app: Option<AppJson>,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, _body: Body) -> Result<Answer, ApiError> {
    Ok(Answer { app: engine.app_info(caller.sdkappid).map(AppJson::from) })
}
