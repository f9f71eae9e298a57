//! `POST /v4/follow/follow_check`: `From_Account`'s follow relationship with users (at most
//! 100): `FollowType` 0 neither follows the other, 1 the user follows `From_Account`, 2
//! `From_Account` follows the user, 3 both.

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::session_of;
use crate::rest::{Caller, ResultItem};

/// The request: `From_Account` and the users it is about.
pub(super) type Body = super::Users;

/// One user's relationship: the user's result and its `FollowType`.
#[derive(Serialize)]
struct Item {
    #[serde(flatten)]
    result: ResultItem,
    #[serde(rename = "FollowType")]
    follow_type: u32,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ResultItem")]
    result_item: Vec<Item>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = session_of(engine, caller, &body.from_account).await?;
    let result_item = engine
        .check_follow(&session, body.to_account)?
        .into_iter()
        .map(|it| Item {
            result: ResultItem {
                to_account: it.follow_type_check_result_user_id,
                result_code: it.follow_type_check_result_code.0,
                result_info: it.follow_type_check_result_info,
            },
            follow_type: it.follow_type_check_result_follow_type,
        })
        .collect();
    Ok(Answer { result_item })
}
