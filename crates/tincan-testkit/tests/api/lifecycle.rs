//! The message lifecycle: revoke, modify, custom and merged-forward elements, replies.

use std::time::Duration;

use serde_json::json;
use tincan_proto::api::{create_group, get_message_list};
use tincan_proto::enums::{ConvType, GroupType, MemberRole, MsgStatus, ReadMembersFilter};
use tincan_proto::profile::ProfileChange;
use tincan_proto::push::MsgRevokedPush;
use tincan_proto::{Elem, ErrorCode, Message};
use tincan_sdk::{Client, Event, Events};
use tincan_testkit::hooks::HookReceiver;
use tincan_testkit::{spawn_app, spawn_app_with, wait_for};

use crate::helpers::{WAIT, message_of, settle, text_of, user};

fn revoked_of(event: &Event) -> Option<MsgRevokedPush> {
    match event {
        Event::Revoked(push) => Some(push.clone()),
        _ => None,
    }
}

fn updated_of(event: &Event) -> Option<Message> {
    match event {
        Event::Updated(message) => Some(message.clone()),
        _ => None,
    }
}

async fn history(client: &Client, conv_id: &str, conv_type: ConvType) -> Vec<Message> {
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    client.get_message_list(conv_id, conv_type, params).await.expect("history")
}

fn by_seq(messages: &[Message], seq: u64) -> &Message {
    messages.iter().find(|message| message.message_seq == seq).expect("the message is in history")
}

/// A group of `owner` with `admin` as an admin and `members` as plain members.
async fn group_with_admin(owner: &Client, admin: &str, members: &[&str]) -> String {
    let mut initial = vec![create_group::InitialMember::new(user(admin), MemberRole::ADMIN)];
    initial.extend(members.iter().map(|member| create_group::InitialMember::new(user(member), MemberRole::NORMAL)));
    let params = create_group::Request {
        create_group_param_group_name: "lifecycle".to_owned(),
        create_group_param_group_type: GroupType::PUBLIC,
        create_group_param_group_member_array: initial,
        ..Default::default()
    };
    owner.create_group(params).await.expect("the group is created")
}

async fn drain(events: &mut Events) {
    settle(events, Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_c2c_revoke_reaches_both_sides_corrects_unread_and_shows_in_history() {
    // Goal: the sender revokes a message; the peer and the sender's other device are told, the
    // peer's unread count drops, and history keeps the message as revoked, without content.
    let app = spawn_app().await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (alice, _alice_events) = app.client("alice").await;
    let (_alice_phone, mut phone_events) = app.client("alice").await;
    let first = alice.send_text("bob", ConvType::C2C, "oops", false).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "fine", false).await.unwrap();
    for _ in 0..2 {
        wait_for(&mut bob_events, WAIT, message_of).await;
    }
    assert_eq!(bob.total_unread().await.unwrap(), 2);
    alice.revoke_message("bob", ConvType::C2C, &first, "typo").await.unwrap();
    let told = wait_for(&mut bob_events, WAIT, revoked_of).await;
    assert_eq!(told.revoked.message_locator_conv_id, "alice");
    assert_eq!(told.revoked.message_locator_conv_type, ConvType::C2C);
    assert!(told.revoked.message_locator_is_revoked);
    assert_eq!(told.revoked.message_locator_seq, first.message_seq);
    assert_eq!(told.revoked.message_locator_rand, first.message_rand);
    assert!(!told.revoked.message_locator_is_self);
    assert_eq!(told.revoked.message_msg_id, first.message_msg_id);
    assert_eq!(told.revoked.message_revoker_user_id, "alice");
    assert_eq!(told.revoked.message_revoke_reason, "typo");
    assert_eq!(told.conv.unread, 1, "the revoked message no longer counts");
    let echo = wait_for(&mut phone_events, WAIT, revoked_of).await;
    assert!(echo.revoked.message_locator_is_self);
    assert_eq!(echo.revoked.message_locator_conv_id, "bob");
    assert_eq!(bob.total_unread().await.unwrap(), 1);
    let convs = bob.conversations().await.unwrap();
    assert_eq!(convs.iter().find(|conv| conv.conv_id == "alice").unwrap().conv_unread_num, 1);
    for (client, peer) in [(&bob, "alice"), (&alice, "bob")] {
        let messages = history(client, peer, ConvType::C2C).await;
        let revoked = by_seq(&messages, first.message_seq);
        assert_eq!(revoked.message_status, MsgStatus::REVOKED);
        assert!(revoked.message_elem_array.is_empty(), "a revoked message keeps no content: {revoked:?}");
        assert_eq!(revoked.message_revoker_user_id, "alice");
        assert_eq!(revoked.message_revoke_reason, "typo");
        assert_eq!(by_seq(&messages, first.message_seq + 1).message_status, MsgStatus::SEND_SUCC);
    }
    // Revoking it again changes nothing and is not an error.
    alice.revoke_message("bob", ConvType::C2C, &first, "").await.unwrap();
    assert_eq!(bob.total_unread().await.unwrap(), 1);
    app.stop().await;
}

#[tokio::test]
async fn only_the_sender_may_revoke_a_c2c_message_and_only_in_time() {
    // Goal: the peer may not revoke someone else's message (20001), nor the sender once the
    // time limit has passed (20016), and a message that does not exist is named.
    let app = spawn_app_with(|config| config.revoke_time_limit = Duration::from_secs(1)).await;
    let (bob, _bob_events) = app.client("bob").await;
    let (alice, _alice_events) = app.client("alice").await;
    let sent = alice.send_text("bob", ConvType::C2C, "mine", false).await.unwrap();
    let as_bob_sees = Message { message_conv_id: "alice".to_owned(), ..sent.clone() };
    let err = bob.revoke_message("alice", ConvType::C2C, &as_bob_sees, "").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_INVALID_REQUEST, "{}", err.desc);
    assert!(err.desc.contains("only its sender"), "{}", err.desc);
    let missing = Message { message_seq: 99, message_msg_id: String::new(), ..sent.clone() };
    let err = alice.revoke_message("bob", ConvType::C2C, &missing, "").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS, "{}", err.desc);
    let err = alice.revoke_message("bob", ConvType::C2C, &sent, &"x".repeat(300)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    assert!(err.desc.contains("reason"), "{}", err.desc);
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let err = alice.revoke_message("bob", ConvType::C2C, &sent, "").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_REVOKE_TIME_LIMIT, "{}", err.desc);
    let messages = history(&bob, "alice", ConvType::C2C).await;
    assert_eq!(by_seq(&messages, sent.message_seq).message_status, MsgStatus::SEND_SUCC, "refusals change nothing");
    assert_eq!(text_of(by_seq(&messages, sent.message_seq)), "mine");
    app.stop().await;
}

