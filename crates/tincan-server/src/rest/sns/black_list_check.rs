//! `POST /v4/sns/black_list_check`: whether `From_Account` blocks users, and with
//! `BlackCheckResult_Type_Both` whether they block it.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, UserId};

use super::{INVALID, check_users, session_of};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "To_Account")]
    to_account: Vec<UserId>,
    #[serde(rename = "CheckType")]
    check_type: String,
}

/// One user's answer.
#[derive(Serialize)]
pub(super) struct Item {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "Relation")]
    relation: &'static str,
    #[serde(rename = "ResultCode")]
    result_code: u32,
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "BlackListCheckItem")]
    black_list_check_item: Vec<Item>,
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    check_users("To_Account", body.to_account.len())?;
    let both = match body.check_type.as_str() {
        "BlackCheckResult_Type_Both" => true,
        "BlackCheckResult_Type_Single" => false,
        other => {
            return Err(ApiError::new(
                INVALID,
                format!("CheckType {other:?}: BlackCheckResult_Type_Single or BlackCheckResult_Type_Both"),
            ));
        }
    };
    let session = session_of(engine, caller, &body.from_account).await?;
    let black_list_check_item = engine
        .check_blocks(&session, &body.to_account)
        .into_iter()
        .zip(&body.to_account)
        .map(|((mine, theirs), user)| Item {
            to_account: user.as_str().to_owned(),
            relation: match (mine, both && theirs) {
                (true, true) => "BlackCheckResult_Type_BothWay",
                (true, false) => "BlackCheckResult_Type_AWithB",
                (false, true) => "BlackCheckResult_Type_BWithA",
                (false, false) => "BlackCheckResult_Type_NO",
            },
            result_code: 0,
            result_info: String::new(),
        })
        .collect();
    Ok(Answer { black_list_check_item, fail_account: Vec::new() })
}
