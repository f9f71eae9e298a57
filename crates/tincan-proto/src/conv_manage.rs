//! What conversation management reads and writes: conversations named one by one
//! (`c2c_<user>`, `group_<group>`, or a `conv_id` with a `conv_type`), drafts, marks, the
//! filter of filtered lists and counts, and the pushes that keep every device of a user in step.

use serde::{Deserialize, Deserializer, Serialize};

use crate::conv::{Conv, ConvSelector};
use crate::enums::{ConvEvent, ConvType};
use crate::error::{ApiError, ErrorCode};
use crate::ids::{Identifier, ListedId};
use crate::limits;
use crate::objects::ConvInfo;

/// One conversation named by its conversation ID, `c2c_<user>` or `group_<group>` (TIM's
/// `conversation_id_array` items).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationId {
    text: String,
    conv: Conv,
}

impl ConversationId {
    /// The conversation.
    pub fn conv(&self) -> &Conv {
        &self.conv
    }

    /// The conversation ID of `conv`.
    pub fn of(conv: Conv) -> ConversationId {
        ConversationId { text: ConvSelector::conversation_id(&conv), conv }
    }
}

impl Identifier for ConversationId {
    /// 7003 or 10015 for a bad identifier after the prefix, 6017 for text without one.
    fn parse(text: &str) -> Result<ConversationId, ApiError> {
        if (text.starts_with("c2c_") || text.starts_with("group_"))
            && let ConvSelector::Scope(crate::conv::ConvScope::One(conv)) = ConvSelector::parse(text)?
        {
            return Ok(ConversationId { text: text.to_owned(), conv });
        }
        Err(ApiError::invalid_parameter(format!("conversation ID {text:?} is not c2c_<user> or group_<group>")))
    }

    fn as_str(&self) -> &str {
        &self.text
    }
}

/// A list of conversation IDs, each answered on its own: 6017 when it is empty or longer than
/// [`limits::CONV_IDS_PER_CALL_MAX`].
pub fn conversation_ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ListedId<ConversationId>>, D::Error> {
    let ids = Vec::<ListedId<ConversationId>>::deserialize(deserializer)?;
    if ids.is_empty() || ids.len() > limits::CONV_IDS_PER_CALL_MAX {
        return Err(serde::de::Error::custom(format!(
            "conversation_id_array must hold 1 to {} conversation IDs, it holds {}",
            limits::CONV_IDS_PER_CALL_MAX,
            ids.len()
        )));
    }
    Ok(ids)
}

/// One conversation as a `conv_id` and a `conv_type`, parsed when read (6017 for the type,
/// then 7003 or 10015 for the identifier).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "wire::Target", into = "wire::Target")]
pub struct ConvTarget(pub Conv);

mod wire {
    use serde::{Deserialize, Serialize};

    use crate::enums::ConvType;

    #[derive(Serialize, Deserialize)]
    pub(super) struct Target {
        pub(super) conv_id: String,
        pub(super) conv_type: ConvType,
    }
}

impl TryFrom<wire::Target> for ConvTarget {
    type Error = ApiError;

    fn try_from(target: wire::Target) -> Result<ConvTarget, ApiError> {
        Conv::parse(&target.conv_id, target.conv_type).map(ConvTarget)
    }
}

impl From<ConvTarget> for wire::Target {
    fn from(target: ConvTarget) -> wire::Target {
        wire::Target { conv_id: target.0.conv_id().to_owned(), conv_type: target.0.conv_type() }
    }
}

/// TIM's `draftParams`: a draft, kept for the user on the server and shown on all of its devices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// When the draft was last edited, in seconds (the server's clock when set).
    pub draft_edit_time: u64,
    /// The draft as a message object: `message_elem_array` and whatever else the app keeps.
    pub draft_msg: serde_json::Value,
    /// The app's own data.
    pub draft_user_define: String,
}

