//! `POST /v4/tincan/list_accounts`: a page of the app's accounts whose identifiers start with
//! `Prefix`, in identifier order, after `Cursor`.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, limits};

use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    #[serde(rename = "Prefix", default)]
    prefix: String,
    /// The last account of the previous page (`""` for the first).
    #[serde(rename = "Cursor", default)]
    cursor: String,
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
}

/// The answer; `NextCursor` is `""` on the last page.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "Accounts")]
    accounts: Vec<Account>,
    #[serde(rename = "NextCursor")]
    next_cursor: String,
}

#[derive(Serialize)]
struct Account {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "Online")]
    online: bool,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let limit = body.limit.unwrap_or(limits::ACCOUNTS_PAGE_DEFAULT_REST);
    if limit == 0 || limit > limits::ACCOUNTS_PAGE_MAX_REST {
        return Err(ApiError::invalid_parameter(format!(
            "Limit {limit} must be between 1 and {}",
            limits::ACCOUNTS_PAGE_MAX_REST
        )));
    }
    let (page, next_cursor) = engine.account_page(caller.sdkappid, &body.prefix, &body.cursor, limit)?;
    let accounts = page.into_iter().map(|account| Account { user_id: account.user, online: account.online }).collect();
    Ok(Answer { accounts, next_cursor })
}
