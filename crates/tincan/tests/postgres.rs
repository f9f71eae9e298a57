//! tincan on PostgreSQL, as users see it: `tincan serve --store postgres://…` serves C2C and
//! group messages with receipts, groups, profiles, friends and group attributes exactly as on the embedded store, a
//! restart keeps all of it, and `tincan migrate` moves an embedded store into PostgreSQL with
//! every record read back equal through `StoreRead` on both sides.
//!
//! Tests find PostgreSQL through `TINCAN_TEST_POSTGRES` (see `tincan_store_postgres::testing`);
//! without one they fail, saying how to get one.

use std::fmt::Debug;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tincan_core::conv::ConvKey;
use tincan_core::history::{HistoryPlan, Scan};
use tincan_proto::api::get_message_list::GetMsgListParams;
use tincan_proto::api::{friend_add, friend_handle_request};
use tincan_proto::enums::{ConvType, GroupType, ReadMembersFilter};
use tincan_proto::objects::MessageExtension;
use tincan_proto::profile::ProfileChange;
use tincan_proto::{Elem, Message, UserId};
use tincan_sdk::{Client, ClientConfig, Event, Events};
use tincan_store::{Blobs, StoreRead};
use tincan_store_postgres::testing::TestDatabase;
use tincan_testkit::{KEY, SDKAPPID};

const WAIT: Duration = Duration::from_secs(20);

/// A nickname with a character PostgreSQL's text cannot hold, which must come back all the same.
const NICK: &str = "Alice \u{0} A.";

/// What the users did, as their clients were answered.
struct Written {
    group_id: String,
    c2c_msg_id: String,
    group_msg_id: String,
}

/// What the users see, read back through the client API.
#[derive(Debug, PartialEq)]
struct Observed {
    alice_nick: String,
    members: Vec<String>,
    bob_history_with_alice: Vec<String>,
    carol_group_history: Vec<String>,
    c2c_peer_read: bool,
    group_read_count: u64,
    group_unread_count: u64,
    group_readers: Vec<String>,
    unread: Vec<(String, u64)>,
}

fn connect_config(port: u16, user: &str) -> ClientConfig {
    let mut config = ClientConfig::new(
        format!("ws://127.0.0.1:{port}/ws"),
        SDKAPPID,
        UserId::parse(user).unwrap(),
        tincan_testkit::user_sig(user),
    );
    config.request_timeout = Duration::from_secs(10);
    config
}

async fn received(events: &mut Events, msg_id: &str) -> Message {
    tincan_testkit::wait_for(events, WAIT, |event| match event {
        Event::Message(push) if push.message.message_msg_id == msg_id => Some((*push.message).clone()),
        _ => None,
    })
    .await
}

