//! `POST /v4/sns/friend_get_list`: the fields named by `TagList` of some of `From_Account`'s
//! friends; a user who is not a friend fails in its own item (30001).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::{INVALID, check_users, friend_items, session_of};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "To_Account")]
    to_account: Vec<UserId>,
    #[serde(rename = "TagList")]
    tag_list: Vec<String>,
}

/// One user's answer.
#[derive(Serialize)]
pub(super) struct Item {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "SnsProfileItem")]
    sns_profile_item: Vec<Value>,
    #[serde(rename = "ResultCode")]
    result_code: u32,
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "InfoItem")]
    info_item: Vec<Item>,
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    check_users("To_Account", body.to_account.len())?;
    if body.tag_list.is_empty() {
        return Err(ApiError::new(INVALID, "TagList is empty; name the friend fields to read"));
    }
    let session = session_of(engine, caller, &body.from_account).await?;
    let mut fail_account = Vec::new();
    let info_item = engine
        .friend_entries(&session, &body.to_account)
        .into_iter()
        .zip(&body.to_account)
        .map(|(entry, user)| match entry {
            Some(friend) => Item {
                to_account: user.as_str().to_owned(),
                sns_profile_item: friend_items(&friend, Some(&body.tag_list)),
                result_code: 0,
                result_info: String::new(),
            },
            None => {
                fail_account.push(user.as_str().to_owned());
                Item {
                    to_account: user.as_str().to_owned(),
                    sns_profile_item: Vec::new(),
                    result_code: ErrorCode::FRIEND_INVALID_PARAMETERS.0,
                    result_info: format!("{user} is not a friend of {}", body.from_account),
                }
            }
        })
        .collect();
    Ok(Answer { info_item, fail_account })
}
