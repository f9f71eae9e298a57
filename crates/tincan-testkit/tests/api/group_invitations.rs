//! A group's invite option (TIM's approve option, REST `InviteJoinOption`): invitations that
//! take effect at once, that wait for the owner or an admin, or that are refused, through the
//! SDK and the REST API, with what every member sees and TIM's codes for what is refused.

use serde_json::json;
use tincan_core::group::{ADD_OPTION_ANY, ADD_OPTION_AUTH, ADD_OPTION_FORBID};
use tincan_proto::ErrorCode;
use tincan_proto::api::handle_group_pendency::{PENDENCY_INVITE_JOIN, PENDENCY_REQUEST_JOIN, PendencyRef};
use tincan_proto::api::{create_group, modify_group_info};
use tincan_proto::enums::{ConvType, ElemType, GroupType, HandleMemberResult};
use tincan_sdk::{Client, Event, Events};
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, app_with_webhooks, create_group, group, settle, user};

async fn set_invite_option(client: &Client, group_id: &str, option: u32) -> Result<(), tincan_proto::ApiError> {
    let change = modify_group_info::Request {
        group_modify_info_param_approve_option: Some(option),
        ..modify_group_info::Request::new(group(group_id), modify_group_info::FLAG_APPROVE_OPTION)
    };
    client.modify_group_info(change).await
}

async fn invite_option(client: &Client, group_id: &str) -> u32 {
    client.group_info(&[group_id]).await.unwrap()[0]
        .get_groups_info_result_info
        .as_ref()
        .expect("the group is readable")
        .group_detail_info_approve_option
}

/// The next `group` push named `event` that `events` receives.
async fn next_group_push(events: &mut Events, event: &str) -> tincan_proto::push::GroupPush {
    wait_for(events, WAIT, |pushed| match pushed {
        Event::Group(push) if push.event == event => Some(push.clone()),
        _ => None,
    })
    .await
}

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

fn results(answer: &[tincan_proto::objects::GroupInviteMemberResult]) -> Vec<(&str, HandleMemberResult)> {
    answer
        .iter()
        .map(|result| (result.group_invite_member_result_identifier.as_str(), result.group_invite_member_result_result))
        .collect()
}

