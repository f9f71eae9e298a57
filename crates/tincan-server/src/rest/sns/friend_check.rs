//! `POST /v4/sns/friend_check`: the relationship of `From_Account` with users, by its list only
//! (`CheckResult_Type_Single`) or both (`CheckResult_Type_Both`).

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::ApiError;
use tincan_proto::friendship as tim;

use super::{CheckBody, CheckItem, session_of};
use crate::rest::Caller;

/// The request.
pub(super) type Body = CheckBody;

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "InfoItem")]
    info_item: Vec<CheckItem>,
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
    let both = body.both("CheckResult_Type_Single", "CheckResult_Type_Both")?;
    let session = session_of(engine, caller, &body.from_account).await?;
    let mut fail_account = Vec::new();
    let info_item = engine
        .check_friends(&session, &body.to_account, both)
        .into_iter()
        .zip(&body.to_account)
        .map(|(outcome, user)| match outcome {
            Ok(relation) => CheckItem {
                to_account: user.as_str().to_owned(),
                relation: relation_name(relation),
                result_code: 0,
                result_info: String::new(),
            },
            Err(err) => {
                fail_account.push(user.as_str().to_owned());
                CheckItem {
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
