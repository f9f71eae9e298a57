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
//!
//! A WebSocket message larger than one NATS message (a history page of large messages is over
//! NATS's default limit of 1 MiB) goes as several frames ([`Sequence::split`]): [`Kind::Part`]
//! frames with its first pieces, then a frame of its own kind with the last; the receiving side
//! joins them ([`Joiner`]) up to a bound, and closes the tunnel past it.

use std::time::Duration;

/// How long a side of a tunnel stays silent before it sends a keepalive.
pub const KEEPALIVE: Duration = Duration::from_secs(2);

/// How long a side waits without hearing from the other before it closes the tunnel.
pub const SILENCE_MAX: Duration = Duration::from_secs(8);

/// The subject the node whose subjects begin with `prefix` ([`crate::link::node_prefix`]) takes
/// tunnel openings on.
pub fn open_subject(prefix: &str) -> String {
    format!("{prefix}.tunnel")
}

/// The subject the node whose subjects begin with `prefix` takes forwarded HTTP requests on.
pub fn http_subject(prefix: &str) -> String {
    format!("{prefix}.http")
}

/// The subject the node whose subjects begin with `prefix` takes forwarded HTTP requests on
/// whose bodies, and whose answers' bodies, may go in pieces ([`crate::pieces`]); nodes older
/// than pieces do not take it.
pub fn http_pieces_subject(prefix: &str) -> String {
    format!("{prefix}.http.pieces")
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
    /// A piece of a message too large for one NATS message; the next frame of kind
    /// [`Kind::Text`] or [`Kind::Binary`] carries its last piece and says what it is.
    Part = 6,
}

impl Kind {
    fn from_byte(byte: u8) -> Option<Kind> {
        Some(match byte {
            1 => Kind::Text,
            2 => Kind::Binary,
            3 => Kind::Close,
            4 => Kind::LoggedIn,
            5 => Kind::Keepalive,
            6 => Kind::Part,
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

/// The most payload bytes one frame carries when a NATS message may carry `max_payload` bytes
/// (the server's limit): room is left for the frame's header and NATS's own.
pub fn piece_bytes(max_payload: usize) -> usize {
    max_payload.saturating_sub(HEADER_BYTES + 1024).max(1024)
}

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

    /// `payload` as frames of at most `piece` payload bytes: [`Kind::Part`] frames with its first
    /// pieces, then one of `kind` with the last (only that one when it fits).
    pub fn split(&mut self, kind: Kind, payload: Vec<u8>, piece: usize) -> Vec<Frame> {
        let piece = piece.max(1);
        if payload.len() <= piece {
            return vec![self.next(kind, payload)];
        }
        let mut frames = Vec::with_capacity(payload.len().div_ceil(piece));
        let mut rest = payload.as_slice();
        while rest.len() > piece {
            frames.push(self.next(Kind::Part, rest[..piece].to_vec()));
            rest = &rest[piece..];
        }
        frames.push(self.next(kind, rest.to_vec()));
        frames
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

/// Joins the pieces of a message sent as several frames ([`Sequence::split`]).
#[derive(Debug, Default)]
pub struct Joiner {
    parts: Vec<u8>,
}

/// A message whose pieces pass the bound the receiver set.
#[derive(Debug, PartialEq, Eq)]
pub struct TooLarge;

impl Joiner {
    /// Takes an accepted frame: `Ok(None)` for a piece (kept), `Ok(Some(frame))` for a whole
    /// message or a control frame, `Err(TooLarge)` when the message would pass `max` bytes.
    pub fn join(&mut self, frame: Frame, max: usize) -> Result<Option<Frame>, TooLarge> {
        if matches!(frame.kind, Kind::Keepalive | Kind::LoggedIn) {
            return Ok(Some(frame));
        }
        if self.parts.len() + frame.payload.len() > max {
            return Err(TooLarge);
        }
        if frame.kind == Kind::Part {
            self.parts.extend_from_slice(&frame.payload);
            return Ok(None);
        }
        if self.parts.is_empty() {
            return Ok(Some(frame));
        }
        let mut payload = std::mem::take(&mut self.parts);
        payload.extend_from_slice(&frame.payload);
        Ok(Some(Frame { payload, ..frame }))
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
    fn a_message_larger_than_a_piece_goes_in_pieces_and_is_joined_whole() {
        let (mut sender, mut receiver, mut joiner) = (Sequence::default(), Sequence::default(), Joiner::default());
        let message: Vec<u8> = (0..2_500u32).map(|n| (n % 251) as u8).collect();
        let frames = sender.split(Kind::Text, message.clone(), 1_000);
        let kinds: Vec<Kind> = frames.iter().map(|frame| frame.kind).collect();
        assert_eq!(kinds, [Kind::Part, Kind::Part, Kind::Text]);
        assert!(frames.iter().all(|frame| frame.payload.len() <= 1_000));
        let mut whole = Vec::new();
        for frame in frames {
            let frame = Frame::decode(&frame.encode()).unwrap();
            assert!(receiver.accept(&frame));
            whole.extend(joiner.join(frame, 10_000).unwrap());
        }
        // A keepalive between messages passes, and the next message is not joined to the last.
        let keepalive = sender.next(Kind::Keepalive, Vec::new());
        assert_eq!(joiner.join(keepalive.clone(), 10_000), Ok(Some(keepalive)));
        for frame in sender.split(Kind::Binary, b"small".to_vec(), 1_000) {
            whole.extend(joiner.join(frame, 10_000).unwrap());
        }
        assert_eq!(whole.len(), 2);
        assert_eq!((whole[0].kind, &whole[0].payload), (Kind::Text, &message));
        assert_eq!((whole[1].kind, &whole[1].payload[..]), (Kind::Binary, &b"small"[..]));
        assert_eq!(whole[1].seq, 5, "numbered with the pieces");
    }

    #[test]
    fn pieces_past_the_bound_are_refused() {
        let (mut sender, mut joiner) = (Sequence::default(), Joiner::default());
        let frames = sender.split(Kind::Text, vec![b'x'; 3_000], 1_000);
        assert_eq!(joiner.join(frames[0].clone(), 2_500), Ok(None));
        assert_eq!(joiner.join(frames[1].clone(), 2_500), Ok(None));
        assert_eq!(joiner.join(frames[2].clone(), 2_500), Err(TooLarge));
        assert_eq!(piece_bytes(1 << 20), (1 << 20) - HEADER_BYTES - 1024);
        assert_eq!(piece_bytes(10), 1024, "a piece is never empty");
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
