//! `POST /v4/group_open_http_svc/delete_group_member`: removes members.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::api::delete_group_members;
use tincan_proto::{ApiError, GroupId, UserId};

use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MemberToDel_Account")]
    members: Vec<UserId>,
    #[serde(rename = "Silence", default)]
    _silence: Option<u32>,
    #[serde(rename = "Reason", default)]
    _reason: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let request = delete_group_members::Request {
        group_delete_member_param_group_id: body.group_id,
        group_delete_member_param_identifier_array: body.members,
        group_delete_member_param_user_data: String::new(),
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.call_op(&session, request).await?;
    Ok(Empty {})
}
