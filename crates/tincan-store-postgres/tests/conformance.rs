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
const NEWEST_VERSION: i64 = 7;

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