impl Draft {
    /// Checks what a client sends: `draft_msg` an object (or absent), the whole within
    /// [`limits::CONV_DRAFT_BYTES_MAX`].
    pub fn check(&self) -> Result<(), ApiError> {
        if !(self.draft_msg.is_object() || self.draft_msg.is_null()) {
            return Err(ApiError::invalid_parameter("draft_param.draft_msg must be a message object"));
        }
        let size = serde_json::to_string(self).map_or(usize::MAX, |text| text.len());
        if size > limits::CONV_DRAFT_BYTES_MAX {
            return Err(ApiError::invalid_parameter(format!(
                "draft_param is {size} bytes of JSON, more than {}",
                limits::CONV_DRAFT_BYTES_MAX
            )));
        }
        Ok(())
    }
}

/// `TIMConversationMarkType`: the standard marks; apps may use the bits from `1 << 32` up as
/// their own marks.
pub mod mark {
    /// `kTIMConversationMarkTypeStar`.
    pub const STAR: u64 = 1;
    /// `kTIMConversationMarkTypeUnread`.
    pub const UNREAD: u64 = 2;
    /// `kTIMConversationMarkTypeFold`.
    pub const FOLD: u64 = 4;
    /// `kTIMConversationMarkTypeHide`: the conversation leaves the list until its next message.
    pub const HIDE: u64 = 8;

    /// Whether `value` is one mark TIM accepts: a standard mark, or one bit from 32 to 63.
    pub fn is_valid(value: u64) -> bool {
        value.is_power_of_two() && (value <= HIDE || value >= 1 << 32)
    }

    /// The marks set in `bits`, lowest first.
    pub fn list(bits: u64) -> Vec<u64> {
        (0..64).map(|bit| 1u64 << bit).filter(|mark| bits & mark != 0).collect()
    }
}

/// A conversation group's name: 1 to [`limits::CONV_GROUP_NAME_BYTES_MAX`] bytes without
/// control characters (TIM 51011 otherwise).
pub fn check_group_name(key: &str, name: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.len() > limits::CONV_GROUP_NAME_BYTES_MAX {
        return Err(ApiError::new(
            ErrorCode::CONV_GROUP_NAME_INVALID,
            format!("{key} must be 1 to {} bytes, it is {}", limits::CONV_GROUP_NAME_BYTES_MAX, name.len()),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::new(
            ErrorCode::CONV_GROUP_NAME_INVALID,
            format!("{key} {name:?} holds a control character"),
        ));
    }
    Ok(())
}

/// TIM's `TIMConversationListFilter`: which conversations a filtered list or count takes, and
/// (for a list) where its page starts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ConvListFilter {
    /// 0 for every type, else only C2C (1) or groups (2).
    pub conversation_list_filter_conv_type: ConvType,
    /// Lists: where the page starts (0 for the first page; the last page's `next_seq` after).
    pub conversation_list_filter_next_seq: u64,
    /// Lists: conversations in the page (0 for the default, at most 100).
    pub conversation_list_filter_count: u32,
    /// 0 for any, else only conversations with this mark.
    pub conversation_list_filter_mark_type: u64,
    /// `""` for any, else only conversations in this conversation group.
    pub conversation_list_filter_conversation_group: String,
}

impl ConvListFilter {
    /// Checks the type and the mark (6017).
    pub fn check(&self) -> Result<(), ApiError> {
        let conv_type = self.conversation_list_filter_conv_type;
        if conv_type != ConvType::INVALID && conv_type != ConvType::C2C && conv_type != ConvType::GROUP {
            return Err(ApiError::invalid_parameter(format!(
                "conversation_list_filter_conv_type {} is not 0 (any), 1 (C2C) or 2 (group)",
                conv_type.0
            )));
        }
        let mark = self.conversation_list_filter_mark_type;
        if mark != 0 && !mark::is_valid(mark) {
            return Err(ApiError::invalid_parameter(format!(
                "conversation_list_filter_mark_type {mark} is not a TIMConversationMarkType"
            )));
        }
        Ok(())
    }

