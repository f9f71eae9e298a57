//! `POST /v4/sns/group_delete`: deletes friend groups of `From_Account`; their friends stay.

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
    #[serde(rename = "GroupName")]
    group_name: Vec<String>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "CurrentSequence")]
    current_sequence: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = session_of(engine, caller, &body.from_account).await?;
    engine.delete_friend_groups(&session, body.group_name).await?;
    Ok(Answer { current_sequence: 0 })
}
