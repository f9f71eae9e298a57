//! Accepting connections: caps on how many are open, time limits on every stage before a
//! connection authenticates, and a clear refusal at the cap.
//!
//! Every accepted connection holds a [`Ticket`] for its whole life (the HTTP connection and, after
//! an upgrade, the WebSocket). A connection counts as unauthenticated until its WebSocket logs in;
//! HTTP connections (REST calls, pages) stay unauthenticated, and are bounded by time instead:
//! the request head (and, on a kept-alive connection, the wait for the next one) within
//! [`ConnectionLimits::handshake_timeout`], the request body within the same time, and a
//! WebSocket's login within it too (`ws`).
//!
//! Past either cap a new connection is not served as usual: it is read for a moment, a
//! `GET /healthz` is answered (so that monitoring still sees a live server), anything else gets
//! `503` with TIM's envelope and code 65001, and it is closed. The cap being reached is logged once,
//! and again only after it was left.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tincan_proto::ErrorCode;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

/// How many connections a server takes, and how long a connection may take to authenticate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections open at once, at most (WebSockets and HTTP).
    pub connections_max: usize,
    /// Connections open at once that have not logged in, at most.
    pub unauthenticated_max: usize,
    /// How long a connection has for each stage before it authenticates: its request head (and
    /// the idle wait for the next one), its request body, and a WebSocket's login.
    pub handshake_timeout: Duration,
}

/// Descriptors kept back from the connection cap: the database, its readers, the listener,
/// outgoing webhook connections, and the connections being refused.
const DESCRIPTORS_RESERVED: u64 = 128;
/// The time limit of each stage before authentication unless configured otherwise.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(15);
/// Connections being refused at once, at most; past it a connection is closed at once.
const REFUSING_MAX: usize = 64;
/// How long a refused connection may take to send its request head.
const REFUSAL_READ_TIMEOUT: Duration = Duration::from_secs(2);
/// The most of a refused connection's request head that is read.
const REFUSAL_HEAD_BYTES_MAX: usize = 8 * 1024;

impl ConnectionLimits {
    /// Limits for a process that may open `descriptors` files: everything but a reserve for
    /// connections, and half of those for connections that have not logged in yet.
    pub fn for_descriptors(descriptors: u64) -> ConnectionLimits {
        let connections_max = descriptors.saturating_sub(DESCRIPTORS_RESERVED).max(16);
        let connections_max = usize::try_from(connections_max).unwrap_or(usize::MAX);
        ConnectionLimits {
            connections_max,
            unauthenticated_max: (connections_max / 2).max(8),
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }

    /// Limits for this process's current descriptor limit (`RLIMIT_NOFILE`, as Linux reports it
    /// in `/proc/self/limits`; 1,024 where that cannot be read).
    pub fn for_this_process() -> ConnectionLimits {
        ConnectionLimits::for_descriptors(open_files_limit().unwrap_or(1_024))
    }
}

/// The soft limit on open files, from `/proc/self/limits`.
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    let soft = line["Max open files".len()..].split_whitespace().next()?;
    if soft == "unlimited" { Some(u64::MAX) } else { soft.parse().ok() }
}

/// The counts every connection's [`Ticket`] keeps.
#[derive(Default)]
pub(crate) struct Gauge {
    open: AtomicUsize,
    unauthenticated: AtomicUsize,
    /// Whether the cap is being hit now (so that it is logged once per episode).
    at_cap: AtomicBool,
    refused: std::sync::atomic::AtomicU64,
}

impl Gauge {
    /// Connections open now.
    pub(crate) fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Connections open now that have not logged in.
    pub(crate) fn unauthenticated(&self) -> usize {
        self.unauthenticated.load(Ordering::Relaxed)
    }

