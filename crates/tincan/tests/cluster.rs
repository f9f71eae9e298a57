//! `tincan serve --cluster`: three nodes on one PostgreSQL database and one NATS server, clients
//! on every node, and the node that serves the cluster killed with SIGKILL again and again under
//! a load of messages and receipts, then paused with SIGSTOP past its lease.
//!
//! Tests find PostgreSQL through `TINCAN_TEST_POSTGRES` (see `tincan_store_postgres::testing`)
//! and NATS through `TINCAN_TEST_NATS` (`scripts/test-nats` finds or starts one); without them
//! they fail, saying how to get them. `TINCAN_CLUSTER_KILLS` sets how many times the serving
//! node is killed (3 by default; `scripts/cluster-faults` runs 20). The partition tests need
//! root and the `netns-tests` feature (see `partition`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tincan_engine::EngineConfig;
use tincan_proto::api::get_message_list::GetMsgListParams;
use tincan_proto::enums::{ConvType, GroupType, ReadMembersFilter};
use tincan_proto::{Message, UserId};
use tincan_sdk::admin::AdminClient;
use tincan_sdk::media::MediaType;
use tincan_sdk::{Client, ClientConfig, Event, Events};
use tincan_server::{ClusterConfig, ClusterNode};
use tincan_store::StoreError;
use tincan_store::lease::Leases;
use tincan_store_postgres::testing::TestDatabase;
use tincan_store_postgres::{PostgresBlobs, PostgresLeases};
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
fn health(addr: SocketAddr) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
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
    addr: SocketAddr,
    /// The network namespace it runs in, if not this test's.
    netns: Option<String>,
    data: tempfile::TempDir,
    child: Option<Child>,
}

impl Node {
    fn start(&mut self, store: &str, nats: &str) {
        self.child = Some(serve(self, store, nats));
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
        health(self.addr).is_some_and(|(status, text)| status == 503 || text.contains("forwards"))
    }

    fn serves(&self) -> bool {
        self.child.is_some() && health(self.addr).is_some_and(|(status, text)| status == 200 && text.contains("serves"))
    }

    fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

fn serve(node: &Node, store: &str, nats: &str) -> Child {
    let binary = env!("CARGO_BIN_EXE_tincan");
    let mut command = match &node.netns {
        Some(netns) => {
            let mut command = Command::new("ip");
            command.args(["netns", "exec", netns, binary]);
            command
        }
        None => Command::new(binary),
    };
    command
        .args(["serve", "--listen", &node.addr.to_string(), "--sdkappid", &SDKAPPID.to_string(), "--key", KEY])
        .arg("--data")
        .arg(node.data.path())
        .args(["--store", store, "--cluster", nats, "--node-id", &node.id])
        .env_remove("TINCAN_SDKAPPID")
        .env_remove("TINCAN_KEY")
        .env_remove("TINCAN_STORE")
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("TEST_LOG").is_some() { Stdio::inherit() } else { Stdio::null() });
    let mut child = command.spawn().expect("tincan serve starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while health(node.addr).is_none_or(|(status, _)| status != 200) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("node {} exited with {status}", node.id);
        }
        assert!(Instant::now() < deadline, "node {} did not come up", node.id);
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

/// A node ID no other test uses. Each test's cluster has a database, and so a cluster ID, of its
/// own, which keeps the tests on one NATS server apart; IDs of their own also keep apart the
/// subjects nodes of an older version would use.
fn node_id(name: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{name}-{}-{n}", std::process::id())
}

/// Three nodes on `store` and `nats`, one of them serving.
fn start_nodes(store: &str, nats: &str) -> Vec<Node> {
    let mut nodes: Vec<Node> = ["n1", "n2", "n3"]
        .iter()
        .map(|name| Node {
            id: node_id(name),
            addr: SocketAddr::from(([127, 0, 0, 1], free_port())),
            netns: None,
            data: tempfile::tempdir().unwrap(),
            child: None,
        })
        .collect();
    for node in &mut nodes {
        node.start(store, nats);
    }
    wait_until(WAIT, "one node serves", || nodes.iter().filter(|node| node.serves()).count() == 1);
    nodes
}

/// Alice, Bob and Carol, each on a node (on three different nodes, every push crosses nodes for
/// two of them), their group, and the load: Alice sends Bob C2C messages and Carol sends the group messages,
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
    /// Alice, Bob and Carol connected to the nodes at these URLs.
    async fn start([alice, bob, carol]: [String; 3]) -> Load {
        let (alice, _) = Client::connect(config(alice, "alice")).await.unwrap();
        let (bob, bob_events) = Client::connect(config(bob, "bob")).await.unwrap();
        let (carol, _) = Client::connect(config(carol, "carol")).await.unwrap();
        let group_id = tincan_testkit::create_group(&alice, GroupType::WORK, &["bob", "carol"]).await;
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
    let load = Load::start([nodes[0].url(), nodes[1].url(), nodes[2].url()]).await;

    // The REST API through a node that does not serve the cluster is forwarded to the one that does.
    let edge = nodes.iter().find(|node| !node.serves()).unwrap();
    let admin = AdminClient {
        address: edge.addr.to_string(),
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

/// A node that holds the lease but cannot open the store (an older version during an upgrade,
/// a database it may not read) tries a few times and stands aside, and a node that can open it
/// serves the cluster: the lease, sticky to a live holder, is not kept by one that cannot use it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_that_cannot_open_the_store_leaves_the_lease_to_one_that_can() {
    let database = TestDatabase::create();
    let store = database.url().to_owned();
    let nats = nats_url();
    let data = tempfile::tempdir().unwrap();
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let node_config = ClusterConfig {
        node: node_id("broken"),
        nats_url: nats.clone(),
        leases: Arc::new(PostgresLeases::open(&store).unwrap()),
        open_store: {
            let attempts = attempts.clone();
            Arc::new(move || {
                attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Err(StoreError::Corrupt("this node's version does not know the schema".to_owned()))
            })
        },
        engine: EngineConfig {
            data_dir: data.path().to_owned(),
            pinned_app: None,
            clock: Arc::new(tincan_engine::SystemClock),
            random: Arc::new(tincan_engine::SystemRandom),
            webhooks: None,
            webhook_queue_max: 1_000,
            heartbeat_interval: tincan_engine::DEFAULT_HEARTBEAT_INTERVAL,
            receipt_cells_per_group: tincan_engine::DEFAULT_RECEIPT_CELLS_PER_GROUP,
            pacing: tincan_engine::Pacing::Timers,
            revoke_time_limit: tincan_engine::DEFAULT_REVOKE_TIME_LIMIT,
            media: None,
        },
        media_quota: None,
        media: Arc::new(PostgresBlobs::open(&store).unwrap()),
    };
    let broken = ClusterNode::bind(SocketAddr::from(([127, 0, 0, 1], 0)), node_config).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let broken = tokio::spawn(broken.run(async move {
        let _ = stopped.await;
    }));
    tokio::task::block_in_place(|| {
        wait_until(WAIT, "the broken node takes the lease and tries to serve", || {
            attempts.load(std::sync::atomic::Ordering::SeqCst) >= 1
        })
    });
    let mut good = Node {
        id: node_id("good"),
        addr: SocketAddr::from(([127, 0, 0, 1], free_port())),
        netns: None,
        data: tempfile::tempdir().unwrap(),
        child: None,
    };
    good.start(&store, &nats);
    let waited = tokio::task::block_in_place(|| {
        wait_until(Duration::from_secs(20), "the node that can open the store serves", || good.serves())
    });
    eprintln!(
        "served {waited:?} after the node that can start joined; the broken node tried {} times",
        attempts.load(std::sync::atomic::Ordering::SeqCst)
    );
    let leases = PostgresLeases::open(&store).unwrap().leases().unwrap();
    assert_eq!(leases[0].node.as_ref(), Some(&good.id), "{leases:?}");
    let (alice, _) = Client::connect(config(good.url(), "alice")).await.unwrap();
    let (_bob, _) = Client::connect(config(good.url(), "bob")).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "served", false).await.unwrap();
    let _ = stop.send(());
    broken.await.unwrap().unwrap();
}

/// A message larger than one NATS message crosses a tunnel in pieces: a client on a node that
/// does not serve reads a history page of a hundred long messages, over NATS's 1 MiB, and sends
/// a frame as large as a WebSocket message may be (refused as too large, as on one node, rather
/// than losing the connection), and uploads and downloads a file of 3 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messages_larger_than_a_nats_message_cross_between_nodes() {
    let database = TestDatabase::create();
    let store = database.url().to_owned();
    let nats = nats_url();
    let nodes = start_nodes(&store, &nats);
    let edge = nodes.iter().find(|node| !node.serves()).unwrap();
    let (alice, _) = Client::connect(config(edge.url(), "alice")).await.unwrap();
    let (bob, _) = Client::connect(config(edge.url(), "bob")).await.unwrap();
    let long = "x".repeat(11_000);
    for n in 0..100 {
        bob.send_text("alice", ConvType::C2C, &format!("{n} {long}"), false).await.unwrap();
    }
    let params = GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    let page = alice.get_message_list("bob", ConvType::C2C, params).await.unwrap();
    assert_eq!(page.len(), 100);
    let bytes: usize = page.iter().map(|message| serde_json::to_string(message).unwrap().len()).sum();
    assert!(bytes > 1 << 20, "the page is larger than a NATS message: {bytes} bytes");

