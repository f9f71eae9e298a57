//! Conversations as requests name them.
//!
//! On the wire a conversation is a `conv_id` and a `conv_type` (`msg_send`, `msg_get_list`,
//! `msg_report_read`) or one `conversation_id` string (`conv_clean_unread`); requests hold them
//! parsed, as a [`Conv`], a [`ConvScope`] or a [`ConvSelector`], so that a conversation with a
//! bad identifier or type fails the request when it is read, with the identifier's own code.
//! TIM's objects (`Message::message_conv_id`, `ConvInfo::conv_id`) keep the strings they carry.

use std::fmt;

use crate::enums::ConvType;
use crate::error::ApiError;
use crate::ids::{GroupId, UserId};

/// One conversation: a C2C conversation with a peer, or a group.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Conv {
    /// The C2C conversation with this peer.
    C2c(UserId),
    /// This group's conversation.
    Group(GroupId),
}

impl Conv {
    /// The conversation a `conv_id` and `conv_type` name: the type is checked first (6017),
    /// then the identifier (7003 for a peer, 10015 for a group).
    pub fn parse(conv_id: &str, conv_type: ConvType) -> Result<Conv, ApiError> {
        match ConvKind::of(conv_type)? {
            ConvKind::C2c => Ok(Conv::C2c(UserId::parse(conv_id)?)),
            ConvKind::Group => Ok(Conv::Group(GroupId::parse(conv_id)?)),
        }
    }

    /// The `conv_id`: the peer's or the group's identifier.
    pub fn conv_id(&self) -> &str {
        match self {
            Conv::C2c(peer) => peer.as_str(),
            Conv::Group(group_id) => group_id.as_str(),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> ConvKind {
        match self {
            Conv::C2c(_) => ConvKind::C2c,
            Conv::Group(_) => ConvKind::Group,
        }
    }

    /// The `conv_type`.
    pub fn conv_type(&self) -> ConvType {
        self.kind().conv_type()
    }
}

impl From<UserId> for Conv {
    fn from(peer: UserId) -> Conv {
        Conv::C2c(peer)
    }
}

impl From<GroupId> for Conv {
    fn from(group_id: GroupId) -> Conv {
        Conv::Group(group_id)
    }
}

/// The two kinds of conversation a request may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvKind {
    /// C2C (`conv_type` 1).
    C2c,
    /// Group (`conv_type` 2).
    Group,
}

impl ConvKind {
    /// The kind a `conv_type` names, or a 6017 naming `conv_type`.
    pub fn of(conv_type: ConvType) -> Result<ConvKind, ApiError> {
        match conv_type {
            ConvType::C2C => Ok(ConvKind::C2c),
            ConvType::GROUP => Ok(ConvKind::Group),
            other => Err(ApiError::invalid_parameter(format!("conv_type {} is not 1 (C2C) or 2 (group)", other.0))),
        }
    }

    /// The `conv_type`.
    pub fn conv_type(self) -> ConvType {
        match self {
            ConvKind::C2c => ConvType::C2C,
            ConvKind::Group => ConvType::GROUP,
        }
    }
}

/// A conversation, or every conversation of a kind: what `msg_report_read` marks read (an
/// empty `conv_id` means every conversation of `conv_type`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConvScope {
    /// One conversation.
    One(Conv),
    /// Every conversation of this kind.
    Every(ConvKind),
}

impl ConvScope {
    /// The scope a `conv_id` (`""` for every conversation) and a `conv_type` name.
    pub fn parse(conv_id: &str, conv_type: ConvType) -> Result<ConvScope, ApiError> {
        if conv_id.is_empty() {
            Ok(ConvScope::Every(ConvKind::of(conv_type)?))
        } else {
            Conv::parse(conv_id, conv_type).map(ConvScope::One)
        }
    }

    /// The `conv_id` (`""` for every conversation of a kind).
    pub fn conv_id(&self) -> &str {
        match self {
            ConvScope::One(conv) => conv.conv_id(),
            ConvScope::Every(_) => "",
        }
    }

    /// The `conv_type`.
    pub fn conv_type(&self) -> ConvType {
        match self {
            ConvScope::One(conv) => conv.conv_type(),
            ConvScope::Every(kind) => kind.conv_type(),
        }
    }
}

/// Which conversations `conv_clean_unread` clears, from its `conversation_id`: `c2c_<user>`,
/// `group_<group>`, `c2c` (every C2C conversation), `group` (every group) or `""` (every
/// conversation). On the wire it is that string.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ConvSelector {
    /// One conversation, or every conversation of a kind.
    Scope(ConvScope),
    /// Every conversation.
    #[default]
    All,
}

