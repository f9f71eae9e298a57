//! Group webhooks: TIM's after-events for creating, joining, leaving, filling, changing and
//! dismissing groups and changing their attributes, each queued with the change it reports and
//! delivered with TIM's keys; and the before-callbacks that may refuse a group's creation, a
//! request to join or an invitation.

use serde_json::json;
use tincan_proto::ErrorCode;
use tincan_proto::api::{create_group, modify_group_info, modify_group_member_info};
use tincan_proto::enums::{GroupType, HandleMemberResult, MemberRole};
use tincan_sdk::groups::member_request;
use tincan_testkit::hooks::Answer;

use crate::helpers::{WAIT, app_with_webhooks, create_group, group, user};

const GROUP_COMMANDS: [&str; 8] = [
    "Group.CallbackAfterCreateGroup",
    "Group.CallbackAfterNewMemberJoin",
    "Group.CallbackAfterMemberExit",
    "Group.CallbackAfterGroupFull",
    "Group.CallbackAfterGroupDestroyed",
    "Group.CallbackAfterGroupInfoChanged",
    "Group.CallbackAfterChangeGroupOwner",
    "Group.CallbackAfterMemberFieldChanged",
];

#[tokio::test]
async fn group_after_events_reach_the_receiver_with_tims_keys() {
    let (app, mut receiver) = app_with_webhooks(&GROUP_COMMANDS).await;
    let (owner, _o) = app.client("owner").await;
    let (ann, _a) = app.client("ann").await;
    let (_ben, _b) = app.client("ben").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["ann"]).await;
    let created = receiver.next("Group.CallbackAfterCreateGroup", WAIT).await.body;
    assert_eq!(created["GroupId"], group_id.as_str());
    assert_eq!(created["Type"], "Public");
    assert_eq!(created["Owner_Account"], "owner");
    assert_eq!(created["MemberList"], json!([{"Member_Account": "owner"}, {"Member_Account": "ann"}]));
    assert!(created["EventTime"].as_u64().unwrap() > 0);

    let cap = modify_group_info::Request {
        group_modify_info_param_group_name: Some("Crew".to_owned()),
        group_modify_info_param_max_member_num: Some(3),
        ..modify_group_info::Request::new(
            group(&group_id),
            modify_group_info::FLAG_NAME | modify_group_info::FLAG_MAX_MEMBER_NUM,
        )
    };
    owner.modify_group_info(cap).await.unwrap();
    let changed = receiver.next("Group.CallbackAfterGroupInfoChanged", WAIT).await.body;
    assert_eq!(changed["Name"], "Crew");
    assert_eq!(changed["Operator_Account"], "owner");
    assert!(changed.get("Notification").is_none(), "only what changed: {changed}");

    owner.invite_members(&group_id, &["ben"]).await.unwrap();
    let joined = receiver.next("Group.CallbackAfterNewMemberJoin", WAIT).await.body;
    assert_eq!(joined["JoinType"], "Invited");
    assert_eq!(joined["NewMemberList"], json!([{"Member_Account": "ben"}]));
    let full = receiver.next("Group.CallbackAfterGroupFull", WAIT).await.body;
    assert_eq!(full["GroupId"], group_id.as_str());

    let card = modify_group_member_info::Request {
        group_modify_member_info_name_card: Some("Ann".to_owned()),
        ..member_request(&group_id, "ann", modify_group_member_info::FLAG_NAME_CARD).unwrap()
    };
    ann.modify_member_info(card).await.unwrap();
    let field = receiver.next("Group.CallbackAfterMemberFieldChanged", WAIT).await.body;
    assert_eq!(field["MemberList"][0]["Member_Account"], "ann");
    assert_eq!(field["MemberList"][0]["NameCard"], "Ann");

    owner.change_group_owner(&group_id, "ann").await.unwrap();
    let handed = receiver.next("Group.CallbackAfterChangeGroupOwner", WAIT).await.body;
    assert_eq!(
        (handed["OldOwner_Account"].as_str(), handed["NewOwner_Account"].as_str()),
        (Some("owner"), Some("ann"))
    );

    owner.quit_group(&group_id).await.unwrap();
    let exit = receiver.next("Group.CallbackAfterMemberExit", WAIT).await.body;
    assert_eq!(exit["ExitType"], "Quit");
    assert_eq!(exit["ExitMemberList"], json!([{"Member_Account": "owner"}]));
    ann.delete_members(&group_id, &["ben"]).await.unwrap();
    let kicked = receiver.next("Group.CallbackAfterMemberExit", WAIT).await.body;
    assert_eq!(kicked["ExitType"], "Kicked");
    assert_eq!(kicked["Operator_Account"], "ann");

    ann.delete_group(&group_id).await.unwrap();
    let destroyed = receiver.next("Group.CallbackAfterGroupDestroyed", WAIT).await.body;
    assert_eq!(destroyed["Owner_Account"], "ann");
    assert_eq!(destroyed["MemberList"], json!([{"Member_Account": "ann"}]));
}

