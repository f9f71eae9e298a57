//! `POST /v4/im_open_login_svc/account_delete`: deletes accounts, answering each one.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode};

use super::{AccountItem, account_items};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "DeleteItem")]
    items: Vec<AccountItem>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ResultItem")]
    result_item: Vec<Deleted>,
}

/// One account's outcome.
#[derive(Serialize)]
struct Deleted {
    #[serde(rename = "ResultCode")]
    result_code: u32,
    #[serde(rename = "ResultInfo")]
    result_info: String,
    #[serde(rename = "UserID")]
    user_id: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let users = account_items(body.items, "DeleteItem")?;
    let existed = engine.delete_accounts(caller.sdkappid, &users).await?;
    let result_item = users
        .iter()
        .zip(existed)
        .map(|(user, existed)| {
            let (result_code, result_info) = if existed {
                (0, String::new())
            } else {
                (ErrorCode::ACCOUNT_NOT_FOUND.0, format!("account {user} does not exist"))
            };
            Deleted { result_code, result_info, user_id: user.as_str().to_owned() }
        })
        .collect();
    Ok(Answer { result_item })
}
