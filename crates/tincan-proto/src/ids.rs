//! Validated identifiers.
//!
//! An identifier is parsed once, at the edge, and cannot be built any other way, so code that
//! holds a [`UserId`] never has to ask whether it is valid.
//! Requests carry them from deserialization on: one that does not parse fails the request with
//! its own code (7003, 10015), which travels through serde inside the error's text (see
//! [`ApiError`]'s `Display`). A list whose items are answered one by one holds [`ListedId`]s
//! instead, so that a bad item fails alone.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{ApiError, ErrorCode};
use crate::limits;

/// A user's identifier within an app: printable ASCII (0x20–0x7e), 1 to 32 bytes (TIM rule 7003).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(String);

impl UserId {
    /// Parses a user identifier, with TIM's 7003 when it breaks the rules.
    pub fn parse(text: &str) -> Result<UserId, ApiError> {
        if text.is_empty() || text.len() > limits::IDENTIFIER_BYTES_MAX {
            return Err(ApiError::new(
                ErrorCode::INVALID_IDENTIFIER,
                format!(
                    "identifier {:?} must be 1 to {} bytes, it is {}",
                    text,
                    limits::IDENTIFIER_BYTES_MAX,
                    text.len()
                ),
            ));
        }
        if let Some(bad) = text.bytes().find(|b| !(0x20..=0x7e).contains(b)) {
            return Err(ApiError::new(
                ErrorCode::INVALID_IDENTIFIER,
                format!("identifier {text:?} contains byte 0x{bad:02x}; only printable ASCII (0x20-0x7e) is allowed"),
            ));
        }
        Ok(UserId(text.to_owned()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The sender of the messages the server makes itself (group tips), as TIM names it.
    pub fn system() -> UserId {
        UserId(SYSTEM_USER.to_owned())
    }

    /// The administrator a new app has, as TIM names it.
    pub fn default_admin() -> UserId {
        UserId(DEFAULT_ADMIN_USER.to_owned())
    }

    /// Whether the identifier is reserved for TIM's system senders (it begins with
    /// [`RESERVED_USER_PREFIX`]): no account may have it.
    pub fn is_reserved(&self) -> bool {
        self.0.starts_with(RESERVED_USER_PREFIX)
    }

    /// Refuses a reserved identifier (7003) where an account is created or logs in.
    pub fn check_not_reserved(&self) -> Result<(), ApiError> {
        if self.is_reserved() {
            return Err(ApiError::new(
                ErrorCode::INVALID_IDENTIFIER,
                format!(
                    "identifier {:?} is reserved: identifiers beginning with {RESERVED_USER_PREFIX} name TIM's system senders",
                    self.0
                ),
            ));
        }
        Ok(())
    }
}

/// The sender of server-made messages (group tips).
pub const SYSTEM_USER: &str = "@TIM#SYSTEM";
/// The administrator of a new app (TIM's default).
pub const DEFAULT_ADMIN_USER: &str = "administrator";
/// The prefix of TIM's system identifiers; no account may begin with it.
pub const RESERVED_USER_PREFIX: &str = "@TIM#";

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<UserId, D::Error> {
        let text = String::deserialize(deserializer)?;
        // The error carries its code (see `ApiError`'s `Display`).
        UserId::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A group's identifier: printable ASCII without spaces, 1 to 48 bytes.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct GroupId(String);

impl GroupId {
    /// Parses a group identifier, with TIM's 10015 when it breaks the rules.
    pub fn parse(text: &str) -> Result<GroupId, ApiError> {
        if text.is_empty() || text.len() > limits::GROUP_ID_BYTES_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_ID,
                format!("group ID {:?} must be 1 to {} bytes, it is {}", text, limits::GROUP_ID_BYTES_MAX, text.len()),
            ));
        }
        if let Some(bad) = text.bytes().find(|b| !(0x21..=0x7e).contains(b)) {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_ID,
                format!("group ID {text:?} contains byte 0x{bad:02x}; only printable ASCII without spaces is allowed"),
            ));
        }
        Ok(GroupId(text.to_owned()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for GroupId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<GroupId, D::Error> {
        let text = String::deserialize(deserializer)?;
        GroupId::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What [`UserId`] and [`GroupId`] have in common: parsed from text, written as text.
pub trait Identifier: Sized {
    /// Parses the identifier, with its TIM code when it breaks the rules.
    fn parse(text: &str) -> Result<Self, ApiError>;
    /// The identifier as text.
    fn as_str(&self) -> &str;
}

impl Identifier for UserId {
    fn parse(text: &str) -> Result<UserId, ApiError> {
        // The inherent function, which this names for generic code.
        UserId::parse(text)
    }

    fn as_str(&self) -> &str {
        UserId::as_str(self)
    }
}

impl Identifier for GroupId {
    fn parse(text: &str) -> Result<GroupId, ApiError> {
        // The inherent function, which this names for generic code.
        GroupId::parse(text)
    }

    fn as_str(&self) -> &str {
        GroupId::as_str(self)
    }
}

/// An item of a list whose items are answered one by one (`group_get_info`'s `group_ids`, and
/// REST lists that report a bad entry beside the good ones): the identifier, or the text as
/// given and why it is not one. On the wire it is the text either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListedId<T> {
    /// The text parsed.
    Valid(T),
    /// The text did not parse.
    Invalid {
        /// The text as given.
        text: String,
        /// Why it is not an identifier (7003 or 10015).
        error: ApiError,
    },
}

impl<T: Identifier> ListedId<T> {
    /// Parses one item.
    pub fn parse(text: &str) -> ListedId<T> {
        match T::parse(text) {
            Ok(id) => ListedId::Valid(id),
            Err(error) => ListedId::Invalid { text: text.to_owned(), error },
        }
    }

    /// The item as given.
    pub fn as_str(&self) -> &str {
        match self {
            ListedId::Valid(id) => id.as_str(),
            ListedId::Invalid { text, .. } => text,
        }
    }

    /// The identifier, or why the item is not one.
    pub fn valid(&self) -> Result<&T, &ApiError> {
        match self {
            ListedId::Valid(id) => Ok(id),
            ListedId::Invalid { error, .. } => Err(error),
        }
    }
}

impl<T: Identifier> From<T> for ListedId<T> {
    fn from(id: T) -> ListedId<T> {
        ListedId::Valid(id)
    }
}

impl<T: Identifier> Serialize for ListedId<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de, T: Identifier> Deserialize<'de> for ListedId<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ListedId<T>, D::Error> {
        Ok(ListedId::parse(&String::deserialize(deserializer)?))
    }
}

/// `#[serde(default, deserialize_with = "blank_as_none")]`: an identifier that may be left out,
/// as an absent key, `null` or `""` (TIM's REST client libraries send an optional account any of
/// these ways); any other text must be an identifier.
pub fn blank_as_none<'de, D: Deserializer<'de>, T: Identifier>(deserializer: D) -> Result<Option<T>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(text) if !text.is_empty() => T::parse(&text).map(Some).map_err(serde::de::Error::custom),
        _ => Ok(None),
    }
}