    /// Connections refused at a cap since start.
    pub(crate) fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

/// One accepted connection's place under the caps; released when the connection (and its
/// WebSocket, if it upgraded) is gone.
#[derive(Clone)]
pub(crate) struct Ticket {
    inner: Arc<TicketInner>,
}

struct TicketInner {
    gauge: Arc<Gauge>,
    authenticated: AtomicBool,
}

impl Ticket {
    /// Takes a place for a new connection, or `None` at either cap.
    fn admit(gauge: &Arc<Gauge>, limits: &ConnectionLimits) -> Option<Ticket> {
        let admitted = gauge
            .open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < limits.connections_max).then_some(open + 1)
            })
            .is_ok();
        if !admitted {
            return None;
        }
        let unauthenticated = gauge
            .unauthenticated
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |count| {
                (count < limits.unauthenticated_max).then_some(count + 1)
            })
            .is_ok();
        if !unauthenticated {
            gauge.open.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Ticket { inner: Arc::new(TicketInner { gauge: gauge.clone(), authenticated: AtomicBool::new(false) }) })
    }

    /// Marks the connection as logged in: it no longer counts against the unauthenticated cap.
    pub(crate) fn authenticated(&self) {
        if !self.inner.authenticated.swap(true, Ordering::AcqRel) {
            self.inner.gauge.unauthenticated.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Drop for TicketInner {
    fn drop(&mut self) {
        if !self.authenticated.load(Ordering::Acquire) {
            self.gauge.unauthenticated.fetch_sub(1, Ordering::AcqRel);
        }
        self.gauge.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Accepts connections and serves `router` on them until `stop` turns true; then asks every
/// HTTP connection to finish its request and close, and returns once they have.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    gauge: Arc<Gauge>,
    healthy: Arc<dyn Fn() -> bool + Send + Sync>,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let refusing = Arc::new(Semaphore::new(REFUSING_MAX));
    // Every connection task holds a receiver; the loop waits for them all to be dropped.
    let (open_tx, open_rx) = watch::channel(());
    let mut accept_failures_logged = false;
    loop {
        let accepted = tokio::select! {
            biased;
            () = stopping(&mut stop) => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                accept_failures_logged = false;
                accepted
            }
            Err(err) => {
                // Out of descriptors (or memory): wait a moment rather than spin on the error.
                if !accept_failures_logged {
                    tracing::error!(error = %err, "cannot accept connections; retrying");
                    accept_failures_logged = true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Small frames (responses, pushes) go out at once: Nagle's algorithm would hold one back
        // for the peer's delayed acknowledgement, about 40 ms.
        let _ = stream.set_nodelay(true);
        let Some(ticket) = Ticket::admit(&gauge, &limits) else {
            refuse(stream, peer, &gauge, &limits, &refusing, healthy.clone());
            continue;
        };
        if gauge.at_cap.swap(false, Ordering::Relaxed) {
            tracing::info!(open = gauge.open(), "accepting connections again");
        }
        let router = router.clone();
        let mut stop = stop.clone();
        let open_rx = open_rx.clone();
        let timeout = limits.handshake_timeout;
        tokio::spawn(async move {
            let service_ticket = ticket.clone();
            let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(service_ticket.clone());
                let mut router = router.clone();
                async move {
                    let request = request.map(|body| axum::body::Body::new(DeadlineBody::new(body, timeout)));
                    let response = tower_service::Service::call(&mut router, request).await;
                    Ok::<_, Infallible>(response.unwrap_or_else(|never| match never {}))
                }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(timeout);
            let connection = builder.serve_connection(TokioIo::new(Rewritten::new(stream)), service).with_upgrades();
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = stopping(&mut stop) => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(ticket);
            drop(open_rx);
        });
    }
    drop(listener);
    drop(open_rx);
    open_tx.closed().await;
    Ok(())
}

/// A request body that must arrive within a time limit from when its request began; past it, its
/// next read fails with [`BodyTimedOut`].
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl DeadlineBody {
    fn new(inner: Incoming, timeout: Duration) -> DeadlineBody {
        DeadlineBody { inner, deadline: Box::pin(tokio::time::sleep(timeout)) }
    }
}

/// A request body that did not arrive within the handshake time limit.
#[derive(Debug)]
pub(crate) struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

impl BodyTimedOut {
    /// Whether `err` (or what caused it) is a body that timed out.
    pub(crate) fn caused(err: &(dyn std::error::Error + 'static)) -> bool {
        let mut cause = Some(err);
        while let Some(err) = cause {
            if err.is::<BodyTimedOut>() {
                return true;
            }
            cause = err.source();
        }
        false
    }
}

impl hyper::body::Body for DeadlineBody {
    type Data = bytes::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Resolves once `stop` turns true (or its sender is gone).
async fn stopping(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Answers a connection past a cap: `GET /healthz` as usual, anything else `503`, then closes.
fn refuse(
    mut stream: TcpStream,
    peer: SocketAddr,
    gauge: &Arc<Gauge>,
    limits: &ConnectionLimits,
    refusing: &Arc<Semaphore>,
    healthy: Arc<dyn Fn() -> bool + Send + Sync>,
) {
    gauge.refused.fetch_add(1, Ordering::Relaxed);
    if !gauge.at_cap.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            open = gauge.open(),
            unauthenticated = gauge.unauthenticated(),
            connections_max = limits.connections_max,
            unauthenticated_max = limits.unauthenticated_max,
            %peer,
            "connection cap reached; refusing new connections until connections close"
        );
    }
    let Ok(permit) = refusing.clone().try_acquire_owned() else {
        // Too many being refused already: close this one at once.
        return;
    };
    tokio::spawn(async move {
        let mut head = Vec::with_capacity(512);
        let read = async {
            let mut buffer = [0u8; 1024];
            while !head.windows(4).any(|window| window == b"\r\n\r\n") && head.len() < REFUSAL_HEAD_BYTES_MAX {
                let n = stream.read(&mut buffer).await?;
                if n == 0 {
                    break;
                }
                head.extend_from_slice(&buffer[..n]);
            }
            io::Result::Ok(())
        };
        if tokio::time::timeout(REFUSAL_READ_TIMEOUT, read).await.is_err() || head.is_empty() {
            return;
        }
        let answer = if head.starts_with(b"GET /healthz ") || head.starts_with(b"GET /healthz?") {
            if healthy() {
                plain_answer("200 OK", "ok (at the connection limit: new connections are refused)\n")
            } else {
                plain_answer(
                    "503 Service Unavailable",
                    "the store failed a write; writes are refused until it recovers\n",
                )
            }
        } else {
            let body =
                envelope_json(ErrorCode::SERVER_BUSY, "the server is at its connection limit; retry in a moment");
            format!(
                "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
        };
        let _ = tokio::time::timeout(REFUSAL_READ_TIMEOUT, stream.write_all(answer.as_bytes())).await;
        let _ = stream.shutdown().await;
        drop(permit);
    });
}

fn plain_answer(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// TIM's REST envelope of a failure, as JSON text.
pub(crate) fn envelope_json(code: ErrorCode, info: &str) -> String {
    serde_json::json!({"ActionStatus": "FAIL", "ErrorCode": code.0, "ErrorInfo": info}).to_string()
}

/// A connection's stream, with the answers the HTTP parser writes by itself for requests it
/// cannot parse (`414` for a URI over 64 KiB, `431` for a head too large) rewritten into TIM's
/// envelope with HTTP 200, as TIM's REST clients expect every answer to be.
///
/// Only those two statuses are rewritten: no handler of this server answers them, and a
/// WebSocket frame never starts with `HTTP/1.1 `.
struct Rewritten {
    stream: TcpStream,
    /// A replacement being written, and how much of it is out.
    replacing: Option<(Vec<u8>, usize)>,
}

impl Rewritten {
    fn new(stream: TcpStream) -> Rewritten {
        Rewritten { stream, replacing: None }
    }

    /// The replacement for a write that starts with `head`, if it is one of the parser's own
    /// error answers.
    fn replacement(head: &[u8]) -> Option<Vec<u8>> {
        let info = if head.starts_with(b"HTTP/1.1 414 ") {
            "the request line is too long: the URI may be at most 65534 bytes"
        } else if head.starts_with(b"HTTP/1.1 431 ") {
            "the request head is too large"
        } else {
            return None;
        };
        let body = envelope_json(ErrorCode::REST_BAD_URL, info);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        Some(answer.into_bytes())
    }

    /// Writes the pending replacement; ready once all of it is out.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.replacing {
            if *written == bytes.len() {
                self.replacing = None;
                break;
            }
            let n = std::task::ready!(Pin::new(&mut self.stream).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Rewritten {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Rewritten {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.replacing.is_none()
            && let Some(replacement) = Rewritten::replacement(buf)
        {
            self.replacing = Some((replacement, 0));
        }
        if self.replacing.is_some() {
            std::task::ready!(self.poll_replacement(cx))?;
            // The parser's answer counts as written: the replacement stood in for all of it.
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.replacing.is_none()
            && let Some(first) = bufs.iter().find(|buf| !buf.is_empty())
            && let Some(replacement) = Rewritten::replacement(first)
        {
            self.replacing = Some((replacement, 0));
        }
        if self.replacing.is_some() {
            std::task::ready!(self.poll_replacement(cx))?;
            return Poll::Ready(Ok(bufs.iter().map(|buf| buf.len()).sum()));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caps_follow_the_descriptor_limit() {
        let limits = ConnectionLimits::for_descriptors(1_024);
        assert_eq!(limits.connections_max, 896);
        assert_eq!(limits.unauthenticated_max, 448);
        assert_eq!(ConnectionLimits::for_descriptors(10).connections_max, 16);
    }

    #[test]
    fn tickets_count_connections_until_dropped_and_logins_leave_the_unauthenticated_count() {
        let gauge = Arc::new(Gauge::default());
        let limits = ConnectionLimits { connections_max: 3, unauthenticated_max: 2, handshake_timeout: Duration::ZERO };
        let first = Ticket::admit(&gauge, &limits).unwrap();
        let second = Ticket::admit(&gauge, &limits).unwrap();
        assert!(Ticket::admit(&gauge, &limits).is_none(), "two unauthenticated at most");
        assert_eq!((gauge.open(), gauge.unauthenticated()), (2, 2));
        first.authenticated();
        first.authenticated();
        let third = Ticket::admit(&gauge, &limits).unwrap();
        assert!(Ticket::admit(&gauge, &limits).is_none(), "three open at most");
        assert_eq!((gauge.open(), gauge.unauthenticated()), (3, 2));
        let clone = first.clone();
        drop(first);
        assert_eq!(gauge.open(), 3, "a clone (the WebSocket's) keeps the place");
        drop((clone, second, third));
        assert_eq!((gauge.open(), gauge.unauthenticated()), (0, 0));
    }

    #[test]
    fn only_the_parsers_own_error_answers_are_rewritten() {
        let rewritten = Rewritten::replacement(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n").unwrap();
        let text = String::from_utf8(rewritten).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(
            text.ends_with(
                r#""ErrorCode":60002,"ErrorInfo":"the request line is too long: the URI may be at most 65534 bytes"}"#
            ) || text.contains("60002"),
            "{text}"
        );
        assert!(Rewritten::replacement(b"HTTP/1.1 431 Request Header Fields Too Large\r\n").is_some());
        assert!(Rewritten::replacement(b"HTTP/1.1 200 OK\r\n").is_none());
        assert!(Rewritten::replacement(b"HTTP/1.1 400 Bad Request\r\n").is_none());
        assert!(Rewritten::replacement(b"\x81\x05HTTP/1.1 414 ").is_none());
    }
}
