//! The WebSocket client protocol: one task per connection.
//!
//! A connection logs in with its first request, then sends requests and receives responses and
//! pushes; `docs/protocol.md` describes the frames.
//! Requests run concurrently (up to [`INFLIGHT_MAX`] per connection) so that a slow history
//! query does not hold up pushes; responses go out as they complete, each with its request's id.
//! A frame that is too large, not JSON, or not a known request is answered with an error and
//! the connection goes on.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, SinkExt, StreamExt};
use serde_json::value::RawValue;
use tincan_engine::{Engine, Inbox, Kick, Session};
use tincan_proto::api::{Operation, login, logout};
use tincan_proto::frame::{RequestFrame, encode_error, encode_push, encode_response, parse_data};
use tincan_proto::push;
use tincan_proto::{ApiError, ErrorCode, limits};
use tokio::sync::watch;

use crate::listen::Ticket;

/// Requests one connection may have running at once; beyond this the connection stops reading
/// until one finishes.
pub(crate) const INFLIGHT_MAX: usize = 64;
/// Most pushes written to a connection before one flush.
const PUSH_BATCH_MAX: usize = 256;
/// How long one write to a connection may wait for the peer to take data.
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a closing connection may take to send its `kicked` push and close frame.
const GOODBYE_TIMEOUT: Duration = Duration::from_secs(1);
/// WebSocket close code for a session the server ends (kick, slow consumer, shutdown).
const CLOSE_SESSION_ENDED: u16 = 4000;

/// What a connection runs on: a client's WebSocket, or a tunnel from the node it reached (see
/// `crate::cluster`).
pub(crate) trait Socket:
    futures_util::Stream<Item = Result<Message, axum::Error>>
    + futures_util::Sink<Message, Error = axum::Error>
    + Unpin
    + Send
{
}

impl<S> Socket for S where
    S: futures_util::Stream<Item = Result<Message, axum::Error>>
        + futures_util::Sink<Message, Error = axum::Error>
        + Unpin
        + Send
{
}

/// A request being served.
type Inflight = std::pin::Pin<Box<dyn std::future::Future<Output = (u64, Result<(String, Next), ApiError>)> + Send>>;

/// The requests a connection is serving, polled by the connection's own task (no task per
/// request: a request costs no scheduling of its own, and its answer is ready where it is
/// written). When the connection ends for any reason, those still running are handed to a task
/// of their own and run to the end, their answers unwritten: a send whose answer is lost is
/// stored (or refused) for good, and the client's resend finds it, where a request dropped
/// halfway would leave its message ID reserved and every resend answered 6015.
#[derive(Default)]
struct Requests(FuturesUnordered<Inflight>);

impl Drop for Requests {
    fn drop(&mut self) {
        let rest = std::mem::take(&mut self.0);
        // Outside a runtime (one being torn down) there is nothing left to run them on.
        if !rest.is_empty()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(rest.for_each(|_| std::future::ready(())));
        }
    }
}

/// What a connection does next after a frame.
enum Next {
    Continue,
    Close,
}

/// Serves one WebSocket until it closes.
///
/// The connection has `login_timeout` to log in; once it has, its `ticket` no longer counts it
/// as unauthenticated, and `on_login` runs.
pub(crate) async fn serve(
    engine: Engine,
    mut socket: impl Socket,
    mut shutdown: watch::Receiver<bool>,
    ticket: Option<Ticket>,
    login_timeout: Duration,
    on_login: impl FnOnce() + Send,
) {
    let Some((mut session, resume_pos)) = login_phase(&engine, &mut socket, login_timeout).await else { return };
    if let Some(ticket) = &ticket {
        ticket.authenticated();
    }
    on_login();
    let (outbox, mut inbox) = tincan_engine::outbox();
    let kick = engine.attach(&mut session, outbox);
    engine.user_attached(&session);
    let result = run(&engine, &mut socket, &session, resume_pos, &mut inbox, &kick, &mut shutdown).await;
    engine.detach(&session);
    engine.user_detached(&session);
    if let Err(reason) = result {
        goodbye(&mut socket, &reason).await;
    }
}

/// Tells the client why its session ends (a `kicked` push with TIM's code and a `desc`) and
/// closes the socket.
pub(crate) async fn goodbye(socket: &mut impl Socket, reason: &ApiError) {
    let payload = serde_json::json!({"code": reason.code, "desc": reason.desc}).to_string();
    // A peer that does not read (the usual slow consumer) cannot take the goodbye either:
    // it gets a moment, then the socket is dropped.
    let goodbye = async {
        socket.send(Message::Text(encode_push(push::KICKED, 0, &payload).into())).await?;
        let close = CloseFrame { code: CLOSE_SESSION_ENDED, reason: Utf8Bytes::from(reason.code.0.to_string()) };
        socket.send(Message::Close(Some(close))).await
    };
    let _ = tokio::time::timeout(GOODBYE_TIMEOUT, goodbye).await;
}

