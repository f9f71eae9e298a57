//! `POST /v4/group_open_http_svc/add_group_member`: adds members, answering each.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::invite_group_members;
use tincan_proto::{ApiError, GroupId, UserId};

use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MemberList")]
    members: Vec<MemberAccount>,
    #[serde(rename = "Silence", default)]
    _silence: Option<u32>,
}

#[derive(Deserialize)]
struct MemberAccount {
    #[serde(rename = "Member_Account")]
    account: UserId,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "MemberList")]
    member_list: Vec<Added>,
}

/// One account's outcome: TIM's `Result` (0 failed, 1 added, 2 already a member).
#[derive(Serialize)]
struct Added {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Result")]
    result: u32,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let request = invite_group_members::Request {
        group_invite_member_param_group_id: body.group_id,
        group_invite_member_param_identifier_array: body.members.into_iter().map(|member| member.account).collect(),
        group_invite_member_param_user_data: String::new(),
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let response = engine.call_op(&session, request).await?;
    let member_list = response
        .results
        .into_iter()
        .map(|result| Added {
            member_account: result.group_invite_member_result_identifier,
            result: result.group_invite_member_result_result.0,
        })
        .collect();
    Ok(Answer { member_list })
}