    // A client frame of almost 1 MiB: over the engine's frame limit, answered with an error on
    // the same connection, which goes on working.
    let (mut raw, _) = tincan_testkit::raw_socket_at(&edge.url(), "carol", None).await;
    let padding = "y".repeat((1 << 20) - 200);
    raw.send_text(serde_json::json!({"id": 2, "op": "ping", "data": {"padding": padding}}).to_string()).await;
    // Answered without an ID: a frame this large is not read.
    let refused = raw.next_answer().await;
    assert_ne!(refused["code"], 0, "the large frame is refused: {refused}");
    assert!(refused["desc"].as_str().unwrap().contains("limit"), "{refused}");
    raw.send_text(serde_json::json!({"id": 3, "op": "ping", "data": {}}).to_string()).await;
    assert_eq!(raw.answer(3).await["code"], 0, "the connection goes on");

    // An upload and a download of 3 MiB through the node that does not serve: HTTP bodies over
    // one NATS message go in pieces too.
    let document: Vec<u8> = (0..3 << 20).map(|n: u32| (n % 253) as u8).collect();
    let uploaded = alice.upload(MediaType::File, "big.bin", &document).await.unwrap();
    let file_id = uploaded["id"].as_str().unwrap();
    let file = serde_json::from_value(serde_json::json!({"elem_type": 4, "file_elem_file_id": file_id})).unwrap();
    let sent = alice
        .send_message("bob", ConvType::C2C, Message { message_elem_array: vec![file], ..Message::default() })
        .await
        .unwrap();
    let url = sent.message_elem_array[0].0["file_elem_url"].as_str().unwrap().to_owned();
    let serving = nodes.iter().find(|node| node.serves()).unwrap();
    let through_edge = url.replace(&serving.addr.to_string(), &edge.addr.to_string());
    assert_ne!(through_edge, url, "the URL names the serving node: {url}");
    assert!(bob.download(&through_edge).await.unwrap() == document, "the download through the edge is the upload");
    // A client cannot pass the nodes' own headers: one naming an offer of pieces is dropped.
    let path = &through_edge[through_edge.find("/media").unwrap()..];
    let forged = ["tincan-pieces: tincan.pieces.forged 5000000 1048576"];
    let (status, _, body) = tincan_testkit::http_exchange(edge.addr, "GET", path, &forged, b"").await;
    assert_eq!((status, body.len()), (200, document.len()), "a forged offer is not followed");
}