fn public_group_request(group_id: &str, members: &[&str]) -> create_group::Request {
    create_group::Request {
        create_group_param_group_id: Some(group(group_id)),
        create_group_param_group_name: "Crew".to_owned(),
        create_group_param_group_type: GroupType::PUBLIC,
        create_group_param_group_member_array: members
            .iter()
            .map(|member| create_group::InitialMember::new(user(member), MemberRole::NORMAL))
            .collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_before_create_callback_sees_the_group_and_may_refuse_it() {
    let (app, mut receiver) =
        app_with_webhooks(&["Group.CallbackBeforeCreateGroup", "Group.CallbackAfterCreateGroup"]).await;
    let (owner, _o) = app.client("owner").await;
    let (_ann, _a) = app.client("ann").await;

    receiver.answer(
        "Group.CallbackBeforeCreateGroup",
        Answer::Json(json!({"ErrorCode": 1, "ErrorInfo": "no more groups"})),
    );
    let err = owner.create_group(public_group_request("crew", &["ann"])).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_REJECTED_BY_CALLBACK, "{err:?}");
    assert!(err.desc.contains("no more groups"), "{}", err.desc);
    let asked = receiver.next("Group.CallbackBeforeCreateGroup", WAIT).await;
    assert_eq!(asked.body["CallbackCommand"], "Group.CallbackBeforeCreateGroup");
    assert_eq!(asked.body["Operator_Account"], "owner");
    assert_eq!(asked.body["Owner_Account"], "owner");
    assert_eq!(asked.body["Type"], "Public");
    assert_eq!(asked.body["Name"], "Crew");
    assert_eq!(asked.body["MemberList"], json!([{"Member_Account": "ann"}]));
    assert!(asked.body["EventTime"].as_u64().unwrap() > 0);
    assert!(owner.joined_groups().await.unwrap().is_empty(), "a refused group is not created");

    // A code of the app's own range reaches the caller as it is.
    receiver
        .answer("Group.CallbackBeforeCreateGroup", Answer::Json(json!({"ErrorCode": 10_150, "ErrorInfo": "quota"})));
    let err = owner.create_group(public_group_request("crew", &[])).await.unwrap_err();
    assert_eq!((err.code.0, err.desc.as_str()), (10_150, "quota"));
    assert_eq!(receiver.next("Group.CallbackBeforeCreateGroup", WAIT).await.body["MemberList"], json!([]));

    // The REST API's creation asks too.
    let answer = app
        .admin()
        .call_raw(
            "group_open_http_svc",
            "create_group",
            &json!({"Type": "Public", "Name": "x", "Owner_Account": "ann"}).to_string(),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10_150, "{answer}");
    let asked = receiver.next("Group.CallbackBeforeCreateGroup", WAIT).await;
    assert_eq!(asked.body["Owner_Account"], "ann");
    assert_eq!(asked.query["OptPlatform"], "RESTAPI");

    // A receiver that does not answer in time lets the group through.
    receiver.answer("Group.CallbackBeforeCreateGroup", Answer::Hang(std::time::Duration::from_secs(4)));
    let started = std::time::Instant::now();
    let group_id = owner.create_group(public_group_request("crew", &["ann"])).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "the wait is bounded");
    assert_eq!(group_id, "crew");
    let created = receiver.next("Group.CallbackAfterCreateGroup", WAIT).await.body;
    assert_eq!(created["GroupId"], "crew");
    receiver.answer("Group.CallbackBeforeCreateGroup", Answer::Ok);
    let group_id = owner.create_group(public_group_request("crew2", &[])).await.unwrap();
    assert_eq!(group_id, "crew2");
}

