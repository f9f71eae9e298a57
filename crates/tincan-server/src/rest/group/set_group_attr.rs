//! `POST /v4/group_open_http_svc/set_group_attr`: replaces every custom attribute of a group
//! with the ones given (TIM's "reset").

use serde::Deserialize;
use tincan_core::group_attributes::AttributeChange;
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use super::modify_group_attr::{Attribute, pairs};
use crate::rest::{Caller, Empty};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "GroupAttr")]
    group_attr: Vec<Attribute>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let entries = pairs(body.group_attr);
    engine.change_group_attributes(&session, &body.group_id, AttributeChange::Init(&entries)).await?;
    Ok(Empty {})
}
