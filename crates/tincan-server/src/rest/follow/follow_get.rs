//! `POST /v4/follow/follow_get`: a page of `From_Account`'s followers (`FollowType` 1),
//! followings (2) or mutual followers (3), newest first, each with its profile's main fields;
//! `NextCursor` names the next page and is `""` after the last.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tincan_engine::Engine;
use tincan_proto::follow::{FollowCursor, FollowList};
use tincan_proto::profile::UserProfile;
use tincan_proto::{ApiError, UserId, limits};

use super::{INVALID, session_of};
use crate::rest::Caller;

/// The profile fields each user of a page carries, besides its custom fields.
const TAGS: [&str; 5] = [
    "Tag_Profile_IM_Nick",
    "Tag_Profile_IM_Image",
    "Tag_Profile_IM_Gender",
    "Tag_Profile_IM_AllowType",
    "Tag_Profile_IM_SelfSignature",
];

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "FollowType")]
    follow_type: u32,
    #[serde(rename = "StartCursor", default)]
    start_cursor: FollowCursor,
    #[serde(rename = "WantNum", default)]
    want_num: Option<u64>,
}

/// One user of the page.
#[derive(Serialize)]
struct Item {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "FollowTime")]
    follow_time: u64,
    #[serde(rename = "ProfileItem")]
    profile_item: Vec<Value>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "FollowItem")]
    follow_item: Vec<Item>,
    #[serde(rename = "NextCursor")]
    next_cursor: String,
}

/// A user's profile as TIM's `{Tag, Value}` items.
fn items_of(profile: &UserProfile) -> Vec<Value> {
    let custom =
        profile.user_profile_custom_string_array.iter().map(|it| it.user_profile_custom_string_info_key.as_str());
    TAGS.into_iter()
        .chain(custom)
        .filter_map(|tag| crate::rest::profile::value_of(profile, tag).map(|value| json!({"Tag": tag, "Value": value})))
        .collect()
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let list = FollowList::from_number(body.follow_type).ok_or_else(|| {
        ApiError::new(INVALID, format!("FollowType {}: 1 (followers), 2 (following) or 3 (mutual)", body.follow_type))
    })?;
    let count = match body.want_num {
        None => limits::FOLLOW_LIST_COUNT_DEFAULT_REST,
        Some(n) if n == 0 || n > limits::FOLLOW_LIST_COUNT_MAX as u64 => {
            return Err(ApiError::new(
                INVALID,
                format!("WantNum {n}: between 1 and {} are allowed", limits::FOLLOW_LIST_COUNT_MAX),
            ));
        }
        Some(n) => n as usize,
    };
    let session = session_of(engine, caller, &body.from_account).await?;
    let (entries, next_cursor) = engine.follow_list(&session, list, &body.start_cursor, count)?;
    let follow_item = entries
        .into_iter()
        .map(|entry| Item {
            to_account: entry.follow_entry_user_profile.user_profile_identifier.clone(),
            follow_time: entry.follow_entry_follow_time,
            profile_item: items_of(&entry.follow_entry_user_profile),
        })
        .collect();
    Ok(Answer { follow_item, next_cursor })
}
