//! The conformance suite against the in-memory store, and what only it offers: handles over one
//! state, reopening, and injected failures.

use std::sync::Arc;

use tincan_core::config::AppConfig;
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::group::GroupProfile;
use tincan_core::history::{HistoryPlan, Scan};
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{GroupId, UserId};
use tincan_store::conformance::{self, message};
use tincan_store::memory::MemoryStore;
use tincan_store::{
    AccountRecord, AppRecord, CallbackRecord, GroupReceiptRecord, GroupRecord, MemberRecord, MessageRecord,
    ReadStateRecord, ReceiptSource, Store, StoreError, StoreRead, StoreWrite, UserEventRecord, WriteOp,
};

const APP: u64 = 1_400_000_000;

fn user(name: &str) -> UserId {
    UserId::parse(name).unwrap()
}

fn group_id(name: &str) -> GroupId {
    GroupId::parse(name).unwrap()
}

fn c2c(first: &str, second: &str) -> ConvKey {
    ConvKey::C2c(C2cPair::new(user(first), user(second)).unwrap())
}

fn account(name: &str, tiny_id: u64) -> AccountRecord {
    AccountRecord { sdkappid: APP, user: user(name), tiny_id, created_at: 1, receipt_private: false }
}

fn group(name: &str) -> GroupRecord {
    GroupRecord {
        sdkappid: APP,
        group_id: group_id(name),
        group_type: GroupType::WORK,
        profile: GroupProfile {
            name: name.to_owned(),
            introduction: String::new(),
            notification: String::new(),
            face_url: String::new(),
            add_option: 0,
            approve_option: 2,
            max_member_num: 200,
            ..GroupProfile::default()
        },
        owner: Some(user("alice")),
        created_at: 1,
        info_seq: 1,
        next_index: 2,
        dismissed_at: None,
    }
}

fn member(group: &str, name: &str, index: u32, join_pos: u64) -> MemberRecord {
    MemberRecord {
        sdkappid: APP,
        group_id: group_id(group),
        user: user(name),
        index,
        role: MemberRole::NORMAL,
        join_seq: 0,
        join_time: 1,
        join_pos,
        info: tincan_store::MemberInfo::default(),
    }
}

fn event(name: &str, pos: u64) -> UserEventRecord {
    UserEventRecord {
        sdkappid: APP,
        user: user(name),
        pos,
        kind: "receipt".to_owned(),
        conv: None,
        seq: 0,
        payload: "{}".to_owned(),
    }
}

fn callback(command: &str, next_at: u64) -> CallbackRecord {
    CallbackRecord {
        id: 0,
        sdkappid: APP,
        command: command.to_owned(),
        event: "{}".to_owned(),
        enqueued_at: 1,
        attempts: 0,
        next_at,
    }
}

struct FixedSource(GroupReceiptRecord);

impl ReceiptSource for FixedSource {
    fn snapshot(&self) -> GroupReceiptRecord {
        self.0.clone()
    }
}

fn receipt(group: &str, seq: u64, readers: Vec<u8>) -> WriteOp {
    WriteOp::PutGroupReceipt(Arc::new(FixedSource(GroupReceiptRecord {
        sdkappid: APP,
        group_id: group_id(group),
        seq,
        sender_index: Some(0),
        index_bound: 2,
        readers,
        private_readers: Vec::new(),
    })))
}

/// Every message of a conversation, oldest first.
fn everything() -> HistoryPlan {
    HistoryPlan::Scan(Scan {
        forward: true,
        after_seq: 0,
        before_seq: u64::MAX,
        time_range: None,
        elem_types: Vec::new(),
        count: u32::MAX,
    })
}

/// A message of group `g`, with positions and IDs of its own.
fn group_message(seq: u64, sender: &str) -> MessageRecord {
    let mut record = message(&ConvKey::Group(group_id("g")), seq, sender);
    record.pos = 2000 + seq;
    record.msg_id = format!("g-{seq}");
    record
}

