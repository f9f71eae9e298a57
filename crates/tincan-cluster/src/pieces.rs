//! A body too large for one NATS message, passed between nodes in pieces that the receiving
//! node asks for one at a time.
//!
//! The side that has the body offers it ([`offer`]): it subscribes to a subject of its own and
//! answers each request there, whose payload is a piece's index in decimal, with that piece. It
//! tells the other side the subject, the body's length and the piece size ([`Offer`]) in the
//! message it would have put the body in. The other side fetches the pieces in order
//! ([`fetch`]), each a request with a time limit, and joins them. Asking for each piece is the
//! flow control: a fast sender cannot overrun a slow receiver, as publishing a stream of pieces
//! could (NATS drops messages for a subscriber that falls behind). An offer ends once nobody has
//! asked for a piece for a while, or when its task is aborted.

use std::time::Duration;

use futures_util::StreamExt;

/// How long an offer waits for the first request and between requests before it ends: longer
/// than the fetching side tries for one piece, and than it waits for room to hold the body.
pub const OFFER_IDLE: Duration = Duration::from_secs(30);

/// How long an offer is kept after its last piece was asked for (for a request whose answer was
/// lost, asked again).
const AFTER_LAST: Duration = Duration::from_secs(PIECE_TIMEOUT.as_secs() * PIECE_TRIES as u64);

/// How long the fetching side waits for one answer about a piece.
pub const PIECE_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times the fetching side asks for one piece before it gives up.
const PIECE_TRIES: u32 = 3;

const _: () = assert!(OFFER_IDLE.as_secs() > PIECE_TIMEOUT.as_secs() * PIECE_TRIES as u64);

/// What the receiving side needs to fetch an offered body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Where to ask for pieces.
    pub subject: String,
    /// The body's length in bytes.
    pub length: usize,
    /// The length of every piece but the last.
    pub piece: usize,
}

impl Offer {
    /// How many pieces the body is in.
    pub fn pieces(&self) -> usize {
        self.length.div_ceil(self.piece.max(1))
    }
}

/// The subject an offer named `id` (a token: letters, digits, `-` and `_`) is served on.
pub fn subject(id: &str) -> String {
    format!("tincan.pieces.{id}")
}

/// Whether `subject` can name an offer (one made by [`subject`]), so that a node asked to fetch
/// from it does not send requests anywhere else.
pub fn is_offer_subject(subject: &str) -> bool {
    subject.strip_prefix("tincan.pieces.").is_some_and(|id| crate::link::is_subject_token(id, 128))
}

/// Offers `body` in pieces of `piece` bytes on `subject` until nobody asks for a while; the
/// offer to tell the other side, and the task serving it.
pub async fn offer(
    nats: &async_nats::Client,
    subject: String,
    body: bytes::Bytes,
    piece: usize,
) -> Result<(Offer, tokio::task::JoinHandle<()>), async_nats::SubscribeError> {
    let piece = piece.max(1);
    let mut requests = nats.subscribe(subject.clone()).await?;
    let offer = Offer { subject, length: body.len(), piece };
    let pieces = offer.pieces();
    let nats = nats.clone();
    let task = tokio::spawn(async move {
        let mut idle = OFFER_IDLE;
        while let Ok(Some(request)) = tokio::time::timeout(idle, requests.next()).await {
            let Some(reply) = request.reply else { continue };
            let index = std::str::from_utf8(&request.payload).ok().and_then(|index| index.parse::<usize>().ok());
            let Some(index) = index.filter(|index| *index < pieces) else { continue };
            let start = index * piece;
            let end = (start + piece).min(body.len());
            if nats.publish(reply, body.slice(start..end)).await.is_err() {
                return;
            }
            if index + 1 == pieces {
                idle = AFTER_LAST;
            }
        }
    });
    Ok((offer, task))
}

/// Fetches an offered body, refusing one longer than `max` bytes; the reason when it cannot.
pub async fn fetch(nats: &async_nats::Client, offer: &Offer, max: usize) -> Result<bytes::Bytes, String> {
    if offer.length > max {
        return Err(format!("an offered body of {} bytes is over the limit of {max}", offer.length));
    }
    if offer.piece == 0 || !is_offer_subject(&offer.subject) {
        return Err(format!("{offer:?} is not an offer of pieces"));
    }
    let mut body = Vec::with_capacity(offer.length);
    for index in 0..offer.pieces() {
        let expected = offer.piece.min(offer.length - index * offer.piece);
        let mut tries = 0;
        let answer = loop {
            tries += 1;
            let asked = nats.request(offer.subject.clone(), index.to_string().into());
            let failure = match tokio::time::timeout(PIECE_TIMEOUT, asked).await {
                Ok(Ok(answer)) => break answer,
                Ok(Err(err)) if err.kind() == async_nats::RequestErrorKind::NoResponders => {
                    return Err(format!("the offer {} is gone", offer.subject));
                }
                Ok(Err(err)) => format!("piece {index} of {}: {err}", offer.subject),
                Err(_) => format!("piece {index} of {} did not come in time", offer.subject),
            };
            // An answer lost on the way is asked for again; an offer that is gone says so.
            if tries == PIECE_TRIES {
                return Err(failure);
            }
        };
        if answer.payload.len() != expected {
            return Err(format!(
                "piece {index} of {} has {} bytes, not {expected}",
                offer.subject,
                answer.payload.len()
            ));
        }
        body.extend_from_slice(&answer.payload);
    }
    Ok(body.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_body_and_offers_are_told_apart() {
        let offer = |length| Offer { subject: subject("n1-00000001-7"), length, piece: 10 };
        assert_eq!(offer(0).pieces(), 0);
        assert_eq!(offer(10).pieces(), 1);
        assert_eq!(offer(11).pieces(), 2);
        assert!(is_offer_subject(&subject("n1-00000001-7")));
        assert!(!is_offer_subject("tincan.node.n1.http"), "another subject of the cluster");
        assert!(!is_offer_subject("tincan.pieces.a.b"));
        assert!(!is_offer_subject("tincan.pieces.*"));
    }
}
