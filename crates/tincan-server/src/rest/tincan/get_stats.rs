//! `POST /v4/tincan/get_stats`: counters for the console's live view.

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::NoBody;
use crate::rest::Caller;

/// The request: nothing.
pub(super) type Body = NoBody;

/// The answer: connections and users online now, messages and receipts since the server
/// started, and the server's clock.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "Connections")]
    connections: i64,
    #[serde(rename = "OnlineUsers")]
    online_users: usize,
    #[serde(rename = "MessagesTotal")]
    messages_total: u64,
    #[serde(rename = "ReceiptsTotal")]
    receipts_total: u64,
    #[serde(rename = "TimeMs")]
    time_ms: u64,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, _body: Body) -> Result<Answer, ApiError> {
    let (connections, online_users, messages_total, receipts_total) = engine.live_counts(caller.sdkappid);
    let time_ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_millis() as u64);
    Ok(Answer { connections, online_users, messages_total, receipts_total, time_ms })
}
