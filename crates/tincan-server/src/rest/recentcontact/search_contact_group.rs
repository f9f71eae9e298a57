//! `POST /v4/recentcontact/search_contact_group`: what a user set on the conversations named
//! (standard marks, custom mark, conversation groups), and the user's conversation groups.
//!
//! A conversation that is not the user's (a peer that is not an account, a group it is not in)
//! is left out of the answer.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::{ContactItem, GroupItem, INVALID, MarkedContact, conversations_of, convs_of, group_items, group_names};
use crate::rest::{Caller, session_as};

/// Conversations in one request, at most (TIM's limit).
const CONTACT_ITEMS_MAX: usize = 300;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    user: UserId,
    #[serde(rename = "ContactItem")]
    contacts: Vec<ContactItem>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ContactResultItem")]
    contacts: Vec<MarkedContact>,
    #[serde(rename = "GroupItem")]
    groups: Vec<GroupItem>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.contacts.is_empty() || body.contacts.len() > CONTACT_ITEMS_MAX {
        return Err(ApiError::new(
            INVALID,
            format!("ContactItem must hold 1 to {CONTACT_ITEMS_MAX} conversations, it holds {}", body.contacts.len()),
        ));
    }
    let convs = convs_of(&body.contacts, "ContactItem")?;
    let session = session_as(engine, caller, Some(&body.user), false, ErrorCode::RECENT_ACCOUNT_NOT_FOUND).await?;
    let names = group_names(engine, &session).await?;
    let infos = conversations_of(engine, &session, &convs).await?;
    Ok(Answer {
        contacts: infos.iter().map(|info| MarkedContact::of(info, &names)).collect(),
        groups: group_items(&names),
    })
}
