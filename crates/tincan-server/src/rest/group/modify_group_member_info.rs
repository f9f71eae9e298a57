//! `POST /v4/group_open_http_svc/modify_group_member_info`: changes a member's role, name card,
//! mute or custom fields, all or nothing.

use serde::Deserialize;
use tincan_core::group::MemberChange;
use tincan_engine::Engine;
use tincan_proto::enums::MemberRole;
use tincan_proto::{ApiError, GroupId, UserId};

use super::{DefinedData, INVALID};
use crate::rest::{Caller, Empty};

/// The request: every key but `GroupId` and `Member_Account` may be left out.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Member_Account")]
    member: UserId,
    #[serde(rename = "Role", default)]
    role: Option<String>,
    #[serde(rename = "NameCard", default)]
    name_card: Option<String>,
    #[serde(rename = "ShutUpTime", alias = "MuteTime", default)]
    shut_up_time: Option<u64>,
    #[serde(rename = "AppMemberDefinedData", default)]
    app_member_defined_data: Option<Vec<DefinedData>>,
    /// TIM's message option; accepted and not applied (see docs/compatibility.md).
    #[serde(rename = "MsgFlag", default)]
    _msg_flag: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let role = match body.role.as_deref() {
        None => None,
        Some("Admin") => Some(MemberRole::ADMIN),
        Some("Member") => Some(MemberRole::NORMAL),
        Some(other) => return Err(ApiError::new(INVALID, format!("Role {other:?} is neither Admin nor Member"))),
    };
    let change = MemberChange {
        role,
        shutup_seconds: body.shut_up_time,
        name_card: body.name_card,
        custom: body.app_member_defined_data.map(DefinedData::fields),
    };
    if change == MemberChange::default() {
        return Err(ApiError::new(
            INVALID,
            "give at least one of Role, NameCard, ShutUpTime (MuteTime) and AppMemberDefinedData",
        ));
    }
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.modify_group_members(&session, &body.group_id, &[body.member], &change).await?;
    Ok(Empty {})
}
