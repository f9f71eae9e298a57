//! Message IDs.
//!
//! TIM's message IDs are `<sender tiny id>-<client time>-<random>`; a client knows all three
//! before the server answers, so it can name a message as soon as it sends it, and a resend of
//! the same message carries the same ID.

/// The ID of the message a sender with `tiny_id` sent at `client_time` with `rand`.
pub fn message_id(tiny_id: u64, client_time: u64, rand: u64) -> String {
    format!("{tiny_id}-{client_time}-{rand}")
}

/// Splits a message ID into its tiny id, client time and rand, if it has that shape.
pub fn parse_message_id(msg_id: &str) -> Option<(u64, u64, u64)> {
    let mut parts = msg_id.splitn(3, '-');
    let tiny_id = parts.next()?.parse().ok()?;
    let client_time = parts.next()?.parse().ok()?;
    let rand = parts.next()?.parse().ok()?;
    Some((tiny_id, client_time, rand))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let id = message_id(144115233874815003, 1620877708, 1038050731);
        assert_eq!(id, "144115233874815003-1620877708-1038050731");
        assert_eq!(parse_message_id(&id), Some((144115233874815003, 1620877708, 1038050731)));
        assert_eq!(parse_message_id("1-2"), None);
        assert_eq!(parse_message_id("a-2-3"), None);
    }
}
