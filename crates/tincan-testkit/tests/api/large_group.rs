//! Receipts in a 10,000-member group: every member reads one message; counts and both lists
//! stay exact throughout.

use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use tincan_proto::Message;
use tincan_proto::enums::{ConvType, GroupType, ReadMembersFilter};
use tincan_sdk::Client;
use tincan_testkit::spawn_app;

use crate::helpers::create_group;

const MEMBERS: usize = 10_000;
const CONCURRENCY: usize = 64;

fn member(index: usize) -> String {
    format!("m{index:05}")
}

async fn list(owner: &Client, message: &Message, filter: ReadMembersFilter) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor = 0;
    loop {
        let page = owner.get_read_members(message, filter, cursor, 100).await.unwrap();
        names.extend(page.members.into_iter().map(|it| it.group_member_info_identifier));
        if page.is_finished {
            return names;
        }
        cursor = page.next_seq;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_member_of_a_10000_member_group_reads_one_message() {
    let started = Instant::now();
    let app = spawn_app().await;
    // A 100 ms window, whatever the default: the count of pushes below is bounded by it.
    app.admin()
        .call(
            "tincan",
            "set_app_config",
            &json!({"receipt_group_types": ["Community"], "receipt_coalesce_window_ms": 100}),
        )
        .await
        .unwrap();
    let names: Vec<String> = (0..MEMBERS).map(member).collect();
    for chunk in names.chunks(100) {
        app.admin().call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": chunk})).await.unwrap();
    }
    let (owner, mut owner_events) = app.client("owner").await;
    let group_id = create_group(&owner, GroupType::COMMUNITY, &[]).await;
    for chunk in names.chunks(500) {
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        owner.invite_members(&group_id, &refs).await.unwrap();
    }
    let sent = owner.send_text(&group_id, ConvType::GROUP, "everyone, please read", true).await.unwrap();
    assert_eq!(sent.message_group_receipt_unread_count, MEMBERS as u64);
    let seen = Message { message_conv_id: group_id.clone(), message_conv_type: ConvType::GROUP, ..sent.clone() };
    let app = Arc::new(app);
    let seen = Arc::new(seen);
    // Half read, then the lists are checked, then the rest read.
    for half in [0..MEMBERS / 2, MEMBERS / 2..MEMBERS] {
        let indices: Vec<usize> = half.collect();
        for chunk in indices.chunks(CONCURRENCY) {
            let mut tasks = Vec::with_capacity(chunk.len());
            for index in chunk {
                let (app, seen, name) = (app.clone(), seen.clone(), member(*index));
                tasks.push(tokio::spawn(async move {
                    let (reader, _events) = app.client(&name).await;
                    reader.send_receipts(std::slice::from_ref(&*seen)).await.unwrap();
                    reader.close().await;
                }));
            }
            for task in tasks {
                task.await.unwrap();
            }
        }
        let counts = owner.get_receipts(std::slice::from_ref(&sent)).await.unwrap();
        let read = list(&owner, &sent, ReadMembersFilter::READ).await;
        let unread = list(&owner, &sent, ReadMembersFilter::UNREAD).await;
        assert_eq!(counts[0].msg_receipt_read_count as usize, read.len());
        assert_eq!(counts[0].msg_receipt_unread_count as usize, unread.len());
        let mut all: Vec<String> = read.iter().chain(unread.iter()).cloned().collect();
        all.sort();
        assert_eq!(all, names, "read and unread partition the members");
        let last_read = read.last().cloned().unwrap_or_default();
        assert!(
            read.iter().all(|name| *name <= last_read) && unread.iter().all(|name| *name > last_read),
            "exactly the members who read"
        );
    }
    let counts = owner.get_receipts(std::slice::from_ref(&sent)).await.unwrap();
    assert_eq!((counts[0].msg_receipt_read_count, counts[0].msg_receipt_unread_count), (MEMBERS as u64, 0));
    // The sender was told by coalesced pushes carrying current counts, far fewer than receipts,
    // the last of them complete. How many depends on how long the reading took (one push per
    // window while receipts keep coming, one at once after a quiet spell), which a loaded machine
    // stretches: about 100 s of reading makes 1,000 pushes here, so the bound is a quarter of the
    // receipts, which only a sender told of receipts one by one would pass.
    let mut pushes = 0;
    let mut last_read = 0;
    while last_read < MEMBERS as u64 {
        let receipts =
            tincan_testkit::wait_for(&mut owner_events, crate::helpers::WAIT, crate::helpers::receipts_of).await;
        pushes += 1;
        last_read = receipts[0].msg_receipt_read_count;
    }
    assert!(pushes <= MEMBERS / 4, "{pushes} pushes for {MEMBERS} receipts");
    eprintln!("{pushes} receipt pushes reached the sender for {MEMBERS} receipts");
    assert!(list(&owner, &sent, ReadMembersFilter::UNREAD).await.is_empty());
    let app = Arc::try_unwrap(app).ok().expect("no other handles");
    app.stop().await;
    eprintln!("10,000-member receipts test took {:?}", started.elapsed());
}