#[tokio::test]
async fn a_need_permission_group_holds_a_members_invitation_until_an_admin_decides() {
    let app = spawn_app().await;
    let (owner, mut owner_events) = app.client("owner").await;
    let (ann, mut ann_events) = app.client("ann").await;
    let (ben, mut ben_events) = app.client("ben").await;
    let (carl, _c) = app.client("carl").await;
    let (dora, _d) = app.client("dora").await;
    let group_id = create_group(&owner, GroupType::WORK, &["ann"]).await;
    assert_eq!(invite_option(&owner, &group_id).await, ADD_OPTION_ANY, "invitations take effect by default");
    set_invite_option(&owner, &group_id, ADD_OPTION_AUTH).await.unwrap();
    let tip = next_tip(&mut ann_events, 6).await;
    let change = &tip["group_tips_elem_group_change_info_array"][0];
    assert_eq!(change["group_tips_group_change_info_flag"], 12, "kTIMGroupTipChangeFlag_GroupApproveOpt: {tip}");
    assert_eq!(change["group_tips_group_change_info_int_value"], ADD_OPTION_AUTH);
    assert_eq!(invite_option(&ann, &group_id).await, ADD_OPTION_AUTH);

    // ann, an ordinary member, invites: nobody joins yet, and the owner is told who invited whom.
    let answer = ann.invite_members(&group_id, &["ben", "carl", "owner"]).await.unwrap();
    assert_eq!(
        results(&answer),
        vec![
            ("ben", HandleMemberResult::INVITED),
            ("carl", HandleMemberResult::INVITED),
            ("owner", HandleMemberResult::ALREADY_MEMBER)
        ]
    );
    let told = next_group_push(&mut owner_events, "invite_requested").await;
    assert_eq!((told.operator.as_str(), told.members.clone()), ("ann", vec!["ben".to_owned(), "carl".to_owned()]));
    assert_eq!(told.member_count, 2);
    assert_eq!(
        ben.send_text(&group_id, ConvType::GROUP, "in?", false).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED,
        "an invitee waiting for approval is not a member"
    );
    let list = owner.group_pendencies(0, 0).await.unwrap();
    let mut pending: Vec<(String, String, u32)> = list
        .group_pendency_result_pendency_array
        .iter()
        .map(|it| {
            (
                it.group_pendency_form_identifier.clone(),
                it.group_pendency_to_identifier.clone(),
                it.group_pendency_pendency_type,
            )
        })
        .collect();
    pending.sort();
    assert_eq!(
        pending,
        vec![
            ("ann".to_owned(), "ben".to_owned(), PENDENCY_INVITE_JOIN),
            ("ann".to_owned(), "carl".to_owned(), PENDENCY_INVITE_JOIN)
        ]
    );
    assert_eq!(list.group_pendency_result_unread_num, 2);
    assert!(
        ann.group_pendencies(0, 0).await.unwrap().group_pendency_result_pendency_array.is_empty(),
        "an ordinary member neither sees nor decides invitations"
    );
    assert_eq!(
        ann.handle_group_invitation(&group_id, "ann", "ben", true).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    // An invitation is not a request to join, and names its invitee.
    assert_eq!(
        owner.handle_group_pendency(&group_id, "ben", true).await.unwrap_err().code,
        ErrorCode::GROUP_INVALID_PARAMETERS
    );
    let without_invitee = PendencyRef {
        group_pendency_to_identifier: None,
        ..PendencyRef::invitation(group(&group_id), user("ann"), user("ben"))
    };
    let refused = owner.handle_pendency(without_invitee, true).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::GROUP_INVALID_PARAMETERS);
    assert!(refused.desc.contains("group_pendency_to_identifier"), "{}", refused.desc);
    let odd_type = PendencyRef {
        group_pendency_pendency_type: 2,
        ..PendencyRef::invitation(group(&group_id), user("ann"), user("ben"))
    };
    assert_eq!(owner.handle_pendency(odd_type, true).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
    assert_eq!(
        owner.handle_group_invitation(&group_id, "ann", "dora", true).await.unwrap_err().code,
        ErrorCode::GROUP_INVALID_PARAMETERS,
        "dora was never invited"
    );

    // The owner approves ben: he joins as ann's invitation, and every member reads that ann
    // added him.
    owner.handle_group_invitation(&group_id, "ann", "ben", true).await.unwrap();
    let joined = next_group_push(&mut ben_events, "joined").await;
    assert_eq!(joined.operator, "ann");
    let tip = next_tip(&mut ann_events, 1).await;
    assert_eq!(tip["group_tips_elem_op_user"], "ann", "{tip}");
    assert_eq!(tip["group_tips_elem_user_array"], json!(["ben"]));
    assert_eq!(tip["group_tips_elem_member_num"], 3);
    ben.send_text(&group_id, ConvType::GROUP, "thanks", false).await.unwrap();
    assert_eq!(
        owner.handle_group_invitation(&group_id, "ann", "ben", true).await.unwrap_err().code,
        ErrorCode::GROUP_INVALID_PARAMETERS,
        "a handled invitation is gone"
    );

    // carl's invitation waits through a restart, then is refused: ann, who invited, is told.
    drop((owner, ann, ben, carl, dora, owner_events, ann_events, ben_events));
    let app = app.restart().await;
    let (owner, _o) = app.client("owner").await;
    let (_ann, mut ann_events) = app.client("ann").await;
    let (carl, mut carl_events) = app.client("carl").await;
    assert_eq!(invite_option(&owner, &group_id).await, ADD_OPTION_AUTH, "the option lasts a restart");
    let list = owner.group_pendencies(0, 0).await.unwrap();
    assert_eq!(list.group_pendency_result_pendency_array.len(), 1);
    assert_eq!(list.group_pendency_result_pendency_array[0].group_pendency_to_identifier, "carl");
    owner.handle_group_invitation(&group_id, "ann", "carl", false).await.unwrap();
    let refused = next_group_push(&mut ann_events, "invite_refused").await;
    assert_eq!((refused.operator.as_str(), refused.members.clone()), ("owner", vec!["carl".to_owned()]));
    assert!(
        settle(&mut carl_events, std::time::Duration::from_millis(300))
            .await
            .iter()
            .all(|event| !matches!(event, Event::Group(_))),
        "the invitee of a refused invitation is told nothing"
    );
    assert!(owner.group_pendencies(0, 0).await.unwrap().group_pendency_result_pendency_array.is_empty());
    assert_eq!(
        carl.send_text(&group_id, ConvType::GROUP, "x", false).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );

    // The owner's own invitations need no approval.
    let answer = owner.invite_members(&group_id, &["carl"]).await.unwrap();
    assert_eq!(results(&answer), vec![("carl", HandleMemberResult::SUCCEEDED)]);
    carl.send_text(&group_id, ConvType::GROUP, "in", false).await.unwrap();
}

#[tokio::test]
async fn an_invitation_and_a_request_to_join_of_one_user_are_one_pending_entry() {
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (ann, _a) = app.client("ann").await;
    let (ben, mut ben_events) = app.client("ben").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["ann"]).await;
    let auth = modify_group_info::Request {
        group_modify_info_param_add_option: Some(ADD_OPTION_AUTH),
        group_modify_info_param_approve_option: Some(ADD_OPTION_AUTH),
        ..modify_group_info::Request::new(
            group(&group_id),
            modify_group_info::FLAG_ADD_OPTION | modify_group_info::FLAG_APPROVE_OPTION,
        )
    };
    owner.modify_group_info(auth).await.unwrap();
    // In a Public group only the owner and admins invite, whatever the option says.
    assert_eq!(ann.invite_members(&group_id, &["ben"]).await.unwrap_err().code, ErrorCode::GROUP_PERMISSION_DENIED);
    ben.join_group_saying(&group_id, "let me in").await.unwrap();
    let list = owner.group_pendencies(0, 0).await.unwrap();
    assert_eq!(list.group_pendency_result_pendency_array.len(), 1);
    assert_eq!(list.group_pendency_result_pendency_array[0].group_pendency_pendency_type, PENDENCY_REQUEST_JOIN);
    // The owner's invitation is not held: ben joins, and his request is answered by it.
    owner.invite_members(&group_id, &["ben"]).await.unwrap();
    next_group_push(&mut ben_events, "joined").await;
    ben.send_text(&group_id, ConvType::GROUP, "in", false).await.unwrap();
    assert!(
        owner.group_pendencies(0, 0).await.unwrap().group_pendency_result_pendency_array.is_empty(),
        "the request is answered by the join"
    );
    // After a restart too: the stored request went with it.
    drop((owner, ann, ben, ben_events));
    let app = app.restart().await;
    let (owner, _o) = app.client("owner").await;
    assert!(owner.group_pendencies(0, 0).await.unwrap().group_pendency_result_pendency_array.is_empty());
}

