//! `group_open_http_svc` over HTTP: creating groups and reading them and their members.

use serde_json::{Value, json};
use tincan_proto::enums::{ConvType, GroupType};
use tincan_testkit::spawn_app;

use crate::helpers::{WAIT, create_group};

#[tokio::test]
async fn create_group_with_an_owner_and_members_then_read_it_back() {
    let app = spawn_app().await;
    let admin = app.admin();
    admin
        .call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["owner", "ann", "ben"]}))
        .await
        .unwrap();
    let created = admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({
                "Owner_Account": "owner",
                "Type": "Public",
                "GroupId": "rest-team",
                "Name": "REST team",
                "Introduction": "made over REST",
                "ApplyJoinOption": "NeedPermission",
                "MemberList": [{"Member_Account": "ann", "Role": "Admin"}, {"Member_Account": "ben"}]
            }),
        )
        .await
        .unwrap();
    assert_eq!(created["GroupId"], "rest-team");

    let info = admin
        .call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": ["rest-team", "nope"]}))
        .await
        .unwrap();
    let groups = info["GroupInfo"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let team = &groups[0];
    assert_eq!(team["ErrorCode"], 0);
    assert_eq!(team["Type"], "Public");
    assert_eq!(team["Name"], "REST team");
    assert_eq!(team["Introduction"], "made over REST");
    assert_eq!(team["Owner_Account"], "owner");
    assert_eq!(team["MemberNum"], 3);
    assert_eq!(team["ApplyJoinOption"], "NeedPermission");
    assert_eq!(team["NextMsgSeq"], 1);
    let roles: Vec<(String, String)> = team["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| {
            (member["Member_Account"].as_str().unwrap().to_owned(), member["Role"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        roles,
        vec![("owner".into(), "Owner".into()), ("ann".into(), "Admin".into()), ("ben".into(), "Member".into())]
    );
    assert_eq!(groups[1]["GroupId"], "nope");
    assert_eq!(groups[1]["ErrorCode"], 10010, "an unknown group fails alone: {}", groups[1]);

    let page = admin
        .call("group_open_http_svc", "get_group_member_info", &json!({"GroupId": "rest-team", "Limit": 2, "Offset": 1}))
        .await
        .unwrap();
    assert_eq!(page["MemberNum"], 3);
    let page: Vec<&str> =
        page["MemberList"].as_array().unwrap().iter().map(|m| m["Member_Account"].as_str().unwrap()).collect();
    assert_eq!(page, vec!["ann", "ben"]);
}

#[tokio::test]
async fn a_group_made_without_an_owner_has_none_and_its_members_are_told() {
    let app = spawn_app().await;
    let (_ann, mut ann_events) = app.client("ann").await;
    let admin = app.admin();
    let created = admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Type": "Private", "Name": "ownerless", "MemberList": [{"Member_Account": "ann"}]}),
        )
        .await
        .unwrap();
    let group_id = created["GroupId"].as_str().unwrap().to_owned();
    assert!(group_id.starts_with("@TGS#"), "a generated ID: {group_id}");
    assert_eq!(created["Type"], "Private");
    let info = admin.call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": [group_id]})).await.unwrap();
    assert_eq!(info["GroupInfo"][0]["Owner_Account"], "");
    assert_eq!(info["GroupInfo"][0]["MemberNum"], 1);
    let joined = tincan_testkit::wait_for(&mut ann_events, WAIT, |event| match event {
        tincan_sdk::Event::Group(push) if push.group_id == group_id => Some(push.event.clone()),
        _ => None,
    })
    .await;
    assert_eq!(joined, "created");
}

#[tokio::test]
async fn the_app_group_list_pages_and_filters_by_type() {
    let app = spawn_app().await;
    let (owner, _events) = app.client("owner").await;
    let mut work = Vec::new();
    for _ in 0..3 {
        work.push(create_group(&owner, GroupType::WORK, &[]).await);
    }
    let public = create_group(&owner, GroupType::PUBLIC, &[]).await;
    let admin = app.admin();
    let mut seen = Vec::new();
    let mut next = 0;
    loop {
        let page = admin
            .call("group_open_http_svc", "get_appid_group_list", &json!({"Limit": 2, "Next": next}))
            .await
            .unwrap();
        assert_eq!(page["TotalCount"], 4);
        seen.extend(
            page["GroupIdList"].as_array().unwrap().iter().map(|it| it["GroupId"].as_str().unwrap().to_owned()),
        );
        next = page["Next"].as_u64().unwrap();
        if next == 0 {
            break;
        }
    }
    let mut all = work.clone();
    all.push(public.clone());
    all.sort();
    assert_eq!(seen, all);
    let work_only =
        admin.call("group_open_http_svc", "get_appid_group_list", &json!({"GroupType": "Private"})).await.unwrap();
    assert_eq!(work_only["TotalCount"], 3);
    let ids: Vec<&str> =
        work_only["GroupIdList"].as_array().unwrap().iter().map(|it| it["GroupId"].as_str().unwrap()).collect();
    assert!(!ids.contains(&public.as_str()));
}

#[tokio::test]
async fn group_commands_refuse_bad_input_with_group_codes_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.admin();
    let call = |body: Value, command: &'static str| {
        let admin = admin.clone();
        async move { admin.call_raw("group_open_http_svc", command, &body.to_string()).await.unwrap() }
    };
    let answer = call(json!({"Type": "Public"}), "create_group").await;
    assert_eq!(answer["ActionStatus"], "FAIL");
    assert_eq!(answer["ErrorCode"], 10004);
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("Name"), "{answer}");
    let answer = call(json!({"Type": "Clubhouse", "Name": "x"}), "create_group").await;
    assert_eq!(answer["ErrorCode"], 10004);
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("Clubhouse"), "{answer}");
    let answer = call(json!({"Type": "Public", "Name": "x", "Owner_Account": "ghost"}), "create_group").await;
    assert_eq!(answer["ErrorCode"], 10019, "{answer}");
    let answer = call(json!({"GroupIdList": "g1"}), "get_group_info").await;
    assert_eq!(answer["ErrorCode"], 10004);
    let answer = call(json!({"GroupId": "nope"}), "get_group_member_info").await;
    assert_eq!(answer["ErrorCode"], 10010);
    let answer = call(json!({}), "no_such_command").await;
    assert_eq!(answer["ErrorCode"], 60002);
    let list = admin.call("group_open_http_svc", "get_appid_group_list", &json!({})).await.unwrap();
    assert_eq!(list["TotalCount"], 0, "nothing was created by the refused calls");
}

