//! `POST /v4/group_open_http_svc/get_group_msg_receipt_detail`: the read (`Filter` 0) or
//! unread (`Filter` 1) members of one message, a page at a time from `Cursor` (`""` first).

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::get_read_members;
use tincan_proto::enums::ReadMembersFilter;
use tincan_proto::{ApiError, GroupId, limits};

use super::{INVALID, group_message_ref};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "MsgSeq")]
    seq: u64,
    #[serde(rename = "Filter")]
    filter: u32,
    #[serde(rename = "Cursor", default)]
    cursor: Option<String>,
    #[serde(rename = "Count", default)]
    count: Option<u32>,
}

/// The answer: `ReadList` or `UnreadList`, as `Filter` asked.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    /// `""` on the last page.
    #[serde(rename = "Cursor")]
    cursor: String,
    /// TIM's documentation spells the flag `IsFinish` and its Java client `IsFinished`: both go
    /// out.
    #[serde(rename = "IsFinish")]
    is_finish: u32,
    #[serde(rename = "IsFinished")]
    is_finished: u32,
    #[serde(rename = "ReadList", skip_serializing_if = "Option::is_none")]
    read_list: Option<Vec<Reader>>,
    #[serde(rename = "UnreadList", skip_serializing_if = "Option::is_none")]
    unread_list: Option<Vec<NonReader>>,
}

#[derive(Serialize)]
struct Reader {
    #[serde(rename = "Read_Account")]
    read_account: String,
}

#[derive(Serialize)]
struct NonReader {
    #[serde(rename = "Unread_Account")]
    unread_account: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let filter = match body.filter {
        0 => ReadMembersFilter::READ,
        1 => ReadMembersFilter::UNREAD,
        other => return Err(ApiError::new(INVALID, format!("Filter {other} is not 0 (read) or 1 (unread)"))),
    };
    // TIM treats a larger Count as its largest page.
    let count = body.count.unwrap_or(limits::READ_MEMBERS_PAGE_MAX_REST).clamp(1, limits::READ_MEMBERS_PAGE_MAX_REST);
    let cursor = body.cursor.unwrap_or_default();
    let next_seq = if cursor.is_empty() {
        0
    } else {
        cursor
            .parse::<u64>()
            .map_err(|_| ApiError::new(INVALID, format!("Cursor {cursor:?} is not one this server returned")))?
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let request =
        get_read_members::Request { message: group_message_ref(&body.group_id, body.seq), filter, next_seq, count };
    let page = engine.call_op(&session, request).await?;
    let accounts = page.members.into_iter().map(|member| member.group_member_info_identifier);
    let (read_list, unread_list) = if filter == ReadMembersFilter::READ {
        (Some(accounts.map(|read_account| Reader { read_account }).collect()), None)
    } else {
        (None, Some(accounts.map(|unread_account| NonReader { unread_account }).collect()))
    };
    Ok(Answer {
        msg_seq: body.seq,
        cursor: if page.is_finished { String::new() } else { page.next_seq.to_string() },
        is_finish: u32::from(page.is_finished),
        is_finished: u32::from(page.is_finished),
        read_list,
        unread_list,
    })
}
