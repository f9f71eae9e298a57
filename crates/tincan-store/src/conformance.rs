//! The conformance suite every backend runs.
//!
//! A backend's tests call [`run_all`] with a function that opens a fresh, empty store; each check
//! opens its own.
//! The checks state what the engine relies on, so a new backend is correct when they pass.

use std::sync::Arc;

use tincan_core::config::AppConfig;
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::group::{ADD_OPTION_ANY, ADD_OPTION_AUTH, GroupProfile};
use tincan_core::history::{HistoryPlan, Scan};
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{GroupId, UserId};

use crate::{
    AccountRecord, AppRecord, CallbackRecord, GroupAttributesRecord, GroupCountersRecord, GroupReceiptRecord,
    GroupRecord, JoinRequestRecord, MemberInfo, MemberRecord, MessageExtensionRecord, MessageRecord, ProfileRecord,
    ReadStateRecord, ReceiptSource, StoreRead, StoreWrite, UserEventRecord, WriteOp,
};

/// Opens a fresh, empty store.
pub type OpenStore<'a> = &'a dyn Fn() -> (Box<dyn StoreRead>, Box<dyn StoreWrite>);

/// Runs every check against stores made by `open`.
pub fn run_all(open: OpenStore<'_>) {
    apps_accounts_and_groups_load_back(open);
    history_scans_follow_the_plan(open);
    messages_by_id_and_seq(open);
    read_states_and_own_messages_load_back(open);
    group_receipts_store_the_latest_snapshot(open);
    user_events_page_by_position(open);
    memberships_and_group_messages_after_a_position(open);
    a_failed_batch_changes_nothing(open);
    the_webhook_queue_keeps_events_until_delivered(open);
    a_dismissed_groups_id_is_taken_by_a_new_group(open);
    large_numbers_read_back_exactly(open);
    conversation_settings_load_back(open);
    profiles_load_back_and_go_with_their_account(open);
    revised_messages_read_back_and_replay(open);
    messages_deleted_for_one_user_stay_for_the_others(open);
    text_keeps_every_character(open);
    the_relationship_chain_loads_back_and_goes_with_its_accounts(open);
    follows_load_back_and_go_with_their_accounts(open);
    group_attributes_and_counters_load_back(open);
    message_extensions_read_back_by_key(open);
    a_senders_messages_read_back_newest_first(open);
    all_receive_options_load_back_and_go_with_their_account(open);
}

const APP: u64 = 1_400_000_000;

fn user(name: &str) -> UserId {
    UserId::parse(name).expect("test user IDs are valid")
}

fn group_id(name: &str) -> GroupId {
    GroupId::parse(name).expect("test group IDs are valid")
}

fn c2c(first: &str, second: &str) -> ConvKey {
    ConvKey::C2c(C2cPair::new(user(first), user(second)).expect("two different users"))
}

