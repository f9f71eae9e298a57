//! The TIM `Message` object and its elements.
//!
//! Field names are TIM's JSON keys, so the Rust names are the wire names.
//! Every field has a default, so that a client may send a partial message (only the keys it
//! knows) and a message as TIM returned it (with keys tincan ignores) parses either way.

use std::borrow::Borrow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::{ConvType, ElemType, MsgStatus};
use crate::error::{ApiError, ErrorCode};
use crate::limits;

/// A message, with TIM's keys (`kTIMMsg*`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Message {
    /// The elements; required when sending.
    pub message_elem_array: Vec<Elem>,
    /// The peer's user ID (C2C) or the group ID.
    pub message_conv_id: String,
    /// The conversation type.
    pub message_conv_type: ConvType,
    /// The sender's user ID.
    pub message_sender: String,
    /// `TIMMsgPriority`; stored and returned, not otherwise used.
    pub message_priority: u32,
    /// The sender's clock when it sent, in seconds.
    pub message_client_time: u64,
    /// The server's clock when it accepted the message, in seconds.
    pub message_server_time: u64,
    /// Whether the reader of this object sent the message.
    pub message_is_from_self: bool,
    /// `TIMPlatform` of the sending device.
    pub message_platform: u32,
    /// Whether the reader of this object has read the message (its conversation read position is
    /// at or past it); always true for one's own messages.
    pub message_is_read: bool,
    /// Whether this was an online-only message; tincan stores every message, so always false.
    pub message_is_online_msg: bool,
    /// C2C, conversation level: the peer has marked the conversation read up to this message.
    pub message_is_peer_read: bool,
    /// C2C, message level: the peer sent a read receipt for this message.
    pub message_receipt_peer_read: bool,
    /// The sender asked for read receipts.
    pub message_need_read_receipt: bool,
    /// Reader side: this user has sent a read receipt for the message.
    pub message_has_sent_receipt: bool,
    /// Group, sender side: members who have read the message.
    pub message_group_receipt_read_count: u64,
    /// Group, sender side: members who have not read the message.
    pub message_group_receipt_unread_count: u64,
    /// `TIMMsgStatus`.
    pub message_status: MsgStatus,
    /// A number unique to the message on this server.
    pub message_unique_id: u64,
    /// The message ID: `<sender tiny id>-<client time>-<rand>`.
    pub message_msg_id: String,
    /// The sender's random number; with the client time it makes a resend recognisable.
    pub message_rand: u64,
    /// The message's position in its conversation, assigned by the server.
    pub message_seq: u64,
    /// App-defined data stored with the message.
    pub message_cloud_custom_str: String,
    /// App-defined number (local in TIM; stored here).
    pub message_custom_int: i64,
    /// App-defined text (local in TIM; stored here).
    pub message_custom_str: String,
    /// Whether the message is left out of unread counts.
    pub message_is_excluded_from_unread_count: bool,
    /// The sender's profile as it is when the message is read (its current nickname and
    /// avatar); set by the server, ignored in what a client sends. Only its fields that are
    /// set are written.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "crate::profile::serialize_sender_profile")]
    pub message_sender_profile: Option<Box<crate::profile::UserProfile>>,
    /// How many times the message was modified (`TIMMsgModifyMessage`): a modification carries
    /// the version it was made from, and one made from an older version is refused.
    pub message_version: u64,
    /// Who revoked the message, when `message_status` is revoked.
    pub message_revoker_user_id: String,
    /// Why it was revoked, as the revoker said (TIM 7.4's `message_revoke_reason`).
    pub message_revoke_reason: String,
    /// Whether the message takes extensions (`TIMMsgSetMessageExtensions`); set by its sender
    /// when sending, and kept.
    pub message_support_message_extension: bool,
}

/// The keys that name a stored message: its conversation, ID and seq. Receipt calls send only
/// these, since the server reads everything else from its own record; it serializes as a
/// partial [`Message`], which the server parses as one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MessageKeys<'a> {
    /// The peer's user ID (C2C) or the group ID.
    pub message_conv_id: &'a str,
    /// The conversation type.
    pub message_conv_type: ConvType,
    /// The message ID.
    pub message_msg_id: &'a str,
    /// The message's position in its conversation.
    pub message_seq: u64,
}

