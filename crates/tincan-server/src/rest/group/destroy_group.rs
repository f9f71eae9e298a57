//! `POST /v4/group_open_http_svc/destroy_group`: dismisses a group.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::api::delete_group;
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
    engine.call_op(&session, delete_group::Request { group_id: body.group_id }).await?;
    Ok(Empty {})
}
