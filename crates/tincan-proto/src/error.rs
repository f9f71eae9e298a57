//! Error codes and the error value every surface carries.
//!
//! Where TIM defines a code for a condition, tincan uses TIM's number, because apps ported from
//! TIM branch on these numbers.
//! tincan's own additions live in the range 65000–65999, which TIM does not use.
//! The table [`ErrorCode::ALL`] is the single source of `docs/error-codes.md`; a test keeps the
//! two in step, and codes are never renumbered or reused.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A numeric error code as TIM defines it (or as tincan adds it, in 65000–65999).
///
/// This is an open newtype rather than an enum: a code the client does not know still parses.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(pub u32);

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $name:ident = $value:literal;)*) => {
        impl ErrorCode {
            $($(#[doc = $doc])* pub const $name: ErrorCode = ErrorCode($value);)*

            /// Every code tincan or its client libraries return, with its TIM name and meaning,
            /// in numeric order.
            pub const ALL: &'static [(ErrorCode, &'static str, &'static str)] = &[
                $((ErrorCode($value), stringify!($name), concat!($($doc),*)),)*
            ];
        }
    };
}

codes! {
    /// Success.
    SUCC = 0;
    /// Media: the element names content this server did not store for the sender (an ID that
    /// was not uploaded by this user, or a URL of this server's media not given by an upload).
    MEDIA_NOT_UPLOADED = 4001;
    /// Media: an image upload is not an image in a format the server reads (JPEG, PNG, GIF, WebP).
    MEDIA_INVALID_IMAGE = 4004;
    /// The SDK has not been initialised (`TIMInit` was not called).
    SDK_NOT_INITIALIZED = 6013;
    /// The SDK is not logged in, or the login was lost.
    SDK_NOT_LOGGED_IN = 6014;
    /// The same operation is already in progress.
    IN_PROGRESS = 6015;
    /// A message element is invalid (unknown type, missing or mistyped key).
    INVALID_MSG_ELEM = 6016;
    /// A parameter is missing, mistyped or out of range; `desc` names it.
    INVALID_PARAMETERS = 6017;
    /// A JSON text could not be parsed.
    INVALID_JSON = 6027;
    /// Logged out: another login or the administrator ended this session.
    LOGIN_KICKED_OFF = 6208;
    /// An identifier is not printable ASCII (0x20–0x7e) of 1 to 32 bytes.
    INVALID_IDENTIFIER = 7003;
    /// Media: the file does not exist (a `*_path` naming no readable file).
    FILE_NOT_FOUND = 7004;
    /// Media: the file is larger than its type allows (image and sound 28 MB, file and video
    /// 100 MB).
    FILE_TOO_LARGE = 7005;
    /// The API was called too often.
    API_CALL_FREQUENCY_LIMIT = 7008;
    /// An internal error; the server log has the cause.
    SDK_INTERNAL_ERROR = 7012;
    /// The app's plan does not include this feature (read receipts need `Ultimate`).
    INTERFACE_NOT_SUPPORT = 7013;
    /// The request is not valid in this state (for example an unknown operation).
    INVALID_OPERATION = 7014;
    /// The message body exceeds 12 KB.
    MSG_BODY_SIZE_LIMIT = 8001;
    /// The message was modified since the version this modification was made from; reload it
    /// and modify again.
    MSG_MODIFY_CONFLICT = 8006;
    /// The connection to the server was lost before the answer arrived.
    NET_DISCONNECTED = 9508;
    /// The server did not answer in time.
    NET_WAIT_ACK_TIMEOUT = 9520;
    /// Group: internal error.
    GROUP_INTERNAL_ERROR = 10002;
    /// Group: invalid parameters.
    GROUP_INVALID_PARAMETERS = 10004;
    /// Group: too many accounts in one request.
    GROUP_TOO_MANY_ACCOUNTS = 10005;
    /// Group: the operator has no permission for this operation.
    GROUP_PERMISSION_DENIED = 10007;
    /// Group: the owner cannot quit this group; it may dismiss it.
    GROUP_OWNER_CANNOT_QUIT = 10009;
    /// Group: the group does not exist or has been dismissed.
    GROUP_NOT_FOUND = 10010;
    /// Group: the account is already a member.
    GROUP_ALREADY_MEMBER = 10013;
    /// Group: the group is full.
    GROUP_FULL = 10014;
    /// Group: the group ID is invalid.
    GROUP_INVALID_ID = 10015;
    /// Group: a before-send webhook refused the message.
    GROUP_REJECTED_BY_CALLBACK = 10016;
    /// Group: the sender is muted in this group, or the group is muted for all but its owner and admins.
    GROUP_MEMBER_MUTED = 10017;
    /// Group: an account in the request does not exist.
    GROUP_ACCOUNT_NOT_FOUND = 10019;
    /// Group: the group ID is already in use.
    GROUP_ID_IN_USE = 10021;
    /// Group: the message to revoke does not exist (or was never this group's).
    GROUP_REVOKE_MSG_NOT_FOUND = 10030;
    /// Group: the message is older than the app's revoke time limit.
    GROUP_REVOKE_MSG_TIME_LIMIT = 10031;
    /// Group: the operator may not revoke this message (only its sender, the owner and the
    /// admins may).
    GROUP_REVOKE_MSG_DENY = 10032;
    /// Group: read-receipt information does not exist for this message.
    GROUP_RECEIPT_NOT_FOUND = 10062;
    /// C2C (REST): the request is invalid; `desc` says how.
    C2C_INVALID_REQUEST = 20001;
    /// C2C: the sender or the receiver is not a valid account.
    C2C_INVALID_ACCOUNT = 20003;
    /// C2C: a before-send webhook refused the message.
    C2C_REJECTED_BY_CALLBACK = 20006;
    /// C2C: the receiver has blocked the sender (only when the app tells blocked senders so).
    C2C_BLOCKED_BY_PEER = 20007;
    /// C2C: the app requires friendship for C2C messages and neither has the other as a friend.
    C2C_NOT_FRIENDS = 20009;
    /// C2C: the app requires friendship and the sender is not in the receiver's friend list.
    C2C_NOT_PEERS_FRIEND = 20010;
    /// C2C: the app requires friendship and the receiver is not in the sender's friend list.
    C2C_PEER_NOT_FRIEND = 20011;
    /// C2C: the message is older than the app's revoke time limit.
    C2C_REVOKE_TIME_LIMIT = 20016;
    /// Message extensions: the key was changed since the seq this change was made from (someone
    /// else changed it first); the result carries the key as it is now.
    MSG_EXTENSION_CONFLICT = 23001;
    /// Message extensions: the key to delete does not exist.
    MSG_EXTENSION_NOT_EXIST = 23004;
    /// Relationship: invalid parameters, or a change the relationship does not allow (adding a
    /// friend one has, deleting or updating one one has not, blocking twice); `desc` says which.
    FRIEND_INVALID_PARAMETERS = 30001;
    /// Relationship: the account does not exist.
    FRIEND_ACCOUNT_NOT_FOUND = 30003;
    /// Relationship: the user's friend list (or blocklist, or friend groups) is full.
    FRIEND_LIST_FULL = 30010;
    /// Relationship: the other user's friend list is full.
    FRIEND_PEER_LIST_FULL = 30014;
    /// Relationship: the user to add is in the user's own blocklist.
    FRIEND_PEER_IN_BLOCKLIST = 30515;
    /// Relationship: the user to add lets no one add them (`AllowType_Type_DenyAny`).
    FRIEND_PEER_DENIES_ALL = 30516;
    /// Relationship: the user to add has blocked the user.
    FRIEND_IN_PEERS_BLOCKLIST = 30525;
    /// Relationship: the request was sent and waits for the other user's answer.
    FRIEND_PENDING = 30539;
    /// Profile: invalid parameters (a REST item that is not a tag and a value of its type).
    PROFILE_INVALID_PARAMETERS = 40001;
    /// Profile: the account does not exist.
    PROFILE_ACCOUNT_NOT_FOUND = 40003;
    /// Profile: no such profile field (an unknown tag, or a custom key that cannot be one).
    PROFILE_TAG_NOT_FOUND = 40009;
    /// Profile: a value is too long, or a profile would hold too many custom fields.
    PROFILE_SIZE_LIMIT = 40601;
    /// Profile: a value is out of its range (a gender or add-permission not TIM's).
    PROFILE_VALUE_ERROR = 40605;
    /// Profile: a value has the wrong type (a number where text belongs, or the reverse).
    PROFILE_INVALID_VALUE_FORMAT = 40610;
    /// REST `recentcontact`: the account does not exist.
    RECENT_ACCOUNT_NOT_FOUND = 50001;
    /// REST `recentcontact`: a parameter is missing or invalid.
    RECENT_INVALID_PARAMETERS = 50002;
    /// Conversations: the user has too many conversations marked, with custom data or in
    /// conversation groups (1,000), or a conversation group is full.
    CONV_SETTINGS_LIMIT = 51008;
    /// Conversations: the conversation group does not exist.
    CONV_GROUP_NOT_FOUND = 51009;
    /// Conversations: the user has the most conversation groups allowed (20).
    CONV_GROUP_LIMIT = 51010;
    /// Conversations: the conversation group's name is empty, too long (32 bytes) or taken.
    CONV_GROUP_NAME_INVALID = 51011;
    /// REST: the HTTP URL is invalid.
    REST_BAD_URL = 60002;
    /// REST: the request body is not valid JSON.
    REST_INVALID_JSON = 60003;
    /// REST: the identifier or the UserSig is wrong.
    REST_BAD_IDENTIFIER = 60004;
    /// REST: the SDKAppID is invalid.
    REST_INVALID_SDKAPPID = 60006;
    /// REST: the request timed out (its body did not arrive in time).
    REST_TIMEOUT = 60008;
    /// REST: the identifier must be the app's admin.
    REST_ADMIN_REQUIRED = 60010;
    /// REST: the SDKAppID is missing.
    REST_MISSING_SDKAPPID = 60012;
    /// REST: the package does not include this feature.
    REST_PACKAGE_NOT_PURCHASED = 60020;
    /// The server is overloaded; retry later.
    SERVER_BUSY = 65001;
    /// Read receipts are not enabled for this group type in the app's configuration.
    RECEIPT_GROUP_TYPE_DISABLED = 65002;
    /// The group has more members than the app allows read receipts for.
    RECEIPT_GROUP_TOO_LARGE = 65003;
    /// The connection could not keep up with its pushes and was closed; resume to catch up.
    SLOW_CONSUMER = 65004;
    /// The app (SDKAppID) does not exist on this server.
    APP_NOT_FOUND = 65005;
    /// UserSig: expired.
    USERSIG_EXPIRED = 70001;
    /// UserSig: empty.
    USERSIG_EMPTY = 70002;
    /// UserSig: cannot be decoded.
    USERSIG_MALFORMED = 70003;
    /// UserSig: the signature does not verify with the app's key.
    USERSIG_KEY_MISMATCH = 70009;
    /// UserSig: made for another identifier.
    USERSIG_IDENTIFIER_MISMATCH = 70013;
    /// UserSig: made for another SDKAppID.
    USERSIG_SDKAPPID_MISMATCH = 70014;
    /// The SDKAppID does not exist.
    SDKAPPID_NOT_FOUND = 70020;
    /// The account does not exist.
    ACCOUNT_NOT_FOUND = 70107;
    /// REST: a request body key is missing, mistyped or out of range.
    REST_INVALID_PARAMETERS = 70402;
    /// Administrator rights are required.
    ADMIN_REQUIRED = 70403;
    /// C2C (REST): the body is not valid JSON or a key has the wrong type.
    OPENIM_INVALID_JSON = 90001;
    /// C2C (REST): `MsgBody` is invalid; `desc` says which element and key.
    OPENIM_INVALID_MSG_BODY = 90002;
    /// C2C (REST): `To_Account` is missing.
    OPENIM_TO_ACCOUNT_MISSING = 90003;
    /// C2C (REST): `MsgRandom` is missing.
    OPENIM_MSG_RANDOM_MISSING = 90005;
    /// C2C (REST): `MsgTimeStamp` is missing, not an integer, or in the future (`importmsg`).
    OPENIM_MSG_TIMESTAMP_INVALID = 90006;
    /// C2C (REST): `MsgBody` is not an array.
    OPENIM_MSG_BODY_NOT_ARRAY = 90007;
    /// C2C (REST): more than 500 receivers in one `batchsendmsg`.
    OPENIM_TOO_MANY_TARGETS = 90011;
    /// C2C (REST): `To_Account` does not exist.
    OPENIM_TO_ACCOUNT_NOT_FOUND = 90012;
    /// C2C (REST): `SyncFromOldSystem` is missing or not one of its values (`importmsg`).
    OPENIM_SYNC_FROM_OLD_SYSTEM_INVALID = 90030;
    /// C2C (REST): the request body is too long.
    OPENIM_BODY_TOO_LONG = 93000;
}

