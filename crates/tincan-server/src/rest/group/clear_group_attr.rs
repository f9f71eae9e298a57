//! `POST /v4/group_open_http_svc/clear_group_attr`: deletes every custom attribute of a group.

use serde::Deserialize;
use tincan_core::group_attributes::AttributeChange;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.change_group_attributes(&session, &body.group_id, AttributeChange::Init(&[])).await?;
    Ok(Empty {})
}
