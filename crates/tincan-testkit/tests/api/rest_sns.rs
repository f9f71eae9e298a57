//! REST `sns`: TIM's 15 relationship chain commands on a real server, acting as `From_Account`
//! through the same rules as the client protocol, with the users' devices told and bad input
//! answered with the service's codes.

use serde_json::{Value, json};
use tincan_proto::ErrorCode;
use tincan_proto::friendship as tim;
use tincan_sdk::admin::AdminClient;
use tincan_sdk::{Event, Events};
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::WAIT;

async fn call(admin: &AdminClient, command: &str, body: Value) -> Value {
    admin.call("sns", command, &body).await.unwrap_or_else(|err| panic!("{command}: {err:?}"))
}

async fn code(admin: &AdminClient, command: &str, body: Value) -> ErrorCode {
    admin.call("sns", command, &body).await.expect_err(command).code
}

/// `(To_Account, ResultCode)` of each `ResultItem`.
fn results(answer: &Value) -> Vec<(String, u64)> {
    answer["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| (item["To_Account"].as_str().unwrap().to_owned(), item["ResultCode"].as_u64().unwrap()))
        .collect()
}

fn ok(user: &str) -> (String, u64) {
    (user.to_owned(), 0)
}

async fn friend_added(events: &mut Events) -> Vec<String> {
    wait_for(events, WAIT, |event| match event {
        Event::Friend(push) if push.friend_change_elem_change_type == tim::CHANGE_FRIEND_ADD => {
            Some(push.friend_change_elem_friend_add_identifier_array.clone())
        }
        _ => None,
    })
    .await
}

#[tokio::test]
async fn friends_are_added_imported_updated_read_and_deleted() {
    let app = spawn_app().await;
    let admin = app.admin();
    let (_bob, mut bob_events) = app.client("bob").await;
    for user in ["alice", "carol", "dave"] {
        let _ = app.client(user).await;
    }

    // Bob has never set an add permission (needs confirmation): forced, the add goes through.
    let body = json!({
        "From_Account": "alice",
        "AddFriendItem": [
            {"To_Account": "bob", "Remark": "Bobby", "GroupName": "work", "AddSource": "AddSource_Type_admin", "AddWording": "hi"},
            {"To_Account": "nobody", "AddSource": "AddSource_Type_admin"},
            {"To_Account": "tab\there", "AddSource": "AddSource_Type_admin"}
        ],
        "AddType": "Add_Type_Both",
        "ForceAddFlags": 1
    });
    let answer = call(&admin, "friend_add", body).await;
    let codes = results(&answer);
    assert_eq!(codes[0], ok("bob"));
    assert_eq!(codes[1].1, u64::from(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0));
    assert_eq!(codes[2].1, u64::from(ErrorCode::FRIEND_INVALID_PARAMETERS.0), "a bad ID fails alone");
    assert_eq!(answer["Fail_Account"], json!(["nobody", "tab\there"]));
    assert_eq!(friend_added(&mut bob_events).await, ["alice"], "the other side's devices are told");
    // Not forced, the add to Carol becomes a request.
    let answer = call(
        &admin,
        "friend_add",
        json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "carol", "AddSource": "AddSource_Type_web"}]}),
    )
    .await;
    assert_eq!(results(&answer)[0].1, u64::from(ErrorCode::FRIEND_PENDING.0));

    // Import: one way, past the permission, with a list of groups and custom fields.
    let body = json!({
        "From_Account": "alice",
        "AddFriendItem": [{
            "To_Account": "dave", "Remark": "D", "GroupName": ["work", "gym"], "AddSource": "AddSource_Type_import",
            "CustomItem": [{"Tag": "Tag_SNS_Custom_Rank", "Value": "3"}]
        }]
    });
    assert_eq!(results(&call(&admin, "friend_import", body).await), [ok("dave")]);

    let body = json!({
        "From_Account": "alice",
        "UpdateItem": [
            {"To_Account": "bob", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "Robert"}, {"Tag": "Tag_SNS_IM_Group", "Value": ["gym"]}]},
            {"To_Account": "carol", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "C"}]},
            {"To_Account": "dave", "SnsItem": [{"Tag": "Tag_SNS_IM_Unknown", "Value": "x"}]}
        ]
    });
    let codes = results(&call(&admin, "friend_update", body).await);
    assert_eq!(codes[0], ok("bob"));
    assert_eq!(codes[1].1, u64::from(ErrorCode::FRIEND_INVALID_PARAMETERS.0), "not a friend");
    assert_eq!(codes[2].1, u64::from(ErrorCode::FRIEND_INVALID_PARAMETERS.0), "not a friend field");

    let answer = call(&admin, "friend_get", json!({"From_Account": "alice", "StartIndex": 0})).await;
    assert_eq!(answer["FriendNum"], 2);
    assert_eq!(answer["CompleteFlag"], 1);
    let bob = &answer["UserDataItem"][0];
    assert_eq!(bob["To_Account"], "bob");
    let value = |item: &Value, tag: &str| {
        item["ValueItem"].as_array().unwrap().iter().find(|it| it["Tag"] == tag).map(|it| it["Value"].clone())
    };
    assert_eq!(value(bob, "Tag_SNS_IM_Remark"), Some(json!("Robert")));
    assert_eq!(value(bob, "Tag_SNS_IM_Group"), Some(json!(["gym"])));
    assert_eq!(value(bob, "Tag_SNS_IM_AddSource"), Some(json!("AddSource_Type_admin")));
    let dave = &answer["UserDataItem"][1];
    assert_eq!(value(dave, "Tag_SNS_Custom_Rank"), Some(json!("3")));
    assert_eq!(value(dave, "Tag_SNS_IM_Group"), Some(json!(["work", "gym"])));

    let body = json!({"From_Account": "alice", "To_Account": ["dave", "carol"], "TagList": ["Tag_SNS_IM_Remark"]});
    let answer = call(&admin, "friend_get_list", body).await;
    assert_eq!(answer["InfoItem"][0]["SnsProfileItem"], json!([{"Tag": "Tag_SNS_IM_Remark", "Value": "D"}]));
    assert_eq!(answer["InfoItem"][1]["ResultCode"], ErrorCode::FRIEND_INVALID_PARAMETERS.0);
    assert_eq!(answer["Fail_Account"], json!(["carol"]));

    let body =
        json!({"From_Account": "alice", "To_Account": ["bob", "dave", "carol"], "CheckType": "CheckResult_Type_Both"});
    let answer = call(&admin, "friend_check", body).await;
    let relations: Vec<&str> =
        answer["InfoItem"].as_array().unwrap().iter().map(|it| it["Relation"].as_str().unwrap()).collect();
    assert_eq!(relations, ["CheckResult_Type_BothWay", "CheckResult_Type_AWithB", "CheckResult_Type_NoRelation"]);
    let bad = json!({"From_Account": "alice", "To_Account": ["bob"], "CheckType": "Sideways"});
    assert_eq!(code(&admin, "friend_check", bad).await, ErrorCode::FRIEND_INVALID_PARAMETERS);

    let body = json!({"From_Account": "alice", "To_Account": ["bob", "carol"], "DeleteType": "Delete_Type_Single"});
    let codes = results(&call(&admin, "friend_delete", body).await);
    assert_eq!(codes[0], ok("bob"));
    assert_eq!(codes[1].1, u64::from(ErrorCode::FRIEND_INVALID_PARAMETERS.0));
    let check = json!({"From_Account": "bob", "To_Account": ["alice"], "CheckType": "CheckResult_Type_Both"});
    assert_eq!(call(&admin, "friend_check", check).await["InfoItem"][0]["Relation"], "CheckResult_Type_AWithB");

    call(&admin, "friend_delete_all", json!({"From_Account": "alice"})).await;
    assert_eq!(call(&admin, "friend_get", json!({"From_Account": "alice"})).await["FriendNum"], 0);
    let missing = json!({"From_Account": "nobody", "StartIndex": 0});
    assert_eq!(code(&admin, "friend_get", missing).await, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND);
    assert_eq!(
        code(&admin, "friend_delete", json!({"From_Account": "alice"})).await,
        ErrorCode::FRIEND_INVALID_PARAMETERS
    );
    app.stop().await;
}