impl ErrorCode {
    /// The numeric value as it goes on the wire.
    pub fn value(self) -> u32 {
        self.0
    }

    /// The TIM-style name of a known code (`INVALID_PARAMETERS` for 6017), or `None`.
    pub fn name(self) -> Option<&'static str> {
        Self::ALL.iter().find(|(code, _, _)| *code == self).map(|(_, name, _)| *name)
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{}({})", name, self.0),
            None => write!(f, "ErrorCode({})", self.0),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A failed operation: a code and a description that says what was wrong.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// The TIM error code.
    pub code: ErrorCode,
    /// What was wrong, for people; apps branch on `code`, never on this text.
    pub desc: String,
}

impl ApiError {
    /// Builds an error from a code and a description.
    pub fn new(code: ErrorCode, desc: impl Into<String>) -> ApiError {
        ApiError { code, desc: desc.into() }
    }

    /// A 6017 naming the parameter that was wrong.
    pub fn invalid_parameter(desc: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::INVALID_PARAMETERS, desc)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.desc)
    }
}

/// `error <code>: <desc>`.
///
/// This is also how an error travels through serde: a `Deserialize` impl that refuses a value
/// with an `ApiError` (an identifier that does not parse) makes its serde error from this text,
/// with `serde::de::Error::custom(error)` or a `#[serde(try_from)]` whose error is an `ApiError`,
/// and [`ApiError::carried_by`] reads the code back, so that the caller answers with the
/// identifier's own code rather than a generic invalid-parameter one.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{CARRIER_PREFIX}{}: {}", self.code.0, self.desc)
    }
}

