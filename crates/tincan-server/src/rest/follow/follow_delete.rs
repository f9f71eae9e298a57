//! `POST /v4/follow/follow_delete`: `From_Account` stops following users (at most 20), item
//! by item.

use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::{Results, session_of};
use crate::rest::Caller;

/// The request: `From_Account` and the users it is about.
pub(super) type Body = super::Users;

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Results, ApiError> {
    let session = session_of(engine, caller, &body.from_account).await?;
    Ok(Results::of(engine.unfollow_users(&session, body.to_account).await?))
}
