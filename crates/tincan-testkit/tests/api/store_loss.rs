//! PostgreSQL lost: a server on PostgreSQL reaches it through a TCP relay of this test's own,
//! which can hold every byte (PostgreSQL paused, or a network that drops packets) or cut every
//! connection (PostgreSQL stopped). Requests fail in bounded time with 7012 and a `desc` that
//! says what is wrong, nothing half-written is left, and service comes back by itself when
//! PostgreSQL does, with every acknowledged message stored once.
//!
//! The relay holds bytes rather than dropping them, as TCP does: when it lets them through
//! again, a batch the server gave up on may still reach PostgreSQL and commit after the server
//! has reconnected, the case the writer must not write twice.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tincan_proto::enums::ConvType;
use tincan_proto::{ErrorCode, Message};
use tincan_sdk::Client;
use tincan_testkit::spawn_app_on_postgres_through;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the relay does with the bytes it is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Pass,
    /// Held until the mode is `Pass` again; new connections are taken and held too.
    Hold,
    /// Every connection is closed, and new ones are closed as soon as they are taken.
    Cut,
}

/// A TCP relay in front of PostgreSQL.
struct Relay {
    addr: SocketAddr,
    mode: watch::Sender<Mode>,
    /// Set to make the next `COMMIT` sent to PostgreSQL arrive [`LATE`] after it was sent, as a
    /// connection's retransmission may long after its sender gave up on it.
    late_commit: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

/// How late a late `COMMIT` arrives: past the writer's time limit for a batch (10 s) and its
/// reconnection.
const LATE: Duration = Duration::from_secs(13);

impl Relay {
    /// Starts relaying to `upstream`; called on a runtime.
    fn start(upstream: String) -> Relay {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let listener = TcpListener::from_std(listener).unwrap();
        let addr = listener.local_addr().unwrap();
        let (mode, watching) = watch::channel(Mode::Pass);
        let late_commit = Arc::new(AtomicBool::new(false));
        let late = late_commit.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                if *watching.borrow() == Mode::Cut {
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream).await else { continue };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(pump(client_read, server_write, watching.clone(), Some(late.clone())));
                tokio::spawn(pump(server_read, client_write, watching.clone(), None));
            }
        });
        Relay { addr, mode, late_commit, task }
    }

    fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies `from` to `to`, holding each chunk while the mode is `Hold` and ending (which closes
/// both halves) when it is `Cut`; with `late_commit` set, the chunk that holds the next
/// `COMMIT` is passed on [`LATE`] after it came.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut mode: watch::Receiver<Mode>,
    late_commit: Option<Arc<AtomicBool>>,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = tokio::select! {
            read = from.read(&mut buffer) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
            _ = mode.wait_for(|mode| *mode == Mode::Cut) => return,
        };
        if late_commit.as_ref().is_some_and(|late| {
            buffer[..n].windows(6).any(|bytes| bytes == b"COMMIT") && late.swap(false, Ordering::SeqCst)
        }) {
            tokio::time::sleep(LATE).await;
        }
        let Ok(now) = mode.wait_for(|mode| *mode != Mode::Hold).await.map(|mode| *mode) else { return };
        if now == Mode::Cut || to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
    // The sender closed: what it sent has been passed on (once let through); so is the close.
    let _ = to.shutdown().await;
}

/// `url` with its host and port replaced by `addr`.
fn through(url: &str, addr: SocketAddr) -> String {
    let start = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[start..];
    let host_start = rest.find('@').map_or(0, |at| at + 1);
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    format!("{}{}{addr}{}", &url[..start], &rest[..host_start], &rest[host_end..])
}

/// `url`'s host and port.
fn upstream_of(url: &str) -> String {
    let start = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[start..];
    let host_start = rest.find('@').map_or(0, |at| at + 1);
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    rest[host_start..host_end].to_owned()
}

