//! `POST /v4/group_open_http_svc/delete_group_msg_by_sender`: the administrator deletes every
//! message one account sent to a group. Each is revoked as `group_msg_recall` revokes one: its
//! content goes from the group's history for everyone, members online are told at once, and it
//! leaves unread counts and receipts. The account need not be a member any more, nor exist.

use serde::Deserialize;
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, GroupId, UserId};

use crate::rest::{Caller, Empty, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Sender_Account")]
    sender: UserId,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let session = session_as(engine, caller, None, true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    engine.revoke_group_messages_by_sender(&session, &body.group_id, &body.sender).await?;
    Ok(Empty {})
}