/// PyPI's `tencentcloud-sdk-python-im` sends `MaxMemberCount: 500` for every group type; a cap
/// above the type's is the type's cap, and 0 means "not given", on creation and on change.
#[tokio::test]
async fn a_member_cap_above_the_types_cap_is_the_types_cap() {
    let app = spawn_app().await;
    let admin = app.admin();
    let max_member_num = |group_id: &'static str| {
        let admin = admin.clone();
        async move {
            let info =
                admin.call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": [group_id]})).await.unwrap();
            info["GroupInfo"][0]["MaxMemberNum"].as_u64().unwrap()
        }
    };
    for (group_id, group_type, requested, cap) in
        [("work", "Private", 500, 200), ("public", "Public", 5_000, 2_000), ("small", "Public", 50, 50)]
    {
        admin
            .call(
                "group_open_http_svc",
                "create_group",
                &json!({"Type": group_type, "GroupId": group_id, "Name": group_id, "MaxMemberCount": requested}),
            )
            .await
            .unwrap();
        assert_eq!(max_member_num(group_id).await, cap, "{group_type} asked for {requested}");
    }
    for (requested, now) in [(100_000, 2_000), (0, 2_000), (300, 300)] {
        admin
            .call(
                "group_open_http_svc",
                "modify_group_base_info",
                &json!({"GroupId": "public", "MaxMemberNum": requested}),
            )
            .await
            .unwrap();
        assert_eq!(max_member_num("public").await, now, "asked for {requested}");
    }
    let answer = admin
        .call_raw(
            "group_open_http_svc",
            "modify_group_base_info",
            &json!({"GroupId": "nope", "MaxMemberNum": 9}).to_string(),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10010, "{answer}");
}

