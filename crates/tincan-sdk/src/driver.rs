//! The task that owns the connection.
//!
//! It writes requests and matches answers to them by id, turns pushes into events, drops any
//! push at or below the last position it delivered (so a replay after a reconnect never
//! delivers an event twice), sends the heartbeat, and reconnects with backoff when the
//! connection drops, logging in again with the last position so the server replays what was
//! missed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tincan_proto::api::{Operation, get_conversation_list, login, ping};
use tincan_proto::conv_manage::{self, ConvGroupPush, ConvPush};
use tincan_proto::enums::{ConvEvent, ConvType};
use tincan_proto::frame::ServerFrame;
use tincan_proto::push::{
    self, ConvReadPush, GroupPush, KickedPush, MessagePush, MsgExtensionsPush, MsgRevokedPush, MsgUpdatedPush,
    ProfilePush, ReceiptPush, ReceiptSentPush, SyncedPush, UserStatusPush,
};
use tincan_proto::{ApiError, ErrorCode};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::convs::ConvCache;
use crate::{ClientConfig, Command, ConnectionState, Event, SentIds, Shared};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Requests waiting for the driver.
const COMMANDS_MAX: usize = 1024;
/// Bytes read from the socket at most at once.
const READ_BUFFER_BYTES: usize = 16 * 1024;
/// Requests written together before the driver flushes them and looks at the socket again.
const REQUESTS_PER_WRITE_MAX: usize = 64;
/// The longest pause between reconnection attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(5);

struct Pending {
    op: &'static str,
    data: String,
    idempotent: bool,
    sent: bool,
    /// When a request the server answered with 6015 (its first attempt is still being stored)
    /// is sent again.
    retry_at: Option<Instant>,
    deadline: Instant,
    reply: Reply,
}

/// How long to wait before sending again a request the server is still storing.
const IN_PROGRESS_RETRY: Duration = Duration::from_millis(100);
/// How long a closing client waits for the server to end the TCP connection.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

enum Reply {
    Caller(oneshot::Sender<Result<String, ApiError>>),
    Heartbeat,
    /// A conversation-list fetch, with the cache's refresh generation when it was asked for.
    ConvRefresh(u64),
}

struct Driver {
    config: ClientConfig,
    shared: Arc<Shared>,
    events: EventQueue,
    pending: HashMap<u64, Pending>,
    next_id: u64,
    convs: ConvCache,
    heartbeat: Duration,
    /// Answers reached callers since the driver last wrote: they may be about to send more.
    answered: bool,
    /// The total unread count the app was last told (`Event::TotalUnreadChanged`), if any.
    told_total: Option<u64>,
}

/// Connects, logs in, and starts the driver task.
pub(crate) async fn start(config: ClientConfig, events: mpsc::Sender<Event>) -> Result<Arc<Shared>, ApiError> {
    let (socket, response) = connect(&config, config.resume_pos).await?;
    let (commands, receiver) = mpsc::channel(COMMANDS_MAX);
    let shared = Arc::new(Shared {
        commands,
        last_pos: AtomicU64::new(config.resume_pos.map_or(response.pos, |pos| pos.min(response.pos))),
        tiny_id: AtomicU64::new(response.tiny_id),
        clock_offset_secs: AtomicI64::new(clock_offset(response.server_time)),
        sent_ids: Mutex::new(SentIds::default()),
        unread_filters: Mutex::new(Vec::new()),
        user_id: config.user_id.clone(),
        sdkappid: config.sdkappid,
        logging_out: std::sync::atomic::AtomicBool::new(false),
        extension_seqs: Mutex::new(Default::default()),
        http_address: http_address(&config.url),
        user_sig: config.user_sig.clone(),
        request_timeout: config.request_timeout,
    });
    let driver = Driver {
        heartbeat: Duration::from_millis(response.heartbeat_interval_ms.max(1000)),
        answered: false,
        told_total: None,
        config,
        shared: shared.clone(),
        events: EventQueue { sender: events },
        pending: HashMap::new(),
        next_id: 1,
        convs: ConvCache::default(),
    };
    tokio::spawn(driver.run(socket, receiver));
    Ok(shared)
}