/// Alice changes her profile, makes a Work group with Bob and Carol, befriends Bob, blocks Carol
/// (who asked Bob to be friends), gives the group an attribute and a counter, sends Bob a C2C
/// message and the group a message, both asking for receipts; Bob sends receipts for both and
/// reads the C2C conversation and answers; Carol writes to the group a message that takes
/// extensions, on which Alice sets one, but reads nothing.
async fn write_traffic(config: impl Fn(&str) -> ClientConfig) -> Written {
    let (alice, _alice_events) = Client::connect(config("alice")).await.unwrap();
    let (bob, mut bob_events) = Client::connect(config("bob")).await.unwrap();
    let (carol, _carol_events) = Client::connect(config("carol")).await.unwrap();
    let change = ProfileChange { user_profile_item_nick_name: Some(NICK.to_owned()), ..Default::default() };
    alice.modify_self_profile(change).await.unwrap();
    let group_id = tincan_testkit::create_group(&alice, GroupType::WORK, &["bob", "carol"]).await;
    // The relationship chain (a friendship both ways, a pending request, a blocklist entry) and
    // the group's attributes and counters, for `tincan migrate` to copy.
    let befriend = friend_add::Request {
        friendship_add_friend_param_identifier: UserId::parse("bob").unwrap(),
        friendship_add_friend_param_friend_type: 1,
        friendship_add_friend_param_remark: "Bobby".to_owned(),
        friendship_add_friend_param_group_name: "work".to_owned(),
        friendship_add_friend_param_add_source: "AddSource_Type_test".to_owned(),
        friendship_add_friend_param_add_wording: "hi".to_owned(),
    };
    alice.add_friend(&befriend).await.unwrap();
    let accept = friend_handle_request::Request {
        friend_response_identifier: UserId::parse("alice").unwrap(),
        friend_response_action: 1,
        friend_response_remark: String::new(),
        friend_response_group_name: "team".to_owned(),
    };
    bob.handle_friend_request(&accept).await.unwrap();
    carol.add_friend(&befriend).await.unwrap();
    alice.add_to_blocklist(&["carol"]).await.unwrap();
    alice.init_group_attributes(&group_id, &[("seat", "bob")]).await.unwrap();
    alice.set_group_counters(&group_id, &[("likes", -3)]).await.unwrap();
    let c2c = alice.send_text("bob", ConvType::C2C, "hello bob", true).await.unwrap();
    let group_message = alice.send_text(&group_id, ConvType::GROUP, "hello team", true).await.unwrap();
    let c2c_at_bob = received(&mut bob_events, &c2c.message_msg_id).await;
    let group_at_bob = received(&mut bob_events, &group_message.message_msg_id).await;
    bob.send_receipts(std::slice::from_ref(&c2c_at_bob)).await.unwrap();
    bob.send_receipts(&[group_at_bob]).await.unwrap();
    bob.report_read("alice", ConvType::C2C, Some(c2c_at_bob)).await.unwrap();
    bob.send_text("alice", ConvType::C2C, "hello alice", false).await.unwrap();
    // Carol's message takes extensions, and Alice sets one.
    let extensible = Message {
        message_elem_array: vec![Elem::text("carol here")],
        message_support_message_extension: true,
        ..Message::default()
    };
    let carol_message = carol.send_message(&group_id, ConvType::GROUP, extensible).await.unwrap();
    let extension = MessageExtension {
        message_extension_key: "mood".to_owned(),
        message_extension_value: "\u{0}happy".to_owned(),
        message_extension_seq: 0,
    };
    let results = alice.set_message_extensions(&carol_message, &[extension]).await.unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    Written { group_id, c2c_msg_id: c2c.message_msg_id, group_msg_id: group_message.message_msg_id }
}

async fn texts(client: &Client, conv: &str, conv_type: ConvType) -> Vec<String> {
    let params = GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    let page = client.get_message_list(conv, conv_type, params).await.unwrap();
    page.iter().map(|message| format!("{} {}", message.message_msg_id, message.message_sender)).collect()
}

async fn observe(config: impl Fn(&str) -> ClientConfig, written: &Written) -> Observed {
    let (alice, _alice_events) = Client::connect(config("alice")).await.unwrap();
    let (bob, _bob_events) = Client::connect(config("bob")).await.unwrap();
    let (carol, _carol_events) = Client::connect(config("carol")).await.unwrap();
    let alice_history = alice.get_message_list("bob", ConvType::C2C, GetMsgListParams::default()).await.unwrap();
    let c2c = alice_history.iter().find(|message| message.message_msg_id == written.c2c_msg_id).unwrap().clone();
    let group_history =
        alice.get_message_list(&written.group_id, ConvType::GROUP, GetMsgListParams::default()).await.unwrap();
    let group_message =
        group_history.iter().find(|message| message.message_msg_id == written.group_msg_id).unwrap().clone();
    let c2c_receipt = &alice.get_receipts(&[c2c]).await.unwrap()[0];
    let group_receipt = &alice.get_receipts(std::slice::from_ref(&group_message)).await.unwrap()[0];
    let readers = alice.get_read_members(&group_message, ReadMembersFilter::READ, 0, 100).await.unwrap();
    let mut members: Vec<String> = alice
        .group_members(&written.group_id, 0)
        .await
        .unwrap()
        .group_get_member_info_list_result_info_array
        .iter()
        .map(|member| format!("{} {:?}", member.group_member_info_identifier, member.group_member_info_member_role))
        .collect();
    members.sort();
    let mut unread = Vec::new();
    for (name, client) in [("alice", &alice), ("bob", &bob), ("carol", &carol)] {
        unread.push((name.to_owned(), client.total_unread().await.unwrap()));
    }
    Observed {
        alice_nick: bob.user_profiles(&["alice"]).await.unwrap()[0].user_profile_nick_name.clone(),
        members,
        bob_history_with_alice: texts(&bob, "alice", ConvType::C2C).await,
        carol_group_history: texts(&carol, &written.group_id, ConvType::GROUP).await,
        c2c_peer_read: c2c_receipt.msg_receipt_is_peer_read,
        group_read_count: group_receipt.msg_receipt_read_count,
        group_unread_count: group_receipt.msg_receipt_unread_count,
        group_readers: readers.members.iter().map(|member| member.group_member_info_identifier.clone()).collect(),
        unread,
    }
}