/// Media uploaded while one node serves is served after another node took over: the nodes keep
/// it in the store they share, not on the disk of whichever node served at the time.
/// A file uploaded through a node that does not serve, downloaded after the serving node is
/// killed by the URLs of the sent message and of history (which name the node that served when it
/// was sent, as they name the load balancer when `TINCAN_PUBLIC_URL` says so; swapped here for a
/// survivor's address).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn media_uploaded_before_a_takeover_is_served_after_it() {
    let database = TestDatabase::create();
    let store = database.url().to_owned();
    let nats = nats_url();
    let mut nodes = start_nodes(&store, &nats);
    let serving = tokio::task::block_in_place(|| wait_until_serving(&nodes));
    let edge = (0..nodes.len()).find(|it| *it != serving).unwrap();
    let (alice, _) = Client::connect(config(nodes[edge].url(), "alice")).await.unwrap();
    let (_bob, _) = Client::connect(config(nodes[edge].url(), "bob")).await.unwrap();
    let document: Vec<u8> = (0..300_000u32).map(|n| (n % 251) as u8).collect();
    let uploaded = alice.upload(MediaType::File, "report.bin", &document).await.unwrap();
    let file = serde_json::json!({"elem_type": 4, "file_elem_file_id": uploaded["id"].as_str().unwrap()});
    let sent = alice
        .send_message(
            "bob",
            ConvType::C2C,
            Message { message_elem_array: vec![serde_json::from_value(file).unwrap()], ..Message::default() },
        )
        .await
        .unwrap();
    let url = sent.message_elem_array[0].0["file_elem_url"].as_str().unwrap().to_owned();
    assert!(alice.download(&url).await.unwrap() == document, "served before the takeover");

    nodes[serving].kill();
    let survivors: Vec<usize> = (0..nodes.len()).filter(|it| *it != serving).collect();
    tokio::task::block_in_place(|| {
        wait_until(TAKEOVER_BOUND, "another node serves", || survivors.iter().any(|it| nodes[*it].serves()))
    });
    let survivor = survivors.iter().map(|it| &nodes[*it]).find(|node| node.serves()).unwrap();
    let moved = url.replace(&nodes[serving].addr.to_string(), &survivor.addr.to_string());
    assert_ne!(moved, url, "the URL named the node that served: {url}");
    let (bob, _) = Client::connect(config(survivor.url(), "bob")).await.unwrap();
    assert!(bob.download(&moved).await.unwrap() == document, "the file is served after the takeover");
    let page = history(&bob, "alice", ConvType::C2C).await;
    let again = page[0].message_elem_array[0].0["file_elem_url"].as_str().unwrap().to_owned();
    let again = again.replace(&nodes[serving].addr.to_string(), &survivor.addr.to_string());
    assert!(bob.download(&again).await.unwrap() == document, "and by the URL history gives: {again}");
    // The new serving node keeps taking uploads beside the earlier ones.
    let second = bob.upload(MediaType::File, "second.bin", b"after the takeover").await.unwrap();
    assert_ne!(second["id"], uploaded["id"]);
}

/// Two clusters on one NATS server, each with nodes called as the other's: every WebSocket and
/// every HTTP request through a node that does not serve reaches the serving node of its own
/// cluster (the subjects name the cluster's ID, made once in each cluster's store).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clusters_sharing_a_nats_server_keep_apart_whatever_their_nodes_are_called() {
    const ROUNDS: usize = 10;
    let nats = nats_url();
    let databases = [TestDatabase::create(), TestDatabase::create()];
    let ids = [node_id("a"), node_id("b")];
    let mut clusters = Vec::new();
    for database in &databases {
        let mut nodes: Vec<Node> = ids
            .iter()
            .map(|id| Node {
                id: id.clone(),
                addr: SocketAddr::from(([127, 0, 0, 1], free_port())),
                netns: None,
                data: tempfile::tempdir().unwrap(),
                child: None,
            })
            .collect();
        // The first node, started alone, takes the lease and keeps it.
        nodes[0].start(database.url(), &nats);
        tokio::task::block_in_place(|| wait_until(WAIT, "the first node serves", || nodes[0].serves()));
        nodes[1].start(database.url(), &nats);
        clusters.push(nodes);
    }
    for (n, nodes) in clusters.iter().enumerate() {
        let (serving, edge) = (&nodes[0], &nodes[1]);
        assert!(edge.does_not_serve(), "the second node of cluster {n} forwards");
        // Accounts are made when they first log in.
        let (_bob, _) = Client::connect(config(serving.url(), "bob")).await.unwrap();
        let (owner, _) = Client::connect(config(serving.url(), "alice")).await.unwrap();
        let group_id = tincan_testkit::create_group(&owner, GroupType::WORK, &["bob"]).await;
        for round in 0..ROUNDS {
            let (alice, _) = Client::connect(config(edge.url(), "alice")).await.unwrap();
            alice.send_text("bob", ConvType::C2C, &format!("cluster {n} round {round}"), false).await.unwrap();
        }
        let admin = AdminClient {
            address: edge.addr.to_string(),
            sdkappid: SDKAPPID,
            identifier: tincan_engine::DEFAULT_ADMIN_IDENTIFIER.to_owned(),
            user_sig: tincan_testkit::user_sig(tincan_engine::DEFAULT_ADMIN_IDENTIFIER),
        };
        for round in 0..ROUNDS {
            let info = admin
                .call("group_open_http_svc", "get_group_info", &serde_json::json!({"GroupIdList": [group_id.clone()]}))
                .await
                .unwrap();
            let group = &info["GroupInfo"][0];
            assert_eq!((&group["ErrorCode"], &group["MemberNum"]), (&0.into(), &2.into()), "round {round}: {info}");
        }
    }
    for (n, nodes) in clusters.iter().enumerate() {
        let (bob, _) = Client::connect(config(nodes[0].url(), "bob")).await.unwrap();
        let texts: Vec<String> = history(&bob, "alice", ConvType::C2C)
            .await
            .iter()
            .map(|message| message.message_elem_array[0].0["text_elem_content"].as_str().unwrap_or_default().to_owned())
            .collect();
        let expected: BTreeSet<String> = (0..ROUNDS).map(|round| format!("cluster {n} round {round}")).collect();
        assert_eq!(texts.iter().cloned().collect::<BTreeSet<_>>(), expected, "cluster {n} has its own messages only");
        assert_eq!(texts.len(), ROUNDS);
    }
}

