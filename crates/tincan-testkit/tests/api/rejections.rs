//! Bad input: each gets TIM's code and a desc that says what was wrong, nothing is half-written,
//! and the connection goes on.

use serde_json::json;
use tincan_proto::enums::{ConvType, GroupType};
use tincan_proto::{Elem, ErrorCode, Message};
use tincan_testkit::spawn_app;

use crate::helpers::create_group;

#[tokio::test]
async fn bad_requests_get_tim_codes_and_change_nothing() {
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (_bob, _b) = app.client("bob").await;
    let (carol, _c) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    let check = |result: Result<Message, tincan_proto::ApiError>, code: ErrorCode, needle: &str| {
        let err = result.expect_err("the request is refused");
        assert_eq!(err.code, code, "{}", err.desc);
        assert!(err.desc.contains(needle), "desc {:?} should mention {needle:?}", err.desc);
    };
    // Identifiers (TIM 7003).
    check(
        alice.send_text("tab\there", ConvType::C2C, "x", false).await,
        ErrorCode::INVALID_IDENTIFIER,
        "printable ASCII",
    );
    check(
        alice.send_text(&"x".repeat(33), ConvType::C2C, "x", false).await,
        ErrorCode::INVALID_IDENTIFIER,
        "1 to 32 bytes",
    );
    // Unknown conversations and groups.
    check(alice.send_text("nobody", ConvType::C2C, "x", false).await, ErrorCode::C2C_INVALID_ACCOUNT, "nobody");
    check(
        alice.send_text("no-such-group", ConvType::GROUP, "x", false).await,
        ErrorCode::GROUP_NOT_FOUND,
        "no-such-group",
    );
    check(alice.send_text("bob", ConvType(7), "x", false).await, ErrorCode::INVALID_PARAMETERS, "conv_type");
    // Not a member.
    check(
        carol.send_text(&group_id, ConvType::GROUP, "x", false).await,
        ErrorCode::GROUP_PERMISSION_DENIED,
        "not a member",
    );
    // Element types and sizes.
    let with_elems = |elems: Vec<Elem>| Message { message_elem_array: elems, ..Message::default() };
    let bad_type: Elem = serde_json::from_value(json!({"elem_type": 99})).unwrap();
    check(
        alice.send_message("bob", ConvType::C2C, with_elems(vec![bad_type])).await,
        ErrorCode::INVALID_MSG_ELEM,
        "not supported",
    );
    let no_text: Elem = serde_json::from_value(json!({"elem_type": 0})).unwrap();
    check(
        alice.send_message("bob", ConvType::C2C, with_elems(vec![no_text])).await,
        ErrorCode::INVALID_MSG_ELEM,
        "text_elem_content",
    );
    let tips: Elem = serde_json::from_value(json!({"elem_type": 5})).unwrap();
    check(
        alice.send_message("bob", ConvType::C2C, with_elems(vec![tips])).await,
        ErrorCode::INVALID_MSG_ELEM,
        "made by the server",
    );
    check(alice.send_message("bob", ConvType::C2C, with_elems(vec![])).await, ErrorCode::INVALID_MSG_ELEM, "empty");
    check(
        alice.send_text("bob", ConvType::C2C, &"x".repeat(13 * 1024), false).await,
        ErrorCode::MSG_BODY_SIZE_LIMIT,
        "12288",
    );
    // Nothing of the above was stored; the conversation still works and starts at seq 1.
    let sent = alice.send_text("bob", ConvType::C2C, "fine", false).await.unwrap();
    assert_eq!(sent.message_seq, 1);
    let group_message = alice.send_text(&group_id, ConvType::GROUP, "fine", false).await.unwrap();
    assert_eq!(group_message.message_seq, 1);
    app.stop().await;
}