/// Waits for a valid login; answers anything else with 6014.
async fn login_phase(engine: &Engine, socket: &mut impl Socket, login_timeout: Duration) -> Option<(Session, u64)> {
    let deadline = tokio::time::Instant::now() + login_timeout;
    loop {
        let message = match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(message))) => message,
            _ => return None,
        };
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                send_text(socket, encode_error(None, &binary_frame_error())).await.ok()?;
                continue;
            }
            Message::Close(_) => return None,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        let frame = match parse_frame(&text) {
            Ok(frame) => frame,
            Err((id, error)) => {
                send_text(socket, encode_error(id, &error)).await.ok()?;
                continue;
            }
        };
        if frame.op != login::Request::OP {
            let error = ApiError::new(
                ErrorCode::SDK_NOT_LOGGED_IN,
                format!("log in first; {:?} needs a logged-in session", frame.op),
            );
            send_text(socket, encode_error(Some(frame.id), &error)).await.ok()?;
            continue;
        }
        let request: login::Request = match parse_data(frame.data) {
            Ok(request) => request,
            Err(error) => {
                send_text(socket, encode_error(Some(frame.id), &error)).await.ok()?;
                continue;
            }
        };
        match engine.login(&request).await {
            Ok((session, response)) => {
                send_text(socket, encode_response(frame.id, &response)).await.ok()?;
                // A fresh device replays from the head it was given, so that nothing stored
                // between this answer and the device's registration for pushes is missed.
                // A position beyond the server's newest (a restored data directory) would hide
                // every push; it is clamped to the newest.
                let resume_pos = request.resume_pos.map_or(response.pos, |pos| pos.min(response.pos));
                return Some((session, resume_pos));
            }
            Err(error) => {
                send_text(socket, encode_error(Some(frame.id), &error)).await.ok()?;
            }
        }
    }
}

async fn run(
    engine: &Engine,
    socket: &mut impl Socket,
    session: &Session,
    resume_pos: u64,
    inbox: &mut Inbox,
    kick: &Arc<Kick>,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), ApiError> {
    let mut last_sent = replay(engine, socket, session, resume_pos, kick, shutdown).await?;
    let mut requests = Requests::default();
    let inflight = &mut requests.0;
    // A connection silent for three heartbeats is gone.
    let idle_timeout = engine.heartbeat_interval() * 3;
    let mut idle_deadline = tokio::time::Instant::now() + idle_timeout;
    loop {
        tokio::select! {
            biased;
            reason = kick.kicked() => return Err(reason),
            _ = shutdown.changed() => {
                return Err(ApiError::new(ErrorCode::NET_DISCONNECTED, "the server is shutting down; reconnect and resume"));
            }
            Some(answer) = inflight.next(), if !inflight.is_empty() => {
                // Answers that are ready together go out in one write.
                let mut close = false;
                let write = async {
                    let mut ready = Some(answer);
                    while let Some((id, result)) = ready.take() {
                        let (text, next) = match result {
                            Ok((data, next)) => (response_frame(id, data.as_str()), next),
                            Err(error) => (encode_error(Some(id), &error), Next::Continue),
                        };
                        socket.feed(Message::Text(text.into())).await?;
                        if let Next::Close = next {
                            close = true;
                            break;
                        }
                        ready = inflight.next().now_or_never().flatten();
                    }
                    socket.flush().await
                };
                guarded(kick, shutdown, write).await?;
                if close {
                    let _ = guarded(kick, shutdown, socket.send(Message::Close(None))).await;
                    return Ok(());
                }
            }
            Some(batch) = inbox.recv() => {
                // Everything already queued goes out in one write: pushes to a busy connection
                // cost one system call per batch, not one per push.
                let write = async {
                    let mut next = Some(batch);
                    let mut queued = 0;
                    while let Some(batch) = next.take() {
                        for frame in batch {
                            // A push already sent during the replay comes round again live; skip it.
                            if frame.pos == 0 || frame.pos > last_sent {
                                last_sent = last_sent.max(frame.pos);
                                socket.feed(Message::Text(frame.text.into())).await?;
                                queued += 1;
                            }
                        }
                        if queued < PUSH_BATCH_MAX {
                            next = inbox.try_recv();
                        }
                    }
                    socket.flush().await
                };
                guarded(kick, shutdown, write).await?;
            }
            message = socket.next(), if inflight.len() < INFLIGHT_MAX => {
                let Some(Ok(message)) = message else { return Ok(()) };
                idle_deadline = tokio::time::Instant::now() + idle_timeout;
                let text = match message {
                    Message::Text(text) => text,
                    Message::Binary(_) => {
                        guarded(kick, shutdown, send_text(socket, encode_error(None, &binary_frame_error()))).await?;
                        continue;
                    }
                    Message::Close(_) => return Ok(()),
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                match parse_frame(&text) {
                    Ok(frame) => {
                        let (id, op) = (frame.id, frame.op.to_owned());
                        let data = frame.data.map(ToOwned::to_owned);
                        let engine = engine.clone();
                        let session = session.clone();
                        // Owned, so that it can outlive the connection (see `Requests`).
                        inflight.push(Box::pin(async move { (id, handle(&engine, &session, &op, data.as_deref()).await) }));
                    }
                    Err((id, error)) => guarded(kick, shutdown, send_text(socket, encode_error(id, &error))).await?,
                }
            }
            () = tokio::time::sleep_until(idle_deadline) => {
                return Err(ApiError::new(
                    ErrorCode::NET_DISCONNECTED,
                    format!("no frame for {} ms; send ping every heartbeat_interval_ms", idle_timeout.as_millis()),
                ));
            }
        }
    }
}

/// Runs one request; returns its result as JSON and whether the connection ends after it.
async fn handle(
    engine: &Engine,
    session: &Session,
    op: &str,
    data: Option<&RawValue>,
) -> Result<(String, Next), ApiError> {
    let result = engine.call(session, op, data).await?;
    let next = if op == logout::Request::OP { Next::Close } else { Next::Continue };
    Ok((result, next))
}

/// Sends every event after `after` in pages, then `synced`; returns the last position sent.
async fn replay(
    engine: &Engine,
    socket: &mut impl Socket,
    session: &Session,
    after: u64,
    kick: &Kick,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<u64, ApiError> {
    let mut cursor = after;
    loop {
        let (frames, last_pos, more) = engine.replay(session, cursor, limits::RESUME_PAGE_EVENTS_MAX).await?;
        for frame in frames {
            guarded(kick, shutdown, socket.send(Message::Text(frame.text.into()))).await?;
        }
        cursor = last_pos;
        if !more {
            break;
        }
    }
    // The payload of `SyncedPush`, written directly: a number cannot fail to encode.
    let synced = format!("{{\"pos\":{cursor}}}");
    guarded(kick, shutdown, send_text(socket, encode_push(push::SYNCED, 0, &synced))).await?;
    Ok(cursor)
}

fn parse_frame(text: &str) -> Result<RequestFrame<'_>, (Option<u64>, ApiError)> {
    if text.len() > limits::FRAME_BYTES_MAX {
        return Err((
            None,
            ApiError::invalid_parameter(format!(
                "the frame is {} bytes; the limit is {} bytes",
                text.len(),
                limits::FRAME_BYTES_MAX
            )),
        ));
    }
    serde_json::from_str::<RequestFrame<'_>>(text).map_err(|err| {
        let id = serde_json::from_str::<serde_json::Value>(text).ok().and_then(|value| value.get("id")?.as_u64());
        let error = if err.is_syntax() || err.is_eof() {
            ApiError::new(ErrorCode::INVALID_JSON, format!("the frame is not valid JSON: {err}"))
        } else {
            ApiError::invalid_parameter(format!(
                "the frame must be {{\"id\": <number>, \"op\": <string>, \"data\": {{...}}}}: {err}"
            ))
        };
        (id, error)
    })
}