impl<'a> From<&'a Message> for MessageKeys<'a> {
    fn from(message: &'a Message) -> MessageKeys<'a> {
        MessageKeys {
            message_conv_id: &message.message_conv_id,
            message_conv_type: message.message_conv_type,
            message_msg_id: &message.message_msg_id,
            message_seq: message.message_seq,
        }
    }
}

/// A list of messages named by their keys: `{"messages": [...]}`, the parameters of the receipt
/// calls.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessagesByKeys<'a> {
    /// The messages.
    pub messages: Vec<MessageKeys<'a>>,
}

impl<'a> MessagesByKeys<'a> {
    /// The keys of `messages` (owned or shared, as a client holds them).
    pub fn of(messages: &'a [impl Borrow<Message>]) -> MessagesByKeys<'a> {
        MessagesByKeys { messages: messages.iter().map(|message| MessageKeys::from(message.borrow())).collect() }
    }
}

/// One element of a message: a JSON object with `elem_type` and the type's keys.
///
/// Elements are kept as JSON objects, so that the server's own elements (group tips) carry
/// what they need; an element a client sends is checked by [`Elem::validate_for_send`] and
/// keeps only the keys of its type ([`Elem::strip_unknown_keys`]), as TIM's server, which
/// keeps a fixed set of fields per element, does.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Elem(pub Map<String, Value>);

/// The JSON type a known element key must have.
#[derive(Clone, Copy)]
enum KeyKind {
    Text,
    Unsigned,
    Signed,
    Number,
    Bool,
    TextArray,
    ObjectArray,
}

const TEXT_KEYS: &[(&str, KeyKind)] = &[("text_elem_content", KeyKind::Text)];
const CUSTOM_KEYS: &[(&str, KeyKind)] = &[
    ("custom_elem_data", KeyKind::Text),
    ("custom_elem_desc", KeyKind::Text),
    ("custom_elem_ext", KeyKind::Text),
    ("custom_elem_sound", KeyKind::Text),
];
const IMAGE_KEYS: &[(&str, KeyKind)] = &[
    ("image_elem_orig_path", KeyKind::Text),
    ("image_elem_level", KeyKind::Unsigned),
    ("image_elem_format", KeyKind::Signed),
    ("image_elem_orig_id", KeyKind::Text),
    ("image_elem_orig_pic_height", KeyKind::Unsigned),
    ("image_elem_orig_pic_width", KeyKind::Unsigned),
    ("image_elem_orig_pic_size", KeyKind::Unsigned),
    ("image_elem_orig_url", KeyKind::Text),
    ("image_elem_thumb_id", KeyKind::Text),
    ("image_elem_thumb_pic_height", KeyKind::Unsigned),
    ("image_elem_thumb_pic_width", KeyKind::Unsigned),
    ("image_elem_thumb_pic_size", KeyKind::Unsigned),
    ("image_elem_thumb_url", KeyKind::Text),
    ("image_elem_large_id", KeyKind::Text),
    ("image_elem_large_pic_height", KeyKind::Unsigned),
    ("image_elem_large_pic_width", KeyKind::Unsigned),
    ("image_elem_large_pic_size", KeyKind::Unsigned),
    ("image_elem_large_url", KeyKind::Text),
];
const SOUND_KEYS: &[(&str, KeyKind)] = &[
    ("sound_elem_file_path", KeyKind::Text),
    ("sound_elem_file_size", KeyKind::Unsigned),
    ("sound_elem_file_time", KeyKind::Unsigned),
    ("sound_elem_file_id", KeyKind::Text),
    ("sound_elem_url", KeyKind::Text),
];
const FILE_KEYS: &[(&str, KeyKind)] = &[
    ("file_elem_file_path", KeyKind::Text),
    ("file_elem_file_name", KeyKind::Text),
    ("file_elem_file_id", KeyKind::Text),
    ("file_elem_file_size", KeyKind::Unsigned),
    ("file_elem_url", KeyKind::Text),
];
const VIDEO_KEYS: &[(&str, KeyKind)] = &[
    ("video_elem_video_type", KeyKind::Text),
    ("video_elem_video_size", KeyKind::Unsigned),
    ("video_elem_video_duration", KeyKind::Unsigned),
    ("video_elem_video_path", KeyKind::Text),
    ("video_elem_video_id", KeyKind::Text),
    ("video_elem_video_url", KeyKind::Text),
    ("video_elem_image_type", KeyKind::Text),
    ("video_elem_image_size", KeyKind::Unsigned),
    ("video_elem_image_width", KeyKind::Unsigned),
    ("video_elem_image_height", KeyKind::Unsigned),
    ("video_elem_image_path", KeyKind::Text),
    ("video_elem_image_id", KeyKind::Text),
    ("video_elem_image_url", KeyKind::Text),
];
const FACE_KEYS: &[(&str, KeyKind)] = &[("face_elem_index", KeyKind::Signed), ("face_elem_buf", KeyKind::Text)];
const LOCATION_KEYS: &[(&str, KeyKind)] = &[
    ("location_elem_desc", KeyKind::Text),
    ("location_elem_longitude", KeyKind::Number),
    ("location_elem_latitude", KeyKind::Number),
];

/// A merged-forward message (`kTIMElem_Merge`): its title and abstract as the chat shows them, a
/// text for clients that cannot show it, and the forwarded messages themselves, which the
/// server keeps inside the message (within the body limit) and hands back whole.
const MERGE_KEYS: &[(&str, KeyKind)] = &[
    ("merge_elem_title", KeyKind::Text),
    ("merge_elem_abstract_array", KeyKind::TextArray),
    ("merge_elem_compatible_text", KeyKind::Text),
    ("merge_elem_message_array", KeyKind::ObjectArray),
    ("merge_elem_layer_over_limit", KeyKind::Bool),
];

impl Elem {
    /// A text element.
    pub fn text(content: impl Into<String>) -> Elem {
        let mut map = Map::new();
        map.insert("elem_type".to_owned(), Value::from(ElemType::TEXT.0));
        map.insert("text_elem_content".to_owned(), Value::String(content.into()));
        Elem(map)
    }