async fn health(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

type Send = JoinHandle<Result<Message, tincan_proto::ApiError>>;

fn send(client: &Client, text: String) -> Send {
    let client = client.clone();
    tokio::spawn(async move { client.send_text("bob", ConvType::C2C, &text, false).await })
}

/// Sends until one is refused; returns the refusal, and the sends still waiting (held by the
/// writer, which keeps trying their batch). A send that stays unanswered for 30 s fails the test.
async fn send_until_refused(
    alice: &Client,
    label: &str,
    acknowledged: &mut Vec<Message>,
    held: &mut Vec<Send>,
) -> tincan_proto::ApiError {
    let started = Instant::now();
    for index in 0.. {
        assert!(started.elapsed() < Duration::from_secs(30), "{label}: no send was refused in 30 s");
        let mut sending = send(alice, format!("{label} {index}"));
        match tokio::time::timeout(Duration::from_secs(1), &mut sending).await {
            Ok(answer) => match answer.unwrap() {
                Ok(message) => acknowledged.push(message),
                Err(err) => return err,
            },
            Err(_) => held.push(sending),
        }
    }
    unreachable!()
}

/// Sends until one is stored, within 40 s.
async fn send_until_stored(alice: &Client, label: &str) -> Message {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        match tokio::time::timeout(Duration::from_secs(20), send(alice, label.to_owned())).await {
            Ok(answer) => match answer.unwrap() {
                Ok(message) => return message,
                Err(err) => assert!(Instant::now() < deadline, "{label}: writes did not come back: {}", err.desc),
            },
            Err(_) => panic!("{label}: a send was not answered in 20 s"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn settle(held: Vec<Send>, acknowledged: &mut Vec<Message>) {
    for sending in held {
        let answer = tokio::time::timeout(Duration::from_secs(40), sending).await;
        match answer.expect("a held send was answered once the store came back").unwrap() {
            Ok(message) => acknowledged.push(message),
            Err(err) => assert_eq!(err.code, ErrorCode::SDK_INTERNAL_ERROR, "{}", err.desc),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_held_or_cut_fails_requests_in_time_and_service_comes_back_with_nothing_lost_or_doubled() {
    let relay: Arc<std::sync::Mutex<Option<Relay>>> = Arc::default();
    let starting = relay.clone();
    let app = spawn_app_on_postgres_through(move |url| {
        let relay = Relay::start(upstream_of(url));
        let routed = through(url, relay.addr);
        *starting.lock().unwrap() = Some(relay);
        routed
    })
    .await;
    let relay = relay.lock().unwrap().take().unwrap();
    // Sends held by the writer are answered once PostgreSQL is back; the client waits for that
    // rather than giving up at its usual 30 s.
    let mut config = app.config("alice");
    config.request_timeout = Duration::from_secs(120);
    let (alice, _alice_events) = Client::connect(config).await.unwrap();
    let (bob, _bob_events) = app.client("bob").await;
    let mut acknowledged = Vec::new();
    for index in 0..10 {
        acknowledged.push(alice.send_text("bob", ConvType::C2C, &format!("before {index}"), false).await.unwrap());
    }

    // A batch's COMMIT reaches PostgreSQL late, after the writer gave up on its connection and
    // made a new one: the batch is not written twice (which would fail on its message IDs and
    // stop every write), and its sends are answered once it is stored.
    relay.late_commit.store(true, Ordering::SeqCst);
    let late = tokio::time::timeout(Duration::from_secs(40), alice.send_text("bob", ConvType::C2C, "late", false))
        .await
        .expect("a send whose COMMIT came late is answered");
    acknowledged.push(late.unwrap());
    tokio::time::sleep(LATE).await;
    acknowledged.push(send_until_stored(&alice, "after the late commit").await);

    // PostgreSQL stops answering: the send under way waits for the writer's time limit, and
    // from then on every change is refused at once, saying why.
    relay.set(Mode::Hold);
    let mut held = Vec::new();
    let refused = send_until_refused(&alice, "held", &mut acknowledged, &mut held).await;
    assert_eq!(refused.code, ErrorCode::SDK_INTERNAL_ERROR, "{}", refused.desc);
    assert!(refused.desc.contains("cannot write now"), "{}", refused.desc);
    assert!(refused.desc.contains("PostgreSQL did not answer"), "{}", refused.desc);
    assert!(health(app.addr).await.starts_with("HTTP/1.1 503"));
    // A read that needs the store fails in bounded time too, or is answered from memory.
    let reading = Instant::now();
    let read =
        tokio::time::timeout(Duration::from_secs(15), bob.get_message_list("alice", ConvType::C2C, Default::default()))
            .await
            .expect("a read is answered in bounded time while PostgreSQL does not answer");
    if let Err(err) = read {
        assert_eq!(err.code, ErrorCode::SDK_INTERNAL_ERROR, "{}", err.desc);
        assert!(err.desc.contains("cannot be read now"), "{}", err.desc);
    }
    assert!(reading.elapsed() < Duration::from_secs(15));

    // The bytes held go through; the batch given up on may commit now, and is not written twice.
    relay.set(Mode::Pass);
    acknowledged.push(send_until_stored(&alice, "after the hold").await);
    settle(std::mem::take(&mut held), &mut acknowledged).await;

    // PostgreSQL goes away: connections are cut, and new ones are closed at once.
    relay.set(Mode::Cut);
    let refused = send_until_refused(&alice, "cut", &mut acknowledged, &mut held).await;
    assert_eq!(refused.code, ErrorCode::SDK_INTERNAL_ERROR, "{}", refused.desc);
    assert!(refused.desc.contains("cannot write now"), "{}", refused.desc);
    relay.set(Mode::Pass);
    acknowledged.push(send_until_stored(&alice, "after the cut").await);
    settle(held, &mut acknowledged).await;
    assert!(health(app.addr).await.starts_with("HTTP/1.1 200"));

    // Everything acknowledged is stored once, and still after a restart.
    let app = app.restart().await;
    let (alice, _alice_events) = app.client("alice").await;
    let mut stored = Vec::new();
    let mut params =
        tincan_proto::api::get_message_list::GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    loop {
        let page = alice.get_message_list("bob", ConvType::C2C, params.clone()).await.unwrap();
        let Some(oldest) = page.last().cloned() else { break };
        stored.extend(page.iter().map(|message| message.message_msg_id.clone()));
        params.msg_getmsglist_param_last_msg = Some(oldest);
    }
    let unique: BTreeSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "a message is stored twice");
    for message in &acknowledged {
        assert!(unique.contains(&message.message_msg_id), "acknowledged message {} is lost", message.message_msg_id);
    }
    assert_eq!(stored.len(), acknowledged.len(), "a refused send was stored");
    app.stop().await;
    drop(relay);
}