/// `message` with another ID.
fn with_id(mut message: MessageRecord, msg_id: &str) -> MessageRecord {
    message.msg_id = msg_id.to_owned();
    message
}

#[test]
fn passes_the_conformance_suite() {
    let open = || -> (Box<dyn StoreRead>, Box<dyn StoreWrite>) {
        let store = MemoryStore::new();
        (Box::new(store.reader()), Box::new(store.writer()))
    };
    conformance::run_all(&open);
}

#[test]
fn reopening_sees_what_was_committed_and_nothing_else() {
    let store = MemoryStore::new();
    let conv = ConvKey::Group(group_id("g"));
    {
        let mut opened = store.open();
        opened.writer.apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001).unwrap();
        let duplicate = [WriteOp::PutAccount(account("zed", 9)), WriteOp::AppendMessage(message(&conv, 1, "bob"))];
        assert!(opened.writer.apply(&duplicate, 1002).is_err());
    }
    // A restart: the old reader and writer are gone, a new pair opens the same data.
    let reopened = store.open();
    let state = reopened.reader.load(0).unwrap();
    assert_eq!(state.head_pos, 1001);
    assert!(state.accounts.is_empty(), "the failed batch left nothing");
    assert_eq!(state.conversations[0].last_message, message(&conv, 1, "alice"));
    // Clones of the store are handles to the same data too.
    let clone = store.clone();
    assert_eq!(clone.reader().load(0).unwrap().head_pos, 1001);
}

#[test]
fn injected_apply_failures_store_nothing_and_then_pass() {
    let store = MemoryStore::new();
    let Store { reader, mut writer } = store.open();
    let conv = c2c("alice", "bob");
    let batch = [WriteOp::PutAccount(account("alice", 1)), WriteOp::AppendMessage(message(&conv, 1, "alice"))];
    store.fail_next_applies(2);
    for _ in 0..2 {
        let err = writer.apply(&batch, 1001).expect_err("the store is set to fail");
        assert!(err.is_unavailable(), "{err}");
        let state = reader.load(0).unwrap();
        assert_eq!((state.head_pos, state.accounts.len(), state.conversations.len()), (0, 0, 0), "nothing applied");
    }
    writer.apply(&batch, 1001).expect("the same batch goes through once the failures are spent");
    let state = reader.load(0).unwrap();
    assert_eq!((state.head_pos, state.accounts.len(), state.conversations.len()), (1001, 1, 1));
    store.fail_next_applies(5);
    store.fail_next_applies(0);
    writer.apply(&[], 1002).expect("a count of 0 ends the failures");
}

