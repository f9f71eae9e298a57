//! A group's custom attributes and counters, through the SDK and the REST API: TIM's size
//! limits and codes, the pushes every member online receives, what lasts a restart, and
//! counters that end exact however many members increment them at once.

use std::collections::BTreeSet;

use serde_json::json;
use tincan_proto::ErrorCode;
use tincan_proto::enums::GroupType;
use tincan_proto::objects::{GroupAttribute, GroupCounter};
use tincan_proto::push::{GroupAttributesPush, GroupCountersPush};
use tincan_sdk::{Client, Event, Events};
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, create_group};

fn attribute(key: &str, value: &str) -> GroupAttribute {
    GroupAttribute { group_attribute_key: key.to_owned(), group_attribute_value: value.to_owned() }
}

fn counter(key: &str, value: i64) -> GroupCounter {
    GroupCounter { group_counter_key: key.to_owned(), group_counter_value: value }
}

/// The next attribute change `events` receives.
async fn next_attributes(events: &mut Events) -> GroupAttributesPush {
    wait_for(events, WAIT, |event| match event {
        Event::GroupAttributesChanged(push) => Some(push.clone()),
        _ => None,
    })
    .await
}

/// The next counter change `events` receives.
async fn next_counters(events: &mut Events) -> GroupCountersPush {
    wait_for(events, WAIT, |event| match event {
        Event::GroupCountersChanged(push) => Some(push.clone()),
        _ => None,
    })
    .await
}

async fn all_attributes(client: &Client, group_id: &str) -> Vec<GroupAttribute> {
    client.group_attributes(group_id, &[]).await.unwrap()
}

