//! `msg_get_read_members`: pages through the members who have, or have not, read a group message
//! (TIM `TIMMsgGetGroupMessageReadMemberList`).
//!
//! The cursor is stable: paging never skips or repeats a member, whatever receipts arrive between
//! pages.

use serde::{Deserialize, Serialize};

use crate::enums::ReadMembersFilter;
use crate::message::Message;
use crate::objects::GroupMemberInfo;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group message.
    pub message: Message,
    /// Read (0) or unread (1).
    pub filter: ReadMembersFilter,
    /// 0 for the first page, then the value the previous page returned.
    #[serde(default)]
    pub next_seq: u64,
    /// Page size, 1 to 100.
    pub count: u32,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The page.
    pub members: Vec<GroupMemberInfo>,
    /// The cursor for the next page.
    pub next_seq: u64,
    /// Whether this was the last page.
    pub is_finished: bool,
}

