//! Follows through the SDK and the REST API on a real server: following and unfollowing, the
//! pushes to the follower's other devices and to the followee, counts, relationship checks,
//! pages with a cursor, bad input with TIM's codes, a restart, and the `Follow.*` webhooks.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use tincan_proto::ErrorCode;
use tincan_proto::follow::{self as tim, FollowInfo, FollowList, FollowResult};
use tincan_proto::profile::ProfileChange;
use tincan_proto::push::FollowPush;
use tincan_sdk::{Client, Event, Events};
use tincan_testkit::hooks::HookReceiver;
use tincan_testkit::{drain, spawn_app, wait_for};

use crate::helpers::WAIT;

async fn change(events: &mut Events, list: FollowList, is_add: bool) -> FollowPush {
    wait_for(events, WAIT, |event| match event {
        Event::Follow(push)
            if push.follow_change_elem_follow_type == list.number() && push.follow_change_elem_is_add == is_add =>
        {
            Some(push.clone())
        }
        _ => None,
    })
    .await
}

fn codes(results: &[FollowResult]) -> Vec<(&str, u32)> {
    results.iter().map(|it| (it.follow_operation_result_user_id.as_str(), it.follow_operation_result_code.0)).collect()
}

fn counts(info: &FollowInfo) -> (u64, u64, u64) {
    (info.follow_info_followers_count, info.follow_info_followings_count, info.follow_info_mutual_followers_count)
}

async fn types(client: &Client, users: &[&str]) -> Vec<u32> {
    let results = client.check_follow_type(users).await.unwrap();
    results.iter().map(|it| it.follow_type_check_result_follow_type).collect()
}

/// Every user of `list`, read a page of `count` at a time; fails on a user seen twice.
async fn whole_list(client: &Client, list: FollowList, count: u32) -> (Vec<String>, usize) {
    let mut users = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let page = client.follow_list(list, &cursor, count).await.unwrap();
        pages += 1;
        assert!(page.follow_list_result_user_info_list.len() <= count as usize);
        for entry in page.follow_list_result_user_info_list {
            let user = entry.follow_entry_user_profile.user_profile_identifier;
            assert!(!users.contains(&user), "{user} came twice");
            assert!(entry.follow_entry_follow_time > 0);
            users.push(user);
        }
        if page.follow_list_result_next_cursor.is_empty() {
            return (users, pages);
        }
        cursor = page.follow_list_result_next_cursor;
    }
}