#[tokio::test]
async fn group_revokes_follow_roles_and_the_time_limit() {
    // Goal: a member revokes its own message in time; a plain member may not revoke another's
    // (10032), nor its own past the limit (10031); the owner and the admins may revoke any
    // member's message at any time; every member online is told, with its unread corrected.
    let app = spawn_app_with(|config| config.revoke_time_limit = Duration::from_secs(1)).await;
    let (owner, _owner_events) = app.client("owner").await;
    let (admin, _admin_events) = app.client("admin").await;
    let (m1, _m1_events) = app.client("m1").await;
    let (m2, mut m2_events) = app.client("m2").await;
    let group_id = group_with_admin(&owner, "admin", &["m1", "m2"]).await;
    drain(&mut m2_events).await;
    let a = m1.send_text(&group_id, ConvType::GROUP, "a", false).await.unwrap();
    let b = m1.send_text(&group_id, ConvType::GROUP, "b", false).await.unwrap();
    let c = m1.send_text(&group_id, ConvType::GROUP, "c", false).await.unwrap();
    for _ in 0..3 {
        wait_for(&mut m2_events, WAIT, message_of).await;
    }
    let unread_before = m2.total_unread().await.unwrap();
    let err = m2.revoke_message(&group_id, ConvType::GROUP, &a, "").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_REVOKE_MSG_DENY, "{}", err.desc);
    m1.revoke_message(&group_id, ConvType::GROUP, &a, "").await.unwrap();
    let told = wait_for(&mut m2_events, WAIT, revoked_of).await;
    assert_eq!(told.revoked.message_locator_seq, a.message_seq);
    assert_eq!(told.revoked.message_locator_conv_id, group_id);
    assert_eq!(told.revoked.message_revoker_user_id, "m1");
    assert_eq!(told.conv.unread, unread_before - 1);
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let err = m1.revoke_message(&group_id, ConvType::GROUP, &b, "").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_REVOKE_MSG_TIME_LIMIT, "{}", err.desc);
    admin.revoke_message(&group_id, ConvType::GROUP, &b, "off topic").await.unwrap();
    owner.revoke_message(&group_id, ConvType::GROUP, &c, "").await.unwrap();
    let told = wait_for(&mut m2_events, WAIT, revoked_of).await;
    assert_eq!(
        (told.revoked.message_locator_seq, told.revoked.message_revoker_user_id.as_str()),
        (b.message_seq, "admin")
    );
    assert_eq!(told.revoked.message_revoke_reason, "off topic");
    let told = wait_for(&mut m2_events, WAIT, revoked_of).await;
    assert_eq!(
        (told.revoked.message_locator_seq, told.revoked.message_revoker_user_id.as_str()),
        (c.message_seq, "owner")
    );
    assert_eq!(m2.total_unread().await.unwrap(), unread_before - 3);
    let missing = Message { message_seq: 999, message_msg_id: String::new(), ..a.clone() };
    let err = owner.revoke_message(&group_id, ConvType::GROUP, &missing, "").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_REVOKE_MSG_NOT_FOUND, "{}", err.desc);
    let messages = history(&m2, &group_id, ConvType::GROUP).await;
    for (seq, revoker) in [(a.message_seq, "m1"), (b.message_seq, "admin"), (c.message_seq, "owner")] {
        let message = by_seq(&messages, seq);
        assert_eq!(message.message_status, MsgStatus::REVOKED);
        assert_eq!(message.message_revoker_user_id, revoker);
        assert!(message.message_elem_array.is_empty());
    }
    let convs = m2.conversations().await.unwrap();
    let conv = convs.iter().find(|conv| conv.conv_id == group_id).unwrap();
    let last = conv.conv_last_msg.as_ref().expect("a last message");
    assert_eq!(last.message_seq, c.message_seq);
    assert_eq!(last.message_status, MsgStatus::REVOKED, "the conversation's last message shows it revoked");
    app.stop().await;
}