impl ConvSelector {
    /// Parses a `conversation_id`: 7003 or 10015 when the identifier after `c2c_` or `group_`
    /// is not one, 6017 when the text has none of the shapes.
    pub fn parse(conversation_id: &str) -> Result<ConvSelector, ApiError> {
        let id = conversation_id;
        if let Some(peer) = id.strip_prefix(C2C_PREFIX) {
            Ok(ConvSelector::Scope(ConvScope::One(Conv::C2c(UserId::parse(peer)?))))
        } else if let Some(group_id) = id.strip_prefix(GROUP_PREFIX) {
            Ok(ConvSelector::Scope(ConvScope::One(Conv::Group(GroupId::parse(group_id)?))))
        } else if id == C2C_ALL {
            Ok(ConvSelector::Scope(ConvScope::Every(ConvKind::C2c)))
        } else if id == GROUP_ALL {
            Ok(ConvSelector::Scope(ConvScope::Every(ConvKind::Group)))
        } else if id.is_empty() {
            Ok(ConvSelector::All)
        } else {
            Err(ApiError::invalid_parameter(format!(
                "conversation_id {id:?} is not c2c_<user>, group_<group>, \"c2c\", \"group\" or \"\""
            )))
        }
    }

    /// The `conversation_id` of one conversation: `c2c_<peer>` or `group_<group>`.
    pub fn conversation_id(conv: &Conv) -> String {
        match conv {
            Conv::C2c(peer) => format!("{C2C_PREFIX}{peer}"),
            Conv::Group(group_id) => format!("{GROUP_PREFIX}{group_id}"),
        }
    }
}

const C2C_PREFIX: &str = "c2c_";
const GROUP_PREFIX: &str = "group_";
const C2C_ALL: &str = "c2c";
const GROUP_ALL: &str = "group";

impl From<ConvScope> for ConvSelector {
    fn from(scope: ConvScope) -> ConvSelector {
        ConvSelector::Scope(scope)
    }
}

impl TryFrom<String> for ConvSelector {
    type Error = ApiError;

    fn try_from(conversation_id: String) -> Result<ConvSelector, ApiError> {
        ConvSelector::parse(&conversation_id)
    }
}

impl From<ConvSelector> for String {
    fn from(selector: ConvSelector) -> String {
        selector.to_string()
    }
}

impl fmt::Display for ConvSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvSelector::Scope(ConvScope::One(conv)) => f.write_str(&ConvSelector::conversation_id(conv)),
            ConvSelector::Scope(ConvScope::Every(ConvKind::C2c)) => f.write_str(C2C_ALL),
            ConvSelector::Scope(ConvScope::Every(ConvKind::Group)) => f.write_str(GROUP_ALL),
            ConvSelector::All => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn a_conversation_is_checked_type_first_then_identifier() {
        assert_eq!(Conv::parse("bob", ConvType::C2C), Ok(Conv::C2c(UserId::parse("bob").unwrap())));
        assert_eq!(Conv::parse("team", ConvType::GROUP), Ok(Conv::Group(GroupId::parse("team").unwrap())));
        let code = |conv_id: &str, conv_type: ConvType| Conv::parse(conv_id, conv_type).unwrap_err().code;
        assert_eq!(code("tab\t", ConvType::C2C), ErrorCode::INVALID_IDENTIFIER);
        assert_eq!(code("a b", ConvType::GROUP), ErrorCode::GROUP_INVALID_ID);
        assert_eq!(code("", ConvType(7)), ErrorCode::INVALID_PARAMETERS);
        assert!(Conv::parse("bob", ConvType(7)).unwrap_err().desc.contains("conv_type 7"));
        let scope = ConvScope::parse("", ConvType::GROUP).unwrap();
        assert_eq!((scope.conv_id(), scope.conv_type()), ("", ConvType::GROUP));
        assert_eq!(ConvScope::parse("", ConvType::INVALID).unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    }

    #[test]
    fn a_selector_reads_and_writes_its_conversation_id() {
        for text in ["c2c_bob", "group_team", "c2c", "group", "", "c2c_a b"] {
            let selector = ConvSelector::parse(text).unwrap();
            assert_eq!(selector.to_string(), text);
            let json = serde_json::to_string(&selector).unwrap();
            assert_eq!(serde_json::from_str::<ConvSelector>(&json).unwrap(), selector);
        }
        let code = |text: &str| ConvSelector::parse(text).unwrap_err().code;
        assert_eq!(code("c2c_"), ErrorCode::INVALID_IDENTIFIER);
        assert_eq!(code("group_a b"), ErrorCode::GROUP_INVALID_ID);
        assert_eq!(code("C2C"), ErrorCode::INVALID_PARAMETERS);
        let err = serde_json::from_str::<ConvSelector>(r#""group_""#).unwrap_err();
        assert_eq!(ApiError::carried_by(&err).map(|err| err.code), Some(ErrorCode::GROUP_INVALID_ID));
    }
}
