//! `POST /v4/sns/black_list_get`: a page of the users `From_Account` blocks, in the order
//! blocked, from `StartIndex`, at most `MaxLimited`.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId, limits};

use super::{INVALID, session_of};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "StartIndex", default)]
    start_index: usize,
    #[serde(rename = "MaxLimited")]
    max_limited: usize,
    #[serde(rename = "LastSequence", default)]
    _last_sequence: u64,
}

/// One blocked user.
#[derive(Serialize)]
pub(super) struct Item {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "AddBlackTimeStamp")]
    add_black_time_stamp: u64,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "BlackListItem")]
    black_list_item: Vec<Item>,
    #[serde(rename = "StartIndex")]
    start_index: usize,
    #[serde(rename = "CurruentSequence")]
    current_sequence: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.max_limited == 0 || body.max_limited > limits::BLOCKLIST_MAX {
        return Err(ApiError::new(
            INVALID,
            format!("MaxLimited is {}; between 1 and {} are allowed", body.max_limited, limits::BLOCKLIST_MAX),
        ));
    }
    let session = session_of(engine, caller, &body.from_account).await?;
    let blocked = engine.blocklist(&session);
    let start = body.start_index.min(blocked.len());
    let end = (start + body.max_limited).min(blocked.len());
    let black_list_item = blocked[start..end]
        .iter()
        .map(|entry| Item {
            to_account: entry.friend_profile_identifier.clone(),
            add_black_time_stamp: entry.friend_profile_add_time,
        })
        .collect();
    Ok(Answer { black_list_item, start_index: if end < blocked.len() { end } else { 0 }, current_sequence: 0 })
}
