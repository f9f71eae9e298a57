//! `POST /v4/group_open_http_svc/set_unread_msg_num`: sets a member's unread count in a group.
//! The member's read position moves, forward or back, so that exactly `UnreadMsgNum` messages
//! count as unread (all it can see, when there are fewer), and its devices are told as when it
//! reads; receipts it sent stay sent.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, GroupId, UserId};

use super::INVALID;
use crate::rest::{Caller, Empty, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Member_Account")]
    member: UserId,
    #[serde(rename = "UnreadMsgNum")]
    unread: i64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let unread = u64::try_from(body.unread)
        .map_err(|_| ApiError::new(INVALID, format!("UnreadMsgNum {} is negative", body.unread)))?;
    // The member's own view of the group: what it can see, and whether it is a member.
    let session = session_as(engine, caller, Some(&body.member), false, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    engine.set_group_unread(&session, &body.group_id, unread).await?;
    Ok(Empty {})
}
