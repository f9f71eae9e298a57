//! `POST /v4/profile/portrait_get`: users' profile fields by tag; an account that does not
//! exist is answered with 40003 in its own entry.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tincan_engine::Engine;
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{INVALID, unknown_tag, value_of};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "To_Account")]
    to_account: Vec<ListedId<UserId>>,
    #[serde(rename = "TagList")]
    tag_list: Vec<String>,
}

/// One user's answer.
#[derive(Serialize)]
pub(super) struct Item {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ProfileItem")]
    profile_item: Vec<Value>,
    #[serde(rename = "ResultCode")]
    result_code: u32,
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "UserProfileItem")]
    user_profile_item: Vec<Item>,
    #[serde(rename = "ErrorDisplay")]
    error_display: String,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.to_account.is_empty() || body.to_account.len() > limits::PROFILE_USERS_PER_CALL_MAX {
        return Err(ApiError::new(
            INVALID,
            format!(
                "To_Account has {} entries; between 1 and {} are allowed",
                body.to_account.len(),
                limits::PROFILE_USERS_PER_CALL_MAX
            ),
        ));
    }
    if body.tag_list.is_empty() {
        return Err(ApiError::new(INVALID, "TagList is empty; name the profile tags to read"));
    }
    let probe = tincan_proto::profile::UserProfile::default();
    for tag in &body.tag_list {
        if value_of(&probe, tag).is_none() {
            return Err(unknown_tag(tag));
        }
    }
    let valid: Vec<UserId> = body.to_account.iter().filter_map(|it| it.valid().ok().cloned()).collect();
    let mut profiles = engine.profiles(caller.sdkappid, &valid).into_iter();
    let user_profile_item = body
        .to_account
        .iter()
        .map(|account| {
            let (profile, code, info) = match account.valid() {
                Err(err) => (None, err.code.0, err.desc.clone()),
                Ok(user) => match profiles.next().flatten() {
                    Some(profile) => (Some(profile), 0, String::new()),
                    None => (None, ErrorCode::PROFILE_ACCOUNT_NOT_FOUND.0, format!("account {user} does not exist")),
                },
            };
            let profile_item = profile
                .map(|profile| {
                    body.tag_list
                        .iter()
                        .filter_map(|tag| value_of(&profile, tag).map(|value| json!({"Tag": tag, "Value": value})))
                        .collect()
                })
                .unwrap_or_default();
            Item { to_account: account.as_str().to_owned(), profile_item, result_code: code, result_info: info }
        })
        .collect();
    Ok(Answer { user_profile_item, error_display: String::new() })
}