    /// A custom element carrying app-defined data.
    pub fn custom(data: impl Into<String>) -> Elem {
        let mut map = Map::new();
        map.insert("elem_type".to_owned(), Value::from(ElemType::CUSTOM.0));
        map.insert("custom_elem_data".to_owned(), Value::String(data.into()));
        Elem(map)
    }

    /// The element's type, if `elem_type` is present and an integer.
    pub fn elem_type(&self) -> Option<ElemType> {
        let value = self.0.get("elem_type")?.as_i64()?;
        i32::try_from(value).ok().map(ElemType)
    }

    /// The text of a text element.
    pub fn text_content(&self) -> Option<&str> {
        self.0.get("text_elem_content")?.as_str()
    }

    /// Drops every key that is not `elem_type` or a key of the element's type, so that what is
    /// stored is what every reader returns (a client's extra key, nested however deep, would
    /// otherwise be kept and sent back). Call after [`Elem::validate_for_send`].
    pub fn strip_unknown_keys(&mut self) {
        let Some(Ok(keys)) = self.elem_type().map(|elem_type| keys_of(elem_type, 0)) else { return };
        self.0.retain(|key, _| key == "elem_type" || keys.iter().any(|(known, _)| known == key));
    }

    /// Checks an element a client wants to send: a known type a client may send, and every key
    /// tincan knows for that type of the right JSON type; a text element needs its content.
    pub fn validate_for_send(&self, index: usize) -> Result<(), ApiError> {
        let invalid = |desc: String| ApiError::new(ErrorCode::INVALID_MSG_ELEM, desc);
        let elem_type = self
            .elem_type()
            .ok_or_else(|| invalid(format!("message_elem_array[{index}].elem_type is missing or not an integer")))?;
        let keys = keys_of(elem_type, index)?;
        for (key, kind) in keys {
            let Some(value) = self.0.get(*key) else { continue };
            let ok = match kind {
                KeyKind::Text => value.is_string(),
                KeyKind::Unsigned => value.is_u64(),
                KeyKind::Signed => value.is_i64() || value.is_u64(),
                KeyKind::Number => value.is_number(),
                KeyKind::Bool => value.is_boolean(),
                KeyKind::TextArray => value.as_array().is_some_and(|items| items.iter().all(Value::is_string)),
                KeyKind::ObjectArray => value.as_array().is_some_and(|items| items.iter().all(Value::is_object)),
            };
            if !ok {
                let expected = match kind {
                    KeyKind::Text => "a string",
                    KeyKind::Unsigned => "a non-negative integer",
                    KeyKind::Signed => "an integer",
                    KeyKind::Number => "a number",
                    KeyKind::Bool => "true or false",
                    KeyKind::TextArray => "an array of strings",
                    KeyKind::ObjectArray => "an array of Message objects",
                };
                return Err(invalid(format!("message_elem_array[{index}].{key} must be {expected}, got {value}")));
            }
        }
        if elem_type == ElemType::TEXT && !self.0.contains_key("text_elem_content") {
            return Err(invalid(format!(
                "message_elem_array[{index}].text_elem_content is required for a text element"
            )));
        }
        Ok(())
    }
}

/// The keys a client may send in an element of `elem_type` (element `index` of its message),
/// with their JSON types; refuses types a client may not send.
fn keys_of(elem_type: ElemType, index: usize) -> Result<&'static [(&'static str, KeyKind)], ApiError> {
    let invalid = |desc: String| ApiError::new(ErrorCode::INVALID_MSG_ELEM, desc);
    let keys = match elem_type {
        ElemType::TEXT => TEXT_KEYS,
        ElemType::CUSTOM => CUSTOM_KEYS,
        ElemType::IMAGE => IMAGE_KEYS,
        ElemType::SOUND => SOUND_KEYS,
        ElemType::FILE => FILE_KEYS,
        ElemType::VIDEO => VIDEO_KEYS,
        ElemType::FACE => FACE_KEYS,
        ElemType::LOCATION => LOCATION_KEYS,
        ElemType::MERGE => MERGE_KEYS,
        ElemType::GROUP_TIPS | ElemType::GROUP_REPORT => {
            return Err(invalid(format!(
                "message_elem_array[{index}]: elem_type {} is made by the server and cannot be sent",
                elem_type.0
            )));
        }
        other => {
            return Err(invalid(format!("message_elem_array[{index}]: elem_type {} is not supported", other.0)));
        }
    };
    Ok(keys)
}

