//! `tincan serve --cluster`: three nodes on one PostgreSQL database and one NATS server, clients
//! on every node, and the node that serves the cluster killed with SIGKILL again and again under
//! a load of messages and receipts, then paused with SIGSTOP past its lease.
//!
//! Tests find PostgreSQL through `TINCAN_TEST_POSTGRES` (see `tincan_store_postgres::testing`)
//! and NATS through `TINCAN_TEST_NATS` (`scripts/test-nats` finds or starts one); without them
//! they fail, saying how to get them. `TINCAN_CLUSTER_KILLS` sets how many times the serving
//! node is killed (3 by default; `scripts/cluster-faults` runs 20).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tincan_proto::api::create_group;
use tincan_proto::api::get_message_list::GetMsgListParams;
use tincan_proto::enums::{ConvType, GroupType, MemberRole};
use tincan_proto::{Message, UserId};
use tincan_sdk::admin::AdminClient;
use tincan_sdk::{Client, ClientConfig, Event, Events};
use tincan_store_postgres::testing::TestDatabase;
use tincan_testkit::{KEY, SDKAPPID};

/// The time the cluster has to serve again after its serving node is killed: the lease's life
/// (3 s), a renewal tick (1 s) and loading the store, with room for a loaded machine.
const TAKEOVER_BOUND: Duration = Duration::from_secs(12);
const WAIT: Duration = Duration::from_secs(30);

