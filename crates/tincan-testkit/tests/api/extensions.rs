//! Message extensions: keys and values on a sent message, changed key by key with a version
//! check, pushed to the conversation, and read and changed by the administrator through REST.

use serde_json::json;
use tincan_proto::api::create_group;
use tincan_proto::enums::{ConvType, GroupType, MemberRole};
use tincan_proto::objects::MessageExtension;
use tincan_proto::push::MsgExtensionsPush;
use tincan_proto::{Elem, ErrorCode, Message};
use tincan_sdk::{Client, Event};
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, user};

fn changed_of(event: &Event) -> Option<MsgExtensionsPush> {
    match event {
        Event::ExtensionsChanged(push) => Some(push.clone()),
        _ => None,
    }
}

fn deleted_of(event: &Event) -> Option<MsgExtensionsPush> {
    match event {
        Event::ExtensionsDeleted(push) => Some(push.clone()),
        _ => None,
    }
}

fn extension(key: &str, value: &str) -> MessageExtension {
    MessageExtension {
        message_extension_key: key.to_owned(),
        message_extension_value: value.to_owned(),
        message_extension_seq: 0,
    }
}

fn at_seq(key: &str, value: &str, seq: u64) -> MessageExtension {
    MessageExtension { message_extension_seq: seq, ..extension(key, value) }
}

/// Sends a text message that takes extensions (or not).
async fn send(client: &Client, conv_id: &str, conv_type: ConvType, supports_extensions: bool) -> Message {
    let message = Message {
        message_elem_array: vec![Elem::text("vote: lunch?")],
        message_support_message_extension: supports_extensions,
        ..Default::default()
    };
    client.send_message(conv_id, conv_type, message).await.expect("sent")
}

async fn group_of(owner: &Client, group_type: GroupType, members: &[&str]) -> String {
    let params = create_group::Request {
        create_group_param_group_name: "polls".to_owned(),
        create_group_param_group_type: group_type,
        create_group_param_group_member_array: members
            .iter()
            .map(|member| create_group::InitialMember::new(user(member), MemberRole::NORMAL))
            .collect(),
        ..Default::default()
    };
    owner.create_group(params).await.expect("the group is created")
}