/// Deserializes a message parameter TIM lets the app leave empty: `""` and `null` (and, with
/// `#[serde(default)]`, an absent key) mean none, as TIM's examples write them.
pub fn empty_or_message<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Message>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Message(Box<Message>),
        Text(String),
        Null(()),
    }
    match Given::deserialize(deserializer)? {
        Given::Message(message) => Ok(Some(*message)),
        Given::Text(text) if text.is_empty() => Ok(None),
        Given::Text(_) => Err(serde::de::Error::custom("expected a Message object, \"\" or null")),
        Given::Null(()) => Ok(None),
    }
}

impl Message {
    /// Checks the body of a message a client wants to send: one to [`limits::MESSAGE_ELEMS_MAX`]
    /// valid elements, and a body of at most [`limits::MESSAGE_BODY_BYTES_MAX`] bytes; drops the
    /// keys its elements' types do not have.
    pub fn validate_body_for_send(&mut self) -> Result<(), ApiError> {
        if self.message_elem_array.is_empty() {
            return Err(ApiError::new(
                ErrorCode::INVALID_MSG_ELEM,
                "message_elem_array is empty; a message needs at least one element",
            ));
        }
        if self.message_elem_array.len() > limits::MESSAGE_ELEMS_MAX {
            return Err(ApiError::new(
                ErrorCode::INVALID_MSG_ELEM,
                format!(
                    "message_elem_array has {} elements; at most {} are allowed",
                    self.message_elem_array.len(),
                    limits::MESSAGE_ELEMS_MAX
                ),
            ));
        }
        for (index, elem) in self.message_elem_array.iter_mut().enumerate() {
            elem.validate_for_send(index)?;
            elem.strip_unknown_keys();
        }
        let body_bytes = self.body_bytes();
        if body_bytes > limits::MESSAGE_BODY_BYTES_MAX {
            return Err(ApiError::new(
                ErrorCode::MSG_BODY_SIZE_LIMIT,
                format!("message body is {body_bytes} bytes; the limit is {} bytes", limits::MESSAGE_BODY_BYTES_MAX),
            ));
        }
        Ok(())
    }

    /// The size of the message body as TIM counts it: the elements, the cloud custom string and
    /// the custom string.
    pub fn body_bytes(&self) -> usize {
        let elems = serde_json::to_vec(&self.message_elem_array).map(|it| it.len()).unwrap_or(usize::MAX);
        elems.saturating_add(self.message_cloud_custom_str.len()).saturating_add(self.message_custom_str.len())
    }

