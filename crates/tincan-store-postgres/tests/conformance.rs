//! The store conformance suite, and what only a real PostgreSQL can show, against the
//! PostgreSQL store. Each store opened here is a database of its own, dropped afterwards.

use std::sync::Mutex;

use tincan_core::conv::ConvKey;
use tincan_proto::GroupId;
use tincan_store::conformance::{self, message};
use tincan_store::{StoreRead, StoreWrite, WriteOp};
use tincan_store_postgres::testing::TestDatabase;

#[test]
fn passes_the_conformance_suite() {
    let databases = Mutex::new(Vec::new());
    let open = || -> (Box<dyn StoreRead>, Box<dyn StoreWrite>) {
        let database = TestDatabase::create();
        let (reader, writer) = tincan_store_postgres::open(database.url()).expect("the store opens");
        databases.lock().unwrap().push(database);
        (Box::new(reader), Box::new(writer))
    };
    conformance::run_all(&open);
}

#[test]
fn committed_batches_survive_reopening() {
    // A batch is durable once apply returns: a new store on the same database sees it.
    let database = TestDatabase::create();
    let conv = ConvKey::Group(GroupId::parse("g").unwrap());
    {
        let (_reader, mut writer) = tincan_store_postgres::open(database.url()).unwrap();
        writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001).unwrap();
    }
    let (reader, _writer) = tincan_store_postgres::open(database.url()).unwrap();
    let state = reader.load(0).unwrap();
    assert_eq!(state.head_pos, 1001);
    assert_eq!(state.conversations[0].last_message, message(&conv, 1, "alice"));
}

/// The migrations this build knows.
const NEWEST_VERSION: i64 = 13;

fn schema_version(url: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client.query_one("select max(version) from schema_migrations", &[]).await.unwrap().get(0)
    })
}

fn execute(url: &str, sql: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client.batch_execute(sql).await.unwrap();
    })
}

#[test]
fn opening_twice_does_not_migrate_twice() {
    let database = TestDatabase::create();
    let conv = ConvKey::Group(GroupId::parse("g").unwrap());
    {
        let (_reader, mut writer) = tincan_store_postgres::open(database.url()).unwrap();
        writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 7).unwrap();
    }
    assert_eq!(schema_version(database.url()), NEWEST_VERSION);
    let (reader, _writer) = tincan_store_postgres::open(database.url()).unwrap();
    assert_eq!(schema_version(database.url()), NEWEST_VERSION);
    assert_eq!(reader.load(0).unwrap().head_pos, 7);
}

#[test]
fn a_database_of_a_newer_version_is_refused_untouched() {
    let database = TestDatabase::create();
    drop(tincan_store_postgres::open(database.url()).unwrap());
    execute(database.url(), &format!("insert into schema_migrations (version) values ({})", NEWEST_VERSION + 1));
    let error = tincan_store_postgres::open(database.url()).err().expect("a newer schema is refused").to_string();
    assert!(error.contains("newer than this build knows"), "{error}");
    assert_eq!(schema_version(database.url()), NEWEST_VERSION + 1, "the database is left as it was");
}

#[test]
fn the_store_can_be_used_and_dropped_inside_an_async_runtime() {
    // The engine reads its state at start from async code, and tests drop servers inside their
    // runtime: neither may panic.
    let database = TestDatabase::create();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (reader, mut writer) = tincan_store_postgres::open(database.url()).unwrap();
        let conv = ConvKey::Group(GroupId::parse("g").unwrap());
        writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001).unwrap();
        assert_eq!(reader.load(0).unwrap().head_pos, 1001);
        drop((reader, writer));
    });
}

