//! The envelope of every WebSocket frame.
//!
//! Every frame is one JSON text message.
//! A client sends requests, `{"id": 7, "op": "msg_send", "data": {...}}`; the server answers each
//! with a response carrying the same `id`, `{"id": 7, "code": 0, "desc": "", "data": {...}}`, and
//! pushes events, `{"push": "message", "pos": 1234, "data": {...}}`, whose `pos` is the event's
//! position in the user's event stream.
//! `docs/protocol.md` describes the whole protocol.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{ApiError, ErrorCode};
use crate::push::ConvState;

/// A request from a client, with its data still unparsed so that the op decides its type.
#[derive(Debug, Deserialize)]
pub struct RequestFrame<'a> {
    /// Chosen by the client; echoed in the response.
    pub id: u64,
    /// The operation's name, e.g. `msg_send`.
    pub op: &'a str,
    /// The operation's parameters.
    #[serde(borrow, default)]
    pub data: Option<&'a RawValue>,
}

/// An outgoing request, as the SDK builds it.
#[derive(Debug, Serialize)]
pub struct OutgoingRequest<'a, T> {
    /// Chosen by the client; echoed in the response.
    pub id: u64,
    /// The operation's name.
    pub op: &'a str,
    /// The operation's parameters.
    pub data: &'a T,
}

/// A frame from the server: a response or a push. It borrows the push kind and the data from
/// the frame's text, so that reading a frame copies nothing before its payload is parsed.
#[derive(Debug, PartialEq, Deserialize)]
pub struct ServerFrame<'a> {
    /// Set on responses: the request's id.
    #[serde(default)]
    pub id: Option<u64>,
    /// Set on responses: 0 on success, otherwise the error code.
    #[serde(default)]
    pub code: Option<ErrorCode>,
    /// Set on failed responses: what was wrong.
    #[serde(default)]
    pub desc: Option<String>,
    /// Set on pushes: the event's kind.
    #[serde(default, borrow)]
    pub push: Option<Cow<'a, str>>,
    /// Set on pushes: the event's position in the user's stream (0 when the push is not an
    /// event of the stream, such as `synced`).
    #[serde(default)]
    pub pos: u64,
    /// The response's result or the push's payload, as JSON text.
    #[serde(default, borrow, deserialize_with = "raw_text")]
    pub data: Option<&'a str>,
}

fn raw_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<&'de str>, D::Error> {
    Ok(Option::<&'de RawValue>::deserialize(deserializer)?.map(RawValue::get))
}

impl<'a> ServerFrame<'a> {
    /// Reads a frame from the server.
    ///
    /// The server writes every push and every successful response in one envelope, with `data`
    /// last: `{"push":"<kind>","pos":<n>,"data":...}` and `{"id":<n>,"code":0,"desc":"","data":...}`.
    /// Such a frame is split without scanning its data, since its reader parses the data next
    /// anyway (and fails on anything after it); any other frame is parsed whole.
    pub fn parse(text: &'a str) -> serde_json::Result<ServerFrame<'a>> {
        match split_envelope(text) {
            Some(frame) => Ok(frame),
            None => serde_json::from_str(text),
        }
    }
}

/// Splits a frame written in the server's own envelope; `None` for any other.
fn split_envelope(text: &str) -> Option<ServerFrame<'_>> {
    fn number(text: &str) -> Option<(u64, &str)> {
        let end = text.find(|c: char| !c.is_ascii_digit())?;
        let digits = &text[..end];
        // JSON has no leading zeros; such a frame is left to the JSON parser to refuse.
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        Some((digits.parse().ok()?, &text[end..]))
    }
    // The server's data is always an object: anything else (null, a scalar, a key written after
    // the data) is read whole.
    fn object(data: &str) -> Option<&str> {
        (data.starts_with('{') && data.ends_with('}')).then_some(data)
    }
    let body = text.strip_suffix('}')?;
    if let Some(rest) = body.strip_prefix("{\"push\":\"") {
        let (kind, rest) = rest.split_once('"')?;
        if kind.is_empty() || !kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        let (pos, rest) = number(rest.strip_prefix(",\"pos\":")?)?;
        let data = object(rest.strip_prefix(",\"data\":")?)?;
        return Some(ServerFrame {
            push: Some(Cow::Borrowed(kind)),
            pos,
            data: Some(data),
            id: None,
            code: None,
            desc: None,
        });
    }
    let (id, rest) = number(body.strip_prefix("{\"id\":")?)?;
    let data = object(rest.strip_prefix(",\"code\":0,\"desc\":\"\",\"data\":")?)?;
    Some(ServerFrame {
        id: Some(id),
        code: Some(ErrorCode::SUCC),
        desc: Some(String::new()),
        push: None,
        pos: 0,
        data: Some(data),
    })
}