/// What the traffic must have left, whatever the store.
fn check(observed: &Observed, written: &Written) {
    assert_eq!(observed.alice_nick, NICK);
    assert_eq!(observed.members.len(), 3, "{:?}", observed.members);
    assert!(observed.bob_history_with_alice.iter().any(|line| line.starts_with(&written.c2c_msg_id)));
    assert!(observed.carol_group_history.iter().any(|line| line.starts_with(&written.group_msg_id)));
    assert!(observed.c2c_peer_read, "Bob's C2C receipt");
    assert_eq!((observed.group_read_count, observed.group_unread_count), (1, 1), "Bob read, Carol did not");
    assert_eq!(observed.group_readers, vec!["bob".to_owned()]);
    let carol_unread = observed.unread.iter().find(|(name, _)| name == "carol").unwrap().1;
    assert!(carol_unread >= 1, "Carol has not read the group message: {:?}", observed.unread);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_on_postgres_serves_and_keeps_everything_across_a_restart() {
    let app = tincan_testkit::spawn_app_on_postgres().await;
    let written = write_traffic(|user| app.config(user)).await;
    let before = observe(|user| app.config(user), &written).await;
    check(&before, &written);
    let app = app.restart().await;
    let after = observe(|user| app.config(user), &written).await;
    assert_eq!(after, before, "a restart on PostgreSQL keeps everything");
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

/// `tincan serve` on `data`, on the embedded store or the one `store` names.
fn serve(data: &Path, port: u16, store: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tincan"));
    command
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--sdkappid", &SDKAPPID.to_string(), "--key", KEY])
        .arg("--data")
        .arg(data)
        .env_remove("TINCAN_SDKAPPID")
        .env_remove("TINCAN_KEY")
        .env_remove("TINCAN_STORE")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(store) = store {
        command.args(["--store", store]);
    }
    let mut child = command.spawn().expect("tincan serve starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !healthy(port) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("tincan serve exited with {status}");
        }
        assert!(Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

fn migrate(data: &Path, url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tincan"))
        .args(["migrate", "--from"])
        .arg(data)
        .args(["--to", url])
        .output()
        .expect("tincan migrate runs")
}

/// `items` in an order that does not depend on the backend's.
fn sorted<T: Debug>(items: &[T]) -> Vec<String> {
    let mut lines: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    lines.sort();
    lines
}

fn same<T: Debug>(what: &str, sqlite: &[T], postgres: &[T]) {
    assert_eq!(sorted(sqlite), sorted(postgres), "{what} differ between SQLite and PostgreSQL");
}

const ALL: usize = 1_000_000;

/// Reads every record through `StoreRead` on both stores and compares them; returns how many
/// messages, receipts and user events there were, so that the caller can see it compared
/// something.
fn compare_stores(sqlite: &dyn StoreRead, postgres: &dyn StoreRead) -> (usize, usize, usize) {
    let (left, right) = (sqlite.load(0).unwrap(), postgres.load(0).unwrap());
    assert_eq!(left.head_pos, right.head_pos, "head positions");
    same("apps", &left.apps, &right.apps);
    same("accounts", &left.accounts, &right.accounts);
    same("groups", &left.groups, &right.groups);
    same("join requests", &left.join_requests, &right.join_requests);
    same("pendency read times", &left.pendency_read_times, &right.pendency_read_times);
    same("members", &left.members, &right.members);
    same("read states", &left.read_states, &right.read_states);
    same("conversations", &left.conversations, &right.conversations);
    same("own messages", &left.own_messages, &right.own_messages);
    same("excluded messages", &left.excluded, &right.excluded);
    same("recent messages", &left.recent_messages, &right.recent_messages);
    same("pending webhooks", &left.pending_callbacks, &right.pending_callbacks);
    same("revisions", &left.revisions, &right.revisions);
    same("conversation settings", &left.conv_settings, &right.conv_settings);
    same("conversation groups", &left.conv_groups, &right.conv_groups);
    same("profiles", &left.profiles, &right.profiles);
    same("friends", &left.friends, &right.friends);
    same("friend requests", &left.friend_requests, &right.friend_requests);
    same("blocklists", &left.blocks, &right.blocks);
    same("friend groups", &left.friend_metas, &right.friend_metas);
    same("group attributes", &left.group_attributes, &right.group_attributes);
    same("group counters", &left.group_counters, &right.group_counters);
    same("group bans", &left.group_bans, &right.group_bans);
    assert!(
        !left.friends.is_empty()
            && !left.friend_requests.is_empty()
            && !left.blocks.is_empty()
            && !left.friend_metas.is_empty()
            && !left.group_attributes.is_empty()
            && !left.group_counters.is_empty(),
        "the traffic left friends, a blocklist, friend groups, attributes and counters to compare: {:?}",
        (left.friends.len(), left.friend_requests.len(), left.blocks.len(), left.friend_metas.len()),
    );
    same(
        "due webhooks",
        &sqlite.due_callbacks(u64::MAX, ALL).unwrap(),
        &postgres.due_callbacks(u64::MAX, ALL).unwrap(),
    );
    let everything = HistoryPlan::Scan(Scan {
        forward: true,
        after_seq: 0,
        before_seq: u64::MAX,
        time_range: None,
        elem_types: Vec::new(),
        count: u32::MAX,
    });
    let (mut n_messages, mut n_receipts, mut n_events, mut n_extensions) = (0, 0, 0, 0);
    for summary in &left.conversations {
        let message = &summary.last_message;
        let (app, conv) = (message.sdkappid, &message.conv);
        let history = sqlite.messages(app, conv, &everything).unwrap();
        same("histories", &history, &postgres.messages(app, conv, &everything).unwrap());
        n_messages += history.len();
        for message in &history {
            let extensions = sqlite.message_extensions(app, conv, message.seq).unwrap();
            assert_eq!(extensions, postgres.message_extensions(app, conv, message.seq).unwrap(), "extensions");
            n_extensions += extensions.len();
            assert_eq!(
                sqlite.message_by_id(app, &message.msg_id).unwrap(),
                postgres.message_by_id(app, &message.msg_id).unwrap()
            );
            assert_eq!(
                sqlite.message_by_seq(app, conv, message.seq).unwrap(),
                postgres.message_by_seq(app, conv, message.seq).unwrap()
            );
            if let ConvKey::Group(group_id) = conv {
                let receipt = sqlite.group_receipt(app, group_id, message.seq).unwrap();
                assert_eq!(receipt, postgres.group_receipt(app, group_id, message.seq).unwrap(), "receipts");
                n_receipts += usize::from(receipt.is_some());
            }
        }
        if let ConvKey::Group(group_id) = conv {
            same(
                "group messages after a position",
                &sqlite.group_messages_after(app, group_id, 0, (0, u64::MAX), ALL).unwrap(),
                &postgres.group_messages_after(app, group_id, 0, (0, u64::MAX), ALL).unwrap(),
            );
            same(
                "group revisions",
                &sqlite.group_revisions_after(app, group_id, 0, (0, u64::MAX), ALL).unwrap(),
                &postgres.group_revisions_after(app, group_id, 0, (0, u64::MAX), ALL).unwrap(),
            );
        }
        for account in &left.accounts {
            same(
                "hidden messages",
                &sqlite.hidden_seqs(app, &account.user, conv, 0, u64::MAX).unwrap(),
                &postgres.hidden_seqs(app, &account.user, conv, 0, u64::MAX).unwrap(),
            );
        }
    }
    for account in &left.accounts {
        let events = sqlite.user_events(account.sdkappid, &account.user, 0, ALL).unwrap();
        assert_eq!(events, postgres.user_events(account.sdkappid, &account.user, 0, ALL).unwrap(), "user events");
        n_events += events.len();
        same(
            "memberships",
            &sqlite.memberships_since(account.sdkappid, &account.user, 0).unwrap(),
            &postgres.memberships_since(account.sdkappid, &account.user, 0).unwrap(),
        );
    }
    assert!(n_extensions >= 1, "the traffic left a message extension to compare");
    (n_messages, n_receipts, n_events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migrate_moves_an_embedded_store_into_postgres_with_nothing_lost() {
    let data = tempfile::tempdir().unwrap();
    let database = tokio::task::spawn_blocking(TestDatabase::create)
        .await
        .unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()));
    let url = database.url().to_owned();
    let port = free_port();

    // Traffic on the embedded store, then the server is killed (SIGKILL).
    let server = serve(data.path(), port, None);
    let written = write_traffic(|user| connect_config(port, user)).await;
    let before = observe(|user| connect_config(port, user), &written).await;
    check(&before, &written);
    // An upload, kept on the data directory's disk.
    let (uploader, _) = Client::connect(connect_config(port, "alice")).await.unwrap();
    let document: Vec<u8> = (0..200_000u32).map(|n| (n % 241) as u8).collect();
    let uploaded = uploader.upload(tincan_sdk::media::MediaType::File, "kept.bin", &document).await.unwrap();
    let upload_id = uploaded["id"].as_str().unwrap().to_owned();
    drop(uploader);
    kill(server);

    let output = tokio::task::spawn_blocking({
        let (data, url) = (data.path().to_owned(), url.clone());
        move || migrate(&data, &url)
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "tincan migrate: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("--store"), "it says how to serve the copy: {stdout}");
    assert!(stdout.contains("media uploads        1"), "{stdout}");

    // The upload is in PostgreSQL too, where a cluster's nodes read it.
    let blobs = tincan_store_postgres::PostgresBlobs::open(&url).unwrap();
    let copied = tokio::task::block_in_place(|| blobs.get(SDKAPPID, &upload_id, "orig")).unwrap();
    assert!(copied == Some(document), "the upload's bytes are copied");
    let described = tokio::task::block_in_place(|| blobs.list("json")).unwrap();
    assert_eq!(described.iter().map(|(app, id, _)| (*app, id.clone())).collect::<Vec<_>>(), [(SDKAPPID, upload_id)]);

    // Every record reads back the same through the store interface on both sides.
    let counts = tokio::task::spawn_blocking({
        let (data, url) = (data.path().to_owned(), url.clone());
        move || {
            let sqlite = tincan_store_sqlite::open_in(&data).unwrap();
            let postgres = tincan_store_postgres::open_store(&url).unwrap();
            compare_stores(&*sqlite.reader, &*postgres.reader)
        }
    })
    .await
    .unwrap();
    let (n_messages, n_receipts, n_events) = counts;
    assert!(n_messages >= 4 && n_receipts >= 1 && n_events >= 3, "compared too little: {counts:?}");

    // A second copy into the same database is refused and changes nothing.
    let again = tokio::task::spawn_blocking({
        let (data, url) = (data.path().to_owned(), url.clone());
        move || migrate(&data, &url)
    })
    .await
    .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty database"), "{again:?}");

    // The server on PostgreSQL shows the users what they saw, and so it does after a kill.
    let server = serve(data.path(), port, Some(&url));
    let migrated = observe(|user| connect_config(port, user), &written).await;
    assert_eq!(migrated, before, "the users see on PostgreSQL what they saw on SQLite");
    kill(server);
    let server = serve(data.path(), port, Some(&url));
    let restarted = observe(|user| connect_config(port, user), &written).await;
    assert_eq!(restarted, before, "a restart on PostgreSQL keeps everything");
    kill(server);
    drop(database);
}

#[test]
fn an_unknown_store_is_refused_with_what_to_give() {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tincan"))
        .args(["serve", "--listen", "127.0.0.1:0", "--store", "mysql://root:secret@db/im"])
        .arg("--data")
        .arg(data.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("postgres://") && !stderr.contains("secret"), "{stderr}");
}
