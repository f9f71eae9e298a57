//! `POST /v4/group_open_http_svc/get_group_counter`: a group's counters, those named or every
//! one.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "GroupCounterKeys", default)]
    group_counter_keys: Vec<String>,
}

/// One counter.
#[derive(Serialize, Deserialize)]
pub(super) struct Counter {
    #[serde(rename = "Key")]
    pub(super) key: String,
    #[serde(rename = "Value")]
    pub(super) value: i64,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupCounter")]
    pub(super) group_counter: Vec<Counter>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let counters = engine.group_counters(&session, &body.group_id, &body.group_counter_keys)?;
    Ok(Answer { group_counter: counters.into_iter().map(|(key, value)| Counter { key, value }).collect() })
}
