//! `POST /v4/group_open_http_svc/modify_group_attr`: sets custom attributes of a group, keeping
//! the others.

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
    #[serde(rename = "GroupAttr")]
    group_attr: Vec<Attribute>,
}

/// One attribute, with TIM's lower-case keys.
#[derive(Deserialize)]
pub(super) struct Attribute {
    key: String,
    #[serde(default)]
    value: String,
}

/// The attributes as keys and values.
pub(super) fn pairs(attributes: Vec<Attribute>) -> Vec<(String, String)> {
    attributes.into_iter().map(|attribute| (attribute.key, attribute.value)).collect()
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let entries = pairs(body.group_attr);
    engine.change_group_attributes(&session, &body.group_id, AttributeChange::Set(&entries)).await?;
    Ok(Empty {})
}
