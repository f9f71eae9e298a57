//! Property tests against a live server: random operation sequences checked against simple
//! models.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tincan_proto::enums::{ConvType, GroupType, ReadMembersFilter};
use tincan_proto::{ErrorCode, Message};
use tincan_sdk::Client;
use tincan_testkit::spawn_app;

use crate::helpers::create_group;

const USERS: [&str; 4] = ["u0", "u1", "u2", "u3"];

#[derive(Clone, Debug)]
enum MessagingOp {
    SendC2c { from: usize, to: usize },
    SendGroup { from: usize },
    CleanOne { user: usize, peer: usize },
    CleanGroup { user: usize },
    CleanAll { user: usize },
}

fn messaging_op() -> impl Strategy<Value = MessagingOp> {
    prop_oneof![
        4 => (0..4usize, 0..4usize).prop_map(|(from, to)| MessagingOp::SendC2c { from, to }),
        3 => (0..4usize).prop_map(|from| MessagingOp::SendGroup { from }),
        1 => (0..4usize, 0..4usize).prop_map(|(user, peer)| MessagingOp::CleanOne { user, peer }),
        1 => (0..4usize).prop_map(|user| MessagingOp::CleanGroup { user }),
        1 => (0..4usize).prop_map(|user| MessagingOp::CleanAll { user }),
    ]
}

/// The model: each conversation's messages (by sender), each user's read position in each.
#[derive(Default)]
struct UnreadModel {
    messages: BTreeMap<String, Vec<usize>>,
    read: BTreeMap<(usize, String), usize>,
}

impl UnreadModel {
    fn key(a: usize, b: usize) -> String {
        format!("c2c:{}:{}", a.min(b), a.max(b))
    }

    fn unread(&self, user: usize, conv: &str) -> u64 {
        let messages = self.messages.get(conv).map(Vec::as_slice).unwrap_or_default();
        let read = self.read.get(&(user, conv.to_owned())).copied().unwrap_or(0);
        messages.iter().skip(read).filter(|sender| **sender != user).count() as u64
    }

    fn clean(&mut self, user: usize, conv: &str) {
        let len = self.messages.get(conv).map_or(0, Vec::len);
        self.read.insert((user, conv.to_owned()), len);
    }
}

async fn run_messaging(ops: Vec<MessagingOp>) -> Result<(), TestCaseError> {
    let app = spawn_app().await;
    let mut clients: Vec<Client> = Vec::new();
    for user in USERS {
        clients.push(app.client(user).await.0);
    }
    let group_id = create_group(&clients[0], GroupType::WORK, &USERS[1..]).await;
    let mut model = UnreadModel::default();
    for op in ops {
        match op {
            MessagingOp::SendC2c { from, to } if from != to => {
                let sent = clients[from].send_text(USERS[to], ConvType::C2C, "m", false).await.unwrap();
                let conv = UnreadModel::key(from, to);
                let list = model.messages.entry(conv).or_default();
                list.push(from);
                prop_assert_eq!(sent.message_seq, list.len() as u64, "seqs increase by one per conversation");
            }
            MessagingOp::SendC2c { .. } => {}
            MessagingOp::SendGroup { from } => {
                let sent = clients[from].send_text(&group_id, ConvType::GROUP, "g", false).await.unwrap();
                let list = model.messages.entry("group".to_owned()).or_default();
                list.push(from);
                prop_assert_eq!(sent.message_seq, list.len() as u64);
            }
            MessagingOp::CleanOne { user, peer } if user != peer => {
                let conv = UnreadModel::key(user, peer);
                if model.messages.contains_key(&conv) {
                    clients[user].clean_unread(&format!("c2c_{}", USERS[peer]), 0, 0).await.unwrap();
                    model.clean(user, &conv);
                }
            }
            MessagingOp::CleanOne { .. } => {}
            MessagingOp::CleanGroup { user } => {
                clients[user].clean_unread(&format!("group_{group_id}"), 0, 0).await.unwrap();
                model.clean(user, "group");
            }
            MessagingOp::CleanAll { user } => {
                clients[user].clean_unread("", 0, 0).await.unwrap();
                let convs: Vec<String> = model.messages.keys().cloned().collect();
                for conv in convs {
                    let mine = conv == "group" || conv.split(':').skip(1).any(|part| part == user.to_string());
                    if mine {
                        model.clean(user, &conv);
                    }
                }
            }
        }
        for (user, client) in clients.iter().enumerate() {
            let mut expected_total = 0;
            for conv in client.conversations().await.unwrap() {
                let key = if conv.conv_type == ConvType::GROUP {
                    "group".to_owned()
                } else {
                    let peer = USERS.iter().position(|name| *name == conv.conv_id).unwrap();
                    UnreadModel::key(user, peer)
                };
                let expected = model.unread(user, &key);
                prop_assert_eq!(conv.conv_unread_num, expected, "user {} conversation {}", user, key);
                expected_total += expected;
            }
            prop_assert_eq!(client.total_unread().await.unwrap(), expected_total);
        }
    }
    app.stop().await;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn seqs_increase_and_unread_counts_match_a_model(ops in proptest::collection::vec(messaging_op(), 1..30)) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(run_messaging(ops))?;
    }
}

#[derive(Clone, Debug)]
enum ReceiptOp {
    Join { user: usize },
    Leave { user: usize },
    Send { from: usize },
    Read { user: usize, message: usize },
}

