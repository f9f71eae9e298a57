//! The relationship chain through the SDK on a real server: adding friends by each add
//! permission, requests and their answers, deleting one way and both, checks, friend entries
//! and groups, the blocklist and what it does to C2C messages, the app's friendship check,
//! search, the pushes to both sides' devices, a restart, and the `Sns.*` webhooks.

use std::time::Duration;

use serde_json::json;
use tincan_proto::ErrorCode;
use tincan_proto::api::{friend_add, friend_get_pendency_list, friend_group_modify, friend_handle_request};
use tincan_proto::enums::ConvType;
use tincan_proto::friendship::{
    self as tim, FriendCustomString, FriendProfileItem, FriendResult, PENDENCY_BOTH, PENDENCY_COME_IN,
    PENDENCY_SEND_OUT,
};
use tincan_proto::profile::ProfileChange;
use tincan_proto::push::FriendPush;
use tincan_sdk::{Client, Event, Events};
use tincan_testkit::hooks::{Answer, HookReceiver};
use tincan_testkit::{TestApp, drain, spawn_app, wait_for};

use crate::helpers::{WAIT, message_of};

fn friend_push(event: &Event, change_type: u32) -> Option<FriendPush> {
    match event {
        Event::Friend(push) if push.friend_change_elem_change_type == change_type => Some(push.clone()),
        _ => None,
    }
}

async fn change(events: &mut Events, change_type: u32) -> FriendPush {
    wait_for(events, WAIT, |event| friend_push(event, change_type)).await
}

fn add(peer: &str) -> friend_add::Request {
    friend_add::Request {
        friendship_add_friend_param_identifier: tincan_proto::UserId::parse(peer).unwrap(),
        friendship_add_friend_param_friend_type: tim::FRIEND_TYPE_BOTH,
        friendship_add_friend_param_remark: String::new(),
        friendship_add_friend_param_group_name: String::new(),
        friendship_add_friend_param_add_source: "web".to_owned(),
        friendship_add_friend_param_add_wording: format!("hello {peer}"),
    }
}

async fn set_permission(client: &Client, permission: u32) {
    let change = ProfileChange { user_profile_item_add_permission: Some(permission), ..ProfileChange::default() };
    client.modify_self_profile(change).await.unwrap();
}

fn friend_ids(client_list: &[tim::FriendProfile]) -> Vec<&str> {
    client_list.iter().map(|friend| friend.friend_profile_identifier.as_str()).collect()
}

async fn set_config(app: &TestApp, config: serde_json::Value) {
    app.admin().call("tincan", "set_app_config", &config).await.expect("the settings apply");
}

