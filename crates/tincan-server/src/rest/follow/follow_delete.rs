//! `POST /v4/follow/follow_delete`: `From_Account` stops following users (at most 20), item
//! by item.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use super::{Results, session_of};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "To_Account")]
    to_account: Vec<UserId>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Results, ApiError> {
    let session = session_of(engine, caller, &body.from_account).await?;
    Ok(Results::of(engine.unfollow_users(&session, body.to_account).await?))
}
