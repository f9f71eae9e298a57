//! `POST /v4/group_open_http_svc/change_group_owner`: hands a group to one of its members; the
//! former owner becomes an ordinary member, and the members learn of it from a group tips
//! message.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId, UserId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "NewOwner_Account")]
    new_owner: UserId,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.change_group_owner(&session, &body.group_id, body.new_owner).await?;
    Ok(Empty {})
}