    /// The message as JSON, byte for byte what `serde_json::to_string` writes, at a good part
    /// less of the cost: every push and every send's answer writes a message, and serde writes
    /// each of its thirty keys through the escaping a key that may hold anything needs. These
    /// keys are fixed identifiers, written here as they are; the values go through serde.
    pub fn to_json(&self) -> serde_json::Result<String> {
        let mut out = Vec::with_capacity(1024 + self.message_cloud_custom_str.len() + self.message_custom_str.len());
        self.write_json(&mut out)?;
        json_text(out)
    }

    /// Appends the message's JSON (see [`Message::to_json`]) to `out`, for an answer that holds
    /// a message to write it in place.
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        // Destructured, so that a field added to `Message` does not compile until it is written.
        let Message {
            message_elem_array,
            message_conv_id,
            message_conv_type,
            message_sender,
            message_priority,
            message_client_time,
            message_server_time,
            message_is_from_self,
            message_platform,
            message_is_read,
            message_is_online_msg,
            message_is_peer_read,
            message_receipt_peer_read,
            message_need_read_receipt,
            message_has_sent_receipt,
            message_group_receipt_read_count,
            message_group_receipt_unread_count,
            message_status,
            message_unique_id,
            message_msg_id,
            message_rand,
            message_seq,
            message_cloud_custom_str,
            message_custom_int,
            message_custom_str,
            message_is_excluded_from_unread_count,
            message_sender_profile,
            message_version,
            message_revoker_user_id,
            message_revoke_reason,
            message_support_message_extension,
        } = self;
        let mut out = JsonObject::start(out);
        out.field("message_elem_array", message_elem_array)?;
        out.field("message_conv_id", message_conv_id)?;
        out.field("message_conv_type", message_conv_type)?;
        out.field("message_sender", message_sender)?;
        out.field("message_priority", message_priority)?;
        out.field("message_client_time", message_client_time)?;
        out.field("message_server_time", message_server_time)?;
        out.field("message_is_from_self", message_is_from_self)?;
        out.field("message_platform", message_platform)?;
        out.field("message_is_read", message_is_read)?;
        out.field("message_is_online_msg", message_is_online_msg)?;
        out.field("message_is_peer_read", message_is_peer_read)?;
        out.field("message_receipt_peer_read", message_receipt_peer_read)?;
        out.field("message_need_read_receipt", message_need_read_receipt)?;
        out.field("message_has_sent_receipt", message_has_sent_receipt)?;
        out.field("message_group_receipt_read_count", message_group_receipt_read_count)?;
        out.field("message_group_receipt_unread_count", message_group_receipt_unread_count)?;
        out.field("message_status", message_status)?;
        out.field("message_unique_id", message_unique_id)?;
        out.field("message_msg_id", message_msg_id)?;
        out.field("message_rand", message_rand)?;
        out.field("message_seq", message_seq)?;
        out.field("message_cloud_custom_str", message_cloud_custom_str)?;
        out.field("message_custom_int", message_custom_int)?;
        out.field("message_custom_str", message_custom_str)?;
        out.field("message_is_excluded_from_unread_count", message_is_excluded_from_unread_count)?;
        if message_sender_profile.is_some() {
            out.key("message_sender_profile");
            crate::profile::serialize_sender_profile(message_sender_profile, &mut out.serializer())?;
        }
        out.field("message_version", message_version)?;
        out.field("message_revoker_user_id", message_revoker_user_id)?;
        out.field("message_revoke_reason", message_revoke_reason)?;
        out.field("message_support_message_extension", message_support_message_extension)?;
        out.finish();
        Ok(())
    }
}

/// JSON text from the bytes a serializer wrote (always UTF-8).
pub(crate) fn json_text(bytes: Vec<u8>) -> serde_json::Result<String> {
    String::from_utf8(bytes).map_err(|err| serde::ser::Error::custom(format!("not UTF-8: {err}")))
}

/// A JSON object written a field at a time at the end of a buffer, for [`Message::write_json`].
struct JsonObject<'a> {
    bytes: &'a mut Vec<u8>,
    /// Whether a field was written (the next one needs a comma).
    any: bool,
}