    /// Whether `conv` passes the filter (its type, mark and conversation group; the page keys
    /// aside).
    pub fn accepts(&self, conv: &ConvInfo) -> bool {
        let conv_type = self.conversation_list_filter_conv_type;
        let mark = self.conversation_list_filter_mark_type;
        let group = &self.conversation_list_filter_conversation_group;
        (conv_type == ConvType::INVALID || conv.conv_type == conv_type)
            && (mark == 0 || conv.conv_mark_array.contains(&mark))
            && (group.is_empty() || conv.conv_conversation_group_array.contains(group))
    }

    /// The same filter without its page keys, as TIM's filtered-count callback names it.
    pub fn without_page(&self) -> ConvListFilter {
        ConvListFilter { conversation_list_filter_next_seq: 0, conversation_list_filter_count: 0, ..self.clone() }
    }
}

/// `push` kind of [`ConvPush`].
pub const CONV_PUSH: &str = "conv";
/// `push` kind of [`ConvGroupPush`].
pub const CONV_GROUP_PUSH: &str = "conv_group";

/// The user changed conversations from one of its devices (deleted, created, cleared, drafts,
/// pins, marks, custom data, conversation groups): each conversation as it now is, or, for
/// `kTIMConvEvent_Del`, as it was.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConvPush {
    /// `kTIMConvEvent_Update` (2), `kTIMConvEvent_Add` (0) or `kTIMConvEvent_Del` (1).
    pub event: ConvEvent,
    /// The conversations.
    pub conversations: Vec<ConvInfo>,
}

/// One of the user's conversation groups changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConvGroupPush {
    /// `created`, `deleted`, `renamed`, `added` (conversations added) or `removed`
    /// (conversations taken out).
    pub event: String,
    /// The group's name (its old name for `renamed`).
    pub group_name: String,
    /// `renamed`: its new name.
    pub new_name: String,
    /// `created`, `added`, `removed`: the conversations concerned, as they now are.
    pub conversations: Vec<ConvInfo>,
    /// `removed`: 0 when the user took them out, 1 when they left with a deleted conversation
    /// (TIM's `reason`).
    pub reason: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_ids_parse_with_their_codes() {
        let id = ConversationId::parse("c2c_bob").unwrap();
        assert_eq!(id.conv(), &Conv::C2c(crate::UserId::parse("bob").unwrap()));
        assert_eq!(ConversationId::parse("group_a b").unwrap_err().code, ErrorCode::GROUP_INVALID_ID);
        assert_eq!(ConversationId::parse("c2c").unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
        assert_eq!(ConversationId::parse("").unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    }

    #[test]
    fn marks_are_single_standard_or_extended_bits() {
        for valid in [mark::STAR, mark::UNREAD, mark::FOLD, mark::HIDE, 1 << 32, 1 << 63] {
            assert!(mark::is_valid(valid), "{valid}");
        }
        for invalid in [0, 3, 16, 1 << 31, (1 << 32) | 1] {
            assert!(!mark::is_valid(invalid), "{invalid}");
        }
        assert_eq!(mark::list((1 << 40) | 5), vec![1, 4, 1 << 40]);
    }

    #[test]
    fn group_names_are_checked() {
        assert!(check_group_name("group_name", "Work").is_ok());
        assert_eq!(check_group_name("group_name", "").unwrap_err().code, ErrorCode::CONV_GROUP_NAME_INVALID);
        assert_eq!(
            check_group_name("group_name", &"x".repeat(33)).unwrap_err().code,
            ErrorCode::CONV_GROUP_NAME_INVALID
        );
        assert_eq!(check_group_name("group_name", "a\nb").unwrap_err().code, ErrorCode::CONV_GROUP_NAME_INVALID);
    }
}