fn nats_url() -> String {
    std::env::var("TINCAN_TEST_NATS").unwrap_or_else(|_| {
        panic!("the cluster's tests need NATS: run `eval \"$(scripts/test-nats)\"` first (scripts/test does)")
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `GET /healthz`: the status and the text.
fn health(port: u16) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    std::io::Write::write_all(&mut stream, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").ok()?;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status = answer.get(9..12)?.parse().ok()?;
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    Some((status, body))
}

/// One node: its ID, port and data directory, and its process while it runs.
struct Node {
    id: String,
    port: u16,
    data: tempfile::TempDir,
    child: Option<Child>,
}

impl Node {
    fn start(&mut self, store: &str, nats: &str) {
        self.child = Some(serve(self.data.path(), self.port, store, nats, &self.id));
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("the node runs").id().to_string();
        let status = Command::new("kill").args([&format!("-{signal}"), &pid]).status().unwrap();
        assert!(status.success(), "kill -{signal} {pid}");
    }

    /// Whether the node says it does not serve the cluster (`false` while it does, or does not
    /// answer).
    fn does_not_serve(&self) -> bool {
        health(self.port).is_some_and(|(status, text)| status == 503 || text.contains("forwards"))
    }

    fn serves(&self) -> bool {
        self.child.is_some() && health(self.port).is_some_and(|(status, text)| status == 200 && text.contains("serves"))
    }

    fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.port)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

fn serve(data: &Path, port: u16, store: &str, nats: &str, node: &str) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tincan"));
    command
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--sdkappid", &SDKAPPID.to_string(), "--key", KEY])
        .arg("--data")
        .arg(data)
        .args(["--store", store, "--cluster", nats, "--node-id", node])
        .env_remove("TINCAN_SDKAPPID")
        .env_remove("TINCAN_KEY")
        .env_remove("TINCAN_STORE")
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("TEST_LOG").is_some() { Stdio::inherit() } else { Stdio::null() });
    let mut child = command.spawn().expect("tincan serve starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while health(port).is_none_or(|(status, _)| status != 200) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("node {node} exited with {status}");
        }
        assert!(Instant::now() < deadline, "node {node} did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn wait_until(within: Duration, what: &str, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < within, "{what} within {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    start.elapsed()
}

fn config(url: String, user: &str) -> ClientConfig {
    let mut config = ClientConfig::new(url, SDKAPPID, UserId::parse(user).unwrap(), tincan_testkit::user_sig(user));
    config.request_timeout = Duration::from_secs(20);
    config
}

async fn history(client: &Client, conv: &str, conv_type: ConvType) -> Vec<Message> {
    let mut all = Vec::new();
    let mut params = GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    loop {
        let page = client.get_message_list(conv, conv_type, params.clone()).await.unwrap();
        let Some(last) = page.last().cloned() else { break };
        all.extend(page);
        params.msg_getmsglist_param_last_msg = Some(last);
    }
    all
}

/// What the load acknowledged.
#[derive(Default)]
struct Acked {
    c2c: Vec<String>,
    group: Vec<String>,
    receipts: BTreeSet<String>,
}

/// Three nodes on `store` and `nats`, one of them serving.
fn start_nodes(store: &str, nats: &str) -> Vec<Node> {
    let mut nodes: Vec<Node> = ["n1", "n2", "n3"]
        .iter()
        .map(|id| Node { id: (*id).to_owned(), port: free_port(), data: tempfile::tempdir().unwrap(), child: None })
        .collect();
    for node in &mut nodes {
        node.start(store, nats);
    }
    wait_until(WAIT, "one node serves", || nodes.iter().filter(|node| node.serves()).count() == 1);
    nodes
}

/// Alice, Bob and Carol, each on a different node (every push crosses nodes for two of them),
/// their group, and the load: Alice sends Bob C2C messages and Carol sends the group messages,
/// both asking for receipts, and Bob sends a receipt for every message he receives.
struct Load {
    alice: Client,
    bob: Client,
    carol: Client,
    group_id: String,
    acked: Arc<Mutex<Acked>>,
    running: Arc<std::sync::atomic::AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    async fn start(nodes: &[Node]) -> Load {
        let (alice, _) = Client::connect(config(nodes[0].url(), "alice")).await.unwrap();
        let (bob, bob_events) = Client::connect(config(nodes[1].url(), "bob")).await.unwrap();
        let (carol, _) = Client::connect(config(nodes[2].url(), "carol")).await.unwrap();
        let group_id = alice
            .create_group(create_group::Request {
                create_group_param_group_name: "team".to_owned(),
                create_group_param_group_type: GroupType::WORK,
                create_group_param_group_member_array: ["bob", "carol"]
                    .iter()
                    .map(|user| create_group::InitialMember::new(UserId::parse(user).unwrap(), MemberRole::NORMAL))
                    .collect(),
                ..Default::default()
            })
            .await
            .unwrap();
        let acked = Arc::new(Mutex::new(Acked::default()));
        let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let senders = {
            let (acked, running, group_id) = (acked.clone(), running.clone(), group_id.clone());
            let (alice, carol) = (alice.clone(), carol.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while running.load(std::sync::atomic::Ordering::SeqCst) {
                    n += 1;
                    if let Ok(sent) = alice.send_text("bob", ConvType::C2C, &format!("c2c {n}"), true).await {
                        acked.lock().unwrap().c2c.push(sent.message_msg_id);
                    }
                    if let Ok(sent) = carol.send_text(&group_id, ConvType::GROUP, &format!("group {n}"), true).await {
                        acked.lock().unwrap().group.push(sent.message_msg_id);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let reader = tokio::spawn(read_and_receipt(bob.clone(), bob_events, acked.clone()));
        Load { alice, bob, carol, group_id, acked, running, tasks: vec![senders, reader] }
    }

    fn c2c_acked(&self) -> usize {
        self.acked.lock().unwrap().c2c.len()
    }

    /// Waits until ten more C2C messages than `before` are acknowledged.
    async fn goes_on(&self, before: usize, what: &str) {
        let deadline = Instant::now() + WAIT;
        while self.c2c_acked() < before + 10 {
            assert!(Instant::now() < deadline, "the load did not go on after {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the load and checks that every acknowledged message is stored exactly once, that
    /// every receipt acknowledged to Bob is what the senders read back, and that Bob's unread
    /// count is what history implies.
    async fn stop_and_check(mut self, at_least: usize) {
        self.running.store(false, std::sync::atomic::Ordering::SeqCst);
        let senders = self.tasks.remove(0);
        senders.await.unwrap();
        let acked = std::mem::take(&mut *self.acked.lock().unwrap());
        for task in &self.tasks {
            task.abort();
        }
        let (alice, bob, carol, group_id) = (&self.alice, &self.bob, &self.carol, &self.group_id);
        let c2c_history = history(alice, "bob", ConvType::C2C).await;
        let group_history = history(alice, group_id, ConvType::GROUP).await;
        for (what, sent, stored) in [("C2C", &acked.c2c, &c2c_history), ("group", &acked.group, &group_history)] {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for message in stored {
                *counts.entry(message.message_msg_id.as_str()).or_default() += 1;
            }
            assert!(counts.values().all(|count| *count == 1), "a {what} message stored twice: {counts:?}");
            let missing: Vec<&String> = sent.iter().filter(|id| !counts.contains_key(id.as_str())).collect();
            assert!(missing.is_empty(), "acknowledged {what} messages missing: {missing:?}");
            assert!(sent.len() >= at_least, "{what}: only {} messages acknowledged", sent.len());
        }
        let receipted: Vec<&Message> =
            c2c_history.iter().filter(|message| acked.receipts.contains(&message.message_msg_id)).collect();
        let mut receipts = Vec::new();
        for chunk in receipted.chunks(100) {
            receipts.extend(alice.get_receipts(chunk).await.unwrap());
        }
        assert!(
            receipts.iter().all(|receipt| receipt.msg_receipt_is_peer_read),
            "a receipt acknowledged to Bob was lost"
        );
        let group_receipted: Vec<&Message> =
            group_history.iter().filter(|message| acked.receipts.contains(&message.message_msg_id)).collect();
        let mut group_receipts = Vec::new();
        for chunk in group_receipted.chunks(100) {
            group_receipts.extend(carol.get_receipts(chunk).await.unwrap());
        }
        assert!(group_receipts.iter().all(|receipt| receipt.msg_receipt_read_count >= 1), "a group receipt was lost");
        assert!(!receipts.is_empty() && !group_receipts.is_empty());
        // Bob has read nothing: every message Alice and Carol sent is unread for him.
        let unread = bob.total_unread().await.unwrap();
        assert_eq!(unread, (acked.c2c.len() + acked.group.len()) as u64, "Bob's unread count agrees with history");
        eprintln!(
            "acknowledged and stored once: {} C2C and {} group messages, {} receipts",
            acked.c2c.len(),
            acked.group.len(),
            acked.receipts.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cluster_serves_clients_on_every_node_and_loses_nothing_when_its_serving_node_is_killed() {
    let database = TestDatabase::create();
    let store = database.url().to_owned();
    let nats = nats_url();
    let kills: usize = std::env::var("TINCAN_CLUSTER_KILLS").ok().and_then(|it| it.parse().ok()).unwrap_or(3);
    let mut nodes = start_nodes(&store, &nats);
    let load = Load::start(&nodes).await;

    // The REST API through a node that does not serve the cluster is forwarded to the one that does.
    let edge = nodes.iter().find(|node| !node.serves()).unwrap();
    let admin = AdminClient {
        address: format!("127.0.0.1:{}", edge.port),
        sdkappid: SDKAPPID,
        identifier: tincan_engine::DEFAULT_ADMIN_IDENTIFIER.to_owned(),
        user_sig: tincan_testkit::user_sig(tincan_engine::DEFAULT_ADMIN_IDENTIFIER),
    };
    let info = admin
        .call("group_open_http_svc", "get_group_info", &serde_json::json!({"GroupIdList": [load.group_id.clone()]}))
        .await
        .unwrap();
    assert_eq!(info["GroupInfo"][0]["MemberNum"], 3, "{info}");

    load.goes_on(0, "the start").await;
    let mut takeovers = Vec::new();
    for round in 0..kills {
        let serving = tokio::task::block_in_place(|| wait_until_serving(&nodes));
        let before = load.c2c_acked();
        nodes[serving].kill();
        let killed_at = Instant::now();
        let others: Vec<usize> = (0..nodes.len()).filter(|it| *it != serving).collect();
        let waited = tokio::task::block_in_place(|| {
            wait_until(TAKEOVER_BOUND, "another node serves the cluster", || {
                others.iter().any(|it| nodes[*it].serves())
            })
        });
        takeovers.push(killed_at.elapsed().max(waited));
        nodes[serving].start(&store, &nats);
        // The load goes on through the new serving node before the next kill.
        load.goes_on(before, &format!("kill {round}")).await;
    }
    eprintln!("takeovers after SIGKILL of the serving node: {takeovers:?}");

    // The serving node paused past its lease: another takes over, and the paused one, woken,
    // steps down (its writes would be fenced) rather than serving beside it.
    let paused = tokio::task::block_in_place(|| wait_until_serving(&nodes));
    nodes[paused].signal("STOP");
    let others: Vec<usize> = (0..nodes.len()).filter(|it| *it != paused).collect();
    tokio::task::block_in_place(|| {
        wait_until(TAKEOVER_BOUND, "another node serves while one is paused", || {
            others.iter().any(|it| nodes[*it].serves())
        })
    });
    let before = load.c2c_acked();
    nodes[paused].signal("CONT");
    tokio::task::block_in_place(|| {
        wait_until(Duration::from_secs(5), "the woken node steps down", || !nodes[paused].serves());
    });
    load.goes_on(before, "the pause").await;
    assert_eq!(nodes.iter().filter(|node| node.serves()).count(), 1, "one node serves");
    load.stop_and_check(10 * kills).await;
}

/// A NATS server of the test's own, so that the test can stop and restart it.
struct Nats {
    port: u16,
    child: Option<Child>,
}

impl Nats {
    fn start(port: u16) -> Nats {
        let child = Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server runs (scripts/test-nats installs it)");
        wait_until(Duration::from_secs(10), "nats-server listens", || TcpStream::connect(("127.0.0.1", port)).is_ok());
        Nats { port, child: Some(child) }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A TCP relay in front of PostgreSQL that can cut every connection and refuse new ones.
struct Relay {
    port: u16,
    cut: Arc<std::sync::atomic::AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let accept = {
            let (cut, connections) = (cut.clone(), connections.clone());
            tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if cut.load(std::sync::atomic::Ordering::SeqCst) {
                        continue;
                    }
                    let upstream = upstream.clone();
                    connections.lock().unwrap().push(tokio::spawn(async move {
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    }));
                }
            })
        };
        Relay { port, cut, connections, accept }
    }

    fn set_cut(&self, cut: bool) {
        self.cut.store(cut, std::sync::atomic::Ordering::SeqCst);
        if cut {
            for connection in self.connections.lock().unwrap().drain(..) {
                connection.abort();
            }
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
        self.set_cut(true);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cluster_loses_nothing_when_nats_restarts_or_postgres_is_lost_for_a_while() {
    let database = TestDatabase::create();
    let url = database.url().to_owned();
    // postgres://user@host:port/database, through the relay.
    let authority_end = url[11..].find('/').map(|at| at + 11).unwrap();
    let host_start = url[..authority_end].rfind('@').map_or(11, |at| at + 1);
    let relay = Relay::start(url[host_start..authority_end].to_owned()).await;
    let store = format!("{}127.0.0.1:{}{}", &url[..host_start], relay.port, &url[authority_end..]);
    let mut nats = Nats::start(free_port());
    let nodes = tokio::task::block_in_place(|| start_nodes(&store, &nats.url()));
    let load = Load::start(&nodes).await;
    load.goes_on(0, "the start").await;

    // NATS restarts: the nodes reconnect, tunnels that lost frames close and their clients
    // resume from the store.
    let before = load.c2c_acked();
    nats.stop();
    tokio::time::sleep(Duration::from_secs(1)).await;
    nats = Nats::start(nats.port);
    load.goes_on(before, "NATS restarted").await;

    // PostgreSQL lost: the serving node cannot renew the lease and stops serving; nobody can
    // take it over; requests fail rather than hang. Then it comes back and a node serves again.
    let before = load.c2c_acked();
    relay.set_cut(true);
    tokio::task::block_in_place(|| {
        wait_until(Duration::from_secs(15), "no node serves while PostgreSQL is lost", || {
            nodes.iter().all(Node::does_not_serve)
        })
    });
    // A request is refused at once, saying why, rather than left hanging.
    let body = serde_json::json!({"GroupIdList": [load.group_id.clone()]}).to_string();
    let path = format!(
        "/v4/group_open_http_svc/get_group_info?sdkappid={SDKAPPID}&identifier=administrator&usersig={}&random=1&contenttype=json",
        tincan_testkit::user_sig(tincan_engine::DEFAULT_ADMIN_IDENTIFIER)
    );
    let (status, text) = tincan_sdk::admin::post(&format!("127.0.0.1:{}", nodes[0].port), &path, &body).await.unwrap();
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("no node serves the cluster") || text.contains("try again"), "{text}");
    relay.set_cut(false);
    let back = tokio::task::block_in_place(|| {
        wait_until(WAIT, "a node serves once PostgreSQL is back", || nodes.iter().any(Node::serves))
    });
    eprintln!("served again {back:?} after PostgreSQL came back");
    load.goes_on(before, "PostgreSQL came back").await;
    load.stop_and_check(10).await;
    drop(nats);
}

fn wait_until_serving(nodes: &[Node]) -> usize {
    let start = Instant::now();
    loop {
        if let Some(at) = nodes.iter().position(Node::serves) {
            return at;
        }
        assert!(start.elapsed() < WAIT, "no node serves the cluster");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Bob's side of the load: a receipt for every message he receives, noted once acknowledged.
async fn read_and_receipt(bob: Client, mut events: Events, acked: Arc<Mutex<Acked>>) {
    while let Some(event) = events.next().await {
        if let Event::Message(push) = event {
            let message = (*push.message).clone();
            if bob.send_receipts(std::slice::from_ref(&message)).await.is_ok() {
                acked.lock().unwrap().receipts.insert(message.message_msg_id);
            }
        }
    }
}
