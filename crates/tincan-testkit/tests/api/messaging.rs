//! C2C and group messaging: delivery to every device, seqs, resends.

use serde_json::json;
use tincan_proto::api::get_message_list;
use tincan_proto::enums::ConvType;
use tincan_proto::{Elem, Message};
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

#[tokio::test]
async fn group_messages_reach_every_member_with_increasing_seqs() {
    // Goal: a group message reaches every online member (and the sender's other devices), with
    // one seq per message in send order.
    let app = spawn_app().await;
    let mut clients = app.clients(&["owner", "m1", "m2"]).await;
    let group_id =
        crate::helpers::create_group(&clients[0].0, tincan_proto::enums::GroupType::WORK, &["m1", "m2"]).await;
    let (owner_phone, mut owner_phone_events) = app.client("owner").await;
    for index in 0..5 {
        let sent = clients[1].0.send_text(&group_id, ConvType::GROUP, &format!("m{index}"), false).await.unwrap();
        assert_eq!(sent.message_seq, index + 1);
    }
    for who in [0, 2] {
        let events = &mut clients[who].1;
        for index in 0..5u64 {
            let push = wait_for(events, WAIT, message_of).await;
            assert_eq!(push.message.message_seq, index + 1);
            assert_eq!(push.message.message_conv_id, group_id);
            assert_eq!(push.message.message_conv_type, ConvType::GROUP);
            // Pushes carry the conversation's state when they are sent, which may already
            // include later messages.
            assert!(push.conv.unread > index && push.conv.unread <= 5, "{:?}", push.conv);
            assert!(push.conv.max_seq >= push.message.message_seq);
        }
    }
    let first = wait_for(&mut owner_phone_events, WAIT, message_of).await;
    assert_eq!(first.message.message_seq, 1, "the owner's second device gets them too");
    drop(owner_phone);
    app.stop().await;
}

#[tokio::test]
async fn a_resend_does_not_duplicate() {
    // Goal: sending the same message again (same sender, rand and client time) returns the
    // stored message and stores nothing new.
    let app = spawn_app().await;
    let (_bob, mut bob_events) = app.client("bob").await;
    let (alice, _alice_events) = app.client("alice").await;
    let message = tincan_proto::Message {
        message_elem_array: vec![tincan_proto::Elem::text("once")],
        message_rand: 4242,
        message_client_time: 1_800_000_000,
        ..Default::default()
    };
    let first = alice.send_message("bob", ConvType::C2C, message.clone()).await.unwrap();
    let again = alice.send_message("bob", ConvType::C2C, message.clone()).await.unwrap();
    assert_eq!(first.message_seq, again.message_seq);
    assert_eq!(first.message_msg_id, again.message_msg_id);
    assert_eq!(first.message_unique_id, again.message_unique_id);
    let next = alice.send_text("bob", ConvType::C2C, "second", false).await.unwrap();
    assert_eq!(next.message_seq, 2, "the resend took no seq");
    let history = alice.get_message_list("bob", ConvType::C2C, Default::default()).await.unwrap();
    assert_eq!(history.len(), 2);
    let pushes: Vec<_> = crate::helpers::settle(&mut bob_events, std::time::Duration::from_millis(300))
        .await
        .iter()
        .filter_map(message_of)
        .collect();
    assert_eq!(pushes.len(), 2, "bob was pushed each message once");
    app.stop().await;
}