#[tokio::test]
async fn disable_invite_refuses_every_client_invitation_but_not_the_administrators() {
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (ann, _a) = app.client("ann").await;
    let (_ben, _b) = app.client("ben").await;
    let params = create_group::Request {
        create_group_param_group_name: "closed".to_owned(),
        create_group_param_group_type: GroupType::WORK,
        create_group_param_group_member_array: vec![create_group::InitialMember::new(
            user("ann"),
            tincan_proto::enums::MemberRole::NORMAL,
        )],
        create_group_param_approve_option: Some(ADD_OPTION_FORBID),
        ..Default::default()
    };
    let group_id = owner.create_group(params).await.unwrap();
    assert_eq!(invite_option(&ann, &group_id).await, ADD_OPTION_FORBID);
    for client in [&owner, &ann] {
        let refused = client.invite_members(&group_id, &["ben"]).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::GROUP_PERMISSION_DENIED);
        assert!(refused.desc.contains("DisableInvite"), "{}", refused.desc);
    }
    assert!(owner.group_pendencies(0, 0).await.unwrap().group_pendency_result_pendency_array.is_empty());
    // The app's administrator adds members whatever the option.
    let answer = app
        .admin()
        .call(
            "group_open_http_svc",
            "add_group_member",
            &json!({"GroupId": group_id, "MemberList": [{"Member_Account": "ben"}]}),
        )
        .await
        .unwrap();
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    assert_eq!(answer["MemberList"][0]["Result"], 1, "{answer}");
}

