//! The in-memory store answers as the SQLite store does: the same pseudo-random batches, taken
//! keys and conflicts included, are applied to both, and after each one every query of both
//! must agree, down to the order of what they return where the interface gives one.

use std::collections::BTreeMap;
use std::sync::Arc;

use tincan_core::config::AppConfig;
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::group::GroupProfile;
use tincan_core::history::{HistoryPlan, Scan};
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{GroupId, UserId};
use tincan_store::memory::MemoryStore;
use tincan_store::{
    AccountRecord, AppRecord, CallbackRecord, GroupAttributesRecord, GroupCountersRecord, GroupReceiptRecord,
    GroupRecord, JoinRequestRecord, LoadedState, MemberInfo, MemberRecord, MessageRecord, ReadStateRecord,
    ReceiptSource, StoreRead, StoreWrite, UserEventRecord, WriteOp,
};

const APPS: [u64; 2] = [1_400_000_000, 1_400_000_001];
const USERS: [&str; 4] = ["alice", "bob", "carol", "dave"];
const GROUPS: [&str; 2] = ["g1", "g2"];

/// A small deterministic generator (SplitMix64), so that a failure is found again by its seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[usize::try_from(self.below(items.len() as u64)).unwrap()].clone()
    }
}

fn user(name: &str) -> UserId {
    UserId::parse(name).unwrap()
}

fn group_id(name: &str) -> GroupId {
    GroupId::parse(name).unwrap()
}

fn convs() -> Vec<ConvKey> {
    let mut convs = vec![
        ConvKey::C2c(C2cPair::new(user("alice"), user("bob")).unwrap()),
        ConvKey::C2c(C2cPair::new(user("carol"), user("bob")).unwrap()),
    ];
    convs.extend(GROUPS.iter().map(|name| ConvKey::Group(group_id(name))));
    convs
}

struct FixedSource(GroupReceiptRecord);

impl ReceiptSource for FixedSource {
    fn snapshot(&self) -> GroupReceiptRecord {
        self.0.clone()
    }
}

/// Makes batches, keeping the counters that make most keys new and some taken.
struct Generator {
    random: Random,
    pos: u64,
    time: u64,
    seqs: Vec<u64>,
    /// Every message ID given out.
    msg_ids: Vec<String>,
}

impl Generator {
    fn app(&mut self) -> u64 {
        // Mostly the first app, so that records meet.
        if self.random.chance(85) { APPS[0] } else { APPS[1] }
    }

    fn batch(&mut self) -> Vec<WriteOp> {
        let count = 1 + self.random.below(8);
        let mut ops = Vec::new();
        let mut receipt_keys = Vec::new();
        for _ in 0..count {
            let op = self.op();
            // One source per message per batch, as the engine hands them in; two sources for one
            // message would be stored in an order neither store promises.
            if let WriteOp::PutGroupReceipt(source) = &op {
                let record = source.snapshot();
                let key = (record.sdkappid, record.group_id, record.seq);
                if receipt_keys.contains(&key) {
                    continue;
                }
                receipt_keys.push(key);
                if self.random.chance(30) {
                    ops.push(op.clone());
                }
            }
            ops.push(op);
        }
        ops
    }

