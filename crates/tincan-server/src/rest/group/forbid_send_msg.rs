//! `POST /v4/group_open_http_svc/forbid_send_msg`: mutes members for a number of seconds, or
//! lifts their mutes with 0, all or none.

use serde::Deserialize;
use tincan_core::group::MemberChange;
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
    #[serde(rename = "ShutUpTime", alias = "MuteTime")]
    shut_up_time: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let change = MemberChange { shutup_seconds: Some(body.shut_up_time), ..MemberChange::default() };
    engine.modify_group_members(&session, &body.group_id, &body.members, &change).await?;
    Ok(Empty {})
}