#[tokio::test]
async fn c2c_extensions_are_set_read_deleted_and_pushed_to_both_sides() {
    // Goal: the peer sets extensions on a message that takes them; both users (and the setter's
    // other device) are told, both read them back with their seqs, a stale change of a key is
    // refused for that key alone with 23001 and the key as it is, and a deletion is pushed too.
    let app = spawn_app().await;
    let (alice, mut alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let (_bob_tablet, mut tablet_events) = app.client("bob").await;
    let sent = send(&alice, "bob", ConvType::C2C, true).await;
    assert!(sent.message_support_message_extension, "the flag is kept");
    let as_bob_sees = Message { message_conv_id: "alice".to_owned(), ..sent.clone() };

    let results = bob.set_message_extensions(&as_bob_sees, &[extension("bob", "yes")]).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].message_extension_result_code, 0);
    assert_eq!(results[0].message_extension_item, at_seq("bob", "yes", 1));
    let told = wait_for(&mut alice_events, WAIT, changed_of).await;
    assert_eq!(told.message_msg_id, sent.message_msg_id);
    assert_eq!((told.conv_id.as_str(), told.conv_type), ("bob", ConvType::C2C));
    assert_eq!(told.extensions, vec![at_seq("bob", "yes", 1)]);
    let echo = wait_for(&mut tablet_events, WAIT, changed_of).await;
    assert_eq!(echo.conv_id, "alice", "the push names the conversation as its receiver sees it");

    // The sender changes its own key and, knowing bob's seq, bob's too.
    let results =
        alice.set_message_extensions(&sent, &[extension("alice", "no"), extension("bob", "maybe")]).await.unwrap();
    assert_eq!(results.iter().map(|it| it.message_extension_result_code).collect::<Vec<_>>(), vec![0, 0]);
    assert_eq!(results[1].message_extension_item, at_seq("bob", "maybe", 2));
    // Bob's change made from seq 1 is stale now: refused with the key as it is.
    let results = bob.set_message_extensions(&as_bob_sees, &[at_seq("bob", "no", 1)]).await.unwrap();
    assert_eq!(results[0].message_extension_result_code, 23001);
    assert_eq!(results[0].message_extension_item, at_seq("bob", "maybe", 2));
    for (client, message) in [(&alice, &sent), (&bob, &as_bob_sees)] {
        let extensions = client.get_message_extensions(message).await.unwrap();
        assert_eq!(extensions, vec![at_seq("alice", "no", 1), at_seq("bob", "maybe", 2)]);
    }

    let results = bob.delete_message_extensions(&as_bob_sees, &[extension("alice", ""), extension("nope", "")]).await;
    let results = results.unwrap();
    assert_eq!(results[0].message_extension_result_code, 0, "{results:?}");
    assert_eq!(results[1].message_extension_result_code, 23004, "a key that does not exist");
    let told = wait_for(&mut alice_events, WAIT, deleted_of).await;
    assert_eq!(told.extensions, vec![at_seq("alice", "", 2)]);
    assert_eq!(alice.get_message_extensions(&sent).await.unwrap(), vec![at_seq("bob", "maybe", 2)]);
    // Deleting with no keys deletes them all.
    let results = alice.delete_message_extensions(&sent, &[]).await.unwrap();
    assert_eq!(results.len(), 1);
    assert!(alice.get_message_extensions(&sent).await.unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn of_concurrent_changes_of_one_key_exactly_one_wins_per_seq() {
    // Goal: members of a group change one key at once, each from the seq it read; at every
    // round exactly one change is applied and the others are refused with 23001 and the winner's
    // value, whatever the interleaving. The seqs are given explicitly (a seq of 0 asks the SDK
    // to use the one it knows, reading the key first when it knows none).
    let app = spawn_app().await;
    let names = ["owner", "m1", "m2", "m3", "m4", "m5"];
    let mut clients = Vec::new();
    for name in names {
        clients.push(app.client(name).await.0);
    }
    let group_id = group_of(&clients[0], GroupType::WORK, &names[1..]).await;
    let sent = send(&clients[0], &group_id, ConvType::GROUP, true).await;
    let first = clients[0].set_message_extensions(&sent, &[extension("pick", "nobody yet")]).await.unwrap();
    assert_eq!(first[0].message_extension_item, at_seq("pick", "nobody yet", 1));
    for round in 1..=4u64 {
        let tasks: Vec<_> = clients
            .iter()
            .enumerate()
            .map(|(n, client)| {
                let (client, message) = (client.clone(), sent.clone());
                tokio::spawn(async move {
                    let value = format!("round {round} by {n}");
                    client.set_message_extensions(&message, &[at_seq("pick", &value, round)]).await.unwrap().remove(0)
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        let winners: Vec<_> = results.iter().filter(|it| it.message_extension_result_code == 0).collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        let won = winners[0].message_extension_item.clone();
        assert_eq!(won.message_extension_seq, round + 1);
        for lost in results.iter().filter(|it| it.message_extension_result_code != 0) {
            assert_eq!(lost.message_extension_result_code, ErrorCode::MSG_EXTENSION_CONFLICT.0 as i32);
            assert_eq!(lost.message_extension_item, won, "the loser is told the winner's value");
        }
        assert_eq!(clients[3].get_message_extensions(&sent).await.unwrap(), vec![won]);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_message_takes_extensions_only_when_sent_for_them_and_within_the_limits() {
    // Goal: a message sent without `message_support_message_extension` takes none (6017), an
    // outsider cannot reach a group message's extensions, and TIM's limits hold: keys of 1 to
    // 100 bytes, values of at most 1 KB, at most 20 per call, 300 per message.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (carol, _carol_events) = app.client("carol").await;
    let (_bob, _bob_events) = app.client("bob").await;
    let plain = send(&alice, "bob", ConvType::C2C, false).await;
    let err = alice.set_message_extensions(&plain, &[extension("k", "v")]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    assert!(err.desc.contains("message_support_message_extension"), "{}", err.desc);
    let sent = send(&alice, "bob", ConvType::C2C, true).await;
    let refusals = [
        (vec![extension("", "v")], "between 1 and 100"),
        (vec![extension(&"k".repeat(101), "v")], "between 1 and 100"),
        (vec![extension("k", &"v".repeat(1025))], "at most 1024"),
        ((0..21).map(|n| extension(&format!("k{n}"), "v")).collect(), "between 1 and 20"),
        (vec![extension("k", "1"), extension("k", "2")], "given twice"),
        (Vec::new(), "between 1 and 20"),
    ];
    for (extensions, named) in refusals {
        let err = alice.set_message_extensions(&sent, &extensions).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
        assert!(err.desc.contains(named), "{named}: {}", err.desc);
    }
    for batch in 0..15 {
        let extensions: Vec<_> = (0..20).map(|n| extension(&format!("k{batch}-{n}"), "v")).collect();
        let results = alice.set_message_extensions(&sent, &extensions).await.unwrap();
        assert!(results.iter().all(|it| it.message_extension_result_code == 0));
    }
    let err = alice.set_message_extensions(&sent, &[extension("one more", "v")]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    assert!(err.desc.contains("at most 300"), "{}", err.desc);
    assert_eq!(alice.get_message_extensions(&sent).await.unwrap().len(), 300, "nothing was half-written");
    // A group message is out of reach of someone who is not a member.
    let group_id = group_of(&alice, GroupType::WORK, &["bob"]).await;
    let in_group = send(&alice, &group_id, ConvType::GROUP, true).await;
    let err = carol.set_message_extensions(&in_group, &[extension("k", "v")]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    assert!(carol.get_message_extensions(&in_group).await.is_err());
    app.stop().await;
}

#[tokio::test]
async fn extensions_survive_a_restart_and_a_device_that_was_away_is_told() {
    // Goal: extensions are stored (read back after a restart, with their seqs, a deleted key's
    // seq included), and a device that was offline when they changed gets the push on resume.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let sent = send(&alice, "bob", ConvType::C2C, true).await;
    let as_bob_sees = Message { message_conv_id: "alice".to_owned(), ..sent.clone() };
    let resume_at = bob.last_pos();
    alice.set_message_extensions(&sent, &[extension("a", "1"), extension("b", "2")]).await.unwrap();
    alice.delete_message_extensions(&sent, &[extension("b", "")]).await.unwrap();
    drop(bob);
    let app = app.restart().await;
    let mut config = app.config("bob");
    config.resume_pos = Some(resume_at);
    let (bob, mut bob_events) = Client::connect(config).await.unwrap();
    let told = wait_for(&mut bob_events, WAIT, changed_of).await;
    assert_eq!(told.extensions, vec![at_seq("a", "1", 1), at_seq("b", "2", 1)]);
    let told = wait_for(&mut bob_events, WAIT, deleted_of).await;
    assert_eq!(told.extensions, vec![at_seq("b", "", 2)]);
    assert_eq!(bob.get_message_extensions(&as_bob_sees).await.unwrap(), vec![at_seq("a", "1", 1)]);
    // The deletion's seq is kept: a change made from before it is stale.
    let results = bob.set_message_extensions(&as_bob_sees, &[at_seq("b", "again", 1)]).await.unwrap();
    assert_eq!(results[0].message_extension_result_code, 23001);
    app.stop().await;
}

#[tokio::test]
async fn the_administrator_reads_and_changes_extensions_through_rest() {
    // Goal: `set_key_values`, `get_key_values`, `group_set_key_values` and
    // `group_get_key_values` act as the client calls do: per-key results with TIM's codes,
    // pushes to the conversation, and `SupportMessageExtension` on REST sends.
    let app = spawn_app().await;
    let admin = app.admin();
    let (alice, mut alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let sent = admin
        .call(
            "openim",
            "sendmsg",
            &json!({"From_Account": "bob", "To_Account": "alice", "MsgRandom": 7, "SupportMessageExtension": 1,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "poll"}}]}),
        )
        .await
        .unwrap();
    let key = sent["MsgKey"].as_str().unwrap().to_owned();
    let set = json!({"From_Account": "bob", "To_Account": "alice", "MsgKey": key, "OperateType": 1,
        "ExtensionList": [{"Key": "k1", "Value": "v1", "Seq": 0}, {"Key": "k2", "Value": "v2", "Seq": 0}]});
    let answer = admin.call("openim_msg_ext_http_svc", "set_key_values", &set).await.unwrap();
    assert_eq!(answer["ResultList"][0]["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["ResultList"][1]["Extension"], json!({"Key": "k2", "Value": "v2", "Seq": 1}));
    let told = wait_for(&mut alice_events, WAIT, changed_of).await;
    assert_eq!(told.conv_id, "bob");
    // The same set again is stale for both keys now.
    let answer = admin.call("openim_msg_ext_http_svc", "set_key_values", &set).await.unwrap();
    let again = json!({"From_Account": "bob", "To_Account": "alice", "MsgKey": key, "OperateType": 1,
        "ExtensionList": [{"Key": "k1", "Value": "other", "Seq": 0}]});
    let stale = admin.call("openim_msg_ext_http_svc", "set_key_values", &again).await.unwrap();
    assert_eq!(stale["ResultList"][0]["ErrorCode"], 23001, "{stale}");
    assert_eq!(answer["ResultList"][0]["ErrorCode"], 0, "a resent set finds its own result: {answer}");
    let get = json!({"From_Account": "bob", "To_Account": "alice", "MsgKey": key});
    let answer = admin.call("openim_msg_ext_http_svc", "get_key_values", &get).await.unwrap();
    assert_eq!(answer["KeyValues"].as_array().unwrap().len(), 2, "{answer}");
    assert_eq!(answer["LatestSeq"], 1);
    let clear = json!({"From_Account": "bob", "To_Account": "alice", "MsgKey": key, "OperateType": 3});
    admin.call("openim_msg_ext_http_svc", "set_key_values", &clear).await.unwrap();
    let answer = admin.call("openim_msg_ext_http_svc", "get_key_values", &get).await.unwrap();
    assert!(answer["KeyValues"].as_array().unwrap().is_empty(), "{answer}");
    let bad = json!({"From_Account": "bob", "To_Account": "alice", "MsgKey": key, "OperateType": 4});
    let err = admin.call("openim_msg_ext_http_svc", "set_key_values", &bad).await.unwrap_err();
    assert!(err.desc.contains("OperateType 4"), "{}", err.desc);

    let group_id = group_of(&alice, GroupType::PUBLIC, &["bob"]).await;
    let sent = admin
        .call(
            "group_open_http_svc",
            "send_group_msg",
            &json!({"GroupId": group_id, "Random": 9, "SupportMessageExtension": 1,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "group poll"}}]}),
        )
        .await
        .unwrap();
    let seq = sent["MsgSeq"].as_u64().unwrap();
    let set = json!({"GroupId": group_id, "MsgSeq": seq, "OperateType": 1,
        "ExtensionList": [{"Key": "g", "Value": "1", "Seq": 0}]});
    admin.call("openim_msg_ext_http_svc", "group_set_key_values", &set).await.unwrap();
    let told = wait_for(&mut alice_events, WAIT, changed_of).await;
    assert_eq!((told.conv_id.as_str(), told.message_seq), (group_id.as_str(), seq));
    let answer = admin
        .call("openim_msg_ext_http_svc", "group_get_key_values", &json!({"GroupId": group_id, "MsgSeq": seq}))
        .await
        .unwrap();
    assert_eq!(answer["KeyValues"], json!([{"Key": "g", "Value": "1", "Seq": 1}]));
    let delete = json!({"GroupId": group_id, "MsgSeq": seq, "OperateType": 2,
        "ExtensionList": [{"Key": "g", "Seq": 1}]});
    let answer = admin.call("openim_msg_ext_http_svc", "group_set_key_values", &delete).await.unwrap();
    assert_eq!(answer["ResultList"][0]["ErrorCode"], 0, "{answer}");
    let named = Message {
        message_conv_id: group_id.clone(),
        message_conv_type: ConvType::GROUP,
        message_seq: seq,
        ..Default::default()
    };
    assert!(bob.get_message_extensions(&named).await.unwrap().is_empty());
    app.stop().await;
}