#[tokio::test]
async fn tincan_lists_accounts_by_prefix_and_reports_live_counts() {
    let app = spawn_app().await;
    let admin = app.admin();
    admin
        .call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["al1", "al2", "al3", "bob"]}))
        .await
        .unwrap();
    let (client, _events) = app.client("al2").await;
    let first = admin.call("tincan", "list_accounts", &json!({"Prefix": "al", "Limit": 2})).await.unwrap();
    assert_eq!(first["Accounts"], json!([{"UserID": "al1", "Online": false}, {"UserID": "al2", "Online": true}]));
    assert_eq!(first["NextCursor"], "al2");
    let second =
        admin.call("tincan", "list_accounts", &json!({"Prefix": "al", "Cursor": "al2", "Limit": 2})).await.unwrap();
    assert_eq!(second["Accounts"], json!([{"UserID": "al3", "Online": false}]));
    assert_eq!(second["NextCursor"], "");

    let before = admin.call("tincan", "get_stats", &json!({})).await.unwrap();
    assert!(before["Connections"].as_i64().unwrap() >= 1);
    assert_eq!(before["OnlineUsers"], 1);
    client.send_text("bob", tincan_proto::enums::ConvType::C2C, "hi", false).await.unwrap();
    let after = admin.call("tincan", "get_stats", &json!({})).await.unwrap();
    assert_eq!(after["MessagesTotal"].as_u64().unwrap(), before["MessagesTotal"].as_u64().unwrap() + 1);
    assert!(after["TimeMs"].as_u64().unwrap() >= before["TimeMs"].as_u64().unwrap());
}

#[tokio::test]
async fn members_change_through_rest_and_members_are_told() {
    let app = spawn_app().await;
    let admin = app.admin();
    admin
        .call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["owner", "ann", "ben"]}))
        .await
        .unwrap();
    let (_ann, mut ann_events) = app.client("ann").await;
    admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "owner", "Type": "Public", "GroupId": "club", "Name": "Club"}),
        )
        .await
        .unwrap();
    let added = admin
        .call(
            "group_open_http_svc",
            "add_group_member",
            &json!({"GroupId": "club", "Silence": 0, "MemberList": [{"Member_Account": "ann"}, {"Member_Account": "owner"}]}),
        )
        .await
        .unwrap();
    assert_eq!(
        added["MemberList"],
        json!([{"Member_Account": "ann", "Result": 1}, {"Member_Account": "owner", "Result": 2}])
    );
    let event = tincan_testkit::wait_for(&mut ann_events, WAIT, |event| match event {
        tincan_sdk::Event::Group(push) if push.group_id == "club" => Some(push.event.clone()),
        _ => None,
    })
    .await;
    assert_eq!(event, "joined");

    admin
        .call(
            "group_open_http_svc",
            "modify_group_base_info",
            &json!({"GroupId": "club", "Name": "The Club", "Notification": "welcome", "MaxMemberNum": 50, "ShutUpAllMember": "Off"}),
        )
        .await
        .unwrap();
    let joined = admin
        .call(
            "group_open_http_svc",
            "get_joined_group_list",
            &json!({"Member_Account": "ann", "Limit": 0, "Offset": 0}),
        )
        .await
        .unwrap();
    assert_eq!(joined["TotalCount"], 1);
    let club = &joined["GroupIdList"][0];
    assert_eq!(club["GroupId"], "club");
    assert_eq!(club["Name"], "The Club");
    assert_eq!(club["Notification"], "welcome");
    assert_eq!(club["MaxMemberNum"], 50);
    assert_eq!(club["SelfInfo"]["Role"], "Member");
    let info_seq_before = club["InfoSeq"].as_u64().unwrap();
    assert!(info_seq_before > 1, "the profile change moved the info seq");

    admin
        .call(
            "group_open_http_svc",
            "delete_group_member",
            &json!({"GroupId": "club", "MemberToDel_Account": ["ann"], "Silence": 0, "Reason": ""}),
        )
        .await
        .unwrap();
    let joined =
        admin.call("group_open_http_svc", "get_joined_group_list", &json!({"Member_Account": "ann"})).await.unwrap();
    assert_eq!(joined["TotalCount"], 0);

    admin.call("group_open_http_svc", "destroy_group", &json!({"GroupId": "club"})).await.unwrap();
    let answer =
        admin.call_raw("group_open_http_svc", "destroy_group", &json!({"GroupId": "club"}).to_string()).await.unwrap();
    assert_eq!(answer["ErrorCode"], 10010, "gone: {answer}");
    let info = admin.call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": ["club"]})).await.unwrap();
    assert_eq!(info["GroupInfo"][0]["ErrorCode"], 10010);
}

