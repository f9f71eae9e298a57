//! `POST /v4/group_open_http_svc/get_appid_group_list`: the app's groups by ID order, a page
//! from position `Next`; `Next` is 0 on the last page.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, limits};

use super::{group_type_filter, page_limit};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
    #[serde(rename = "Next", default)]
    next: Option<usize>,
    #[serde(rename = "GroupType", default)]
    group_type: Option<String>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "TotalCount")]
    total_count: usize,
    #[serde(rename = "GroupIdList")]
    group_id_list: Vec<ListedGroup>,
    #[serde(rename = "Next")]
    next: usize,
}

#[derive(Serialize)]
struct ListedGroup {
    #[serde(rename = "GroupId")]
    group_id: String,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let limit = page_limit(body.limit, limits::APP_GROUPS_PAGE_MAX_REST)?;
    let start = body.next.unwrap_or(0);
    let group_type = group_type_filter(body.group_type.as_deref())?;
    let ids = engine.app_group_ids(caller.sdkappid, group_type)?;
    let total_count = ids.len();
    let group_id_list: Vec<ListedGroup> =
        ids.into_iter().skip(start).take(limit).map(|group_id| ListedGroup { group_id }).collect();
    let end = start.saturating_add(group_id_list.len());
    let next = if end < total_count { end } else { 0 };
    Ok(Answer { total_count, group_id_list, next })
}
