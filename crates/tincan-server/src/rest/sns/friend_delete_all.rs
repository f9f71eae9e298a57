//! `POST /v4/sns/friend_delete_all`: deletes every friend of `From_Account`, from its list
//! only or from both (`DeleteType`).

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
    #[serde(rename = "DeleteType", default)]
    delete_type: Option<String>,
}

/// The answer: nothing beyond the envelope.
#[derive(Serialize)]
pub(super) struct Answer {}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let both = super::friend_delete::both(body.delete_type.as_deref())?;
    let session = session_of(engine, caller, &body.from_account).await?;
    engine.delete_friends(&session, None, both).await?;
    Ok(Answer {})
}
