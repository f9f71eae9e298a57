//! `POST /v4/sns/black_list_check`: whether `From_Account` blocks users, and with
//! `BlackCheckResult_Type_Both` whether they block it.

use serde::Serialize;
use tincan_engine::Engine;
use tincan_proto::ApiError;

use super::{CheckBody, CheckItem, session_of};
use crate::rest::Caller;

/// The request.
pub(super) type Body = CheckBody;

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "BlackListCheckItem")]
    black_list_check_item: Vec<CheckItem>,
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let both = body.both("BlackCheckResult_Type_Single", "BlackCheckResult_Type_Both")?;
    let session = session_of(engine, caller, &body.from_account).await?;
    let black_list_check_item = engine
        .check_blocks(&session, &body.to_account)
        .into_iter()
        .zip(&body.to_account)
        .map(|((mine, theirs), user)| CheckItem {
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