#[tokio::test]
async fn a_group_is_listed_by_the_time_its_new_member_is_told() {
    // Goal: a client that loads its conversation list as soon as a `group` push says it joined
    // (as the web chat does) finds the group there, whether the group was created with it or it
    // was added later, however the push and the REST answer race. Each round has a new group.
    let app = spawn_app().await;
    let admin = app.admin();
    admin.call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["owner", "bob"]})).await.unwrap();
    let mut bob = app.raw_socket("bob").await;
    for round in 0..120u64 {
        let group_id = format!("g{round}");
        let created_with_bob = round % 2 == 0;
        let (command, body) = if created_with_bob {
            let body = json!({"Owner_Account": "owner", "Type": "Public", "GroupId": group_id, "Name": "G",
                "MemberList": [{"Member_Account": "bob"}]});
            ("create_group", body)
        } else {
            let body = json!({"Owner_Account": "owner", "Type": "Public", "GroupId": group_id, "Name": "G"});
            admin.call("group_open_http_svc", "create_group", &body).await.unwrap();
            ("add_group_member", json!({"GroupId": group_id, "MemberList": [{"Member_Account": "bob"}]}))
        };
        let calling = tokio::spawn({
            let admin = admin.clone();
            async move { admin.call("group_open_http_svc", command, &body).await }
        });
        let push = bob.next_push("group").await;
        assert_eq!(push["data"]["group_id"], group_id.as_str(), "round {round}: {push}");
        let id = round + 2;
        bob.send_text(json!({"id": id, "op": "conv_get_list", "data": {}}).to_string()).await;
        let answer = bob.answer(id).await;
        let conversations = answer["data"]["conversations"].as_array().expect("a list");
        assert!(
            conversations.iter().any(|conv| conv["conv_id"] == group_id.as_str()),
            "round {round} ({command}): {group_id} is not listed yet: {answer}"
        );
        calling.await.unwrap().unwrap();
    }
    app.stop().await;
}

