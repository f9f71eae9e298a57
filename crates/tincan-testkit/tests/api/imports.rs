//! Message imports through REST (`openim/importmsg`, `group_open_http_svc/import_group_msg`):
//! history keeps its times and sender, counts as no one's unread message and reaches no device
//! as new; live imports do; repeated imports are stored once; TIM's refusals with its codes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tincan_proto::Message;
use tincan_proto::api::get_message_list;
use tincan_proto::enums::ConvType;
use tincan_sdk::Client;
use tincan_sdk::admin::AdminClient;
use tincan_testkit::spawn_app;

use crate::helpers::{WAIT, message_of, text_of};

fn text_body(text: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}])
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

async fn import_accounts(admin: &AdminClient, users: &[&str]) {
    admin.call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": users})).await.unwrap();
}

async fn history(client: &Client, conv_id: &str, conv_type: ConvType) -> Vec<Message> {
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    let mut messages = client.get_message_list(conv_id, conv_type, params).await.expect("history");
    messages.sort_by_key(|message| message.message_seq);
    messages
}

fn code(answer: &Value) -> u64 {
    answer["ErrorCode"].as_u64().unwrap()
}

#[tokio::test]
async fn importmsg_history_keeps_its_time_is_not_unread_and_is_pushed_to_no_one() {
    let app = spawn_app().await;
    let admin = app.admin();
    import_accounts(&admin, &["alice", "bob"]).await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (_alice, mut alice_events) = app.client("alice").await;
    let sent_at = now() - 86_400;
    let body = json!({"SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob", "MsgSeq": 41,
                      "MsgRandom": 9001, "MsgTimeStamp": sent_at, "MsgBody": text_body("from the old system"),
                      "CloudCustomData": "old"});
    admin.call("openim", "importmsg", &body).await.unwrap();
    // The same message imported again is stored once.
    admin.call("openim", "importmsg", &body).await.unwrap();

    let pushed = tincan_testkit::drain(&mut bob_events, Duration::from_millis(800)).await;
    assert!(pushed.iter().all(|event| message_of(event).is_none()), "history reached bob's device: {pushed:?}");
    let pushed = tincan_testkit::drain(&mut alice_events, Duration::from_millis(200)).await;
    assert!(pushed.iter().all(|event| message_of(event).is_none()), "history reached alice's device: {pushed:?}");
    assert_eq!(bob.total_unread().await.unwrap(), 0, "history counts as no one's unread message");

    let messages = history(&bob, "alice", ConvType::C2C).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(text_of(&messages[0]), "from the old system");
    assert_eq!(messages[0].message_sender, "alice");
    assert_eq!(messages[0].message_server_time, sent_at);
    assert_eq!(messages[0].message_rand, 9001);
    assert_eq!(messages[0].message_cloud_custom_str, "old");
    let listed = bob.conversations().await.unwrap();
    assert!(listed.iter().any(|conv| conv.conv_id == "alice"), "the import lists the conversation: {listed:?}");

    // The roaming history reads it with its time.
    let roam = admin
        .call(
            "openim",
            "admin_getroammsg",
            &json!({"Operator_Account": "bob", "Peer_Account": "alice", "MaxCnt": 10, "MinTime": 0, "MaxTime": now() + 10}),
        )
        .await
        .unwrap();
    assert_eq!(roam["MsgList"][0]["MsgTimeStamp"], sent_at);
    assert_eq!(roam["MsgList"][0]["From_Account"], "alice");
}

#[tokio::test]
async fn an_old_message_imported_again_after_a_restart_is_found_in_the_store() {
    // Goal: the message-ID memory holds recent IDs only, by the server's clock; an import's
    // time is years old, so finding it again is the store's job. Asking the memory with the
    // message's own time once made the second import a second row, a failed write, and a
    // server refusing every later change.
    let app = spawn_app().await;
    let admin = app.admin();
    import_accounts(&admin, &["alice", "bob"]).await;
    let body = json!({"SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob", "MsgSeq": 7,
                      "MsgRandom": 1287657, "MsgTimeStamp": 1_556_178_720u64, "MsgBody": text_body("hi")});
    let first = admin.call("openim", "importmsg", &body).await.unwrap();
    assert_eq!(code(&first), 0);
    let app = app.restart().await;
    let admin = app.admin();
    let again = admin.call_raw("openim", "importmsg", &body.to_string()).await.unwrap();
    assert_eq!(code(&again), 0, "{again}");

    let (bob, _bob_events) = app.client("bob").await;
    let (alice, _alice_events) = app.client("alice").await;
    alice.send_text("bob", ConvType::C2C, "still here", false).await.expect("the server still takes changes");
    let messages = history(&bob, "alice", ConvType::C2C).await;
    let texts: Vec<&str> = messages.iter().map(text_of).collect();
    assert_eq!(texts, ["hi", "still here"], "the import is stored once");
}