impl JsonObject<'_> {
    fn start(bytes: &mut Vec<u8>) -> JsonObject<'_> {
        bytes.push(b'{');
        JsonObject { bytes, any: false }
    }

    /// Writes `"key":`, after a comma unless it is the first key. The key is written as it is:
    /// it must need no escaping.
    fn key(&mut self, key: &'static str) {
        debug_assert!(key.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_'), "{key}");
        if self.any {
            self.bytes.push(b',');
        }
        self.any = true;
        self.bytes.push(b'"');
        self.bytes.extend_from_slice(key.as_bytes());
        self.bytes.extend_from_slice(b"\":");
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> serde_json::Result<()> {
        self.key(key);
        value.serialize(&mut self.serializer())
    }

    fn serializer(&mut self) -> serde_json::Serializer<&mut Vec<u8>> {
        serde_json::Serializer::new(&mut *self.bytes)
    }

    fn finish(self) {
        self.bytes.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn elem(value: Value) -> Elem {
        serde_json::from_value(value).unwrap()
    }

    /// `Message::to_json` writes what serde's derive writes, byte for byte, whatever the fields
    /// hold: escapes, non-ASCII text, extremes of every number, a profile or none.
    #[test]
    fn a_message_written_by_hand_is_what_serde_writes() {
        let profile = crate::profile::UserProfile {
            user_profile_identifier: "bob \"the\" builder".to_owned(),
            user_profile_nick_name: "Bób\n".to_owned(),
            user_profile_level: 7,
            user_profile_custom_string_array: serde_json::from_value(json!([
                {"user_profile_custom_string_info_key": "Tag_Profile_Custom_x", "user_profile_custom_string_info_value": "v"}
            ]))
            .unwrap(),
            ..Default::default()
        };
        let full = Message {
            message_elem_array: vec![
                Elem::text("quote \" backslash \\ tab \t nul \u{0} \u{7f} 中文 🎉"),
                elem(json!({"elem_type": 1, "image_elem_orig_path": "/a", "nested": {"x": [1.5, -2, null, true]}})),
            ],
            message_conv_id: "group/\u{1}".to_owned(),
            message_conv_type: ConvType::GROUP,
            message_sender: "ālice".to_owned(),
            message_priority: u32::MAX,
            message_client_time: u64::MAX,
            message_server_time: 1,
            message_is_from_self: true,
            message_platform: 2,
            message_is_read: true,
            message_is_online_msg: true,
            message_is_peer_read: true,
            message_receipt_peer_read: true,
            message_need_read_receipt: true,
            message_has_sent_receipt: true,
            message_group_receipt_read_count: 99_999,
            message_group_receipt_unread_count: 1,
            message_status: MsgStatus(6),
            message_unique_id: 123,
            message_msg_id: "1-2-3".to_owned(),
            message_rand: 4,
            message_seq: 5,
            message_cloud_custom_str: "{\"k\":\"v\"}".to_owned(),
            message_custom_int: i64::MIN,
            message_custom_str: "\u{2028}".to_owned(),
            message_is_excluded_from_unread_count: true,
            message_sender_profile: Some(Box::new(profile)),
            message_version: 3,
            message_revoker_user_id: "carol".to_owned(),
            message_revoke_reason: "typo".to_owned(),
            message_support_message_extension: true,
        };
        let without_profile = Message { message_sender_profile: None, ..full.clone() };
        let bare_profile = Message { message_sender_profile: Some(Box::default()), ..Message::default() };
        for message in [Message::default(), full, without_profile, bare_profile] {
            assert_eq!(message.to_json().unwrap(), serde_json::to_string(&message).unwrap());
        }
    }

    #[test]
    fn message_keys_parse_as_the_messages_they_name() {
        let messages = vec![
            Message {
                message_conv_id: "@TGS#1".to_owned(),
                message_conv_type: ConvType::GROUP,
                message_msg_id: "144115-1-2".to_owned(),
                message_seq: 7,
                message_sender: "alice".to_owned(),
                message_elem_array: vec![Elem::text("hello \"there\"")],
                ..Message::default()
            },
            Message { message_conv_id: "bob".to_owned(), message_conv_type: ConvType::C2C, ..Message::default() },
        ];
        let text = serde_json::to_string(&MessagesByKeys::of(&messages)).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            json!({"messages": [
                {"message_conv_id": "@TGS#1", "message_conv_type": 2, "message_msg_id": "144115-1-2", "message_seq": 7},
                {"message_conv_id": "bob", "message_conv_type": 1, "message_msg_id": "", "message_seq": 0},
            ]})
        );
        let parsed: crate::api::send_receipts::Request = serde_json::from_str(&text).unwrap();
        let named: Vec<MessageKeys<'_>> = parsed.messages.iter().map(MessageKeys::from).collect();
        let sent: Vec<MessageKeys<'_>> = messages.iter().map(MessageKeys::from).collect();
        assert_eq!(named, sent);
    }

    #[test]
    fn tim_message_json_parses() {
        // A message exactly as TIM's documentation shows one, with keys tincan does not model.
        let message: Message = serde_json::from_value(json!({
            "message_client_time": 1551080111u64,
            "message_conv_id": "user2",
            "message_conv_type": 1,
            "message_elem_array": [{"elem_type": 0, "text_elem_content": "123213213"}],
            "message_is_from_self": true,
            "message_is_read": true,
            "message_rand": 2130485001u64,
            "message_sender": "user1",
            "message_seq": 1,
            "message_server_time": 1551080111u64,
            "message_status": 2,
            "message_sender_profile": {"user_profile_identifier": "user1"}
        }))
        .unwrap();
        assert_eq!(message.message_conv_type, ConvType::C2C);
        assert_eq!(message.message_elem_array[0].text_content(), Some("123213213"));
        assert_eq!(message.message_status, MsgStatus::SEND_SUCC);
    }

    #[test]
    fn element_validation() {
        let check = |value: Value| elem(value).validate_for_send(0).map_err(|err| (err.code.0, err.desc));
        assert!(check(json!({"elem_type": 0, "text_elem_content": "hi"})).is_ok());
        assert!(check(json!({"elem_type": 3, "custom_elem_data": "{}"})).is_ok());
        assert!(
            check(json!({"elem_type": 1, "image_elem_orig_url": "https://x/y.png", "image_elem_orig_pic_width": 10}))
                .is_ok()
        );
        let (code, desc) = check(json!({"elem_type": 0})).unwrap_err();
        assert_eq!(code, 6016);
        assert!(desc.contains("text_elem_content"), "{desc}");
        let (code, desc) = check(json!({"elem_type": 0, "text_elem_content": 5})).unwrap_err();
        assert_eq!(code, 6016);
        assert!(desc.contains("must be a string"), "{desc}");
        let (_, desc) = check(json!({"elem_type": 5})).unwrap_err();
        assert!(desc.contains("made by the server"), "{desc}");
        let (_, desc) = check(json!({"elem_type": 42})).unwrap_err();
        assert!(desc.contains("not supported"), "{desc}");
        let (_, desc) = check(json!({"text_elem_content": "x"})).unwrap_err();
        assert!(desc.contains("elem_type is missing"), "{desc}");
        let (_, desc) = check(json!({"elem_type": 4, "file_elem_file_size": -1})).unwrap_err();
        assert!(desc.contains("file_elem_file_size must be a non-negative integer"), "{desc}");
    }

    #[test]
    fn keys_an_element_type_does_not_have_are_not_kept() {
        let mut deep = json!("leaf");
        for _ in 0..123 {
            deep = json!([deep]);
        }
        let mut message = Message {
            message_elem_array: vec![elem(json!({"elem_type": 3, "custom_elem_data": "d", "extra": deep}))],
            ..Message::default()
        };
        message.validate_body_for_send().unwrap();
        assert_eq!(
            serde_json::to_value(&message.message_elem_array).unwrap(),
            json!([{"elem_type": 3, "custom_elem_data": "d"}])
        );
    }

    #[test]
    fn body_limit_is_twelve_kilobytes() {
        let mut message =
            Message { message_elem_array: vec![Elem::text("x".repeat(12 * 1024 - 40))], ..Message::default() };
        assert!(message.validate_body_for_send().is_ok(), "{}", message.body_bytes());
        message.message_elem_array = vec![Elem::text("x".repeat(12 * 1024))];
        assert_eq!(message.validate_body_for_send().unwrap_err().code, ErrorCode::MSG_BODY_SIZE_LIMIT);
        message.message_elem_array.clear();
        assert_eq!(message.validate_body_for_send().unwrap_err().code, ErrorCode::INVALID_MSG_ELEM);
    }
}