#[tokio::test]
async fn a_revoked_group_message_takes_no_receipts_and_has_no_read_lists() {
    // Goal: a revoked message's receipt lists are refused (10062), receipts sent for it are
    // ignored (the others in the same call still count), and its sender hears of none.
    let app = spawn_app().await;
    let (owner, mut owner_events) = app.client("owner").await;
    let (m1, mut m1_events) = app.client("m1").await;
    let group_id = crate::helpers::create_group(&owner, GroupType::WORK, &["m1"]).await;
    let kept = owner.send_text(&group_id, ConvType::GROUP, "kept", true).await.unwrap();
    let gone = owner.send_text(&group_id, ConvType::GROUP, "gone", true).await.unwrap();
    let received: Vec<Message> = vec![
        wait_for(&mut m1_events, WAIT, message_of).await.message.as_ref().clone(),
        wait_for(&mut m1_events, WAIT, message_of).await.message.as_ref().clone(),
    ];
    owner.revoke_message(&group_id, ConvType::GROUP, &gone, "").await.unwrap();
    wait_for(&mut m1_events, WAIT, revoked_of).await;
    drain(&mut owner_events).await;
    let err = owner.get_read_members(&gone, ReadMembersFilter::READ, 0, 10).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_RECEIPT_NOT_FOUND, "{}", err.desc);
    assert!(err.desc.contains("revoked"), "{}", err.desc);
    m1.send_receipts(&received).await.unwrap();
    let receipts = wait_for(&mut owner_events, WAIT, crate::helpers::receipts_of).await;
    assert_eq!(receipts.len(), 1, "only the message that stands: {receipts:?}");
    assert_eq!(receipts[0].msg_receipt_seq, kept.message_seq);
    let states = owner.get_receipts(&[kept.clone(), gone.clone()]).await.unwrap();
    assert_eq!(states.iter().map(|it| it.msg_receipt_seq).collect::<Vec<_>>(), vec![kept.message_seq]);
    // Only the revoked one: nothing to do, and no error.
    m1.send_receipts(&received[1..]).await.unwrap();
    let later = settle(&mut owner_events, Duration::from_millis(500)).await;
    assert!(later.iter().all(|event| crate::helpers::receipts_of(event).is_none()), "{later:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_device_that_resumes_is_told_of_revisions_it_missed_even_after_a_restart() {
    // Goal: revokes and modifications made while a device was away reach it when it resumes,
    // in a group and in a C2C conversation, and so they do after the server restarted.
    let app = spawn_app().await;
    let (owner, _owner_events) = app.client("owner").await;
    let (m1, mut m1_events) = app.client("m1").await;
    let group_id = crate::helpers::create_group(&owner, GroupType::WORK, &["m1"]).await;
    let in_group = owner.send_text(&group_id, ConvType::GROUP, "group", false).await.unwrap();
    let in_pair = owner.send_text("m1", ConvType::C2C, "pair", false).await.unwrap();
    let edited = owner.send_text(&group_id, ConvType::GROUP, "draft", false).await.unwrap();
    for _ in 0..3 {
        wait_for(&mut m1_events, WAIT, message_of).await;
    }
    drain(&mut m1_events).await;
    let resume_from = m1.last_pos();
    m1.close().await;
    owner.revoke_message(&group_id, ConvType::GROUP, &in_group, "").await.unwrap();
    owner.revoke_message("m1", ConvType::C2C, &in_pair, "").await.unwrap();
    let mut change = edited.clone();
    change.message_elem_array = vec![Elem::text("final")];
    owner.modify_message(change).await.unwrap();
    let app = app.restart().await;
    let (mut socket, _) = app.raw_socket_resuming("m1", Some(resume_from)).await;
    let mut revoked = Vec::new();
    let mut updated = Vec::new();
    loop {
        let frame = socket.next_frame_within(WAIT).await.expect("a push");
        match frame["push"].as_str() {
            Some("msg_revoked") => revoked.push(frame["data"]["revoked"].clone()),
            Some("msg_updated") => updated.push(frame["data"]["message"].clone()),
            Some("synced") => break,
            _ => {}
        }
    }
    let mut seqs: Vec<(String, u64)> = revoked
        .iter()
        .map(|it| {
            (it["message_locator_conv_id"].as_str().unwrap().to_owned(), it["message_locator_seq"].as_u64().unwrap())
        })
        .collect();
    seqs.sort();
    let mut expected = vec![(group_id.clone(), in_group.message_seq), ("owner".to_owned(), in_pair.message_seq)];
    expected.sort();
    assert_eq!(seqs, expected, "{revoked:?}");
    assert_eq!(updated.len(), 1, "{updated:?}");
    assert_eq!(updated[0]["message_elem_array"][0]["text_elem_content"], "final");
    assert_eq!(updated[0]["message_version"], 1);
    // A device resuming from after the revisions is not told again.
    let (mut socket, _) = app.raw_socket_resuming("m1", Some(u64::MAX / 2)).await;
    let frame = socket.next_frame_within(WAIT).await.expect("a push");
    assert_eq!(frame["push"], "synced", "{frame}");
    app.stop().await;
}

