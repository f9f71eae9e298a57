//! `POST /v4/group_open_http_svc/send_group_system_notification`: a system notification to a
//! group's members online, or to those of `ToMembers_Account`, as a group report element
//! (`kTIMGroupReport_UserDefine`); not stored.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId, UserId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    /// Empty or absent: every member.
    #[serde(rename = "ToMembers_Account", default)]
    to: Vec<UserId>,
    #[serde(rename = "Content")]
    content: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.send_group_system_notification(&session, &body.group_id, &body.to, &body.content)?;
    Ok(Empty {})
}
