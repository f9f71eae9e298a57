//! Group webhooks: TIM's after-events for creating, joining, leaving, filling, changing and
//! dismissing groups, each queued with the change it reports and delivered with TIM's keys.

use serde_json::json;
use tincan_proto::api::{modify_group_info, modify_group_member_info};
use tincan_proto::enums::GroupType;
use tincan_sdk::groups::member_request;
use tincan_testkit::hooks::HookReceiver;
use tincan_testkit::spawn_app;

use crate::helpers::{WAIT, create_group, group};

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
    let app = spawn_app().await;
    let mut receiver = HookReceiver::start().await;
    app.admin()
        .call("tincan", "set_app_config", &json!({"callback_url": receiver.url, "callback_commands": GROUP_COMMANDS}))
        .await
        .unwrap();
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