#[test]
fn a_lost_connection_is_unavailable_and_the_writer_reconnects() {
    // PostgreSQL ends the writer's connection (as a restart or a failover would): a batch that
    // meets the dead connection fails as unavailable, so the engine tries it again, and the retry
    // goes through on a new connection without writing anything twice.
    let database = TestDatabase::create();
    let (reader, mut writer) = tincan_store_postgres::open(database.url()).unwrap();
    let conv = ConvKey::Group(GroupId::parse("g").unwrap());
    writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001).unwrap();
    let name = database.url().rsplit('/').next().unwrap().to_owned();
    execute(
        &tincan_store_postgres::testing::with_database(database.url(), "postgres"),
        &format!(
            "select pg_terminate_backend(pid) from pg_stat_activity \
             where datname = '{name}' and pid <> pg_backend_pid()"
        ),
    );
    let batch = [WriteOp::AppendMessage(message(&conv, 2, "alice"))];
    let mut failures = 0;
    loop {
        match writer.apply(&batch, 1002) {
            Ok(()) => break,
            Err(err) => {
                assert!(err.is_unavailable(), "a lost connection is unavailable: {err}");
                failures += 1;
                assert!(failures < 5, "the writer reconnects");
            }
        }
    }
    let state = reader.load(0).unwrap();
    assert_eq!(state.head_pos, 1002);
    assert_eq!(state.conversations[0].last_message.seq, 2);
}

/// A TCP relay to PostgreSQL that can be taken down (every connection cut, new ones refused)
/// and brought back, as a network failure or a PostgreSQL restart would.
struct Relay {
    addr: std::net::SocketAddr,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    open: std::sync::Arc<Mutex<Vec<std::net::TcpStream>>>,
}

