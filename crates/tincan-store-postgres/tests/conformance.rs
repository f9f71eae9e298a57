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
