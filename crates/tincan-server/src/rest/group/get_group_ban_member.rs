//! `POST /v4/group_open_http_svc/get_group_ban_member`: a page of the users banned from a
//! group now, by identifier, with the seconds each ban has left.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use super::page_limit;
use crate::rest::Caller;

/// Largest page (TIM: 100).
const PAGE_MAX: usize = 100;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Offset", default)]
    offset: usize,
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
}

/// One banned user.
#[derive(Serialize)]
struct Banned {
    #[serde(rename = "Member_Account")]
    member_account: String,
    /// Seconds the ban has left.
    #[serde(rename = "Remainder")]
    remainder: u64,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "BannedAccountList")]
    banned_account_list: Vec<Banned>,
    /// The `Offset` of the next page; 0 when this was the last.
    #[serde(rename = "NextOffset")]
    next_offset: usize,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let limit = page_limit(body.limit, PAGE_MAX)?;
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let bans = engine.group_bans(&session, &body.group_id)?;
    let end = body.offset.saturating_add(limit).min(bans.len());
    let page = bans.get(body.offset.min(end)..end).unwrap_or_default();
    let banned_account_list =
        page.iter().map(|(user, left)| Banned { member_account: user.as_str().to_owned(), remainder: *left }).collect();
    Ok(Answer { banned_account_list, next_offset: if end < bans.len() { end } else { 0 } })
}
