//! `POST /v4/sns/friend_get`: a page of `From_Account`'s friends with their fields, from
//! `StartIndex`, in the order added.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use super::{friend_items, session_of};
use crate::rest::Caller;

/// Friends on one page, at most (TIM: 100).
const PAGE_MAX: usize = 100;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "StartIndex", default)]
    start_index: usize,
}

/// One friend.
#[derive(Serialize)]
pub(super) struct Item {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ValueItem")]
    value_item: Vec<Value>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "UserDataItem")]
    user_data_item: Vec<Item>,
    #[serde(rename = "FriendNum")]
    friend_num: usize,
    #[serde(rename = "NextStartIndex")]
    next_start_index: usize,
    #[serde(rename = "CompleteFlag")]
    complete_flag: u32,
    #[serde(rename = "StandardSequence")]
    standard_sequence: u64,
    #[serde(rename = "CustomSequence")]
    custom_sequence: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = session_of(engine, caller, &body.from_account).await?;
    let friends = engine.friend_list(&session);
    let friend_num = friends.len();
    let start = body.start_index.min(friend_num);
    let end = (start + PAGE_MAX).min(friend_num);
    let user_data_item = friends[start..end]
        .iter()
        .map(|friend| Item {
            to_account: friend.friend_profile_identifier.clone(),
            value_item: friend_items(friend, None),
        })
        .collect();
    Ok(Answer {
        user_data_item,
        friend_num,
        next_start_index: if end < friend_num { end } else { 0 },
        complete_flag: u32::from(end >= friend_num),
        standard_sequence: 0,
        custom_sequence: 0,
    })
}