fn receipt_op() -> impl Strategy<Value = ReceiptOp> {
    prop_oneof![
        2 => (1..6usize).prop_map(|user| ReceiptOp::Join { user }),
        2 => (1..6usize).prop_map(|user| ReceiptOp::Leave { user }),
        2 => (0..6usize).prop_map(|from| ReceiptOp::Send { from }),
        5 => (1..6usize, 0..8usize).prop_map(|(user, message)| ReceiptOp::Read { user, message }),
    ]
}

/// One membership of one user: (user, how many times it has joined).
type Membership = (usize, u32);

struct SentMessage {
    message: Message,
    eligible: BTreeSet<Membership>,
    readers: BTreeSet<Membership>,
}

async fn run_receipts(ops: Vec<ReceiptOp>) -> Result<(), TestCaseError> {
    let app = spawn_app().await;
    let names: Vec<String> = (0..6).map(|index| format!("r{index}")).collect();
    let mut clients: Vec<Client> = Vec::new();
    for name in &names {
        clients.push(app.client(name).await.0);
    }
    let group_id = create_group(&clients[0], GroupType::WORK, &[]).await;
    let mut current: BTreeMap<usize, u32> = BTreeMap::from([(0, 1)]);
    let mut joins: BTreeMap<usize, u32> = BTreeMap::new();
    let mut sent: Vec<SentMessage> = Vec::new();
    for op in ops {
        match op {
            ReceiptOp::Join { user } if !current.contains_key(&user) => {
                clients[0].invite_members(&group_id, &[names[user].as_str()]).await.unwrap();
                let epoch = joins.entry(user).or_insert(0);
                *epoch += 1;
                current.insert(user, *epoch);
            }
            ReceiptOp::Leave { user } if current.contains_key(&user) => {
                clients[user].quit_group(&group_id).await.unwrap();
                current.remove(&user);
            }
            ReceiptOp::Send { from } if current.contains_key(&from) => {
                let message = clients[from].send_text(&group_id, ConvType::GROUP, "r", true).await.unwrap();
                let eligible =
                    current.iter().filter(|(user, _)| **user != from).map(|(user, epoch)| (*user, *epoch)).collect();
                sent.push(SentMessage { message, eligible, readers: BTreeSet::new() });
            }
            ReceiptOp::Read { user, message } if message < sent.len() => {
                let entry = &mut sent[message];
                let seen = Message {
                    message_conv_id: group_id.clone(),
                    message_conv_type: ConvType::GROUP,
                    ..entry.message.clone()
                };
                let result = clients[user].send_receipts(&[seen]).await;
                let membership = current.get(&user).map(|epoch| (user, *epoch));
                if membership.is_none() {
                    // Someone outside the group is refused before anything else is looked at.
                    prop_assert_eq!(result.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
                } else if entry.message.message_sender == names[user] {
                    prop_assert_eq!(result.unwrap_err().code, ErrorCode::INVALID_PARAMETERS, "own message");
                } else {
                    match membership {
                        Some(membership) if entry.eligible.contains(&membership) => {
                            prop_assert!(result.is_ok(), "{:?}", result);
                            entry.readers.insert(membership);
                        }
                        _ => prop_assert_eq!(result.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED),
                    }
                }
            }
            _ => {}
        }
    }
    for entry in &sent {
        let sender = names.iter().position(|name| *name == entry.message.message_sender).unwrap();
        if !current.contains_key(&sender) {
            continue;
        }
        let present: BTreeSet<Membership> = current.iter().map(|(user, epoch)| (*user, *epoch)).collect();
        let eligible_now: BTreeSet<&Membership> = entry.eligible.intersection(&present).collect();
        let read_now: BTreeSet<&Membership> = entry.readers.intersection(&present).collect();
        let counts = clients[sender].get_receipts(std::slice::from_ref(&entry.message)).await.unwrap();
        prop_assert_eq!(counts[0].msg_receipt_read_count, read_now.len() as u64);
        prop_assert_eq!(
            counts[0].msg_receipt_read_count + counts[0].msg_receipt_unread_count,
            eligible_now.len() as u64
        );
        let mut lists = BTreeMap::new();
        for filter in [ReadMembersFilter::READ, ReadMembersFilter::UNREAD] {
            let mut all = BTreeSet::new();
            let mut cursor = 0;
            loop {
                let page = clients[sender].get_read_members(&entry.message, filter, cursor, 2).await.unwrap();
                for member in page.members {
                    prop_assert!(all.insert(member.group_member_info_identifier), "no member twice");
                }
                if page.is_finished {
                    break;
                }
                cursor = page.next_seq;
            }
            lists.insert(filter.0, all);
        }
        let expected_read: BTreeSet<String> = read_now.iter().map(|(user, _)| names[*user].clone()).collect();
        let expected_unread: BTreeSet<String> =
            eligible_now.difference(&read_now).map(|(user, _)| names[*user].clone()).collect();
        prop_assert_eq!(&lists[&0], &expected_read);
        prop_assert_eq!(&lists[&1], &expected_unread);
    }
    app.stop().await;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn receipt_counts_and_lists_match_a_model(ops in proptest::collection::vec(receipt_op(), 1..40)) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(run_receipts(ops))?;
    }
}