#[tokio::test]
async fn adding_a_friend_follows_the_other_users_add_permission() {
    // Goal: anyone may add a user who allows anyone (both lists change, both are told); a user
    // who confirms gets a request instead (30539; both sides' devices are told, each with its
    // direction), and one who denies refuses (30516).
    let app = spawn_app().await;
    let (alice, mut alice_events) = app.client("alice").await;
    let (_alice_phone, mut phone_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (carol, mut carol_events) = app.client("carol").await;
    let (dave, _dave_events) = app.client("dave").await;
    set_permission(&bob, 1).await;
    set_permission(&dave, 3).await;

    let mut request = add("bob");
    request.friendship_add_friend_param_remark = "Bobby".to_owned();
    request.friendship_add_friend_param_group_name = "work".to_owned();
    let result = alice.add_friend(&request).await.unwrap();
    assert_eq!(result, FriendResult::ok("bob"));
    let on_phone = change(&mut phone_events, tim::CHANGE_FRIEND_ADD).await;
    assert_eq!(on_phone.friend_change_elem_friend_add_identifier_array, ["bob"], "the adder's other device hears");
    let at_bob = change(&mut bob_events, tim::CHANGE_FRIEND_ADD).await;
    assert_eq!(
        at_bob.friend_change_elem_friend_add_identifier_array,
        ["alice"],
        "a two-way add reaches the other side"
    );
    change(&mut alice_events, tim::CHANGE_GROUP_ADD).await;

    let friends = alice.friend_list().await.unwrap();
    assert_eq!(friend_ids(&friends), ["bob"]);
    assert_eq!(friends[0].friend_profile_remark, "Bobby");
    assert_eq!(friends[0].friend_profile_group_name_array, ["work"], "the group is created with the friend in it");
    assert_eq!(friends[0].friend_profile_add_source, "AddSource_Type_web", "the source takes its prefix");
    assert_eq!(friends[0].friend_profile_add_wording, "hello bob");
    assert_eq!(friends[0].friend_profile_user_profile.user_profile_add_permission, 1);
    assert_eq!(friend_ids(&bob.friend_list().await.unwrap()), ["alice"]);
    assert_eq!(alice.add_friend(&add("bob")).await.unwrap().friend_result_code, ErrorCode::FRIEND_INVALID_PARAMETERS);

    // Carol never set a permission: TIM's default asks for confirmation.
    let result = alice.add_friend(&add("carol")).await.unwrap();
    assert_eq!(result.friend_result_code, ErrorCode::FRIEND_PENDING, "{}", result.friend_result_desc);
    let request_push = change(&mut carol_events, tim::CHANGE_PENDENCY_ADD).await;
    let pending = &request_push.friend_change_elem_friend_add_pendency_array[0];
    assert_eq!(pending.friend_add_pendency_identifier, "alice");
    assert_eq!(pending.friend_add_pendency_add_wording, "hello carol");
    assert_eq!(pending.friend_add_pendency_type, tim::PENDENCY_COME_IN);
    let sent_push = change(&mut phone_events, tim::CHANGE_PENDENCY_ADD).await;
    let sent = &sent_push.friend_change_elem_friend_add_pendency_array[0];
    assert_eq!(
        (sent.friend_add_pendency_type, sent.friend_add_pendency_identifier.as_str()),
        (tim::PENDENCY_SEND_OUT, "carol"),
        "the requester's other device hears of the request sent"
    );
    assert_eq!(sent.friend_add_pendency_add_time, pending.friend_add_pendency_add_time);
    assert!(friend_ids(&carol.friend_list().await.unwrap()).is_empty(), "nothing is added before the answer");

    let refused = alice.add_friend(&add("dave")).await.unwrap();
    assert_eq!(refused.friend_result_code, ErrorCode::FRIEND_PEER_DENIES_ALL);
    assert_eq!(alice.add_friend(&add("alice")).await.unwrap().friend_result_code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    let nobody = alice.add_friend(&add("nobody")).await.unwrap();
    assert_eq!(nobody.friend_result_code, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND);
    assert_eq!(friend_ids(&alice.friend_list().await.unwrap()), ["bob"], "refusals add nothing");

    // A one-way add changes only the adder's list.
    set_permission(&carol, 1).await;
    let (erin, _erin_events) = app.client("erin").await;
    set_permission(&erin, 1).await;
    let mut single = add("erin");
    single.friendship_add_friend_param_friend_type = tim::FRIEND_TYPE_SINGLE;
    assert_eq!(alice.add_friend(&single).await.unwrap(), FriendResult::ok("erin"));
    assert!(erin.friend_list().await.unwrap().is_empty());
    let checks = alice.check_friends(&["bob", "erin", "carol", "nobody"], tim::FRIEND_TYPE_BOTH).await.unwrap();
    let relations: Vec<u32> = checks.iter().map(|it| it.friendship_check_friendtype_result_relation).collect();
    assert_eq!(relations[..3], [tim::CHECK_BOTH_WAY, tim::CHECK_A_WITH_B, tim::CHECK_NO_RELATION]);
    assert_eq!(checks[3].friendship_check_friendtype_result_code, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND);
    let from_erin = erin.check_friends(&["alice"], tim::FRIEND_TYPE_BOTH).await.unwrap();
    assert_eq!(from_erin[0].friendship_check_friendtype_result_relation, tim::CHECK_B_WITH_A);
    let single_check = erin.check_friends(&["alice"], tim::FRIEND_TYPE_SINGLE).await.unwrap();
    assert_eq!(single_check[0].friendship_check_friendtype_result_relation, tim::CHECK_NO_RELATION);
    app.stop().await;
}

#[tokio::test]
async fn a_friend_request_is_listed_answered_and_marked_read() {
    // Goal: requests appear in both users' pendency lists with an unread count, are marked
    // read, and an accepted one makes the friendship the answer asks for; a refused or deleted
    // one leaves both lists and tells both sides.
    let app = spawn_app().await;
    let (alice, mut alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (carol, mut carol_events) = app.client("carol").await;
    set_permission(&bob, 2).await;

    let mut request = add("bob");
    request.friendship_add_friend_param_remark = "B".to_owned();
    request.friendship_add_friend_param_group_name = "school".to_owned();
    assert_eq!(alice.add_friend(&request).await.unwrap().friend_result_code, ErrorCode::FRIEND_PENDING);
    assert_eq!(carol.add_friend(&add("bob")).await.unwrap().friend_result_code, ErrorCode::FRIEND_PENDING);

    let all = friend_get_pendency_list::Request {
        friendship_get_pendency_list_param_type: PENDENCY_BOTH,
        ..Default::default()
    };
    let page = bob.friend_pendency_list(&all).await.unwrap();
    assert_eq!(page.pendency_page_unread_num, 2);
    let mut from: Vec<&str> = page
        .pendency_page_pendency_info_array
        .iter()
        .map(|it| it.friend_add_pendency_info_identifier.as_str())
        .collect();
    from.sort_unstable();
    assert_eq!(from, ["alice", "carol"]);
    assert!(
        page.pendency_page_pendency_info_array.iter().all(|it| it.friend_add_pendency_info_type == PENDENCY_COME_IN)
    );
    let sent = alice.friend_pendency_list(&all).await.unwrap();
    assert_eq!(sent.pendency_page_pendency_info_array.len(), 1);
    assert_eq!(sent.pendency_page_pendency_info_array[0].friend_add_pendency_info_type, PENDENCY_SEND_OUT);
    assert_eq!(sent.pendency_page_pendency_info_array[0].friend_add_pendency_info_identifier, "bob");
    assert_eq!(sent.pendency_page_unread_num, 0, "one's own requests are never unread");

    bob.report_friend_pendency_read(0).await.unwrap();
    change(&mut bob_events, tim::CHANGE_PENDENCY_READ).await;
    assert_eq!(bob.friend_pendency_list(&all).await.unwrap().pendency_page_unread_num, 0);

    // Bob accepts Alice's and adds her back: both lists, with each side's remark and group.
    let accept = friend_handle_request::Request {
        friend_response_identifier: tincan_proto::UserId::parse("alice").unwrap(),
        friend_response_action: tim::RESPONSE_AGREE_AND_ADD,
        friend_response_remark: "Al".to_owned(),
        friend_response_group_name: "friends".to_owned(),
    };
    assert_eq!(bob.handle_friend_request(&accept).await.unwrap(), FriendResult::ok("alice"));
    let added = change(&mut alice_events, tim::CHANGE_FRIEND_ADD).await;
    assert_eq!(added.friend_change_elem_friend_add_identifier_array, ["bob"]);
    let gone = change(&mut alice_events, tim::CHANGE_PENDENCY_DEL).await;
    assert_eq!(gone.friend_change_elem_pendency_del_identifier_array, ["bob"]);
    let alice_friends = alice.friend_list().await.unwrap();
    assert_eq!(alice_friends[0].friend_profile_remark, "B", "the applicant's remark is kept for the answer");
    assert_eq!(alice_friends[0].friend_profile_group_name_array, ["school"]);
    let bob_friends = bob.friend_list().await.unwrap();
    assert_eq!(bob_friends[0].friend_profile_remark, "Al");
    assert_eq!(bob_friends[0].friend_profile_group_name_array, ["friends"]);

    // Bob refuses Carol's: nothing is added, and both are told the request is gone.
    let refuse = friend_handle_request::Request {
        friend_response_identifier: tincan_proto::UserId::parse("carol").unwrap(),
        friend_response_action: tim::RESPONSE_REJECT,
        friend_response_remark: String::new(),
        friend_response_group_name: String::new(),
    };
    bob.handle_friend_request(&refuse).await.unwrap();
    let told = change(&mut carol_events, tim::CHANGE_PENDENCY_DEL).await;
    assert_eq!(told.friend_change_elem_pendency_del_identifier_array, ["bob"]);
    assert!(carol.friend_list().await.unwrap().is_empty());
    assert!(bob.friend_pendency_list(&all).await.unwrap().pendency_page_pendency_info_array.is_empty());
    let again = bob.handle_friend_request(&refuse).await.unwrap_err();
    assert_eq!(again.code, ErrorCode::FRIEND_INVALID_PARAMETERS, "{}", again.desc);

    // A request deleted by its sender leaves the receiver's list too.
    assert_eq!(carol.add_friend(&add("bob")).await.unwrap().friend_result_code, ErrorCode::FRIEND_PENDING);
    let deleted = carol.delete_friend_pendency(&["bob", "alice"], tim::PENDENCY_SEND_OUT).await.unwrap();
    assert_eq!(deleted[0], FriendResult::ok("bob"));
    assert_eq!(deleted[1].friend_result_code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    assert!(bob.friend_pendency_list(&all).await.unwrap().pendency_page_pendency_info_array.is_empty());
    let bad = friend_get_pendency_list::Request { friendship_get_pendency_list_param_type: 7, ..Default::default() };
    assert_eq!(bob.friend_pendency_list(&bad).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    app.stop().await;
}

#[tokio::test]
async fn friends_are_deleted_one_way_or_both() {
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (carol, _carol_events) = app.client("carol").await;
    set_permission(&bob, 1).await;
    set_permission(&carol, 1).await;
    alice.add_friend(&add("bob")).await.unwrap();
    alice.add_friend(&add("carol")).await.unwrap();

    let results = alice.delete_friends(&["bob", "dave"], tim::FRIEND_TYPE_SINGLE).await.unwrap();
    assert_eq!(results[0], FriendResult::ok("bob"));
    assert_eq!(results[1].friend_result_code, ErrorCode::FRIEND_INVALID_PARAMETERS, "not a friend fails alone");
    assert_eq!(friend_ids(&alice.friend_list().await.unwrap()), ["carol"]);
    assert_eq!(friend_ids(&bob.friend_list().await.unwrap()), ["alice"], "a one-way delete keeps the other list");

    alice.delete_friends(&["carol"], tim::FRIEND_TYPE_BOTH).await.unwrap();
    assert!(carol.friend_list().await.unwrap().is_empty(), "a two-way delete empties both");
    bob.delete_friends(&["alice"], tim::FRIEND_TYPE_BOTH).await.unwrap();
    let gone = change(&mut bob_events, tim::CHANGE_FRIEND_DEL).await;
    assert_eq!(gone.friend_change_elem_friend_del_identifier_array, ["alice"]);
    app.stop().await;
}

#[tokio::test]
async fn friend_entries_groups_and_search() {
    // Goal: remarks, custom fields and friend groups change and read back, also after a
    // restart; search finds friends by ID, nickname or remark.
    let app = spawn_app().await;
    let (alice, mut alice_events) = app.client("alice").await;
    let (_dave, _dave_events) = app.client("dave").await;
    for name in ["bob", "carol"] {
        let (client, _events) = app.client(name).await;
        set_permission(&client, 1).await;
        alice.add_friend(&add(name)).await.unwrap();
    }
    let (carol, _carol_events) = app.client("carol").await;
    carol
        .modify_self_profile(ProfileChange {
            user_profile_item_nick_name: Some("Caroline".to_owned()),
            ..ProfileChange::default()
        })
        .await
        .unwrap();

    let item = FriendProfileItem {
        friend_profile_item_remark: Some("Robert".to_owned()),
        friend_profile_item_group_name_array: None,
        friend_profile_item_custom_string_array: Some(vec![FriendCustomString {
            friend_profile_custom_string_info_key: "Level".to_owned(),
            friend_profile_custom_string_info_value: "gold".to_owned(),
        }]),
    };
    alice.modify_friend("bob", item).await.unwrap();
    let update = change(&mut alice_events, tim::CHANGE_PROFILE_UPDATE).await;
    assert_eq!(update.friend_change_elem_friend_profile_update_item_array[0].friend_profile_update_identifier, "bob");
    let long = FriendProfileItem { friend_profile_item_remark: Some("r".repeat(97)), ..FriendProfileItem::default() };
    assert_eq!(alice.modify_friend("bob", long).await.unwrap_err().code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    let stranger =
        FriendProfileItem { friend_profile_item_remark: Some("x".to_owned()), ..FriendProfileItem::default() };
    assert_eq!(alice.modify_friend("dave", stranger).await.unwrap_err().code, ErrorCode::FRIEND_INVALID_PARAMETERS);

    let results = alice.create_friend_groups(&["close", "far"], &["bob", "dave"]).await.unwrap();
    assert_eq!(results[0], FriendResult::ok("bob"));
    assert_eq!(results[1].friend_result_code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    assert_eq!(
        alice.create_friend_groups(&["close"], &[]).await.unwrap_err().code,
        ErrorCode::FRIEND_INVALID_PARAMETERS
    );
    let modify = friend_group_modify::Request {
        friendship_modify_friend_group_param_name: "far".to_owned(),
        friendship_modify_friend_group_param_new_name: Some("distant".to_owned()),
        friendship_modify_friend_group_param_delete_identifier_array: vec![tincan_proto::UserId::parse("bob").unwrap()],
        friendship_modify_friend_group_param_add_identifier_array: vec![tincan_proto::UserId::parse("carol").unwrap()],
    };
    alice.modify_friend_group(&modify).await.unwrap();
    alice.delete_friend_groups(&["close"]).await.unwrap();
    assert_eq!(alice.delete_friend_groups(&["close"]).await.unwrap_err().code, ErrorCode::FRIEND_INVALID_PARAMETERS);

    let check = |app: TestApp| async move {
        let (alice, _events) = app.client("alice").await;
        let groups = alice.friend_groups(&[]).await.unwrap();
        let names: Vec<&str> = groups.iter().map(|it| it.friend_group_info_name.as_str()).collect();
        assert_eq!(names, ["distant"]);
        assert_eq!(groups[0].friend_group_info_identifier_array, ["carol"]);
        assert_eq!(groups[0].friend_group_info_count, 1);
        let info = alice.friends_info(&["bob", "dave", "nobody"]).await.unwrap();
        let bob = &info[0].friendship_friend_info_get_result_field_info;
        assert_eq!(bob.friend_profile_remark, "Robert");
        assert!(bob.friend_profile_group_name_array.is_empty(), "bob left both groups");
        assert_eq!(
            bob.friend_profile_custom_string_array[0].friend_profile_custom_string_info_key,
            "Tag_SNS_Custom_Level"
        );
        assert_eq!(info[0].friendship_friend_info_get_result_relation_type, tim::CHECK_BOTH_WAY);
        assert_eq!(info[1].friendship_friend_info_get_result_relation_type, tim::CHECK_NO_RELATION);
        assert_eq!(info[2].friendship_friend_info_get_result_error_code, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND);

        let by_remark = alice.search_friends(&["rob"], &[tim::SEARCH_FIELD_REMARK]).await.unwrap();
        assert_eq!(friend_ids(&by_remark), ["bob"]);
        let by_nick = alice.search_friends(&["CAROL"], &[tim::SEARCH_FIELD_NICK_NAME]).await.unwrap();
        assert_eq!(friend_ids(&by_nick), ["carol"], "search ignores case");
        assert!(alice.search_friends(&["caroline"], &[tim::SEARCH_FIELD_IDENTIFIER]).await.unwrap().is_empty());
        assert_eq!(friend_ids(&alice.search_friends(&["o"], &[]).await.unwrap()).len(), 2);
        assert_eq!(alice.search_friends(&[], &[]).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
        app
    };
    let app = check(app).await;
    let app = check(app.restart().await).await;
    app.stop().await;
}

#[tokio::test]
async fn a_blocked_users_messages_never_reach_the_blocker() {
    // Goal: blocking ends a friendship both ways; the blocked user's C2C messages are answered
    // as sent but never stored or delivered, or fail with 20007 when the app says so; the
    // blocker still writes to the blocked user; unblocking lets messages through again.
    let app = spawn_app().await;
    let (alice, mut alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    set_permission(&alice, 1).await;
    bob.add_friend(&add("alice")).await.unwrap();

    let results = alice.add_to_blocklist(&["bob", "alice", "nobody"]).await.unwrap();
    assert_eq!(results[0], FriendResult::ok("bob"));
    assert_eq!(results[1].friend_result_code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    assert_eq!(results[2].friend_result_code, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND);
    let blocked = change(&mut alice_events, tim::CHANGE_BLACKLIST_ADD).await;
    assert_eq!(blocked.friend_change_elem_blacklist_add_identifier_array, ["bob"]);
    let unfriended = change(&mut bob_events, tim::CHANGE_FRIEND_DEL).await;
    assert_eq!(unfriended.friend_change_elem_friend_del_identifier_array, ["alice"], "the friendship ends both ways");
    assert!(alice.friend_list().await.unwrap().is_empty());
    assert_eq!(friend_ids(&alice.blocklist().await.unwrap()), ["bob"]);
    assert_eq!(
        alice.add_to_blocklist(&["bob"]).await.unwrap()[0].friend_result_code,
        ErrorCode::FRIEND_INVALID_PARAMETERS
    );
    assert_eq!(bob.add_friend(&add("alice")).await.unwrap().friend_result_code, ErrorCode::FRIEND_IN_PEERS_BLOCKLIST);
    assert_eq!(alice.add_friend(&add("bob")).await.unwrap().friend_result_code, ErrorCode::FRIEND_PEER_IN_BLOCKLIST);

    let sent = bob.send_text("alice", ConvType::C2C, "can you hear me?", false).await.unwrap();
    assert_eq!(sent.message_seq, 0, "a silent success stores nothing");
    let from_alice = alice.send_text("bob", ConvType::C2C, "I can write to you", false).await.unwrap();
    assert_eq!(from_alice.message_seq, 1, "the blocker still writes to the one it blocks");
    let heard: Vec<_> =
        drain(&mut alice_events, Duration::from_millis(400)).await.iter().filter_map(message_of).collect();
    assert!(heard.iter().all(|push| push.message.message_sender != "bob"), "the blocked message never arrives");
    let history = alice.get_message_list("bob", ConvType::C2C, Default::default()).await.unwrap();
    assert_eq!(history.len(), 1, "only the blocker's message is stored");

    set_config(&app, json!({"blocked_send_fails": true})).await;
    let err = bob.send_text("alice", ConvType::C2C, "again", false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_BLOCKED_BY_PEER, "{}", err.desc);

    assert_eq!(alice.delete_from_blocklist(&["bob"]).await.unwrap()[0], FriendResult::ok("bob"));
    change(&mut alice_events, tim::CHANGE_BLACKLIST_DEL).await;
    assert_eq!(
        alice.delete_from_blocklist(&["bob"]).await.unwrap()[0].friend_result_code,
        ErrorCode::FRIEND_INVALID_PARAMETERS
    );
    let through = bob.send_text("alice", ConvType::C2C, "now?", false).await.unwrap();
    assert_eq!(through.message_seq, 2);
    wait_for(&mut alice_events, WAIT, |event| message_of(event).filter(|push| push.message.message_sender == "bob"))
        .await;
    app.stop().await;
}

#[tokio::test]
async fn the_app_may_require_friendship_for_c2c_messages() {
    // Goal: off by default; on, a message between users who are not friends both ways fails
    // with the code for which side is missing.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    alice.send_text("bob", ConvType::C2C, "strangers may talk", false).await.unwrap();
    set_config(&app, json!({"c2c_requires_friendship": true})).await;
    assert_eq!(alice.send_text("bob", ConvType::C2C, "x", false).await.unwrap_err().code, ErrorCode::C2C_NOT_FRIENDS);
    set_permission(&bob, 1).await;
    let mut single = add("bob");
    single.friendship_add_friend_param_friend_type = tim::FRIEND_TYPE_SINGLE;
    alice.add_friend(&single).await.unwrap();
    let err = alice.send_text("bob", ConvType::C2C, "x", false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_NOT_PEERS_FRIEND, "{}", err.desc);
    assert_eq!(
        bob.send_text("alice", ConvType::C2C, "x", false).await.unwrap_err().code,
        ErrorCode::C2C_PEER_NOT_FRIEND
    );
    alice.add_friend(&add("bob")).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "friends may talk", false).await.unwrap();
    bob.send_text("alice", ConvType::C2C, "yes", false).await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn relationship_changes_reach_the_sns_webhooks() {
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    let commands = [
        "Sns.CallbackFriendAdd",
        "Sns.CallbackFriendDelete",
        "Sns.CallbackBlackListAdd",
        "Sns.CallbackBlackListDelete",
    ];
    set_config(&app, json!({"callback_url": receiver.url, "callback_commands": commands})).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    set_permission(&bob, 1).await;
    alice.add_friend(&add("bob")).await.unwrap();
    let hook = receiver.next("Sns.CallbackFriendAdd", WAIT).await;
    assert_eq!(hook.body["ClientCmd"], "friend_add");
    assert_eq!(hook.body["Admin_Account"], "", "a client's add names no administrator");
    assert_eq!(hook.body["ForceFlag"], 0);
    let mut pairs: Vec<(String, String, String)> = hook.body["PairList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let text = |key: &str| pair[key].as_str().unwrap().to_owned();
            (text("From_Account"), text("To_Account"), text("Initiator_Account"))
        })
        .collect();
    pairs.sort();
    assert_eq!(pairs, [("alice".into(), "bob".into(), "alice".into()), ("bob".into(), "alice".into(), "alice".into())]);
    alice.add_to_blocklist(&["bob"]).await.unwrap();
    // The batch queues its friendships' end before the block.
    let hook = receiver.next("Sns.CallbackFriendDelete", WAIT).await;
    assert_eq!(hook.body["PairList"].as_array().unwrap().len(), 2);
    let hook = receiver.next("Sns.CallbackBlackListAdd", WAIT).await;
    assert_eq!(hook.body["PairList"], json!([{"From_Account": "alice", "To_Account": "bob"}]));
    alice.delete_from_blocklist(&["bob"]).await.unwrap();
    receiver.next("Sns.CallbackBlackListDelete", WAIT).await;

    // Through REST: an import is reported to no webhook, as TIM's; a forced add names the
    // administrator and its force.
    let (_carol, _carol_events) = app.client("carol").await;
    let import =
        json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "carol", "AddSource": "AddSource_Type_x"}]});
    app.admin().call("sns", "friend_import", &import).await.unwrap();
    let add = json!({"From_Account": "carol", "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_x"}], "ForceAddFlags": 1});
    app.admin().call("sns", "friend_add", &add).await.unwrap();
    let hook = receiver.next("Sns.CallbackFriendAdd", WAIT).await;
    assert_eq!(hook.body["PairList"][0]["From_Account"], "carol", "the import before it was not reported");
    assert_eq!(hook.body["Admin_Account"], tincan_engine::DEFAULT_ADMIN_IDENTIFIER);
    assert_eq!(hook.body["ForceFlag"], 1);
    app.stop().await;
}

#[tokio::test]
async fn the_before_callbacks_refuse_adds_and_answers_and_silence_lets_them_through() {
    // Goal: Sns.CallbackPrevFriendAdd sees a client's add with TIM's keys and refuses the users
    // its answer names, with the answer's code, changing nothing for them; a REST add never asks
    // it; Sns.CallbackPrevFriendResponse refuses an answer to a request, which then still waits;
    // a receiver that does not answer in time lets the request through.
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    let commands = ["Sns.CallbackPrevFriendAdd", "Sns.CallbackPrevFriendResponse"];
    set_config(&app, json!({"callback_url": receiver.url, "callback_commands": commands})).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let (carol, _carol_events) = app.client("carol").await;
    set_permission(&bob, 1).await;
    set_permission(&carol, 2).await;

    receiver.answer(
        "Sns.CallbackPrevFriendAdd",
        Answer::Json(json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "ResultItem": [
            {"To_Account": "bob", "ResultCode": 38_001, "ResultInfo": "bob is not for alice"}
        ]})),
    );
    let mut request = add("bob");
    request.friendship_add_friend_param_remark = "B".to_owned();
    let result = alice.add_friend(&request).await.unwrap();
    assert_eq!(result.friend_result_code, ErrorCode(38_001), "{result:?}");
    assert_eq!(result.friend_result_desc, "bob is not for alice");
    let hook = receiver.next("Sns.CallbackPrevFriendAdd", WAIT).await;
    assert_eq!(hook.body["Requester_Account"], "alice");
    assert_eq!(hook.body["From_Account"], "alice");
    assert_eq!(hook.body["AddType"], "Add_Type_Both");
    assert_eq!(hook.body["FriendItem"][0]["To_Account"], "bob");
    assert_eq!(hook.body["FriendItem"][0]["Remark"], "B");
    assert_eq!(hook.body["FriendItem"][0]["AddWording"], "hello bob");
    assert!(alice.friend_list().await.unwrap().is_empty() && bob.friend_list().await.unwrap().is_empty());

    // The administrator's add is not asked about, as TIM's REST calls are not.
    let rest_add =
        json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_x"}]});
    app.admin().call("sns", "friend_add", &rest_add).await.unwrap();
    assert_eq!(friend_ids(&alice.friend_list().await.unwrap()), ["bob"]);

    // Carol confirms requests: the add's answer lets Alice's through, Carol's answer is refused.
    receiver.answer("Sns.CallbackPrevFriendAdd", Answer::Ok);
    assert_eq!(alice.add_friend(&add("carol")).await.unwrap().friend_result_code, ErrorCode::FRIEND_PENDING);
    receiver.answer(
        "Sns.CallbackPrevFriendResponse",
        Answer::Json(
            json!({"ErrorCode": 0, "ResultItem": [{"To_Account": "alice", "ResultCode": 38_002, "ResultInfo": "no"}]}),
        ),
    );
    let accept = friend_handle_request::Request {
        friend_response_identifier: tincan_proto::UserId::parse("alice").unwrap(),
        friend_response_action: tim::RESPONSE_AGREE_AND_ADD,
        friend_response_remark: "Al".to_owned(),
        friend_response_group_name: "work".to_owned(),
    };
    let err = carol.handle_friend_request(&accept).await.unwrap_err();
    assert_eq!((err.code, err.desc.as_str()), (ErrorCode(38_002), "no"));
    let hook = receiver.next("Sns.CallbackPrevFriendResponse", WAIT).await;
    assert_eq!(hook.body["From_Account"], "carol");
    assert_eq!(
        hook.body["ResponseFriendItem"],
        json!([{"To_Account": "alice", "Remark": "Al", "TagName": "work", "ResponseAction": "Response_Action_AgreeAndAdd"}])
    );
    let waiting = friend_get_pendency_list::Request {
        friendship_get_pendency_list_param_type: PENDENCY_COME_IN,
        ..Default::default()
    };
    assert_eq!(carol.friend_pendency_list(&waiting).await.unwrap().pendency_page_pendency_info_array.len(), 1);

    // A receiver that says nothing in time lets the answer through.
    receiver.answer("Sns.CallbackPrevFriendResponse", Answer::Hang(Duration::from_secs(30)));
    let started = std::time::Instant::now();
    assert_eq!(carol.handle_friend_request(&accept).await.unwrap(), FriendResult::ok("alice"));
    assert!(started.elapsed() < Duration::from_secs(8), "the answer waited {:?}", started.elapsed());
    assert_eq!(friend_ids(&carol.friend_list().await.unwrap()), ["alice"]);
    app.stop().await;
}

#[tokio::test]
async fn requests_and_blocklists_outlast_a_restart_and_leave_with_a_deleted_account() {
    // Goal: what the relationship chain holds is stored: after a restart a request waits and a
    // block holds; deleting an account takes every relationship that names it, on both sides.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let (carol, _carol_events) = app.client("carol").await;
    set_permission(&carol, 1).await;
    assert_eq!(alice.add_friend(&add("bob")).await.unwrap().friend_result_code, ErrorCode::FRIEND_PENDING);
    alice.add_to_blocklist(&["carol"]).await.unwrap();
    bob.report_friend_pendency_read(0).await.unwrap();
    let (dave, _dave_events) = app.client("dave").await;
    set_permission(&dave, 1).await;
    carol.add_friend(&add("dave")).await.unwrap();
    drop((alice, bob, carol, dave));

    let app = app.restart().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let all = friend_get_pendency_list::Request::default();
    let page = bob.friend_pendency_list(&all).await.unwrap();
    assert_eq!(page.pendency_page_pendency_info_array.len(), 1, "the request waits after a restart");
    assert_eq!(page.pendency_page_pendency_info_array[0].friend_add_pendency_info_identifier, "alice");
    assert_eq!(page.pendency_page_unread_num, 0, "and so does the read mark");
    assert_eq!(friend_ids(&alice.blocklist().await.unwrap()), ["carol"]);
    let (carol, _carol_events) = app.client("carol").await;
    let err = carol.send_text("alice", ConvType::C2C, "still blocked?", false).await.unwrap();
    assert_eq!(err.message_seq, 0, "the block holds after a restart");

    app.admin()
        .call("im_open_login_svc", "account_delete", &json!({"DeleteItem": [{"UserID": "carol"}, {"UserID": "alice"}]}))
        .await
        .unwrap();
    let (dave, _dave_events) = app.client("dave").await;
    assert!(dave.friend_list().await.unwrap().is_empty(), "a deleted account leaves its friends' lists");
    assert!(bob.friend_pendency_list(&all).await.unwrap().pendency_page_pendency_info_array.is_empty());
    let (carol, _carol_events) = app.client("carol").await;
    assert!(carol.blocklist().await.unwrap().is_empty());
    assert!(carol.friend_list().await.unwrap().is_empty(), "a new account of the same name starts with nothing");
    app.stop().await;
}
