//! `POST /v4/group_open_http_svc/ban_group_member`: bans users from a group for `Duration`
//! seconds; members among them are removed, and none may join or be added until the ban ends.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId, UserId};

use super::INVALID;
use crate::rest::{Caller, Empty};

/// Bytes of a ban's `Description`, at most (TIM: 1,000).
const DESCRIPTION_BYTES_MAX: usize = 1_000;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Members_Account")]
    members: Vec<UserId>,
    #[serde(rename = "Duration")]
    duration: u64,
    #[serde(rename = "Description", default)]
    description: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    if body.description.len() > DESCRIPTION_BYTES_MAX {
        return Err(ApiError::new(
            INVALID,
            format!("Description has {} bytes; at most {DESCRIPTION_BYTES_MAX} are allowed", body.description.len()),
        ));
    }
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.ban_group_members(&session, &body.group_id, &body.members, body.duration).await?;
    Ok(Empty {})
}