/// `#[serde(with = "optional_group_id")]`: a group ID that may be left out as `""` (create_group's
/// custom ID), `None` being written as `""`.
pub mod optional_group_id {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::GroupId;

    /// Writes `None` as `""`.
    pub fn serialize<S: Serializer>(group_id: &Option<GroupId>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(group_id.as_ref().map_or("", GroupId::as_str))
    }

    /// Reads `""` as `None`, anything else as a group ID (10015 when it is not one).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<GroupId>, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.is_empty() { Ok(None) } else { GroupId::parse(&text).map(Some).map_err(serde::de::Error::custom) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_follows_tim_rule_7003() {
        assert!(UserId::parse("alice").is_ok());
        assert!(UserId::parse("a b~").is_ok());
        assert!(UserId::parse(&"x".repeat(32)).is_ok());
        for bad in ["", "\u{e9}t\u{e9}", "tab\t", &"x".repeat(33)] {
            let err = UserId::parse(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::INVALID_IDENTIFIER, "{bad:?}");
        }
    }

    #[test]
    fn group_id_rejects_spaces_and_length() {
        assert!(GroupId::parse("@TGS#_team").is_ok());
        assert_eq!(GroupId::parse("a b").unwrap_err().code, ErrorCode::GROUP_INVALID_ID);
        assert_eq!(GroupId::parse(&"g".repeat(49)).unwrap_err().code, ErrorCode::GROUP_INVALID_ID);
    }

    #[test]
    fn deserialize_validates_and_carries_the_code() {
        let err = serde_json::from_str::<UserId>("\"\"").unwrap_err();
        assert!(err.to_string().contains("1 to 32 bytes"), "{err}");
        assert_eq!(ApiError::carried_by(&err), Some(UserId::parse("").unwrap_err()));
        let err = serde_json::from_str::<GroupId>("\"a b\"").unwrap_err();
        assert_eq!(ApiError::carried_by(&err), Some(GroupId::parse("a b").unwrap_err()));
    }

    #[test]
    fn a_listed_id_keeps_a_bad_item_as_given() {
        let items: Vec<ListedId<GroupId>> = serde_json::from_str(r#"["team", "a b", ""]"#).unwrap();
        assert_eq!(items[0], ListedId::Valid(GroupId::parse("team").unwrap()));
        assert_eq!(items[1].valid().unwrap_err().code, ErrorCode::GROUP_INVALID_ID);
        assert_eq!(items[2].valid().unwrap_err().code, ErrorCode::GROUP_INVALID_ID);
        assert_eq!(serde_json::to_string(&items).unwrap(), r#"["team","a b",""]"#);
        let users: Vec<ListedId<UserId>> = serde_json::from_str(r#"["tab\t"]"#).unwrap();
        assert_eq!(users[0].valid().unwrap_err().code, ErrorCode::INVALID_IDENTIFIER);
        assert_eq!(users[0].as_str(), "tab\t");
    }

    #[test]
    fn a_blank_identifier_is_none() {
        #[derive(Debug, Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "blank_as_none")]
            user: Option<UserId>,
        }
        for blank in [r#"{}"#, r#"{"user": null}"#, r#"{"user": ""}"#] {
            assert_eq!(serde_json::from_str::<Holder>(blank).unwrap().user, None, "{blank}");
        }
        assert_eq!(
            serde_json::from_str::<Holder>(r#"{"user": "bob"}"#).unwrap().user,
            Some(UserId::parse("bob").unwrap())
        );
        let err = serde_json::from_str::<Holder>(r#"{"user": "tab\t"}"#).unwrap_err();
        assert_eq!(ApiError::carried_by(&err).map(|err| err.code), Some(ErrorCode::INVALID_IDENTIFIER));
    }

    #[test]
    fn an_optional_group_id_is_empty_when_absent() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Holder {
            #[serde(with = "optional_group_id")]
            id: Option<GroupId>,
        }
        let none: Holder = serde_json::from_str(r#"{"id": ""}"#).unwrap();
        assert_eq!(none.id, None);
        assert_eq!(serde_json::to_string(&none).unwrap(), r#"{"id":""}"#);
        let some: Holder = serde_json::from_str(r#"{"id": "team"}"#).unwrap();
        assert_eq!(some.id, Some(GroupId::parse("team").unwrap()));
        let err = serde_json::from_str::<Holder>(r#"{"id": "a b"}"#).unwrap_err();
        assert_eq!(ApiError::carried_by(&err).map(|err| err.code), Some(ErrorCode::GROUP_INVALID_ID));
    }
}