#[tokio::test]
async fn attributes_are_kept_told_to_members_and_last_a_restart() {
    let app = spawn_app().await;
    let (owner, mut owner_events) = app.client("owner").await;
    let (ann, mut ann_events) = app.client("ann").await;
    let (outsider, _o) = app.client("carl").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["ann"]).await;

    owner.init_group_attributes(&group_id, &[("seat1", "owner"), ("topic", "rust")]).await.unwrap();
    let pushed = next_attributes(&mut ann_events).await;
    assert_eq!(pushed.group_id, group_id);
    assert_eq!(pushed.attributes, vec![attribute("seat1", "owner"), attribute("topic", "rust")]);
    // The member who made the change hears of it too, as TIM's callback fires for everyone.
    assert_eq!(next_attributes(&mut owner_events).await.attributes.len(), 2);

    // Any member may set and delete; the push carries every attribute as it is now.
    ann.set_group_attributes(&group_id, &[("seat2", "ann"), ("topic", "go")]).await.unwrap();
    let pushed = next_attributes(&mut owner_events).await;
    assert_eq!(
        pushed.attributes,
        vec![attribute("seat1", "owner"), attribute("seat2", "ann"), attribute("topic", "go")]
    );
    ann.delete_group_attributes(&group_id, &["seat1", "never-set"]).await.unwrap();
    assert_eq!(next_attributes(&mut owner_events).await.attributes.len(), 2);
    assert_eq!(all_attributes(&owner, &group_id).await, vec![attribute("seat2", "ann"), attribute("topic", "go")]);
    assert_eq!(
        owner.group_attributes(&group_id, &["topic", "missing", "seat2"]).await.unwrap(),
        vec![attribute("topic", "go"), attribute("seat2", "ann")],
        "the keys asked for, in the order asked, without the ones the group lacks"
    );

    // A non-member may neither read nor change them.
    let err = outsider.group_attributes(&group_id, &[]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    let err = outsider.set_group_attributes(&group_id, &[("seat3", "carl")]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    let err = owner.group_attributes("no-such-group", &[]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_NOT_FOUND, "{}", err.desc);

    // They last a restart.
    let app = app.restart().await;
    let (owner, _e) = app.client("owner").await;
    assert_eq!(all_attributes(&owner, &group_id).await, vec![attribute("seat2", "ann"), attribute("topic", "go")]);
    // Deleting with no keys clears them, and that lasts too.
    owner.delete_group_attributes(&group_id, &[]).await.unwrap();
    let app = app.restart().await;
    let (owner, _e) = app.client("owner").await;
    assert_eq!(all_attributes(&owner, &group_id).await, Vec::new());
}

#[tokio::test]
async fn attribute_changes_past_tims_limits_are_refused_whole() {
    let app = spawn_app().await;
    let (owner, _e) = app.client("owner").await;
    let group_id = create_group(&owner, GroupType::AV_CHAT_ROOM, &[]).await;
    owner.init_group_attributes(&group_id, &[("kept", "1")]).await.unwrap();
    let refused = |err: tincan_proto::ApiError, says: &str| {
        assert_eq!(err.code, ErrorCode::GROUP_INVALID_PARAMETERS, "{}", err.desc);
        assert!(err.desc.contains(says), "{:?} should say {says:?}", err.desc);
    };

    // 16 keys at most.
    let keys: Vec<String> = (0..16).map(|n| format!("k{n}")).collect();
    let sixteen: Vec<(&str, &str)> = keys.iter().map(|key| (key.as_str(), "v")).collect();
    owner.set_group_attributes(&group_id, &sixteen[..15]).await.unwrap();
    refused(owner.set_group_attributes(&group_id, &[("one-more", "v")]).await.unwrap_err(), "at most 16");
    owner.init_group_attributes(&group_id, &sixteen).await.unwrap();
    owner.init_group_attributes(&group_id, &[("kept", "1")]).await.unwrap();
    // A key of 32 bytes at most, a value of 4 KB at most, 16 KB in all.
    let long_key = "k".repeat(33);
    refused(owner.set_group_attributes(&group_id, &[(&long_key, "v")]).await.unwrap_err(), "at most 32");
    let big = "v".repeat(4 * 1024);
    let bigger = "v".repeat(4 * 1024 + 1);
    refused(owner.set_group_attributes(&group_id, &[("k", &bigger)]).await.unwrap_err(), "at most 4096");
    owner.set_group_attributes(&group_id, &[("a", &big), ("b", &big), ("c", &big)]).await.unwrap();
    refused(owner.set_group_attributes(&group_id, &[("d", &big)]).await.unwrap_err(), "16384 bytes");
    refused(owner.set_group_attributes(&group_id, &[("", "v")]).await.unwrap_err(), "empty");
    refused(owner.set_group_attributes(&group_id, &[]).await.unwrap_err(), "no attribute");
    // None of the refused changes left anything behind.
    let keys: Vec<String> =
        all_attributes(&owner, &group_id).await.into_iter().map(|attribute| attribute.group_attribute_key).collect();
    assert_eq!(keys, vec!["a", "b", "c", "kept"]);
}

#[tokio::test]
async fn counters_set_step_and_are_told_to_members() {
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (ann, mut ann_events) = app.client("ann").await;
    let (outsider, _c) = app.client("carl").await;
    let group_id = create_group(&owner, GroupType::MEETING, &["ann"]).await;

    let set = owner.set_group_counters(&group_id, &[("likes", 8), ("gifts", 0)]).await.unwrap();
    assert_eq!(set, vec![counter("likes", 8), counter("gifts", 0)]);
    assert_eq!(next_counters(&mut ann_events).await.counters, set);
    assert_eq!(owner.increase_group_counter(&group_id, "likes", 2).await.unwrap(), 10);
    let pushed = next_counters(&mut ann_events).await;
    assert_eq!((pushed.group_id.as_str(), pushed.counters), (group_id.as_str(), vec![counter("likes", 10)]));
    assert_eq!(ann.decrease_group_counter(&group_id, "views", 3).await.unwrap(), -3, "a new counter starts at 0");
    assert_eq!(
        ann.group_counters(&group_id, &[]).await.unwrap(),
        vec![counter("gifts", 0), counter("likes", 10), counter("views", -3)]
    );
    assert_eq!(ann.group_counters(&group_id, &["views", "none"]).await.unwrap(), vec![counter("views", -3)]);

    // TIM's limits: 20 counters, keys of 128 bytes, signed 64-bit values.
    let keys: Vec<String> = (0..17).map(|n| format!("c{n}")).collect();
    let seventeen: Vec<(&str, i64)> = keys.iter().map(|key| (key.as_str(), 1)).collect();
    owner.set_group_counters(&group_id, &seventeen).await.unwrap();
    let err = owner.set_group_counters(&group_id, &[("one-more", 1)]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_INVALID_PARAMETERS, "{}", err.desc);
    assert!(err.desc.contains("at most 20 counters"), "{}", err.desc);
    let err = owner.increase_group_counter(&group_id, &"k".repeat(129), 1).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_INVALID_PARAMETERS, "{}", err.desc);
    owner.set_group_counters(&group_id, &[("likes", i64::MAX)]).await.unwrap();
    let err = owner.increase_group_counter(&group_id, "likes", 1).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_INVALID_PARAMETERS, "{}", err.desc);
    assert_eq!(owner.group_counters(&group_id, &["likes"]).await.unwrap(), vec![counter("likes", i64::MAX)]);

    // Non-members and Community groups have none.
    let err = outsider.increase_group_counter(&group_id, "likes", 1).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    let community = create_group(&owner, GroupType::COMMUNITY, &[]).await;
    let err = owner.set_group_counters(&community, &[("likes", 1)]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    assert!(err.desc.contains("Community"), "{}", err.desc);
}