/// `host:port` of a `ws://host:port/ws` URL.
fn http_address(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

fn clock_offset(server_time: u64) -> i64 {
    i64::try_from(server_time).unwrap_or(0) - crate::driver_now_secs()
}

/// Opens a WebSocket and logs in; the first frame of the answer is the login's.
///
/// Each step is bounded by the request timeout, so a server that accepts the TCP connection and
/// then says nothing fails the login with 9520 instead of leaving it pending.
async fn connect(config: &ClientConfig, resume_pos: Option<u64>) -> Result<(Socket, login::Response), ApiError> {
    let handshake = tokio::time::timeout(config.request_timeout, open_socket(config));
    let mut socket = handshake
        .await
        .map_err(|_| {
            ApiError::new(
                ErrorCode::NET_WAIT_ACK_TIMEOUT,
                format!("{} did not complete the WebSocket handshake in time", config.url),
            )
        })?
        .map_err(|err| {
            ApiError::new(ErrorCode::NET_DISCONNECTED, format!("cannot connect to {}: {err}", config.url))
        })?;
    let request = login::Request {
        sdkappid: config.sdkappid,
        identifier: config.user_id.as_str().to_owned(),
        user_sig: config.user_sig.clone(),
        resume_pos,
        platform: config.platform,
    };
    let frame = serde_json::json!({"id": 0, "op": login::Request::OP, "data": request});
    socket
        .send(WsMessage::Text(frame.to_string().into()))
        .await
        .map_err(|err| ApiError::new(ErrorCode::NET_DISCONNECTED, format!("cannot send the login: {err}")))?;
    let text = tokio::time::timeout(config.request_timeout, async {
        while let Some(message) = socket.next().await {
            let Ok(WsMessage::Text(text)) = message else { continue };
            if ServerFrame::parse(&text).is_ok_and(|frame| frame.id == Some(0)) {
                return Some(text);
            }
        }
        None
    })
    .await
    .map_err(|_| ApiError::new(ErrorCode::NET_WAIT_ACK_TIMEOUT, "the server did not answer the login"))?
    .ok_or_else(|| ApiError::new(ErrorCode::NET_DISCONNECTED, "the connection closed during the login"))?;
    let answer = ServerFrame::parse(&text).map_err(|err| {
        ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, format!("cannot decode the login answer: {err}"))
    })?;
    match answer.code {
        Some(ErrorCode::SUCC) => {
            let data = answer.data.unwrap_or("{}");
            let response = serde_json::from_str(data).map_err(|err| {
                ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, format!("cannot decode the login answer: {err}"))
            })?;
            Ok((socket, response))
        }
        code => Err(ApiError::new(code.unwrap_or(ErrorCode::SDK_INTERNAL_ERROR), answer.desc.unwrap_or_default())),
    }
}

/// Opens the WebSocket, from `config.local_ip` when it is set.
async fn open_socket(config: &ClientConfig) -> Result<Socket, String> {
    let request = config.url.as_str().into_client_request().map_err(|err| err.to_string())?;
    // This build speaks plain WebSocket only: TLS is a proxy's job, and a wss:// URL must not go
    // out in plain text.
    if request.uri().scheme_str() != Some("ws") {
        return Err("only ws:// URLs are supported; put a TLS proxy in front for wss://".to_owned());
    }
    let host = request.uri().host().ok_or("the URL has no host")?.trim_matches(['[', ']']).to_owned();
    let port = request.uri().port_u16().unwrap_or(80);
    let stream = match config.local_ip {
        None => TcpStream::connect((host.as_str(), port)).await.map_err(|err| err.to_string())?,
        Some(local_ip) => {
            let peer = tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|err| err.to_string())?
                .find(|address| address.is_ipv4() == local_ip.is_ipv4())
                .ok_or_else(|| format!("{host} has no address of the local address's family ({local_ip})"))?;
            let tcp = if local_ip.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() }
                .map_err(|err| err.to_string())?;
            tcp.bind(SocketAddr::new(local_ip, 0)).map_err(|err| format!("cannot connect from {local_ip}: {err}"))?;
            tcp.connect(peer).await.map_err(|err| err.to_string())?
        }
    };
    // The driver gathers its own writes (a flush after every burst of requests), so Nagle's
    // algorithm would only hold small requests back.
    stream.set_nodelay(true).map_err(|err| err.to_string())?;
    // A read takes what is there up to the read buffer's size, and the library zeroes that much
    // before each read: 16 KiB takes a server's gathered write (it writes at most 16 KiB at
    // once), where the default 128 KiB cost a 128 KiB memset per read.
    let websocket = WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
    tokio_tungstenite::client_async_with_config(request, MaybeTlsStream::Plain(stream), Some(websocket))
        .await
        .map(|(socket, _)| socket)
        .map_err(|err| err.to_string())
}