#[tokio::test]
async fn the_before_apply_callback_may_refuse_a_join() {
    let (app, mut receiver) = app_with_webhooks(&["Group.CallbackBeforeApplyJoinGroup"]).await;
    let (owner, _o) = app.client("owner").await;
    let (ann, _a) = app.client("ann").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &[]).await;

    receiver.answer("Group.CallbackBeforeApplyJoinGroup", Answer::Json(json!({"ErrorCode": 1})));
    let err = ann.join_group(&group_id).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_REJECTED_BY_CALLBACK);
    assert!(err.desc.contains("request to join"), "{}", err.desc);
    let asked = receiver.next("Group.CallbackBeforeApplyJoinGroup", WAIT).await.body;
    assert_eq!(asked["GroupId"], group_id.as_str());
    assert_eq!(asked["Type"], "Public");
    assert_eq!(asked["Requestor_Account"], "ann");
    assert!(ann.joined_groups().await.unwrap().is_empty(), "a refused join changes nothing");

    receiver.answer("Group.CallbackBeforeApplyJoinGroup", Answer::Ok);
    ann.join_group(&group_id).await.unwrap();
    assert_eq!(ann.joined_groups().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_before_invite_callback_may_keep_some_invitees_out_or_refuse_the_call() {
    let (app, mut receiver) =
        app_with_webhooks(&["Group.CallbackBeforeInviteJoinGroup", "Group.CallbackAfterNewMemberJoin"]).await;
    let (owner, _o) = app.client("owner").await;
    let (ann, _a) = app.client("ann").await;
    let (_ben, _b) = app.client("ben").await;
    let (_cat, _c) = app.client("cat").await;
    let (outsider, _x) = app.client("outsider").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["ann"]).await;

    receiver.answer(
        "Group.CallbackBeforeInviteJoinGroup",
        Answer::Json(json!({"ActionStatus": "OK", "ErrorCode": 0, "RefusedMembers_Account": ["ben"]})),
    );
    let results = owner.invite_members(&group_id, &["ben", "ann", "cat"]).await.unwrap();
    let outcome: Vec<(&str, HandleMemberResult)> = results
        .iter()
        .map(|it| (it.group_invite_member_result_identifier.as_str(), it.group_invite_member_result_result))
        .collect();
    assert_eq!(
        outcome,
        vec![
            ("ben", HandleMemberResult::FAILED),
            ("ann", HandleMemberResult::ALREADY_MEMBER),
            ("cat", HandleMemberResult::SUCCEEDED)
        ]
    );
    let asked = receiver.next("Group.CallbackBeforeInviteJoinGroup", WAIT).await.body;
    assert_eq!(asked["GroupId"], group_id.as_str());
    assert_eq!(asked["Operator_Account"], "owner");
    assert_eq!(
        asked["DestinationMembers"],
        json!([{"Member_Account": "ben"}, {"Member_Account": "cat"}]),
        "members already in are not asked about"
    );
    let joined = receiver.next("Group.CallbackAfterNewMemberJoin", WAIT).await.body;
    assert_eq!(joined["NewMemberList"], json!([{"Member_Account": "cat"}]));

    receiver.answer("Group.CallbackBeforeInviteJoinGroup", Answer::Json(json!({"ErrorCode": 1})));
    let err = owner.invite_members(&group_id, &["ben"]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_REJECTED_BY_CALLBACK);
    let answer = app
        .admin()
        .call_raw(
            "group_open_http_svc",
            "add_group_member",
            &json!({"GroupId": group_id, "MemberList": [{"Member_Account": "ben"}]}).to_string(),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10016, "the REST API's additions are asked about too: {answer}");

    // Someone who may not invite is refused before the app's back end is asked.
    let _ = receiver.drain(std::time::Duration::from_millis(200)).await;
    let err = outsider.invite_members(&group_id, &["ben"]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED);
    let err = ann.invite_members(&group_id, &["ben"]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "a member of a Public group does not invite");
    let asked = receiver.drain(std::time::Duration::from_millis(300)).await;
    assert!(asked.is_empty(), "{asked:?}");
    let members = owner.group_members(&group_id, 0).await.unwrap();
    assert_eq!(members.group_get_member_info_list_result_info_array.len(), 3, "owner, ann and cat");
}

