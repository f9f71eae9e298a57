//! `POST /v4/sns/black_list_delete`: `From_Account` unblocks users.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use super::{Results, check_users, session_of};
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
    check_users("To_Account", body.to_account.len())?;
    let session = session_of(engine, caller, &body.from_account).await?;
    Ok(Results::of(engine.unblock_users(&session, body.to_account).await?))
}