/// A message for tests: seq `seq` at time `seq * 10`, position `seq + 1000`.
pub fn message(conv: &ConvKey, seq: u64, sender: &str) -> MessageRecord {
    MessageRecord {
        sdkappid: APP,
        conv: conv.clone(),
        seq,
        pos: seq + 1000,
        msg_id: format!("7-{}-{seq}", seq * 10),
        sender: user(sender),
        rand: seq,
        client_time: seq * 10,
        server_time: seq * 10,
        need_receipt: seq.is_multiple_of(2),
        excluded_from_unread: false,
        priority: 1,
        platform: 0,
        first_elem_type: if seq.is_multiple_of(3) { 3 } else { 0 },
        body: format!(r#"[{{"elem_type":0,"text_elem_content":"m{seq}"}}]"#),
        cloud_custom: String::new(),
        custom_int: 0,
        custom_str: String::new(),
        receipt_read_at: 0,
        receipt_private: false,
        revision: Default::default(),
        supports_extensions: seq.is_multiple_of(2),
    }
}

fn scan(forward: bool, after_seq: u64, before_seq: u64, count: u32) -> HistoryPlan {
    HistoryPlan::Scan(Scan { forward, after_seq, before_seq, time_range: None, elem_types: Vec::new(), count })
}

fn seqs(messages: &[MessageRecord]) -> Vec<u64> {
    messages.iter().map(|message| message.seq).collect()
}

fn app_record() -> AppRecord {
    AppRecord {
        sdkappid: APP,
        secret_key: "key".to_owned(),
        admin_identifier: user("administrator"),
        config: AppConfig { revoke_time_limit_secs: 600, ..AppConfig::new_app_default() },
        created_at: 5,
        root: true,
    }
}

fn group_record(name: &str) -> GroupRecord {
    GroupRecord {
        sdkappid: APP,
        group_id: group_id(name),
        group_type: GroupType::WORK,
        profile: GroupProfile {
            name: "team".to_owned(),
            introduction: "intro".to_owned(),
            notification: String::new(),
            face_url: String::new(),
            add_option: ADD_OPTION_ANY,
            approve_option: ADD_OPTION_AUTH,
            max_member_num: 200,
            shutup_all: true,
            visible: 1,
            searchable: 0,
            custom: [("level".to_owned(), "gold; \"quoted\"\n".to_owned()), ("z".to_owned(), String::new())]
                .into_iter()
                .collect(),
        },
        owner: Some(user("alice")),
        created_at: 9,
        info_seq: 1,
        next_index: 2,
        dismissed_at: None,
    }
}

fn member(group: &str, name: &str, index: u32, join_seq: u64, join_pos: u64) -> MemberRecord {
    MemberRecord {
        sdkappid: APP,
        group_id: group_id(group),
        user: user(name),
        index,
        role: if index == 0 { MemberRole::OWNER } else { MemberRole::NORMAL },
        join_seq,
        join_time: 9,
        join_pos,
        info: MemberInfo::default(),
    }
}

fn join_request(group: &str, name: &str, add_time: u64) -> JoinRequestRecord {
    JoinRequestRecord {
        sdkappid: APP,
        group_id: group_id(group),
        user: user(name),
        add_time,
        message: format!("let {name} in"),
        inviter: None,
    }
}

fn invitation(group: &str, name: &str, inviter: &str, add_time: u64) -> JoinRequestRecord {
    JoinRequestRecord { message: String::new(), inviter: Some(user(inviter)), ..join_request(group, name, add_time) }
}

fn alice_info() -> MemberInfo {
    MemberInfo {
        name_card: "Alice (ops)".to_owned(),
        shutup_until: 1_700_000_000,
        custom: [("team".to_owned(), "blue:1".to_owned()), ("t2".to_owned(), "\u{e9}".to_owned())]
            .into_iter()
            .collect(),
    }
}

fn apply(writer: &mut Box<dyn StoreWrite>, ops: Vec<WriteOp>, head_pos: u64) {
    writer.apply(&ops, head_pos).expect("the batch applies");
}

fn apps_accounts_and_groups_load_back(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let mut app = app_record();
    let mut config = AppConfig::new_app_default();
    config.receipt_group_types.push(GroupType::COMMUNITY);
    config.receipt_coalesce_window_ms = 250;
    apply(&mut writer, vec![WriteOp::PutApp(app.clone())], 0);
    config.callback_url = "http://127.0.0.1:9/hook".to_owned();
    config.callback_commands = vec!["C2C.CallbackAfterSendMsg".to_owned(), "Group.CallbackAfterReadReceipt".to_owned()];
    app.config = config;
    let account =
        AccountRecord { sdkappid: APP, user: user("alice"), tiny_id: 7, created_at: 6, receipt_private: true };
    let mut dismissed = group_record("gone");
    dismissed.dismissed_at = Some(20);
    apply(
        &mut writer,
        vec![
            WriteOp::PutApp(app.clone()),
            WriteOp::PutAccount(account.clone()),
            WriteOp::PutGroup(group_record("g1")),
            WriteOp::AddMember(member("g1", "alice", 0, 0, 1)),
            WriteOp::AddMember(member("g1", "bob", 1, 0, 2)),
            WriteOp::PutGroup(dismissed),
            WriteOp::AddMember(member("gone", "alice", 0, 0, 3)),
        ],
        3,
    );
    apply(
        &mut writer,
        vec![
            WriteOp::RemoveMember { sdkappid: APP, group_id: group_id("g1"), index: 1, leave_seq: 0, leave_pos: 4 },
            WriteOp::SetMemberRole { sdkappid: APP, group_id: group_id("g1"), index: 0, role: MemberRole::ADMIN },
            WriteOp::SetMemberInfo { sdkappid: APP, group_id: group_id("g1"), index: 0, info: alice_info() },
            WriteOp::PutJoinRequest(join_request("g1", "dave", 5)),
            WriteOp::PutJoinRequest(join_request("g1", "erin", 6)),
            WriteOp::PutJoinRequest(join_request("g1", "dave", 7)),
            WriteOp::DeleteJoinRequest { sdkappid: APP, group_id: group_id("g1"), user: user("erin") },
            WriteOp::PutJoinRequest(join_request("gone", "dave", 5)),
            WriteOp::PutJoinRequest(invitation("g1", "frank", "bob", 6)),
            WriteOp::PutJoinRequest(invitation("g1", "gina", "bob", 6)),
            WriteOp::PutJoinRequest(join_request("g1", "gina", 8)),
            WriteOp::PutJoinRequest(join_request("g1", "hank", 8)),
            WriteOp::PutJoinRequest(invitation("g1", "hank", "alice", 9)),
            WriteOp::SetPendencyReadTime { sdkappid: APP, user: user("alice"), read_time: 3 },
            WriteOp::SetPendencyReadTime { sdkappid: APP, user: user("alice"), read_time: 4 },
            WriteOp::PutAccount(AccountRecord { user: user("carol"), tiny_id: 8, ..account.clone() }),
        ],
        4,
    );
    apply(&mut writer, vec![WriteOp::DeleteAccount { sdkappid: APP, user: user("carol") }], 4);
    let state = reader.load(0).expect("load");
    let mut alice = member("g1", "alice", 0, 0, 1);
    alice.role = MemberRole::ADMIN;
    alice.info = alice_info();
    assert_eq!(state.head_pos, 4, "the head position is kept");
    assert_eq!(state.apps, vec![app], "an app is replaced whole");
    assert_eq!(state.accounts, vec![account], "a deleted account is gone");
    assert_eq!(state.groups, vec![group_record("g1")], "dismissed groups are not loaded");
    assert_eq!(state.members, vec![alice], "only current members of live groups, with their current role");
    assert_eq!(
        state.join_requests,
        vec![
            join_request("g1", "dave", 7),
            invitation("g1", "frank", "bob", 6),
            join_request("g1", "gina", 8),
            invitation("g1", "hank", "alice", 9),
        ],
        "a later request or invitation replaces the user's earlier one, with its inviter or without; \
         a dismissed group's go"
    );
    assert_eq!(state.pendency_read_times, vec![(APP, user("alice"), 4)]);
}

fn history_scans_follow_the_plan(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let conv = c2c("alice", "bob");
    let other = c2c("alice", "carol");
    let mut ops: Vec<WriteOp> = (1..=10).map(|seq| WriteOp::AppendMessage(message(&conv, seq, "alice"))).collect();
    ops.push(WriteOp::AppendMessage(MessageRecord {
        msg_id: "other".to_owned(),
        pos: 5000,
        ..message(&other, 1, "carol")
    }));
    apply(&mut writer, ops, 1010);
    let newest = reader.messages(APP, &conv, &scan(false, 0, u64::MAX, 3)).expect("scan");
    assert_eq!(seqs(&newest), vec![10, 9, 8], "backwards: newest first");
    let older = reader.messages(APP, &conv, &scan(false, 0, 8, 3)).expect("scan");
    assert_eq!(seqs(&older), vec![7, 6, 5], "the upper bound is exclusive");
    let forward = reader.messages(APP, &conv, &scan(true, 8, u64::MAX, 5)).expect("scan");
    assert_eq!(seqs(&forward), vec![9, 10], "forwards: oldest first, exclusive lower bound");
    let floored = reader.messages(APP, &conv, &scan(false, 7, u64::MAX, 10)).expect("scan");
    assert_eq!(seqs(&floored), vec![10, 9, 8]);
    let timed = HistoryPlan::Scan(Scan {
        forward: true,
        after_seq: 0,
        before_seq: u64::MAX,
        time_range: Some((30, 50)),
        elem_types: Vec::new(),
        count: 10,
    });
    assert_eq!(seqs(&reader.messages(APP, &conv, &timed).expect("scan")), vec![3, 4, 5], "time range is inclusive");
    let typed = HistoryPlan::Scan(Scan {
        forward: true,
        after_seq: 0,
        before_seq: u64::MAX,
        time_range: None,
        elem_types: vec![3],
        count: 10,
    });
    assert_eq!(seqs(&reader.messages(APP, &conv, &typed).expect("scan")), vec![3, 6, 9]);
    let exact = reader.messages(APP, &conv, &HistoryPlan::Seqs(vec![9, 2, 42])).expect("seqs");
    assert_eq!(seqs(&exact), vec![9, 2], "exactly those that exist, in the order asked");
    assert_eq!(newest[0], message(&conv, 10, "alice"), "every field round-trips");
}

fn messages_by_id_and_seq(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let conv = ConvKey::Group(group_id("g1"));
    apply(&mut writer, vec![WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001);
    let by_id = reader.message_by_id(APP, "7-10-1").expect("by id");
    assert_eq!(by_id.map(|it| it.seq), Some(1));
    assert_eq!(reader.message_by_id(APP, "nope").expect("by id"), None);
    assert_eq!(reader.message_by_id(APP + 1, "7-10-1").expect("by id"), None, "IDs are per app");
    assert!(reader.message_by_seq(APP, &conv, 1).expect("by seq").is_some());
    assert!(reader.message_by_seq(APP, &conv, 2).expect("by seq").is_none());
    apply(
        &mut writer,
        vec![WriteOp::SetC2cReceipt { sdkappid: APP, conv: conv.clone(), seq: 1, read_at: 77, private: true }],
        1001,
    );
    let read = reader.message_by_seq(APP, &conv, 1).expect("by seq").expect("exists");
    assert_eq!((read.receipt_read_at, read.receipt_private), (77, true));
}

fn a_senders_messages_read_back_newest_first(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let group = ConvKey::Group(group_id("g1"));
    let other = ConvKey::Group(group_id("g2"));
    let pair = c2c("alice", "bob");
    let sender = |seq: u64| if seq.is_multiple_of(3) { "bob" } else { "alice" };
    let mut ops: Vec<WriteOp> = (1..=9).map(|seq| WriteOp::AppendMessage(message(&group, seq, sender(seq)))).collect();
    ops.push(WriteOp::AppendMessage(MessageRecord { msg_id: "o1".to_owned(), pos: 1100, ..message(&other, 1, "bob") }));
    ops.push(WriteOp::AppendMessage(MessageRecord { msg_id: "c1".to_owned(), pos: 1101, ..message(&pair, 1, "bob") }));
    apply(&mut writer, ops, 1101);
    let revoked = MessageRecord {
        body: "[]".to_owned(),
        revision: crate::MessageRevision { revoked_by: Some(user("carol")), pos: 1200, ..Default::default() },
        ..message(&group, 6, "bob")
    };
    apply(&mut writer, vec![WriteOp::ReviseMessage(revoked.clone())], 1200);
    let seqs = |records: Vec<MessageRecord>| records.into_iter().map(|record| record.seq).collect::<Vec<_>>();
    let bobs = reader.messages_by_sender(APP, &group, &user("bob"), (0, u64::MAX), 100).expect("by sender");
    assert_eq!(seqs(bobs.clone()), vec![9, 6, 3], "newest first, only that sender's, only that conversation's");
    assert_eq!(bobs[1], revoked, "a revoked message reads back revoked");
    assert_eq!(bobs[0], message(&group, 9, "bob"), "a message reads back whole");
    let page = reader.messages_by_sender(APP, &group, &user("alice"), (2, 8), 3).expect("by sender");
    assert_eq!(seqs(page), vec![8, 7, 5], "the range's start is excluded, its end included, at most the limit");
    let rest = reader.messages_by_sender(APP, &group, &user("alice"), (2, 4), 3).expect("by sender");
    assert_eq!(seqs(rest), vec![4]);
    assert!(reader.messages_by_sender(APP, &group, &user("carol"), (0, u64::MAX), 10).expect("by sender").is_empty());
    assert!(reader.messages_by_sender(APP + 1, &group, &user("bob"), (0, u64::MAX), 10).expect("by sender").is_empty());
    assert!(reader.messages_by_sender(APP, &group, &user("bob"), (6, 6), 10).expect("by sender").is_empty());
    let c2c = reader.messages_by_sender(APP, &pair, &user("bob"), (0, u64::MAX), 10).expect("by sender");
    assert_eq!(seqs(c2c), vec![1]);
}

fn read_states_and_own_messages_load_back(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let conv = c2c("alice", "bob");
    let mut ops: Vec<WriteOp> = (1..=6)
        .map(|seq| WriteOp::AppendMessage(message(&conv, seq, if seq.is_multiple_of(2) { "alice" } else { "bob" })))
        .collect();
    let mut excluded = message(&conv, 7, "alice");
    excluded.excluded_from_unread = true;
    ops.push(WriteOp::AppendMessage(excluded));
    let read_state = ReadStateRecord {
        sdkappid: APP,
        user: user("alice"),
        conv: conv.clone(),
        read_seq: 3,
        read_time: 30,
        published_seq: 2,
        published_time: 20,
    };
    ops.push(WriteOp::PutReadState(read_state.clone()));
    apply(&mut writer, ops, 1007);
    let state = reader.load(55).expect("load");
    assert_eq!(state.read_states, vec![read_state]);
    let mut own: Vec<(String, u64)> = state.own_messages.iter().map(|it| (it.sender.to_string(), it.seq)).collect();
    own.sort();
    assert_eq!(
        own,
        vec![
            ("alice".to_owned(), 4),
            ("alice".to_owned(), 6),
            ("bob".to_owned(), 1),
            ("bob".to_owned(), 3),
            ("bob".to_owned(), 5)
        ],
        "own messages after each sender's read position (0 without a stored one), excluded ones left out"
    );
    assert_eq!(state.excluded, vec![(APP, conv.clone(), 7)]);
    assert_eq!(state.conversations.len(), 1);
    assert_eq!(state.conversations[0].last_message.seq, 7);
    let recent: Vec<u64> = state.recent_messages.iter().map(|it| it.seq).collect();
    assert_eq!(recent.len(), 2, "messages sent at or after 55 seconds: {recent:?}");
}

struct FixedSource(GroupReceiptRecord);

impl ReceiptSource for FixedSource {
    fn snapshot(&self) -> GroupReceiptRecord {
        self.0.clone()
    }
}

fn group_receipts_store_the_latest_snapshot(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let record = GroupReceiptRecord {
        sdkappid: APP,
        group_id: group_id("g1"),
        seq: 4,
        sender_index: Some(0),
        index_bound: 9,
        readers: vec![1, 2, 3],
        private_readers: Vec::new(),
    };
    let first = Arc::new(FixedSource(record.clone()));
    apply(&mut writer, vec![WriteOp::PutGroupReceipt(first.clone()), WriteOp::PutGroupReceipt(first)], 1);
    assert_eq!(reader.group_receipt(APP, &group_id("g1"), 4).expect("get"), Some(record.clone()));
    let updated = GroupReceiptRecord { readers: vec![9; 40], private_readers: vec![5], ..record };
    apply(&mut writer, vec![WriteOp::PutGroupReceipt(Arc::new(FixedSource(updated.clone())))], 2);
    assert_eq!(reader.group_receipt(APP, &group_id("g1"), 4).expect("get"), Some(updated));
    assert_eq!(reader.group_receipt(APP, &group_id("g1"), 5).expect("get"), None);
}

fn user_events_page_by_position(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let event = |name: &str, pos: u64| UserEventRecord {
        sdkappid: APP,
        user: user(name),
        pos,
        kind: "receipt".to_owned(),
        conv: Some(c2c("alice", "bob")),
        seq: pos,
        payload: format!("{{\"n\":{pos}}}"),
    };
    let ops = vec![
        WriteOp::AppendUserEvent(event("alice", 5)),
        WriteOp::AppendUserEvent(event("bob", 6)),
        WriteOp::AppendUserEvent(event("alice", 7)),
        WriteOp::AppendUserEvent(event("alice", 9)),
    ];
    apply(&mut writer, ops, 9);
    let after = reader.user_events(APP, &user("alice"), 5, 10).expect("events");
    assert_eq!(after, vec![event("alice", 7), event("alice", 9)], "after the position, oldest first, this user only");
    let limited = reader.user_events(APP, &user("alice"), 0, 2).expect("events");
    assert_eq!(limited.iter().map(|it| it.pos).collect::<Vec<_>>(), vec![5, 7]);
}

fn memberships_and_group_messages_after_a_position(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let conv = ConvKey::Group(group_id("g1"));
    let mut ops = vec![
        WriteOp::PutGroup(group_record("g1")),
        WriteOp::AddMember(member("g1", "alice", 0, 0, 1)),
        WriteOp::AddMember(member("g1", "bob", 1, 0, 2)),
    ];
    ops.extend((1..=6).map(|seq| WriteOp::AppendMessage(message(&conv, seq, "alice"))));
    apply(&mut writer, ops, 1006);
    apply(
        &mut writer,
        vec![WriteOp::RemoveMember {
            sdkappid: APP,
            group_id: group_id("g1"),
            index: 1,
            leave_seq: 4,
            leave_pos: 1004,
        }],
        1007,
    );
    let spans = reader.memberships_since(APP, &user("bob"), 1000).expect("spans");
    assert_eq!(spans.len(), 1, "left after the position: still relevant");
    assert_eq!((spans[0].join_seq, spans[0].leave_seq), (0, Some(4)));
    assert!(reader.memberships_since(APP, &user("bob"), 1010).expect("spans").is_empty(), "left before the position");
    assert_eq!(
        reader.memberships_since(APP, &user("alice"), 5000).expect("spans").len(),
        1,
        "current memberships always"
    );
    let missed = reader.group_messages_after(APP, &group_id("g1"), 1002, (0, 4), 10).expect("messages");
    assert_eq!(seqs(&missed), vec![3, 4], "after the position, within the seq range, by position");
    let limited = reader.group_messages_after(APP, &group_id("g1"), 0, (0, u64::MAX), 2).expect("messages");
    assert_eq!(seqs(&limited), vec![1, 2]);
}

fn a_failed_batch_changes_nothing(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let conv = c2c("alice", "bob");
    apply(&mut writer, vec![WriteOp::AppendMessage(message(&conv, 1, "alice"))], 1001);
    let duplicate = vec![
        WriteOp::PutAccount(AccountRecord {
            sdkappid: APP,
            user: user("zed"),
            tiny_id: 9,
            created_at: 1,
            receipt_private: false,
        }),
        WriteOp::AppendMessage(message(&conv, 2, "alice")),
        WriteOp::AppendMessage(message(&conv, 2, "alice")),
    ];
    assert!(writer.apply(&duplicate, 1003).is_err(), "a duplicate seq fails the batch");
    let state = reader.load(0).expect("load");
    assert!(state.accounts.is_empty(), "nothing of the failed batch was kept");
    assert_eq!(state.head_pos, 1001);
    assert_eq!(seqs(&reader.messages(APP, &conv, &scan(false, 0, u64::MAX, 10)).expect("scan")), vec![1]);
    apply(&mut writer, vec![WriteOp::AppendMessage(message(&conv, 2, "alice"))], 1002);
    assert_eq!(reader.load(0).expect("load").head_pos, 1002, "the writer goes on after a failure");
}

fn callback(command: &str, next_at: u64) -> CallbackRecord {
    CallbackRecord {
        id: 0,
        sdkappid: APP,
        command: command.to_owned(),
        event: format!("{{\"command\":\"{command}\"}}"),
        enqueued_at: 5,
        attempts: 0,
        next_at,
    }
}

fn the_webhook_queue_keeps_events_until_delivered(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    apply(
        &mut writer,
        vec![
            WriteOp::EnqueueCallback(callback("first", 10)),
            WriteOp::EnqueueCallback(callback("second", 10)),
            WriteOp::EnqueueCallback(callback("later", 50)),
        ],
        0,
    );
    let due = reader.due_callbacks(20, 10).expect("due");
    let commands: Vec<&str> = due.iter().map(|it| it.command.as_str()).collect();
    assert_eq!(commands, vec!["first", "second"], "due events, oldest first");
    assert!(due[0].id != 0 && due[0].id < due[1].id, "the store assigns increasing ids");
    assert_eq!(reader.due_callbacks(20, 1).expect("due").len(), 1, "the limit holds");
    apply(
        &mut writer,
        vec![
            WriteOp::DeleteCallback { id: due[0].id },
            WriteOp::RetryCallback { id: due[1].id, attempts: 1, next_at: 100 },
        ],
        0,
    );
    let due = reader.due_callbacks(60, 10).expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].command, "later");
    let retried = reader.due_callbacks(100, 10).expect("due");
    let second = retried.iter().find(|it| it.command == "second").expect("the retried event is due again");
    assert_eq!((second.attempts, second.next_at), (1, 100));
    assert_eq!(reader.load(0).expect("load").pending_callbacks, vec![(APP, 2)]);
}

