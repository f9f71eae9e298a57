//! `POST /v4/sns/friend_check`: the relationship of `From_Account` with users, by its list only
//! (`CheckResult_Type_Single`) or both (`CheckResult_Type_Both`).

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::friendship as tim;
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

/// One user's relationship.
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
    #[serde(rename = "InfoItem")]
    info_item: Vec<Item>,
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
}

fn relation_name(relation: u32) -> &'static str {
    match relation {
        tim::CHECK_BOTH_WAY => "CheckResult_Type_BothWay",
        tim::CHECK_A_WITH_B => "CheckResult_Type_AWithB",
        tim::CHECK_B_WITH_A => "CheckResult_Type_BWithA",
        _ => "CheckResult_Type_NoRelation",
    }
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    check_users("To_Account", body.to_account.len())?;
    let both = match body.check_type.as_str() {
        "CheckResult_Type_Both" => true,
        "CheckResult_Type_Single" => false,
        other => {
            return Err(ApiError::new(
                INVALID,
                format!("CheckType {other:?}: CheckResult_Type_Single or CheckResult_Type_Both"),
            ));
        }
    };
    let session = session_of(engine, caller, &body.from_account).await?;
    let mut fail_account = Vec::new();
    let info_item = engine
        .check_friends(&session, &body.to_account, both)
        .into_iter()
        .zip(&body.to_account)
        .map(|(outcome, user)| match outcome {
            Ok(relation) => Item {
                to_account: user.as_str().to_owned(),
                relation: relation_name(relation),
                result_code: 0,
                result_info: String::new(),
            },
            Err(err) => {
                fail_account.push(user.as_str().to_owned());
                Item {
                    to_account: user.as_str().to_owned(),
                    relation: relation_name(tim::CHECK_NO_RELATION),
                    result_code: err.code.0,
                    result_info: err.desc,
                }
            }
        })
        .collect();
    Ok(Answer { info_item, fail_account })
}