/// The error of a request that had no answer by its deadline.
pub(crate) fn timed_out(op: &str) -> ApiError {
    ApiError::new(ErrorCode::NET_WAIT_ACK_TIMEOUT, format!("no answer to {op} in time"))
}

/// Whether a login failure is final (bad credentials) rather than a passing network problem.
fn is_fatal(error: &ApiError) -> bool {
    let code = error.code.0;
    (70000..80000).contains(&code) || code == ErrorCode::SDKAPPID_NOT_FOUND.0 || code == ErrorCode::INVALID_IDENTIFIER.0
}

enum Outcome {
    Closed,
    Lost,
    Ended(ApiError),
    /// The application's event queue is full: stop receiving until it takes some.
    Overflowed,
}

/// The application's side of the events: bounded, so that an application that stops taking
/// them holds the client's memory to the bound.
struct EventQueue {
    sender: mpsc::Sender<Event>,
}

impl EventQueue {
    /// Queues an event that the client can make again (conversation changes, totals, the
    /// connection's state): when the queue is full it is dropped, and the resume that follows
    /// an overflow refreshes the conversations.
    fn send(&self, event: Event) {
        let _ = self.sender.try_send(event);
    }

    /// Queues an event of the user's stream; `false` when the queue is full (the caller then
    /// resumes from before it).
    fn offer(&self, event: Event) -> bool {
        !matches!(self.sender.try_send(event), Err(mpsc::error::TrySendError::Full(_)))
    }

    /// Whether half of the queue is free.
    fn has_room(&self) -> bool {
        self.sender.capacity() * 2 >= self.sender.max_capacity()
    }
}

impl Driver {
    async fn run(mut self, socket: Socket, mut commands: mpsc::Receiver<Command>) {
        let mut socket = Some(socket);
        let mut backoff = Duration::from_millis(100);
        loop {
            let outcome = match socket.take() {
                Some(socket) => self.connected(socket, &mut commands).await,
                None => match connect(&self.config, Some(self.shared.last_pos.load(Ordering::SeqCst))).await {
                    Ok((new_socket, response)) => {
                        backoff = Duration::from_millis(100);
                        // The server replays from at most its newest position.
                        self.shared.last_pos.fetch_min(response.pos, Ordering::SeqCst);
                        self.shared.tiny_id.store(response.tiny_id, Ordering::SeqCst);
                        self.shared.clock_offset_secs.store(clock_offset(response.server_time), Ordering::SeqCst);
                        self.events.send(Event::Connection(ConnectionState::Connected));
                        socket = Some(new_socket);
                        continue;
                    }
                    Err(error) if is_fatal(&error) => Outcome::Ended(error),
                    Err(_) => {
                        self.wait_while_disconnected(&mut commands, backoff).await;
                        backoff = (backoff * 2).min(BACKOFF_MAX);
                        continue;
                    }
                },
            };
            match outcome {
                Outcome::Closed => break,
                Outcome::Ended(error) => {
                    self.events.send(Event::Ended(error.clone()));
                    self.fail_all(&error);
                    break;
                }
                Outcome::Lost if self.shared.logging_out.load(Ordering::SeqCst) => break,
                Outcome::Lost => {
                    self.events.send(Event::Connection(ConnectionState::Disconnected));
                    self.after_disconnect();
                }
                Outcome::Overflowed => {
                    self.after_disconnect();
                    // Resumed only once the application has caught up: the events it could not
                    // take are replayed then, after the last one it was given.
                    while !self.events.has_room() {
                        self.wait_while_disconnected(&mut commands, Duration::from_millis(20)).await;
                    }
                    let resumed_after = self.shared.last_pos.load(Ordering::SeqCst);
                    self.events.send(Event::Overflowed { resumed_after });
                }
            }
        }
    }

