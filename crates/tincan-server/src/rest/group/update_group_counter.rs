//! `POST /v4/group_open_http_svc/update_group_counter`: sets, increases or decreases counters of
//! a group (`Mode`: `Set`, the default, `Increase` or `Decrease`); answers them with their
//! values now.

use serde::Deserialize;
use tincan_core::group_attributes::CounterMode;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use super::INVALID;
use super::get_group_counter::{Answer, Counter};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "GroupCounter")]
    group_counter: Vec<Counter>,
    #[serde(rename = "Mode", default)]
    mode: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let mode = match body.mode.as_deref() {
        None | Some("" | "Set") => CounterMode::Set,
        Some("Increase") => CounterMode::Increase,
        Some("Decrease") => CounterMode::Decrease,
        Some(other) => return Err(ApiError::new(INVALID, format!("Mode {other:?} is not Set, Increase or Decrease"))),
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let entries: Vec<(String, i64)> =
        body.group_counter.into_iter().map(|counter| (counter.key, counter.value)).collect();
    let changed = engine.change_group_counters(&session, &body.group_id, mode, &entries).await?;
    Ok(Answer { group_counter: changed.into_iter().map(|(key, value)| Counter { key, value }).collect() })
}
