//! Webhooks against a local receiver: TIM's query string and body keys, before-send answers,
//! retries while the receiver is down, and nothing lost across a server restart.

use std::time::Duration;

use serde_json::{Value, json};
use tincan_proto::api::get_message_list;
use tincan_proto::enums::{ConvType, GroupType};
use tincan_proto::{ErrorCode, Message};
use tincan_sdk::Client;
use tincan_sdk::admin::AdminClient;
use tincan_testkit::hooks::{Answer, Hook, HookReceiver};
use tincan_testkit::{SDKAPPID, spawn_app, spawn_app_with};

use crate::helpers::{WAIT, create_group, message_of, text_of};

/// Long enough for a few retries after a receiver comes back.
const RETRY_WAIT: Duration = Duration::from_secs(20);

const ALL_COMMANDS: [&str; 6] = [
    "C2C.CallbackBeforeSendMsg",
    "C2C.CallbackAfterSendMsg",
    "C2C.CallbackAfterMsgReport",
    "Group.CallbackBeforeSendMsg",
    "Group.CallbackAfterSendMsg",
    "Group.CallbackAfterReadReceipt",
];

async fn enable(admin: &AdminClient, url: &str, commands: &[&str]) {
    let answer = admin
        .call("tincan", "set_app_config", &json!({"callback_url": url, "callback_commands": commands}))
        .await
        .expect("the webhook settings apply");
    assert_eq!(answer["App"]["callback_url"], url);
}

async fn history(client: &Client, conv_id: &str, conv_type: ConvType) -> Vec<Message> {
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    client.get_message_list(conv_id, conv_type, params).await.expect("history")
}

#[tokio::test]
async fn after_send_events_carry_tims_query_and_keys() {
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    enable(&app.admin(), &receiver.url, &["C2C.CallbackAfterSendMsg", "Group.CallbackAfterSendMsg"]).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (_bob, _bob_events) = app.client("bob").await;

    let sent = alice.send_text("bob", ConvType::C2C, "hello bob", true).await.unwrap();
    let hook = receiver.next("C2C.CallbackAfterSendMsg", WAIT).await;
    assert_eq!(hook.query["SdkAppid"], SDKAPPID.to_string());
    assert_eq!(hook.query["contenttype"], "json");
    assert!(hook.query.contains_key("ClientIP") && hook.query.contains_key("OptPlatform"), "{:?}", hook.query);
    let body = &hook.body;
    assert_eq!(body["CallbackCommand"], "C2C.CallbackAfterSendMsg");
    assert_eq!(body["From_Account"], "alice");
    assert_eq!(body["To_Account"], "bob");
    assert_eq!(body["MsgSeq"], sent.message_seq);
    assert_eq!(body["MsgRandom"], sent.message_rand);
    assert_eq!(body["MsgTime"], sent.message_server_time);
    assert_eq!(body["MsgKey"], format!("{}_{}_{}", sent.message_seq, sent.message_rand, sent.message_server_time));
    assert_eq!(body["MsgBody"], json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello bob"}}]));
    assert_eq!(body["UnreadMsgNum"], 1, "bob's unread C2C messages");
    assert_eq!(body["SendMsgResult"], 0);
    assert!(body["EventTime"].is_u64(), "EventTime is a number of milliseconds: {body}");

    let group_id = create_group(&alice, GroupType::PUBLIC, &["bob"]).await;
    let sent = alice.send_text(&group_id, ConvType::GROUP, "hello team", false).await.unwrap();
    let hook = receiver.next("Group.CallbackAfterSendMsg", WAIT).await;
    let body = &hook.body;
    assert_eq!(body["GroupId"], group_id);
    assert_eq!(body["Type"], "Public");
    assert_eq!(body["From_Account"], "alice");
    assert_eq!(body["Operator_Account"], "alice");
    assert_eq!(body["MsgSeq"], sent.message_seq);
    assert_eq!(body["MsgBody"][0]["MsgContent"]["Text"], "hello team");

    // A REST send reports the administrator as the operator.
    app.admin()
        .call(
            "group_open_http_svc",
            "send_group_msg",
            &json!({"GroupId": group_id, "Random": 5, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "notice"}}]}),
        )
        .await
        .unwrap();
    let hook = receiver.next("Group.CallbackAfterSendMsg", WAIT).await;
    assert_eq!(hook.body["From_Account"], "administrator");
    assert_eq!(hook.body["Operator_Account"], "administrator");
    assert_eq!(hook.query["OptPlatform"], "RESTAPI");
}

