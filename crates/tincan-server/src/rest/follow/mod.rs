//! `follow`: follows, TIM's 5 commands: following and unfollowing users, checking the
//! relationship with users, a page of a user's followers, followings or mutual followers, and
//! users' counts.
//!
//! Every command acts as its `From_Account` (which must exist, 30003) through the same engine
//! calls as the client protocol, so that the rules, the pushes to both sides' devices and the
//! `Follow.*` webhooks are the same. Lists of users are answered item by item, as TIM answers
//! them.

mod follow_add;
mod follow_check;
mod follow_delete;
mod follow_get;
mod follow_get_info;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tincan_engine::{Engine, Session};
use tincan_proto::follow::FollowResult;
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::{Caller, ResultItem, answer, body_as, session_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::FRIEND_INVALID_PARAMETERS;

/// TIM's `follow` commands.
pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "follow_add" => answer(follow_add::handle(engine, caller, body_as(body, INVALID)?).await),
        "follow_delete" => answer(follow_delete::handle(engine, caller, body_as(body, INVALID)?).await),
        "follow_check" => answer(follow_check::handle(engine, caller, body_as(body, INVALID)?).await),
        "follow_get" => answer(follow_get::handle(engine, caller, body_as(body, INVALID)?).await),
        "follow_get_info" => answer(follow_get_info::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("follow", command)),
    }
}

/// A request naming `From_Account` and the users it is about (`To_Account`).
#[derive(Deserialize)]
pub(super) struct Users {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "To_Account")]
    to_account: Vec<UserId>,
}

/// A session acting as `From_Account`.
async fn session_of(engine: &Engine, caller: &Caller, from: &UserId) -> Result<Session, ApiError> {
    session_as(engine, caller, Some(from), false, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND).await
}

/// A follow's or an unfollow's results, item by item.
#[derive(Serialize)]
struct Results {
    #[serde(rename = "ResultItem")]
    result_item: Vec<ResultItem>,
}

impl Results {
    fn of(results: Vec<FollowResult>) -> Results {
        let result_item = results
            .into_iter()
            .map(|it| ResultItem {
                to_account: it.follow_operation_result_user_id,
                result_code: it.follow_operation_result_code.0,
                result_info: it.follow_operation_result_info,
            })
            .collect();
        Results { result_item }
    }
}