#[tokio::test]
async fn malformed_frames_are_answered_and_the_connection_goes_on() {
    // Goal: frames a client library would never send (not JSON, too large, binary, unknown op,
    // wrongly typed or missing parameters) get an error each, and the same connection then
    // serves a normal request.
    let app = spawn_app().await;
    let mut socket = app.raw_socket("alice").await;
    socket.send_text("this is not json".to_owned()).await;
    let answer = socket.next_answer().await;
    assert_eq!(answer["code"], ErrorCode::INVALID_JSON.0, "{answer}");
    socket.send_text(format!("{{\"id\":2,\"op\":\"ping\",\"data\":{{\"pad\":\"{}\"}}}}", "x".repeat(70 * 1024))).await;
    let answer = socket.next_answer().await;
    assert_eq!(answer["code"], ErrorCode::INVALID_PARAMETERS.0, "{answer}");
    assert!(answer["desc"].as_str().unwrap().contains("65536"), "{answer}");
    socket.send_binary(vec![1, 2, 3]).await;
    let answer = socket.next_answer().await;
    assert_eq!(answer["code"], ErrorCode::INVALID_PARAMETERS.0, "{answer}");
    socket.send_text(json!({"id": 3, "op": "no_such_op", "data": {}}).to_string()).await;
    let answer = socket.answer(3).await;
    assert_eq!(answer["code"], ErrorCode::INVALID_OPERATION.0, "{answer}");
    socket.send_text(json!({"id": 4, "op": "msg_get_list", "data": {"conv_id": "bob", "conv_type": 1, "params": {"msg_getmsglist_param_count": "ten"}}}).to_string()).await;
    let answer = socket.answer(4).await;
    assert_eq!(answer["code"], ErrorCode::INVALID_PARAMETERS.0, "{answer}");
    assert!(answer["desc"].as_str().unwrap().contains("params.msg_getmsglist_param_count"), "{answer}");
    socket.send_text(json!({"id": 5, "op": "msg_send", "data": {"conv_type": 1}}).to_string()).await;
    let answer = socket.answer(5).await;
    assert_eq!(answer["code"], ErrorCode::INVALID_PARAMETERS.0, "{answer}");
    assert!(answer["desc"].as_str().unwrap().contains("conv_id"), "{answer}");
    socket.send_text(json!({"id": 6, "op": "login", "data": {}}).to_string()).await;
    assert_eq!(socket.answer(6).await["code"], ErrorCode::INVALID_OPERATION.0);
    socket.send_text(json!({"id": 7, "op": "ping"}).to_string()).await;
    let answer = socket.answer(7).await;
    assert_eq!(answer["code"], 0, "the connection still serves: {answer}");
    app.stop().await;
}

#[tokio::test]
async fn requests_before_login_get_6014_and_bad_login_parameters_their_codes() {
    let app = spawn_app().await;
    let (mut socket, _) = tokio_tungstenite::connect_async(app.ws_url()).await.unwrap();
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let mut ask = async |frame: serde_json::Value| -> serde_json::Value {
        socket.send(WsMessage::Text(frame.to_string().into())).await.unwrap();
        loop {
            if let Some(Ok(WsMessage::Text(text))) = socket.next().await {
                return serde_json::from_str(&text).unwrap();
            }
        }
    };
    let answer = ask(json!({"id": 1, "op": "conv_get_list", "data": {}})).await;
    assert_eq!(answer["code"], ErrorCode::SDK_NOT_LOGGED_IN.0);
    let too_long = "y".repeat(40);
    let answer = ask(json!({"id": 2, "op": "login", "data": {"sdkappid": tincan_testkit::SDKAPPID, "identifier": too_long, "user_sig": "x"}})).await;
    assert_eq!(answer["code"], ErrorCode::INVALID_IDENTIFIER.0, "{answer}");
    let answer =
        ask(json!({"id": 3, "op": "login", "data": {"sdkappid": "many", "identifier": "a", "user_sig": "x"}})).await;
    assert_eq!(answer["code"], ErrorCode::INVALID_PARAMETERS.0, "{answer}");
    let answer = ask(json!({"id": 4, "op": "login", "data": {"sdkappid": tincan_testkit::SDKAPPID, "identifier": "a", "user_sig": tincan_testkit::user_sig("a")}})).await;
    assert_eq!(answer["code"], 0, "a good login after bad ones works: {answer}");
    app.stop().await;
}

