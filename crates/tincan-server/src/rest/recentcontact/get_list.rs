//! `POST /v4/recentcontact/get_list`: a page of a user's conversations, pinned ones first (with
//! `AssistFlags` bit 0), each with its type, peer or group, last message time and pin.
//!
//! The list is the user's own, in its order (pinned first, then newest activity); `StartIndex`
//! and `TopStartIndex` are where the page starts among the unpinned and the pinned ones, and the
//! answer's are where the next starts. Without `AssistFlags` bit 1, conversations without a
//! message are left out.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::get_conversation_list;
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, ErrorCode, UserId};

use crate::rest::{Caller, session_as};

/// Conversations in one page, of each part (pinned, unpinned).
const PAGE: usize = 100;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    user: UserId,
    #[serde(rename = "TimeStamp", default)]
    _time_stamp: u64,
    #[serde(rename = "StartIndex", default)]
    start_index: u64,
    #[serde(rename = "TopTimeStamp", default)]
    _top_time_stamp: u64,
    #[serde(rename = "TopStartIndex", default)]
    top_start_index: u64,
    #[serde(rename = "AssistFlags", default)]
    assist_flags: u32,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "SessionItem")]
    session_item: Vec<Item>,
    #[serde(rename = "CompleteFlag")]
    complete_flag: u32,
    #[serde(rename = "TimeStamp")]
    time_stamp: u64,
    #[serde(rename = "StartIndex")]
    start_index: u64,
    #[serde(rename = "TopTimeStamp")]
    top_time_stamp: u64,
    #[serde(rename = "TopStartIndex")]
    top_start_index: u64,
}

/// One conversation.
#[derive(Serialize)]
struct Item {
    /// 1 C2C, 2 group.
    #[serde(rename = "Type")]
    conv_type: u32,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    to_account: Option<String>,
    #[serde(rename = "GroupId", skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
    #[serde(rename = "MsgTime")]
    msg_time: u64,
    #[serde(rename = "TopFlag")]
    top_flag: u32,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = session_as(engine, caller, Some(&body.user), false, ErrorCode::RECENT_ACCOUNT_NOT_FOUND).await?;
    let pinning = body.assist_flags & 1 != 0;
    let with_empty = body.assist_flags & 2 != 0;
    let conversations: Vec<_> = engine
        .call_op(&session, get_conversation_list::Request {})
        .await?
        .conversations
        .into_iter()
        .filter(|conv| with_empty || conv.conv_is_has_lastmsg)
        .collect();
    let (pinned, unpinned): (Vec<_>, Vec<_>) = if pinning {
        conversations.into_iter().partition(|conv| conv.conv_is_pinned)
    } else {
        (Vec::new(), conversations)
    };
    let page = |list: &[tincan_proto::objects::ConvInfo], start: u64| {
        let start = usize::try_from(start).unwrap_or(usize::MAX).min(list.len());
        let end = start.saturating_add(PAGE).min(list.len());
        (list[start..end].to_vec(), end)
    };
    let (top_page, top_end) = page(&pinned, body.top_start_index);
    let (rest_page, rest_end) = page(&unpinned, body.start_index);
    let item = |conv: tincan_proto::objects::ConvInfo| {
        let is_group = conv.conv_type == ConvType::GROUP;
        Item {
            conv_type: if is_group { 2 } else { 1 },
            to_account: (!is_group).then(|| conv.conv_id.clone()),
            group_id: is_group.then_some(conv.conv_id),
            msg_time: conv.conv_active_time,
            top_flag: u32::from(conv.conv_is_pinned),
        }
    };
    let complete = top_end >= pinned.len() && rest_end >= unpinned.len();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_secs());
    Ok(Answer {
        session_item: top_page.into_iter().chain(rest_page).map(item).collect(),
        complete_flag: u32::from(complete),
        time_stamp: now,
        start_index: rest_end as u64,
        top_time_stamp: now,
        top_start_index: top_end as u64,
    })
}
