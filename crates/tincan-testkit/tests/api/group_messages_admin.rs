//! The administrator's REST commands on a group's messages and unread counts
//! (`delete_group_msg_by_sender`, `set_unread_msg_num`), and `Group.CallbackSendMsgException`,
//! which reports group messages that were refused.

use std::time::Duration;

use serde_json::{Value, json};
use tincan_proto::api::get_message_list;
use tincan_proto::enums::{ConvType, GroupType, MsgStatus, ReadMembersFilter};
use tincan_proto::push::{ConvReadPush, MsgRevokedPush};
use tincan_proto::{ErrorCode, Message};
use tincan_sdk::{Client, Event};
use tincan_testkit::hooks::Answer;
use tincan_testkit::{TestApp, spawn_app, wait_for};

use crate::helpers::{WAIT, app_with_webhooks, create_group, settle, text_of};

fn revoked_of(event: &Event) -> Option<MsgRevokedPush> {
    match event {
        Event::Revoked(push) => Some(push.clone()),
        _ => None,
    }
}

fn conv_read_of(event: &Event) -> Option<ConvReadPush> {
    match event {
        Event::ConvRead(push) => Some(push.clone()),
        _ => None,
    }
}

async fn history(client: &Client, group_id: &str) -> Vec<Message> {
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    client.get_message_list(group_id, ConvType::GROUP, params).await.expect("history")
}

async fn group_unread(client: &Client, group_id: &str) -> u64 {
    let convs = client.conversations().await.expect("the conversation list");
    convs.iter().find(|conv| conv.conv_id == group_id).map_or(0, |conv| conv.conv_unread_num)
}

/// The code of a REST call that should fail.
async fn refused(app: &TestApp, command: &str, body: Value) -> (ErrorCode, String) {
    let err = app.admin().call("group_open_http_svc", command, &body).await.expect_err(command);
    (err.code, err.desc)
}