    fn op(&mut self) -> WriteOp {
        let conv_list = convs();
        match self.random.below(17) {
            0 => WriteOp::PutApp(AppRecord {
                sdkappid: self.random.pick(&APPS),
                secret_key: format!("key{}", self.random.below(3)),
                admin_identifier: user("administrator"),
                config: AppConfig::new_app_default(),
                created_at: self.random.below(5),
                root: self.random.chance(50),
            }),
            1 | 2 => WriteOp::PutAccount(AccountRecord {
                sdkappid: self.app(),
                user: user(self.random.pick(&USERS)),
                tiny_id: 1 + self.random.below(6),
                created_at: self.random.below(5),
                receipt_private: self.random.chance(50),
            }),
            3 => WriteOp::DeleteAccount { sdkappid: self.app(), user: user(self.random.pick(&USERS)) },
            4 => {
                let dismissed = self.random.chance(25).then(|| self.random.below(100));
                WriteOp::PutGroup(GroupRecord {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    group_type: GroupType::WORK,
                    profile: GroupProfile {
                        name: format!("n{}", self.random.below(3)),
                        introduction: String::new(),
                        notification: String::new(),
                        face_url: String::new(),
                        add_option: 0,
                        approve_option: 1,
                        max_member_num: 200,
                        shutup_all: self.random.chance(50),
                        visible: 1,
                        searchable: u32::from(self.random.chance(50)),
                        custom: if self.random.chance(50) {
                            BTreeMap::from([("k".to_owned(), format!("v{}", self.random.below(3)))])
                        } else {
                            BTreeMap::new()
                        },
                    },
                    owner: self.random.chance(80).then(|| user(self.random.pick(&USERS))),
                    created_at: 1,
                    info_seq: self.random.below(4),
                    next_index: 4,
                    dismissed_at: dismissed,
                })
            }
            5 => match self.random.below(8) {
                7 => WriteOp::SetGroupBan {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    user: user(self.random.pick(&USERS)),
                    until: self.random.below(3) * 100,
                },
                0 => WriteOp::PurgeGroup { sdkappid: self.app(), group_id: group_id(self.random.pick(&GROUPS)) },
                4 => WriteOp::PutGroupAttributes(GroupAttributesRecord {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    attributes: (0..self.random.below(3))
                        .map(|n| (format!("k{n}"), format!("v{}", self.random.below(3))))
                        .collect(),
                }),
                5 => WriteOp::SetGroupCounters(GroupCountersRecord {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    counters: vec![(format!("c{}", self.random.below(3)), self.random.below(5) as i64 - 2)],
                }),
                6 => WriteOp::DeleteGroupCounters {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    keys: (0..self.random.below(2)).map(|_| format!("c{}", self.random.below(3))).collect(),
                },
                1 => WriteOp::PutJoinRequest(JoinRequestRecord {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    user: user(self.random.pick(&USERS)),
                    add_time: self.random.below(100),
                    message: format!("m{}", self.random.below(3)),
                    inviter: (self.random.below(2) == 1).then(|| user(self.random.pick(&USERS))),
                }),
                2 => WriteOp::DeleteJoinRequest {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    user: user(self.random.pick(&USERS)),
                },
                _ => WriteOp::SetPendencyReadTime {
                    sdkappid: self.app(),
                    user: user(self.random.pick(&USERS)),
                    read_time: self.random.below(100),
                },
            },
            6 | 7 => {
                self.pos += 1;
                WriteOp::AddMember(MemberRecord {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    user: user(self.random.pick(&USERS)),
                    index: u32::try_from(self.random.below(6)).unwrap(),
                    role: MemberRole::NORMAL,
                    join_seq: self.random.below(10),
                    join_time: 1,
                    join_pos: self.random.below(self.pos + 1),
                    info: MemberInfo::default(),
                })
            }
            8 => {
                self.pos += 1;
                let pos = self.pos;
                WriteOp::RemoveMember {
                    sdkappid: self.app(),
                    group_id: group_id(self.random.pick(&GROUPS)),
                    index: u32::try_from(self.random.below(6)).unwrap(),
                    leave_seq: self.random.below(10),
                    leave_pos: pos,
                }
            }
            9 if self.random.chance(50) => WriteOp::SetMemberRole {
                sdkappid: self.app(),
                group_id: group_id(self.random.pick(&GROUPS)),
                index: u32::try_from(self.random.below(6)).unwrap(),
                role: MemberRole::ADMIN,
            },
            9 => WriteOp::SetMemberInfo {
                sdkappid: self.app(),
                group_id: group_id(self.random.pick(&GROUPS)),
                index: u32::try_from(self.random.below(6)).unwrap(),
                info: MemberInfo {
                    name_card: format!("card{}", self.random.below(3)),
                    shutup_until: self.random.below(100),
                    custom: BTreeMap::from([("k".to_owned(), "a=b;c".to_owned())]),
                },
            },
            10..=12 => {
                let conv_index = usize::try_from(self.random.below(conv_list.len() as u64)).unwrap();
                let conv = conv_list[conv_index].clone();
                // Mostly the next seq, position and a new ID; sometimes one already taken.
                let seq = if self.random.chance(90) {
                    self.seqs[conv_index] += 1;
                    self.seqs[conv_index]
                } else {
                    1 + self.random.below(self.seqs[conv_index] + 1)
                };
                let pos = if self.random.chance(95) {
                    self.pos += 1;
                    self.pos
                } else {
                    1 + self.random.below(self.pos + 1)
                };
                let msg_id = if self.random.chance(95) {
                    format!("id-{pos}-{seq}")
                } else {
                    format!("id-{}", self.random.below(3))
                };
                self.msg_ids.push(msg_id.clone());
                self.time += self.random.below(3);
                let sender = if let ConvKey::C2c(pair) = &conv {
                    if self.random.chance(50) { pair.low().clone() } else { pair.high().clone() }
                } else {
                    user(self.random.pick(&USERS))
                };
                WriteOp::AppendMessage(MessageRecord {
                    sdkappid: self.app(),
                    conv,
                    seq,
                    pos,
                    msg_id,
                    sender,
                    rand: self.random.next(),
                    client_time: self.random.next(),
                    server_time: self.time,
                    need_receipt: self.random.chance(50),
                    excluded_from_unread: self.random.chance(20),
                    priority: 1,
                    platform: 0,
                    first_elem_type: i32::try_from(self.random.below(3)).unwrap(),
                    body: "[]".to_owned(),
                    cloud_custom: String::new(),
                    custom_int: -1,
                    custom_str: String::new(),
                    receipt_read_at: 0,
                    receipt_private: false,
                    revision: Default::default(),
                    supports_extensions: self.random.chance(50),
                })
            }
            13 => WriteOp::SetC2cReceipt {
                sdkappid: self.app(),
                conv: self.random.pick(&conv_list),
                seq: self.random.below(12),
                read_at: self.random.below(100),
                private: self.random.chance(50),
            },
            14 => {
                let read_seq = self.random.below(12);
                WriteOp::PutReadState(ReadStateRecord {
                    sdkappid: self.app(),
                    user: user(self.random.pick(&USERS)),
                    conv: self.random.pick(&conv_list),
                    read_seq,
                    read_time: self.random.below(100),
                    published_seq: read_seq.saturating_sub(1),
                    published_time: self.random.below(100),
                })
            }
            15 => WriteOp::PutGroupReceipt(Arc::new(FixedSource(GroupReceiptRecord {
                sdkappid: self.app(),
                group_id: group_id(self.random.pick(&GROUPS)),
                seq: self.random.below(12),
                sender_index: self.random.chance(80).then(|| u32::try_from(self.random.below(4)).unwrap()),
                index_bound: 4,
                readers: vec![u8::try_from(self.random.below(256)).unwrap()],
                private_readers: Vec::new(),
            }))),
            _ => match self.random.below(7) {
                6 => WriteOp::HideMessages {
                    sdkappid: self.app(),
                    user: user(self.random.pick(&USERS)),
                    conv: self.random.pick(&conv_list),
                    seqs: vec![self.random.below(12), self.random.below(12)],
                },
                5 => {
                    self.pos += 1;
                    let conv = self.random.pick(&conv_list);
                    WriteOp::ReviseMessage(MessageRecord {
                        sdkappid: self.app(),
                        conv,
                        seq: self.random.below(12),
                        pos: 0,
                        msg_id: String::new(),
                        sender: user(self.random.pick(&USERS)),
                        rand: 0,
                        client_time: 0,
                        server_time: 0,
                        need_receipt: false,
                        excluded_from_unread: false,
                        priority: 0,
                        platform: 0,
                        first_elem_type: 0,
                        body: format!("[{}]", self.random.below(9)),
                        cloud_custom: format!("c{}", self.random.below(3)),
                        custom_int: 0,
                        custom_str: String::new(),
                        receipt_read_at: 0,
                        receipt_private: false,
                        revision: tincan_store::MessageRevision {
                            revoked_by: self.random.chance(50).then(|| user(self.random.pick(&USERS))),
                            revoke_reason: format!("r{}", self.random.below(3)),
                            version: self.random.below(4),
                            pos: self.pos,
                        },
                        supports_extensions: false,
                    })
                }
                0 | 1 => {
                    self.pos += 1;
                    let pos = if self.random.chance(90) { self.pos } else { self.random.below(self.pos) };
                    let conv = self.random.chance(70).then(|| self.random.pick(&conv_list));
                    WriteOp::AppendUserEvent(UserEventRecord {
                        sdkappid: self.app(),
                        user: user(self.random.pick(&USERS)),
                        pos,
                        kind: "receipt".to_owned(),
                        conv,
                        seq: self.random.below(10),
                        payload: format!("{{\"n\":{pos}}}"),
                    })
                }
                2 => WriteOp::EnqueueCallback(CallbackRecord {
                    id: 0,
                    sdkappid: self.app(),
                    command: format!("c{}", self.random.below(3)),
                    event: "{}".to_owned(),
                    enqueued_at: self.time,
                    attempts: 0,
                    next_at: self.random.below(50),
                }),
                3 => WriteOp::DeleteCallback { id: 1 + self.random.below(20) },
                _ => WriteOp::RetryCallback {
                    id: 1 + self.random.below(20),
                    attempts: u32::try_from(self.random.below(5)).unwrap(),
                    next_at: self.random.below(50),
                },
            },
        }
    }
}

