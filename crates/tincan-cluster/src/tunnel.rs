//! A client's WebSocket carried over NATS from the node it reached (the edge) to the node that
//! serves it (the owner), frame by frame.
//!
//! The edge opens a tunnel with a request to the owner's [`open_subject`] naming the tunnel; the
//! owner subscribes to the tunnel's [`up_subject`] (edge to owner) before it answers, and the
//! edge subscribed to its [`down_subject`] (owner to edge) before it asked. Every frame carries
//! its sequence number in its direction, from 1: NATS delivers one publisher's messages in order
//! but may drop some (a slow subscriber), and a side that sees a gap closes the tunnel, so that
//! the client reconnects and resumes rather than silently missing a push. Each side sends a
//! [`Kind::Keepalive`] after [`KEEPALIVE`] without other traffic, and gives the tunnel up after
//! [`SILENCE_MAX`] without any (the other node died).

use std::time::Duration;

/// How long a side of a tunnel stays silent before it sends a keepalive.
pub const KEEPALIVE: Duration = Duration::from_secs(2);

/// How long a side waits without hearing from the other before it closes the tunnel.
pub const SILENCE_MAX: Duration = Duration::from_secs(8);

/// The subject a node takes tunnel openings on.
pub fn open_subject(node: &str) -> String {
    format!("tincan.node.{node}.tunnel")
}

/// The subject a node takes forwarded HTTP requests on.
pub fn http_subject(node: &str) -> String {
    format!("tincan.node.{node}.http")
}

/// The subject of a tunnel's frames from the edge to the owner.
pub fn up_subject(tunnel: &str) -> String {
    format!("tincan.tunnel.{tunnel}.up")
}

/// The subject of a tunnel's frames from the owner to the edge.
pub fn down_subject(tunnel: &str) -> String {
    format!("tincan.tunnel.{tunnel}.down")
}

/// Whether `tunnel` may name a tunnel: 1 to 128 ASCII letters, digits, `-` and `_` (a token of
/// NATS subjects, long enough for a node ID of 64 and a number of the node's).
pub fn is_tunnel_id(tunnel: &str) -> bool {
    crate::link::is_subject_token(tunnel, 128)
}

/// What a tunnel frame carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// A WebSocket text message.
    Text = 1,
    /// A WebSocket binary message.
    Binary = 2,
    /// The WebSocket closes: a close code (two bytes, big-endian) and its reason, or nothing.
    Close = 3,
    /// The owner logged the client in (the edge stops counting it as unauthenticated).
    LoggedIn = 4,
    /// Nothing: the side is alive.
    Keepalive = 5,
}

impl Kind {
    fn from_byte(byte: u8) -> Option<Kind> {
        Some(match byte {
            1 => Kind::Text,
            2 => Kind::Binary,
            3 => Kind::Close,
            4 => Kind::LoggedIn,
            5 => Kind::Keepalive,
            _ => return None,
        })
    }
}

/// One frame of a tunnel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Its sequence number in its direction, from 1.
    pub seq: u64,
    /// What it carries.
    pub kind: Kind,
    /// Its payload.
    pub payload: Vec<u8>,
}

const HEADER_BYTES: usize = 9;

impl Frame {
    /// The frame as a NATS payload: the kind, the sequence number (eight bytes, big-endian),
    /// then the payload.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(HEADER_BYTES + self.payload.len());
        bytes.push(self.kind as u8);
        bytes.extend_from_slice(&self.seq.to_be_bytes());
        bytes.extend_from_slice(&self.payload);
        bytes
    }

    /// A frame from a NATS payload; `None` when it is not one.
    pub fn decode(bytes: &[u8]) -> Option<Frame> {
        let kind = Kind::from_byte(*bytes.first()?)?;
        let seq = u64::from_be_bytes(bytes.get(1..HEADER_BYTES)?.try_into().ok()?);
        Some(Frame { seq, kind, payload: bytes[HEADER_BYTES..].to_vec() })
    }
}

/// The payload of a [`Kind::Close`] frame.
pub fn close_payload(close: Option<(u16, &str)>) -> Vec<u8> {
    match close {
        None => Vec::new(),
        Some((code, reason)) => {
            let mut bytes = code.to_be_bytes().to_vec();
            bytes.extend_from_slice(reason.as_bytes());
            bytes
        }
    }
}

/// The close code and reason a [`Kind::Close`] payload carries, if any.
pub fn parse_close(payload: &[u8]) -> Option<(u16, String)> {
    let code = u16::from_be_bytes(payload.get(..2)?.try_into().ok()?);
    Some((code, String::from_utf8_lossy(&payload[2..]).into_owned()))
}

/// Numbers one direction's frames and checks the other's.
#[derive(Debug, Default)]
pub struct Sequence {
    sent: u64,
    received: u64,
}

impl Sequence {
    /// The next frame to send.
    pub fn next(&mut self, kind: Kind, payload: Vec<u8>) -> Frame {
        self.sent += 1;
        Frame { seq: self.sent, kind, payload }
    }

    /// Takes a received frame: whether it is the next one (a gap, a repeat or garbage says the
    /// tunnel has lost a frame and must close).
    pub fn accept(&mut self, frame: &Frame) -> bool {
        if frame.seq != self.received + 1 {
            return false;
        }
        self.received = frame.seq;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_garbage_is_refused() {
        let frame = Frame { seq: 7, kind: Kind::Text, payload: b"{\"id\":1}".to_vec() };
        assert_eq!(Frame::decode(&frame.encode()), Some(frame));
        let empty = Frame { seq: u64::MAX, kind: Kind::Keepalive, payload: Vec::new() };
        assert_eq!(Frame::decode(&empty.encode()), Some(empty));
        assert_eq!(Frame::decode(&[]), None);
        assert_eq!(Frame::decode(&[1, 0, 0]), None, "a header cut short");
        assert_eq!(Frame::decode(&[9, 0, 0, 0, 0, 0, 0, 0, 1]), None, "an unknown kind");
        assert_eq!(parse_close(&close_payload(Some((4000, "moved"))),), Some((4000, "moved".to_owned())));
        assert_eq!(parse_close(&close_payload(None)), None);
    }

    #[test]
    fn a_tunnel_of_the_longest_node_id_is_named() {
        let node = "n".repeat(64);
        assert!(crate::link::is_node_id(&node));
        assert!(is_tunnel_id(&format!("{node}-{:08x}-{}", u32::MAX, u64::MAX)));
        assert!(!is_tunnel_id("a.b"), "a dot would split the subject's token");
        assert!(!is_tunnel_id(""));
    }

    #[test]
    fn a_gap_or_a_repeat_is_refused() {
        let (mut edge, mut owner) = (Sequence::default(), Sequence::default());
        let first = edge.next(Kind::Text, b"a".to_vec());
        let second = edge.next(Kind::Text, b"b".to_vec());
        let third = edge.next(Kind::Text, b"c".to_vec());
        assert!(owner.accept(&first));
        assert!(!owner.accept(&third), "the second was lost");
        assert!(owner.accept(&second));
        assert!(!owner.accept(&second), "a repeat");
        assert!(owner.accept(&third));
    }
}
