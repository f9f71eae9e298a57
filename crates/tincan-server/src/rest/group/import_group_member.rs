//! `POST /v4/group_open_http_svc/import_group_member`: members as they were in another system,
//! each with its role and the time it joined; no group tips message or webhook, answering each
//! account as `add_group_member` does.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::enums::MemberRole;
use tincan_proto::{ApiError, GroupId, UserId};

use super::INVALID;
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MemberList")]
    members: Vec<ImportedMember>,
}

#[derive(Deserialize)]
struct ImportedMember {
    #[serde(rename = "Member_Account")]
    account: UserId,
    #[serde(rename = "Role", default)]
    role: Option<String>,
    /// Seconds; now when absent.
    #[serde(rename = "JoinTime", default)]
    join_time: Option<u64>,
    /// Accepted and not used: an imported member has no history in the group to leave unread.
    #[serde(rename = "UnreadMsgNum", default)]
    _unread_msg_num: Option<u64>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "MemberList")]
    member_list: Vec<Imported>,
}

/// One account's outcome: TIM's `Result` (0 failed, 1 added, 2 already a member).
#[derive(Serialize)]
struct Imported {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Result")]
    result: u32,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.members.is_empty() {
        return Err(ApiError::new(INVALID, "MemberList names no member to import"));
    }
    let members = body
        .members
        .into_iter()
        .map(|member| {
            let role = match member.role.as_deref().unwrap_or_default() {
                "" | "Member" => MemberRole::NORMAL,
                "Admin" => MemberRole::ADMIN,
                other => return Err(ApiError::new(INVALID, format!("Role {other:?} is not Admin or Member"))),
            };
            Ok((member.account, role, member.join_time.filter(|time| *time != 0)))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let results = engine.import_group_members(&session, &body.group_id, &members).await?;
    let member_list = results
        .into_iter()
        .map(|(user, result)| Imported { member_account: user.as_str().to_owned(), result: result.0 })
        .collect();
    Ok(Answer { member_list })
}