#[tokio::test]
async fn attribute_changes_reach_the_after_callback() {
    let (app, mut receiver) = app_with_webhooks(&["Group.CallbackAfterGroupAttrChanged"]).await;
    let (owner, _o) = app.client("owner").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &[]).await;

    owner.init_group_attributes(&group_id, &[("mic", "on"), ("seat", "1")]).await.unwrap();
    let set = receiver.next("Group.CallbackAfterGroupAttrChanged", WAIT).await.body;
    assert_eq!(set["GroupId"], group_id.as_str());
    assert_eq!(set["Type"], "Public");
    assert_eq!(set["Operator_Account"], "owner");
    assert_eq!(set["OptionType"], "set");
    assert_eq!(set["GroupAttr"], json!([{"key": "mic", "value": "on"}, {"key": "seat", "value": "1"}]));
    owner.set_group_attributes(&group_id, &[("mic", "off")]).await.unwrap();
    let modified = receiver.next("Group.CallbackAfterGroupAttrChanged", WAIT).await.body;
    assert_eq!(modified["OptionType"], "modify");
    assert_eq!(modified["GroupAttr"], json!([{"key": "mic", "value": "off"}]));
    owner.delete_group_attributes(&group_id, &["seat", "none"]).await.unwrap();
    let deleted = receiver.next("Group.CallbackAfterGroupAttrChanged", WAIT).await.body;
    assert_eq!(deleted["OptionType"], "delete");
    assert_eq!(deleted["GroupAttr"], json!([{"key": "seat", "value": "1"}]));
    // A change that changes nothing reports nothing.
    owner.set_group_attributes(&group_id, &[("mic", "off")]).await.unwrap();
    let answer =
        app.admin().call("group_open_http_svc", "clear_group_attr", &json!({"GroupId": group_id})).await.unwrap();
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    let cleared = receiver.next("Group.CallbackAfterGroupAttrChanged", WAIT).await;
    assert_eq!(cleared.body["OptionType"], "clear", "{:?}", cleared.body);
    assert_eq!(cleared.body["GroupAttr"], json!([]));
    assert_eq!(cleared.body["Operator_Account"], "administrator");
}

#[tokio::test]
async fn members_of_an_avchatroom_are_reported_online_and_offline() {
    // Goal: with `Group.CallbackOnMemberStateChange` on, joining an AVChatRoom reports the member
    // online (Join), its last connection closing reports it offline (HeartbeatInterrupt) and
    // coming back online again (HeartbeatRecover), a second device changes nothing, a logout
    // and a quit report it offline (Quit); the same user's Public group is never reported.
    let (app, mut receiver) = app_with_webhooks(&["Group.CallbackOnMemberStateChange"]).await;
    let (owner, _o) = app.client("owner").await;
    let (ann, _a) = app.client("ann").await;
    let room = create_group(&owner, GroupType::AV_CHAT_ROOM, &[]).await;
    let _public = create_group(&owner, GroupType::PUBLIC, &["ann"]).await;
    ann.join_group(&room).await.unwrap();
    let expect = |hook: &serde_json::Value, event: &str, cause: &str| {
        assert_eq!(hook["GroupId"], room.as_str(), "{hook}");
        assert_eq!((hook["EventType"].as_str(), hook["EventCause"].as_str()), (Some(event), Some(cause)), "{hook}");
        assert_eq!(hook["MemberList"], json!([{"Member_Account": "ann"}]), "{hook}");
        assert!(hook["EventTime"].as_u64().is_some(), "{hook}");
    };
    let joined = receiver.next("Group.CallbackOnMemberStateChange", WAIT).await;
    assert_eq!(joined.query.get("CallbackCommand").map(String::as_str), Some("Group.CallbackOnMemberStateChange"));
    assert_eq!(joined.body["CallbackCommand"], "Group.CallbackOnMemberStateChange");
    expect(&joined.body, "Online", "Join");

    let (phone, _p) = app.client("ann").await;
    ann.close().await;
    drop(ann);
    phone.close().await;
    expect(&receiver.next("Group.CallbackOnMemberStateChange", WAIT).await.body, "Offline", "HeartbeatInterrupt");
    let (ann, _a) = app.client("ann").await;
    expect(&receiver.next("Group.CallbackOnMemberStateChange", WAIT).await.body, "Online", "HeartbeatRecover");
    ann.logout().await.unwrap();
    expect(&receiver.next("Group.CallbackOnMemberStateChange", WAIT).await.body, "Offline", "Quit");
    let (ann, _a) = app.client("ann").await;
    expect(&receiver.next("Group.CallbackOnMemberStateChange", WAIT).await.body, "Online", "HeartbeatRecover");
    ann.quit_group(&room).await.unwrap();
    expect(&receiver.next("Group.CallbackOnMemberStateChange", WAIT).await.body, "Offline", "Quit");
    // Out of the room, ann's connections are no one's business; the owner's were never told.
    ann.close().await;
    let rest = receiver.drain(std::time::Duration::from_millis(500)).await;
    assert!(rest.is_empty(), "{:?}", rest.iter().map(|hook| hook.body.to_string()).collect::<Vec<_>>());
    app.stop().await;
}