    /// Waits `pause` while disconnected, queueing new requests and expiring old ones.
    async fn wait_while_disconnected(&mut self, commands: &mut mpsc::Receiver<Command>, pause: Duration) {
        let until = Instant::now() + pause;
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(until) => {
                    // A request waiting for the connection fails at its deadline, even when no
                    // other request comes to wake this loop.
                    self.expire();
                    return;
                }
                command = commands.recv() => match command {
                    Some(Command::Request { op, data, idempotent, deadline, reply }) => {
                        self.queue(op, data, idempotent, deadline, Reply::Caller(reply));
                    }
                    Some(Command::ForceReconnect) => {}
                    Some(Command::Close) | None => {
                        self.fail_all(&ApiError::new(ErrorCode::SDK_NOT_LOGGED_IN, "the client is closed"));
                        return;
                    }
                },
            }
            self.expire();
        }
    }

    /// Takes a request to send; `None` (and the caller answered) when its deadline has passed.
    fn queue(
        &mut self,
        op: &'static str,
        data: String,
        idempotent: bool,
        deadline: Instant,
        reply: Reply,
    ) -> Option<u64> {
        if deadline <= Instant::now() {
            if let Reply::Caller(reply) = reply {
                let _ = reply.send(Err(timed_out(op)));
            }
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.pending.insert(id, Pending { op, data, idempotent, sent: false, retry_at: None, deadline, reply });
        Some(id)
    }

    async fn connected(&mut self, mut socket: Socket, commands: &mut mpsc::Receiver<Command>) -> Outcome {
        // Requests queued while disconnected go first, but those whose callers stopped waiting.
        self.expire();
        let mut unsent: Vec<u64> =
            self.pending.iter().filter(|(_, pending)| !pending.sent).map(|(id, _)| *id).collect();
        unsent.sort_unstable();
        if self.send(&mut socket, unsent).await.is_err() {
            return Outcome::Lost;
        }
        let mut heartbeat = tokio::time::interval(self.heartbeat);
        heartbeat.tick().await;
        let mut sweep = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                command = commands.recv() => {
                    if let Some(outcome) = self.on_commands(&mut socket, command, commands).await {
                        return outcome;
                    }
                }
                message = socket.next() => {
                    let text = match message {
                        Some(Ok(WsMessage::Text(text))) => text,
                        Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => return Outcome::Lost,
                        Some(Ok(_)) => continue,
                    };
                    match ServerFrame::parse(&text) {
                        Ok(frame) => {
                            if let Some(outcome) = self.on_frame(&mut socket, frame).await {
                                return outcome;
                            }
                        }
                        Err(err) => tracing::warn!(error = %err, "an unreadable frame from the server"),
                    }
                }
                _ = heartbeat.tick() => {
                    let deadline = Instant::now() + self.config.request_timeout;
                    let id = self.queue(ping::Request::OP, "{}".to_owned(), true, deadline, Reply::Heartbeat);
                    if self.send(&mut socket, id).await.is_err() {
                        return Outcome::Lost;
                    }
                }
                _ = sweep.tick() => {
                    self.expire();
                    let now = Instant::now();
                    let mut due: Vec<u64> = self
                        .pending
                        .iter()
                        .filter(|(_, pending)| !pending.sent && pending.retry_at.is_some_and(|at| at <= now))
                        .map(|(id, _)| *id)
                        .collect();
                    // In the order they were asked for, as after a reconnect.
                    due.sort_unstable();
                    if self.send(&mut socket, due).await.is_err() {
                        return Outcome::Lost;
                    }
                }
            }
        }
    }

    /// Handles a command and every command already waiting after it: requests are written
    /// together, with one flush, so that a busy caller's requests share system calls.
    async fn on_commands(
        &mut self,
        socket: &mut Socket,
        first: Option<Command>,
        commands: &mut mpsc::Receiver<Command>,
    ) -> Option<Outcome> {
        let mut command = first;
        let mut fed = 0;
        let outcome = loop {
            match command {
                Some(Command::Request { op, data, idempotent, deadline, reply }) => {
                    if let Some(id) = self.queue(op, data, idempotent, deadline, Reply::Caller(reply)) {
                        if self.feed(socket, id).await.is_err() {
                            return Some(Outcome::Lost);
                        }
                        fed += 1;
                    }
                }
                Some(Command::ForceReconnect) => break Outcome::Lost,
                Some(Command::Close) | None => {
                    self.fail_all(&ApiError::new(ErrorCode::SDK_NOT_LOGGED_IN, "the client is closed"));
                    break Outcome::Closed;
                }
            }
            // A bounded number at a time, so that answers and pushes are read in between.
            let mut next = None;
            if fed < REQUESTS_PER_WRITE_MAX {
                next = commands.try_recv().ok();
                if next.is_none() && self.answered {
                    // Callers woken by the answers just delivered are often about to queue their
                    // next requests: one turn of the scheduler lets them join this write.
                    self.answered = false;
                    tokio::task::yield_now().await;
                    next = commands.try_recv().ok();
                }
            }
            match next {
                Some(next) => command = Some(next),
                None => return socket.flush().await.err().map(|_| Outcome::Lost),
            }
        };
        match outcome {
            Outcome::Closed => close_and_wait_for_server(socket).await,
            _ => {
                let _ = socket.close(None).await;
            }
        }
        Some(outcome)
    }

    /// Sends requests, in the order given, with one flush.
    async fn send(&mut self, socket: &mut Socket, ids: impl IntoIterator<Item = u64>) -> Result<(), ()> {
        let mut fed = false;
        for id in ids {
            self.feed(socket, id).await?;
            fed = true;
        }
        if fed { socket.flush().await.map_err(|_| ()) } else { Ok(()) }
    }

    /// Writes a request to the socket's buffer; a flush sends it.
    async fn feed(&mut self, socket: &mut Socket, id: u64) -> Result<(), ()> {
        let Some(pending) = self.pending.get_mut(&id) else { return Ok(()) };
        if pending.deadline <= Instant::now() {
            // Its caller is being told it timed out (a backlog written after a reconnect, over a
            // slow link): it is not sent.
            self.expire();
            return Ok(());
        }
        let frame = format!("{{\"id\":{id},\"op\":\"{}\",\"data\":{}}}", pending.op, pending.data);
        pending.sent = true;
        pending.retry_at = None;
        socket.feed(WsMessage::Text(frame.into())).await.map_err(|_| ())
    }

    async fn on_frame(&mut self, socket: &mut Socket, frame: ServerFrame<'_>) -> Option<Outcome> {
        let data = frame.data.unwrap_or("{}");
        if let Some(kind) = frame.push.as_deref() {
            return self.on_push(socket, kind, frame.pos, data).await;
        }
        let id = frame.id?;
        let mut pending = self.pending.remove(&id)?;
        if frame.code == Some(ErrorCode::IN_PROGRESS)
            && pending.idempotent
            && Instant::now() + IN_PROGRESS_RETRY < pending.deadline
        {
            // An earlier attempt of this request (sent before a reconnect) is still being
            // stored; asking again shortly returns its result.
            pending.sent = false;
            pending.retry_at = Some(Instant::now() + IN_PROGRESS_RETRY);
            self.pending.insert(id, pending);
            return None;
        }
        let result = match frame.code {
            Some(ErrorCode::SUCC) => Ok(data.to_owned()),
            code => Err(ApiError::new(code.unwrap_or(ErrorCode::SDK_INTERNAL_ERROR), frame.desc.unwrap_or_default())),
        };
        match pending.reply {
            Reply::Caller(reply) => {
                let _ = reply.send(result);
                self.answered = true;
            }
            Reply::Heartbeat => {}
            Reply::ConvRefresh(generation) => {
                if let Ok(text) = result
                    && let Ok(response) = serde_json::from_str::<get_conversation_list::Response>(&text)
                {
                    let was_loaded = self.convs.is_loaded();
                    let changes = self.convs.replace(response.conversations, generation);
                    self.report_convs(changes, was_loaded);
                }
            }
        }
        None
    }

    async fn on_push(&mut self, socket: &mut Socket, kind: &str, pos: u64, data: &str) -> Option<Outcome> {
        if pos != 0 && pos <= self.shared.last_pos.load(Ordering::SeqCst) {
            return None;
        }
        // An event of the stream counts as delivered, and its position as passed, only once the
        // application's queue took it; a full queue is an overflow, and the resume after it
        // brings the event again.
        macro_rules! deliver {
            ($event:expr) => {
                if !self.events.offer($event) {
                    return Some(Outcome::Overflowed);
                }
            };
        }
        match kind {
            push::MESSAGE => {
                let Ok(payload) = serde_json::from_str::<MessagePush>(data) else { return self.passed(pos) };
                let own_echo = payload.message.message_is_from_self
                    && crate::state_lock(&self.shared.sent_ids).contains(&payload.message.message_msg_id);
                let (message, conv) = (payload.message.clone(), payload.conv);
                if !own_echo {
                    deliver!(Event::Message(payload));
                }
                // An online-only message is not part of the conversation: no last message, no
                // unread count.
                if message.message_is_online_msg {
                    return self.passed(pos);
                }
                let change = self.convs.apply_message(&message, conv);
                // A conversation new to this copy may carry what the user set on it (a hidden
                // one that this message brings back keeps its pin and marks): the list has it.
                let added = change.as_ref().is_some_and(|change| change.event == ConvEvent::ADD);
                self.report_convs(change.into_iter().collect(), true);
                if added && self.convs.is_loaded() {
                    self.passed(pos);
                    self.refresh_convs(socket).await?;
                    return None;
                }
            }
            push::RECEIPT => {
                if let Ok(payload) = serde_json::from_str::<ReceiptPush>(data) {
                    deliver!(Event::Receipts(payload.receipts));
                }
            }
            push::RECEIPT_SENT => {
                if let Ok(payload) = serde_json::from_str::<ReceiptSentPush>(data) {
                    deliver!(Event::ReceiptSent(payload));
                }
            }
            push::CONV_READ => {
                let Ok(payload) = serde_json::from_str::<ConvReadPush>(data) else { return self.passed(pos) };
                let (conv_id, conv_type, conv, moved_back) =
                    (payload.conv_id.clone(), payload.conv_type, payload.conv, payload.moved_back);
                deliver!(Event::ConvRead(payload));
                let change = self.convs.apply_read(&conv_id, conv_type, conv, moved_back);
                self.report_convs(change.into_iter().collect(), true);
            }
            push::GROUP => {
                let Ok(payload) = serde_json::from_str::<GroupPush>(data) else { return self.passed(pos) };
                let me = self.shared.user_id.as_str();
                let gone = payload.event == "dismissed"
                    || (matches!(payload.event.as_str(), "left" | "removed")
                        && payload.members.iter().any(|it| it == me));
                let group_id = payload.group_id.clone();
                deliver!(Event::Group(payload));
                self.passed(pos);
                let change = if gone { self.convs.remove(&group_id, ConvType::GROUP) } else { None };
                self.report_convs(change.into_iter().collect(), true);
                if !gone {
                    self.refresh_convs(socket).await?;
                }
                return None;
            }
            conv_manage::CONV_PUSH => {
                let Ok(payload) = serde_json::from_str::<ConvPush>(data) else { return self.passed(pos) };
                let changes =
                    payload.conversations.into_iter().filter_map(|conv| self.convs.apply_pushed(payload.event, conv));
                let changes: Vec<_> = changes.collect();
                self.report_convs(changes, true);
            }
            conv_manage::CONV_GROUP_PUSH => {
                let Ok(payload) = serde_json::from_str::<ConvGroupPush>(data) else { return self.passed(pos) };
                let conversations = payload.conversations.clone();
                deliver!(Event::ConvGroup(payload));
                let changes: Vec<_> = conversations
                    .into_iter()
                    .filter_map(|conv| self.convs.apply_pushed(ConvEvent::UPDATE, conv))
                    .collect();
                self.report_convs(changes, true);
            }
            tincan_proto::api::get_all_recv_opt::ALL_RECV_OPT_PUSH => {
                let Ok(payload) = serde_json::from_str(data) else { return self.passed(pos) };
                deliver!(Event::AllRecvOptChanged(payload));
            }
            push::PROFILE => {
                if let Ok(payload) = serde_json::from_str::<ProfilePush>(data) {
                    let mine = payload.profile.user_profile_identifier == self.shared.user_id.as_str();
                    deliver!(if mine {
                        Event::SelfProfileChanged(payload.profile)
                    } else {
                        Event::ProfileChanged(payload.profile)
                    });
                }
            }
            push::FRIEND => {
                if let Ok(payload) = serde_json::from_str::<tincan_proto::push::FriendPush>(data) {
                    deliver!(Event::Friend(payload));
                }
            }
            push::FOLLOW => {
                if let Ok(payload) = serde_json::from_str::<tincan_proto::push::FollowPush>(data) {
                    deliver!(Event::Follow(payload));
                }
            }
            push::USER_STATUS => {
                if let Ok(payload) = serde_json::from_str::<UserStatusPush>(data) {
                    deliver!(Event::UserStatusChanged(payload.statuses));
                }
            }
            push::GROUP_ATTRIBUTES => {
                if let Ok(payload) = serde_json::from_str::<push::GroupAttributesPush>(data) {
                    deliver!(Event::GroupAttributesChanged(payload));
                }
            }
            push::GROUP_COUNTERS => {
                if let Ok(payload) = serde_json::from_str::<push::GroupCountersPush>(data) {
                    deliver!(Event::GroupCountersChanged(payload));
                }
            }
            push::MSG_REVOKED => {
                let Ok(payload) = serde_json::from_str::<MsgRevokedPush>(data) else { return self.passed(pos) };
                let (info, conv) = (payload.revoked.clone(), payload.conv);
                deliver!(Event::Revoked(payload));
                let change = self.convs.apply_revoke(&info, conv);
                self.report_convs(change.into_iter().collect(), true);
            }
            push::MSG_UPDATED => {
                let Ok(payload) = serde_json::from_str::<MsgUpdatedPush>(data) else { return self.passed(pos) };
                let message = payload.message.clone();
                deliver!(Event::Updated(payload.message));
                let change = self.convs.apply_update(message);
                self.report_convs(change.into_iter().collect(), true);
            }
            push::MSG_EXTENSIONS_CHANGED | push::MSG_EXTENSIONS_DELETED => {
                let Ok(payload) = serde_json::from_str::<MsgExtensionsPush>(data) else { return self.passed(pos) };
                crate::state_lock(&self.shared.extension_seqs).note(&payload.message_msg_id, &payload.extensions);
                deliver!(if kind == push::MSG_EXTENSIONS_CHANGED {
                    Event::ExtensionsChanged(payload)
                } else {
                    Event::ExtensionsDeleted(payload)
                });
            }
            push::MSG_DELETED => {
                if let Ok(payload) = serde_json::from_str::<tincan_proto::push::MsgDeletedPush>(data) {
                    deliver!(Event::MessagesDeleted(payload));
                }
            }
            push::SYNCED => {
                let synced = serde_json::from_str::<SyncedPush>(data).map_or(0, |it| it.pos);
                if synced > self.shared.last_pos.load(Ordering::SeqCst) {
                    self.shared.last_pos.store(synced, Ordering::SeqCst);
                }
                self.events.send(Event::Synced(self.shared.last_pos.load(Ordering::SeqCst)));
                self.refresh_convs(socket).await?;
            }
            push::KICKED => {
                let kicked = serde_json::from_str::<KickedPush>(data).unwrap_or_default();
                let error = ApiError::new(kicked.code, kicked.desc);
                // A slow connection or a server restart is passing: reconnect and resume.
                let passing = [ErrorCode::SLOW_CONSUMER, ErrorCode::NET_DISCONNECTED].contains(&error.code);
                return Some(if passing { Outcome::Lost } else { Outcome::Ended(error) });
            }
            other => tracing::debug!(kind = other, "an unknown push"),
        }
        self.passed(pos)
    }

    /// Records that the stream's event at `pos` (0: not an event of the stream) was delivered.
    fn passed(&self, pos: u64) -> Option<Outcome> {
        if pos != 0 {
            self.shared.last_pos.fetch_max(pos, Ordering::SeqCst);
        }
        None
    }

    async fn refresh_convs(&mut self, socket: &mut Socket) -> Option<Outcome> {
        let generation = self.convs.begin_refresh();
        let deadline = Instant::now() + self.config.request_timeout;
        let id = self.queue(
            get_conversation_list::Request::OP,
            "{}".to_owned(),
            true,
            deadline,
            Reply::ConvRefresh(generation),
        );
        self.send(socket, id).await.err().map(|()| Outcome::Lost)
    }

    /// Tells the app of changed conversations, and of the total unread count whenever it differs
    /// from the total last told. The first load of the list sets the total without telling
    /// (`announce_total` false), unless a total was told before it: pushes that came before the
    /// list's answer may have told one (from 0), and the app must then hear where it went.
    fn report_convs(&mut self, changes: Vec<crate::ConvChange>, announce_total: bool) {
        if !changes.is_empty() {
            self.events.send(Event::ConvChanged(changes));
        }
        let total = self.convs.total_unread();
        match (self.told_total, announce_total) {
            (None, false) => self.told_total = Some(total),
            (told, _) if told.unwrap_or(0) != total => {
                self.told_total = Some(total);
                self.events.send(Event::TotalUnreadChanged(total));
            }
            _ => {}
        }
        let mut told = Vec::new();
        for (filter, last) in crate::state_lock(&self.shared.unread_filters).iter_mut() {
            let total = self.convs.list().filter(|conv| filter.accepts(conv)).map(|conv| conv.conv_unread_num).sum();
            if total != *last {
                *last = total;
                told.push(Event::FilteredUnreadChanged { filter: filter.clone(), total });
            }
        }
        for event in told {
            self.events.send(event);
        }
    }

    /// After a lost connection: requests whose outcome is unknown fail unless they are safe to
    /// send again.
    fn after_disconnect(&mut self) {
        let lost: Vec<u64> =
            self.pending.iter().filter(|(_, pending)| pending.sent && !pending.idempotent).map(|(id, _)| *id).collect();
        for id in lost {
            if let Some(Pending { reply: Reply::Caller(reply), .. }) = self.pending.remove(&id) {
                let _ = reply.send(Err(ApiError::new(
                    ErrorCode::NET_DISCONNECTED,
                    "the connection was lost before the answer; the request may or may not have been applied",
                )));
            }
        }
        self.pending.retain(|_, pending| matches!(pending.reply, Reply::Caller(_)));
        for pending in self.pending.values_mut() {
            pending.sent = false;
        }
    }

    fn expire(&mut self) {
        let now = Instant::now();
        let expired: Vec<u64> =
            self.pending.iter().filter(|(_, pending)| pending.deadline <= now).map(|(id, _)| *id).collect();
        for id in expired {
            if let Some(Pending { reply: Reply::Caller(reply), op, .. }) = self.pending.remove(&id) {
                let _ = reply.send(Err(timed_out(op)));
            }
        }
    }

    fn fail_all(&mut self, error: &ApiError) {
        for (_, pending) in self.pending.drain() {
            if let Reply::Caller(reply) = pending.reply {
                let _ = reply.send(Err(error.clone()));
            }
        }
    }
}