#[tokio::test]
async fn deleting_a_senders_messages_revokes_them_for_every_member() {
    // Goal: `delete_group_msg_by_sender` takes every message of one sender out of the group's
    // history for everyone: members online are told at once, a message a member had not read
    // leaves its unread count, the conversation's last message is the revoked one as history
    // shows it, the other senders' messages stay, and all of it holds after a restart.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (spammer, _spammer_events) = app.client("spammer").await;
    let (carol, mut carol_events) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::PUBLIC, &["spammer", "carol"]).await;
    let kept = alice.send_text(&group_id, ConvType::GROUP, "hello", false).await.unwrap();
    let mut spam = Vec::new();
    for text in ["buy", "now", "cheap"] {
        spam.push(spammer.send_text(&group_id, ConvType::GROUP, text, true).await.unwrap());
    }
    // Alice reads the first piece of spam and says so.
    alice.send_receipts(&[&spam[0]]).await.unwrap();
    settle(&mut carol_events, Duration::from_millis(300)).await;
    assert_eq!(group_unread(&carol, &group_id).await, 4);

    let answer = app
        .admin()
        .call(
            "group_open_http_svc",
            "delete_group_msg_by_sender",
            &json!({"GroupId": group_id, "Sender_Account": "spammer"}),
        )
        .await
        .unwrap();
    assert_eq!((answer["ActionStatus"].as_str(), answer["ErrorCode"].as_u64()), (Some("OK"), Some(0)));
    let mut told = Vec::new();
    for _ in 0..spam.len() {
        let push = wait_for(&mut carol_events, WAIT, revoked_of).await;
        assert_eq!(push.revoked.message_revoker_user_id, "administrator");
        told.push(push.revoked.message_locator_seq);
    }
    told.sort_unstable();
    assert_eq!(told, spam.iter().map(|message| message.message_seq).collect::<Vec<_>>());
    assert_eq!(group_unread(&carol, &group_id).await, 1, "only alice's message is left unread");
    assert_eq!(carol.total_unread().await.unwrap(), 1);

    let check = |messages: Vec<Message>| {
        for message in &spam {
            let shown = messages.iter().find(|it| it.message_seq == message.message_seq).expect("in history");
            assert_eq!(shown.message_status, MsgStatus::REVOKED, "seq {} is revoked", message.message_seq);
            assert!(shown.message_elem_array.is_empty(), "a revoked message keeps no content");
        }
        let hello = messages.iter().find(|it| it.message_seq == kept.message_seq).expect("alice's message");
        assert_eq!(text_of(hello), "hello");
    };
    check(history(&carol, &group_id).await);
    let convs = carol.conversations().await.unwrap();
    let conv = convs.iter().find(|conv| conv.conv_id == group_id).expect("the group's conversation");
    let last = conv.conv_last_msg.as_ref().expect("a last message");
    assert_eq!((last.message_seq, last.message_status), (spam[2].message_seq, MsgStatus::REVOKED));
    // Its receipts went with it.
    let err = spammer.get_read_members(&spam[0], ReadMembersFilter::READ, 0, 10).await;
    assert!(err.map(|page| page.members.is_empty()).unwrap_or(true));

    // Again: nothing is left to delete, and that is not an error; nor is a sender with no
    // messages here, or one that no longer exists.
    for sender in ["spammer", "alice-never", "nobody"] {
        app.admin()
            .call(
                "group_open_http_svc",
                "delete_group_msg_by_sender",
                &json!({"GroupId": group_id, "Sender_Account": sender}),
            )
            .await
            .unwrap();
    }
    check(history(&alice, &group_id).await);

    // Bad input: TIM's codes, and nothing changes.
    let (code, desc) =
        refused(&app, "delete_group_msg_by_sender", json!({"GroupId": "@TGS#none", "Sender_Account": "spammer"})).await;
    assert_eq!(code, ErrorCode::GROUP_NOT_FOUND, "{desc}");
    let (code, desc) = refused(&app, "delete_group_msg_by_sender", json!({"GroupId": group_id})).await;
    assert_eq!(code, ErrorCode::GROUP_INVALID_PARAMETERS, "{desc}");
    assert!(desc.contains("Sender_Account"), "{desc}");
    let (code, desc) =
        refused(&app, "delete_group_msg_by_sender", json!({"GroupId": group_id, "Sender_Account": 7})).await;
    assert_eq!(code, ErrorCode::GROUP_INVALID_PARAMETERS, "{desc}");

    drop((alice, spammer, carol));
    let app = app.restart().await;
    let (carol, _carol_events) = app.client("carol").await;
    assert_eq!(group_unread(&carol, &group_id).await, 1, "the store keeps the deletion");
    check(history(&carol, &group_id).await);
    app.stop().await;
}

/// Sets bob's unread count in `group_id`.
async fn set_unread(app: &TestApp, group_id: &str, unread: Value) {
    let body = json!({"GroupId": group_id, "Member_Account": "bob", "UnreadMsgNum": unread});
    app.admin().call("group_open_http_svc", "set_unread_msg_num", &body).await.expect("the count is set");
}

#[tokio::test]
async fn a_sender_with_more_messages_than_one_page_loses_them_all() {
    // Goal: the deletion walks every page of the sender's messages (500 to a write), not only the
    // newest.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (spammer, _spammer_events) = app.client("spammer").await;
    let (carol, _carol_events) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::PUBLIC, &["spammer", "carol"]).await;
    let first = spammer.send_text(&group_id, ConvType::GROUP, "spam 0", false).await.unwrap();
    for index in 1..505 {
        spammer.send_text(&group_id, ConvType::GROUP, &format!("spam {index}"), false).await.unwrap();
    }
    alice.send_text(&group_id, ConvType::GROUP, "hello", false).await.unwrap();
    assert_eq!(group_unread(&carol, &group_id).await, 506);
    app.admin()
        .call(
            "group_open_http_svc",
            "delete_group_msg_by_sender",
            &json!({"GroupId": group_id, "Sender_Account": "spammer"}),
        )
        .await
        .unwrap();
    assert_eq!(group_unread(&carol, &group_id).await, 1);
    let oldest = app
        .admin()
        .call(
            "group_open_http_svc",
            "group_msg_get_simple",
            &json!({"GroupId": group_id, "ReqMsgNumber": 1, "ReqMsgSeq": first.message_seq}),
        )
        .await
        .unwrap();
    assert_eq!(oldest["RspMsgList"][0]["MsgSeq"], first.message_seq);
    assert_eq!(oldest["RspMsgList"][0]["MsgBody"], json!([]), "the oldest page is revoked too: {oldest}");
    app.stop().await;
}