#[tokio::test]
async fn read_receipts_and_read_reports_are_reported() {
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    enable(&app.admin(), &receiver.url, &["Group.CallbackAfterReadReceipt", "C2C.CallbackAfterMsgReport"]).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let (_carol, _carol_events) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob", "carol"]).await;
    let message = alice.send_text(&group_id, ConvType::GROUP, "read me", true).await.unwrap();
    bob.send_receipts(std::slice::from_ref(&message)).await.unwrap();
    let hook = receiver.next("Group.CallbackAfterReadReceipt", WAIT).await;
    assert_eq!(hook.body["GroupId"], group_id);
    assert_eq!(hook.body["Type"], "Private");
    assert_eq!(
        hook.body["GroupMsgReceiptList"],
        json!([{"MsgSeq": message.message_seq, "ReadNum": 1, "UnreadNum": 1, "ReadReceiptMembers": [{"Member_Account": "bob"}]}])
    );
    // The administrator's receipt on carol's behalf is reported the same way.
    app.admin()
        .call(
            "group_open_http_svc",
            "group_msg_receipt",
            &json!({"GroupId": group_id, "From_Account": "carol", "MsgSeqList": [{"MsgSeq": message.message_seq}]}),
        )
        .await
        .unwrap();
    let hook = receiver.next("Group.CallbackAfterReadReceipt", WAIT).await;
    assert_eq!(hook.body["GroupMsgReceiptList"][0]["ReadNum"], 2);
    assert_eq!(hook.body["GroupMsgReceiptList"][0]["UnreadNum"], 0);
    assert_eq!(hook.body["GroupMsgReceiptList"][0]["ReadReceiptMembers"], json!([{"Member_Account": "carol"}]));

    alice.send_text("bob", ConvType::C2C, "one", false).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "two", false).await.unwrap();
    bob.report_read("alice", ConvType::C2C, None).await.unwrap();
    let hook = receiver.next("C2C.CallbackAfterMsgReport", WAIT).await;
    assert_eq!(hook.body["Report_Account"], "bob");
    assert_eq!(hook.body["Peer_Account"], "alice");
    assert_eq!(hook.body["UnreadMsgNum"], 0);
    assert!(hook.body["LastReadTime"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn c2c_read_receipts_are_reported_with_tims_keys() {
    // Goal: `C2C.CallbackAfterMsgReadReceipt` follows a C2C receipt from a device and one the
    // administrator sends through REST, with the operator, the peer and each message's
    // `MsgKey` and `MsgId`; a receipt sent again reports nothing.
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    enable(&app.admin(), &receiver.url, &["C2C.CallbackAfterMsgReadReceipt"]).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    alice.send_text("bob", ConvType::C2C, "one", true).await.unwrap();
    let first = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await.message;
    alice.send_text("bob", ConvType::C2C, "two", true).await.unwrap();
    let second = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await.message;
    let key =
        |message: &Message| format!("{}_{}_{}", message.message_seq, message.message_rand, message.message_server_time);
    bob.send_receipts(std::slice::from_ref(&first)).await.unwrap();
    let hook = receiver.next("C2C.CallbackAfterMsgReadReceipt", WAIT).await;
    assert_eq!(hook.body["CallbackCommand"], "C2C.CallbackAfterMsgReadReceipt");
    assert_eq!(hook.body["Operator_Account"], "bob");
    assert_eq!(hook.body["Peer_Account"], "alice");
    assert_eq!(
        hook.body["C2CMsgInfo"],
        json!([{"From_Account": "alice", "To_Account": "bob", "MsgKey": key(&first), "MsgId": first.message_msg_id}])
    );
    assert!(hook.body["EventTime"].as_u64().unwrap() > 1_000_000_000_000, "milliseconds: {}", hook.body);
    bob.send_receipts(std::slice::from_ref(&first)).await.unwrap();
    app.admin()
        .call(
            "openim",
            "c2c_msg_read_receipt",
            &json!({"Operator_Account": "bob", "Peer_Account": "alice",
                    "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "bob", "MsgKey": key(&second)}]}),
        )
        .await
        .unwrap();
    let hook = receiver.next("C2C.CallbackAfterMsgReadReceipt", WAIT).await;
    assert_eq!(hook.body["C2CMsgInfo"].as_array().unwrap().len(), 1, "{}", hook.body);
    assert_eq!(hook.body["C2CMsgInfo"][0]["MsgId"], second.message_msg_id.as_str());
    assert_eq!(hook.query["OptPlatform"], "RESTAPI");
    let more = receiver.drain(Duration::from_millis(500)).await;
    assert!(more.is_empty(), "a receipt sent again was reported: {more:?}");
}

#[tokio::test]
async fn a_private_readers_reads_reach_no_webhook() {
    // Goal: receipts and read reports of a user who keeps its reads private produce no webhook
    // naming it, as they produce no push to anyone else; a public reader's still do, and their
    // counts leave the private reader among the unread.
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    let commands = ["Group.CallbackAfterReadReceipt", "C2C.CallbackAfterMsgReport", "C2C.CallbackAfterMsgReadReceipt"];
    enable(&app.admin(), &receiver.url, &commands).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (carol, _carol_events) = app.client("carol").await;
    bob.set_receipt_privacy(true).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "receipt me", true).await.unwrap();
    let c2c = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await.message;
    bob.send_receipts(std::slice::from_ref(&c2c)).await.unwrap();
    let group_id = create_group(&alice, GroupType::WORK, &["bob", "carol"]).await;
    let message = alice.send_text(&group_id, ConvType::GROUP, "read me", true).await.unwrap();
    bob.send_receipts(std::slice::from_ref(&message)).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "one", false).await.unwrap();
    bob.report_read("alice", ConvType::C2C, None).await.unwrap();
    // The administrator acting for bob is bob's read too.
    app.admin()
        .call("openim", "admin_set_msg_read", &json!({"Report_Account": "bob", "Peer_Account": "alice"}))
        .await
        .unwrap();
    carol.send_receipts(std::slice::from_ref(&message)).await.unwrap();
    let hooks = receiver.drain(Duration::from_millis(1_500)).await;
    assert!(
        hooks.iter().all(|hook| !hook.body.to_string().contains("\"bob\"")),
        "a webhook named the private reader: {hooks:?}"
    );
    let receipts: Vec<&Hook> = hooks.iter().filter(|hook| hook.command() == "Group.CallbackAfterReadReceipt").collect();
    assert_eq!(receipts.len(), 1, "{hooks:?}");
    assert_eq!(
        receipts[0].body["GroupMsgReceiptList"],
        json!([{"MsgSeq": message.message_seq, "ReadNum": 1, "UnreadNum": 1, "ReadReceiptMembers": [{"Member_Account": "carol"}]}])
    );
    assert!(hooks.iter().all(|hook| hook.command() != "C2C.CallbackAfterMsgReport"), "{hooks:?}");
}

#[tokio::test]
async fn before_send_answers_refuse_change_or_drop_messages() {
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    let admin = app.admin();
    enable(&admin, &receiver.url, &ALL_COMMANDS).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::PUBLIC, &["bob"]).await;

    receiver.answer(
        "C2C.CallbackBeforeSendMsg",
        Answer::Json(json!({"ActionStatus": "OK", "ErrorCode": 1, "ErrorInfo": "not today"})),
    );
    let err = alice.send_text("bob", ConvType::C2C, "refused", false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_REJECTED_BY_CALLBACK);
    assert!(err.desc.contains("not today"), "{}", err.desc);
    let hook = receiver.next("C2C.CallbackBeforeSendMsg", WAIT).await;
    assert_eq!(hook.body["MsgBody"][0]["MsgContent"]["Text"], "refused");
    receiver.answer("Group.CallbackBeforeSendMsg", Answer::Json(json!({"ErrorCode": 1})));
    let err = alice.send_text(&group_id, ConvType::GROUP, "refused too", false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_REJECTED_BY_CALLBACK);
    assert!(history(&bob, "alice", ConvType::C2C).await.is_empty(), "nothing refused is stored");

    receiver
        .answer("C2C.CallbackBeforeSendMsg", Answer::Json(json!({"ErrorCode": 120_123, "ErrorInfo": "custom reason"})));
    let err = alice.send_text("bob", ConvType::C2C, "custom", false).await.unwrap_err();
    assert_eq!((err.code.0, err.desc.as_str()), (120_123, "custom reason"), "a C2C custom code reaches the sender");

    receiver.answer(
        "C2C.CallbackBeforeSendMsg",
        Answer::Json(json!({"ErrorCode": 0, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "***"}}]})),
    );
    let sent = alice.send_text("bob", ConvType::C2C, "a rude word", false).await.unwrap();
    assert_eq!(text_of(&sent), "***", "the sender sees what was stored");
    let delivered = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(text_of(&delivered.message), "***");
    let after = receiver.next("C2C.CallbackAfterSendMsg", WAIT).await;
    assert_eq!(after.body["MsgBody"][0]["MsgContent"]["Text"], "***", "after-send carries the changed body");

    receiver.answer("C2C.CallbackBeforeSendMsg", Answer::Json(json!({"ErrorCode": 2})));
    let dropped = alice.send_text("bob", ConvType::C2C, "dropped quietly", false).await.unwrap();
    assert_eq!(dropped.message_seq, 0, "a dropped message was never stored");
    let texts: Vec<String> =
        history(&bob, "alice", ConvType::C2C).await.iter().map(|message| text_of(message).to_owned()).collect();
    assert_eq!(texts, vec!["***".to_owned()]);

    // The REST API can skip the before-send webhook, as TIM's ForbidCallbackControl does.
    receiver.answer("C2C.CallbackBeforeSendMsg", Answer::Json(json!({"ErrorCode": 1})));
    admin
        .call(
            "openim",
            "sendmsg",
            &json!({
                "From_Account": "alice", "To_Account": "bob", "MsgRandom": 77,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "from the back end"}}],
                "ForbidCallbackControl": ["ForbidBeforeSendMsgCallback"]
            }),
        )
        .await
        .expect("sent without asking the before-send webhook");
}

