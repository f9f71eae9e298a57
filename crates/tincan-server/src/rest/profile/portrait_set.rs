//! `POST /v4/profile/portrait_set`: sets a user's profile fields by tag, as the administrator;
//! the user's devices and subscribers are told, as for the user's own change.

use serde::Deserialize;
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::profile::ProfileChange;
use tincan_proto::{ApiError, UserId};

use super::{INVALID, add_item};
use crate::rest::{Caller, Empty};

/// One item.
#[derive(Deserialize)]
pub(super) struct Item {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "ProfileItem")]
    profile_item: Vec<Item>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    if body.profile_item.is_empty() {
        return Err(ApiError::new(INVALID, "ProfileItem is empty; give the tags and values to set"));
    }
    let mut change = ProfileChange::default();
    for item in &body.profile_item {
        add_item(&mut change, &item.tag, &item.value)?;
    }
    engine.set_profile(caller.sdkappid, &body.from_account, change).await?;
    Ok(Empty {})
}
