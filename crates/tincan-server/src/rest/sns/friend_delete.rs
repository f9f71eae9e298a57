//! `POST /v4/sns/friend_delete`: deletes friends of `From_Account`, from its list only or
//! from both (`DeleteType`).

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use super::{INVALID, Results, check_users, session_of};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "To_Account")]
    to_account: Vec<UserId>,
    #[serde(rename = "DeleteType", default)]
    delete_type: Option<String>,
}

/// `Delete_Type_Both` (the default) or `Delete_Type_Single`.
pub(super) fn both(delete_type: Option<&str>) -> Result<bool, ApiError> {
    match delete_type {
        None | Some("Delete_Type_Both") => Ok(true),
        Some("Delete_Type_Single") => Ok(false),
        Some(other) => {
            Err(ApiError::new(INVALID, format!("DeleteType {other:?}: Delete_Type_Single or Delete_Type_Both")))
        }
    }
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Results, ApiError> {
    check_users("To_Account", body.to_account.len())?;
    let both = both(body.delete_type.as_deref())?;
    let session = session_of(engine, caller, &body.from_account).await?;
    Ok(Results::of(engine.delete_friends(&session, Some(body.to_account), both).await?))
}