#[tokio::test]
async fn a_before_send_receiver_that_does_not_answer_lets_the_message_through() {
    let app = spawn_app().await;
    let receiver = HookReceiver::start().await;
    enable(&app.admin(), &receiver.url, &["C2C.CallbackBeforeSendMsg"]).await;
    receiver.answer("C2C.CallbackBeforeSendMsg", Answer::Hang(Duration::from_secs(30)));
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let started = std::time::Instant::now();
    let sent = alice.send_text("bob", ConvType::C2C, "still sent", false).await.unwrap();
    assert!(sent.message_seq > 0);
    // The receiver would answer after 30 s; the server waits its 2 s and goes on.
    assert!(started.elapsed() < Duration::from_secs(8), "the send waited {:?}", started.elapsed());
    assert_eq!(history(&bob, "alice", ConvType::C2C).await.len(), 1);
}

#[tokio::test]
async fn a_full_queue_drops_new_events_counts_them_and_messaging_goes_on() {
    // Goal: with the receiver down, the app's queue holds its bound (3 here) and no more; later
    // events are dropped and counted; every message is still sent; the queued events arrive
    // when the receiver is back, and the dropped ones never do.
    let app = spawn_app_with(|config| config.webhook_queue_max = 3).await;
    let addr = HookReceiver::unused_addr().await;
    enable(&app.admin(), &format!("http://{addr}/hook"), &["C2C.CallbackAfterSendMsg"]).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    for n in 0..6 {
        alice.send_text("bob", ConvType::C2C, &format!("message {n}"), false).await.expect("messaging goes on");
    }
    assert_eq!(history(&bob, "alice", ConvType::C2C).await.len(), 6);
    let metrics = &app.engine().metrics().webhooks_dropped;
    assert_eq!(metrics.load(std::sync::atomic::Ordering::Relaxed), 3);
    let text = app.engine().metrics().render();
    assert!(text.contains("tincan_webhooks_dropped_total 3"), "{text}");
    let mut receiver = HookReceiver::start_at(addr).await;
    let mut texts = Vec::new();
    for _ in 0..3 {
        let hook = receiver.next("C2C.CallbackAfterSendMsg", RETRY_WAIT).await;
        texts.push(hook.body["MsgBody"][0]["MsgContent"]["Text"].as_str().unwrap().to_owned());
    }
    texts.sort();
    assert_eq!(texts, ["message 0", "message 1", "message 2"]);
    let late = receiver.drain(Duration::from_millis(1_500)).await;
    assert!(late.is_empty(), "dropped events arrived: {}", late.len());
}