#[tokio::test]
async fn a_modification_reaches_everyone_and_a_stale_one_is_refused() {
    // Goal: the sender modifies its message; the others and its other devices are pushed the
    // message as it is now, with version 1; a modification made from version 0 again is
    // refused with 8006 (unless it is the same one, resent); only the sender may modify, and a
    // revoked message cannot be.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (_alice_phone, mut phone_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let group_id = crate::helpers::create_group(&alice, GroupType::WORK, &["bob"]).await;
    let nick = ProfileChange { user_profile_item_nick_name: Some("Alice L".to_owned()), ..ProfileChange::default() };
    alice.modify_self_profile(nick).await.unwrap();
    let nick_of = |message: &Message| {
        message.message_sender_profile.as_ref().map(|profile| profile.user_profile_nick_name.clone())
    };
    let sent = alice.send_text(&group_id, ConvType::GROUP, "helo", false).await.unwrap();
    assert_eq!(sent.message_version, 0);
    wait_for(&mut bob_events, WAIT, message_of).await;
    let mut change = sent.clone();
    change.message_elem_array = vec![Elem::text("hello")];
    change.message_cloud_custom_str = "edited".to_owned();
    let modified = alice.modify_message(change.clone()).await.unwrap();
    assert_eq!(modified.message_version, 1);
    assert_eq!(text_of(&modified), "hello");
    assert_eq!(modified.message_cloud_custom_str, "edited");
    assert_eq!(modified.message_msg_id, sent.message_msg_id);
    let told = wait_for(&mut bob_events, WAIT, updated_of).await;
    assert_eq!((text_of(&told), told.message_version, told.message_seq), ("hello", 1, sent.message_seq));
    assert!(!told.message_is_from_self);
    // A modified message carries its sender's profile, as every message does.
    assert_eq!(nick_of(&modified).as_deref(), Some("Alice L"));
    assert_eq!(nick_of(&told).as_deref(), Some("Alice L"));
    let echo = wait_for(&mut phone_events, WAIT, updated_of).await;
    assert!(echo.message_is_from_self);
    // The same modification again (a resend) finds its result.
    let again = alice.modify_message(change.clone()).await.unwrap();
    assert_eq!(again.message_version, 1);
    let mut stale = sent.clone();
    stale.message_elem_array = vec![Elem::text("hullo")];
    let err = alice.modify_message(stale).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_MODIFY_CONFLICT, "{}", err.desc);
    let mut next = modified.clone();
    next.message_elem_array = vec![Elem::text("hello!")];
    assert_eq!(alice.modify_message(next).await.unwrap().message_version, 2);
    let as_bob = Message { message_elem_array: vec![Elem::text("mine now")], ..told.clone() };
    let err = bob.modify_message(as_bob).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    let mut empty = modified.clone();
    empty.message_elem_array.clear();
    assert_eq!(alice.modify_message(empty).await.unwrap_err().code, ErrorCode::INVALID_MSG_ELEM);
    let messages = history(&bob, &group_id, ConvType::GROUP).await;
    let stored = by_seq(&messages, sent.message_seq);
    assert_eq!((text_of(stored), stored.message_version), ("hello!", 2));
    alice.revoke_message(&group_id, ConvType::GROUP, &sent, "").await.unwrap();
    let mut late = stored.clone();
    late.message_elem_array = vec![Elem::text("too late")];
    assert_eq!(alice.modify_message(late).await.unwrap_err().code, ErrorCode::INVALID_OPERATION);
    // In C2C too, the peer's push names the sender as it is now.
    let direct = alice.send_text("bob", ConvType::C2C, "hi bob", false).await.unwrap();
    wait_for(&mut bob_events, WAIT, message_of).await;
    let mut change = direct.clone();
    change.message_elem_array = vec![Elem::text("hi, bob")];
    alice.modify_message(change).await.unwrap();
    let told = wait_for(&mut bob_events, WAIT, updated_of).await;
    assert_eq!((text_of(&told), nick_of(&told).as_deref()), ("hi, bob", Some("Alice L")));
    // C2C: the same rules.
    let c2c = alice.send_text("bob", ConvType::C2C, "one", false).await.unwrap();
    let mut change = c2c.clone();
    change.message_elem_array = vec![Elem::text("two")];
    assert_eq!(alice.modify_message(change).await.unwrap().message_version, 1);
    let told =
        wait_for(&mut bob_events, WAIT, |event| updated_of(event).filter(|it| it.message_conv_type == ConvType::C2C))
            .await;
    assert_eq!((told.message_conv_id.as_str(), text_of(&told)), ("alice", "two"));
    let as_bob = Message { message_conv_id: "alice".to_owned(), ..told.clone() };
    assert_eq!(bob.modify_message(as_bob).await.unwrap_err().code, ErrorCode::C2C_INVALID_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn custom_merged_and_reply_messages_arrive_as_sent() {
    // Goal: a custom element, a merged-forward element carrying the forwarded messages, and a
    // reply (TIM's `messageReply` in the cloud custom data) reach the peer intact; a merged
    // element of the wrong shape is refused with 6016.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let original = alice.send_text("bob", ConvType::C2C, "original", false).await.unwrap();
    let custom: Elem = serde_json::from_value(json!({
        "elem_type": 3, "custom_elem_data": "{\"kind\":\"poll\"}", "custom_elem_desc": "a poll", "custom_elem_ext": "x"
    }))
    .unwrap();
    let merged: Elem = serde_json::from_value(json!({
        "elem_type": 12,
        "merge_elem_title": "Chat history",
        "merge_elem_abstract_array": ["alice: original"],
        "merge_elem_compatible_text": "[Chat history]",
        "merge_elem_message_array": [serde_json::to_value(&original).unwrap()],
    }))
    .unwrap();
    let reply = json!({"messageReply": {
        "messageID": original.message_msg_id, "messageAbstract": "original", "messageSender": "alice",
        "messageType": 0, "version": 1
    }})
    .to_string();
    let message = Message {
        message_elem_array: vec![custom.clone(), merged.clone()],
        message_cloud_custom_str: reply.clone(),
        ..Message::default()
    };
    alice.send_message("bob", ConvType::C2C, message).await.unwrap();
    wait_for(&mut bob_events, WAIT, message_of).await;
    let got = wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(got.message.message_elem_array, vec![custom, merged]);
    assert_eq!(got.message.message_cloud_custom_str, reply);
    let forwarded = &got.message.message_elem_array[1].0["merge_elem_message_array"][0];
    assert_eq!(forwarded["message_msg_id"], original.message_msg_id.as_str());
    assert_eq!(forwarded["message_elem_array"][0]["text_elem_content"], "original");
    let bad: Elem = serde_json::from_value(json!({"elem_type": 12, "merge_elem_abstract_array": [1, 2]})).unwrap();
    let message = Message { message_elem_array: vec![bad], ..Message::default() };
    let err = alice.send_message("bob", ConvType::C2C, message).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_MSG_ELEM);
    assert!(err.desc.contains("merge_elem_abstract_array must be an array of strings"), "{}", err.desc);
    drop(bob);
    app.stop().await;
}

