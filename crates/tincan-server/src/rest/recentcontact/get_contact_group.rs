//! `POST /v4/recentcontact/get_contact_group`: a page of a user's conversations with standard
//! marks, a custom mark or conversation groups (hidden ones included), with what is set on each,
//! and the user's conversation groups.
//!
//! The conversations are in the order of their conversation IDs; `StartIndex` is where the page
//! starts, and the answer's `NextStartIndex` where the next does (0 with `CompleteFlag` 1 on the
//! last).

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::{GroupItem, MarkedContact, conversations_of, group_items, group_names};
use crate::rest::{Caller, session_as};

/// Conversations in one page.
const PAGE: usize = 100;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    user: UserId,
    #[serde(rename = "StartIndex", default)]
    start_index: u64,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ContactItem")]
    contacts: Vec<MarkedContact>,
    #[serde(rename = "GroupItem")]
    groups: Vec<GroupItem>,
    #[serde(rename = "CompleteFlag")]
    complete_flag: u32,
    #[serde(rename = "NextStartIndex")]
    next_start_index: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = session_as(engine, caller, Some(&body.user), false, ErrorCode::RECENT_ACCOUNT_NOT_FOUND).await?;
    let names = group_names(engine, &session).await?;
    let convs = engine.conversations_with_settings(&session);
    let start = usize::try_from(body.start_index).unwrap_or(usize::MAX).min(convs.len());
    let end = start.saturating_add(PAGE).min(convs.len());
    let infos = conversations_of(engine, &session, &convs[start..end]).await?;
    let complete = end >= convs.len();
    Ok(Answer {
        contacts: infos.iter().map(|info| MarkedContact::of(info, &names)).collect(),
        groups: group_items(&names),
        complete_flag: u32::from(complete),
        next_start_index: if complete { 0 } else { end as u64 },
    })
}
