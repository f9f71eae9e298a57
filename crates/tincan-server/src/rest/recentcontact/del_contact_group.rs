//! `POST /v4/recentcontact/del_contact_group`: deletes one conversation group of a user (its
//! conversations stay in the list), as the user's own `conv_group_delete` does, on every device
//! of the user.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::delete_conv_group;
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::{GroupItem, INVALID, group_id_of, group_names};
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    user: UserId,
    /// The group to delete (TIM takes one per request).
    #[serde(rename = "GroupName")]
    names: Vec<String>,
}

/// The answer: the group deleted, with the `GroupId` it had.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupItem")]
    groups: Vec<GroupItem>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let [name] = <[String; 1]>::try_from(body.names).map_err(|names| {
        ApiError::new(INVALID, format!("GroupName must hold one conversation group, it holds {}", names.len()))
    })?;
    let session = session_as(engine, caller, Some(&body.user), false, ErrorCode::RECENT_ACCOUNT_NOT_FOUND).await?;
    let id = group_id_of(&group_names(engine, &session).await?, &name).unwrap_or(0);
    engine.call_op(&session, delete_conv_group::Request { group_name: name.clone() }).await?;
    Ok(Answer { groups: vec![GroupItem { name, id }] })
}
