//! `POST /v4/im_open_login_svc/multiaccount_import`: creates accounts without a login; the
//! entries that are not identifiers are answered in `FailAccounts`, and the others imported.
//! TIM's two forms: `Accounts` (identifiers) and `AccountList` (`UserID` with `Nick` and
//! `FaceUrl`, which are set on accounts that exist already too).

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, UserId, limits};

use super::INVALID;
use crate::rest::Caller;

/// The request: one of the two lists.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "Accounts", default)]
    accounts: Option<Vec<ListedId<UserId>>>,
    #[serde(rename = "AccountList", default)]
    account_list: Option<Vec<AccountEntry>>,
}

/// An entry of `AccountList`.
#[derive(Deserialize)]
pub(super) struct AccountEntry {
    #[serde(rename = "UserID")]
    user_id: ListedId<UserId>,
    #[serde(rename = "Nick", default)]
    nick: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    face_url: Option<String>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    /// The entries that are not identifiers, as given.
    #[serde(rename = "FailAccounts")]
    fail_accounts: Vec<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let (key, entries): (&str, Vec<AccountEntry>) = match (body.accounts, body.account_list) {
        (Some(accounts), None) => (
            "Accounts",
            accounts.into_iter().map(|user_id| AccountEntry { user_id, nick: None, face_url: None }).collect(),
        ),
        (None, Some(list)) => ("AccountList", list),
        _ => return Err(ApiError::new(INVALID, "give either Accounts or AccountList")),
    };
    if entries.len() > limits::ACCOUNTS_PER_CALL_MAX_REST {
        return Err(ApiError::new(
            INVALID,
            format!("{key} has {} entries; at most {} are allowed", entries.len(), limits::ACCOUNTS_PER_CALL_MAX_REST),
        ));
    }
    let mut valid = Vec::with_capacity(entries.len());
    let mut fail_accounts = Vec::new();
    for entry in entries {
        match entry.user_id {
            ListedId::Valid(user) => valid.push((user, entry.nick, entry.face_url)),
            ListedId::Invalid { text, .. } => fail_accounts.push(text),
        }
    }
    engine.import_accounts_with_profiles(caller.sdkappid, &valid).await?;
    Ok(Answer { fail_accounts })
}