#[tokio::test]
async fn events_wait_while_the_receiver_is_down_and_arrive_when_it_is_back() {
    let app = spawn_app().await;
    let addr = HookReceiver::unused_addr().await;
    enable(&app.admin(), &format!("http://{addr}/hook"), &["C2C.CallbackAfterSendMsg"]).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (_bob, _bob_events) = app.client("bob").await;
    for n in 0..5 {
        alice.send_text("bob", ConvType::C2C, &format!("message {n}"), false).await.expect("messaging goes on");
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let mut receiver = HookReceiver::start_at(addr).await;
    let mut texts = Vec::new();
    for _ in 0..5 {
        let hook = receiver.next("C2C.CallbackAfterSendMsg", RETRY_WAIT).await;
        texts.push(hook.body["MsgBody"][0]["MsgContent"]["Text"].as_str().unwrap().to_owned());
    }
    texts.sort();
    assert_eq!(texts, (0..5).map(|n| format!("message {n}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_failing_receiver_is_retried_until_it_takes_the_event() {
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    enable(&app.admin(), &receiver.url, &["Group.CallbackAfterSendMsg"]).await;
    receiver.answer("Group.CallbackAfterSendMsg", Answer::Fail);
    let (alice, _alice_events) = app.client("alice").await;
    let group_id = create_group(&alice, GroupType::PUBLIC, &[]).await;
    alice.send_text(&group_id, ConvType::GROUP, "retry me", false).await.unwrap();
    let first = receiver.next("Group.CallbackAfterSendMsg", WAIT).await;
    receiver.answer("Group.CallbackAfterSendMsg", Answer::Ok);
    let again = receiver.next("Group.CallbackAfterSendMsg", RETRY_WAIT).await;
    assert_eq!(first.body, again.body, "the same event, again");
    let delivered = &app.engine().metrics().webhooks_delivered;
    let deadline = tokio::time::Instant::now() + WAIT;
    while delivered.load(std::sync::atomic::Ordering::Relaxed) == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the delivery is recorded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(app.engine().metrics().webhooks_failed.load(std::sync::atomic::Ordering::Relaxed) >= 1);
}

#[tokio::test]
async fn pending_events_survive_a_server_restart() {
    let app = spawn_app().await;
    let addr = HookReceiver::unused_addr().await;
    enable(&app.admin(), &format!("http://{addr}/hook"), &["C2C.CallbackAfterSendMsg"]).await;
    let (alice, alice_events) = app.client("alice").await;
    let (bob, bob_events) = app.client("bob").await;
    alice.send_text("bob", ConvType::C2C, "before the restart", false).await.unwrap();
    alice.close().await;
    bob.close().await;
    drop((alice_events, bob_events));
    let app = app.restart().await;
    let mut receiver = HookReceiver::start_at(addr).await;
    let hook = receiver.next("C2C.CallbackAfterSendMsg", RETRY_WAIT).await;
    assert_eq!(hook.body["MsgBody"][0]["MsgContent"]["Text"], "before the restart");
    assert!(receiver.drain(Duration::from_millis(1_500)).await.is_empty(), "delivered once it was taken");
    drop(app);
}

#[tokio::test]
async fn a_hanging_receiver_does_not_hold_up_messaging() {
    let app = spawn_app().await;
    let receiver = HookReceiver::start().await;
    enable(&app.admin(), &receiver.url, &["C2C.CallbackAfterSendMsg", "Group.CallbackAfterSendMsg"]).await;
    receiver.answer("C2C.CallbackAfterSendMsg", Answer::Hang(Duration::from_secs(60)));
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    for n in 0..50 {
        tokio::time::timeout(WAIT, alice.send_text("bob", ConvType::C2C, &format!("m{n}"), false))
            .await
            .expect("a send is not held up by the webhook")
            .unwrap();
    }
    assert_eq!(history(&bob, "alice", ConvType::C2C).await.len(), 50);
}

#[tokio::test]
async fn webhook_settings_are_checked() {
    let app = spawn_app().await;
    let admin = app.admin();
    let answer = admin
        .call_raw("tincan", "set_app_config", &json!({"callback_url": "ftp://example.invalid/"}).to_string())
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 70402, "{answer}");
    let answer = admin
        .call_raw("tincan", "set_app_config", &json!({"callback_commands": ["C2C.CallbackTeleport"]}).to_string())
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 70402);
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("C2C.CallbackTeleport"));
    let app_info: Value = admin.call("tincan", "get_app", &json!({})).await.unwrap();
    assert_eq!(app_info["App"]["callback_url"], "", "nothing changed");
}
