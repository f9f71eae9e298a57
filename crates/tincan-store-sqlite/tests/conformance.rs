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

/// The schema version a database file records.
fn user_version(path: &std::path::Path) -> i64 {
    let connection = rusqlite::Connection::open(path).unwrap();
    connection.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap()
}

/// The migrations this build knows.
const NEWEST_VERSION: i64 = 13;

#[test]
fn opening_twice_does_not_migrate_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tincan.sqlite3");
    let conv = ConvKey::Group(GroupId::parse("g").unwrap());
    {
        let (_reader, mut writer) = tincan_store_sqlite::open(&path).unwrap();
        writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 7).unwrap();
    }
    assert_eq!(user_version(&path), NEWEST_VERSION);
    // A second open finds the newest schema and changes nothing (a migration applied again
    // would fail on its CREATE TABLE, or lose the row).
    let (reader, _writer) = tincan_store_sqlite::open(&path).unwrap();
    assert_eq!(user_version(&path), NEWEST_VERSION);
    assert_eq!(reader.load(0).unwrap().head_pos, 7);
}

#[test]
fn a_database_of_an_older_version_is_brought_up_to_date_and_keeps_its_data() {
    // A file made by a build that knew only the first migration.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tincan.sqlite3");
    {
        let connection = rusqlite::Connection::open(&path).unwrap();
        connection.execute_batch(include_str!("../migrations/0001_init.sql")).unwrap();
        connection.pragma_update(None, "user_version", 1).unwrap();
    }
    let conv = ConvKey::Group(GroupId::parse("g").unwrap());
    {
        let (_reader, mut writer) = tincan_store_sqlite::open(&path).unwrap();
        writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 3).unwrap();
    }
    assert_eq!(user_version(&path), NEWEST_VERSION);
    let connection = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = connection
        .query_row("select count(*) from sqlite_master where type = 'table' and name = 'callback_queue'", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(tables, 1, "the second migration ran");
    let (reader, _writer) = tincan_store_sqlite::open(&path).unwrap();
    assert_eq!(reader.load(0).unwrap().conversations[0].last_message, message(&conv, 1, "alice"));
}

#[test]
fn a_database_from_before_the_root_flag_keeps_its_first_app_as_root() {
    // Before the root app was stored, it was the first app by creation time, then SDKAppID.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tincan.sqlite3");
    {
        let connection = rusqlite::Connection::open(&path).unwrap();
        connection.execute_batch(include_str!("../migrations/0001_init.sql")).unwrap();
        connection.execute_batch(include_str!("../migrations/0002_webhooks.sql")).unwrap();
        connection.pragma_update(None, "user_version", 2).unwrap();
        for (sdkappid, created_at) in [(1_400_000_002, 20), (1_400_000_001, 10), (1_400_000_000, 10)] {
            connection
                .execute(
                    "insert into app (sdkappid, secret_key, admin_identifier, plan, receipt_group_types, \
                     receipt_coalesce_window_ms, receipt_group_members_max, created_at) \
                     values (?1, 'k', 'administrator', 'Ultimate', '', 20, 200, ?2)",
                    rusqlite::params![sdkappid, created_at],
                )
                .unwrap();
        }
    }
    let (reader, _writer) = tincan_store_sqlite::open(&path).unwrap();
    let roots: Vec<u64> = reader.load(0).unwrap().apps.iter().filter(|app| app.root).map(|app| app.sdkappid).collect();
    assert_eq!(roots, vec![1_400_000_000]);
}

#[test]
fn groups_stored_before_group_profiles_stay_visible_searchable_and_unmuted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tincan.sqlite3");
    {
        let connection = rusqlite::Connection::open(&path).unwrap();
        for sql in [
            include_str!("../migrations/0001_init.sql"),
            include_str!("../migrations/0002_webhooks.sql"),
            include_str!("../migrations/0003_root_app.sql"),
        ] {
            connection.execute_batch(sql).unwrap();
        }
        connection.pragma_update(None, "user_version", 3).unwrap();
        connection
            .execute_batch(
                "insert into grp (sdkappid, group_id, group_type, name, introduction, notification, face_url, \
                 add_option, max_member_num, owner, created_at, info_seq, next_index) \
                 values (1400000000, 'g', 0, 'old', '', '', '', 2, 2000, 'alice', 1, 1, 1); \
                 insert into group_member (sdkappid, group_id, member_index, user_id, role, join_seq, join_time, \
                 join_pos) values (1400000000, 'g', 0, 'alice', 400, 0, 1, 1);",
            )
            .unwrap();
    }
    let (reader, _writer) = tincan_store_sqlite::open(&path).unwrap();
    let state = reader.load(0).unwrap();
    let profile = &state.groups[0].profile;
    assert_eq!((profile.visible, profile.searchable, profile.shutup_all), (1, 1, false));
    assert!(profile.custom.is_empty());
    assert_eq!(state.members[0].info, tincan_store::MemberInfo::default());
}

#[test]
fn a_database_of_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tincan.sqlite3");
    drop(tincan_store_sqlite::open(&path).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", NEWEST_VERSION + 1).unwrap();
    let error = tincan_store_sqlite::open(&path).err().expect("a newer schema is refused").to_string();
    assert!(error.contains("newer than this build knows"), "{error}");
    assert_eq!(user_version(&path), NEWEST_VERSION + 1, "the file is left as it was");
}