#[tokio::test]
async fn a_message_id_is_a_resend_in_its_conversation_and_another_message_elsewhere() {
    // Goal: TIM's random number de-duplicates a repeated send; the same client time and random
    // number sent to another conversation is another message, which gets its own ID, and a
    // resend of it is recognised too.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (_bob, _b) = app.client("bob").await;
    let (_carol, _c) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    let message = Message {
        message_elem_array: vec![Elem::text("once")],
        message_rand: 77,
        message_client_time: 1_800_000_000,
        ..Message::default()
    };
    let to_bob = alice.send_message("bob", ConvType::C2C, message.clone()).await.unwrap();
    let to_carol = alice.send_message("carol", ConvType::C2C, message.clone()).await.unwrap();
    let to_group = alice.send_message(&group_id, ConvType::GROUP, message.clone()).await.unwrap();
    let ids = [&to_bob.message_msg_id, &to_carol.message_msg_id, &to_group.message_msg_id];
    assert_eq!(ids.iter().collect::<std::collections::BTreeSet<_>>().len(), 3, "each its own ID: {ids:?}");
    assert!(ids.iter().all(|id| id.starts_with(&to_bob.message_msg_id)), "{ids:?}");
    assert_eq!((to_carol.message_rand, to_group.message_rand), (77, 77), "the random number is kept");
    // Resends, to each conversation, return each stored message.
    for (conv, conv_type, first) in [
        ("bob", ConvType::C2C, &to_bob),
        ("carol", ConvType::C2C, &to_carol),
        (group_id.as_str(), ConvType::GROUP, &to_group),
    ] {
        let again = alice.send_message(conv, conv_type, message.clone()).await.unwrap();
        assert_eq!((&again.message_msg_id, again.message_seq), (&first.message_msg_id, first.message_seq), "{conv}");
        let history = alice.get_message_list(conv, conv_type, Default::default()).await.unwrap();
        assert_eq!(history.iter().filter(|stored| stored.message_rand == 77).count(), 1, "{conv}: stored once");
    }
    // Sending the same new ID twice at once stores it once.
    let twin = Message {
        message_elem_array: vec![Elem::text("twin")],
        message_rand: 78,
        message_client_time: 1_800_000_001,
        ..Message::default()
    };
    let (first, second) = tokio::join!(
        alice.send_message("bob", ConvType::C2C, twin.clone()),
        alice.send_message("bob", ConvType::C2C, twin.clone())
    );
    let seqs: Vec<u64> =
        [first, second].into_iter().filter_map(Result::ok).map(|message| message.message_seq).collect();
    assert!(!seqs.is_empty());
    assert!(seqs.iter().all(|seq| *seq == seqs[0]), "{seqs:?}");
    let history = alice.get_message_list("bob", ConvType::C2C, Default::default()).await.unwrap();
    assert_eq!(history.len(), 2, "once and twin, each stored once");

    // The REST API's MsgRandom and Random behave the same way.
    let admin = app.admin();
    for to in ["bob", "carol"] {
        let answer = admin
            .call_raw(
                "openim",
                "sendmsg",
                &json!({"From_Account": "alice", "To_Account": to, "MsgRandom": 777,
                        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "rest"}}]})
                .to_string(),
            )
            .await
            .unwrap();
        assert_eq!(answer["ErrorCode"], 0, "{to}: {answer}");
    }
    let other_group = create_group(&alice, GroupType::WORK, &["carol"]).await;
    for group in [&group_id, &other_group] {
        let answer = admin
            .call_raw(
                "group_open_http_svc",
                "send_group_msg",
                &json!({"GroupId": group, "From_Account": "alice", "Random": 4242,
                        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "rest"}}]})
                .to_string(),
            )
            .await
            .unwrap();
        assert_eq!(answer["ErrorCode"], 0, "{group}: {answer}");
    }
    app.stop().await;
}