/// Receipts stay exact and coalesced across the cluster: a group's readers are spread over the
/// three nodes, half of them read before the serving node is killed and half after. Every receipt
/// push the sender gets counts at least as many readers as the one before, read and unread always
/// add up to the readers, and the last counts every one; the read and unread member lists are
/// exactly who read and who did not, before the kill and after.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn group_receipts_from_readers_on_every_node_stay_exact_and_never_go_back() {
    const READERS: usize = 12;
    let database = TestDatabase::create();
    let store = database.url().to_owned();
    let nats = nats_url();
    let mut nodes = start_nodes(&store, &nats);
    let (alice, mut alice_events) = Client::connect(config(nodes[0].url(), "alice")).await.unwrap();
    let names: Vec<String> = (0..READERS).map(|n| format!("reader{n}")).collect();
    let mut readers = Vec::new();
    for (n, name) in names.iter().enumerate() {
        readers.push(Client::connect(config(nodes[n % nodes.len()].url(), name)).await.unwrap().0);
    }
    let group_id =
        tincan_testkit::create_group(&alice, GroupType::WORK, &names.iter().map(String::as_str).collect::<Vec<_>>())
            .await;
    let mut sent = Vec::new();
    for n in 0..3 {
        sent.push(alice.send_text(&group_id, ConvType::GROUP, &format!("read me {n}"), true).await.unwrap());
    }
    // Alice's receipt pushes as they come: (read, unread) by message.
    let pushed: Arc<Mutex<Pushed>> = Arc::default();
    let watcher = {
        let pushed = pushed.clone();
        tokio::spawn(async move {
            while let Some(event) = alice_events.next().await {
                if let Event::Receipts(receipts) = event {
                    let mut pushed = pushed.lock().unwrap();
                    for receipt in receipts {
                        let counts = (receipt.msg_receipt_read_count, receipt.msg_receipt_unread_count);
                        pushed.entry(receipt.msg_receipt_msg_id).or_default().push(counts);
                    }
                }
            }
        })
    };
    let (first, second) = readers.split_at(READERS / 2);
    let (first_names, second_names) = names.split_at(READERS / 2);

    read_receipted(first, &group_id, &sent).await;
    pushed_until(&pushed, &sent, first.len()).await;
    check_read_members(&alice, &sent, first_names, second_names).await;

    let serving = tokio::task::block_in_place(|| wait_until_serving(&nodes));
    nodes[serving].kill();
    nodes[serving].start(&store, &nats);
    read_receipted(second, &group_id, &sent).await;
    pushed_until(&pushed, &sent, READERS).await;
    check_read_members(&alice, &sent, &names, &[]).await;
    watcher.abort();

    let pushed = std::mem::take(&mut *pushed.lock().unwrap());
    for message in &sent {
        let counts = &pushed[&message.message_msg_id];
        assert!(counts.windows(2).all(|pair| pair[0].0 <= pair[1].0), "a receipt count went back: {counts:?}");
        assert!(
            counts.iter().all(|(read, unread)| read + unread == READERS as u64),
            "read and unread do not add up to the readers: {counts:?}"
        );
        eprintln!("receipt pushes for {}: {counts:?}", message.message_msg_id);
    }
    let receipts = alice.get_receipts(&sent).await.unwrap();
    assert!(receipts.iter().all(|receipt| receipt.msg_receipt_read_count == READERS as u64), "{receipts:?}");
}

/// The receipt pushes a sender got, as (read, unread) counts by message ID, in order.
type Pushed = BTreeMap<String, Vec<(u64, u64)>>;

