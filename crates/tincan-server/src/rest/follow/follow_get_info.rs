//! `POST /v4/follow/follow_get_info`: users' follower, following and mutual counts (at most
//! 20); an account that does not exist is answered with 30003 in its own entry.

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, limits};

use super::{INVALID, session_of};
use crate::rest::{Caller, ResultItem};

/// The request: `From_Account` and the users it is about.
pub(super) type Body = super::Users;

/// One user's counts.
#[derive(Serialize)]
struct Item {
    #[serde(flatten)]
    result: ResultItem,
    #[serde(rename = "FollowerCount")]
    follower_count: u64,
    #[serde(rename = "FollowingCount")]
    following_count: u64,
    #[serde(rename = "MutualFollowingCount")]
    mutual_following_count: u64,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "FollowInfo")]
    follow_info: Vec<Item>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    // The client's call reads the caller's own counts from an empty list; TIM's command names
    // its users.
    if body.to_account.is_empty() {
        return Err(ApiError::new(
            INVALID,
            format!("To_Account is empty; name between 1 and {} users", limits::FOLLOW_USERS_PER_CALL_MAX),
        ));
    }
    let session = session_of(engine, caller, &body.from_account).await?;
    let follow_info = engine
        .follow_info(&session, body.to_account)?
        .into_iter()
        .map(|it| Item {
            result: ResultItem {
                to_account: it.follow_info_user_id,
                result_code: it.follow_info_result_code.0,
                result_info: it.follow_info_result_info,
            },
            follower_count: it.follow_info_followers_count,
            following_count: it.follow_info_followings_count,
            mutual_following_count: it.follow_info_mutual_followers_count,
        })
        .collect();
    Ok(Answer { follow_info })
}