#[tokio::test]
async fn revokes_are_reported_to_the_webhooks() {
    // Goal: `C2C.CallbackAfterMsgWithDraw` and `Group.CallbackAfterRecallMsg` carry TIM's keys.
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    let commands = ["C2C.CallbackAfterMsgWithDraw", "Group.CallbackAfterRecallMsg"];
    app.admin()
        .call("tincan", "set_app_config", &json!({"callback_url": receiver.url, "callback_commands": commands}))
        .await
        .expect("the webhook settings apply");
    let (alice, _alice_events) = app.client("alice").await;
    let (_bob, _bob_events) = app.client("bob").await;
    let first = alice.send_text("bob", ConvType::C2C, "one", false).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "two", false).await.unwrap();
    alice.revoke_message("bob", ConvType::C2C, &first, "").await.unwrap();
    let hook = receiver.next("C2C.CallbackAfterMsgWithDraw", WAIT).await;
    let body = &hook.body;
    assert_eq!(body["CallbackCommand"], "C2C.CallbackAfterMsgWithDraw");
    assert_eq!((body["From_Account"].as_str(), body["To_Account"].as_str()), (Some("alice"), Some("bob")));
    assert_eq!(
        body["MsgKey"],
        format!("{}_{}_{}", first.message_seq, first.message_rand, first.message_server_time).as_str()
    );
    assert_eq!(body["UnreadMsgNum"], 1, "bob's unread after the revoke");
    let group_id = crate::helpers::create_group(&alice, GroupType::PUBLIC, &["bob"]).await;
    let sent = alice.send_text(&group_id, ConvType::GROUP, "g", false).await.unwrap();
    alice.revoke_message(&group_id, ConvType::GROUP, &sent, "").await.unwrap();
    let hook = receiver.next("Group.CallbackAfterRecallMsg", WAIT).await;
    let body = &hook.body;
    assert_eq!(body["GroupId"], group_id.as_str());
    assert_eq!(body["Type"], "Public");
    assert_eq!(body["Operator_Account"], "alice");
    assert_eq!(body["MsgSeqList"], json!([{"MsgSeq": sent.message_seq}]));
    app.stop().await;
}