/// Each of `readers` sends receipts for `sent` as it finds them in its history, trying again
/// while the cluster changes hands.
async fn read_receipted(readers: &[Client], group_id: &str, sent: &[Message]) {
    let ids: BTreeSet<&str> = sent.iter().map(|message| message.message_msg_id.as_str()).collect();
    for reader in readers {
        let deadline = Instant::now() + WAIT;
        loop {
            let params = GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
            let receipted = match reader.get_message_list(group_id, ConvType::GROUP, params).await {
                Ok(history) => {
                    let mine: Vec<Message> =
                        history.into_iter().filter(|message| ids.contains(message.message_msg_id.as_str())).collect();
                    assert_eq!(mine.len(), sent.len(), "a reader's history holds every message");
                    reader.send_receipts(&mine).await
                }
                Err(err) => Err(err),
            };
            match receipted {
                Ok(()) => break,
                Err(err) => assert!(Instant::now() < deadline, "a reader's receipts were refused: {err:?}"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Waits until the sender was told that `count` members read each of `sent`.
async fn pushed_until(pushed: &Mutex<Pushed>, sent: &[Message], count: usize) {
    let deadline = Instant::now() + WAIT;
    loop {
        let reached = {
            let pushed = pushed.lock().unwrap();
            sent.iter().all(|message| {
                pushed
                    .get(&message.message_msg_id)
                    .and_then(|counts| counts.last())
                    .is_some_and(|(read, _)| *read >= count as u64)
            })
        };
        if reached {
            return;
        }
        assert!(Instant::now() < deadline, "the sender was not told of {count} readers: {:?}", pushed.lock().unwrap());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The read and unread member lists of each of `sent` are exactly `read` and `unread`.
async fn check_read_members(sender: &Client, sent: &[Message], read: &[String], unread: &[String]) {
    for message in sent {
        for (filter, expected) in [(ReadMembersFilter::READ, read), (ReadMembersFilter::UNREAD, unread)] {
            let deadline = Instant::now() + WAIT;
            let page = loop {
                match sender.get_read_members(message, filter, 0, 100).await {
                    Ok(page) => break page,
                    Err(err) => assert!(Instant::now() < deadline, "the member list was refused: {err:?}"),
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
            let listed: BTreeSet<&str> =
                page.members.iter().map(|member| member.group_member_info_identifier.as_str()).collect();
            let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
            assert_eq!(listed, expected, "the {filter:?} members of {}", message.message_msg_id);
            assert!(page.is_finished);
        }
    }
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

/// What a relay does with connections.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Mode {
    /// Carries bytes both ways.
    Pass,
    /// Closes every connection and refuses new ones (a stopped server).
    Cut,
    /// Keeps connections open and carries nothing (a partition: bytes vanish, nothing refuses).
    #[cfg_attr(not(feature = "netns-tests"), allow(dead_code))]
    Hold,
}

/// A TCP relay in front of a server (PostgreSQL, NATS).
struct Relay {
    addr: SocketAddr,
    mode: Arc<std::sync::atomic::AtomicU8>,
    connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(bind: SocketAddr, upstream: String) -> Relay {
        let listener = tokio::net::TcpListener::bind(bind).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(std::sync::atomic::AtomicU8::new(Mode::Pass as u8));
        let connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let accept = {
            let (mode, connections) = (mode.clone(), connections.clone());
            tokio::spawn(async move {
                while let Ok((inbound, _)) = listener.accept().await {
                    if mode.load(std::sync::atomic::Ordering::SeqCst) == Mode::Cut as u8 {
                        continue;
                    }
                    let (upstream, mode) = (upstream.clone(), mode.clone());
                    connections.lock().unwrap().push(tokio::spawn(async move {
                        let Ok(outbound) = tokio::net::TcpStream::connect(upstream).await else { return };
                        let (inbound_read, inbound_write) = inbound.into_split();
                        let (outbound_read, outbound_write) = outbound.into_split();
                        tokio::select! {
                            () = pump(inbound_read, outbound_write, mode.clone()) => {}
                            () = pump(outbound_read, inbound_write, mode) => {}
                        }
                    }));
                }
            })
        };
        Relay { addr, mode, connections, accept }
    }

    fn set(&self, mode: Mode) {
        self.mode.store(mode as u8, std::sync::atomic::Ordering::SeqCst);
        if mode == Mode::Cut {
            for connection in self.connections.lock().unwrap().drain(..) {
                connection.abort();
            }
        }
    }
}

/// Moves bytes one way while the relay passes them.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: Arc<std::sync::atomic::AtomicU8>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        if mode.load(std::sync::atomic::Ordering::SeqCst) != Mode::Pass as u8 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let read = match tokio::time::timeout(Duration::from_millis(100), from.read(&mut buffer)).await {
            Err(_) => continue,
            Ok(Ok(0) | Err(_)) => return,
            Ok(Ok(read)) => read,
        };
        // Bytes read just as a hold began are dropped, as a partition drops them.
        if mode.load(std::sync::atomic::Ordering::SeqCst) == Mode::Pass as u8
            && to.write_all(&buffer[..read]).await.is_err()
        {
            return;
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
        self.set(Mode::Cut);
    }
}

/// `url` (postgres://user@host:port/database) through `relay`, and the address it named.
fn through(url: &str, relay: SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let authority_end = rest.find('/').unwrap();
    let host_start = rest[..authority_end].rfind('@').map_or(0, |at| at + 1);
    format!("{scheme}://{}{relay}{}", &rest[..host_start], &rest[authority_end..])
}

fn upstream_of(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    let authority_end = rest.find('/').unwrap();
    let host_start = rest[..authority_end].rfind('@').map_or(0, |at| at + 1);
    rest[host_start..authority_end].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cluster_loses_nothing_when_nats_restarts_or_postgres_is_lost_for_a_while() {
    let database = TestDatabase::create();
    let url = database.url().to_owned();
    let relay = Relay::start(SocketAddr::from(([127, 0, 0, 1], 0)), upstream_of(&url)).await;
    let store = through(&url, relay.addr);
    let mut nats = Nats::start(free_port());
    let nodes = tokio::task::block_in_place(|| start_nodes(&store, &nats.url()));
    let load = Load::start([nodes[0].url(), nodes[1].url(), nodes[2].url()]).await;
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
    relay.set(Mode::Cut);
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
    let (status, text) = tincan_sdk::admin::post(&nodes[0].addr.to_string(), &path, &body).await.unwrap();
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("no node serves the cluster") || text.contains("try again"), "{text}");
    relay.set(Mode::Pass);
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

/// Partitions made with network namespaces, which need root: compiled with the `netns-tests`
/// feature, which `scripts/test` turns on where it can make a namespace
/// (`cargo test -p tincan --features netns-tests --test cluster partition`).
#[cfg(feature = "netns-tests")]
mod partition {
    use super::*;

    /// Network namespaces of the test's own, one per node, each joined to the test's by a veth pair
    /// (`10.<base>.<k>.1` on the test's side, `10.<base>.<k>.2` on the node's); removed when dropped.
    struct Namespaces {
        tag: u32,
        base: u32,
        count: usize,
    }

    fn ip(args: &[&str]) {
        let status = Command::new("ip").args(args).status().expect("`ip` runs");
        assert!(
            status.success(),
            "ip {} failed: network namespaces need root (scripts/test runs this as root)",
            args.join(" ")
        );
    }

    impl Namespaces {
        fn create(count: usize) -> Namespaces {
            let tag = std::process::id() % 10_000;
            let namespaces = Namespaces { tag, base: 200 + std::process::id() % 50, count };
            for k in 1..=count {
                let (netns, host, peer) = namespaces.names(k);
                ip(&["netns", "add", &netns]);
                ip(&["link", "add", &host, "type", "veth", "peer", "name", &peer]);
                ip(&["link", "set", &peer, "netns", &netns]);
                ip(&["addr", "add", &format!("{}/24", namespaces.host_ip(k)), "dev", &host]);
                ip(&["link", "set", &host, "up"]);
                let inside = |args: &[&str]| {
                    let mut all = vec!["netns", "exec", &netns, "ip"];
                    all.extend_from_slice(args);
                    ip(&all);
                };
                inside(&["addr", "add", &format!("{}/24", namespaces.node_ip(k)), "dev", &peer]);
                inside(&["link", "set", &peer, "up"]);
                inside(&["link", "set", "lo", "up"]);
            }
            namespaces
        }

        fn names(&self, k: usize) -> (String, String, String) {
            (format!("tincan{}n{k}", self.tag), format!("tc{}h{k}", self.tag), format!("tc{}p{k}", self.tag))
        }

        fn host_ip(&self, k: usize) -> std::net::Ipv4Addr {
            std::net::Ipv4Addr::new(10, self.base as u8, k as u8, 1)
        }

        fn node_ip(&self, k: usize) -> std::net::Ipv4Addr {
            std::net::Ipv4Addr::new(10, self.base as u8, k as u8, 2)
        }

        /// Cuts node `k` off from everything (its link goes down: bytes vanish), or joins it again.
        fn separate(&self, k: usize, separated: bool) {
            ip(&["link", "set", &self.names(k).1, if separated { "down" } else { "up" }]);
        }
    }

    impl Drop for Namespaces {
        fn drop(&mut self) {
            for k in 1..=self.count {
                let (netns, host, _) = self.names(k);
                let _ = Command::new("ip").args(["netns", "del", &netns]).status();
                let _ = Command::new("ip").args(["link", "del", &host]).stderr(Stdio::null()).status();
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_node_separated_from_the_others_by_a_partition_stops_serving_and_nothing_is_lost() {
        let database = TestDatabase::create();
        let url = database.url().to_owned();
        let nats = Nats::start(free_port());
        let namespaces = Namespaces::create(3);
        // Each node reaches PostgreSQL and NATS through relays on its own link.
        let mut postgres_relays = Vec::new();
        let mut nats_relays = Vec::new();
        let mut nodes = Vec::new();
        for k in 1..=3 {
            let host = SocketAddr::from((namespaces.host_ip(k), 0));
            postgres_relays.push(Relay::start(host, upstream_of(&url)).await);
            nats_relays.push(Relay::start(host, format!("127.0.0.1:{}", nats.port)).await);
            nodes.push(Node {
                id: format!("n{k}"),
                addr: SocketAddr::from((namespaces.node_ip(k), 8080)),
                netns: Some(namespaces.names(k).0),
                data: tempfile::tempdir().unwrap(),
                child: None,
            });
        }
        let stores: Vec<String> = postgres_relays.iter().map(|relay| through(&url, relay.addr)).collect();
        let links: Vec<String> = nats_relays.iter().map(|relay| format!("nats://{}", relay.addr)).collect();
        tokio::task::block_in_place(|| {
            for (k, node) in nodes.iter_mut().enumerate() {
                node.start(&stores[k], &links[k]);
            }
        });
        let serving = tokio::task::block_in_place(|| wait_until_serving(&nodes));
        let others: Vec<usize> = (0..3).filter(|it| *it != serving).collect();
        // The clients are on the nodes that stay joined.
        let (a, b) = (nodes[others[0]].url(), nodes[others[1]].url());
        let load = Load::start([a.clone(), b, a]).await;
        load.goes_on(0, "the start").await;

        // The serving node separated from everything: the others take over and the load goes on.
        let before = load.c2c_acked();
        namespaces.separate(serving + 1, true);
        let separated_at = Instant::now();
        tokio::task::block_in_place(|| {
            wait_until(TAKEOVER_BOUND, "another node serves while one is separated", || {
                others.iter().any(|it| nodes[*it].serves())
            })
        });
        let took_over = separated_at.elapsed();
        load.goes_on(before, "the partition").await;
        // Joined again, it finds its lease taken and does not serve beside the new holder.
        namespaces.separate(serving + 1, false);
        tokio::task::block_in_place(|| {
            wait_until(Duration::from_secs(15), "the rejoined node forwards", || nodes[serving].does_not_serve())
        });
        assert_eq!(nodes.iter().filter(|node| node.serves()).count(), 1, "one node serves");

        // A partition between the new serving node and NATS only (PostgreSQL still answers it): it
        // cannot serve the others' clients, so it gives the lease up, and a node they reach serves.
        let second = tokio::task::block_in_place(|| wait_until_serving(&nodes));
        nats_relays[second].set(Mode::Hold);
        let held_at = Instant::now();
        let rest: Vec<usize> = (0..3).filter(|it| *it != second).collect();
        tokio::task::block_in_place(|| {
            wait_until(TAKEOVER_BOUND, "a node NATS reaches serves", || rest.iter().any(|it| nodes[*it].serves()))
        });
        let stood_aside = held_at.elapsed();
        assert!(nodes[second].does_not_serve(), "the node NATS cannot reach gave the lease up");
        let before = load.c2c_acked();
        nats_relays[second].set(Mode::Pass);
        load.goes_on(before, "the partition from NATS").await;
        assert_eq!(nodes.iter().filter(|node| node.serves()).count(), 1, "one node serves");
        eprintln!("served again {took_over:?} after a partition, {stood_aside:?} after a partition from NATS only");
        load.stop_and_check(20).await;
        drop(nodes);
        drop(namespaces);
    }
}