#[tokio::test]
async fn a_counter_incremented_by_many_members_at_once_ends_exact() {
    const MEMBERS: usize = 16;
    const INCREMENTS_EACH: i64 = 25;
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let names: Vec<String> = (0..MEMBERS).map(|n| format!("fan{n}")).collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    // A login makes the account, so the members log in before the group is made.
    let clients = app.clients(&name_refs).await;
    let group_id = create_group(&owner, GroupType::AV_CHAT_ROOM, &name_refs).await;

    let mut tasks = tokio::task::JoinSet::new();
    for (client, events) in clients {
        let group_id = group_id.clone();
        tasks.spawn(async move {
            let _events = events;
            let mut seen = Vec::new();
            for _ in 0..INCREMENTS_EACH {
                seen.push(client.increase_group_counter(&group_id, "likes", 1).await.expect("an increment"));
            }
            seen
        });
    }
    let mut answers = BTreeSet::new();
    while let Some(seen) = tasks.join_next().await {
        for value in seen.unwrap() {
            assert!(answers.insert(value), "two increments answered the same value {value}");
        }
    }
    let total = MEMBERS as i64 * INCREMENTS_EACH;
    // Every increment saw its own value: each applied to the one before it, none lost.
    assert_eq!(answers, (1..=total).collect::<BTreeSet<i64>>());
    assert_eq!(owner.group_counters(&group_id, &["likes"]).await.unwrap(), vec![counter("likes", total)]);
    let app = app.restart().await;
    let (owner, _o) = app.client("owner").await;
    assert_eq!(owner.group_counters(&group_id, &["likes"]).await.unwrap(), vec![counter("likes", total)]);
}