#[tokio::test]
async fn following_changes_both_sides_lists_counts_and_checks() {
    // Goal: a follow puts the followee in the follower's following list and the follower in
    // the followee's followers list; following back makes both mutual. The follower's other
    // device and the followee hear of each change, the device that made it does not; counts
    // and checks follow; oneself and unknown accounts fail alone with TIM's codes.
    let app = spawn_app().await;
    let (alice, mut alice_events) = app.client("alice").await;
    let (_phone, mut phone_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (carol, _carol_events) = app.client("carol").await;
    let (_dave, _dave_events) = app.client("dave").await;
    let nick = ProfileChange { user_profile_item_nick_name: Some("Alice A.".to_owned()), ..ProfileChange::default() };
    alice.modify_self_profile(nick).await.unwrap();

    let results = alice.follow_users(&["bob", "carol", "alice", "nobody", "bob"]).await.unwrap();
    assert_eq!(
        codes(&results),
        [
            ("bob", 0),
            ("carol", 0),
            ("alice", ErrorCode::FRIEND_INVALID_PARAMETERS.0),
            ("nobody", ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0),
            ("bob", 0),
        ],
        "oneself and an unknown account fail alone; a user followed already succeeds"
    );
    assert!(results[2].follow_operation_result_info.contains("itself"), "{:?}", results[2]);
    assert!(results[3].follow_operation_result_info.contains("nobody"), "{:?}", results[3]);

    let on_phone = change(&mut phone_events, FollowList::Following, true).await;
    assert_eq!(on_phone.follow_change_elem_user_id_list, ["bob", "carol"], "the follower's other device hears");
    let at_bob = change(&mut bob_events, FollowList::Followers, true).await;
    assert_eq!(at_bob.follow_change_elem_user_id_list, ["alice"], "the followee hears");
    assert_eq!(at_bob.follow_change_elem_user_profile_list[0].user_profile_nick_name, "Alice A.");

    assert_eq!(types(&alice, &["bob", "carol", "dave"]).await, [2, 2, 0]);
    assert_eq!(types(&bob, &["alice"]).await, [tim::FOLLOW_TYPE_IN_MY_FOLLOWERS_LIST]);

    // Bob follows back: both mutual lists gain the other.
    assert_eq!(codes(&bob.follow_users(&["alice"]).await.unwrap()), [("alice", 0)]);
    let mutual = change(&mut phone_events, FollowList::Mutual, true).await;
    assert_eq!(mutual.follow_change_elem_user_id_list, ["bob"]);
    let followers = change(&mut alice_events, FollowList::Followers, true).await;
    assert_eq!(followers.follow_change_elem_user_id_list, ["bob"]);
    // Bob's own device made the change and hears none of it; its answer said enough.
    assert_eq!(types(&alice, &["bob"]).await, [tim::FOLLOW_TYPE_IN_BOTH_FOLLOWERS_LIST]);

    let infos = carol.follow_info(&["alice", "bob", "carol", "nobody"]).await.unwrap();
    assert_eq!(counts(&infos[0]), (1, 2, 1), "alice: bob follows her; she follows bob and carol");
    assert_eq!(counts(&infos[1]), (1, 1, 1));
    assert_eq!(counts(&infos[2]), (1, 0, 0));
    assert_eq!(infos[3].follow_info_result_code, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND);
    let mine = alice.follow_info(&[]).await.unwrap();
    assert_eq!(
        (mine[0].follow_info_user_id.as_str(), counts(&mine[0])),
        ("alice", (1, 2, 1)),
        "empty asks for oneself"
    );

    let (following, _) = whole_list(&alice, FollowList::Following, 10).await;
    assert_eq!(following.into_iter().collect::<BTreeSet<_>>(), BTreeSet::from(["bob".to_owned(), "carol".to_owned()]));
    let (mutual, _) = whole_list(&alice, FollowList::Mutual, 10).await;
    assert_eq!(mutual, ["bob"]);
    let (followers, _) = whole_list(&bob, FollowList::Followers, 10).await;
    assert_eq!(followers, ["alice"]);
    let page = bob.follow_list(FollowList::Followers, "", 10).await.unwrap();
    assert_eq!(page.follow_list_result_user_info_list[0].follow_entry_user_profile.user_profile_nick_name, "Alice A.");

    // Unfollowing: the lists and the mutual relationship end on both sides; a user not
    // followed succeeds with nothing changed.
    let results = alice.unfollow_users(&["bob", "dave", "nobody"]).await.unwrap();
    assert_eq!(codes(&results), [("bob", 0), ("dave", 0), ("nobody", ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0)]);
    let gone = change(&mut phone_events, FollowList::Following, false).await;
    assert_eq!(gone.follow_change_elem_user_id_list, ["bob"]);
    assert!(gone.follow_change_elem_user_profile_list.is_empty());
    assert_eq!(change(&mut bob_events, FollowList::Followers, false).await.follow_change_elem_user_id_list, ["alice"]);
    assert_eq!(change(&mut bob_events, FollowList::Mutual, false).await.follow_change_elem_user_id_list, ["alice"]);
    assert_eq!(types(&alice, &["bob"]).await, [tim::FOLLOW_TYPE_IN_MY_FOLLOWERS_LIST]);
    assert_eq!(counts(&alice.follow_info(&[]).await.unwrap()[0]), (1, 1, 0));

    // The device that made the changes heard none of its own: only Bob's follow reached it.
    let own: Vec<FollowPush> = drain(&mut alice_events, std::time::Duration::from_millis(300))
        .await
        .into_iter()
        .filter_map(|event| match event {
            Event::Follow(push) => Some(push),
            _ => None,
        })
        .collect();
    assert!(
        own.iter().all(|push| push.follow_change_elem_follow_type != tim::FOLLOW_TYPE_IN_MY_FOLLOWING_LIST),
        "{own:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn follow_lists_page_with_a_cursor_and_survive_a_restart() {
    // Goal: a list read a page at a time gives every user once, the last page's cursor is
    // empty, and a cursor, a count, a list type or a batch out of bounds is refused with 30001
    // and a description; the follows and counts are the same after a restart.
    let app = spawn_app().await;
    let (star, _star_events) = app.client("star").await;
    let fans: Vec<String> = (0..7).map(|i| format!("fan{i}")).collect();
    for fan in &fans {
        let (client, _events) = app.client(fan).await;
        assert_eq!(codes(&client.follow_users(&["star"]).await.unwrap()), [("star", 0)]);
    }
    star.follow_users(&["fan0", "fan1"]).await.unwrap();
    let (followers, pages) = whole_list(&star, FollowList::Followers, 3).await;
    assert_eq!(pages, 3, "7 users in pages of 3");
    assert_eq!(followers.iter().collect::<BTreeSet<_>>(), fans.iter().collect::<BTreeSet<_>>());
    let (mutual, _) = whole_list(&star, FollowList::Mutual, 1).await;
    assert_eq!(mutual.iter().collect::<BTreeSet<_>>(), BTreeSet::from([&fans[0], &fans[1]]));
    let page = star.follow_list(FollowList::Followers, "", 0).await.unwrap();
    assert_eq!(page.follow_list_result_user_info_list.len(), 7, "no count is TIM's default page");
    assert_eq!(page.follow_list_result_next_cursor, "");

    let refused = |err: tincan_proto::ApiError, what: &str| {
        assert_eq!(err.code, ErrorCode::FRIEND_INVALID_PARAMETERS, "{what}: {err:?}");
        assert!(!err.desc.is_empty(), "{what}");
        err.desc
    };
    let desc = refused(star.follow_list(FollowList::Followers, "garbage", 3).await.unwrap_err(), "a bad cursor");
    assert!(desc.contains("cursor"), "{desc}");
    refused(star.follow_list(FollowList::Followers, "12:", 3).await.unwrap_err(), "a cursor without a user");
    let desc = refused(star.follow_list(FollowList::Followers, "", 1001).await.unwrap_err(), "a page too long");
    assert!(desc.contains("1000"), "{desc}");
    let answer = star
        .call(&tincan_proto::api::follow_get_list::Request {
            follow_type: 4,
            next_cursor: tincan_proto::follow::FollowCursor::first(),
            count: 1,
        })
        .await;
    let desc = refused(answer.unwrap_err(), "an unknown list");
    assert!(desc.contains("follow_type"), "{desc}");
    let many: Vec<String> = (0..21).map(|i| format!("fan{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let desc = refused(star.follow_users(&many).await.unwrap_err(), "21 users to follow");
    assert!(desc.contains("20"), "{desc}");
    refused(star.unfollow_users(&many).await.unwrap_err(), "21 users to unfollow");
    refused(star.follow_users(&[]).await.unwrap_err(), "no users");
    refused(star.follow_info(&many).await.unwrap_err(), "21 users to count");
    let hundred_one: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let hundred_one: Vec<&str> = hundred_one.iter().map(String::as_str).collect();
    let desc = refused(star.check_follow_type(&hundred_one).await.unwrap_err(), "101 users to check");
    assert!(desc.contains("100"), "{desc}");
    let before = counts(&star.follow_info(&[]).await.unwrap()[0]);
    assert_eq!(before, (7, 2, 2));

    let app = app.restart().await;
    let (star, _star_events) = app.client("star").await;
    assert_eq!(counts(&star.follow_info(&[]).await.unwrap()[0]), before, "the follows were stored");
    let (mutual, _) = whole_list(&star, FollowList::Mutual, 10).await;
    assert_eq!(mutual.len(), 2);
    // Deleting an account takes it out of every list.
    let deleted =
        app.admin().call("im_open_login_svc", "account_delete", &json!({"DeleteItem": [{"UserID": "fan0"}]})).await;
    deleted.unwrap();
    assert_eq!(counts(&star.follow_info(&[]).await.unwrap()[0]), (6, 1, 1));
    app.stop().await;
}

async fn rest(admin: &tincan_sdk::admin::AdminClient, command: &str, body: Value) -> Value {
    admin.call("follow", command, &body).await.unwrap_or_else(|err| panic!("{command}: {err:?}"))
}

/// `(To_Account, ResultCode)` of each `ResultItem`.
fn items(answer: &Value) -> Vec<(String, u64)> {
    answer["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| (item["To_Account"].as_str().unwrap().to_owned(), item["ResultCode"].as_u64().unwrap()))
        .collect()
}

#[tokio::test]
async fn rest_follow_commands_use_tims_keys_and_reach_the_webhooks() {
    // Goal: REST `follow_add`, `follow_delete`, `follow_check`, `follow_get` and
    // `follow_get_info` act as `From_Account` with TIM's keys, tell the users' devices, refuse
    // bad input with 30001 or 30003, and report follows to `Follow.CallbackAfterFollowAdd` and
    // `Follow.CallbackAfterFollowDelete` with TIM's bodies.
    let app = spawn_app().await;
    let admin = app.admin();
    let mut receiver = HookReceiver::start().await;
    let commands = ["Follow.CallbackAfterFollowAdd", "Follow.CallbackAfterFollowDelete"];
    admin
        .call("tincan", "set_app_config", &json!({"callback_url": receiver.url, "callback_commands": commands}))
        .await
        .expect("the settings apply");
    let (_bob, mut bob_events) = app.client("bob").await;
    let (carol, _carol_events) = app.client("carol").await;
    let (_alice, _alice_events) = app.client("alice").await;

    let body = json!({"From_Account": "alice", "FollowItem": [{"To_Account": "bob"}, {"To_Account": "carol"}, {"To_Account": "nobody"}]});
    let answer = rest(&admin, "follow_add", body).await;
    assert_eq!(
        items(&answer),
        [("bob".into(), 0), ("carol".into(), 0), ("nobody".into(), u64::from(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0))]
    );
    assert_eq!(answer["ResultItem"][0]["ResultInfo"], "");
    assert_eq!(change(&mut bob_events, FollowList::Followers, true).await.follow_change_elem_user_id_list, ["alice"]);
    let hook = receiver.next("Follow.CallbackAfterFollowAdd", WAIT).await;
    assert_eq!(hook.body["From_Account"], "alice");
    assert_eq!(hook.body["FollowList"], json!([{"To_Account": "bob"}, {"To_Account": "carol"}]));
    assert!(hook.body["EventTime"].as_u64().unwrap() > 1_000_000_000_000, "milliseconds");
    // A client's follow reaches the same webhook.
    carol.follow_users(&["alice"]).await.unwrap();
    let hook = receiver.next("Follow.CallbackAfterFollowAdd", WAIT).await;
    assert_eq!(
        (hook.body["From_Account"].clone(), hook.body["FollowList"].clone()),
        (json!("carol"), json!([{"To_Account": "alice"}]))
    );

    let answer =
        rest(&admin, "follow_check", json!({"From_Account": "alice", "To_Account": ["bob", "carol", "nobody"]})).await;
    let follow_types: Vec<&Value> =
        answer["ResultItem"].as_array().unwrap().iter().map(|it| &it["FollowType"]).collect();
    assert_eq!(follow_types, [&json!(2), &json!(3), &json!(0)]);
    assert_eq!(answer["ResultItem"][2]["ResultCode"], ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0);

    let answer =
        rest(&admin, "follow_get_info", json!({"From_Account": "alice", "To_Account": ["alice", "bob"]})).await;
    assert_eq!(
        answer["FollowInfo"][0],
        json!({"To_Account": "alice", "ResultCode": 0, "ResultInfo": "", "FollowerCount": 1, "FollowingCount": 2, "MutualFollowingCount": 1})
    );
    assert_eq!(answer["FollowInfo"][1]["FollowerCount"], 1);

    let answer =
        rest(&admin, "follow_get", json!({"From_Account": "alice", "FollowType": 2, "StartCursor": "", "WantNum": 1}))
            .await;
    assert_eq!(answer["FollowItem"].as_array().unwrap().len(), 1);
    let first = answer["FollowItem"][0]["To_Account"].as_str().unwrap().to_owned();
    assert!(answer["FollowItem"][0]["FollowTime"].as_u64().unwrap() > 0);
    let tags: Vec<&str> = answer["FollowItem"][0]["ProfileItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["Tag"].as_str().unwrap())
        .collect();
    assert!(tags.contains(&"Tag_Profile_IM_Nick"), "{tags:?}");
    let cursor = answer["NextCursor"].as_str().unwrap().to_owned();
    assert!(!cursor.is_empty());
    let answer = rest(
        &admin,
        "follow_get",
        json!({"From_Account": "alice", "FollowType": 2, "StartCursor": cursor, "WantNum": 1}),
    )
    .await;
    let second = answer["FollowItem"][0]["To_Account"].as_str().unwrap().to_owned();
    assert_eq!(BTreeSet::from([first, second]), BTreeSet::from(["bob".to_owned(), "carol".to_owned()]));
    assert_eq!(answer["NextCursor"], "");
    let answer = rest(&admin, "follow_get", json!({"From_Account": "alice", "FollowType": 3, "StartCursor": ""})).await;
    assert_eq!(answer["FollowItem"][0]["To_Account"], "carol");

    let answer = rest(&admin, "follow_delete", json!({"From_Account": "alice", "To_Account": ["bob"]})).await;
    assert_eq!(items(&answer), [("bob".into(), 0)]);
    let hook = receiver.next("Follow.CallbackAfterFollowDelete", WAIT).await;
    assert_eq!(hook.body["From_Account"], "alice");
    assert_eq!(hook.body["To_Account"], json!(["bob"]));
    // Unfollowing a user not followed changes nothing and reports nothing.
    rest(&admin, "follow_delete", json!({"From_Account": "alice", "To_Account": ["bob"]})).await;
    assert!(receiver.drain(std::time::Duration::from_millis(300)).await.is_empty());

    // Bad input, with the service's codes and a description.
    let refused = |body: Value, command: &'static str| {
        let admin = admin.clone();
        async move { admin.call("follow", command, &body).await.expect_err(command) }
    };
    let err = refused(json!({"From_Account": "nobody", "FollowItem": [{"To_Account": "bob"}]}), "follow_add").await;
    assert_eq!(err.code, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND);
    let many: Vec<Value> = (0..21).map(|i| json!({"To_Account": format!("u{i}")})).collect();
    let err = refused(json!({"From_Account": "alice", "FollowItem": many}), "follow_add").await;
    assert_eq!(err.code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    assert!(err.desc.contains("20"), "{}", err.desc);
    let err = refused(json!({"From_Account": "alice", "FollowType": 7}), "follow_get").await;
    assert_eq!(err.code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    assert!(err.desc.contains("FollowType"), "{}", err.desc);
    let err = refused(json!({"From_Account": "alice", "FollowType": 1, "StartCursor": "x"}), "follow_get").await;
    assert_eq!(err.code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    let err = refused(json!({"From_Account": "alice", "FollowType": 1, "WantNum": 1001}), "follow_get").await;
    assert!(err.desc.contains("WantNum"), "{}", err.desc);
    let err = refused(json!({"From_Account": "alice", "To_Account": []}), "follow_get_info").await;
    assert_eq!(err.code, ErrorCode::FRIEND_INVALID_PARAMETERS);
    let err = refused(json!({"From_Account": "alice"}), "follow_check").await;
    assert_eq!(err.code, ErrorCode::FRIEND_INVALID_PARAMETERS, "a missing key");
    assert!(err.desc.contains("To_Account"), "{}", err.desc);
    app.stop().await;
}