/// Writes a successful response frame.
pub fn encode_response<T: Serialize>(id: u64, data: &T) -> String {
    #[derive(Serialize)]
    struct Frame<'a, T> {
        id: u64,
        code: u32,
        desc: &'a str,
        data: &'a T,
    }
    serde_json::to_string(&Frame { id, code: 0, desc: "", data }).unwrap_or_else(|err| {
        encode_error(
            Some(id),
            &ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, format!("cannot encode the response: {err}")),
        )
    })
}

/// Writes a failed response frame; `id` is `None` when the request's id could not be read.
pub fn encode_error(id: Option<u64>, error: &ApiError) -> String {
    #[derive(Serialize)]
    struct Frame<'a> {
        id: Option<u64>,
        code: ErrorCode,
        desc: &'a str,
    }
    serde_json::to_string(&Frame { id, code: error.code, desc: &error.desc }).unwrap_or_default()
}

/// Writes a push frame around a payload that is already JSON.
///
/// Pushes of one event to many devices share the payload's bytes; only this envelope is written
/// per device.
pub fn encode_push(kind: &str, pos: u64, data_json: &str) -> String {
    let mut frame = String::with_capacity(data_json.len() + kind.len() + 40);
    push_envelope(&mut frame, kind, pos);
    frame.push_str(data_json);
    frame.push('}');
    frame
}

/// Writes a `message` push, `{"message": ..., "conv": ...}`, from the message's JSON (shared by
/// every receiver who sees the message alike) and the receiver's conversation state, in one
/// allocation.
pub fn encode_message_push(pos: u64, message_json: &str, conv: &ConvState) -> String {
    use std::fmt::Write;
    let mut frame = String::with_capacity(message_json.len() + 128);
    push_envelope(&mut frame, crate::push::MESSAGE, pos);
    frame.push_str("{\"message\":");
    frame.push_str(message_json);
    let ConvState { unread, max_seq, read_seq } = conv;
    let _ = write!(frame, ",\"conv\":{{\"unread\":{unread},\"max_seq\":{max_seq},\"read_seq\":{read_seq}}}}}}}");
    frame
}

/// `{"push":"<kind>","pos":<pos>,"data":`, the start of every push.
fn push_envelope(frame: &mut String, kind: &str, pos: u64) {
    use std::fmt::Write;
    let _ = write!(frame, "{{\"push\":\"{kind}\",\"pos\":{pos},\"data\":");
}

