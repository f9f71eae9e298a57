//! Groups: create and dismiss, invite, remove, quit, join, info and member lists, with TIM's
//! types, roles, caps and permissions.

use tincan_proto::ErrorCode;
use tincan_proto::api::create_group;
use tincan_proto::enums::{ConvType, GroupType, HandleMemberResult, MemberRole};
use tincan_sdk::Event;
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, create_group, group, user};

#[tokio::test]
async fn group_lifecycle_with_membership_changes() {
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (carol, _c) = app.client("carol").await;
    let (_dave, _d) = app.client("dave").await;
    // Create with a custom ID, one initial member; the owner is a member with the owner role.
    let params = create_group::Request {
        create_group_param_group_name: "team".to_owned(),
        create_group_param_group_id: Some(group("team-1")),
        create_group_param_group_type: GroupType::PUBLIC,
        create_group_param_group_member_array: vec![create_group::InitialMember::new(user("bob"), MemberRole::ADMIN)],
        ..Default::default()
    };
    assert_eq!(owner.create_group(params.clone()).await.unwrap(), "team-1");
    let err = owner.create_group(params).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_ID_IN_USE, "{}", err.desc);
    let created = wait_for(&mut bob_events, WAIT, |event| match event {
        Event::Group(push) if push.event == "created" => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!((created.group_id.as_str(), created.member_count), ("team-1", 2));
    let info = owner.group_info(&["team-1", "nope"]).await.unwrap();
    let detail = info[0].get_groups_info_result_info.clone().unwrap();
    assert_eq!(detail.group_detail_info_group_type, GroupType::PUBLIC);
    assert_eq!(detail.group_detail_info_member_num, 2);
    assert_eq!(detail.group_detail_info_owner_identifier, "owner");
    assert_eq!(detail.group_detail_info_max_member_num, 2000, "Public groups cap at 2,000");
    assert_eq!(info[1].get_groups_info_result_code, ErrorCode::GROUP_NOT_FOUND.0);
    // An admin invites; unknown accounts fail alone; members already in are reported.
    let results = bob.invite_members("team-1", &["carol", "ghost", "owner"]).await.unwrap();
    let outcome: Vec<(String, HandleMemberResult)> = results
        .iter()
        .map(|it| (it.group_invite_member_result_identifier.clone(), it.group_invite_member_result_result))
        .collect();
    assert_eq!(
        outcome,
        vec![
            ("carol".to_owned(), HandleMemberResult::SUCCEEDED),
            ("ghost".to_owned(), HandleMemberResult::FAILED),
            ("owner".to_owned(), HandleMemberResult::ALREADY_MEMBER)
        ]
    );
    // Existing members learn of the join from a group tips message.
    let tips = wait_for(&mut bob_events, WAIT, |event| match event {
        Event::Message(push)
            if push.message.message_elem_array[0].elem_type() == Some(tincan_proto::enums::ElemType::GROUP_TIPS) =>
        {
            Some(push.message.clone())
        }
        _ => None,
    })
    .await;
    let elem = &tips.message_elem_array[0].0;
    assert_eq!(elem["group_tips_elem_tip_type"], 1);
    assert_eq!(elem["group_tips_elem_user_array"], serde_json::json!(["carol"]));
    assert_eq!(elem["group_tips_elem_op_user"], "bob");
    assert!(tips.message_is_excluded_from_unread_count);
    assert_eq!(bob.total_unread().await.unwrap(), 0, "tips never count as unread");
    // A normal member may not invite in a Public group.
    let err = carol.invite_members("team-1", &["dave"]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED);
    // Anyone may join a Public group by themselves (add option Any by default).
    let (dave, _d2) = app.client("dave").await;
    dave.join_group("team-1").await.unwrap();
    assert_eq!(dave.join_group("team-1").await.unwrap_err().code, ErrorCode::GROUP_ALREADY_MEMBER);
    // Members page in join order with their roles.
    let page = carol.group_members("team-1", 0).await.unwrap();
    let members: Vec<(String, MemberRole)> = page
        .group_get_member_info_list_result_info_array
        .iter()
        .map(|member| (member.group_member_info_identifier.clone(), member.group_member_info_member_role))
        .collect();
    assert_eq!(
        members,
        vec![
            ("owner".to_owned(), MemberRole::OWNER),
            ("bob".to_owned(), MemberRole::ADMIN),
            ("carol".to_owned(), MemberRole::NORMAL),
            ("dave".to_owned(), MemberRole::NORMAL)
        ]
    );
    assert_eq!(page.group_get_member_info_list_result_next_seq, 0);
    // The admin removes a normal member but not the owner; the owner cannot quit.
    let results = bob.delete_members("team-1", &["dave", "owner"]).await.unwrap();
    assert_eq!(results[0].group_delete_member_result_result, HandleMemberResult::SUCCEEDED);
    assert_eq!(results[1].group_delete_member_result_result, HandleMemberResult::FAILED);
    assert_eq!(owner.quit_group("team-1").await.unwrap_err().code, ErrorCode::GROUP_OWNER_CANNOT_QUIT);
    carol.quit_group("team-1").await.unwrap();
    assert_eq!(
        carol.send_text("team-1", ConvType::GROUP, "x", false).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    let joined: Vec<String> =
        bob.joined_groups().await.unwrap().iter().map(|group| group.group_base_info_group_id.clone()).collect();
    assert_eq!(joined, vec!["team-1"]);
    // Only the owner dismisses; then the group is gone for everyone.
    assert_eq!(bob.delete_group("team-1").await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    owner.delete_group("team-1").await.unwrap();
    wait_for(&mut bob_events, WAIT, |event| match event {
        Event::Group(push) if push.event == "dismissed" => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(
        bob.send_text("team-1", ConvType::GROUP, "x", false).await.unwrap_err().code,
        ErrorCode::GROUP_NOT_FOUND
    );
    assert!(bob.joined_groups().await.unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn each_member_a_change_concerns_is_told_of_itself_and_the_operator_of_them_all() {
    // Goal: the `group` event of a member added with others names that member alone (the
    // others are in the group's tips message, stored once), so that a change to many members
    // does not store every name in every one of their streams; the operator's own other
    // devices get the whole list.
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (_owner_elsewhere, mut owner_events) = app.client("owner").await;
    let (_bob, mut bob_events) = app.client("bob").await;
    let (_carol, mut carol_events) = app.client("carol").await;
    let (_dave, mut dave_events) = app.client("dave").await;
    let (_erin, _e) = app.client("erin").await;
    let group_id = create_group(&owner, GroupType::WORK, &["bob", "carol"]).await;
    let told = |event: &str| {
        let event = event.to_owned();
        move |pushed: &Event| match pushed {
            Event::Group(push) if push.event == event => Some((push.members.clone(), push.member_count)),
            _ => None,
        }
    };
    let names = |list: &[&str]| list.iter().map(|it| (*it).to_owned()).collect::<Vec<String>>();
    assert_eq!(wait_for(&mut bob_events, WAIT, told("created")).await, (names(&["bob"]), 3));
    assert_eq!(wait_for(&mut carol_events, WAIT, told("created")).await, (names(&["carol"]), 3));
    assert_eq!(wait_for(&mut owner_events, WAIT, told("created")).await, (names(&["bob", "carol"]), 3));
    owner.invite_members(&group_id, &["dave", "erin"]).await.unwrap();
    assert_eq!(wait_for(&mut dave_events, WAIT, told("joined")).await, (names(&["dave"]), 5));
    app.stop().await;
}

#[tokio::test]
async fn group_types_follow_tims_rules() {
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (member, _m) = app.client("member").await;
    let (outsider, _x) = app.client("outsider").await;
    // Work: any member invites, nobody joins by themselves, the owner may quit (ownership passes).
    let work = create_group(&owner, GroupType::WORK, &["member"]).await;
    assert!(work.starts_with("@TGS#"), "server-assigned IDs look like TIM's: {work}");
    assert_eq!(
        member.invite_members(&work, &["outsider"]).await.unwrap()[0].group_invite_member_result_result,
        HandleMemberResult::SUCCEEDED
    );
    assert_eq!(outsider.quit_group(&work).await.map(|()| 0).unwrap_or(1), 0);
    assert_eq!(outsider.join_group(&work).await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    owner.quit_group(&work).await.unwrap();
    let info = member.group_info(&[&work]).await.unwrap();
    assert_eq!(info[0].get_groups_info_result_info.as_ref().unwrap().group_detail_info_owner_identifier, "member");
    // AVChatRoom takes no invitations.
    let room = create_group(&owner, GroupType::AV_CHAT_ROOM, &[]).await;
    assert_eq!(owner.invite_members(&room, &["member"]).await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    member.join_group(&room).await.unwrap();
    // Community custom IDs need TIM's prefix; other types may not use it.
    let community = |id: &str, group_type: GroupType| create_group::Request {
        create_group_param_group_name: "c".to_owned(),
        create_group_param_group_id: (!id.is_empty()).then(|| group(id)),
        create_group_param_group_type: group_type,
        ..Default::default()
    };
    assert_eq!(
        owner.create_group(community("plain", GroupType::COMMUNITY)).await.unwrap_err().code,
        ErrorCode::GROUP_INVALID_ID
    );
    assert_eq!(owner.create_group(community("@TGS#_c1", GroupType::COMMUNITY)).await.unwrap(), "@TGS#_c1");
    assert_eq!(
        owner.create_group(community("@TGS#x", GroupType::WORK)).await.unwrap_err().code,
        ErrorCode::GROUP_INVALID_ID
    );
    assert_eq!(
        owner.create_group(community("g", GroupType(3))).await.unwrap_err().code,
        ErrorCode::GROUP_INVALID_PARAMETERS
    );
    let nameless = create_group::Request { create_group_param_group_type: GroupType::WORK, ..Default::default() };
    assert_eq!(owner.create_group(nameless).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
    // Caps: a Work group holds 200.
    let mut capped = community("", GroupType::WORK);
    capped.create_group_param_max_member_num = 2;
    capped.create_group_param_group_name = "small".to_owned();
    let small = owner.create_group(capped).await.unwrap();
    owner.invite_members(&small, &["member"]).await.unwrap();
    assert_eq!(owner.invite_members(&small, &["outsider"]).await.unwrap_err().code, ErrorCode::GROUP_FULL);
    let mut too_big = community("", GroupType::WORK);
    too_big.create_group_param_group_name = "big".to_owned();
    too_big.create_group_param_max_member_num = 201;
    assert_eq!(owner.create_group(too_big).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
    app.stop().await;
}

#[tokio::test]
async fn a_dismissed_groups_id_can_be_taken_again_and_nothing_of_the_old_group_shows() {
    // Goal: creating a group under the ID of a dismissed one makes a new, empty group (it used
    // to fail to store, and then the server refused every change until a restart).
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    let params = |members: &[&str]| create_group::Request {
        create_group_param_group_id: Some(group("team2")),
        create_group_param_group_name: "team".to_owned(),
        create_group_param_group_type: GroupType::PUBLIC,
        create_group_param_group_member_array: members
            .iter()
            .map(|name| create_group::InitialMember::new(user(name), MemberRole::NORMAL))
            .collect(),
        ..Default::default()
    };
    alice.create_group(params(&["bob"])).await.unwrap();
    alice.send_text("team2", ConvType::GROUP, "old", true).await.unwrap();
    alice.delete_group("team2").await.unwrap();
    // The same ID again, by another owner, with other members.
    bob.create_group(params(&[])).await.expect("the dismissed group's ID is free");
    let history = bob.get_message_list("team2", ConvType::GROUP, Default::default()).await.unwrap();
    assert!(history.iter().all(|message| crate::helpers::text_of(message) != "old"), "the old messages are gone");
    let sent = bob.send_text("team2", ConvType::GROUP, "new", true).await.unwrap();
    assert_eq!(sent.message_group_receipt_unread_count, 0, "the old members are not readers");
    let members = bob.group_members("team2", 0).await.unwrap();
    assert_eq!(members.group_get_member_info_list_result_info_array.len(), 1);
    // Writes go on for everyone, and after a restart the new group is the one loaded.
    alice.send_text("bob", ConvType::C2C, "still writing", false).await.unwrap();
    let app = app.restart().await;
    let (bob, _b) = app.client("bob").await;
    let history = bob.get_message_list("team2", ConvType::GROUP, Default::default()).await.unwrap();
    assert_eq!(history.iter().filter(|message| crate::helpers::text_of(message) == "new").count(), 1);
    app.stop().await;
}
