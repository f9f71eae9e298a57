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
#[derive(Debug, Deserialize)]
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
    /// The response's result or the push's payload.
    #[serde(default, borrow)]
    pub data: Option<&'a RawValue>,
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
    frame.push_str("{\"push\":\"");
    frame.push_str(kind);
    frame.push_str("\",\"pos\":");
    frame.push_str(&pos.to_string());
    frame.push_str(",\"data\":");
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
    let ConvState { unread, max_seq, read_seq } = conv;
    let _ = write!(
        frame,
        "{{\"push\":\"{}\",\"pos\":{pos},\"data\":{{\"message\":{message_json},\"conv\":\
         {{\"unread\":{unread},\"max_seq\":{max_seq},\"read_seq\":{read_seq}}}}}}}",
        crate::push::MESSAGE
    );
    frame
}

/// Parses an operation's parameters, with a 6017 that names the offending field.
pub fn parse_data<T: DeserializeOwned>(data: Option<&RawValue>) -> Result<T, ApiError> {
    let text = data.map(RawValue::get).unwrap_or("{}");
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
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
    fn a_message_push_is_the_push_envelope_around_the_serialized_payload() {
        let message = crate::Message {
            message_conv_id: "team \"a\"".to_owned(),
            message_msg_id: "3-1700000000-4242".to_owned(),
            message_seq: 12,
            ..crate::Message::default()
        };
        let conv = ConvState { unread: 1, max_seq: 12, read_seq: 11 };
        let written = encode_message_push(5679, &serde_json::to_string(&message).unwrap(), &conv);
        let payload = crate::push::MessagePush { message, conv };
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

    #[test]
    fn push_envelope_is_json() {
        let frame = encode_push("message", 42, r#"{"a":1}"#);
        let parsed: ServerFrame = serde_json::from_str(&frame).unwrap();
        assert_eq!(parsed.push.as_deref(), Some("message"));
        assert_eq!(parsed.pos, 42);
        assert_eq!(parsed.data.unwrap().get(), r#"{"a":1}"#);
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