/// Parses an operation's parameters, with a 6017 that names the offending field, or the code
/// of an identifier that does not parse (7003, 10015) with its `desc`.
pub fn parse_data<T: DeserializeOwned>(data: Option<&RawValue>) -> Result<T, ApiError> {
    let text = data.map(RawValue::get).unwrap_or("{}");
    // Most data parses: that takes one plain pass. Only data that does not is read again,
    // tracking the path, to name the offending field.
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if let Some(carried) = ApiError::carried_by(&inner) {
            // A conversion of the whole request (`#[serde(try_from)]`) fails at the root, and
            // its desc names the field itself.
            return if path == "." {
                carried
            } else {
                ApiError::new(carried.code, format!("invalid parameter `{path}`: {}", carried.desc))
            };
        }
        if inner.is_syntax() || inner.is_eof() {
            ApiError::new(ErrorCode::INVALID_JSON, format!("data is not valid JSON: {inner}"))
        } else if path == "." {
            ApiError::invalid_parameter(format!("invalid data: {inner}"))
        } else {
            ApiError::invalid_parameter(format!("invalid parameter `{path}`: {inner}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[test]
    fn frames_in_the_servers_envelope_split_as_the_whole_parse_reads_them() {
        let push = encode_push("receipt_sent", 42, r#"{"msg_ids":["a}"],"seqs":[1]}"#);
        let response = "{\"id\":7,\"code\":0,\"desc\":\"\",\"data\":{\"x\":[1,{}]}}".to_owned();
        for text in [push, response] {
            let split = split_envelope(&text).expect("the server's envelope splits");
            let whole: ServerFrame<'_> = serde_json::from_str(&text).unwrap();
            assert_eq!(split, whole, "{text}");
        }
    }

    #[test]
    fn other_frames_are_parsed_whole() {
        for text in [
            r#"{"id":7,"code":70001,"desc":"expired","data":{}}"#,
            r#"{"pos":3,"push":"message","data":{}}"#,
            r#"{ "push": "message", "pos": 3, "data": {} }"#,
            r#"{"push":"mes\u0073age","pos":3,"data":{}}"#,
            r#"{"id":7,"code":0,"desc":""}"#,
            r#"{"id":7,"code":0,"desc":"","data":null}"#,
            r#"{"push":"message","pos":9,"data":{"a":1},"extra":1}"#,
            r#"{"push":"synced","pos":0,"data":7}"#,
        ] {
            assert!(split_envelope(text).is_none(), "{text}");
            let parsed = ServerFrame::parse(text).unwrap();
            let whole: ServerFrame<'_> = serde_json::from_str(text).unwrap();
            assert_eq!(parsed, whole, "{text}");
        }
        assert!(ServerFrame::parse("{\"push\":\"message\",\"pos\":3,").is_err());
        for refused in [r#"{"push":"message","pos":007,"data":{}}"#, r#"{"id":07,"code":0,"desc":"","data":{}}"#] {
            assert!(ServerFrame::parse(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn a_message_push_is_the_push_envelope_around_the_serialized_payload() {
        let message = crate::Message {
            message_conv_id: "team \"a\"".to_owned(),
            message_msg_id: "3-1700000000-4242".to_owned(),
            message_seq: 12,
            ..crate::Message::default()
        };
        let conv = ConvState { unread: 1, max_seq: 12, read_seq: 11 };
        let written = encode_message_push(5679, &serde_json::to_string(&message).unwrap(), &conv);
        let payload = crate::push::MessagePush { message: message.into(), conv };
        let expected = encode_push(crate::push::MESSAGE, 5679, &serde_json::to_string(&payload).unwrap());
        assert_eq!(written, expected);
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        conv_id: String,
        params: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    #[test]
    fn errors_name_the_field() {
        let frame: RequestFrame<'_> =
            serde_json::from_str(r#"{"id":1,"op":"x","data":{"conv_id":"a","params":{"count":"ten"}}}"#).unwrap();
        let err = parse_data::<Sample>(frame.data).unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
        assert!(err.desc.contains("`params.count`"), "{}", err.desc);
        let frame: RequestFrame<'_> =
            serde_json::from_str(r#"{"id":1,"op":"x","data":{"params":{"count":1}}}"#).unwrap();
        let err = parse_data::<Sample>(frame.data).unwrap_err();
        assert!(err.desc.contains("conv_id"), "{}", err.desc);
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct WithIds {
        group_id: crate::GroupId,
        #[serde(default)]
        members: Vec<crate::UserId>,
    }

    #[test]
    fn an_identifier_that_does_not_parse_fails_with_its_own_code() {
        let parse = |text: &str| parse_data::<WithIds>(Some(&RawValue::from_string(text.to_owned()).unwrap()));
        let err = parse(r#"{"group_id": "a b"}"#).unwrap_err();
        assert_eq!(err.code, ErrorCode::GROUP_INVALID_ID);
        assert!(
            err.desc.starts_with("invalid parameter `group_id`: group ID \"a b\" contains byte 0x20"),
            "{}",
            err.desc
        );
        let err = parse(r#"{"group_id": "team", "members": ["alice", "tab\t"]}"#).unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_IDENTIFIER);
        assert!(err.desc.starts_with("invalid parameter `members[1]`: identifier \"tab\\t\""), "{}", err.desc);
        assert!(!err.desc.contains("at line"), "{}", err.desc);
        // Anything else about the same fields is still a 6017.
        let err = parse(r#"{"group_id": 5}"#).unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
        assert!(err.desc.contains("`group_id`"), "{}", err.desc);
        assert_eq!(parse(r#"{"members": []}"#).unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    }

    #[test]
    fn push_envelope_is_json() {
        let frame = encode_push("message", 42, r#"{"a":1}"#);
        let parsed: ServerFrame = serde_json::from_str(&frame).unwrap();
        assert_eq!(parsed.push.as_deref(), Some("message"));
        assert_eq!(parsed.pos, 42);
        assert_eq!(parsed.data, Some(r#"{"a":1}"#));
    }

    #[test]
    fn responses_round_trip() {
        let ok = encode_response(3, &serde_json::json!({"x": 1}));
        let parsed: ServerFrame = serde_json::from_str(&ok).unwrap();
        assert_eq!((parsed.id, parsed.code), (Some(3), Some(ErrorCode::SUCC)));
        let err = encode_error(None, &ApiError::invalid_parameter("bad"));
        let parsed: ServerFrame = serde_json::from_str(&err).unwrap();
        assert_eq!(
            (parsed.id, parsed.code, parsed.desc.as_deref()),
            (None, Some(ErrorCode::INVALID_PARAMETERS), Some("bad"))
        );
    }
}
