//! `POST /v4/openim/admin_set_msg_read`: marks a C2C conversation read for `Report_Account`,
//! up to `MsgReadTime` (default: now).

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::api::{get_message_list, report_read};
use tincan_proto::conv::ConvScope;
use tincan_proto::{ApiError, Conv, ErrorCode, UserId};

use crate::rest::{Caller, Empty, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "Report_Account")]
    reader: UserId,
    #[serde(rename = "Peer_Account")]
    peer: UserId,
    #[serde(rename = "MsgReadTime", default)]
    read_time: Option<u64>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = session_as(engine, caller, Some(&body.reader), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let conv = Conv::C2c(body.peer);
    let up_to = match body.read_time {
        None | Some(0) => None,
        Some(read_time) => {
            // The newest message at or before the time.
            let request = get_message_list::Request {
                conv: conv.clone(),
                params: get_message_list::GetMsgListParams {
                    msg_getmsglist_param_count: 1,
                    msg_getmsglist_param_time_begin: 1,
                    msg_getmsglist_param_time_period: read_time.saturating_sub(1).max(1),
                    ..Default::default()
                },
            };
            let newest = engine.call_op(&session, request).await?.messages.into_iter().max_by_key(|it| it.message_seq);
            match newest {
                Some(message) => Some(message),
                None => return Ok(Empty {}),
            }
        }
    };
    let request = report_read::Request { scope: ConvScope::One(conv), message: up_to };
    engine.call_op(&session, request).await?;
    Ok(Empty {})
}
