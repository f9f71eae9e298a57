//! Unread counts: derived per conversation, cleared by TIM's clean call in every form, the same
//! on every device, and a C2C clean is a read report to the peer.

use std::time::Duration;

use tincan_proto::enums::{ConvType, GroupType};
use tincan_sdk::Event;
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, create_group, receipts_of, settle};

#[tokio::test]
async fn unread_counts_follow_sends_and_cleans() {
    // Goal: each message from others adds one unread, one's own add none; cleaning clears one
    // conversation, all C2C, all groups, or everything; totals agree with the list.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (carol, _c) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob", "carol"]).await;
    for _ in 0..3 {
        alice.send_text("bob", ConvType::C2C, "a", false).await.unwrap();
    }
    carol.send_text("bob", ConvType::C2C, "c", false).await.unwrap();
    bob.send_text("alice", ConvType::C2C, "own", false).await.unwrap();
    for _ in 0..2 {
        carol.send_text(&group_id, ConvType::GROUP, "g", false).await.unwrap();
    }
    bob.send_text(&group_id, ConvType::GROUP, "own", false).await.unwrap();
    let unread_of = |convs: &[tincan_proto::objects::ConvInfo], id: &str| {
        convs.iter().find(|conv| conv.conv_id == id).map(|conv| conv.conv_unread_num)
    };
    let convs = bob.conversations().await.unwrap();
    assert_eq!(unread_of(&convs, "alice"), Some(3));
    assert_eq!(unread_of(&convs, "carol"), Some(1));
    assert_eq!(unread_of(&convs, &group_id), Some(2));
    assert_eq!(bob.total_unread().await.unwrap(), 6);
    let total = wait_for(&mut bob_events, WAIT, |event| match event {
        Event::TotalUnreadChanged(6) => Some(6),
        _ => None,
    })
    .await;
    assert_eq!(total, 6, "the SDK reports the total as it changes");
    let results = bob.clean_unread("c2c_alice", 0, 0).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].conversation_operation_result_conversation_id, "c2c_alice");
    assert_eq!(bob.total_unread().await.unwrap(), 3);
    bob.clean_unread("group", 0, 0).await.unwrap();
    assert_eq!(bob.total_unread().await.unwrap(), 1);
    bob.clean_unread("c2c", 0, 0).await.unwrap();
    assert_eq!(bob.total_unread().await.unwrap(), 0);
    alice.send_text("bob", ConvType::C2C, "more", false).await.unwrap();
    carol.send_text(&group_id, ConvType::GROUP, "more", false).await.unwrap();
    assert_eq!(bob.total_unread().await.unwrap(), 2);
    let results = bob.clean_unread("", 0, 0).await.unwrap();
    assert!(results.len() >= 3, "every conversation is reported: {results:?}");
    assert_eq!(bob.total_unread().await.unwrap(), 0);
    let err = bob.clean_unread("nonsense", 0, 0).await.unwrap_err();
    assert_eq!(err.code.0, 6017);
    app.stop().await;
}

#[tokio::test]
async fn partial_cleans_stop_where_asked() {
    // Goal: clean_sequence clears a group only up to that seq; clean_timestamp clears C2C only
    // messages sent at or before that time.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::PUBLIC, &["bob"]).await;
    let mut last_time = 0;
    for _ in 0..5 {
        alice.send_text(&group_id, ConvType::GROUP, "g", false).await.unwrap();
        last_time = alice.send_text("bob", ConvType::C2C, "c", false).await.unwrap().message_server_time;
    }
    bob.clean_unread(&format!("group_{group_id}"), 0, 3).await.unwrap();
    let convs = bob.conversations().await.unwrap();
    let group = convs.iter().find(|conv| conv.conv_id == group_id).unwrap();
    assert_eq!((group.conv_unread_num, group.conv_group_read_sequence), (2, 3));
    bob.clean_unread("c2c_alice", last_time - 3600, 0).await.unwrap();
    assert_eq!(bob.total_unread().await.unwrap(), 7, "nothing was sent an hour earlier");
    bob.clean_unread("c2c_alice", last_time, 0).await.unwrap();
    assert_eq!(bob.total_unread().await.unwrap(), 2);
    app.stop().await;
}

#[tokio::test]
async fn clearing_a_c2c_conversation_tells_the_peer_and_every_own_device() {
    // Goal: when bob clears the conversation, alice's messages show message_is_peer_read, her
    // conversation shows conv_c2c_read_timestamp, her devices get a receipt push with a time and
    // no message ID, and bob's other device sees the unread count drop.
    let app = spawn_app().await;
    let (alice, mut alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let (_bob_tablet, mut tablet_events) = app.client("bob").await;
    for _ in 0..2 {
        alice.send_text("bob", ConvType::C2C, "read me", false).await.unwrap();
    }
    wait_for(&mut tablet_events, WAIT, |event| matches!(event, Event::TotalUnreadChanged(2)).then_some(())).await;
    bob.clean_unread("c2c_alice", 0, 0).await.unwrap();
    let receipts = wait_for(&mut alice_events, WAIT, receipts_of).await;
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].msg_receipt_conv_id, "bob");
    assert!(receipts[0].msg_receipt_msg_id.is_empty(), "a conversation-level report has no message ID");
    assert!(receipts[0].msg_receipt_is_peer_read);
    assert!(receipts[0].msg_receipt_time_stamp > 0);
    let history = alice.get_message_list("bob", ConvType::C2C, Default::default()).await.unwrap();
    assert!(history.iter().all(|message| message.message_is_peer_read), "{history:?}");
    let convs = alice.conversations().await.unwrap();
    assert!(convs[0].conv_c2c_read_timestamp > 0);
    // The conversation's read push and the total's drop may come in either order: the tablet's
    // list, asked for at its login, can be answered after the clean.
    let (mut conv_read, mut total_zero) = (false, false);
    while !(conv_read && total_zero) {
        wait_for(&mut tablet_events, WAIT, |event| match event {
            Event::ConvRead(push) if push.conv.unread == 0 => {
                conv_read = true;
                Some(())
            }
            Event::TotalUnreadChanged(0) => {
                total_zero = true;
                Some(())
            }
            _ => None,
        })
        .await;
    }
    // Sending receipts never changes an unread count; clearing again changes nothing.
    bob.clean_unread("c2c_alice", 0, 0).await.unwrap();
    assert!(
        settle(&mut alice_events, Duration::from_millis(300)).await.iter().all(|event| receipts_of(event).is_none())
    );
    app.stop().await;
}
