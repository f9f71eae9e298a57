//! Group and member profiles: changing a group's profile and owner, roles, mutes, name cards
//! and custom fields, through the SDK and the REST API, with the group tips every member sees
//! and TIM's codes for what is refused.

use serde_json::json;
use tincan_proto::ErrorCode;
use tincan_proto::api::{modify_group_info, modify_group_member_info};
use tincan_proto::enums::{ConvType, ElemType, GroupType, MemberRole};
use tincan_proto::objects::{GroupInfoCustomString, GroupMemberInfoCustomString};
use tincan_sdk::groups::member_request;
use tincan_sdk::{Client, Event, Events};
use tincan_testkit::{TestApp, spawn_app, wait_for};

use crate::helpers::{WAIT, create_group, group, user};

/// The element of the next group tips message of type `tip_type` that `events` receives.
async fn next_tip(events: &mut Events, tip_type: u32) -> serde_json::Value {
    wait_for(events, WAIT, |event| match event {
        Event::Message(push)
            if push.message.message_elem_array[0].elem_type() == Some(ElemType::GROUP_TIPS)
                && push.message.message_elem_array[0].0["group_tips_elem_tip_type"] == tip_type =>
        {
            Some(serde_json::Value::Object(push.message.message_elem_array[0].0.clone()))
        }
        _ => None,
    })
    .await
}

async fn detail(client: &Client, group_id: &str) -> tincan_proto::objects::GroupDetailInfo {
    client.group_info(&[group_id]).await.unwrap()[0].get_groups_info_result_info.clone().expect("the group is readable")
}

async fn member(client: &Client, group_id: &str, name: &str) -> tincan_proto::objects::GroupMemberInfo {
    let page = client.group_members(group_id, 0).await.unwrap();
    page.group_get_member_info_list_result_info_array
        .into_iter()
        .find(|member| member.group_member_info_identifier == name)
        .expect("a member")
}

async fn three_users(app: &TestApp) -> ((Client, Events), (Client, Events), (Client, Events)) {
    (app.client("owner").await, app.client("ann").await, app.client("ben").await)
}