#[tokio::test]
async fn importmsg_live_is_pushed_and_counted_as_unread() {
    let app = spawn_app().await;
    let admin = app.admin();
    import_accounts(&admin, &["alice", "bob"]).await;
    let (bob, mut bob_events) = app.client("bob").await;
    let sent_at = now() - 5;
    admin
        .call(
            "openim",
            "importmsg",
            &json!({"SyncFromOldSystem": 5, "From_Account": "alice", "To_Account": "bob", "MsgSeq": 1,
                    "MsgRandom": 77, "MsgTimeStamp": sent_at, "MsgBody": text_body("live")}),
        )
        .await
        .unwrap();
    let pushed = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(text_of(&pushed.message), "live");
    assert_eq!(pushed.message.message_server_time, sent_at);
    assert_eq!(bob.total_unread().await.unwrap(), 1);
}

#[tokio::test]
async fn importmsg_refuses_bad_input_with_its_codes() {
    let app = spawn_app().await;
    let admin = app.admin();
    import_accounts(&admin, &["alice", "bob"]).await;
    let call = |body: Value| {
        let admin = admin.clone();
        async move { admin.call_raw("openim", "importmsg", &body.to_string()).await.unwrap() }
    };
    let good = json!({"SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob", "MsgSeq": 1,
                      "MsgRandom": 1, "MsgTimeStamp": now() - 60, "MsgBody": text_body("x")});
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = good.clone();
        body.as_object_mut().unwrap().remove(key);
        body
    };
    let answer = call(with("SyncFromOldSystem", json!(3))).await;
    assert_eq!(code(&answer), 90030);
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("SyncFromOldSystem"), "{answer}");
    assert_eq!(code(&call(without("SyncFromOldSystem")).await), 90030);
    assert_eq!(code(&call(without("MsgTimeStamp")).await), 90006);
    assert_eq!(code(&call(with("MsgTimeStamp", json!("yesterday"))).await), 90001);
    assert_eq!(code(&call(without("To_Account")).await), 90003);
    assert_eq!(code(&call(without("MsgRandom")).await), 90005);
    assert_eq!(code(&call(with("MsgBody", json!({"Text": "x"}))).await), 90007);
    assert_eq!(code(&call(with("To_Account", json!("nobody"))).await), 90012);
    assert_eq!(code(&call(with("From_Account", json!("nobody"))).await), 20003);
    let answer = call(with("MsgTimeStamp", json!(now() + 3_600))).await;
    assert_eq!(code(&answer), 90006);
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("future"), "{answer}");
    // Nothing was stored by any of them.
    let (bob, _bob_events) = app.client("bob").await;
    assert!(history(&bob, "alice", ConvType::C2C).await.is_empty());
}

async fn old_group(admin: &AdminClient, group_id: &str, group_type: &str, created_at: u64) {
    admin
        .call(
            "group_open_http_svc",
            "import_group",
            &json!({"Owner_Account": "alice", "Type": group_type, "GroupId": group_id, "Name": "Old",
                    "CreateTime": created_at}),
        )
        .await
        .unwrap();
    admin
        .call(
            "group_open_http_svc",
            "import_group_member",
            &json!({"GroupId": group_id, "MemberList": [{"Member_Account": "bob", "JoinTime": created_at + 1}]}),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn import_group_msg_keeps_time_order_seqs_and_answers_per_message() {
    let app = spawn_app().await;
    let admin = app.admin();
    import_accounts(&admin, &["alice", "bob", "carol"]).await;
    let created_at = now() - 100_000;
    old_group(&admin, "old-club", "Public", created_at).await;
    let (bob, mut bob_events) = app.client("bob").await;
    let message = |from: &str, time: u64, random: u64, text: &str| json!({"From_Account": from, "SendTime": time, "Random": random, "MsgBody": text_body(text)});
    let first_time = created_at + 10;
    let answer = admin
        .call(
            "group_open_http_svc",
            "import_group_msg",
            &json!({"GroupId": "old-club", "RecentContactFlag": 1, "MsgList": [
                message("alice", first_time, 1, "first"),
                // Not a member any more: an import keeps who sent it.
                message("carol", first_time + 20, 2, "second"),
                // Before the one imported just before it.
                message("alice", first_time + 5, 3, "out of order"),
                message("alice", now() + 3_600, 4, "in the future"),
            ]}),
        )
        .await
        .unwrap();
    assert_eq!(
        answer["ImportMsgResult"],
        json!([
            {"MsgSeq": 1, "MsgTime": first_time, "Result": 0},
            {"MsgSeq": 2, "MsgTime": first_time + 20, "Result": 0},
            {"MsgSeq": 0, "MsgTime": first_time + 5, "Result": 10004},
            {"MsgSeq": 0, "MsgTime": now_or_later(&answer, 3), "Result": 10004},
        ]),
        "{answer}"
    );
    // Imported again, the first is found, not stored twice; a later one takes the next seq.
    let again = admin
        .call(
            "group_open_http_svc",
            "import_group_msg",
            &json!({"GroupId": "old-club", "MsgList": [
                message("alice", first_time, 1, "first"),
                message("bob", first_time + 30, 5, "third"),
            ]}),
        )
        .await
        .unwrap();
    assert_eq!(
        again["ImportMsgResult"],
        json!([
            {"MsgSeq": 1, "MsgTime": first_time, "Result": 0},
            {"MsgSeq": 3, "MsgTime": first_time + 30, "Result": 0},
        ])
    );
    let messages = history(&bob, "old-club", ConvType::GROUP).await;
    let seen: Vec<(u64, &str, &str, u64)> = messages
        .iter()
        .map(|it| (it.message_seq, it.message_sender.as_str(), text_of(it), it.message_server_time))
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, "alice", "first", first_time),
            (2, "carol", "second", first_time + 20),
            (3, "bob", "third", first_time + 30)
        ]
    );
    assert!(messages.iter().all(|it| !it.message_need_read_receipt));
    assert_eq!(bob.total_unread().await.unwrap(), 0, "imports count as no one's unread message");
    // A message sent now follows the imports in the group's seq.
    let sent = bob.send_text("old-club", ConvType::GROUP, "now", false).await.unwrap();
    assert_eq!(sent.message_seq, 4);
    let _ = tincan_testkit::drain(&mut bob_events, Duration::from_millis(100)).await;
}