#[test]
fn injected_read_failures_fail_any_read_and_then_pass() {
    let store = MemoryStore::new();
    let reader = store.reader();
    let conv = c2c("alice", "bob");
    store.writer().apply(&[WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001).unwrap();
    store.fail_next_reads(3);
    assert!(reader.load(0).unwrap_err().is_unavailable());
    assert!(reader.message_by_seq(APP, &conv, 1).unwrap_err().is_unavailable());
    assert!(reader.user_events(APP, &user("alice"), 0, 10).unwrap_err().is_unavailable());
    assert!(reader.message_by_seq(APP, &conv, 1).unwrap().is_some(), "the failures are spent");
    store.fail_next_reads(1);
    store.writer().apply(&[WriteOp::AppendMessage(message(&conv, 2, "alice"))], 1002).expect("writes go on");
    assert!(reader.due_callbacks(0, 1).unwrap_err().is_unavailable());
    assert_eq!(reader.load(0).unwrap().head_pos, 1002);
}

/// Everything a reader can tell about the store, as text.
fn observe(reader: &dyn StoreRead) -> String {
    let mut seen = format!("{:?}\n", reader.load(0).unwrap());
    for conv in [c2c("alice", "bob"), ConvKey::Group(group_id("g")), ConvKey::Group(group_id("h"))] {
        seen += &format!("{:?}\n", reader.messages(APP, &conv, &everything()).unwrap());
    }
    for seq in 1..=4 {
        seen += &format!("{:?}\n", reader.group_receipt(APP, &group_id("g"), seq).unwrap());
    }
    for name in ["alice", "bob", "carol"] {
        seen += &format!("{:?}\n", reader.user_events(APP, &user(name), 0, 100).unwrap());
        seen += &format!("{:?}\n", reader.memberships_since(APP, &user(name), 0).unwrap());
    }
    seen += &format!("{:?}\n", reader.due_callbacks(u64::MAX, 100).unwrap());
    seen += &format!("{:?}\n", reader.group_messages_after(APP, &group_id("g"), 0, (0, u64::MAX), 100).unwrap());
    seen += &format!("{:?}\n", reader.message_by_id(APP, &message(&c2c("alice", "bob"), 1, "alice").msg_id).unwrap());
    seen
}

#[test]
fn a_failed_batch_undoes_every_kind_of_change() {
    let store = MemoryStore::new();
    let Store { reader, mut writer } = store.open();
    let pair = c2c("alice", "bob");
    let g = ConvKey::Group(group_id("g"));
    let read_state = |name: &str, conv: &ConvKey, read_seq: u64| ReadStateRecord {
        sdkappid: APP,
        user: user(name),
        conv: conv.clone(),
        read_seq,
        read_time: 1,
        published_seq: read_seq,
        published_time: 1,
    };
    let before = vec![
        WriteOp::PutApp(AppRecord {
            sdkappid: APP,
            secret_key: "key".to_owned(),
            admin_identifier: user("administrator"),
            config: AppConfig::new_app_default(),
            created_at: 1,
            root: true,
        }),
        WriteOp::PutAccount(account("alice", 1)),
        WriteOp::PutAccount(account("bob", 2)),
        WriteOp::PutGroup(group("g")),
        WriteOp::AddMember(member("g", "alice", 0, 1)),
        WriteOp::AddMember(member("g", "bob", 1, 2)),
        WriteOp::AppendMessage(message(&pair, 1, "alice")),
        WriteOp::AppendMessage(group_message(1, "alice")),
        WriteOp::AppendMessage(group_message(2, "bob")),
        receipt("g", 2, vec![1]),
        WriteOp::PutReadState(read_state("bob", &g, 1)),
        WriteOp::PutReadState(read_state("bob", &pair, 1)),
        WriteOp::AppendUserEvent(event("alice", 1010)),
        WriteOp::EnqueueCallback(callback("first", 10)),
        WriteOp::EnqueueCallback(callback("second", 20)),
    ];
    writer.apply(&before, 1010).unwrap();
    let seen = observe(reader.as_ref());
    let mut dismissed = group("g");
    dismissed.dismissed_at = Some(5);
    let due = reader.due_callbacks(100, 10).unwrap();
    let failing = vec![
        WriteOp::PutAccount(account("carol", 1)),
        WriteOp::DeleteAccount { sdkappid: APP, user: user("bob") },
        WriteOp::SetC2cReceipt { sdkappid: APP, conv: pair.clone(), seq: 1, read_at: 9, private: true },
        WriteOp::PutReadState(read_state("alice", &pair, 1)),
        WriteOp::AppendUserEvent(event("alice", 1011)),
        WriteOp::SetMemberRole { sdkappid: APP, group_id: group_id("g"), index: 1, role: MemberRole::ADMIN },
        WriteOp::RemoveMember { sdkappid: APP, group_id: group_id("g"), index: 0, leave_seq: 2, leave_pos: 1011 },
        WriteOp::DeleteCallback { id: due[0].id },
        WriteOp::RetryCallback { id: due[1].id, attempts: 1, next_at: 99 },
        WriteOp::EnqueueCallback(callback("third", 5)),
        receipt("g", 2, vec![1, 2]),
        WriteOp::PutGroup(dismissed),
        WriteOp::PurgeGroup { sdkappid: APP, group_id: group_id("g") },
        WriteOp::PutGroup(group("g")),
        WriteOp::AddMember(member("g", "carol", 0, 1012)),
        WriteOp::AppendMessage(group_message(1, "carol")),
        WriteOp::PutApp(AppRecord {
            sdkappid: APP + 1,
            secret_key: "other".to_owned(),
            admin_identifier: user("administrator"),
            config: AppConfig::new_app_default(),
            created_at: 2,
            root: false,
        }),
        // The purge freed seq 1 of the group and the message ID, but this position is taken.
        WriteOp::AppendMessage(message(&pair, 1, "bob")),
    ];
    let err = writer.apply(&failing, 1020).expect_err("a taken position fails the batch");
    assert!(matches!(err, StoreError::Backend { .. }), "{err}");
    assert_eq!(observe(reader.as_ref()), seen, "the batch changed nothing");
    // Without its last op the batch applies, so every op before it had changed something; and
    // the webhook id the failed batch took is given again, as SQLite's rolled-back counter is.
    writer.apply(&failing[..failing.len() - 1], 1020).expect("the other ops apply");
    assert_ne!(observe(reader.as_ref()), seen);
    let third = reader.due_callbacks(5, 10).unwrap();
    assert_eq!((third.len(), third[0].id), (1, due[1].id + 1));
}

#[test]
fn taken_keys_are_refused_as_sqlite_refuses_them() {
    let pair = c2c("alice", "bob");
    let g = ConvKey::Group(group_id("g"));
    let first = vec![
        WriteOp::PutGroup(group("g")),
        WriteOp::AddMember(member("g", "alice", 0, 1)),
        WriteOp::AppendMessage(message(&pair, 1, "alice")),
        WriteOp::AppendUserEvent(event("alice", 1001)),
    ];
    let mut same_id = message(&g, 5, "alice");
    same_id.msg_id = message(&pair, 1, "alice").msg_id;
    let mut same_pos = message(&g, 6, "alice");
    same_pos.pos = message(&pair, 1, "alice").pos;
    let refused: Vec<(&str, WriteOp)> = vec![
        ("a member index", WriteOp::AddMember(member("g", "bob", 0, 2))),
        ("a seq", WriteOp::AppendMessage(with_id(message(&pair, 1, "bob"), "other"))),
        ("a message ID, in any conversation of the app", WriteOp::AppendMessage(same_id)),
        ("a position", WriteOp::AppendMessage(same_pos)),
        ("a user event's position", WriteOp::AppendUserEvent(event("alice", 1001))),
    ];
    for (what, op) in refused {
        let store = MemoryStore::new();
        let mut writer = store.writer();
        writer.apply(&first, 1001).unwrap();
        let err = writer.apply(&[op], 1002).expect_err(what);
        assert!(matches!(err, StoreError::Backend { .. }), "{what}: {err}");
        assert_eq!(store.reader().load(0).unwrap().head_pos, 1001, "{what}");
    }
    // Within one batch too, as with the conformance suite's duplicate seq.
    let store = MemoryStore::new();
    let twice = [WriteOp::AppendUserEvent(event("bob", 7)), WriteOp::AppendUserEvent(event("bob", 7))];
    assert!(store.writer().apply(&twice, 7).is_err());
}

#[test]
fn an_account_given_a_taken_tiny_id_replaces_its_holder() {
    // SQLite's `insert or replace` deletes the row whose unique tiny ID the new one takes.
    let store = MemoryStore::new();
    let mut writer = store.writer();
    writer.apply(&[WriteOp::PutAccount(account("alice", 1)), WriteOp::PutAccount(account("bob", 2))], 0).unwrap();
    writer.apply(&[WriteOp::PutAccount(account("carol", 1))], 0).unwrap();
    writer.apply(&[WriteOp::PutAccount(account("bob", 0))], 0).unwrap();
    let accounts = store.reader().load(0).unwrap().accounts;
    assert_eq!(accounts, vec![account("bob", 0), account("carol", 1)], "by tiny ID");
}