#[tokio::test]
async fn the_invite_option_is_checked_and_a_refused_change_changes_nothing() {
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (ann, _a) = app.client("ann").await;
    let work = create_group(&owner, GroupType::WORK, &["ann"]).await;
    let refused = set_invite_option(&owner, &work, 3).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::GROUP_INVALID_PARAMETERS);
    assert!(refused.desc.contains("invite option 3"), "{}", refused.desc);
    // Only the owner and admins change it, in a Work group too.
    assert_eq!(
        set_invite_option(&ann, &work, ADD_OPTION_AUTH).await.unwrap_err().code,
        ErrorCode::GROUP_PERMISSION_DENIED
    );
    // The flag without the value is refused, naming the key.
    let missing = modify_group_info::Request::new(group(&work), modify_group_info::FLAG_APPROVE_OPTION);
    let refused = owner.modify_group_info(missing).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::INVALID_PARAMETERS);
    assert!(refused.desc.contains("group_modify_info_param_approve_option"), "{}", refused.desc);
    // A change refused for one field changes no other.
    let mixed = modify_group_info::Request {
        group_modify_info_param_group_name: Some("renamed".to_owned()),
        group_modify_info_param_approve_option: Some(9),
        ..modify_group_info::Request::new(
            group(&work),
            modify_group_info::FLAG_NAME | modify_group_info::FLAG_APPROVE_OPTION,
        )
    };
    assert_eq!(owner.modify_group_info(mixed).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
    let detail = owner.group_info(&[&work]).await.unwrap()[0].get_groups_info_result_info.clone().unwrap();
    assert_eq!(
        (detail.group_detail_info_group_name.as_str(), detail.group_detail_info_approve_option),
        ("test group", ADD_OPTION_ANY)
    );
    // An AVChatRoom takes no invitations, so it has no option to set.
    let room = create_group(&owner, GroupType::AV_CHAT_ROOM, &[]).await;
    assert_eq!(
        set_invite_option(&owner, &room, ADD_OPTION_AUTH).await.unwrap_err().code,
        ErrorCode::GROUP_INVALID_PARAMETERS
    );
    let params = create_group::Request {
        create_group_param_group_name: "room".to_owned(),
        create_group_param_group_type: GroupType::AV_CHAT_ROOM,
        create_group_param_approve_option: Some(ADD_OPTION_FORBID),
        ..Default::default()
    };
    assert_eq!(owner.create_group(params).await.unwrap_err().code, ErrorCode::GROUP_INVALID_PARAMETERS);
}

#[tokio::test]
async fn rest_sets_and_reads_invite_join_option() {
    let app = spawn_app().await;
    let (_owner, _o) = app.client("owner").await;
    let admin = app.admin();
    let created = admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "owner", "Type": "Private", "GroupId": "crew", "Name": "Crew", "InviteJoinOption": "NeedPermission"}),
        )
        .await
        .unwrap();
    assert_eq!(created["ErrorCode"], 0, "{created}");
    let info = |answer: &serde_json::Value| answer["GroupInfo"][0]["InviteJoinOption"].clone();
    let read = admin.call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": ["crew"]})).await.unwrap();
    assert_eq!(info(&read), "NeedPermission", "{read}");
    let changed = admin
        .call(
            "group_open_http_svc",
            "modify_group_base_info",
            &json!({"GroupId": "crew", "InviteJoinOption": "DisableInvite"}),
        )
        .await
        .unwrap();
    assert_eq!(changed["ErrorCode"], 0, "{changed}");
    let read = admin.call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": ["crew"]})).await.unwrap();
    assert_eq!(info(&read), "DisableInvite", "{read}");
    let refused = admin
        .call(
            "group_open_http_svc",
            "modify_group_base_info",
            &json!({"GroupId": "crew", "InviteJoinOption": "Sometimes"}),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::GROUP_INVALID_PARAMETERS);
    assert!(refused.desc.contains("InviteJoinOption"), "{}", refused.desc);
    let read = admin.call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": ["crew"]})).await.unwrap();
    assert_eq!(info(&read), "DisableInvite", "a refused change changes nothing: {read}");
    let refused = admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "owner", "Type": "Public", "Name": "x", "InviteJoinOption": "Never"}),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::GROUP_INVALID_PARAMETERS);
}

#[tokio::test]
async fn an_approved_invitation_reports_the_new_member_as_invited() {
    let (app, mut receiver) = app_with_webhooks(&["Group.CallbackAfterNewMemberJoin"]).await;
    let (owner, _o) = app.client("owner").await;
    let (ann, _a) = app.client("ann").await;
    let (_ben, _b) = app.client("ben").await;
    let group_id = create_group(&owner, GroupType::WORK, &["ann"]).await;
    set_invite_option(&owner, &group_id, ADD_OPTION_AUTH).await.unwrap();
    ann.invite_members(&group_id, &["ben"]).await.unwrap();
    owner.handle_group_invitation(&group_id, "ann", "ben", true).await.unwrap();
    let joined = receiver.next("Group.CallbackAfterNewMemberJoin", WAIT).await.body;
    assert_eq!(joined["GroupId"], group_id.as_str());
    assert_eq!(joined["JoinType"], "Invited");
    assert_eq!(joined["Operator_Account"], "ann");
    assert_eq!(joined["NewMemberList"], json!([{"Member_Account": "ben"}]));
}