fn binary_frame_error() -> ApiError {
    ApiError::invalid_parameter("binary frames are not part of the protocol; send JSON text frames")
}

/// Runs a write unless the connection is told to close first.
///
/// A peer that stops reading blocks writes; it is closed when its push queue overflows (a
/// kick), when the server shuts down, or when one write has waited [`WRITE_TIMEOUT`], and the
/// blocked write is abandoned rather than waited on for ever.
async fn guarded(
    kick: &Kick,
    shutdown: &mut watch::Receiver<bool>,
    write: impl std::future::Future<Output = Result<(), axum::Error>>,
) -> Result<(), ApiError> {
    let mut write = std::pin::pin!(write);
    // Most writes finish at once (the socket has room): no timer and no select for those.
    if let Some(written) = (&mut write).now_or_never() {
        return written.map_err(disconnected);
    }
    tokio::select! {
        biased;
        reason = kick.kicked() => Err(reason),
        _ = shutdown.changed() => {
            Err(ApiError::new(ErrorCode::NET_DISCONNECTED, "the server is shutting down; reconnect and resume"))
        }
        written = tokio::time::timeout(WRITE_TIMEOUT, write) => match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(disconnected(())),
            Err(_) => Err(ApiError::new(
                ErrorCode::SLOW_CONSUMER,
                "the connection took no data for 60 seconds and was closed; reconnect and resume",
            )),
        },
    }
}

async fn send_text(socket: &mut impl Socket, text: String) -> Result<(), axum::Error> {
    socket.send(Message::Text(text.into())).await
}

fn disconnected<T>(_: T) -> ApiError {
    ApiError::new(ErrorCode::NET_DISCONNECTED, "the connection was lost")
}

/// Wraps an operation's JSON result into a response frame.
pub(crate) fn response_frame(id: u64, result_json: &str) -> String {
    let mut frame = String::with_capacity(result_json.len() + 40);
    frame.push_str("{\"id\":");
    frame.push_str(&id.to_string());
    frame.push_str(",\"code\":0,\"desc\":\"\",\"data\":");
    frame.push_str(result_json);
    frame.push('}');
    frame
}
