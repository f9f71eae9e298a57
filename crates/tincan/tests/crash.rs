//! The crash test: `tincan serve` is killed with SIGKILL again and again while users send C2C
//! and group messages, read receipts and read reports; after the last restart every write that
//! was acknowledged is in the history exactly once, every acknowledged receipt is counted and
//! listed, and unread counts agree with the history and the acknowledged read reports.
//!
//! The test command runs it small (3 kills); `TINCAN_LONG=1` runs 25 kills, and
//! `TINCAN_SEED=n` replays a run (the seed is printed).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tincan_proto::api::get_message_list::GetMsgListParams;
use tincan_proto::enums::{ConvType, GroupType, ReadMembersFilter};
use tincan_proto::{Message, UserId};
use tincan_sdk::{Client, ClientConfig, Event};

const SDKAPPID: u64 = 1_400_000_001;
const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const USERS: [&str; 4] = ["u0", "u1", "u2", "u3"];

/// A small pseudo-random generator (xorshift), so that a seed replays a run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = std::io::Write::write_all(&mut stream, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

fn serve(data: &Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_tincan"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--sdkappid", &SDKAPPID.to_string(), "--key", KEY])
        .arg("--data")
        .arg(data)
        .env_remove("TINCAN_SDKAPPID")
        .env_remove("TINCAN_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tincan serve starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !healthy(port) {
        assert!(Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn config(port: u16, user: &str) -> ClientConfig {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let sig = tincan_usersig::generate(KEY, SDKAPPID, user, now, 86_400);
    let mut config =
        ClientConfig::new(format!("ws://127.0.0.1:{port}/ws"), SDKAPPID, UserId::parse(user).unwrap(), sig);
    config.request_timeout = Duration::from_secs(5);
    config
}

/// What the users were told was done.
#[derive(Default)]
struct Ledger {
    /// Acknowledged messages: ID, conversation as its sender names it, sender.
    messages: Vec<(String, String, String)>,
    /// Acknowledged group receipts: the message and the reader.
    receipts: Vec<(Message, String)>,
    /// Per reader and conversation (as the reader names it): the highest acknowledged read
    /// report and the highest one attempted.
    reads: HashMap<(String, String), (u64, u64)>,
}

/// Messages a user has received from others, per conversation, in arrival order.
type Inbox = Arc<Mutex<BTreeMap<String, Vec<Message>>>>;

async fn lane(
    user: usize,
    client: Client,
    inbox: Inbox,
    group_id: String,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
    seed: u64,
) {
    let mut rng = Rng(seed | 1);
    let me = USERS[user];
    let mut receipted: BTreeSet<String> = BTreeSet::new();
    while !stop.load(Ordering::Relaxed) {
        match rng.below(10) {
            0..=3 => {
                let peer = USERS[(user + 1 + rng.below(USERS.len() as u64 - 1) as usize) % USERS.len()];
                if let Ok(sent) = client.send_text(peer, ConvType::C2C, &format!("{me} to {peer}"), false).await {
                    ledger.lock().unwrap().messages.push((sent.message_msg_id, peer.to_owned(), me.to_owned()));
                }
            }
            4..=6 => {
                if let Ok(sent) = client.send_text(&group_id, ConvType::GROUP, &format!("{me} to all"), true).await {
                    ledger.lock().unwrap().messages.push((sent.message_msg_id, group_id.clone(), me.to_owned()));
                }
            }
            7..=8 => {
                let unreceipted: Vec<Message> = inbox
                    .lock()
                    .unwrap()
                    .get(&group_id)
                    .map(|messages| {
                        messages
                            .iter()
                            .filter(|message| {
                                message.message_need_read_receipt && !receipted.contains(&message.message_msg_id)
                            })
                            .take(5)
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                if unreceipted.is_empty() {
                    continue;
                }
                if client.send_receipts(&unreceipted).await.is_ok() {
                    let mut ledger = ledger.lock().unwrap();
                    for message in unreceipted {
                        receipted.insert(message.message_msg_id.clone());
                        ledger.receipts.push((message, me.to_owned()));
                    }
                }
            }
            _ => {
                let (conv, newest) = {
                    let inbox = inbox.lock().unwrap();
                    let convs: Vec<&String> = inbox.keys().collect();
                    if convs.is_empty() {
                        continue;
                    }
                    let conv = convs[rng.below(convs.len() as u64) as usize].clone();
                    let newest = inbox[&conv].iter().max_by_key(|message| message.message_seq).cloned();
                    (conv, newest)
                };
                let Some(newest) = newest else { continue };
                let conv_type = if conv == group_id { ConvType::GROUP } else { ConvType::C2C };
                let seq = newest.message_seq;
                {
                    let mut ledger = ledger.lock().unwrap();
                    let entry = ledger.reads.entry((me.to_owned(), conv.clone())).or_default();
                    entry.1 = entry.1.max(seq);
                }
                if client.report_read(&conv, conv_type, Some(newest)).await.is_ok() {
                    let mut ledger = ledger.lock().unwrap();
                    let entry = ledger.reads.entry((me.to_owned(), conv)).or_default();
                    entry.0 = entry.0.max(seq);
                }
            }
        }
    }
}

/// Every message of a conversation, oldest first, paging back from the newest.
async fn whole_history(client: &Client, conv: &str, conv_type: ConvType) -> Vec<Message> {
    let mut params = GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    let mut all = Vec::new();
    loop {
        let page = client.get_message_list(conv, conv_type, params.clone()).await.expect("history reads");
        let Some(oldest) = page.last().cloned() else { break };
        all.extend(page);
        params.msg_getmsglist_param_last_msg = Some(oldest);
    }
    all.reverse();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_mixed_load_loses_nothing_acknowledged() {
    let long = std::env::var_os("TINCAN_LONG").is_some();
    let kills = if long { 25 } else { 3 };
    let seed = std::env::var("TINCAN_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    println!("crash test: seed {seed} (TINCAN_SEED={seed} replays the choices), {kills} kills");
    let mut rng = Rng(seed | 1);
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = serve(data.path(), port);

    let mut clients = Vec::new();
    let mut inboxes = Vec::new();
    for user in USERS {
        let (client, mut events) = Client::connect(config(port, user)).await.unwrap();
        let inbox: Inbox = Arc::default();
        let sink = inbox.clone();
        tokio::spawn(async move {
            while let Some(event) = events.next().await {
                if let Event::Message(push) = event
                    && !push.message.message_is_from_self
                    && push.message.message_sender != "@TIM#SYSTEM"
                {
                    let message = (*push.message).clone();
                    sink.lock().unwrap().entry(message.message_conv_id.clone()).or_default().push(message);
                }
            }
        });
        clients.push(client);
        inboxes.push(inbox);
    }
    let group_id = tincan_testkit::create_group(&clients[0], GroupType::WORK, &USERS[1..]).await;

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut lanes = Vec::new();
    for (user, client) in clients.iter().enumerate() {
        lanes.push(tokio::spawn(lane(
            user,
            client.clone(),
            inboxes[user].clone(),
            group_id.clone(),
            ledger.clone(),
            stop.clone(),
            rng.next(),
        )));
    }
    for kill in 0..kills {
        tokio::time::sleep(Duration::from_millis(300 + rng.below(1_200))).await;
        server.kill().unwrap();
        server.wait().unwrap();
        let acknowledged = ledger.lock().unwrap().messages.len();
        println!("crash test: kill {} of {kills} after {acknowledged} acknowledged messages", kill + 1);
        server = tokio::task::spawn_blocking({
            let data = data.path().to_owned();
            move || serve(&data, port)
        })
        .await
        .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop.store(true, Ordering::Relaxed);
    for lane in lanes {
        lane.await.unwrap();
    }

    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    assert!(ledger.messages.len() > 50, "too little load to mean anything: {}", ledger.messages.len());
    let mut readers = Vec::new();
    for user in USERS {
        readers.push(Client::connect(config(port, user)).await.unwrap().0);
    }

    // Every acknowledged message is stored exactly once.
    let mut histories: BTreeMap<(String, String), Vec<Message>> = BTreeMap::new();
    for (index, user) in USERS.iter().enumerate() {
        for peer in USERS.iter().filter(|peer| *peer != user) {
            histories.insert(
                (user.to_string(), peer.to_string()),
                whole_history(&readers[index], peer, ConvType::C2C).await,
            );
        }
        histories.insert(
            (user.to_string(), group_id.clone()),
            whole_history(&readers[index], &group_id, ConvType::GROUP).await,
        );
    }
    for ((user, conv), history) in &histories {
        let ids: Vec<&String> = history.iter().map(|message| &message.message_msg_id).collect();
        let unique: BTreeSet<&String> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{user}'s history with {conv} holds a message twice");
    }
    for (msg_id, conv, sender) in &ledger.messages {
        let history = &histories[&(sender.clone(), conv.clone())];
        assert!(
            history.iter().any(|message| &message.message_msg_id == msg_id),
            "acknowledged message {msg_id} from {sender} to {conv} is lost (seed {seed})"
        );
    }

    // Every acknowledged receipt is counted and listed.
    let mut by_message: BTreeMap<String, (Message, BTreeSet<String>)> = BTreeMap::new();
    for (message, reader) in &ledger.receipts {
        by_message
            .entry(message.message_msg_id.clone())
            .or_insert_with(|| (message.clone(), BTreeSet::new()))
            .1
            .insert(reader.clone());
    }
    for (message, acknowledged_readers) in by_message.values() {
        let sender = USERS.iter().position(|user| *user == message.message_sender).unwrap();
        let receipt = &readers[sender].get_receipts(std::slice::from_ref(message)).await.unwrap()[0];
        assert!(
            receipt.msg_receipt_read_count >= acknowledged_readers.len() as u64,
            "message {}: read count {} below {} acknowledged receipts (seed {seed})",
            message.message_msg_id,
            receipt.msg_receipt_read_count,
            acknowledged_readers.len()
        );
        let page = readers[sender].get_read_members(message, ReadMembersFilter::READ, 0, 100).await.unwrap();
        let listed: BTreeSet<String> =
            page.members.iter().map(|member| member.group_member_info_identifier.clone()).collect();
        assert!(
            acknowledged_readers.is_subset(&listed),
            "message {}: acknowledged readers {acknowledged_readers:?}, listed {listed:?} (seed {seed})",
            message.message_msg_id
        );
        assert_eq!(listed.len() as u64, receipt.msg_receipt_read_count, "the list and the count agree");
    }

    // Unread counts agree with the history and the read reports: at most what is after the
    // acknowledged report, at least what is after the highest one attempted.
    for (index, user) in USERS.iter().enumerate() {
        let conversations = readers[index].conversations().await.unwrap();
        let mut sum = 0;
        for conv in &conversations {
            let history = &histories[&(user.to_string(), conv.conv_id.clone())];
            let (acknowledged, attempted) =
                ledger.reads.get(&(user.to_string(), conv.conv_id.clone())).copied().unwrap_or((0, 0));
            let from_others = |after: u64| {
                history
                    .iter()
                    .filter(|message| {
                        message.message_sender != *user
                            && message.message_sender != "@TIM#SYSTEM"
                            && message.message_seq > after
                    })
                    .count() as u64
            };
            let unread = conv.conv_unread_num;
            assert!(
                unread <= from_others(acknowledged) && unread >= from_others(attempted),
                "{user} in {}: unread {unread}, {} after the acknowledged read report (seq {acknowledged}), {} after the \
                 highest attempted (seq {attempted}) (seed {seed})",
                conv.conv_id,
                from_others(acknowledged),
                from_others(attempted)
            );
            sum += unread;
        }
        assert_eq!(readers[index].total_unread().await.unwrap(), sum, "{user}'s total unread is the sum");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