fn scan(
    forward: bool,
    after_seq: u64,
    before_seq: u64,
    time_range: Option<(u64, u64)>,
    elem_types: Vec<i32>,
) -> HistoryPlan {
    HistoryPlan::Scan(Scan { forward, after_seq, before_seq, time_range, elem_types, count: 4 })
}

/// The parts of a loaded state whose SQL query has no `order by`, in key order: their order is
/// SQLite's plan (today the same as the memory store's), not a promise of the interface.
fn in_key_order(mut state: LoadedState) -> LoadedState {
    state.read_states.sort_by_key(|state| (state.sdkappid, state.user.clone(), state.conv.clone()));
    state.conversations.sort_by_key(|summary| (summary.last_message.sdkappid, summary.last_message.conv.clone()));
    state.own_messages.sort_by_key(|own| (own.sdkappid, own.conv.clone(), own.seq));
    state.excluded.sort();
    state.pending_callbacks.sort();
    state
}

/// Everything a reader tells about the generated keys, one line per query.
fn observe(reader: &dyn StoreRead, generator: &Generator) -> Vec<String> {
    let mut seen = Vec::new();
    let mut look = |query: String, answer: String| seen.push(format!("{query} -> {answer}"));
    for since in [0, generator.time / 2, u64::MAX] {
        look(format!("load({since})"), format!("{:?}", reader.load(since).map(in_key_order)));
    }
    for now in [0, 25, 50] {
        for limit in [0, 3, 100] {
            look(format!("due_callbacks({now}, {limit})"), format!("{:?}", reader.due_callbacks(now, limit)));
        }
    }
    let plans = [
        scan(true, 0, u64::MAX, None, Vec::new()),
        scan(false, 0, u64::MAX, None, Vec::new()),
        scan(false, 2, 9, None, Vec::new()),
        scan(true, 3, 3, None, Vec::new()),
        scan(true, 5, 2, None, Vec::new()),
        scan(true, 0, u64::MAX, Some((generator.time / 3, generator.time / 2)), Vec::new()),
        scan(false, 0, u64::MAX, None, vec![0, 2]),
        HistoryPlan::Seqs(vec![3, 1, 99, 1]),
    ];
    for app in APPS {
        for conv in convs() {
            for plan in &plans {
                look(
                    format!("messages({app}, {conv:?}, {plan:?})"),
                    format!("{:?}", reader.messages(app, &conv, plan)),
                );
            }
            for seq in 0..12 {
                look(
                    format!("message_by_seq({app}, {conv:?}, {seq})"),
                    format!("{:?}", reader.message_by_seq(app, &conv, seq)),
                );
            }
        }
        for id in ["id-0", "id-1", "id-2", "nope"].iter().copied().chain(generator.msg_ids.iter().map(String::as_str)) {
            look(format!("message_by_id({app}, {id})"), format!("{:?}", reader.message_by_id(app, id)));
        }
        for group in GROUPS {
            for seq in 0..12 {
                look(
                    format!("group_receipt({app}, {group}, {seq})"),
                    format!("{:?}", reader.group_receipt(app, &group_id(group), seq)),
                );
            }
            for after_pos in [0, generator.pos / 2] {
                for range in [(0, u64::MAX), (2, 5)] {
                    for limit in [2, 100] {
                        look(
                            format!("group_revisions_after({app}, {group}, {after_pos}, {range:?}, {limit})"),
                            format!(
                                "{:?}",
                                reader.group_revisions_after(app, &group_id(group), after_pos, range, limit)
                            ),
                        );
                        look(
                            format!("group_messages_after({app}, {group}, {after_pos}, {range:?}, {limit})"),
                            format!(
                                "{:?}",
                                reader.group_messages_after(app, &group_id(group), after_pos, range, limit)
                            ),
                        );
                    }
                }
            }
        }
        for name in USERS {
            for conv in convs() {
                look(
                    format!("hidden_seqs({app}, {name}, {conv:?})"),
                    format!("{:?}", reader.hidden_seqs(app, &user(name), &conv, 2, 9)),
                );
            }
            for after_pos in [0, generator.pos / 2, generator.pos] {
                look(
                    format!("user_events({app}, {name}, {after_pos})"),
                    format!("{:?}", reader.user_events(app, &user(name), after_pos, 5)),
                );
                look(
                    format!("memberships_since({app}, {name}, {after_pos})"),
                    format!("{:?}", reader.memberships_since(app, &user(name), after_pos)),
                );
            }
        }
    }
    seen
}

