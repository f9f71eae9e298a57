//! `POST /v4/im_open_login_svc/account_check`: whether accounts exist.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::{AccountItem, account_items};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "CheckItem")]
    items: Vec<AccountItem>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ResultItem")]
    result_item: Vec<Checked>,
}

/// One account's state.
#[derive(Serialize)]
struct Checked {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "ResultCode")]
    result_code: u32,
    #[serde(rename = "ResultInfo")]
    result_info: &'static str,
    /// `Imported` or `NotImported`.
    #[serde(rename = "AccountStatus")]
    account_status: &'static str,
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let users = account_items(body.items, "CheckItem")?;
    let result_item = users
        .iter()
        .map(|user| Checked {
            user_id: user.as_str().to_owned(),
            result_code: 0,
            result_info: "",
            account_status: if engine.account_exists(caller.sdkappid, user) { "Imported" } else { "NotImported" },
        })
        .collect();
    Ok(Answer { result_item })
}
