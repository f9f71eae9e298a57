//! `POST /v4/group_open_http_svc/unban_group_member`: lifts users' bans from a group.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId, UserId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Members_Account")]
    members: Vec<UserId>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.unban_group_members(&session, &body.group_id, &body.members).await?;
    Ok(Empty {})
}