#[tokio::test]
async fn imported_groups_and_members_keep_their_times_and_tell_no_one() {
    // Goal: import_group and import_group_member bring a group over from another system with
    // the times it had there, without a tips message to the members, and the times last a
    // restart; impossible times are refused whole.
    let app = spawn_app().await;
    let admin = app.admin();
    admin
        .call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["owner", "ann", "ben"]}))
        .await
        .unwrap();
    let (owner, owner_events) = app.client("owner").await;
    let imported = admin
        .call(
            "group_open_http_svc",
            "import_group",
            &json!({"Owner_Account": "owner", "Type": "Public", "GroupId": "old-club", "Name": "Old club",
                    "CreateTime": 1_500_000_000}),
        )
        .await
        .unwrap();
    assert_eq!(imported["GroupId"], "old-club");
    let members = json!({"GroupId": "old-club", "MemberList": [
        {"Member_Account": "ann", "Role": "Admin", "JoinTime": 1_500_000_100, "UnreadMsgNum": 0},
        {"Member_Account": "owner", "JoinTime": 1_500_000_200},
        {"Member_Account": "nobody"}
    ]});
    let answer = admin.call("group_open_http_svc", "import_group_member", &members).await.unwrap();
    assert_eq!(
        answer["MemberList"],
        json!([{"Member_Account": "ann", "Result": 1}, {"Member_Account": "owner", "Result": 2},
               {"Member_Account": "nobody", "Result": 0}])
    );
    // A join before the group existed, or in the future, refuses the whole import.
    for join_time in [1_400_000_000u64, 4_000_000_000] {
        let answer = admin
            .call_raw(
                "group_open_http_svc",
                "import_group_member",
                &json!({"GroupId": "old-club", "MemberList": [{"Member_Account": "ben", "JoinTime": join_time}]})
                    .to_string(),
            )
            .await
            .unwrap();
        assert_eq!(answer["ErrorCode"], 10004, "{answer}");
    }
    let answer = admin
        .call_raw(
            "group_open_http_svc",
            "import_group",
            &json!({"Type": "Public", "GroupId": "future", "Name": "F", "CreateTime": 4_000_000_000u64}).to_string(),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10004, "{answer}");

    let check = |app_admin: tincan_sdk::admin::AdminClient| async move {
        let info = app_admin
            .call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": ["old-club"]}))
            .await
            .unwrap();
        assert_eq!(info["GroupInfo"][0]["CreateTime"], 1_500_000_000);
        let list = app_admin
            .call("group_open_http_svc", "get_group_member_info", &json!({"GroupId": "old-club"}))
            .await
            .unwrap();
        let ann =
            list["MemberList"].as_array().unwrap().iter().find(|it| it["Member_Account"] == "ann").unwrap().clone();
        assert_eq!((ann["JoinTime"].clone(), ann["Role"].clone()), (json!(1_500_000_100), json!("Admin")));
        let owner =
            list["MemberList"].as_array().unwrap().iter().find(|it| it["Member_Account"] == "owner").unwrap().clone();
        assert_eq!((owner["JoinTime"].clone(), owner["Role"].clone()), (json!(1_500_000_000), json!("Owner")));
        assert!(list["MemberList"].as_array().unwrap().iter().all(|it| it["Member_Account"] != "ben"));
    };
    check(admin.clone()).await;
    // Nothing happened in the group: the first message ann's device gets is the one sent now,
    // not a tips message of the import.
    let (ann, mut ann_events) = app.client("ann").await;
    owner.send_text("old-club", ConvType::GROUP, "welcome back", false).await.unwrap();
    let first = tincan_testkit::wait_for(&mut ann_events, WAIT, |event| match event {
        tincan_sdk::Event::Message(push) => Some(push.message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(first.message_elem_array[0].text_content(), Some("welcome back"));
    drop((owner, ann, owner_events));
    let app = app.restart().await;
    check(app.admin()).await;
}

#[tokio::test]
async fn a_banned_user_is_removed_and_cannot_come_back_until_unbanned() {
    // Goal: ban_group_member removes a member of an AVChatRoom (which cannot otherwise be
    // removed) and keeps it and a non-member out, through a restart; the owner cannot be banned;
    // get_group_ban_member lists the bans and unban_group_member lifts them.
    let app = spawn_app().await;
    let admin = app.admin();
    admin
        .call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": ["owner", "ann", "ben", "carl"]}))
        .await
        .unwrap();
    admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "owner", "Type": "AVChatRoom", "GroupId": "live", "Name": "Live"}),
        )
        .await
        .unwrap();
    let (ann, mut ann_events) = app.client("ann").await;
    let (ben, _b) = app.client("ben").await;
    ann.join_group_saying("live", "").await.unwrap();
    ben.join_group_saying("live", "").await.unwrap();

    let ban = |members: Value| json!({"GroupId": "live", "Members_Account": members, "Duration": 3600, "Description": "spam"});
    let answer = admin
        .call_raw("group_open_http_svc", "ban_group_member", &ban(json!(["ann", "owner"])).to_string())
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 10007, "the owner cannot be banned, and nobody is: {answer}");
    admin.call("group_open_http_svc", "ban_group_member", &ban(json!(["ann", "carl"]))).await.unwrap();
    let removed = tincan_testkit::wait_for(&mut ann_events, WAIT, |event| match event {
        tincan_sdk::Event::Group(push) if push.event == "removed" => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!(removed.group_id, "live");
    let members =
        admin.call("group_open_http_svc", "get_group_member_info", &json!({"GroupId": "live"})).await.unwrap();
    let names: Vec<&str> =
        members["MemberList"].as_array().unwrap().iter().map(|it| it["Member_Account"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["owner", "ben"]);
    let err = ann.join_group_saying("live", "").await.unwrap_err();
    assert_eq!(err.code, tincan_proto::ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    assert!(err.desc.contains("banned"), "{}", err.desc);
    let (carl, _c) = app.client("carl").await;
    assert_eq!(
        carl.join_group_saying("live", "").await.unwrap_err().code,
        tincan_proto::ErrorCode::GROUP_PERMISSION_DENIED
    );

    let list = admin.call("group_open_http_svc", "get_group_ban_member", &json!({"GroupId": "live"})).await.unwrap();
    let banned: Vec<&str> =
        list["BannedAccountList"].as_array().unwrap().iter().map(|it| it["Member_Account"].as_str().unwrap()).collect();
    assert_eq!(banned, vec!["ann", "carl"]);
    let left = list["BannedAccountList"][0]["Remainder"].as_u64().unwrap();
    assert!(left > 0 && left <= 3600, "{list}");
    let page = admin
        .call("group_open_http_svc", "get_group_ban_member", &json!({"GroupId": "live", "Limit": 1}))
        .await
        .unwrap();
    assert_eq!((page["BannedAccountList"].as_array().unwrap().len(), page["NextOffset"].clone()), (1, json!(1)));

    // The ban lasts a restart; lifting it lets ann back in.
    drop((ann, ann_events, ben, carl));
    let app = app.restart().await;
    let admin = app.admin();
    let (ann, _a) = app.client("ann").await;
    assert_eq!(
        ann.join_group_saying("live", "").await.unwrap_err().code,
        tincan_proto::ErrorCode::GROUP_PERMISSION_DENIED
    );
    admin
        .call("group_open_http_svc", "unban_group_member", &json!({"GroupId": "live", "Members_Account": ["ann"]}))
        .await
        .unwrap();
    ann.join_group_saying("live", "").await.unwrap();
    let list = admin.call("group_open_http_svc", "get_group_ban_member", &json!({"GroupId": "live"})).await.unwrap();
    assert_eq!(
        list["BannedAccountList"],
        json!([{"Member_Account": "carl", "Remainder": list["BannedAccountList"][0]["Remainder"]}])
    );
}

#[tokio::test]
async fn a_group_system_notification_reaches_the_members_named_online_and_is_not_stored() {
    use tincan_proto::api::get_message_list;
    use tincan_testkit::wait_for;

    use crate::helpers::{message_of, settle};

    let app = spawn_app().await;
    let admin = app.admin();
    let (owner, mut owner_events) = app.client("owner").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (_carol, mut carol_events) = app.client("carol").await;
    let (_dan, mut dan_events) = app.client("dan").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["bob", "carol"]).await;
    for events in [&mut owner_events, &mut bob_events, &mut carol_events] {
        settle(events, std::time::Duration::from_millis(200)).await;
    }

    let answer = admin
        .call(
            "group_open_http_svc",
            "send_group_system_notification",
            &json!({"GroupId": group_id, "ToMembers_Account": ["bob", "dan"], "Content": "maintenance at 22:00"}),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    let got = wait_for(&mut bob_events, WAIT, message_of).await.message;
    assert_eq!(got.message_conv_id, group_id);
    assert!(got.message_is_online_msg);
    assert_eq!((got.message_seq, got.message_sender.as_str()), (0, "@TIM#SYSTEM"));
    let elem = &got.message_elem_array[0].0;
    assert_eq!(elem["elem_type"], 8);
    assert_eq!(elem["group_report_elem_report_type"], 16);
    assert_eq!(elem["group_report_elem_group_id"], group_id.as_str());
    assert_eq!(elem["group_report_elem_op_user"], "administrator");
    assert_eq!(elem["group_report_elem_user_data"], "maintenance at 22:00");
    // Carol was not named, and Dan is not a member.
    for events in [&mut carol_events, &mut dan_events, &mut owner_events] {
        let seen = settle(events, std::time::Duration::from_millis(300)).await;
        assert!(seen.iter().all(|event| message_of(event).is_none()), "{seen:?}");
    }

    // To every member when no one is named.
    admin
        .call("group_open_http_svc", "send_group_system_notification", &json!({"GroupId": group_id, "Content": "all"}))
        .await
        .unwrap();
    for events in [&mut owner_events, &mut bob_events, &mut carol_events] {
        let got = wait_for(events, WAIT, message_of).await.message;
        assert_eq!(got.message_elem_array[0].0["group_report_elem_user_data"], "all");
    }
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    let history = bob.get_message_list(&group_id, ConvType::GROUP, params).await.unwrap();
    assert!(history.iter().all(|message| message.message_elem_array[0].0["elem_type"] != 8), "not stored");
    assert_eq!(bob.total_unread().await.unwrap(), 0);

    let call = |body: Value| {
        let admin = admin.clone();
        async move {
            admin.call_raw("group_open_http_svc", "send_group_system_notification", &body.to_string()).await.unwrap()
        }
    };
    let answer = call(json!({"GroupId": group_id, "Content": ""})).await;
    assert_eq!(answer["ErrorCode"], 10004, "{answer}");
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("Content"), "{answer}");
    let answer = call(json!({"GroupId": "nope", "Content": "x"})).await;
    assert_eq!(answer["ErrorCode"], 10010, "{answer}");
    let live = create_group(&owner, GroupType::AV_CHAT_ROOM, &[]).await;
    let answer = call(json!({"GroupId": live, "ToMembers_Account": ["owner"], "Content": "x"})).await;
    assert_eq!(answer["ErrorCode"], 10004, "{answer}");
    assert!(answer["ErrorInfo"].as_str().unwrap().contains("AVChatRoom"), "{answer}");
}
