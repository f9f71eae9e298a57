//! `POST /v4/sns/group_add`: creates friend groups for `From_Account`, with friends in them.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::friend_group_create;
use tincan_proto::{ApiError, UserId};

use super::{ResultItem, Results, session_of};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "GroupName")]
    group_name: Vec<String>,
    #[serde(rename = "To_Account", default)]
    to_account: Vec<UserId>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ResultItem")]
    result_item: Vec<ResultItem>,
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
    #[serde(rename = "CurrentSequence")]
    current_sequence: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = session_of(engine, caller, &body.from_account).await?;
    let request = friend_group_create::Request {
        friendship_create_friend_group_param_name_array: body.group_name,
        friendship_create_friend_group_param_identifier_array: body.to_account,
    };
    let results = Results::of(engine.call_op(&session, request).await?.results);
    Ok(Answer { result_item: results.result_item, fail_account: results.fail_account, current_sequence: 0 })
}