fn run(seed: u64, batches: usize) {
    let dir = tempfile::tempdir().unwrap();
    let (sqlite_reader, mut sqlite_writer) = tincan_store_sqlite::open(&dir.path().join("tincan.sqlite3")).unwrap();
    let memory = MemoryStore::new();
    let (memory_reader, mut memory_writer) = (memory.reader(), memory.writer());
    let mut generator =
        Generator { random: Random(seed), pos: 1000, time: 1, seqs: vec![0; convs().len()], msg_ids: Vec::new() };
    let mut failed = 0;
    for index in 0..batches {
        let ops = generator.batch();
        let head_pos = generator.pos;
        let sqlite = sqlite_writer.apply(&ops, head_pos);
        let memory = memory_writer.apply(&ops, head_pos);
        assert_eq!(
            sqlite.as_ref().map_err(|err| err.is_unavailable()),
            memory.as_ref().map_err(|err| err.is_unavailable()),
            "seed {seed}, batch {index}: SQLite {sqlite:?}, memory {memory:?}"
        );
        failed += usize::from(sqlite.is_err());
        let expected = observe(&sqlite_reader, &generator);
        let actual = observe(&memory_reader, &generator);
        for (expected, actual) in expected.iter().zip(&actual) {
            assert_eq!(actual, expected, "seed {seed}, after batch {index}");
        }
    }
    // The batches meant to fail (taken keys) did fail, and most did not.
    assert!(failed > 0 && failed < batches / 2, "seed {seed}: {failed} of {batches} batches failed");
}

#[test]
fn the_memory_store_agrees_with_sqlite() {
    for seed in [1, 2, 3] {
        run(seed, 100);
    }
}