#[tokio::test]
async fn setting_a_members_unread_count_moves_its_read_position_both_ways() {
    // Goal: `set_unread_msg_num` leaves exactly that many messages unread for the member (its own
    // messages never count), moving its read position back or forward; its devices are told with
    // the new count; receipts it sent stay sent; more than it can see means all it can see.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (_carol, _carol_events) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    let mut sent = Vec::new();
    for index in 0..6 {
        // Alice's messages, with two of bob's own among them.
        let (client, text) = if index == 2 || index == 4 { (&bob, "mine") } else { (&alice, "theirs") };
        sent.push(client.send_text(&group_id, ConvType::GROUP, text, true).await.unwrap());
    }
    bob.send_receipts(&[&sent[5]]).await.unwrap();
    bob.report_read(&group_id, ConvType::GROUP, None).await.unwrap();
    settle(&mut bob_events, Duration::from_millis(300)).await;
    assert_eq!(group_unread(&bob, &group_id).await, 0);

    set_unread(&app, &group_id, json!(3)).await;
    let push = wait_for(&mut bob_events, WAIT, conv_read_of).await;
    assert_eq!((push.conv_id.as_str(), push.conv.unread), (group_id.as_str(), 3));
    assert!(push.moved_back);
    // Three of alice's: her newest three are the sixth, fourth and second message; bob's own
    // (the third and fifth) do not count, so the position sits just below her second.
    assert_eq!(push.conv.read_seq, sent[0].message_seq);
    assert_eq!(group_unread(&bob, &group_id).await, 3, "the SDK's list follows the push");
    assert_eq!(bob.total_unread().await.unwrap(), 3);
    // A receipt sent stays sent.
    let readers = alice.get_read_members(&sent[5], ReadMembersFilter::READ, 0, 10).await.unwrap();
    let readers: Vec<&str> = readers.members.iter().map(|it| it.group_member_info_identifier.as_str()).collect();
    assert_eq!(readers, vec!["bob"]);

    // Forward again, then more than there is: all bob can see that counts (alice's four).
    set_unread(&app, &group_id, json!(1)).await;
    let push = wait_for(&mut bob_events, WAIT, conv_read_of).await;
    assert_eq!((push.conv.unread, push.moved_back), (1, false));
    set_unread(&app, &group_id, json!(1_000_000)).await;
    let push = wait_for(&mut bob_events, WAIT, conv_read_of).await;
    assert_eq!(push.conv.unread, 4);
    assert_eq!(group_unread(&bob, &group_id).await, 4);
    // The same count again changes nothing; 0 reads everything.
    set_unread(&app, &group_id, json!(4)).await;
    set_unread(&app, &group_id, json!(0)).await;
    let push = wait_for(&mut bob_events, WAIT, conv_read_of).await;
    assert_eq!(push.conv.unread, 0);
    assert_eq!(bob.total_unread().await.unwrap(), 0);

    // Bad input: TIM's codes, and bob's count stays as it is.
    for (body, expected) in [
        (
            json!({"GroupId": group_id, "Member_Account": "bob", "UnreadMsgNum": -1}),
            ErrorCode::GROUP_INVALID_PARAMETERS,
        ),
        (
            json!({"GroupId": group_id, "Member_Account": "bob", "UnreadMsgNum": "3"}),
            ErrorCode::GROUP_INVALID_PARAMETERS,
        ),
        (
            json!({"GroupId": group_id, "Member_Account": "bob", "UnreadMsgNum": 1.5}),
            ErrorCode::GROUP_INVALID_PARAMETERS,
        ),
        (json!({"GroupId": group_id, "Member_Account": "bob"}), ErrorCode::GROUP_INVALID_PARAMETERS),
        (
            json!({"GroupId": group_id, "Member_Account": "carol", "UnreadMsgNum": 2}),
            ErrorCode::GROUP_PERMISSION_DENIED,
        ),
        (
            json!({"GroupId": group_id, "Member_Account": "nobody", "UnreadMsgNum": 2}),
            ErrorCode::GROUP_ACCOUNT_NOT_FOUND,
        ),
        (json!({"GroupId": "@TGS#none", "Member_Account": "bob", "UnreadMsgNum": 2}), ErrorCode::GROUP_NOT_FOUND),
    ] {
        let (code, desc) = refused(&app, "set_unread_msg_num", body.clone()).await;
        assert_eq!(code, expected, "{body}: {desc}");
        assert!(!desc.is_empty());
    }
    assert_eq!(bob.total_unread().await.unwrap(), 0);

    // After a restart the position is where it was set, and bob's own messages still do not
    // count.
    set_unread(&app, &group_id, json!(2)).await;
    drop((alice, bob));
    let app = app.restart().await;
    let (bob, _bob_events) = app.client("bob").await;
    assert_eq!(group_unread(&bob, &group_id).await, 2);
    app.stop().await;
}

