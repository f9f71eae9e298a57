//! `POST /v4/group_open_http_svc/delete_group_counter`: deletes counters of a group, those
//! named or, with none named, every one.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "GroupCounterKeys", default)]
    group_counter_keys: Vec<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.delete_group_counters(&session, &body.group_id, &body.group_counter_keys).await?;
    Ok(Empty {})
}