#[tokio::test]
async fn the_administrator_revokes_and_modifies_through_rest() {
    // Goal: `admin_msgwithdraw`, `modify_c2c_msg`, `group_msg_recall` and `modify_group_msg`
    // act as a client's revoke and modify do (pushes, history, unread), with no time limit and
    // whatever the message's version.
    let app = spawn_app_with(|config| config.revoke_time_limit = Duration::from_secs(1)).await;
    let admin = app.admin();
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let first = alice.send_text("bob", ConvType::C2C, "one", false).await.unwrap();
    let second = alice.send_text("bob", ConvType::C2C, "two", false).await.unwrap();
    let key =
        |message: &Message| format!("{}_{}_{}", message.message_seq, message.message_rand, message.message_server_time);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    admin
        .call(
            "openim",
            "admin_msgwithdraw",
            &json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": key(&first)}),
        )
        .await
        .unwrap();
    let told = wait_for(&mut bob_events, WAIT, revoked_of).await;
    assert_eq!(told.revoked.message_locator_seq, first.message_seq);
    assert_eq!(told.revoked.message_revoker_user_id, "administrator");
    assert_eq!(bob.total_unread().await.unwrap(), 1);
    let body = json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": key(&second),
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "two, corrected"}}]});
    admin.call("openim", "modify_c2c_msg", &body).await.unwrap();
    let told = wait_for(&mut bob_events, WAIT, updated_of).await;
    assert_eq!((text_of(&told), told.message_version), ("two, corrected", 1));
    let err = admin
        .call("openim", "admin_msgwithdraw", &json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": "99_1_1"}))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_INVALID_REQUEST, "{}", err.desc);
    let group_id = crate::helpers::create_group(&alice, GroupType::PUBLIC, &["bob"]).await;
    let posted = bob.send_text(&group_id, ConvType::GROUP, "spam", false).await.unwrap();
    let kept = bob.send_text(&group_id, ConvType::GROUP, "fine", false).await.unwrap();
    let answer = admin
        .call(
            "group_open_http_svc",
            "group_msg_recall",
            &json!({"GroupId": group_id, "MsgSeqList": [{"MsgSeq": posted.message_seq}, {"MsgSeq": 999}], "Reason": "spam"}),
        )
        .await
        .unwrap();
    assert_eq!(
        answer["RecallRetList"],
        json!([{"MsgSeq": posted.message_seq, "RetCode": 0}, {"MsgSeq": 999, "RetCode": 10030}])
    );
    let body = json!({"GroupId": group_id, "MsgSeq": kept.message_seq,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "fine, edited"}}]});
    admin.call("group_open_http_svc", "modify_group_msg", &body).await.unwrap();
    let messages = history(&alice, &group_id, ConvType::GROUP).await;
    let revoked = by_seq(&messages, posted.message_seq);
    assert_eq!((revoked.message_status, revoked.message_revoke_reason.as_str()), (MsgStatus::REVOKED, "spam"));
    assert_eq!(text_of(by_seq(&messages, kept.message_seq)), "fine, edited");
    let err = admin
        .call(
            "group_open_http_svc",
            "group_msg_recall",
            &json!({"GroupId": "@TGS#none", "MsgSeqList": [{"MsgSeq": 1}]}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn online_only_messages_reach_devices_online_now_and_nothing_else() {
    // Goal: a message with `message_is_online_msg` (how typing notices travel) reaches the
    // devices online now, is never stored, never counts as unread and is never replayed; REST
    // sends it with `OnlineOnlyFlag` 1.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (_alice_phone, mut phone_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (carol, carol_events) = app.client("carol").await;
    let group_id = crate::helpers::create_group(&alice, GroupType::WORK, &["bob", "carol"]).await;
    drain(&mut bob_events).await;
    let resume_from = carol.last_pos();
    carol.close().await;
    drop(carol_events);
    let nick = ProfileChange { user_profile_item_nick_name: Some("Alice L".to_owned()), ..ProfileChange::default() };
    alice.modify_self_profile(nick).await.unwrap();
    let typing = Message {
        message_elem_array: vec![Elem::custom("{\"typing\":true}")],
        message_is_online_msg: true,
        message_need_read_receipt: true,
        ..Message::default()
    };
    let sent = alice.send_message("bob", ConvType::C2C, typing.clone()).await.unwrap();
    assert!(sent.message_is_online_msg);
    assert_eq!(sent.message_seq, 0, "an online-only message takes no place in the conversation");
    let got = wait_for(&mut bob_events, WAIT, message_of).await;
    assert!(got.message.message_is_online_msg);
    assert_eq!((got.message.message_seq, got.message.message_conv_id.as_str()), (0, "alice"));
    assert!(!got.message.message_need_read_receipt, "online-only messages ask for no receipts");
    let shown = got.message.message_sender_profile.as_ref().map(|profile| profile.user_profile_nick_name.as_str());
    assert_eq!(shown, Some("Alice L"), "a typing notice says who types, as every message does");
    let echo = wait_for(&mut phone_events, WAIT, message_of).await;
    assert!(echo.message.message_is_online_msg && echo.message.message_is_from_self);
    assert_eq!(bob.total_unread().await.unwrap(), 0);
    assert!(history(&bob, "alice", ConvType::C2C).await.is_empty(), "nothing is stored");
    assert!(bob.conversations().await.unwrap().iter().all(|conv| conv.conv_id != "alice"));
    alice.send_message(&group_id, ConvType::GROUP, typing.clone()).await.unwrap();
    let got = wait_for(&mut bob_events, WAIT, message_of).await;
    assert!(got.message.message_is_online_msg);
    assert_eq!(got.message.message_conv_id, group_id);
    assert_eq!(bob.total_unread().await.unwrap(), 0);
    // Carol was offline: resuming brings her nothing of it.
    let (mut socket, _) = app.raw_socket_resuming("carol", Some(resume_from)).await;
    loop {
        let frame = socket.next_frame_within(WAIT).await.expect("a push");
        assert_ne!(frame["push"], "message", "an online-only message was replayed: {frame}");
        if frame["push"] == "synced" {
            break;
        }
    }
    // Not a member: refused as any send.
    let (dave, _dave_events) = app.client("dave").await;
    let err = dave.send_message(&group_id, ConvType::GROUP, typing).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED);
    app.admin()
        .call(
            "openim",
            "sendmsg",
            &json!({"From_Account": "alice", "To_Account": "bob", "MsgRandom": 7, "OnlineOnlyFlag": 1,
                "MsgBody": [{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "typing"}}]}),
        )
        .await
        .unwrap();
    let got = wait_for(&mut bob_events, WAIT, message_of).await;
    assert!(got.message.message_is_online_msg);
    assert!(history(&bob, "alice", ConvType::C2C).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_message_deleted_for_oneself_leaves_only_ones_own_history() {
    // Goal: `msg_delete` hides messages from the caller's history on every device (which are
    // told at once) and never from the peer's; pages still hold the count asked for; bad names
    // are refused.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (alice_phone, mut phone_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let mut sent = Vec::new();
    for index in 1..=6 {
        sent.push(alice.send_text("bob", ConvType::C2C, &format!("m{index}"), false).await.unwrap());
    }
    alice.delete_messages("bob", ConvType::C2C, &[sent[4].clone(), sent[5].clone()]).await.unwrap();
    let told = wait_for(&mut phone_events, WAIT, |event| match event {
        Event::MessagesDeleted(push) => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!((told.conv_id.as_str(), told.conv_type), ("bob", ConvType::C2C));
    assert_eq!(told.seqs, vec![sent[4].message_seq, sent[5].message_seq]);
    assert_eq!(told.msg_ids, vec![sent[4].message_msg_id.clone(), sent[5].message_msg_id.clone()]);
    alice.delete_messages("bob", ConvType::C2C, &[sent[5].clone()]).await.unwrap();
    let bob_told = tincan_testkit::drain(&mut bob_events, Duration::from_millis(300)).await;
    assert!(!bob_told.iter().any(|event| matches!(event, Event::MessagesDeleted(_))), "the peer is not told");
    let texts = |messages: &[Message]| messages.iter().map(|message| text_of(message).to_owned()).collect::<Vec<_>>();
    assert_eq!(texts(&history(&alice_phone, "bob", ConvType::C2C).await), ["m4", "m3", "m2", "m1"]);
    assert_eq!(texts(&history(&bob, "alice", ConvType::C2C).await), ["m6", "m5", "m4", "m3", "m2", "m1"]);
    let page = |count| get_message_list::GetMsgListParams { msg_getmsglist_param_count: count, ..Default::default() };
    let two = alice.get_message_list("bob", ConvType::C2C, page(2)).await.unwrap();
    assert_eq!(texts(&two), ["m4", "m3"], "a page still holds the count asked for");
    let err = alice.delete_messages("bob", ConvType::C2C, &Vec::<Message>::new()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    let missing = Message { message_seq: 99, message_msg_id: String::new(), ..sent[0].clone() };
    assert_eq!(
        alice.delete_messages("bob", ConvType::C2C, &[missing]).await.unwrap_err().code,
        ErrorCode::INVALID_PARAMETERS
    );
    // In a group, too, for oneself only; an outsider cannot name the group's messages.
    let group_id = crate::helpers::create_group(&alice, GroupType::WORK, &["bob"]).await;
    let posted = bob.send_text(&group_id, ConvType::GROUP, "group", false).await.unwrap();
    bob.delete_messages(&group_id, ConvType::GROUP, std::slice::from_ref(&posted)).await.unwrap();
    assert!(
        history(&bob, &group_id, ConvType::GROUP).await.iter().all(|message| message.message_seq != posted.message_seq)
    );
    assert!(
        history(&alice, &group_id, ConvType::GROUP)
            .await
            .iter()
            .any(|message| message.message_seq == posted.message_seq)
    );
    let (carol, _carol_events) = app.client("carol").await;
    let err = carol.delete_messages(&group_id, ConvType::GROUP, &[posted]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED);
    // It holds after a restart.
    let app = app.restart().await;
    let (alice, _alice_events) = app.client("alice").await;
    assert_eq!(texts(&history(&alice, "bob", ConvType::C2C).await), ["m4", "m3", "m2", "m1"]);
    app.stop().await;
}

#[tokio::test]
async fn messages_are_found_by_id_and_by_locator_when_the_caller_can_see_them() {
    // Goal: `msg_find` answers the messages the caller can see, in the order asked, revoked
    // ones with status 6 and deleted-for-me ones with 4, and leaves out everything else.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let (carol, _carol_events) = app.client("carol").await;
    let first = alice.send_text("bob", ConvType::C2C, "first", false).await.unwrap();
    let second = alice.send_text("bob", ConvType::C2C, "second", false).await.unwrap();
    let third = alice.send_text("bob", ConvType::C2C, "third", false).await.unwrap();
    alice.revoke_message("bob", ConvType::C2C, &second, "").await.unwrap();
    bob.delete_messages("alice", ConvType::C2C, std::slice::from_ref(&third)).await.unwrap();
    let ids = [third.message_msg_id.as_str(), "1-2-3", first.message_msg_id.as_str(), second.message_msg_id.as_str()];
    let found = bob.find_messages(&ids).await.unwrap();
    let seen: Vec<(u64, MsgStatus)> =
        found.iter().map(|message| (message.message_seq, message.message_status)).collect();
    assert_eq!(
        seen,
        vec![
            (third.message_seq, MsgStatus::DELETED),
            (first.message_seq, MsgStatus::SEND_SUCC),
            (second.message_seq, MsgStatus::REVOKED)
        ]
    );
    assert_eq!(found[1].message_conv_id, "alice", "as the caller sees it");
    assert!(carol.find_messages(&ids).await.unwrap().is_empty(), "someone else's conversation");
    let locators = vec![
        tincan_proto::api::find_messages::MsgLocator { message_locator_seq: first.message_seq, ..Default::default() },
        tincan_proto::api::find_messages::MsgLocator {
            message_locator_seq: third.message_seq,
            message_locator_rand: third.message_rand + 1,
            ..Default::default()
        },
    ];
    let found = alice.find_messages_by_locator("bob", ConvType::C2C, locators).await.unwrap();
    assert_eq!(found.iter().map(|message| message.message_seq).collect::<Vec<_>>(), vec![first.message_seq]);
    let group_id = crate::helpers::create_group(&alice, GroupType::WORK, &["bob"]).await;
    let posted = alice.send_text(&group_id, ConvType::GROUP, "group", false).await.unwrap();
    let locator =
        tincan_proto::api::find_messages::MsgLocator { message_locator_seq: posted.message_seq, ..Default::default() };
    let err = carol.find_messages_by_locator(&group_id, ConvType::GROUP, vec![locator.clone()]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED);
    let found = bob.find_messages_by_locator(&group_id, ConvType::GROUP, vec![locator]).await.unwrap();
    assert_eq!(text_of(&found[0]), "group");
    app.stop().await;
}

#[tokio::test]
async fn an_app_sets_its_own_revoke_time_limit() {
    // Goal: an app's `revoke_time_limit_secs` (REST `tincan/set_app_config`) binds its senders
    // in place of the server's limit, 0 gives the server's back, and the app shows it.
    let app = spawn_app().await;
    let admin = app.admin();
    let (alice, _alice_events) = app.client("alice").await;
    let (_bob, _bob_events) = app.client("bob").await;
    let answer = admin.call("tincan", "set_app_config", &json!({"revoke_time_limit_secs": 1})).await.unwrap();
    assert_eq!(answer["App"]["revoke_time_limit_secs"], 1, "{answer}");
    let sent = alice.send_text("bob", ConvType::C2C, "too late", false).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let err = alice.revoke_message("bob", ConvType::C2C, &sent, "").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_REVOKE_TIME_LIMIT, "{}", err.desc);
    assert!(err.desc.contains("within 1 s"), "{}", err.desc);
    // Back to the server's limit (120 s by default), which the message is well within.
    admin.call("tincan", "set_app_config", &json!({"revoke_time_limit_secs": 0})).await.unwrap();
    alice.revoke_message("bob", ConvType::C2C, &sent, "").await.unwrap();
    let app = app.restart().await;
    let answer = app.admin().call("tincan", "get_app", &json!({})).await.unwrap();
    assert_eq!(answer["App"]["revoke_time_limit_secs"], 0, "{answer}");
    app.stop().await;
}
