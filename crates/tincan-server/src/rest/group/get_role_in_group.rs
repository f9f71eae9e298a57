//! `POST /v4/group_open_http_svc/get_role_in_group`: each account's role in a group
//! (`Owner`, `Admin`, `Member`, or `NotMember`).

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId, UserId, limits};

use super::{INVALID, role_name};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "User_Account")]
    users: Vec<UserId>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "UserIdList")]
    users: Vec<Role>,
}

#[derive(Serialize)]
struct Role {
    #[serde(rename = "Member_Account")]
    member: String,
    #[serde(rename = "Role")]
    role: &'static str,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.users.is_empty() || body.users.len() > limits::GROUP_MEMBERS_PER_CALL_MAX {
        return Err(ApiError::new(
            INVALID,
            format!(
                "User_Account has {} entries; between 1 and {} are allowed",
                body.users.len(),
                limits::GROUP_MEMBERS_PER_CALL_MAX
            ),
        ));
    }
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let roles = engine.group_roles(&session, &body.group_id, &body.users)?;
    let users = body
        .users
        .iter()
        .zip(roles)
        .map(|(user, role)| Role { member: user.as_str().to_owned(), role: role.map_or("NotMember", role_name) })
        .collect();
    Ok(Answer { users })
}