#[tokio::test]
async fn the_blocklist_and_friend_groups() {
    let app = spawn_app().await;
    let admin = app.admin();
    for user in ["alice", "bob", "carol"] {
        let _ = app.client(user).await;
    }
    let body = json!({"From_Account": "alice", "To_Account": ["bob", "carol", "alice"]});
    let codes = results(&call(&admin, "black_list_add", body).await);
    assert_eq!(codes[..2], [ok("bob"), ok("carol")]);
    assert_eq!(codes[2].1, u64::from(ErrorCode::FRIEND_INVALID_PARAMETERS.0));
    let answer =
        call(&admin, "black_list_get", json!({"From_Account": "alice", "StartIndex": 0, "MaxLimited": 1})).await;
    assert_eq!(answer["BlackListItem"].as_array().unwrap().len(), 1);
    assert_eq!(answer["StartIndex"], 1, "the next page starts after the first");
    let next =
        call(&admin, "black_list_get", json!({"From_Account": "alice", "StartIndex": 1, "MaxLimited": 10})).await;
    assert_eq!(next["StartIndex"], 0, "no more");
    let mut blocked: Vec<&str> = [&answer, &next]
        .iter()
        .flat_map(|page| page["BlackListItem"].as_array().unwrap().iter().map(|it| it["To_Account"].as_str().unwrap()))
        .collect();
    blocked.sort_unstable();
    assert_eq!(blocked, ["bob", "carol"]);

    let body =
        json!({"From_Account": "bob", "To_Account": ["alice", "carol"], "CheckType": "BlackCheckResult_Type_Both"});
    let answer = call(&admin, "black_list_check", body).await;
    assert_eq!(answer["BlackListCheckItem"][0]["Relation"], "BlackCheckResult_Type_BWithA");
    assert_eq!(answer["BlackListCheckItem"][1]["Relation"], "BlackCheckResult_Type_NO");
    let codes = results(
        &call(&admin, "black_list_delete", json!({"From_Account": "alice", "To_Account": ["bob", "bob"]})).await,
    );
    assert_eq!(codes[0], ok("bob"));
    assert_eq!(codes[1].1, u64::from(ErrorCode::FRIEND_INVALID_PARAMETERS.0), "not blocked any more");

    let add = json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_x"}], "ForceAddFlags": 1});
    call(&admin, "friend_add", add).await;
    let answer = call(
        &admin,
        "group_add",
        json!({"From_Account": "alice", "GroupName": ["team"], "To_Account": ["bob", "carol"]}),
    )
    .await;
    assert_eq!(results(&answer)[0], ok("bob"));
    assert_eq!(answer["Fail_Account"], json!(["carol"]));
    assert_eq!(
        code(&admin, "group_add", json!({"From_Account": "alice", "GroupName": ["team"]})).await,
        ErrorCode::FRIEND_INVALID_PARAMETERS,
        "the group exists"
    );
    let answer =
        call(&admin, "group_get", json!({"From_Account": "alice", "NeedFriend": "Need_Friend_Type_Yes"})).await;
    assert_eq!(answer["ResultItem"], json!([{"GroupName": "team", "FriendNumber": 1, "To_Account": ["bob"]}]));
    call(&admin, "group_delete", json!({"From_Account": "alice", "GroupName": ["team"]})).await;
    assert_eq!(call(&admin, "group_get", json!({"From_Account": "alice"})).await["ResultItem"], json!([]));
    assert_eq!(
        code(&admin, "group_delete", json!({"From_Account": "alice", "GroupName": ["team"]})).await,
        ErrorCode::FRIEND_INVALID_PARAMETERS
    );
    app.stop().await;
}
