//! `POST /v4/group_open_http_svc/modify_group_msg`: the administrator changes a group message's
//! body (and its `CloudCustomData`, when given), named by its seq; the members are told as when
//! the sender modifies it.

use serde::Deserialize;
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::api::modify_message;
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId};

use super::group_message_ref;
use crate::rest::{Caller, Empty, msgbody, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MsgSeq")]
    seq: u64,
    #[serde(rename = "MsgBody")]
    body: Value,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let elems = msgbody::from_rest(&body.body, ErrorCode::GROUP_INVALID_PARAMETERS)?;
    let session = session_as(engine, caller, None, true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    let cloud_custom = match body.cloud_custom_data {
        Some(data) => data,
        None => match engine.message_at(&session, &Conv::Group(body.group_id.clone()), body.seq).await {
            Ok(message) => message.message_cloud_custom_str,
            Err(err) if err.code == ErrorCode::INVALID_PARAMETERS => {
                return Err(ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, err.desc));
            }
            Err(err) => return Err(err),
        },
    };
    let mut message = group_message_ref(&body.group_id, body.seq);
    message.message_elem_array = elems;
    message.message_cloud_custom_str = cloud_custom;
    engine.call_op(&session, modify_message::Request { message }).await.map_err(|err| {
        if err.code == ErrorCode::INVALID_PARAMETERS {
            ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, err.desc)
        } else {
            err
        }
    })?;
    Ok(Empty {})
}