/// Closes the connection as RFC 6455 asks of a client (section 7.1.1): the close frame sent,
/// then the server's answer and the end of its side of the TCP connection awaited, for at most
/// [`CLOSE_LINGER`]. The side that ends a TCP connection first keeps it in TIME_WAIT for a
/// minute; when that is the client, each closed connection holds one of its local ports, and a
/// client that opens and closes connections quickly from one address (a load generator, an
/// app that reconnects often) runs out of them.
async fn close_and_wait_for_server(socket: &mut Socket) {
    use tokio::io::AsyncReadExt;
    let _ = socket.close(None).await;
    let _ = tokio::time::timeout(CLOSE_LINGER, async {
        // The server's close frame, then nothing more from the WebSocket.
        while let Some(Ok(_)) = socket.next().await {}
        // The server's end of the TCP connection: a read that returns nothing.
        let mut rest = [0u8; 256];
        while let Ok(1..) = socket.get_mut().read(&mut rest).await {}
    })
    .await;
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tincan_proto::{ErrorCode, UserId};

    use crate::{Client, ClientConfig};

    #[tokio::test]
    async fn a_silent_server_fails_the_login_in_time() {
        // The listener accepts connections (the kernel completes the TCP handshake) but never
        // answers the WebSocket upgrade.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/ws", listener.local_addr().unwrap());
        let mut config = ClientConfig::new(url, 1, UserId::parse("alice").unwrap(), "sig");
        config.request_timeout = Duration::from_millis(300);
        let started = std::time::Instant::now();
        let outcome = tokio::time::timeout(Duration::from_secs(10), Client::connect(config)).await;
        let error = outcome.expect("the login settles").err().expect("the login fails");
        assert_eq!(error.code, ErrorCode::NET_WAIT_ACK_TIMEOUT, "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
        drop(listener);
    }
}