#[tokio::test]
async fn a_profile_change_is_applied_whole_and_told_as_a_group_tip() {
    let app = spawn_app().await;
    let ((owner, _o), (ann, mut ann_events), (_ben, _b)) = three_users(&app).await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["ann", "ben"]).await;
    let flags = modify_group_info::FLAG_NAME
        | modify_group_info::FLAG_NOTIFICATION
        | modify_group_info::FLAG_SHUTUP_ALL
        | modify_group_info::FLAG_CUSTOM
        | modify_group_info::FLAG_SEARCHABLE;
    let request = modify_group_info::Request {
        group_modify_info_param_group_name: Some("Release crew".to_owned()),
        group_modify_info_param_notification: Some("ship on Friday".to_owned()),
        group_modify_info_param_is_shutup_all: Some(true),
        group_modify_info_param_searchable: Some(0),
        group_modify_info_param_custom_info: Some(vec![GroupInfoCustomString {
            group_info_custom_string_info_key: "level".to_owned(),
            group_info_custom_string_info_value: "gold".to_owned(),
        }]),
        // Not flagged, so not applied.
        group_modify_info_param_introduction: Some("ignored".to_owned()),
        ..modify_group_info::Request::new(group(&group_id), flags)
    };
    // An ordinary member of a Public group may not; nothing changes.
    let err = ann.modify_group_info(request.clone()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    assert_eq!(detail(&ann, &group_id).await.group_detail_info_group_name, "test group");
    owner.modify_group_info(request).await.unwrap();
    let tip = next_tip(&mut ann_events, 6).await;
    assert_eq!(tip["group_tips_elem_op_user"], "owner");
    let flags: Vec<u64> = tip["group_tips_elem_group_change_info_array"]
        .as_array()
        .unwrap()
        .iter()
        .map(|info| info["group_tips_group_change_info_flag"].as_u64().unwrap())
        .collect();
    assert_eq!(flags, vec![1, 3, 6, 8], "name, notification, custom, mute-all");
    let infos = &tip["group_tips_elem_group_change_info_array"];
    assert_eq!(infos[0]["group_tips_group_change_info_value"], "Release crew");
    assert_eq!(infos[2]["group_tips_group_change_info_key"], "level");
    assert_eq!(infos[3]["group_tips_group_change_info_bool_value"], true);
    let info = detail(&ann, &group_id).await;
    assert_eq!(info.group_detail_info_group_name, "Release crew");
    assert_eq!(info.group_detail_info_notification, "ship on Friday");
    assert_eq!(info.group_detail_info_introduction, "");
    assert!(info.group_detail_info_is_shutup_all);
    assert_eq!(info.group_detail_info_searchable, 0);
    assert_eq!(info.group_detail_info_visible, 1);
    assert_eq!(info.group_detail_info_custom_info[0].group_info_custom_string_info_value, "gold");
    assert!(ann.joined_groups().await.unwrap()[0].group_base_info_is_shutup_all);
    // Mute-all: the member may not speak, the owner may.
    let err = ann.send_text(&group_id, ConvType::GROUP, "hi", false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_MEMBER_MUTED, "{}", err.desc);
    owner.send_text(&group_id, ConvType::GROUP, "announcement", false).await.unwrap();
    // A bad custom key, a flag whose field is missing, and an empty change are refused whole.
    let bad = modify_group_info::Request {
        group_modify_info_param_group_name: Some("Half written".to_owned()),
        group_modify_info_param_custom_info: Some(vec![GroupInfoCustomString {
            group_info_custom_string_info_key: "9lives".to_owned(),
            group_info_custom_string_info_value: "x".to_owned(),
        }]),
        ..modify_group_info::Request::new(
            group(&group_id),
            modify_group_info::FLAG_NAME | modify_group_info::FLAG_CUSTOM,
        )
    };
    assert_eq!(owner.modify_group_info(bad).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
    let missing = modify_group_info::Request::new(group(&group_id), modify_group_info::FLAG_FACE_URL);
    assert_eq!(owner.modify_group_info(missing).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    let empty = modify_group_info::Request::new(group(&group_id), 0);
    assert_eq!(owner.modify_group_info(empty).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
    assert_eq!(detail(&owner, &group_id).await.group_detail_info_group_name, "Release crew", "nothing half-written");
    // A Work group's member may rename it, but not mute it.
    let work = create_group(&owner, GroupType::WORK, &["ann"]).await;
    let rename = modify_group_info::Request {
        group_modify_info_param_group_name: Some("ann's name".to_owned()),
        ..modify_group_info::Request::new(group(&work), modify_group_info::FLAG_NAME)
    };
    ann.modify_group_info(rename).await.unwrap();
    let mute_all = modify_group_info::Request {
        group_modify_info_param_is_shutup_all: Some(true),
        ..modify_group_info::Request::new(group(&work), modify_group_info::FLAG_SHUTUP_ALL)
    };
    assert_eq!(ann.modify_group_info(mute_all).await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
}

#[tokio::test]
async fn the_owner_hands_the_group_over_and_everyone_is_told() {
    let app = spawn_app().await;
    let ((owner, _o), (ann, mut ann_events), (ben, mut ben_events)) = three_users(&app).await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["ann", "ben"]).await;
    assert_eq!(ann.change_group_owner(&group_id, "ben").await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    app.client("stranger").await;
    assert_eq!(
        owner.change_group_owner(&group_id, "stranger").await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED,
        "only a member can become the owner"
    );
    // TIM's TypeScript writes the owner flag as a negative number; both spellings work.
    let request = modify_group_info::Request {
        group_modify_info_param_modify_flag: -2_147_483_648,
        group_modify_info_param_owner: Some(user("ann")),
        ..modify_group_info::Request::new(group(&group_id), 0)
    };
    owner.modify_group_info(request).await.unwrap();
    let tip = next_tip(&mut ben_events, 6).await;
    assert_eq!(tip["group_tips_elem_group_change_info_array"][0]["group_tips_group_change_info_flag"], 5);
    assert_eq!(tip["group_tips_elem_group_change_info_array"][0]["group_tips_group_change_info_value"], "ann");
    assert_eq!(detail(&ben, &group_id).await.group_detail_info_owner_identifier, "ann");
    assert_eq!(member(&ben, &group_id, "owner").await.group_member_info_member_role, MemberRole::NORMAL);
    assert_eq!(member(&ben, &group_id, "ann").await.group_member_info_member_role, MemberRole::OWNER);
    // The former owner may now quit; the new one may not, but may hand it on.
    assert_eq!(ann.quit_group(&group_id).await.unwrap_err().code, ErrorCode::GROUP_OWNER_CANNOT_QUIT);
    owner.quit_group(&group_id).await.unwrap();
    ann.change_group_owner(&group_id, "ben").await.unwrap();
    next_tip(&mut ann_events, 6).await;
    // It lasts a restart.
    let app = app.restart().await;
    let (ben, _b) = app.client("ben").await;
    assert_eq!(detail(&ben, &group_id).await.group_detail_info_owner_identifier, "ben");
    assert_eq!(member(&ben, &group_id, "ann").await.group_member_info_member_role, MemberRole::NORMAL);
}

#[tokio::test]
async fn roles_mutes_and_member_profiles_follow_tims_rules() {
    let app = spawn_app().await;
    let ((owner, _o), (ann, mut ann_events), (ben, _b)) = three_users(&app).await;
    let (carl, _c) = app.client("carl").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["ann", "ben", "carl"]).await;
    // Only the owner makes admins; the members see a SetAdmin tip.
    assert_eq!(
        ben.set_member_role(&group_id, "ann", MemberRole::ADMIN).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    owner.set_member_role(&group_id, "ann", MemberRole::ADMIN).await.unwrap();
    let tip = next_tip(&mut ann_events, 4).await;
    assert_eq!(tip["group_tips_elem_user_array"], json!(["ann"]));
    // An admin mutes an ordinary member for a minute; that member's sends fail with 10017.
    ann.mute_member(&group_id, "ben", 60).await.unwrap();
    let tip = next_tip(&mut ann_events, 7).await;
    assert_eq!(tip["group_tips_elem_member_change_info_array"][0]["group_tips_member_change_info_identifier"], "ben");
    assert_eq!(tip["group_tips_elem_member_change_info_array"][0]["group_tips_member_change_info_shutupTime"], 60);
    let err = ben.send_text(&group_id, ConvType::GROUP, "let me speak", false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_MEMBER_MUTED, "{}", err.desc);
    carl.send_text(&group_id, ConvType::GROUP, "carl may", false).await.unwrap();
    let until = member(&carl, &group_id, "ben").await.group_member_info_shutup_time;
    assert!(until > 0, "the mute's end is shown");
    // An admin may not mute the owner nor another admin; an ordinary member mutes no one.
    assert_eq!(ann.mute_member(&group_id, "owner", 60).await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    assert_eq!(carl.mute_member(&group_id, "ann", 60).await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    // Lifting the mute lets the member speak again.
    owner.mute_member(&group_id, "ben", 0).await.unwrap();
    ben.send_text(&group_id, ConvType::GROUP, "thanks", false).await.unwrap();
    // A member sets its own name card and custom fields; another ordinary member may not.
    let own = modify_group_member_info::Request {
        group_modify_member_info_name_card: Some("Ben (QA)".to_owned()),
        group_modify_member_info_custom_info: Some(vec![GroupMemberInfoCustomString {
            group_member_info_custom_string_info_key: "desk".to_owned(),
            group_member_info_custom_string_info_value: "B12".to_owned(),
        }]),
        ..member_request(
            &group_id,
            "ben",
            modify_group_member_info::FLAG_NAME_CARD | modify_group_member_info::FLAG_CUSTOM,
        )
        .unwrap()
    };
    assert_eq!(carl.modify_member_info(own.clone()).await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    ben.modify_member_info(own).await.unwrap();
    let shown = member(&carl, &group_id, "ben").await;
    assert_eq!(shown.group_member_info_name_card, "Ben (QA)");
    assert_eq!(shown.group_member_info_custom_info[0].group_member_info_custom_string_info_value, "B12");
    // A change with one bad part changes nothing.
    let bad = modify_group_member_info::Request {
        group_modify_member_info_name_card: Some("x".repeat(200)),
        group_modify_member_info_shutup_time: Some(30),
        ..member_request(
            &group_id,
            "carl",
            modify_group_member_info::FLAG_NAME_CARD | modify_group_member_info::FLAG_SHUTUP_TIME,
        )
        .unwrap()
    };
    assert_eq!(owner.modify_member_info(bad).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
    carl.send_text(&group_id, ConvType::GROUP, "not muted", false).await.unwrap();
    // Work groups have no admins.
    let work = create_group(&owner, GroupType::WORK, &["ann"]).await;
    assert_eq!(
        owner.set_member_role(&work, "ann", MemberRole::ADMIN).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    assert_eq!(carl.online_member_count(&group_id).await.unwrap(), 4, "everyone is logged in");
    assert_eq!(
        app.client("outsider").await.0.online_member_count(&group_id).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    // Mutes, roles and profiles last a restart.
    owner.mute_member(&group_id, "carl", 3_600).await.unwrap();
    let app = app.restart().await;
    let (carl, _c) = app.client("carl").await;
    let err = carl.send_text(&group_id, ConvType::GROUP, "after restart", false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_MEMBER_MUTED);
    assert_eq!(member(&carl, &group_id, "ann").await.group_member_info_member_role, MemberRole::ADMIN);
    assert_eq!(member(&carl, &group_id, "ben").await.group_member_info_name_card, "Ben (QA)");
}

#[tokio::test]
async fn rest_commands_manage_profiles_mutes_roles_and_owners() {
    let app = spawn_app().await;
    let admin = app.admin();
    admin
        .call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["owner", "ann", "ben"]}))
        .await
        .unwrap();
    admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "owner", "Type": "Public", "GroupId": "club", "Name": "Club",
                    "MemberList": [{"Member_Account": "ann"}, {"Member_Account": "ben"}]}),
        )
        .await
        .unwrap();
    let (ben, _b) = app.client("ben").await;
    admin
        .call(
            "group_open_http_svc",
            "modify_group_base_info",
            &json!({"GroupId": "club", "ShutUpAllMember": "On", "AppDefinedData": [{"Key": "tier", "Value": "1"}]}),
        )
        .await
        .unwrap();
    let info = admin.call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": ["club"]})).await.unwrap();
    let club = &info["GroupInfo"][0];
    assert_eq!(club["ShutUpAllMember"], "On");
    assert_eq!(club["AppDefinedData"], json!([{"Key": "tier", "Value": "1"}]));
    assert_eq!(
        ben.send_text("club", ConvType::GROUP, "x", false).await.unwrap_err().code,
        ErrorCode::GROUP_MEMBER_MUTED
    );
    admin
        .call("group_open_http_svc", "modify_group_base_info", &json!({"GroupId": "club", "ShutUpAllMember": "Off"}))
        .await
        .unwrap();
    ben.send_text("club", ConvType::GROUP, "free again", false).await.unwrap();
    // forbid_send_msg and get_group_shutted_uin.
    admin
        .call(
            "group_open_http_svc",
            "forbid_send_msg",
            &json!({"GroupId": "club", "Members_Account": ["ann", "ben"], "ShutUpTime": 600}),
        )
        .await
        .unwrap();
    let muted = admin.call("group_open_http_svc", "get_group_shutted_uin", &json!({"GroupId": "club"})).await.unwrap();
    let names: Vec<&str> =
        muted["ShuttedUinList"].as_array().unwrap().iter().map(|it| it["Member_Account"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["ann", "ben"]);
    assert!(muted["ShuttedUinList"][0]["ShuttedUntil"].as_u64().unwrap() > 0);
    let answer = admin
        .call_raw(
            "group_open_http_svc",
            "forbid_send_msg",
            &json!({"GroupId": "club", "Members_Account": ["ann", "owner"], "ShutUpTime": 0}).to_string(),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10007, "the owner cannot be muted, so no one is unmuted: {answer}");
    let still = admin.call("group_open_http_svc", "get_group_shutted_uin", &json!({"GroupId": "club"})).await.unwrap();
    assert_eq!(still["ShuttedUinList"].as_array().unwrap().len(), 2);
    // modify_group_member_info: role, name card, mute and custom fields.
    admin
        .call(
            "group_open_http_svc",
            "modify_group_member_info",
            &json!({"GroupId": "club", "Member_Account": "ann", "Role": "Admin", "NameCard": "Ann",
                    "ShutUpTime": 0, "AppMemberDefinedData": [{"Key": "desk", "Value": "A1"}]}),
        )
        .await
        .unwrap();
    let members =
        admin.call("group_open_http_svc", "get_group_member_info", &json!({"GroupId": "club"})).await.unwrap();
    let ann =
        members["MemberList"].as_array().unwrap().iter().find(|it| it["Member_Account"] == "ann").unwrap().clone();
    assert_eq!(ann["Role"], "Admin");
    assert_eq!(ann["NameCard"], "Ann");
    assert_eq!(ann["ShutUpUntil"], 0);
    assert_eq!(ann["AppMemberDefinedData"], json!([{"Key": "desk", "Value": "A1"}]));
    // get_role_in_group, change_group_owner and get_online_member_num.
    let roles = admin
        .call(
            "group_open_http_svc",
            "get_role_in_group",
            &json!({"GroupId": "club", "User_Account": ["owner", "ann", "ben", "nobody"]}),
        )
        .await
        .unwrap();
    let roles: Vec<&str> =
        roles["UserIdList"].as_array().unwrap().iter().map(|it| it["Role"].as_str().unwrap()).collect();
    assert_eq!(roles, vec!["Owner", "Admin", "Member", "NotMember"]);
    admin
        .call("group_open_http_svc", "change_group_owner", &json!({"GroupId": "club", "NewOwner_Account": "ben"}))
        .await
        .unwrap();
    let roles = admin
        .call("group_open_http_svc", "get_role_in_group", &json!({"GroupId": "club", "User_Account": ["owner", "ben"]}))
        .await
        .unwrap();
    assert_eq!(
        roles["UserIdList"],
        json!([{"Member_Account": "owner", "Role": "Member"}, {"Member_Account": "ben", "Role": "Owner"}])
    );
    let answer = admin
        .call_raw(
            "group_open_http_svc",
            "change_group_owner",
            &json!({"GroupId": "club", "NewOwner_Account": "nobody"}).to_string(),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10007, "{answer}");
    let online = admin.call("group_open_http_svc", "get_online_member_num", &json!({"GroupId": "club"})).await.unwrap();
    assert_eq!(online["OnlineMemberNum"], 1);
}

#[tokio::test]
async fn an_auth_group_takes_join_requests_that_the_owner_and_admins_decide() {
    let app = spawn_app().await;
    let ((owner, mut owner_events), (ann, _a), (ben, mut ben_events)) = three_users(&app).await;
    let (carl, _c) = app.client("carl").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["ann"]).await;
    let auth = modify_group_info::Request {
        group_modify_info_param_add_option: Some(1),
        ..modify_group_info::Request::new(group(&group_id), modify_group_info::FLAG_ADD_OPTION)
    };
    owner.modify_group_info(auth).await.unwrap();
    // Asking succeeds and waits; the applicant is not a member yet, and the owner is told.
    ben.join_group_saying(&group_id, "I test releases").await.unwrap();
    carl.join_group_saying(&group_id, "me too").await.unwrap();
    let told = wait_for(&mut owner_events, WAIT, |event| match event {
        Event::Group(push) if push.event == "join_requested" => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!(told.operator, "ben");
    assert_eq!(
        ben.send_text(&group_id, ConvType::GROUP, "in?", false).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    let list = owner.group_pendencies(0, 0).await.unwrap();
    let applicants: Vec<(&str, &str)> = list
        .group_pendency_result_pendency_array
        .iter()
        .map(|it| (it.group_pendency_form_identifier.as_str(), it.group_pendency_apply_invite_msg.as_str()))
        .collect();
    assert_eq!(applicants.len(), 2);
    assert!(applicants.contains(&("ben", "I test releases")), "{applicants:?}");
    assert_eq!(list.group_pendency_result_unread_num, 2);
    // Pages end on a second's boundary and the cursor continues after it.
    let first = owner.group_pendencies(0, 1).await.unwrap();
    let seen = first.group_pendency_result_pendency_array.len();
    if first.group_pendency_result_next_start_time != 0 {
        let rest = owner.group_pendencies(first.group_pendency_result_next_start_time, 1).await.unwrap();
        assert_eq!(seen + rest.group_pendency_result_pendency_array.len(), 2);
    } else {
        assert_eq!(seen, 2, "both were made in the same second");
    }
    // An ordinary member neither sees nor decides them.
    assert!(ann.group_pendencies(0, 0).await.unwrap().group_pendency_result_pendency_array.is_empty());
    assert_eq!(
        ann.handle_group_pendency(&group_id, "ben", true).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    // Reading them clears the unread count, which lasts a restart below.
    let newest = list.group_pendency_result_pendency_array[0].group_pendency_add_time;
    owner.report_group_pendency_read(newest).await.unwrap();
    assert_eq!(owner.group_pendencies(0, 0).await.unwrap().group_pendency_result_unread_num, 0);
    // Accepting ben adds him, who is told, and the members see the join.
    owner.handle_group_pendency(&group_id, "ben", true).await.unwrap();
    wait_for(&mut ben_events, WAIT, |event| match event {
        Event::Group(push) if push.event == "joined" => Some(()),
        _ => None,
    })
    .await;
    ben.send_text(&group_id, ConvType::GROUP, "thanks", false).await.unwrap();
    assert_eq!(
        owner.handle_group_pendency(&group_id, "ben", true).await.unwrap_err().code,
        ErrorCode::GROUP_INVALID_PARAMETERS,
        "a handled request is gone"
    );
    // carl's request waits through a restart, then is refused.
    let app = app.restart().await;
    let (owner, _o) = app.client("owner").await;
    let (carl, mut carl_events) = app.client("carl").await;
    let list = owner.group_pendencies(0, 0).await.unwrap();
    assert_eq!(list.group_pendency_result_pendency_array.len(), 1);
    assert_eq!(list.group_pendency_result_read_time_seq, newest);
    owner.handle_group_pendency(&group_id, "carl", false).await.unwrap();
    let refused = wait_for(&mut carl_events, WAIT, |event| match event {
        Event::Group(push) if push.event == "join_refused" => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!(refused.group_name, "test group", "a refused applicant is told which group it was");
    assert!(owner.group_pendencies(0, 0).await.unwrap().group_pendency_result_pendency_array.is_empty());
    assert_eq!(
        carl.send_text(&group_id, ConvType::GROUP, "x", false).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    // A Work group cannot be asked to join, nor a Forbid group.
    let work = create_group(&owner, GroupType::WORK, &[]).await;
    assert_eq!(carl.join_group_saying(&work, "hi").await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
}

#[tokio::test]
async fn groups_and_members_are_found_by_search() {
    use tincan_proto::api::{search_group_members, search_groups};
    let app = spawn_app().await;
    let ((owner, _o), (ann, _a), (ben, _b)) = three_users(&app).await;
    let (alfred, _c) = app.client("alfred").await;
    let team = create_group(&owner, GroupType::PUBLIC, &["ann", "ben", "alfred"]).await;
    let rename = modify_group_info::Request {
        group_modify_info_param_group_name: Some("Release Crew".to_owned()),
        ..modify_group_info::Request::new(group(&team), modify_group_info::FLAG_NAME)
    };
    owner.modify_group_info(rename).await.unwrap();
    let card = modify_group_member_info::Request {
        group_modify_member_info_name_card: Some("Benjamin Tester".to_owned()),
        ..member_request(&team, "ben", modify_group_member_info::FLAG_NAME_CARD).unwrap()
    };
    ben.modify_member_info(card).await.unwrap();
    let search = |keywords: &[&str], fields: Vec<u32>| search_group_members::Request {
        group_search_member_params_groupid_list: vec![group(&team)],
        group_search_member_params_keyword_list: keywords.iter().map(|it| (*it).to_owned()).collect(),
        group_search_member_params_field_list: fields,
    };
    let names = |response: search_group_members::Response| -> Vec<String> {
        response
            .results
            .into_iter()
            .flat_map(|found| found.group_search_member_result_member_info_list)
            .map(|member| member.group_member_info_identifier)
            .collect()
    };
    // The start of an identifier, or of a word of a name card, case aside; every keyword must match.
    assert_eq!(names(ann.call(&search(&["A"], vec![])).await.unwrap()), vec!["ann", "alfred"]);
    assert_eq!(names(ann.call(&search(&["test"], vec![])).await.unwrap()), vec!["ben"]);
    assert_eq!(names(ann.call(&search(&["b", "tes"], vec![])).await.unwrap()), vec!["ben"]);
    assert!(
        names(ann.call(&search(&["test"], vec![search_group_members::FIELD_IDENTIFIER])).await.unwrap()).is_empty()
    );
    // The index follows joins, leaves and new name cards.
    alfred.quit_group(&team).await.unwrap();
    let card = modify_group_member_info::Request {
        group_modify_member_info_name_card: Some("Alpha".to_owned()),
        ..member_request(&team, "ben", modify_group_member_info::FLAG_NAME_CARD).unwrap()
    };
    ben.modify_member_info(card).await.unwrap();
    assert_eq!(names(ann.call(&search(&["a"], vec![])).await.unwrap()), vec!["ann", "ben"]);
    // Bad keywords, and a group the caller is not in.
    assert_eq!(ann.call(&search(&[], vec![])).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    assert_eq!(alfred.call(&search(&["a"], vec![])).await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    // Groups: one's own by words of ID or name; a searchable stranger's by its exact ID only.
    let find_groups = |keywords: &[&str]| search_groups::Request {
        group_search_params_keyword_list: keywords.iter().map(|it| tincan_proto::ids::ListedId::parse(it)).collect(),
        group_search_params_field_list: vec![],
    };
    let found = ann.call(&find_groups(&["crew"])).await.unwrap().groups;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].group_detail_info_group_name, "Release Crew");
    assert!(alfred.call(&find_groups(&["crew"])).await.unwrap().groups.is_empty());
    assert_eq!(alfred.call(&find_groups(&[&team])).await.unwrap().groups.len(), 1);
    let hide = modify_group_info::Request {
        group_modify_info_param_searchable: Some(0),
        ..modify_group_info::Request::new(group(&team), modify_group_info::FLAG_SEARCHABLE)
    };
    owner.modify_group_info(hide).await.unwrap();
    assert!(alfred.call(&find_groups(&[&team])).await.unwrap().groups.is_empty());
    assert_eq!(ann.call(&find_groups(&[&team])).await.unwrap().groups.len(), 1, "members still find it");
}

#[tokio::test]
async fn member_search_in_a_large_group_finds_by_prefix() {
    // Goal: the index answers correctly in a group of thousands, through the real server.
    let app = spawn_app().await;
    let admin = app.admin();
    let accounts: Vec<String> = (0..3_000).map(|i| format!("user{i:05}")).collect();
    for chunk in accounts.chunks(100) {
        admin.call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": chunk})).await.unwrap();
    }
    admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "user00000", "Type": "Community", "GroupId": "@TGS#_big", "Name": "Big"}),
        )
        .await
        .unwrap();
    for chunk in accounts[1..].chunks(500) {
        let members: Vec<serde_json::Value> = chunk.iter().map(|user| json!({"Member_Account": user})).collect();
        admin
            .call("group_open_http_svc", "add_group_member", &json!({"GroupId": "@TGS#_big", "MemberList": members}))
            .await
            .unwrap();
    }
    let (client, _events) = app.client("user00000").await;
    let request = tincan_proto::api::search_group_members::Request {
        group_search_member_params_groupid_list: vec![group("@TGS#_big")],
        group_search_member_params_keyword_list: vec!["USER0299".to_owned()],
        group_search_member_params_field_list: vec![],
    };
    let found = client.call(&request).await.unwrap().results;
    let names: Vec<String> = found[0]
        .group_search_member_result_member_info_list
        .iter()
        .map(|member| member.group_member_info_identifier.clone())
        .collect();
    let expected: Vec<String> = (2990..3000).map(|i| format!("user{i:05}")).collect();
    assert_eq!(names, expected);
    let request = tincan_proto::api::search_group_members::Request {
        group_search_member_params_keyword_list: vec!["user".to_owned()],
        ..request
    };
    let found = client.call(&request).await.unwrap().results;
    assert_eq!(found[0].group_search_member_result_member_info_list.len(), 100, "at most 100 per group");
}
