//! `openim` and the message and receipt commands of `group_open_http_svc` over HTTP: messages
//! and receipts made through REST behave exactly like those made by clients.

use serde_json::{Value, json};
use tincan_proto::api::get_message_list;
use tincan_proto::enums::{ConvType, GroupType};
use tincan_sdk::admin::AdminClient;
use tincan_testkit::spawn_app;

use crate::helpers::{WAIT, create_group, message_of, receipts_of, text_of};

fn text_body(text: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}])
}

async fn import(admin: &AdminClient, users: &[&str]) {
    admin.call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": users})).await.unwrap();
}

#[tokio::test]
async fn sendmsg_reaches_online_devices_counts_unread_and_reads_back_in_the_roaming_history() {
    let app = spawn_app().await;
    let admin = app.admin();
    import(&admin, &["alice", "bob"]).await;
    let (bob, mut bob_events) = app.client("bob").await;
    let sent = admin
        .call(
            "openim",
            "sendmsg",
            &json!({"SyncOtherMachine": 1, "From_Account": "alice", "To_Account": "bob", "MsgRandom": 1234,
                    "MsgBody": text_body("hi bob"), "IsNeedReadReceipt": 1, "CloudCustomData": "extra"}),
        )
        .await
        .unwrap();
    let msg_time = sent["MsgTime"].as_u64().unwrap();
    let msg_key = sent["MsgKey"].as_str().unwrap().to_owned();
    assert_eq!(msg_key, format!("1_1234_{msg_time}"));
    assert!(!sent["MsgId"].as_str().unwrap().is_empty());
    let pushed = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(text_of(&pushed.message), "hi bob");
    assert_eq!(pushed.message.message_sender, "alice");
    assert!(pushed.message.message_need_read_receipt);
    assert_eq!(pushed.message.message_cloud_custom_str, "extra");
    assert_eq!(bob.total_unread().await.unwrap(), 1);

    // The same MsgRandom within the same second is the same message.
    let again = admin
        .call(
            "openim",
            "sendmsg",
            &json!({"From_Account": "alice", "To_Account": "bob", "MsgRandom": 1234, "MsgBody": text_body("hi bob")}),
        )
        .await
        .unwrap();
    if again["MsgTime"].as_u64() == Some(msg_time) {
        assert_eq!(again["MsgKey"], msg_key.as_str(), "a resend within the second is not stored twice");
    }

    let unread = admin
        .call("openim", "get_c2c_unread_msg_num", &json!({"To_Account": "bob", "Peer_Account": ["alice", "nobody"]}))
        .await
        .unwrap();
    let total = unread["AllC2CUnreadMsgNum"].as_u64().unwrap();
    assert!(total >= 1);
    assert_eq!(unread["C2CUnreadMsgNumList"], json!([{"Peer_Account": "alice", "C2CUnreadMsgNum": total}]));
    assert_eq!(unread["ErrorList"][0]["Peer_Account"], "nobody");

    // Bob's receipt, sent by the administrator with the MsgKey, shows in the roaming history.
    admin
        .call(
            "openim",
            "c2c_msg_read_receipt",
            &json!({"Operator_Account": "bob", "Peer_Account": "alice",
                    "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "bob", "MsgKey": msg_key}]}),
        )
        .await
        .unwrap();
    let roam = admin
        .call(
            "openim",
            "admin_getroammsg",
            &json!({"Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 10, "MinTime": 0, "MaxTime": msg_time + 10}),
        )
        .await
        .unwrap();
    assert_eq!(roam["Complete"], 1);
    let first = &roam["MsgList"][0];
    assert_eq!(first["From_Account"], "alice");
    assert_eq!(first["To_Account"], "bob");
    assert_eq!(first["MsgKey"], msg_key.as_str());
    assert_eq!(first["MsgBody"], text_body("hi bob"));
    assert_eq!(first["IsNeedReadReceipt"], 1);
    assert_eq!(first["IsPeerRead"], 1, "bob sent a receipt");
    assert_eq!(first["CloudCustomData"], "extra");

    admin
        .call("openim", "admin_set_msg_read", &json!({"Report_Account": "bob", "Peer_Account": "alice"}))
        .await
        .unwrap();
    assert_eq!(bob.total_unread().await.unwrap(), 0);
}

#[tokio::test]
async fn sendmsg_syncs_the_senders_devices_dedupes_msg_random_and_pushes_c2c_receipts_to_the_sender() {
    // Goal: with SyncOtherMachine 1 the sender's online device gets the message; a resend with
    // the same MsgRandom in the same second is the same message (stored once); a receipt sent
    // through REST reaches the sender's device as a client's would; batchsendmsg carries
    // IsNeedReadReceipt.
    let app = spawn_app().await;
    let admin = app.admin();
    import(&admin, &["alice", "bob"]).await;
    let (_alice, mut alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let send = |random: u64, sync: u64| {
        json!({"SyncOtherMachine": sync, "From_Account": "alice", "To_Account": "bob", "MsgRandom": random,
               "MsgBody": text_body("synced"), "IsNeedReadReceipt": 1})
    };
    let sent = admin.call("openim", "sendmsg", &send(77, 1)).await.unwrap();
    let on_alice = tincan_testkit::wait_for(&mut alice_events, WAIT, message_of).await;
    assert_eq!(text_of(&on_alice.message), "synced");
    assert!(on_alice.message.message_is_from_self);
    let on_bob = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(on_bob.message.message_msg_id, on_alice.message.message_msg_id);

    // Dedupe: two sends with one MsgRandom, until a pair lands within one second.
    let mut pairs_in_one_second = 0;
    for random in 1_000..1_005 {
        let first = admin.call("openim", "sendmsg", &send(random, 1)).await.unwrap();
        let second = admin.call("openim", "sendmsg", &send(random, 1)).await.unwrap();
        if first["MsgTime"] == second["MsgTime"] {
            assert_eq!(first["MsgKey"], second["MsgKey"], "a resend within the second is the same message");
            pairs_in_one_second += 1;
            break;
        }
    }
    assert_eq!(pairs_in_one_second, 1, "two sends landed within one second");
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    let history = bob.get_message_list("alice", ConvType::C2C, params).await.unwrap();
    let mut msg_ids: Vec<&str> = history.iter().map(|message| message.message_msg_id.as_str()).collect();
    let stored = msg_ids.len();
    msg_ids.sort_unstable();
    msg_ids.dedup();
    assert_eq!(msg_ids.len(), stored, "no message is stored twice");

    // Bob's receipt, sent by the administrator, reaches alice's device.
    admin
        .call(
            "openim",
            "c2c_msg_read_receipt",
            &json!({"Operator_Account": "bob", "Peer_Account": "alice",
                    "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "bob", "MsgKey": sent["MsgKey"]}]}),
        )
        .await
        .unwrap();
    let receipts = tincan_testkit::wait_for(&mut alice_events, WAIT, |event| {
        receipts_of(event)
            .filter(|receipts| receipts.iter().any(|it| it.msg_receipt_msg_id == on_alice.message.message_msg_id))
    })
    .await;
    let receipt = receipts.iter().find(|it| it.msg_receipt_msg_id == on_alice.message.message_msg_id).unwrap();
    assert!(receipt.msg_receipt_is_peer_read);
    assert_eq!(receipt.msg_receipt_conv_id, "bob");
    assert_eq!(receipt.msg_receipt_conv_type, ConvType::C2C);

    // batchsendmsg asks for receipts too.
    admin
        .call(
            "openim",
            "batchsendmsg",
            &json!({"From_Account": "alice", "To_Account": ["bob"], "MsgRandom": 9, "MsgBody": text_body("batch"),
                    "IsNeedReadReceipt": 1}),
        )
        .await
        .unwrap();
    let batch = tincan_testkit::wait_for(&mut bob_events, WAIT, |event| {
        message_of(event).filter(|push| text_of(&push.message) == "batch")
    })
    .await;
    assert!(batch.message.message_need_read_receipt);
    app.stop().await;
}

#[tokio::test]
async fn the_roaming_history_pages_backwards_with_last_msg_key() {
    let app = spawn_app().await;
    let admin = app.admin();
    import(&admin, &["alice", "bob"]).await;
    for n in 0..7 {
        admin
            .call(
                "openim",
                "sendmsg",
                &json!({"From_Account": "alice", "To_Account": "bob", "MsgRandom": n, "MsgBody": text_body(&format!("m{n}"))}),
            )
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut request = json!({"Operator_Account": "bob", "Peer_Account": "alice", "MaxCnt": 3, "MinTime": 0, "MaxTime": 4_000_000_000u64});
    loop {
        let page = admin.call("openim", "admin_getroammsg", &request).await.unwrap();
        let texts: Vec<String> = page["MsgList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|message| message["MsgBody"][0]["MsgContent"]["Text"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(page["MsgCnt"], texts.len());
        seen.splice(0..0, texts);
        if page["Complete"] == 1 {
            break;
        }
        request["MaxTime"] = page["LastMsgTime"].clone();
        request["LastMsgKey"] = page["LastMsgKey"].clone();
    }
    assert_eq!(seen, (0..7).map(|n| format!("m{n}")).collect::<Vec<_>>(), "every message once, oldest first");
}

#[tokio::test]
async fn batchsendmsg_sends_to_each_and_lists_the_failures() {
    let app = spawn_app().await;
    let admin = app.admin();
    import(&admin, &["ann", "ben"]).await;
    let (ben, mut ben_events) = app.client("ben").await;
    let answer = admin
        .call(
            "openim",
            "batchsendmsg",
            &json!({"To_Account": ["ann", "ben", "ghost"], "MsgRandom": 9, "MsgBody": text_body("notice")}),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorList"], json!([{"To_Account": "ghost", "ErrorCode": 90012}]));
    let pushed = tincan_testkit::wait_for(&mut ben_events, WAIT, message_of).await;
    assert_eq!(pushed.message.message_sender, "administrator", "no From_Account: the administrator sends");
    assert_eq!(text_of(&pushed.message), "notice");
    assert_eq!(ben.total_unread().await.unwrap(), 1);
}

#[tokio::test]
async fn openim_refuses_bad_input_with_its_codes() {
    let app = spawn_app().await;
    let admin = app.admin();
    import(&admin, &["alice", "bob"]).await;
    let code = |answer: Value| answer["ErrorCode"].as_u64().unwrap();
    let send = |body: Value| {
        let admin = admin.clone();
        async move { admin.call_raw("openim", "sendmsg", &body.to_string()).await.unwrap() }
    };
    assert_eq!(code(send(json!({"MsgRandom": 1, "MsgBody": text_body("x")})).await), 90003);
    assert_eq!(code(send(json!({"To_Account": "bob", "MsgBody": text_body("x")})).await), 90005);
    assert_eq!(code(send(json!({"To_Account": "bob", "MsgRandom": 1, "MsgBody": {"Text": "x"}})).await), 90007);
    let answer = send(json!({"To_Account": "bob", "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": 3}}]})).await;
    assert_eq!(code(answer.clone()), 90002);
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("MsgBody[0].MsgContent.Text"), "{answer}");
    assert_eq!(code(send(json!({"To_Account": "nobody", "MsgRandom": 1, "MsgBody": text_body("x")})).await), 90012);
    assert_eq!(
        code(
            send(json!({"From_Account": "nobody", "To_Account": "bob", "MsgRandom": 1, "MsgBody": text_body("x")}))
                .await
        ),
        20003
    );
    assert_eq!(code(send(json!({"To_Account": 5, "MsgRandom": 1, "MsgBody": text_body("x")})).await), 90001);
    let receipt = admin
        .call_raw(
            "openim",
            "c2c_msg_read_receipt",
            &json!({"Operator_Account": "bob", "Peer_Account": "alice",
                    "C2CMsgInfo": [{"From_Account": "bob", "To_Account": "alice", "MsgKey": "1_2_3"}]})
            .to_string(),
        )
        .await
        .unwrap();
    assert_eq!(code(receipt.clone()), 20001, "the message must go from Peer_Account to Operator_Account: {receipt}");
    let (bob, _events) = app.client("bob").await;
    assert_eq!(bob.total_unread().await.unwrap(), 0, "nothing refused was stored");
}

#[tokio::test]
async fn query_online_status_sees_devices() {
    let app = spawn_app().await;
    let admin = app.admin();
    import(&admin, &["on", "off"]).await;
    let (_on, _events) = app.client("on").await;
    let answer = admin
        .call("openim", "query_online_status", &json!({"To_Account": ["on", "off", "ghost"], "IsNeedDetail": 1}))
        .await
        .unwrap();
    let results = answer["QueryResult"].as_array().unwrap();
    assert_eq!(results[0]["To_Account"], "on");
    assert_eq!(results[0]["Status"], "Online");
    assert_eq!(results[0]["Detail"].as_array().unwrap().len(), 1);
    assert_eq!(results[1]["Status"], "Offline");
    assert_eq!(answer["ErrorList"], json!([{"To_Account": "ghost", "ErrorCode": 70107}]));
}

/// Clients written against TIM's older API (PyPI's `timsdk` among them) ask `openim/querystate`
/// and read each result's `State`.
#[tokio::test]
async fn querystate_is_the_older_name_of_query_online_status() {
    let app = spawn_app().await;
    let admin = app.admin();
    import(&admin, &["on", "off"]).await;
    let (_on, _events) = app.client("on").await;
    for command in ["querystate", "query_online_status"] {
        let answer = admin.call("openim", command, &json!({"To_Account": ["on", "off", "ghost"]})).await.unwrap();
        let states: Vec<(&str, &str, &str)> = answer["QueryResult"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| {
                (it["To_Account"].as_str().unwrap(), it["State"].as_str().unwrap(), it["Status"].as_str().unwrap())
            })
            .collect();
        assert_eq!(states, vec![("on", "Online", "Online"), ("off", "Offline", "Offline")], "{command}");
        assert_eq!(answer["ErrorList"], json!([{"To_Account": "ghost", "ErrorCode": 70107}]), "{command}");
    }
}

#[tokio::test]
async fn get_group_msg_receipt_detail_pages_with_its_cursor() {
    // Goal: paging through the read and unread lists with Cursor, a few at a time, gives every
    // member once, and the pages agree with the counts.
    let app = spawn_app().await;
    let admin = app.admin();
    let members: Vec<String> = (0..12).map(|n| format!("m{n:02}")).collect();
    let mut accounts = vec!["owner".to_owned()];
    accounts.extend(members.iter().cloned());
    let accounts: Vec<&str> = accounts.iter().map(String::as_str).collect();
    import(&admin, &accounts).await;
    let member_list: Vec<Value> = members.iter().map(|member| json!({"Member_Account": member})).collect();
    let created = admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "owner", "Type": "Public", "Name": "paged", "MemberList": member_list}),
        )
        .await
        .unwrap();
    let group_id = created["GroupId"].as_str().unwrap().to_owned();
    let sent = admin
        .call(
            "group_open_http_svc",
            "send_group_msg",
            &json!({"GroupId": group_id, "From_Account": "owner", "Random": 7, "MsgBody": text_body("page me"),
                    "NeedReadReceipt": 1}),
        )
        .await
        .unwrap();
    let seq = sent["MsgSeq"].as_u64().unwrap();
    let readers = &members[..5];
    for reader in readers {
        admin
            .call(
                "group_open_http_svc",
                "group_msg_receipt",
                &json!({"GroupId": group_id, "From_Account": reader, "MsgSeqList": [{"MsgSeq": seq}]}),
            )
            .await
            .unwrap();
    }
    for (filter, list, key, count, expected) in [
        (0, "ReadList", "Read_Account", 2, readers.to_vec()),
        (1, "UnreadList", "Unread_Account", 3, members[5..].to_vec()),
    ] {
        let mut seen: Vec<String> = Vec::new();
        let mut cursor = String::new();
        for _ in 0..20 {
            let page = admin
                .call(
                    "group_open_http_svc",
                    "get_group_msg_receipt_detail",
                    &json!({"GroupId": group_id, "MsgSeq": seq, "Filter": filter, "Cursor": cursor, "Count": count}),
                )
                .await
                .unwrap();
            let entries = page[list].as_array().unwrap();
            assert!(entries.len() <= count, "{list}: at most Count per page: {page}");
            seen.extend(entries.iter().map(|entry| entry[key].as_str().unwrap().to_owned()));
            if page["IsFinish"] == 1 {
                assert_eq!(page["Cursor"], "");
                break;
            }
            cursor = page["Cursor"].as_str().unwrap().to_owned();
            assert!(!cursor.is_empty(), "an unfinished page gives a cursor: {page}");
        }
        seen.sort();
        assert_eq!(seen, expected, "{list}: every member once over the pages");
    }
    app.stop().await;
}

#[tokio::test]
async fn group_messages_and_receipts_through_rest_match_the_clients_view() {
    let app = spawn_app().await;
    let admin = app.admin();
    let (alice, mut alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (_carol, _carol_events) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::PUBLIC, &["bob", "carol"]).await;
    tincan_testkit::drain(&mut bob_events, std::time::Duration::from_millis(200)).await;

    admin
        .call(
            "group_open_http_svc",
            "send_group_msg",
            &json!({"GroupId": group_id, "From_Account": "alice", "Random": 41, "MsgBody": text_body("no receipts")}),
        )
        .await
        .unwrap();
    let _ = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await;
    let sent = admin
        .call(
            "group_open_http_svc",
            "send_group_msg",
            &json!({"GroupId": group_id, "From_Account": "alice", "Random": 42, "MsgBody": text_body("read this"),
                    "NeedReadReceipt": 1, "MsgPriority": "High"}),
        )
        .await
        .unwrap();
    let seq = sent["MsgSeq"].as_u64().unwrap();
    assert!(sent["MsgTime"].as_u64().unwrap() > 0);
    let pushed = tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await;
    assert_eq!(pushed.message.message_seq, seq);
    assert!(pushed.message.message_need_read_receipt);
    assert_eq!(bob.total_unread().await.unwrap(), 2);

    // Bob reads it through REST; alice, the sender, is told as if bob's client had sent it.
    admin
        .call(
            "group_open_http_svc",
            "group_msg_receipt",
            &json!({"GroupId": group_id, "From_Account": "bob", "MsgSeqList": [{"MsgSeq": seq}]}),
        )
        .await
        .unwrap();
    let receipts = tincan_testkit::wait_for(&mut alice_events, WAIT, receipts_of).await;
    assert_eq!(receipts[0].msg_receipt_read_count, 1);
    assert_eq!(receipts[0].msg_receipt_unread_count, 1);
    assert_eq!(bob.total_unread().await.unwrap(), 2, "a receipt changes no unread count");

    let counts = admin
        .call(
            "group_open_http_svc",
            "get_group_msg_receipt",
            &json!({"GroupId": group_id, "MsgSeqList": [{"MsgSeq": seq}, {"MsgSeq": 1}]}),
        )
        .await
        .unwrap();
    assert_eq!(
        counts["GroupMsgReceiptList"],
        json!([
            {"Code": 0, "MsgSeq": seq, "ReadNum": 1, "UnreadNum": 1},
            {"Code": 10062, "MsgSeq": 1, "ReadNum": 0, "UnreadNum": 0}
        ]),
        "the message at seq 1 asked for no receipts"
    );
    for (filter, list, key, who) in
        [(0, "ReadList", "Read_Account", "bob"), (1, "UnreadList", "Unread_Account", "carol")]
    {
        let detail = admin
            .call(
                "group_open_http_svc",
                "get_group_msg_receipt_detail",
                &json!({"GroupId": group_id, "MsgSeq": seq, "Filter": filter, "Cursor": "", "Count": 100}),
            )
            .await
            .unwrap();
        assert_eq!(detail[list], json!([{ key: who }]));
        assert_eq!(detail["IsFinish"], 1);
        assert_eq!(detail["IsFinished"], 1);
        assert_eq!(detail["Cursor"], "");
    }

    // A membership change adds a tips message, which REST has no element type for.
    admin.call("im_open_login_svc", "account_import", &json!({"UserID": "dave"})).await.unwrap();
    admin
        .call(
            "group_open_http_svc",
            "add_group_member",
            &json!({"GroupId": group_id, "MemberList": [{"Member_Account": "dave"}]}),
        )
        .await
        .unwrap();
    let history = admin
        .call("group_open_http_svc", "group_msg_get_simple", &json!({"GroupId": group_id, "ReqMsgNumber": 2}))
        .await
        .unwrap();
    assert_eq!(history["IsFinished"], 0, "one older message is left");
    let tips = &history["RspMsgList"][0];
    assert_eq!(tips["IsPlaceMsg"], 1, "server-made tips come as placeholders: {tips}");
    let first = &history["RspMsgList"][1];
    assert_eq!(first["MsgSeq"], seq, "newest first");
    assert_eq!(first["From_Account"], "alice");
    assert_eq!(first["MsgRandom"], 42);
    assert_eq!(first["MsgPriority"], 0);
    assert_eq!(first["MsgBody"], text_body("read this"));
    assert_eq!(first["IsPlaceMsg"], 0);
    let older = admin
        .call(
            "group_open_http_svc",
            "group_msg_get_simple",
            &json!({"GroupId": group_id, "ReqMsgNumber": 20, "ReqMsgSeq": seq - 1}),
        )
        .await
        .unwrap();
    assert_eq!(older["IsFinished"], 1);
    assert_eq!(older["RspMsgList"].as_array().unwrap().len(), 1);
    assert_eq!(older["RspMsgList"][0]["MsgBody"], text_body("no receipts"));
}

#[tokio::test]
async fn group_message_commands_refuse_bad_input() {
    let app = spawn_app().await;
    let admin = app.admin();
    let (alice, _events) = app.client("alice").await;
    let (_outsider, _outsider_events) = app.client("outsider").await;
    let group_id = create_group(&alice, GroupType::AV_CHAT_ROOM, &[]).await;
    let call = |command: &'static str, body: Value| {
        let admin = admin.clone();
        async move { admin.call_raw("group_open_http_svc", command, &body.to_string()).await.unwrap() }
    };
    let answer =
        call("send_group_msg", json!({"GroupId": group_id, "MsgBody": text_body("x"), "NeedReadReceipt": 1})).await;
    assert_eq!(answer["ErrorCode"], 65002, "AVChatRoom never carries receipts: {answer}");
    let answer = call("send_group_msg", json!({"GroupId": "nope", "MsgBody": text_body("x")})).await;
    assert_eq!(answer["ErrorCode"], 10010);
    let answer = call("send_group_msg", json!({"GroupId": group_id, "MsgBody": []})).await;
    assert_eq!(answer["ErrorCode"], 10004);
    let answer = call("group_msg_get_simple", json!({"GroupId": group_id, "ReqMsgNumber": 21})).await;
    assert_eq!(answer["ErrorCode"], 10004);
    let answer = call(
        "group_msg_receipt",
        json!({"GroupId": group_id, "From_Account": "outsider", "MsgSeqList": [{"MsgSeq": 1}]}),
    )
    .await;
    assert_eq!(answer["ErrorCode"], 10007, "only members send receipts: {answer}");
    let answer = call(
        "get_group_msg_receipt_detail",
        json!({"GroupId": group_id, "MsgSeq": 1, "Filter": 3, "Cursor": "", "Count": 10}),
    )
    .await;
    assert_eq!(answer["ErrorCode"], 10004);
    let history = alice.get_message_list(&group_id, ConvType::GROUP, Default::default()).await.unwrap();
    assert!(history.iter().all(|message| text_of(message) != "x"), "nothing refused was stored");
}

#[tokio::test]
async fn a_new_c2c_conversation_is_listed_by_the_time_its_first_message_is_pushed() {
    // Goal: a client that loads its conversation list as soon as a message from a new peer is
    // pushed (as the web chat does) finds the conversation there with the message counted,
    // however the push and the sender's answer race. Each round has a new peer.
    let app = spawn_app().await;
    let admin = app.admin();
    let senders: Vec<String> = (0..120).map(|i| format!("peer{i}")).collect();
    let mut accounts: Vec<&str> = senders.iter().map(String::as_str).collect();
    accounts.push("bob");
    for chunk in accounts.chunks(100) {
        import(&admin, chunk).await;
    }
    let mut bob = app.raw_socket("bob").await;
    for (round, sender) in senders.iter().enumerate() {
        let body = json!({"SyncOtherMachine": 2, "From_Account": sender, "To_Account": "bob",
            "MsgRandom": round, "MsgBody": text_body("first")});
        let sending = tokio::spawn({
            let admin = admin.clone();
            async move { admin.call("openim", "sendmsg", &body).await }
        });
        let push = bob.next_push("message").await;
        assert_eq!(push["data"]["message"]["message_conv_id"], sender.as_str());
        let id = round as u64 + 2;
        bob.send_text(json!({"id": id, "op": "conv_get_list", "data": {}}).to_string()).await;
        let answer = bob.answer(id).await;
        let conversations = answer["data"]["conversations"].as_array().expect("a list");
        let listed = conversations.iter().find(|conv| conv["conv_id"] == sender.as_str());
        let listed = listed.unwrap_or_else(|| panic!("round {round}: {sender} is not listed yet: {answer}"));
        assert_eq!(listed["conv_unread_num"], 1, "round {round}");
        assert_eq!(listed["conv_last_msg"]["message_seq"], 1, "round {round}");
        sending.await.unwrap().unwrap();
    }
    app.stop().await;
}

#[tokio::test]
async fn keys_an_element_does_not_have_are_not_stored_so_every_reader_reads_the_history() {
    // Goal: a custom element with an extra key nested as deep as a frame may carry is accepted
    // without that key, and the C2C and group histories read back through REST and the client
    // protocol alike (the key used to be stored, and REST readers then failed the whole
    // conversation with 7012).
    let app = spawn_app().await;
    let admin = app.admin();
    let (alice, _a) = app.client("alice").await;
    let (_bob, _b) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    let mut deep = json!("leaf");
    for _ in 0..120 {
        deep = json!([deep]);
    }
    let elem: tincan_proto::message::Elem =
        serde_json::from_value(json!({"elem_type": 3, "custom_elem_data": "payload", "extra": deep})).unwrap();
    for (conv, conv_type) in [("bob", ConvType::C2C), (group_id.as_str(), ConvType::GROUP)] {
        let message = tincan_proto::Message { message_elem_array: vec![elem.clone()], ..Default::default() };
        let sent = alice.send_message(conv, conv_type, message).await.unwrap();
        assert_eq!(
            serde_json::to_value(&sent.message_elem_array).unwrap(),
            json!([{"elem_type": 3, "custom_elem_data": "payload"}])
        );
        let history = alice.get_message_list(conv, conv_type, Default::default()).await.unwrap();
        assert!(history.iter().any(|message| message.message_elem_array[0].0.get("extra").is_none()));
    }
    let roam = admin
        .call(
            "openim",
            "admin_getroammsg",
            &json!({"Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 10, "MinTime": 0, "MaxTime": 4_000_000_000u64}),
        )
        .await
        .unwrap();
    assert_eq!(roam["MsgList"][0]["MsgBody"][0]["MsgContent"]["Data"], "payload", "{roam}");
    let group_history = admin
        .call("group_open_http_svc", "group_msg_get_simple", &json!({"GroupId": group_id, "ReqMsgNumber": 10}))
        .await
        .unwrap();
    let messages = group_history["RspMsgList"].as_array().unwrap();
    assert!(messages.iter().any(|message| message["MsgBody"][0]["MsgContent"]["Data"] == "payload"), "{group_history}");
    app.stop().await;
}