#[tokio::test]
async fn a_send_whose_connection_closes_before_the_answer_is_stored_and_its_resend_finds_it() {
    // Goal: a request runs to completion even when its connection closes before the answer, so
    // the resend of a message whose answer was lost finds it (rather than being told 6015, "still
    // being stored", for as long as the ID is remembered) and the message is stored once.
    use futures_util::{SinkExt, StreamExt};
    use tincan_testkit::hooks::{Answer, HookReceiver};
    use tokio_tungstenite::tungstenite::Message as WsMessage;

    let app = spawn_app().await;
    // A before-send webhook that takes a second holds the send in flight while its connection
    // closes.
    let mut receiver = HookReceiver::start().await;
    receiver.answer("C2C.CallbackBeforeSendMsg", Answer::Hang(std::time::Duration::from_secs(1)));
    app.admin()
        .call(
            "tincan",
            "set_app_config",
            &json!({"callback_url": receiver.url, "callback_commands": ["C2C.CallbackBeforeSendMsg"]}),
        )
        .await
        .expect("the webhook settings apply");
    let (bob, _bob_events) = app.client("bob").await;
    let (alice, _alice_events) = app.client("alice").await;

    let message = Message {
        message_elem_array: vec![Elem::text("the answer was lost")],
        message_rand: 777,
        message_client_time: 1_800_000_000,
        ..Default::default()
    };
    let (mut socket, _) = tokio_tungstenite::connect_async(app.ws_url()).await.unwrap();
    let login = json!({"id": 1, "op": "login", "data": {"sdkappid": tincan_testkit::SDKAPPID, "identifier": "alice", "user_sig": tincan_testkit::user_sig("alice")}});
    socket.send(WsMessage::Text(login.to_string().into())).await.unwrap();
    loop {
        let Some(Ok(WsMessage::Text(text))) = socket.next().await else { panic!("the login is answered") };
        let frame: serde_json::Value = serde_json::from_str(&text).unwrap();
        if frame["id"] == 1 {
            assert_eq!(frame["code"], 0, "{frame}");
            break;
        }
    }
    let send = json!({"id": 2, "op": "msg_send", "data": {"conv_id": "bob", "conv_type": 1, "message": message}});
    socket.send(WsMessage::Text(send.to_string().into())).await.unwrap();
    receiver.next("C2C.CallbackBeforeSendMsg", WAIT).await;
    socket.close(None).await.unwrap();
    drop(socket);

    let resent =
        tokio::time::timeout(std::time::Duration::from_secs(10), alice.send_message("bob", ConvType::C2C, message))
            .await
            .expect("the resend is answered in time")
            .expect("the resend finds the message");
    let history = bob.get_message_list("alice", ConvType::C2C, Default::default()).await.unwrap();
    assert_eq!(history.len(), 1, "stored once");
    assert_eq!(history[0].message_msg_id, resent.message_msg_id);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_share_commits() {
    // Goal: durability does not cost one commit per message: 400 messages sent concurrently by
    // 20 clients are stored in fewer batches than messages (group commit), and every one is
    // acknowledged and readable.
    let app = spawn_app().await;
    let (_sink, _sink_events) = app.client("sink").await;
    let mut senders = Vec::new();
    for index in 0..20 {
        senders.push(app.client(&format!("s{index}")).await.0);
    }
    let before = app.engine().metrics().store_batches.load(std::sync::atomic::Ordering::Relaxed);
    let mut tasks = Vec::new();
    for sender in senders {
        tasks.push(tokio::spawn(async move {
            for index in 0..20 {
                sender.send_text("sink", ConvType::C2C, &format!("{index}"), false).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let batches = app.engine().metrics().store_batches.load(std::sync::atomic::Ordering::Relaxed) - before;
    let messages = app.engine().metrics().messages.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(messages, 400);
    assert!(batches < messages, "{batches} commits for {messages} messages");
    let (sink, _events) = app.client("sink").await;
    assert_eq!(sink.total_unread().await.unwrap(), 400);
    app.stop().await;
}

#[tokio::test]
async fn image_file_sound_and_video_elements_travel_as_their_metadata() {
    // Goal: media elements are carried as the metadata TIM's keys describe (the files live
    // elsewhere), unchanged, in the push and in history; an element with a mistyped known key
    // is refused.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let elem = |value: serde_json::Value| -> Elem {
        match value {
            serde_json::Value::Object(map) => Elem(map),
            _ => unreachable!(),
        }
    };
    let elems = vec![
        elem(
            json!({"elem_type": 1, "image_elem_orig_url": "https://cdn.example/p.jpg", "image_elem_orig_pic_width": 800,
                    "image_elem_orig_pic_height": 600, "image_elem_orig_pic_size": 120_000, "image_elem_format": 1,
                    "image_elem_thumb_url": "https://cdn.example/p-thumb.jpg"}),
        ),
        elem(json!({"elem_type": 4, "file_elem_file_name": "report.pdf", "file_elem_file_size": 52_000,
                    "file_elem_url": "https://cdn.example/report.pdf"})),
        elem(json!({"elem_type": 2, "sound_elem_url": "https://cdn.example/v.m4a", "sound_elem_file_size": 9_000,
                    "sound_elem_file_time": 7})),
        elem(
            json!({"elem_type": 9, "video_elem_video_url": "https://cdn.example/v.mp4", "video_elem_video_duration": 12,
                    "video_elem_video_size": 900_000, "video_elem_video_type": "mp4",
                    "video_elem_image_url": "https://cdn.example/v.jpg", "video_elem_image_width": 640,
                    "video_elem_image_height": 360}),
        ),
    ];
    let message = Message { message_elem_array: elems.clone(), ..Message::default() };
    alice.send_message("bob", ConvType::C2C, message).await.unwrap();
    let pushed = wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(pushed.message.message_elem_array, elems, "the push carries the elements unchanged");
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 10, ..Default::default() };
    let history = bob.get_message_list("alice", ConvType::C2C, params).await.unwrap();
    assert_eq!(history[0].message_elem_array, elems, "history carries them unchanged");
    // A known key with the wrong JSON type is refused, and nothing is stored.
    let bad = Message {
        message_elem_array: vec![elem(json!({"elem_type": 1, "image_elem_orig_pic_width": "wide"}))],
        ..Message::default()
    };
    let error = alice.send_message("bob", ConvType::C2C, bad).await.unwrap_err();
    assert!(error.desc.contains("image_elem_orig_pic_width"), "{error:?}");
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 10, ..Default::default() };
    assert_eq!(bob.get_message_list("alice", ConvType::C2C, params).await.unwrap().len(), 1);
}
