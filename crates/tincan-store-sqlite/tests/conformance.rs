//! The store conformance suite, and what only a file on disk can show, against the SQLite store.

use tincan_core::conv::ConvKey;
use tincan_proto::GroupId;
use tincan_store::conformance::{self, message};
use tincan_store::{StoreRead, StoreWrite, WriteOp};

#[test]
fn passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let counter = std::cell::Cell::new(0);
    let open = || -> (Box<dyn StoreRead>, Box<dyn StoreWrite>) {
        counter.set(counter.get() + 1);
        let (reader, writer) =
            tincan_store_sqlite::open(&dir.path().join(format!("db{}.sqlite3", counter.get()))).unwrap();
        (Box::new(reader), Box::new(writer))
    };
    conformance::run_all(&open);
}

#[test]
fn committed_batches_survive_reopening() {
    // A batch is durable once apply returns: a new process opening the file sees it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tincan.sqlite3");
    let conv = ConvKey::Group(GroupId::parse("g").unwrap());
    {
        let (_reader, mut writer) = tincan_store_sqlite::open(&path).unwrap();
        writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001).unwrap();
    }
    let (reader, _writer) = tincan_store_sqlite::open(&path).unwrap();
    let state = reader.load(0).unwrap();
    assert_eq!(state.head_pos, 1001);
    assert_eq!(state.conversations[0].last_message, message(&conv, 1, "alice"));
}

#[test]
fn opening_twice_does_not_migrate_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tincan.sqlite3");
    drop(tincan_store_sqlite::open(&path).unwrap());
    drop(tincan_store_sqlite::open(&path).unwrap());
}
