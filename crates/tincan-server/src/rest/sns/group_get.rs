//! `POST /v4/sns/group_get`: `From_Account`'s friend groups (all, or those named in
//! `GroupName`), with their friends when `NeedFriend` is `Need_Friend_Type_Yes`.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use super::session_of;
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "NeedFriend", default)]
    need_friend: Option<String>,
    #[serde(rename = "GroupName", default)]
    group_name: Vec<String>,
    #[serde(rename = "LastSequence", default)]
    _last_sequence: u64,
}

/// One group.
#[derive(Serialize)]
pub(super) struct Item {
    #[serde(rename = "GroupName")]
    group_name: String,
    #[serde(rename = "FriendNumber")]
    friend_number: u64,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    to_account: Option<Vec<String>>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ResultItem")]
    result_item: Vec<Item>,
    #[serde(rename = "CurrentSequence")]
    current_sequence: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = session_of(engine, caller, &body.from_account).await?;
    let with_friends = body.need_friend.as_deref() == Some("Need_Friend_Type_Yes");
    let result_item = engine
        .friend_groups(&session, &body.group_name)
        .into_iter()
        .map(|group| Item {
            group_name: group.friend_group_info_name,
            friend_number: group.friend_group_info_count,
            to_account: with_friends.then_some(group.friend_group_info_identifier_array),
        })
        .collect();
    Ok(Answer { result_item, current_sequence: 0 })
}
