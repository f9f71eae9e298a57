//! C2C and group messaging: delivery to every device, seqs, resends.

use tincan_proto::enums::ConvType;
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, message_of, text_of};

#[tokio::test]
async fn c2c_message_reaches_the_peer_and_the_senders_other_device() {
    // Goal: a C2C message is pushed to every device of the receiver and to the sender's other
    // devices, but not back to the device that sent it.
    let app = spawn_app().await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (alice, mut alice_events) = app.client("alice").await;
    let (_alice_phone, mut alice_phone_events) = app.client("alice").await;
    let sent = alice.send_text("bob", ConvType::C2C, "hi bob", false).await.unwrap();
    assert_eq!(sent.message_seq, 1);
    assert!(sent.message_is_from_self);
    assert_eq!(sent.message_conv_id, "bob");
    let received = wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(text_of(&received.message), "hi bob");
    assert_eq!(received.message.message_conv_id, "alice");
    assert!(!received.message.message_is_from_self);
    assert_eq!(received.message.message_msg_id, sent.message_msg_id);
    assert_eq!(received.conv.unread, 1);
    let echo = wait_for(&mut alice_phone_events, WAIT, message_of).await;
    assert!(echo.message.message_is_from_self);
    assert_eq!(echo.conv.unread, 0);
    let reply = bob.send_text("alice", ConvType::C2C, "hello", false).await.unwrap();
    assert_eq!(reply.message_seq, 2, "one seq per conversation, whoever sends");
    let got = wait_for(&mut alice_events, WAIT, message_of).await;
    assert_eq!(text_of(&got.message), "hello", "the sending device did not get its own message back first");
    app.stop().await;
}
