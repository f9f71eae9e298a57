//! REST `recentcontact`'s conversation marks and conversation groups: the administrator changes
//! and reads what a user set on its conversations as the user's devices would, the devices are
//! told, and bad input gets the service's codes with nothing changed.

use std::time::Duration;

use serde_json::{Value, json};
use tincan_proto::ErrorCode;
use tincan_proto::conv_manage::mark;
use tincan_proto::enums::{ConvType, GroupType};
use tincan_proto::objects::ConvInfo;
use tincan_sdk::Event;
use tincan_sdk::admin::AdminClient;
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, create_group, settle};

fn find<'a>(convs: &'a [ConvInfo], id: &str) -> Option<&'a ConvInfo> {
    convs.iter().find(|conv| conv.conv_id == id)
}

async fn call(admin: &AdminClient, command: &str, body: Value) -> Value {
    admin.call("recentcontact", command, &body).await.unwrap_or_else(|err| panic!("{command}: {err:?}"))
}

async fn code(admin: &AdminClient, command: &str, body: Value) -> ErrorCode {
    admin.call("recentcontact", command, &body).await.expect_err(command).code
}

/// The `(To_Account or ToGroupId, ResultCode)` of each item of an answer's list.
fn result_codes(items: &Value) -> Vec<(String, u64)> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let contact = &item["ContactItem"];
            let name = contact["To_Account"].as_str().or_else(|| contact["ToGroupId"].as_str()).unwrap();
            (name.to_owned(), item["ResultCode"].as_u64().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn mark_contact_sets_and_clears_marks_on_every_device_of_the_user() {
    // Goal: standard marks by bit number and the custom mark, set by the administrator, show on
    // the user's devices and in its list; a bad item fails the whole request with 50002 and
    // changes nothing; a conversation that is not the user's is answered on its own.
    let app = spawn_app().await;
    let admin = app.admin();
    let (alice, _a) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    alice.send_text("bob", ConvType::C2C, "a", false).await.unwrap();
    alice.send_text(&group_id, ConvType::GROUP, "g", false).await.unwrap();
    settle(&mut bob_events, Duration::from_millis(300)).await;

    let answer = call(
        &admin,
        "mark_contact",
        json!({"From_Account": "bob", "MarkItem": [
            {"OptType": 3, "ContactItem": {"Type": 1, "To_Account": "alice"}, "SetMark": [0, 40], "CustomMark": "vip"},
            {"OptType": 1, "ContactItem": {"Type": 2, "ToGroupId": group_id}, "SetMark": [2]},
            {"OptType": 1, "ContactItem": {"Type": 1, "To_Account": "zed"}, "SetMark": [0]},
        ]}),
    )
    .await;
    assert_eq!(
        result_codes(&answer["ResultItem"]),
        vec![("alice".to_owned(), 0), (group_id.clone(), 0), ("zed".to_owned(), 20003)],
        "{answer}"
    );
    assert_eq!(answer["ResultItem"][0]["OptType"], 3);
    let told = wait_for(&mut bob_events, WAIT, |event| match event {
        Event::ConvChanged(changes) => changes
            .iter()
            .find(|change| change.conv.conv_id == "alice" && change.conv.conv_custom_data == "vip")
            .cloned(),
        _ => None,
    })
    .await;
    assert_eq!(told.conv.conv_mark_array, vec![mark::STAR, 1 << 40]);
    let convs = bob.conversations().await.unwrap();
    assert_eq!(find(&convs, &group_id).unwrap().conv_mark_array, vec![mark::FOLD]);

    call(
        &admin,
        "mark_contact",
        json!({"From_Account": "bob", "MarkItem": [
            {"OptType": 1, "ContactItem": {"Type": 1, "To_Account": "alice"}, "ClearMark": [0]},
        ]}),
    )
    .await;
    let convs = bob.conversations().await.unwrap();
    assert_eq!(find(&convs, "alice").unwrap().conv_mark_array, vec![1 << 40]);
    assert_eq!(find(&convs, "alice").unwrap().conv_custom_data, "vip");

    // Bad input: the whole request fails and nothing of it is written.
    let item = |extra: Value| {
        let mut item = json!({"OptType": 1, "ContactItem": {"Type": 1, "To_Account": "alice"}, "SetMark": [1]});
        item.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        item
    };
    let bad_items = [
        json!({"OptType": 4}),
        json!({"SetMark": [5]}),
        json!({"SetMark": [64]}),
        json!({"SetMark": [], "ClearMark": []}),
        json!({"ClearMark": [1]}),
        json!({"OptType": 2}),
        json!({"OptType": 2, "CustomMark": "x".repeat(257)}),
        json!({"ContactItem": {"Type": 3, "To_Account": "alice"}}),
        json!({"ContactItem": {"Type": 2}}),
    ];
    for bad in bad_items {
        let body = json!({"From_Account": "bob", "MarkItem": [item(json!({})), item(bad.clone())]});
        assert_eq!(code(&admin, "mark_contact", body).await, ErrorCode::RECENT_INVALID_PARAMETERS, "{bad}");
    }
    let too_many: Vec<Value> = (0..101).map(|_| item(json!({}))).collect();
    let body = json!({"From_Account": "bob", "MarkItem": too_many});
    assert_eq!(code(&admin, "mark_contact", body).await, ErrorCode::RECENT_INVALID_PARAMETERS);
    assert_eq!(
        code(&admin, "mark_contact", json!({"From_Account": "bob", "MarkItem": []})).await,
        ErrorCode::RECENT_INVALID_PARAMETERS
    );
    assert_eq!(
        code(&admin, "mark_contact", json!({"From_Account": "nobody", "MarkItem": [item(json!({}))]})).await,
        ErrorCode::RECENT_ACCOUNT_NOT_FOUND
    );
    let convs = bob.conversations().await.unwrap();
    assert_eq!(
        find(&convs, "alice").unwrap().conv_mark_array,
        vec![1 << 40],
        "nothing of a refused request is written"
    );
    app.stop().await;
}

#[tokio::test]
async fn contact_groups_are_created_updated_read_and_deleted_for_the_user() {
    // Goal: the administrator creates, fills, renames, reads and deletes a user's conversation
    // groups in TIM's shapes (GroupId the place in the order created); the user's devices get
    // each change; TIM's codes for bad input.
    let app = spawn_app().await;
    let admin = app.admin();
    let (alice, _a) = app.client("alice").await;
    let (carol, _c) = app.client("carol").await;
    let (bob, mut bob_events) = app.client("bob").await;
    alice.send_text("bob", ConvType::C2C, "a", false).await.unwrap();
    carol.send_text("bob", ConvType::C2C, "c", false).await.unwrap();
    settle(&mut bob_events, Duration::from_millis(300)).await;
    bob.create_conversation_group("First", &["c2c_carol"]).await.unwrap();

    let answer = call(
        &admin,
        "create_contact_group",
        json!({"From_Account": "bob", "GroupContactItem": [{"GroupName": "Work", "ContactItem": [
            {"Type": 1, "To_Account": "alice"}, {"Type": 1, "To_Account": "zed"}
        ]}]}),
    )
    .await;
    let created = &answer["GroupResultItem"][0];
    assert_eq!(created["GroupItem"], json!({"GroupName": "Work", "GroupId": 2}), "{answer}");
    assert_eq!(result_codes(&created["ResultItem"]), vec![("alice".to_owned(), 0), ("zed".to_owned(), 20003)]);
    let push = wait_for(&mut bob_events, WAIT, |event| match event {
        Event::ConvGroup(push) if push.event == "created" && push.group_name == "Work" => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!(push.conversations.len(), 1);
    let body = json!({"From_Account": "bob", "GroupContactItem": [{"GroupName": "Work", "ContactItem": []}]});
    assert_eq!(code(&admin, "create_contact_group", body).await, ErrorCode::CONV_GROUP_NAME_INVALID);
    let two = json!({"From_Account": "bob", "GroupContactItem": [{"GroupName": "A"}, {"GroupName": "B"}]});
    assert_eq!(code(&admin, "create_contact_group", two).await, ErrorCode::RECENT_INVALID_PARAMETERS);

    // Add carol, then rename the group while taking alice out.
    let answer = call(
        &admin,
        "update_contact_group",
        json!({"From_Account": "bob", "UpdateType": 1, "UpdateGroup": {"UpdateGroupType": 2, "OldGroupName": "Work",
            "ContactUpdateItem": [{"ContactOptType": 1, "ContactItem": {"Type": 1, "To_Account": "carol"}}]}}),
    )
    .await;
    assert_eq!(result_codes(&answer["UpdateGroupResult"]["ContactResultItem"]), vec![("carol".to_owned(), 0)]);
    let answer = call(
        &admin,
        "update_contact_group",
        json!({"From_Account": "bob", "UpdateType": 1, "UpdateGroup": {"UpdateGroupType": 1, "OldGroupName": "Work",
            "NewGroupName": "Job",
            "ContactUpdateItem": [{"ContactOptType": 2, "ContactItem": {"Type": 1, "To_Account": "alice"}}]}}),
    )
    .await;
    let result = &answer["UpdateGroupResult"];
    assert_eq!((result["GroupName"].as_str(), result["OldGroupName"].as_str()), (Some("Job"), Some("Work")));
    assert_eq!((result["GroupId"].as_u64(), answer["UpdateType"].as_u64()), (Some(2), Some(1)));
    wait_for(&mut bob_events, WAIT, |event| match event {
        Event::ConvGroup(push) if push.event == "renamed" && push.new_name == "Job" => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(bob.conversation_groups().await.unwrap(), ["First", "Job"]);
    let convs = bob.conversations().await.unwrap();
    assert_eq!(find(&convs, "carol").unwrap().conv_conversation_group_array, ["First", "Job"]);
    assert!(find(&convs, "alice").unwrap().conv_conversation_group_array.is_empty());

    // Marks and groups read back, hidden conversations included.
    call(
        &admin,
        "mark_contact",
        json!({"From_Account": "bob", "MarkItem": [
            {"OptType": 3, "ContactItem": {"Type": 1, "To_Account": "alice"}, "SetMark": [0, 3], "CustomMark": "x"},
        ]}),
    )
    .await;
    assert!(find(&bob.conversations().await.unwrap(), "alice").is_none(), "hidden");
    let answer = call(&admin, "get_contact_group", json!({"From_Account": "bob", "StartIndex": 0})).await;
    assert_eq!(
        answer["GroupItem"],
        json!([{"GroupName": "First", "GroupId": 1}, {"GroupName": "Job", "GroupId": 2}]),
        "{answer}"
    );
    let items = answer["ContactItem"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{answer}");
    assert_eq!(items[0]["To_Account"], "alice");
    assert_eq!(items[0]["StandardMark"], "1001");
    assert_eq!(items[0]["CustomMark"], "x");
    assert!(items[0].get("ContactGroupId").is_none());
    assert_eq!(items[1]["To_Account"], "carol");
    assert_eq!(items[1]["ContactGroupId"], json!([1, 2]));
    assert!(items[1]["Timestamp"].as_u64().unwrap() > 0);
    assert_eq!((answer["CompleteFlag"].as_u64(), answer["NextStartIndex"].as_u64()), (Some(1), Some(0)));
    let past_end = call(&admin, "get_contact_group", json!({"From_Account": "bob", "StartIndex": 5})).await;
    assert!(past_end["ContactItem"].as_array().unwrap().is_empty());

    let answer = call(
        &admin,
        "search_contact_group",
        json!({"From_Account": "bob", "ContactItem": [{"Type": 1, "To_Account": "carol"}, {"Type": 2, "ToGroupId": "@TGS#none"}]}),
    )
    .await;
    let found = answer["ContactResultItem"].as_array().unwrap();
    assert_eq!(found.len(), 1, "a group bob is not in is left out: {answer}");
    assert_eq!(found[0]["ContactGroupId"], json!([1, 2]));
    assert_eq!(answer["GroupItem"].as_array().unwrap().len(), 2);

    // Delete: the group's GroupId as it was; carol stays in the list, in First only.
    let answer = call(&admin, "del_contact_group", json!({"From_Account": "bob", "GroupName": ["First"]})).await;
    assert_eq!(answer["GroupItem"], json!([{"GroupName": "First", "GroupId": 1}]));
    wait_for(&mut bob_events, WAIT, |event| match event {
        Event::ConvGroup(push) if push.event == "deleted" && push.group_name == "First" => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(bob.conversation_groups().await.unwrap(), ["Job"]);
    assert_eq!(find(&bob.conversations().await.unwrap(), "carol").unwrap().conv_conversation_group_array, ["Job"]);
    let search = json!({"From_Account": "bob", "ContactItem": [{"Type": 1, "To_Account": "carol"}]});
    assert_eq!(
        call(&admin, "search_contact_group", search).await["ContactResultItem"][0]["ContactGroupId"],
        json!([1])
    );

    // TIM's codes for bad input.
    let gone = json!({"From_Account": "bob", "GroupName": ["First"]});
    assert_eq!(code(&admin, "del_contact_group", gone).await, ErrorCode::CONV_GROUP_NOT_FOUND);
    let two = json!({"From_Account": "bob", "GroupName": ["Job", "Job"]});
    assert_eq!(code(&admin, "del_contact_group", two).await, ErrorCode::RECENT_INVALID_PARAMETERS);
    let update = |update_type: u64, group: Value| json!({"From_Account": "bob", "UpdateType": update_type, "UpdateGroup": group});
    let cases = [
        (update(2, json!({"UpdateGroupType": 2, "OldGroupName": "Job"})), ErrorCode::RECENT_INVALID_PARAMETERS),
        (update(1, json!({"UpdateGroupType": 1, "OldGroupName": "Job"})), ErrorCode::RECENT_INVALID_PARAMETERS),
        (update(1, json!({"UpdateGroupType": 3, "OldGroupName": "Job"})), ErrorCode::RECENT_INVALID_PARAMETERS),
        (update(1, json!({"UpdateGroupType": 2, "OldGroupName": "Nope"})), ErrorCode::CONV_GROUP_NOT_FOUND),
        (
            update(1, json!({"UpdateGroupType": 1, "OldGroupName": "Job", "NewGroupName": "n".repeat(33)})),
            ErrorCode::CONV_GROUP_NAME_INVALID,
        ),
        (
            update(
                1,
                json!({"UpdateGroupType": 2, "OldGroupName": "Job",
                "ContactUpdateItem": [{"ContactOptType": 3, "ContactItem": {"Type": 1, "To_Account": "alice"}}]}),
            ),
            ErrorCode::RECENT_INVALID_PARAMETERS,
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(code(&admin, "update_contact_group", body.clone()).await, expected, "{body}");
    }
    assert_eq!(bob.conversation_groups().await.unwrap(), ["Job"], "refused updates change nothing");
    let none = json!({"From_Account": "bob", "ContactItem": []});
    assert_eq!(code(&admin, "search_contact_group", none).await, ErrorCode::RECENT_INVALID_PARAMETERS);
    assert_eq!(
        code(&admin, "get_contact_group", json!({"From_Account": "nobody"})).await,
        ErrorCode::RECENT_ACCOUNT_NOT_FOUND
    );

    // After a restart the same answers.
    drop((alice, carol, bob));
    let app = app.restart().await;
    let admin = app.admin();
    let answer = call(&admin, "get_contact_group", json!({"From_Account": "bob", "StartIndex": 0})).await;
    assert_eq!(answer["GroupItem"], json!([{"GroupName": "Job", "GroupId": 1}]));
    assert_eq!(answer["ContactItem"].as_array().unwrap().len(), 2, "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn get_contact_group_pages_cover_every_marked_conversation_once() {
    // Goal: more conversations with marks than a page holds are read in pages that cover each
    // once, in the order of conversation IDs, NextStartIndex leading from one to the next.
    let app = spawn_app().await;
    let admin = app.admin();
    let peers: Vec<String> = (0..101).map(|index| format!("u{index:03}")).collect();
    for chunk in peers.chunks(50) {
        admin.call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": chunk})).await.unwrap();
    }
    let (_bob, _b) = app.client("bob").await;
    for chunk in peers.chunks(100) {
        let items: Vec<Value> = chunk
            .iter()
            .map(|peer| json!({"OptType": 2, "ContactItem": {"Type": 1, "To_Account": peer}, "CustomMark": peer}))
            .collect();
        let answer = call(&admin, "mark_contact", json!({"From_Account": "bob", "MarkItem": items})).await;
        assert!(result_codes(&answer["ResultItem"]).iter().all(|(_, code)| *code == 0), "{answer}");
    }
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let answer = call(&admin, "get_contact_group", json!({"From_Account": "bob", "StartIndex": start})).await;
        for item in answer["ContactItem"].as_array().unwrap() {
            assert_eq!(item["CustomMark"], item["To_Account"]);
            seen.push(item["To_Account"].as_str().unwrap().to_owned());
        }
        if answer["CompleteFlag"] == 1 {
            assert_eq!(answer["NextStartIndex"], 0);
            break;
        }
        start = answer["NextStartIndex"].as_u64().unwrap();
        assert_eq!(start, 100, "a full page first: {answer}");
    }
    assert_eq!(seen, peers);
    app.stop().await;
}
