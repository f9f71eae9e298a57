//! `POST /v4/group_open_attr_http_svc/get_group_attr`: every custom attribute of a group.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
}

/// One attribute, with TIM's lower-case keys.
#[derive(Serialize)]
pub(super) struct Attribute {
    key: String,
    value: String,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupAttrAry")]
    group_attr_ary: Vec<Attribute>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let attributes = engine.group_attributes(&session, &body.group_id, &[])?;
    Ok(Answer { group_attr_ary: attributes.into_iter().map(|(key, value)| Attribute { key, value }).collect() })
}
