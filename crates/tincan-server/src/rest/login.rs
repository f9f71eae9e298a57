//! `im_open_login_svc`: accounts.

use serde::Deserialize;
use serde_json::{Map, Value, json};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{Caller, body_as, fields, unknown};

#[derive(Deserialize)]
struct AccountImportBody {
    #[serde(rename = "UserID", alias = "Identifier")]
    user_id: String,
    #[serde(rename = "Nick", default)]
    _nick: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    _face_url: Option<String>,
}

#[derive(Deserialize)]
struct KickBody {
    #[serde(rename = "UserID", alias = "Identifier")]
    user_id: String,
}

#[derive(Deserialize)]
struct MultiAccountImportBody {
    #[serde(rename = "Accounts")]
    accounts: Vec<String>,
}

#[derive(Deserialize)]
struct AccountItem {
    #[serde(rename = "UserID")]
    user_id: String,
}

/// The body of `account_delete`.
#[derive(Deserialize)]
struct DeleteItems {
    #[serde(rename = "DeleteItem")]
    items: Vec<AccountItem>,
}

/// The body of `account_check`.
#[derive(Deserialize)]
struct CheckItems {
    #[serde(rename = "CheckItem")]
    items: Vec<AccountItem>,
}

/// The users of a list named `key`, which must hold 1 to
/// [`limits::ACCOUNTS_PER_CALL_MAX_REST`] of them.
fn account_items(items: &[AccountItem], key: &str) -> Result<Vec<UserId>, ApiError> {
    if items.is_empty() || items.len() > limits::ACCOUNTS_PER_CALL_MAX_REST {
        return Err(ApiError::new(
            ErrorCode::REST_INVALID_PARAMETERS,
            format!(
                "{key} has {} entries; between 1 and {} are allowed",
                items.len(),
                limits::ACCOUNTS_PER_CALL_MAX_REST
            ),
        ));
    }
    items.iter().map(|item| UserId::parse(&item.user_id)).collect()
}

/// TIM's `im_open_login_svc` commands.
pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "account_import" => {
            let request: AccountImportBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let user = UserId::parse(&request.user_id)?;
            engine.import_accounts(caller.sdkappid, &[user]).await?;
            Ok(Map::new())
        }
        "multiaccount_import" => {
            let request: MultiAccountImportBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            if request.accounts.len() > limits::ACCOUNTS_PER_CALL_MAX_REST {
                return Err(ApiError::new(
                    ErrorCode::REST_INVALID_PARAMETERS,
                    format!(
                        "Accounts has {} entries; at most {} are allowed",
                        request.accounts.len(),
                        limits::ACCOUNTS_PER_CALL_MAX_REST
                    ),
                ));
            }
            let mut valid = Vec::with_capacity(request.accounts.len());
            let mut failed = Vec::new();
            for account in &request.accounts {
                match UserId::parse(account) {
                    Ok(user) => valid.push(user),
                    Err(_) => failed.push(json!(account)),
                }
            }
            engine.import_accounts(caller.sdkappid, &valid).await?;
            Ok(fields(vec![("FailAccounts", Value::Array(failed))]))
        }
        "kick" => {
            let request: KickBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let user = UserId::parse(&request.user_id)?;
            engine.kick_user(caller.sdkappid, &user);
            Ok(Map::new())
        }
        "account_delete" => {
            let request: DeleteItems = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let users = account_items(&request.items, "DeleteItem")?;
            let existed = engine.delete_accounts(caller.sdkappid, &users).await?;
            let items = users
                .iter()
                .zip(existed)
                .map(|(user, existed)| {
                    if existed {
                        json!({"ResultCode": 0, "ResultInfo": "", "UserID": user.as_str()})
                    } else {
                        json!({
                            "ResultCode": ErrorCode::ACCOUNT_NOT_FOUND.0,
                            "ResultInfo": format!("account {user} does not exist"),
                            "UserID": user.as_str(),
                        })
                    }
                })
                .collect();
            Ok(fields(vec![("ResultItem", Value::Array(items))]))
        }
        "account_check" => {
            let request: CheckItems = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let users = account_items(&request.items, "CheckItem")?;
            let items = users
                .iter()
                .map(|user| {
                    let status = if engine.account_exists(caller.sdkappid, user) { "Imported" } else { "NotImported" };
                    json!({"UserID": user.as_str(), "ResultCode": 0, "ResultInfo": "", "AccountStatus": status})
                })
                .collect();
            Ok(fields(vec![("ResultItem", Value::Array(items))]))
        }
        _ => Err(unknown("im_open_login_svc", command)),
    }
}
