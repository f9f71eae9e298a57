//! `im_open_login_svc`: accounts.

mod account_check;
mod account_delete;
mod account_import;
mod kick;
mod multiaccount_import;

use serde::Deserialize;
use serde_json::{Map, Value};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{Caller, answer, body_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::REST_INVALID_PARAMETERS;

/// TIM's `im_open_login_svc` commands.
pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "account_import" => answer(account_import::handle(engine, caller, body_as(body, INVALID)?).await),
        "multiaccount_import" => answer(multiaccount_import::handle(engine, caller, body_as(body, INVALID)?).await),
        "kick" => answer(kick::handle(engine, caller, body_as(body, INVALID)?)),
        "account_delete" => answer(account_delete::handle(engine, caller, body_as(body, INVALID)?).await),
        "account_check" => answer(account_check::handle(engine, caller, body_as(body, INVALID)?)),
        _ => Err(unknown("im_open_login_svc", command)),
    }
}

/// An entry of `DeleteItem` and `CheckItem`.
#[derive(Deserialize)]
struct AccountItem {
    #[serde(rename = "UserID")]
    user_id: UserId,
}

/// The users of a list named `key`, which must hold 1 to
/// [`limits::ACCOUNTS_PER_CALL_MAX_REST`] of them.
fn account_items(items: Vec<AccountItem>, key: &str) -> Result<Vec<UserId>, ApiError> {
    if items.is_empty() || items.len() > limits::ACCOUNTS_PER_CALL_MAX_REST {
        return Err(ApiError::new(
            INVALID,
            format!(
                "{key} has {} entries; between 1 and {} are allowed",
                items.len(),
                limits::ACCOUNTS_PER_CALL_MAX_REST
            ),
        ));
    }
    Ok(items.into_iter().map(|item| item.user_id).collect())
}
