//! `POST /v4/im_open_login_svc/multiaccount_import`: creates accounts without a login; the
//! entries that are not identifiers are answered in `FailAccounts`, and the others imported.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, UserId, limits};

use super::INVALID;
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "Accounts")]
    accounts: Vec<ListedId<UserId>>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    /// The entries that are not identifiers, as given.
    #[serde(rename = "FailAccounts")]
    fail_accounts: Vec<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.accounts.len() > limits::ACCOUNTS_PER_CALL_MAX_REST {
        return Err(ApiError::new(
            INVALID,
            format!(
                "Accounts has {} entries; at most {} are allowed",
                body.accounts.len(),
                limits::ACCOUNTS_PER_CALL_MAX_REST
            ),
        ));
    }
    let mut valid = Vec::with_capacity(body.accounts.len());
    let mut fail_accounts = Vec::new();
    for account in body.accounts {
        match account {
            ListedId::Valid(user) => valid.push(user),
            ListedId::Invalid { text, .. } => fail_accounts.push(text),
        }
    }
    engine.import_accounts(caller.sdkappid, &valid).await?;
    Ok(Answer { fail_accounts })
}