/// The time the answer gave the message at `index` (a time in the future, checked as such).
fn now_or_later(answer: &Value, index: usize) -> u64 {
    let time = answer["ImportMsgResult"][index]["MsgTime"].as_u64().unwrap();
    assert!(time > now(), "{answer}");
    time
}

#[tokio::test]
async fn import_group_msg_refuses_what_tim_refuses() {
    let app = spawn_app().await;
    let admin = app.admin();
    import_accounts(&admin, &["alice", "bob"]).await;
    let created_at = now() - 100_000;
    old_group(&admin, "old-club", "Public", created_at).await;
    admin
        .call(
            "group_open_http_svc",
            "import_group",
            &json!({"Owner_Account": "alice", "Type": "AVChatRoom", "GroupId": "old-live", "Name": "Live",
                    "CreateTime": created_at}),
        )
        .await
        .unwrap();
    let call = |body: Value| {
        let admin = admin.clone();
        async move { admin.call_raw("group_open_http_svc", "import_group_msg", &body.to_string()).await.unwrap() }
    };
    let one = |time: u64| json!({"From_Account": "alice", "SendTime": time, "MsgBody": text_body("x")});
    let answer = call(json!({"GroupId": "old-live", "MsgList": [one(created_at + 5)]})).await;
    assert_eq!(code(&answer), 10007, "{answer}");
    assert_eq!(code(&call(json!({"GroupId": "nowhere", "MsgList": [one(created_at + 5)]})).await), 10010);
    let eight: Vec<Value> = (0..8).map(|it| one(created_at + 5 + it)).collect();
    let answer = call(json!({"GroupId": "old-club", "MsgList": eight})).await;
    assert_eq!(code(&answer), 10004);
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("1 to 7"), "{answer}");
    assert_eq!(code(&call(json!({"GroupId": "old-club", "MsgList": []})).await), 10004);
    let answer = call(json!({"GroupId": "old-club", "MsgList": [
        one(created_at + 5),
        {"From_Account": "nobody", "SendTime": created_at + 6, "MsgBody": text_body("x")},
    ]}))
    .await;
    assert_eq!(code(&answer), 10019, "{answer}");
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("MsgList[1]"), "{answer}");
    let answer = call(json!({"GroupId": "old-club", "MsgList": [
        {"From_Account": "alice", "SendTime": created_at + 6, "MsgBody": text_body("x"), "IsSystemMsg": 1},
    ]}))
    .await;
    assert_eq!(code(&answer), 10004, "{answer}");
    // Before the group was made.
    let answer = call(json!({"GroupId": "old-club", "MsgList": [one(created_at - 1)]})).await;
    assert_eq!(answer["ImportMsgResult"][0]["Result"], 10004, "{answer}");
    // None of these stored anything.
    let (bob, _bob_events) = app.client("bob").await;
    assert!(history(&bob, "old-club", ConvType::GROUP).await.is_empty());
}
