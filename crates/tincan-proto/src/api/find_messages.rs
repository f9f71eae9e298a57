//! `msg_find`: messages by ID (TIM `TIMMsgFindMessages`), or of one conversation by locator
//! (TIM `TIMMsgFindByMsgLocatorList`).
//!
//! Only messages the caller can see are found (its C2C conversations, its groups from its
//! join); the others, and IDs or locators that name nothing, are left out. A revoked message is
//! found with `message_status` 6, and one the caller deleted for itself with 4, as TIM's find
//! calls report them.

use serde::{Deserialize, Serialize};

use crate::enums::ConvType;
use crate::message::Message;

/// Parameters: `message_ids`, or `conv_id`, `conv_type` and `locators`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Request {
    /// Message IDs (`message_msg_id`).
    pub message_ids: Vec<String>,
    /// With `locators`: the conversation.
    pub conv_id: String,
    /// With `locators`: the conversation type.
    pub conv_type: ConvType,
    /// Message locators (`MsgLocator`) of that conversation; `message_locator_seq` names each.
    pub locators: Vec<MsgLocator>,
}

/// TIM's message locator (`MsgLocator`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MsgLocator {
    /// The conversation (optional; the request's conversation is the one searched).
    pub message_locator_conv_id: String,
    /// The conversation type.
    pub message_locator_conv_type: ConvType,
    /// Whether the message was revoked (not used to find it).
    pub message_locator_is_revoked: bool,
    /// The message's server time, in seconds (not used to find it).
    pub message_locator_time: u64,
    /// The message's seq.
    pub message_locator_seq: u64,
    /// Whether the caller sent it (not used to find it).
    pub message_locator_is_self: bool,
    /// The message's random number: when not 0, it must match.
    pub message_locator_rand: u64,
    /// The message's unique number (not used to find it).
    pub message_locator_unique_id: u64,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The messages found, in the order asked for.
    pub messages: Vec<Message>,
}