impl std::error::Error for ApiError {}

/// The start of an `ApiError`'s text. No message of serde or serde_json starts with it (theirs
/// start with fixed words such as `invalid type`, `missing field` or `unknown variant`, never
/// with input), so only an error made from an `ApiError` is read back as one.
const CARRIER_PREFIX: &str = "error ";

impl ApiError {
    /// The error a deserialization error carries, when a `Deserialize` impl made it from an
    /// `ApiError` (see its `Display`); `None` for serde's own errors.
    pub fn carried_by(error: &serde_json::Error) -> Option<ApiError> {
        let text = error.to_string();
        // serde_json adds the position to errors read from text.
        let position = format!(" at line {} column {}", error.line(), error.column());
        let message = if error.line() == 0 { text.as_str() } else { text.strip_suffix(&position)? };
        let (code, desc) = message.strip_prefix(CARRIER_PREFIX)?.split_once(": ")?;
        if code.is_empty() || !code.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        Some(ApiError::new(ErrorCode(code.parse().ok()?), desc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_and_unique() {
        // The table is documentation; keeping it sorted keeps the generated page readable and
        // makes a duplicate number impossible to miss.
        let values: Vec<u32> = ErrorCode::ALL.iter().map(|(code, _, _)| code.0).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(values, sorted);
    }

    #[test]
    fn an_error_travels_through_serde_with_its_code() {
        #[derive(Debug)]
        struct Refused;
        impl<'de> serde::Deserialize<'de> for Refused {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Refused, D::Error> {
                let text = String::deserialize(deserializer)?;
                Err(serde::de::Error::custom(ApiError::new(
                    ErrorCode::INVALID_IDENTIFIER,
                    format!("no {text:?}: here"),
                )))
            }
        }
        let expected = ApiError::new(ErrorCode::INVALID_IDENTIFIER, "no \"x\": here");
        // Read from text, serde_json adds the position; read from a value, it does not.
        let from_text = serde_json::from_str::<Vec<Refused>>(r#"["x"]"#).unwrap_err();
        assert!(from_text.line() > 0, "{from_text}");
        assert_eq!(ApiError::carried_by(&from_text), Some(expected.clone()));
        let from_value = serde_json::from_value::<Refused>(serde_json::json!("x")).unwrap_err();
        assert_eq!(ApiError::carried_by(&from_value), Some(expected));
        // serde's own errors carry nothing, whatever the input says.
        #[derive(Debug, serde::Deserialize)]
        enum Named {
            #[allow(dead_code)]
            Known,
        }
        let forged = r#""error 7003: x""#;
        let errors = [
            serde_json::from_str::<u8>(forged).unwrap_err(),
            serde_json::from_str::<Named>(forged).unwrap_err(),
            serde_json::from_value::<Named>(serde_json::json!("error 7003: x")).unwrap_err(),
        ];
        for err in errors {
            assert_eq!(ApiError::carried_by(&err), None, "{err}");
        }
    }

    #[test]
    fn tim_numbers_are_kept() {
        // Apps ported from TIM branch on these exact numbers.
        assert_eq!(ErrorCode::INVALID_PARAMETERS.0, 6017);
        assert_eq!(ErrorCode::INTERFACE_NOT_SUPPORT.0, 7013);
        assert_eq!(ErrorCode::GROUP_PERMISSION_DENIED.0, 10007);
        assert_eq!(ErrorCode::USERSIG_EXPIRED.0, 70001);
        assert_eq!(format!("{:?}", ErrorCode(6017)), "INVALID_PARAMETERS(6017)");
        assert_eq!(format!("{:?}", ErrorCode(1)), "ErrorCode(1)");
    }
}
