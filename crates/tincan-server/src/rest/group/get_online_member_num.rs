//! `POST /v4/group_open_http_svc/get_online_member_num`: how many members have a device online
//! (TIM answers it for AVChatRoom groups; tincan for every type).

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

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "OnlineMemberNum")]
    online_member_num: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    Ok(Answer { online_member_num: engine.group_online_count(&session, &body.group_id)? })
}