#[tokio::test]
async fn unknown_conversations_and_empty_lists_get_their_codes() {
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let group_id = create_group(&alice, GroupType::WORK, &[]).await;
    assert_eq!(
        alice.get_message_list("ghost", ConvType::C2C, Default::default()).await.unwrap_err().code,
        ErrorCode::C2C_INVALID_ACCOUNT
    );
    assert_eq!(alice.clean_unread("c2c_ghost", 0, 0).await.unwrap_err().code, ErrorCode::C2C_INVALID_ACCOUNT);
    assert_eq!(alice.clean_unread("group_ghost-group", 0, 0).await.unwrap_err().code, ErrorCode::GROUP_NOT_FOUND);
    assert_eq!(alice.invite_members(&group_id, &[]).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
    assert_eq!(alice.invite_members("bad group id", &["x"]).await.unwrap_err().code, ErrorCode::GROUP_INVALID_ID);
    assert_eq!(alice.invite_members(&group_id, &["tab\tname"]).await.unwrap_err().code, ErrorCode::INVALID_IDENTIFIER);
    let many: Vec<String> = (0..501).map(|index| format!("ghost{index}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(alice.invite_members(&group_id, &refs).await.unwrap_err().code, ErrorCode::GROUP_TOO_MANY_ACCOUNTS);
    app.stop().await;
}

#[tokio::test]
async fn anchors_outside_the_conversation_reserved_identifiers_and_missing_keys_are_named() {
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (_bob, _b) = app.client("bob").await;
    for text in ["one", "two"] {
        alice.send_text("bob", ConvType::C2C, text, false).await.unwrap();
    }
    // An anchor seq the conversation does not have is refused, as is a seq and an ID that
    // disagree; an anchor it has pages as usual.
    let params = |seq: u64, msg_id: &str| tincan_proto::api::get_message_list::GetMsgListParams {
        msg_getmsglist_param_last_msg: Some(Message {
            message_seq: seq,
            message_msg_id: msg_id.to_owned(),
            ..Message::default()
        }),
        ..Default::default()
    };
    let err = alice.get_message_list("bob", ConvType::C2C, params(99, "")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS, "{}", err.desc);
    assert!(err.desc.contains("message_seq 99 is not a message of this conversation"), "{}", err.desc);
    let err = alice.get_message_list("bob", ConvType::C2C, params(2, "1-2-3")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS, "{}", err.desc);
    let page = alice.get_message_list("bob", ConvType::C2C, params(2, "")).await.unwrap();
    assert_eq!(page.iter().map(|message| message.message_seq).collect::<Vec<_>>(), vec![1]);

    // TIM's system sender cannot be an account, by login or by import.
    let err = app.try_client("@TIM#SYSTEM").await.err().expect("a reserved identifier cannot log in");
    assert_eq!(err.code, ErrorCode::INVALID_IDENTIFIER, "{}", err.desc);
    let answer = app
        .admin()
        .call_raw("im_open_login_svc", "account_import", &serde_json::json!({"UserID": "@TIM#SYSTEM"}).to_string())
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 70402, "{answer}");
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("reserved"), "{answer}");

    // A command without its list names the list it wanted.
    let answer = app.admin().call_raw("im_open_login_svc", "account_check", "").await.unwrap();
    assert_eq!(answer["ErrorCode"], 70402, "{answer}");
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("CheckItem"), "{answer}");
    assert!(!answer["ErrorInfo"].as_str().unwrap().contains("DeleteItem"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn identifiers_that_do_not_parse_are_refused_with_their_codes_as_the_request_is_read() {
    // Goal: a request whose identifier is not one fails with that identifier's code (7003 for a
    // user, 10015 for a group) and a desc that names it, straight from the server (the SDK
    // would refuse to send it), and `group_get_info` still answers a bad group ID in its own
    // result.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let group_id = create_group(&alice, GroupType::WORK, &[]).await;
    let mut socket = app.raw_socket("alice").await;
    let cases = [
        (
            json!({"op": "msg_send", "data": {"conv_id": "tab\there", "conv_type": 1, "message": {}}}),
            7003,
            "printable ASCII",
        ),
        (
            json!({"op": "msg_send", "data": {"conv_id": "a b", "conv_type": 2, "message": {}}}),
            10015,
            "group ID \"a b\"",
        ),
        (json!({"op": "msg_get_list", "data": {"conv_id": "", "conv_type": 1}}), 7003, "1 to 32 bytes"),
        (json!({"op": "msg_report_read", "data": {"conv_id": "x".repeat(49), "conv_type": 2}}), 10015, "1 to 48 bytes"),
        (json!({"op": "conv_clean_unread", "data": {"conversation_id": "c2c_"}}), 7003, "conversation_id"),
        (json!({"op": "group_quit", "data": {"group_id": ""}}), 10015, "group_id"),
        (
            json!({"op": "group_invite_member", "data": {
                "group_invite_member_param_group_id": group_id,
                "group_invite_member_param_identifier_array": ["bob", "tab\t"]
            }}),
            7003,
            "group_invite_member_param_identifier_array[1]",
        ),
        (
            json!({"op": "group_create", "data": {"create_group_param_group_name": "g", "create_group_param_group_id": "a b"}}),
            10015,
            "create_group_param_group_id",
        ),
        (
            json!({"op": "group_get_members", "data": {
                "group_get_members_info_list_param_group_id": group_id,
                "group_get_members_info_list_param_identifier_array": [""]
            }}),
            7003,
            "group_get_members_info_list_param_identifier_array[0]",
        ),
    ];
    for (id, (mut frame, code, needle)) in (1..).zip(cases) {
        frame["id"] = json!(id);
        socket.send_text(frame.to_string()).await;
        let answer = socket.answer(id).await;
        assert_eq!(answer["code"], code, "{frame}: {answer}");
        assert!(answer["desc"].as_str().unwrap().contains(needle), "{frame}: {answer}");
    }
    let info = json!({"id": 100, "op": "group_get_info", "data": {"group_ids": [group_id, "a b"]}});
    socket.send_text(info.to_string()).await;
    let answer = socket.answer(100).await;
    assert_eq!(answer["code"], 0, "{answer}");
    let results = answer["data"]["results"].as_array().unwrap();
    assert_eq!(results[0]["get_groups_info_result_code"], 0, "{answer}");
    assert_eq!(results[1]["get_groups_info_result_code"], ErrorCode::GROUP_INVALID_ID.0, "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn identifiers_in_rest_bodies_that_do_not_parse_get_the_services_codes() {
    // Goal: a REST body whose identifier is not one fails with the code each service answered
    // before bodies were typed (10015 for a group ID everywhere, the service's invalid-parameter
    // code for an account), naming the key; lists answered entry by entry still answer a bad
    // entry alone.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let group_id = create_group(&alice, GroupType::PUBLIC, &[]).await;
    let admin = app.admin();
    let cases = [
        ("group_open_http_svc", "destroy_group", json!({"GroupId": "a b"}), 10015, "GroupId"),
        (
            "group_open_http_svc",
            "add_group_member",
            json!({"GroupId": group_id, "MemberList": [{"Member_Account": "tab\t"}]}),
            10004,
            "MemberList[0].Member_Account",
        ),
        (
            "group_open_http_svc",
            "create_group",
            json!({"Type": "Public", "Name": "g", "Owner_Account": "tab\t"}),
            10004,
            "Owner_Account",
        ),
        (
            "openim",
            "sendmsg",
            json!({"To_Account": "x".repeat(33), "MsgRandom": 1, "MsgBody": []}),
            90001,
            "To_Account",
        ),
        ("im_open_login_svc", "account_import", json!({"UserID": ""}), 70402, "UserID"),
        ("tincan", "get_receipt_storage", json!({"GroupId": "", "MsgSeq": 1}), 10015, "GroupId"),
    ];
    for (service, command, body, code, key) in cases {
        let answer = admin.call_raw(service, command, &body.to_string()).await.unwrap();
        assert_eq!(answer["ErrorCode"], code, "{service}/{command} {body}: {answer}");
        assert!(answer["ErrorInfo"].as_str().unwrap().contains(key), "{service}/{command}: {answer}");
    }
    let answer = admin
        .call_raw("group_open_http_svc", "get_group_info", &json!({"GroupIdList": [group_id, "a b"]}).to_string())
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["GroupInfo"][0]["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["GroupInfo"][1]["ErrorCode"], 10015, "{answer}");
    assert_eq!(answer["GroupInfo"][1]["GroupId"], "a b", "{answer}");
    let answer = admin
        .call_raw("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["carol", ""]}).to_string())
        .await
        .unwrap();
    assert_eq!((answer["ErrorCode"].clone(), answer["FailAccounts"].clone()), (json!(0), json!([""])), "{answer}");
    let body = json!({"To_Account": ["alice", "tab\t"], "MsgRandom": 7, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]});
    let answer = admin.call_raw("openim", "batchsendmsg", &body.to_string()).await.unwrap();
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["ErrorList"], json!([{"To_Account": "tab\t", "ErrorCode": 7003}]), "{answer}");
    app.stop().await;
}