#[tokio::test]
async fn a_refused_group_message_reaches_the_exception_webhook() {
    // Goal: a group message refused by the before-send webhook, from a muted member, or to a
    // group that does not exist is reported to `Group.CallbackSendMsgException` with TIM's keys
    // (the message, `ErrorCode`, `ErrorInfo`); a message that goes through is not.
    let (app, mut receiver) =
        app_with_webhooks(&["Group.CallbackSendMsgException", "Group.CallbackBeforeSendMsg"]).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::PUBLIC, &["bob"]).await;
    receiver.answer("Group.CallbackBeforeSendMsg", Answer::Json(json!({"ErrorCode": 1, "ErrorInfo": "not here"})));
    let err = bob.send_text(&group_id, ConvType::GROUP, "refused", false).await.unwrap_err();
    let hook = receiver.next("Group.CallbackSendMsgException", WAIT).await;
    let body = &hook.body;
    assert_eq!(body["CallbackCommand"], "Group.CallbackSendMsgException");
    assert_eq!((body["GroupId"].as_str(), body["Type"].as_str()), (Some(group_id.as_str()), Some("Public")));
    assert_eq!((body["From_Account"].as_str(), body["Operator_Account"].as_str()), (Some("bob"), Some("bob")));
    assert_eq!(body["ErrorCode"].as_u64(), Some(u64::from(err.code.0)));
    assert_eq!(body["ErrorInfo"].as_str(), Some(err.desc.as_str()));
    assert_eq!(body["MsgBody"], json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "refused"}}]));
    assert_eq!(body["OnlineOnlyFlag"], 0);
    assert!(body["Random"].is_u64() && body["EventTime"].as_u64().unwrap() > 0);

    receiver.answer("Group.CallbackBeforeSendMsg", Answer::Ok);
    alice.send_text(&group_id, ConvType::GROUP, "fine", false).await.unwrap();
    app.admin()
        .call(
            "group_open_http_svc",
            "forbid_send_msg",
            &json!({"GroupId": group_id, "Members_Account": ["bob"], "ShutUpTime": 600}),
        )
        .await
        .unwrap();
    let err = bob.send_text(&group_id, ConvType::GROUP, "muted", false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_MEMBER_MUTED);
    let hook = receiver.next("Group.CallbackSendMsgException", WAIT).await;
    assert_eq!(hook.body["ErrorCode"].as_u64(), Some(u64::from(ErrorCode::GROUP_MEMBER_MUTED.0)));
    assert_eq!(hook.body["MsgBody"][0]["MsgContent"]["Text"], "muted", "not alice's message, which went through");

    // Through REST, to a group that does not exist.
    let body = json!({"GroupId": "@TGS#none", "Random": 77, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "lost"}}]});
    let err = app.admin().call("group_open_http_svc", "send_group_msg", &body).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_NOT_FOUND);
    let hook = receiver.next("Group.CallbackSendMsgException", WAIT).await;
    assert_eq!(hook.body["GroupId"], "@TGS#none");
    assert_eq!(hook.body["Type"], "");
    assert_eq!(hook.body["Random"], 77);
    assert_eq!(hook.body["Operator_Account"], "administrator");
    assert_eq!(hook.body["ErrorCode"].as_u64(), Some(u64::from(ErrorCode::GROUP_NOT_FOUND.0)));
    assert!(
        receiver
            .drain(Duration::from_millis(300))
            .await
            .iter()
            .all(|hook| hook.command() != "Group.CallbackSendMsgException")
    );
    app.stop().await;
}