fn a_dismissed_groups_id_is_taken_by_a_new_group(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let conv = ConvKey::Group(group_id("reused"));
    let old_message = message(&conv, 2, "alice");
    let receipt = GroupReceiptRecord {
        sdkappid: APP,
        group_id: group_id("reused"),
        seq: 2,
        sender_index: Some(0),
        index_bound: 2,
        readers: vec![1],
        private_readers: Vec::new(),
    };
    apply(
        &mut writer,
        vec![
            WriteOp::PutGroup(group_record("reused")),
            WriteOp::AddMember(member("reused", "alice", 0, 0, 1)),
            WriteOp::AddMember(member("reused", "bob", 1, 0, 2)),
            WriteOp::AppendMessage(old_message.clone()),
            WriteOp::PutGroupReceipt(Arc::new(FixedSource(receipt))),
        ],
        1002,
    );
    let mut dismissed = group_record("reused");
    dismissed.dismissed_at = Some(30);
    apply(&mut writer, vec![WriteOp::PutGroup(dismissed)], 1002);
    // A new group takes the ID: nothing of the old one shows through.
    let mut new_message = message(&conv, 2, "carol");
    new_message.pos = 2000;
    new_message.msg_id = "9-1-1".to_owned();
    let mut new_group = group_record("reused");
    new_group.owner = Some(user("carol"));
    apply(
        &mut writer,
        vec![
            WriteOp::PurgeGroup { sdkappid: APP, group_id: group_id("reused") },
            WriteOp::PutGroup(new_group.clone()),
            WriteOp::AddMember(member("reused", "carol", 0, 0, 1999)),
            WriteOp::AppendMessage(new_message.clone()),
        ],
        2000,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(state.groups, vec![new_group]);
    assert_eq!(state.members, vec![member("reused", "carol", 0, 0, 1999)]);
    assert_eq!(reader.message_by_seq(APP, &conv, 2).expect("get"), Some(new_message));
    assert_eq!(reader.message_by_id(APP, &old_message.msg_id).expect("get"), None, "the old message is gone");
    assert_eq!(reader.group_receipt(APP, &group_id("reused"), 2).expect("get"), None, "and its receipt");
    // Purging an ID no group had changes nothing.
    apply(&mut writer, vec![WriteOp::PurgeGroup { sdkappid: APP, group_id: group_id("never") }], 2001);
    assert_eq!(reader.load(0).expect("load").groups.len(), 1);
}

fn large_numbers_read_back_exactly(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let conv = c2c("alice", "bob");
    let mut record = message(&conv, 1, "alice");
    record.rand = u64::MAX;
    record.client_time = u64::MAX - 1;
    apply(&mut writer, vec![WriteOp::AppendMessage(record.clone())], 1001);
    assert_eq!(reader.message_by_seq(APP, &conv, 1).expect("get"), Some(record));
}

fn conversation_settings_load_back(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let settings = crate::ConvSettings {
        created_at: 5,
        deleted_seq: Some(0),
        cleared_seq: 7,
        draft: r#"{"draft_edit_time":9}"#.to_owned(),
        pinned: true,
        marks: (1 << 63) | 1,
        custom_data: "custom".to_owned(),
        groups: vec!["work".to_owned(), "family and friends".to_owned()],
        recv_opt: 2,
    };
    let record = |user_name: &str, conv: ConvKey, settings: crate::ConvSettings| crate::ConvSettingsRecord {
        sdkappid: APP,
        user: user(user_name),
        conv,
        settings,
    };
    let groups = |names: &[&str]| crate::ConvGroupsRecord {
        sdkappid: APP,
        user: user("alice"),
        names: names.iter().map(|name| (*name).to_owned()).collect(),
    };
    apply(
        &mut writer,
        vec![
            WriteOp::PutConvSettings(record("alice", c2c("alice", "bob"), settings.clone())),
            WriteOp::PutConvSettings(record("alice", ConvKey::Group(group_id("team")), settings.clone())),
            WriteOp::PutConvSettings(record("bob", c2c("alice", "bob"), crate::ConvSettings::default())),
            WriteOp::PutConvGroups(groups(&["work", "family and friends"])),
        ],
        0,
    );
    let loaded = reader.load(0).expect("load");
    let mut found = loaded.conv_settings.clone();
    found.sort_by_key(|record| matches!(record.conv, ConvKey::Group(_)));
    assert_eq!(
        found,
        vec![
            record("alice", c2c("alice", "bob"), settings.clone()),
            record("alice", ConvKey::Group(group_id("team")), settings.clone())
        ],
        "empty settings are not kept"
    );
    assert_eq!(loaded.conv_groups, vec![groups(&["work", "family and friends"])]);
    // Settings emptied and an emptied group list are removed.
    apply(
        &mut writer,
        vec![
            WriteOp::PutConvSettings(record("alice", c2c("alice", "bob"), crate::ConvSettings::default())),
            WriteOp::PutConvGroups(groups(&[])),
        ],
        0,
    );
    let loaded = reader.load(0).expect("load");
    assert_eq!(loaded.conv_settings, vec![record("alice", ConvKey::Group(group_id("team")), settings)]);
    assert!(loaded.conv_groups.is_empty());
    // A group whose ID a new group takes loses every user's settings of it.
    apply(
        &mut writer,
        vec![
            WriteOp::PutGroup(group_record("team")),
            WriteOp::PurgeGroup { sdkappid: APP, group_id: group_id("team") },
            WriteOp::PutGroup(group_record("team")),
        ],
        0,
    );
    assert!(reader.load(0).expect("load").conv_settings.is_empty());
}

fn profiles_load_back_and_go_with_their_account(open: OpenStore<'_>) {
    use tincan_proto::profile::{CustomString, UserProfile};
    let (reader, mut writer) = open();
    let account = |name: &str, tiny_id: u64| AccountRecord {
        sdkappid: APP,
        user: user(name),
        tiny_id,
        created_at: 1,
        receipt_private: false,
    };
    let profile = |name: &str| ProfileRecord {
        sdkappid: APP,
        user: user(name),
        profile: UserProfile {
            user_profile_identifier: name.to_owned(),
            user_profile_nick_name: format!("{name} \u{1f600} \"quoted\"\n"),
            user_profile_gender: 2,
            user_profile_face_url: "https://example.com/a.png".to_owned(),
            user_profile_self_signature: "sig\ttab".to_owned(),
            user_profile_add_permission: 3,
            user_profile_location: "NO".to_owned(),
            user_profile_language: 4,
            user_profile_birthday: 20_190_419,
            user_profile_level: u32::MAX,
            user_profile_role: 6,
            user_profile_custom_string_array: vec![
                CustomString {
                    user_profile_custom_string_info_key: "Tag_Profile_Custom_A".to_owned(),
                    user_profile_custom_string_info_value: "one\ntwo".to_owned(),
                },
                CustomString {
                    user_profile_custom_string_info_key: "Tag_Profile_Custom_B".to_owned(),
                    user_profile_custom_string_info_value: "2".to_owned(),
                },
            ],
        },
        info_subscriptions: vec![user("zed"), user("bob")],
        status_subscriptions: vec![user("bob")],
        updated_at: 9,
    };
    apply(
        &mut writer,
        vec![
            WriteOp::PutApp(app_record()),
            WriteOp::PutAccount(account("alice", 1)),
            WriteOp::PutAccount(account("bob", 2)),
            WriteOp::PutProfile(profile("alice")),
            WriteOp::PutProfile(profile("bob")),
        ],
        1,
    );
    let mut changed = profile("alice");
    changed.profile.user_profile_nick_name = "Alice".to_owned();
    changed.profile.user_profile_custom_string_array.pop();
    changed.info_subscriptions.clear();
    apply(
        &mut writer,
        vec![
            WriteOp::PutProfile(changed.clone()),
            // Replacing an account keeps its profile; deleting it takes the profile along.
            WriteOp::PutAccount(AccountRecord { receipt_private: true, ..account("alice", 1) }),
            WriteOp::DeleteAccount { sdkappid: APP, user: user("bob") },
        ],
        2,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(state.profiles, vec![changed], "a profile is replaced whole and leaves with its account");
}

fn the_relationship_chain_loads_back_and_goes_with_its_accounts(open: OpenStore<'_>) {
    use crate::{BlockRecord, FriendMetaRecord, FriendRecord, FriendRequestRecord};
    let (reader, mut writer) = open();
    let account = |name: &str, tiny_id: u64| AccountRecord {
        sdkappid: APP,
        user: user(name),
        tiny_id,
        created_at: 1,
        receipt_private: false,
    };
    let friend = |owner: &str, peer: &str| FriendRecord {
        sdkappid: APP,
        owner: user(owner),
        peer: user(peer),
        remark: format!("{peer} \u{1f600}\n\"r\""),
        groups: vec!["work".to_owned(), "family and friends".to_owned()],
        custom: [("Tag_SNS_Custom_A".to_owned(), "1:2\n".to_owned()), ("Tag_SNS_Custom_B".to_owned(), String::new())]
            .into_iter()
            .collect(),
        add_source: "AddSource_Type_web".to_owned(),
        add_wording: "hello".to_owned(),
        add_time: u64::from(u32::MAX) + 5,
    };
    let request = |from: &str, to: &str| FriendRequestRecord {
        sdkappid: APP,
        from: user(from),
        to: user(to),
        remark: "r".to_owned(),
        group_name: "g".to_owned(),
        add_source: "AddSource_Type_app".to_owned(),
        add_wording: "let us talk".to_owned(),
        add_time: 7,
    };
    let block =
        |owner: &str, peer: &str| BlockRecord { sdkappid: APP, owner: user(owner), peer: user(peer), blocked_at: 8 };
    let meta = |owner: &str| FriendMetaRecord {
        sdkappid: APP,
        owner: user(owner),
        groups: vec!["work".to_owned(), "family and friends".to_owned()],
        pendency_read_time: 9,
    };
    apply(
        &mut writer,
        vec![
            WriteOp::PutApp(app_record()),
            WriteOp::PutAccount(account("alice", 1)),
            WriteOp::PutAccount(account("bob", 2)),
            WriteOp::PutAccount(account("carol", 3)),
            WriteOp::PutFriend(friend("alice", "bob")),
            WriteOp::PutFriend(friend("bob", "alice")),
            WriteOp::PutFriend(friend("alice", "carol")),
            WriteOp::PutFriendRequest(request("carol", "alice")),
            WriteOp::PutFriendRequest(request("bob", "carol")),
            WriteOp::PutBlock(block("alice", "carol")),
            WriteOp::PutBlock(block("carol", "bob")),
            WriteOp::PutFriendMeta(meta("alice")),
            WriteOp::PutFriendMeta(meta("bob")),
        ],
        1,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(state.friends, vec![friend("alice", "bob"), friend("alice", "carol"), friend("bob", "alice")]);
    assert_eq!(state.friend_requests, vec![request("bob", "carol"), request("carol", "alice")]);
    assert_eq!(state.blocks, vec![block("alice", "carol"), block("carol", "bob")]);
    assert_eq!(state.friend_metas, vec![meta("alice"), meta("bob")]);
    let mut changed = friend("alice", "bob");
    changed.remark.clear();
    changed.groups.clear();
    changed.custom.clear();
    apply(
        &mut writer,
        vec![
            WriteOp::PutFriend(changed.clone()),
            WriteOp::DeleteFriend { sdkappid: APP, owner: user("bob"), peer: user("alice") },
            WriteOp::DeleteFriendRequest { sdkappid: APP, from: user("carol"), to: user("alice") },
            WriteOp::DeleteBlock { sdkappid: APP, owner: user("alice"), peer: user("carol") },
            WriteOp::PutFriendMeta(FriendMetaRecord { groups: Vec::new(), pendency_read_time: 0, ..meta("bob") }),
        ],
        2,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(state.friends, vec![changed.clone(), friend("alice", "carol")], "a friend is replaced whole");
    assert_eq!(state.friend_requests, vec![request("bob", "carol")]);
    assert_eq!(state.blocks, vec![block("carol", "bob")]);
    assert_eq!(state.friend_metas, vec![meta("alice")], "an empty meta record is removed");
    // Deleting an account takes every row that names it, on either side.
    apply(&mut writer, vec![WriteOp::DeleteAccount { sdkappid: APP, user: user("carol") }], 3);
    let state = reader.load(0).expect("load");
    assert_eq!(state.friends, vec![changed]);
    assert!(state.friend_requests.is_empty());
    assert!(state.blocks.is_empty());
    assert_eq!(state.friend_metas, vec![meta("alice")]);
}

fn follows_load_back_and_go_with_their_accounts(open: OpenStore<'_>) {
    use crate::FollowRecord;
    let (reader, mut writer) = open();
    let account = |name: &str, tiny_id: u64| AccountRecord {
        sdkappid: APP,
        user: user(name),
        tiny_id,
        created_at: 1,
        receipt_private: false,
    };
    let follow = |follower: &str, followee: &str, follow_time: u64| FollowRecord {
        sdkappid: APP,
        follower: user(follower),
        followee: user(followee),
        follow_time,
    };
    let other_app = FollowRecord { sdkappid: APP + 1, ..follow("alice", "bob", 3) };
    apply(
        &mut writer,
        vec![
            WriteOp::PutApp(app_record()),
            WriteOp::PutAccount(account("alice", 1)),
            WriteOp::PutAccount(account("bob", 2)),
            WriteOp::PutAccount(account("carol", 3)),
            WriteOp::PutFollow(follow("bob", "alice", 5)),
            WriteOp::PutFollow(follow("alice", "bob", u64::from(u32::MAX) + 7)),
            WriteOp::PutFollow(follow("carol", "alice", 6)),
            WriteOp::PutFollow(follow("alice", "carol", 1)),
            WriteOp::PutFollow(other_app.clone()),
        ],
        1,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(
        state.follows,
        vec![
            follow("alice", "bob", u64::from(u32::MAX) + 7),
            follow("alice", "carol", 1),
            follow("bob", "alice", 5),
            follow("carol", "alice", 6),
            other_app.clone(),
        ],
        "follows load back in (app, follower, followee) order"
    );
    apply(
        &mut writer,
        vec![
            // Following again replaces the time; unfollowing removes the one direction.
            WriteOp::PutFollow(follow("alice", "carol", 9)),
            WriteOp::DeleteFollow { sdkappid: APP, follower: user("bob"), followee: user("alice") },
            WriteOp::DeleteFollow { sdkappid: APP, follower: user("bob"), followee: user("carol") },
        ],
        2,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(
        state.follows,
        vec![
            follow("alice", "bob", u64::from(u32::MAX) + 7),
            follow("alice", "carol", 9),
            follow("carol", "alice", 6),
            other_app.clone(),
        ]
    );
    // Deleting an account takes its follows both ways, and no other app's.
    apply(&mut writer, vec![WriteOp::DeleteAccount { sdkappid: APP, user: user("alice") }], 3);
    let state = reader.load(0).expect("load");
    assert_eq!(state.follows, vec![other_app]);
}

fn revised_messages_read_back_and_replay(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let group = ConvKey::Group(group_id("g1"));
    let pair = c2c("alice", "bob");
    let mut ops: Vec<WriteOp> = (1..=4).map(|seq| WriteOp::AppendMessage(message(&group, seq, "alice"))).collect();
    ops.push(WriteOp::AppendMessage(MessageRecord { msg_id: "c1".to_owned(), pos: 1100, ..message(&pair, 1, "bob") }));
    apply(&mut writer, ops, 1100);
    let revoked = MessageRecord {
        body: "[]".to_owned(),
        revision: crate::MessageRevision {
            revoked_by: Some(user("bob")),
            revoke_reason: "typo".to_owned(),
            version: 0,
            pos: 1201,
        },
        ..message(&group, 2, "alice")
    };
    let modified = MessageRecord {
        body: r#"[{"elem_type":0,"text_elem_content":"edited"}]"#.to_owned(),
        cloud_custom: "c".to_owned(),
        revision: crate::MessageRevision { version: 1, pos: 1202, ..Default::default() },
        ..message(&group, 3, "alice")
    };
    let c2c_revoked = MessageRecord {
        revision: crate::MessageRevision { revoked_by: Some(user("bob")), pos: 1203, ..Default::default() },
        msg_id: "c1".to_owned(),
        pos: 1100,
        ..message(&pair, 1, "bob")
    };
    apply(
        &mut writer,
        vec![
            WriteOp::ReviseMessage(revoked.clone()),
            WriteOp::ReviseMessage(modified.clone()),
            WriteOp::ReviseMessage(c2c_revoked.clone()),
        ],
        1203,
    );
    let read = reader.message_by_seq(APP, &group, 2).expect("read").expect("stored");
    assert_eq!(read, revoked, "a revoked message reads back revoked");
    assert!(read.is_revoked());
    let read = reader.message_by_id(APP, &modified.msg_id).expect("read").expect("stored");
    assert_eq!(read, modified, "a modified message reads back with its new body and version");
    // The rest of the row is as it was.
    assert_eq!((read.pos, read.need_receipt, read.custom_str.as_str()), (1003, false, ""));
    let revised = reader.group_revisions_after(APP, &group_id("g1"), 0, (0, u64::MAX), 10).expect("revisions");
    assert_eq!(seqs(&revised), vec![2, 3], "by revision position");
    let revised = reader.group_revisions_after(APP, &group_id("g1"), 1201, (0, u64::MAX), 10).expect("revisions");
    assert_eq!(seqs(&revised), vec![3], "only after the position");
    let revised = reader.group_revisions_after(APP, &group_id("g1"), 0, (2, 4), 10).expect("revisions");
    assert_eq!(seqs(&revised), vec![3], "only within the seq range");
    let revised = reader.group_revisions_after(APP, &group_id("g1"), 0, (0, u64::MAX), 1).expect("revisions");
    assert_eq!(seqs(&revised), vec![2], "at most the limit");
    let state = reader.load(0).expect("load");
    let mut excluded = state.excluded.clone();
    excluded.sort();
    assert!(excluded.contains(&(APP, group.clone(), 2)), "a revoked message counts as unread for no one");
    assert!(excluded.contains(&(APP, pair.clone(), 1)));
    assert!(!excluded.contains(&(APP, group.clone(), 3)), "a modified one still counts");
    assert!(
        !state.own_messages.iter().any(|own| own.conv == group && own.seq == 2),
        "a revoked message is not also an own message"
    );
    assert_eq!(state.revisions, vec![(APP, group.clone(), 1202), (APP, pair.clone(), 1203)]);
}

fn messages_deleted_for_one_user_stay_for_the_others(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let pair = c2c("alice", "bob");
    let group = ConvKey::Group(group_id("g1"));
    let mut ops: Vec<WriteOp> = (1..=5).map(|seq| WriteOp::AppendMessage(message(&pair, seq, "alice"))).collect();
    ops.push(WriteOp::AppendMessage(MessageRecord { msg_id: "g".to_owned(), pos: 1200, ..message(&group, 1, "bob") }));
    apply(&mut writer, ops, 1200);
    let hide = |seqs: Vec<u64>| WriteOp::HideMessages { sdkappid: APP, user: user("alice"), conv: pair.clone(), seqs };
    apply(&mut writer, vec![hide(vec![2, 4]), hide(vec![4])], 1200);
    assert_eq!(reader.hidden_seqs(APP, &user("alice"), &pair, 0, u64::MAX).expect("hidden"), vec![2, 4]);
    assert_eq!(reader.hidden_seqs(APP, &user("alice"), &pair, 3, 5).expect("hidden"), vec![4], "within the range");
    assert_eq!(reader.hidden_seqs(APP, &user("alice"), &pair, 5, 3).expect("hidden"), Vec::<u64>::new());
    assert!(reader.hidden_seqs(APP, &user("bob"), &pair, 0, u64::MAX).expect("hidden").is_empty(), "the peer's copy");
    assert!(reader.hidden_seqs(APP, &user("alice"), &group, 0, u64::MAX).expect("hidden").is_empty());
    assert_eq!(reader.messages(APP, &pair, &scan(true, 0, u64::MAX, 10)).expect("scan").len(), 5, "the messages stay");
}

/// Text users type may hold any character, U+0000 and other control characters included
/// (JSON's `\u0000` decodes to it), and reads back exactly; a backend whose text type cannot hold
/// one must store such fields otherwise (PostgreSQL's text cannot).
fn text_keeps_every_character(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let odd = "a\u{0}b\u{1}\u{7f}\u{feff}\u{10ffff}";
    let conv = ConvKey::Group(group_id("g1"));
    let mut group = group_record("g1");
    group.profile.name = odd.to_owned();
    group.profile.custom = [(odd.to_owned(), odd.to_owned())].into_iter().collect();
    let mut alice = member("g1", "alice", 0, 0, 1);
    alice.info.name_card = odd.to_owned();
    let mut sent = message(&conv, 1, "alice");
    sent.custom_str = odd.to_owned();
    sent.cloud_custom = odd.to_owned();
    let mut request = join_request("g1", "bob", 3);
    request.message = odd.to_owned();
    apply(
        &mut writer,
        vec![
            WriteOp::PutGroup(group.clone()),
            WriteOp::AddMember(alice.clone()),
            WriteOp::AppendMessage(sent.clone()),
            WriteOp::PutJoinRequest(request.clone()),
        ],
        1001,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(state.groups, vec![group]);
    assert_eq!(state.members, vec![alice]);
    assert_eq!(state.join_requests, vec![request]);
    assert_eq!(reader.message_by_seq(APP, &conv, 1).expect("get"), Some(sent));
    assert_eq!(reader.message_by_id(APP, odd).expect("an ID no message has"), None);
}

fn attributes_of(name: &str, pairs: &[(&str, &str)]) -> GroupAttributesRecord {
    GroupAttributesRecord {
        sdkappid: APP,
        group_id: group_id(name),
        attributes: pairs.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect(),
    }
}

fn counters_of(name: &str, pairs: &[(&str, i64)]) -> GroupCountersRecord {
    GroupCountersRecord {
        sdkappid: APP,
        group_id: group_id(name),
        counters: pairs.iter().map(|(key, value)| ((*key).to_owned(), *value)).collect(),
    }
}

fn group_attributes_and_counters_load_back(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    apply(
        &mut writer,
        vec![
            WriteOp::PutGroup(group_record("room")),
            WriteOp::PutGroup(group_record("quiet")),
            WriteOp::PutGroupAttributes(attributes_of("room", &[("seat1", "alice"), ("seat2", "\u{e9}\"x\"\n")])),
            WriteOp::SetGroupCounters(counters_of("room", &[("likes", 5), ("gifts", i64::MIN)])),
            WriteOp::SetGroupCounters(counters_of("room", &[("views", i64::MAX)])),
            WriteOp::SetGroupBan {
                sdkappid: APP,
                group_id: group_id("room"),
                user: user("mallory"),
                until: 1_900_000_000,
            },
            WriteOp::SetGroupBan { sdkappid: APP, group_id: group_id("room"), user: user("eve"), until: 5 },
        ],
        10,
    );
    let bans = |state: &crate::LoadedState| state.group_bans.clone();
    assert_eq!(
        bans(&reader.load(0).expect("load")),
        vec![(APP, group_id("room"), user("eve"), 5), (APP, group_id("room"), user("mallory"), 1_900_000_000)]
    );
    apply(
        &mut writer,
        vec![WriteOp::SetGroupBan { sdkappid: APP, group_id: group_id("room"), user: user("eve"), until: 0 }],
        10,
    );
    assert_eq!(bans(&reader.load(0).expect("load")), vec![(APP, group_id("room"), user("mallory"), 1_900_000_000)]);
    let state = reader.load(0).expect("load");
    assert_eq!(state.group_attributes, vec![attributes_of("room", &[("seat1", "alice"), ("seat2", "\u{e9}\"x\"\n")])]);
    assert_eq!(
        state.group_counters,
        vec![counters_of("room", &[("gifts", i64::MIN), ("likes", 5), ("views", i64::MAX)])]
    );
    // Attributes are replaced whole; counters are set one by one and deleted by key or all.
    apply(
        &mut writer,
        vec![
            WriteOp::PutGroupAttributes(attributes_of("room", &[("seat3", "carol")])),
            WriteOp::SetGroupCounters(counters_of("room", &[("likes", 6)])),
            WriteOp::DeleteGroupCounters { sdkappid: APP, group_id: group_id("room"), keys: vec!["gifts".to_owned()] },
            WriteOp::SetGroupCounters(counters_of("quiet", &[("a", 1)])),
        ],
        11,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(state.group_attributes, vec![attributes_of("room", &[("seat3", "carol")])]);
    assert_eq!(
        state.group_counters,
        vec![counters_of("quiet", &[("a", 1)]), counters_of("room", &[("likes", 6), ("views", i64::MAX)])]
    );
    apply(
        &mut writer,
        vec![
            WriteOp::PutGroupAttributes(attributes_of("room", &[])),
            WriteOp::DeleteGroupCounters { sdkappid: APP, group_id: group_id("quiet"), keys: Vec::new() },
        ],
        12,
    );
    let state = reader.load(0).expect("load");
    assert_eq!(state.group_attributes, Vec::new());
    assert_eq!(state.group_counters, vec![counters_of("room", &[("likes", 6), ("views", i64::MAX)])]);
    // A dismissed group's are not loaded, and a new group under its ID starts with none.
    apply(&mut writer, vec![WriteOp::PutGroupAttributes(attributes_of("room", &[("k", "v")]))], 13);
    let mut dismissed = group_record("room");
    dismissed.dismissed_at = Some(30);
    apply(&mut writer, vec![WriteOp::PutGroup(dismissed)], 14);
    let state = reader.load(0).expect("load");
    assert_eq!((state.group_attributes.len(), state.group_counters.len()), (0, 0));
    apply(
        &mut writer,
        vec![
            WriteOp::PurgeGroup { sdkappid: APP, group_id: group_id("room") },
            WriteOp::PutGroup(group_record("room")),
        ],
        15,
    );
    let state = reader.load(0).expect("load");
    assert_eq!((state.group_attributes.len(), state.group_counters.len(), state.group_bans.len()), (0, 0, 0));
}

fn extension(key: &str, value: &str, seq: u64, deleted: bool) -> MessageExtensionRecord {
    MessageExtensionRecord { key: key.to_owned(), value: value.to_owned(), seq, deleted }
}

fn message_extensions_read_back_by_key(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let pair = c2c("alice", "bob");
    let group = ConvKey::Group(group_id("g1"));
    let ops = vec![
        WriteOp::PutApp(app_record()),
        WriteOp::PutGroup(group_record("g1")),
        WriteOp::AppendMessage(message(&pair, 1, "alice")),
        WriteOp::AppendMessage(message(&pair, 2, "alice")),
        WriteOp::AppendMessage(MessageRecord { msg_id: "g".to_owned(), pos: 1200, ..message(&group, 2, "bob") }),
    ];
    apply(&mut writer, ops, 1200);
    let stored = reader.message_by_seq(APP, &pair, 2).expect("read").expect("stored");
    assert!(stored.supports_extensions, "the flag reads back");
    assert!(!reader.message_by_seq(APP, &pair, 1).expect("read").expect("stored").supports_extensions);
    let put = |conv: &ConvKey, seq: u64, extensions: Vec<MessageExtensionRecord>| WriteOp::PutMessageExtensions {
        sdkappid: APP,
        conv: conv.clone(),
        seq,
        extensions,
    };
    apply(
        &mut writer,
        vec![
            put(&pair, 2, vec![extension("vote:bob", "yes", 1, false), extension("a", "1", 1, false)]),
            put(&group, 2, vec![extension("a", "group", 1, false)]),
        ],
        1200,
    );
    // A later batch replaces a key's row and leaves the others.
    apply(&mut writer, vec![put(&pair, 2, vec![extension("a", "", 2, true), extension("b", "2", 1, false)])], 1200);
    assert_eq!(
        reader.message_extensions(APP, &pair, 2).expect("extensions"),
        vec![extension("a", "", 2, true), extension("b", "2", 1, false), extension("vote:bob", "yes", 1, false)],
        "by key, the deleted key kept with its seq"
    );
    assert!(reader.message_extensions(APP, &pair, 1).expect("extensions").is_empty(), "another message");
    assert_eq!(reader.message_extensions(APP, &group, 2).expect("extensions"), vec![extension("a", "group", 1, false)]);
    // A dismissed group takes its messages' extensions with it.
    apply(&mut writer, vec![WriteOp::PurgeGroup { sdkappid: APP, group_id: group_id("g1") }], 1200);
    assert!(reader.message_extensions(APP, &group, 2).expect("extensions").is_empty());
    assert_eq!(
        reader.message_extensions(APP, &pair, 2).expect("extensions").len(),
        3,
        "other conversations keep theirs"
    );
}

fn all_receive_options_load_back_and_go_with_their_account(open: OpenStore<'_>) {
    let (reader, mut writer) = open();
    let record = |name: &str, opt: crate::AllRecvOpt| crate::AllRecvOptRecord { sdkappid: APP, user: user(name), opt };
    let daily = crate::AllRecvOpt {
        level: 2,
        start_hour: 23,
        start_minute: 59,
        start_second: 58,
        start_time_stamp: 0,
        duration: 8 * 3600,
    };
    let once = crate::AllRecvOpt {
        level: 3,
        start_time_stamp: u64::from(u32::MAX),
        duration: u64::from(u32::MAX),
        ..Default::default()
    };
    apply(
        &mut writer,
        vec![
            WriteOp::PutAllRecvOpt(record("alice", daily.clone())),
            WriteOp::PutAllRecvOpt(record("bob", once.clone())),
            WriteOp::PutAllRecvOpt(record("carol", crate::AllRecvOpt::default())),
        ],
        0,
    );
    let mut loaded = reader.load(0).expect("load").all_recv_opts;
    loaded.sort_by(|a, b| a.user.cmp(&b.user));
    assert_eq!(loaded, vec![record("alice", daily.clone()), record("bob", once)], "the default option is not kept");
    // Replaced whole; the default removes it; a deleted account takes its option along.
    let changed = crate::AllRecvOpt { level: 0, ..daily };
    apply(
        &mut writer,
        vec![
            WriteOp::PutAllRecvOpt(record("alice", changed.clone())),
            WriteOp::PutAllRecvOpt(record("bob", crate::AllRecvOpt::default())),
            WriteOp::PutAllRecvOpt(record("carol", changed.clone())),
            WriteOp::DeleteAccount { sdkappid: APP, user: user("carol") },
        ],
        1,
    );
    assert_eq!(reader.load(0).expect("load").all_recv_opts, vec![record("alice", changed)]);
}
