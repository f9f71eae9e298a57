//! `POST /v4/follow/follow_add`: `From_Account` follows users (at most 20), item by item.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use super::{Results, session_of};
use crate::rest::Caller;

/// One user to follow.
#[derive(Deserialize)]
struct Item {
    #[serde(rename = "To_Account")]
    to_account: UserId,
}

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "FollowItem")]
    follow_item: Vec<Item>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Results, ApiError> {
    let session = session_of(engine, caller, &body.from_account).await?;
    let users = body.follow_item.into_iter().map(|item| item.to_account).collect();
    Ok(Results::of(engine.follow_users(&session, users).await?))
}