#[tokio::test]
async fn rest_commands_manage_attributes_and_counters() {
    let app = spawn_app().await;
    let admin = app.admin();
    admin.call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["owner", "ann"]})).await.unwrap();
    admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "owner", "Type": "AVChatRoom", "GroupId": "live", "Name": "Live"}),
        )
        .await
        .unwrap();
    let (ann, mut ann_events) = app.client("ann").await;
    ann.join_group_saying("live", "").await.unwrap();
    let get_body = json!({"GroupId": "live"});
    let get = || admin.call("group_open_attr_http_svc", "get_group_attr", &get_body);

    admin
        .call(
            "group_open_http_svc",
            "set_group_attr",
            &json!({"GroupId": "live", "GroupAttr": [{"key": "seat1", "value": "owner"}, {"key": "mode", "value": "quiz"}]}),
        )
        .await
        .unwrap();
    assert_eq!(next_attributes(&mut ann_events).await.attributes.len(), 2);
    assert_eq!(
        get().await.unwrap()["GroupAttrAry"],
        json!([{"key": "mode", "value": "quiz"}, {"key": "seat1", "value": "owner"}])
    );
    admin
        .call(
            "group_open_http_svc",
            "modify_group_attr",
            &json!({"GroupId": "live", "GroupAttr": [{"key": "seat2", "value": "ann"}]}),
        )
        .await
        .unwrap();
    admin
        .call("group_open_http_svc", "delete_group_attr", &json!({"GroupId": "live", "GroupAttr": [{"key": "mode"}]}))
        .await
        .unwrap();
    assert_eq!(
        get().await.unwrap()["GroupAttrAry"],
        json!([{"key": "seat1", "value": "owner"}, {"key": "seat2", "value": "ann"}])
    );
    let answer = admin
        .call_raw("group_open_http_svc", "delete_group_attr", &json!({"GroupId": "live", "GroupAttr": []}).to_string())
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10004, "{answer}");
    admin.call("group_open_http_svc", "clear_group_attr", &json!({"GroupId": "live"})).await.unwrap();
    assert_eq!(get().await.unwrap()["GroupAttrAry"], json!([]));
    assert_eq!(ann.group_attributes("live", &[]).await.unwrap(), Vec::new());

    // Counters: Set (the default mode), Increase and Decrease, read and deleted.
    let update = async |body: serde_json::Value| admin.call("group_open_http_svc", "update_group_counter", &body).await;
    let answer =
        update(json!({"GroupId": "live", "GroupCounter": [{"Key": "like", "Value": 5}, {"Key": "gift", "Value": 1}]}))
            .await
            .unwrap();
    assert_eq!(answer["GroupCounter"], json!([{"Key": "like", "Value": 5}, {"Key": "gift", "Value": 1}]));
    let answer = update(json!({"GroupId": "live", "Mode": "Increase", "GroupCounter": [{"Key": "like", "Value": 3}]}))
        .await
        .unwrap();
    assert_eq!(answer["GroupCounter"], json!([{"Key": "like", "Value": 8}]));
    let pushed = wait_for(&mut ann_events, WAIT, |event| match event {
        Event::GroupCountersChanged(push) if push.counters[0].group_counter_value == 8 => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!(pushed.counters, vec![counter("like", 8)]);
    let answer = update(json!({"GroupId": "live", "Mode": "Decrease", "GroupCounter": [{"Key": "gift", "Value": 2}]}))
        .await
        .unwrap();
    assert_eq!(answer["GroupCounter"], json!([{"Key": "gift", "Value": -1}]));
    let answer = admin
        .call_raw(
            "group_open_http_svc",
            "update_group_counter",
            &json!({"GroupId": "live", "Mode": "Double", "GroupCounter": [{"Key": "like", "Value": 1}]}).to_string(),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10004, "{answer}");
    let all = admin.call("group_open_http_svc", "get_group_counter", &json!({"GroupId": "live"})).await.unwrap();
    assert_eq!(all["GroupCounter"], json!([{"Key": "gift", "Value": -1}, {"Key": "like", "Value": 8}]));
    admin
        .call("group_open_http_svc", "delete_group_counter", &json!({"GroupId": "live", "GroupCounterKeys": ["gift"]}))
        .await
        .unwrap();
    let some = admin
        .call(
            "group_open_http_svc",
            "get_group_counter",
            &json!({"GroupId": "live", "GroupCounterKeys": ["gift", "like"]}),
        )
        .await
        .unwrap();
    assert_eq!(some["GroupCounter"], json!([{"Key": "like", "Value": 8}]));
    admin.call("group_open_http_svc", "delete_group_counter", &json!({"GroupId": "live"})).await.unwrap();
    assert_eq!(ann.group_counters("live", &[]).await.unwrap(), Vec::new());

    // A group that does not exist.
    let answer = admin
        .call_raw("group_open_attr_http_svc", "get_group_attr", &json!({"GroupId": "gone"}).to_string())
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10010, "{answer}");
}