impl Relay {
    fn start(upstream: String) -> Relay {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let down = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let open = std::sync::Arc::new(Mutex::new(Vec::new()));
        let (accept_down, accept_open) = (down.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if accept_down.load(Ordering::SeqCst) {
                    continue;
                }
                let Ok(server) = std::net::TcpStream::connect(&upstream) else { continue };
                let mut held = accept_open.lock().unwrap();
                held.push(client.try_clone().unwrap());
                held.push(server.try_clone().unwrap());
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Relay { addr, down, open }
    }

    fn take_down(&self) {
        self.down.store(true, std::sync::atomic::Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }

    fn bring_back(&self) {
        self.down.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn while_postgres_is_out_of_reach_batches_are_unavailable_and_then_stored_once() {
    // The engine holds a batch the store calls unavailable and tries it again: so every failure
    // while PostgreSQL is away must be unavailable, and the retry once it is back must store the
    // batch exactly once.
    let database = TestDatabase::create();
    let url = database.url();
    let authority_start = url.find('@').map_or(url.find("://").unwrap() + 3, |at| at + 1);
    let authority_end = authority_start + url[authority_start..].find('/').unwrap();
    let relay = Relay::start(url[authority_start..authority_end].to_owned());
    let relayed = format!("{}{}{}", &url[..authority_start], relay.addr, &url[authority_end..]);
    let (reader, mut writer) = tincan_store_postgres::open(&relayed).unwrap();
    let conv = ConvKey::Group(GroupId::parse("g").unwrap());
    writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001).unwrap();

    relay.take_down();
    let batch = [WriteOp::AppendMessage(message(&conv, 2, "alice"))];
    for _ in 0..3 {
        let err = writer.apply(&batch, 1002).expect_err("PostgreSQL is out of reach");
        assert!(err.is_unavailable(), "{err}");
    }
    let err = reader.message_by_seq(1_400_000_000, &conv, 1).expect_err("reads fail too");
    assert!(err.is_unavailable(), "{err}");

    relay.bring_back();
    writer.apply(&batch, 1002).expect("the same batch goes through once PostgreSQL is back");
    let state = reader.load(0).unwrap();
    assert_eq!(state.head_pos, 1002);
    assert_eq!(state.conversations[0].last_message, message(&conv, 2, "alice"));
    assert!(reader.message_by_seq(1_400_000_000, &conv, 1).unwrap().is_some());
}

#[test]
fn the_relationship_chain_and_group_attributes_keep_every_character_and_setting() {
    // Friend remarks, friend groups, request wordings and attribute and counter keys are text a
    // user typed, which PostgreSQL's text cannot hold when it has U+0000; the app's two
    // relationship settings are flags the defaults would hide.
    use tincan_core::config::AppConfig;
    use tincan_core::group::{ADD_OPTION_ANY, GroupProfile};
    use tincan_proto::UserId;
    use tincan_proto::enums::GroupType;
    use tincan_store::{
        AppRecord, FriendMetaRecord, FriendRecord, FriendRequestRecord, GroupAttributesRecord, GroupCountersRecord,
        GroupRecord,
    };

    let odd = "a\u{0}b\u{1}\n\u{10ffff}";
    let user = |name: &str| UserId::parse(name).unwrap();
    let app = 1_400_000_000;
    let mut config = AppConfig::new_app_default();
    config.c2c_requires_friendship = true;
    config.blocked_send_fails = true;
    let app_record = AppRecord {
        sdkappid: app,
        secret_key: "key".to_owned(),
        admin_identifier: user("administrator"),
        config,
        created_at: 5,
        root: true,
    };
    let friend = FriendRecord {
        sdkappid: app,
        owner: user("alice"),
        peer: user("bob"),
        remark: odd.to_owned(),
        groups: vec![odd.replace('\n', " "), "work".to_owned()],
        custom: [("Tag_SNS_Custom_X".to_owned(), odd.to_owned())].into_iter().collect(),
        add_source: format!("AddSource_Type_{odd}"),
        add_wording: odd.to_owned(),
        add_time: 3,
    };
    let request = FriendRequestRecord {
        sdkappid: app,
        from: user("carol"),
        to: user("alice"),
        remark: odd.to_owned(),
        group_name: odd.replace('\n', " "),
        add_source: odd.to_owned(),
        add_wording: odd.to_owned(),
        add_time: 4,
    };
    let meta = FriendMetaRecord {
        sdkappid: app,
        owner: user("alice"),
        groups: vec![odd.replace('\n', " ")],
        pendency_read_time: 0,
    };
    let group_id = GroupId::parse("room").unwrap();
    let group = GroupRecord {
        sdkappid: app,
        group_id: group_id.clone(),
        group_type: GroupType::WORK,
        profile: GroupProfile {
            name: "room".to_owned(),
            introduction: String::new(),
            notification: String::new(),
            face_url: String::new(),
            add_option: ADD_OPTION_ANY,
            approve_option: ADD_OPTION_ANY,
            max_member_num: 200,
            shutup_all: false,
            visible: 1,
            searchable: 1,
            custom: Default::default(),
        },
        owner: Some(user("alice")),
        created_at: 9,
        info_seq: 1,
        next_index: 0,
        dismissed_at: None,
    };
    let attributes = GroupAttributesRecord {
        sdkappid: app,
        group_id: group_id.clone(),
        attributes: vec![(odd.to_owned(), odd.to_owned()), ("plain".to_owned(), String::new())],
    };
    let counters =
        GroupCountersRecord { sdkappid: app, group_id: group_id.clone(), counters: vec![(odd.to_owned(), -1)] };

    let database = TestDatabase::create();
    let (reader, mut writer) = tincan_store_postgres::open(database.url()).unwrap();
    writer
        .apply(
            &[
                WriteOp::PutApp(app_record.clone()),
                WriteOp::PutFriend(friend.clone()),
                WriteOp::PutFriendRequest(request.clone()),
                WriteOp::PutFriendMeta(meta.clone()),
                WriteOp::PutGroup(group),
                WriteOp::PutGroupAttributes(attributes.clone()),
                WriteOp::SetGroupCounters(counters.clone()),
            ],
            1,
        )
        .unwrap();
    let state = reader.load(0).unwrap();
    assert_eq!(state.apps, vec![app_record]);
    assert_eq!(state.friends, vec![friend]);
    assert_eq!(state.friend_requests, vec![request]);
    assert_eq!(state.friend_metas, vec![meta]);
    assert_eq!(state.group_attributes, vec![attributes]);
    assert_eq!(state.group_counters, vec![counters]);

    // A counter deleted by a key holding U+0000 goes; the others stay.
    writer
        .apply(
            &[
                WriteOp::SetGroupCounters(GroupCountersRecord {
                    sdkappid: app,
                    group_id: group_id.clone(),
                    counters: vec![("kept".to_owned(), 2)],
                }),
                WriteOp::DeleteGroupCounters { sdkappid: app, group_id: group_id.clone(), keys: vec![odd.to_owned()] },
            ],
            2,
        )
        .unwrap();
    let state = reader.load(0).unwrap();
    assert_eq!(
        state.group_counters,
        vec![GroupCountersRecord { sdkappid: app, group_id, counters: vec![("kept".to_owned(), 2)] }]
    );
}
