//! `POST /v4/group_open_http_svc/delete_group_attr`: deletes the named custom attributes of a
//! group (at least one; `clear_group_attr` deletes them all).

use serde::Deserialize;
use tincan_core::group_attributes::AttributeChange;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use super::INVALID;
use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "GroupAttr")]
    group_attr: Vec<Key>,
}

/// One attribute's key.
#[derive(Deserialize)]
pub(super) struct Key {
    key: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    if body.group_attr.is_empty() {
        return Err(ApiError::new(INVALID, "GroupAttr names no attribute to delete (clear_group_attr deletes all)"));
    }
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let keys: Vec<String> = body.group_attr.into_iter().map(|key| key.key).collect();
    engine.change_group_attributes(&session, &body.group_id, AttributeChange::Delete(&keys)).await?;
    Ok(Empty {})
}
