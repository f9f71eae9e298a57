//! Profiles and user status through the SDK and the REST API: changes that reach the user's
//! devices and its subscribers and survive a restart, TIM's limits and codes, the sender's
//! current profile on messages, status from connections, and the profile and state webhooks.

use std::time::Duration;

use serde_json::json;
use tincan_proto::ErrorCode;
use tincan_proto::api::get_message_list;
use tincan_proto::enums::ConvType;
use tincan_proto::profile::{
    CustomString, ProfileChange, STATUS_OFFLINE, STATUS_ONLINE, STATUS_UNLOGINED, UserProfile, UserStatus,
};
use tincan_sdk::{Event, Events};
use tincan_testkit::hooks::HookReceiver;
use tincan_testkit::{drain, spawn_app, wait_for};

use crate::helpers::{WAIT, message_of};

fn self_profile_of(event: &Event) -> Option<UserProfile> {
    match event {
        Event::SelfProfileChanged(profile) => Some(profile.clone()),
        _ => None,
    }
}

fn profile_of(event: &Event) -> Option<UserProfile> {
    match event {
        Event::ProfileChanged(profile) => Some(profile.clone()),
        _ => None,
    }
}

fn statuses_of(event: &Event) -> Option<Vec<UserStatus>> {
    match event {
        Event::UserStatusChanged(statuses) => Some(statuses.clone()),
        _ => None,
    }
}

/// Waits for a status push about `user` with status `kind`.
async fn status_push(events: &mut Events, user: &str, kind: u32) -> UserStatus {
    wait_for(events, WAIT, |event| {
        statuses_of(event)?
            .into_iter()
            .find(|status| status.user_status_identifier == user && status.user_status_status_type == kind)
    })
    .await
}

fn custom(key: &str, value: &str) -> CustomString {
    CustomString {
        user_profile_custom_string_info_key: key.to_owned(),
        user_profile_custom_string_info_value: value.to_owned(),
    }
}

#[tokio::test]
async fn a_profile_change_reaches_the_users_devices_and_subscribers_and_outlasts_a_restart() {
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (_alice_phone, mut phone_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (_carol, mut carol_events) = app.client("carol").await;
    bob.subscribe_user_info(&["alice"]).await.unwrap();

    let change = ProfileChange {
        user_profile_item_nick_name: Some("Alice A.".to_owned()),
        user_profile_item_face_url: Some("https://example.com/alice.png".to_owned()),
        user_profile_item_gender: Some(2),
        user_profile_item_location: Some("Oslo".to_owned()),
        user_profile_item_birthday: Some(20_000_101),
        user_profile_item_level: Some(7),
        user_profile_item_role: Some(3),
        user_profile_item_language: Some(1),
        user_profile_item_self_signature: Some("hello".to_owned()),
        user_profile_item_add_permission: Some(2),
        user_profile_item_custom_string_array: Some(vec![
            custom("Hobby", "chess"),
            custom("Tag_Profile_Custom_City", "Oslo"),
        ]),
    };
    alice.modify_self_profile(change).await.unwrap();

    let on_phone = wait_for(&mut phone_events, WAIT, self_profile_of).await;
    assert_eq!(on_phone.user_profile_identifier, "alice");
    assert_eq!(on_phone.user_profile_nick_name, "Alice A.");
    let keys: Vec<&str> = on_phone
        .user_profile_custom_string_array
        .iter()
        .map(|it| it.user_profile_custom_string_info_key.as_str())
        .collect();
    assert_eq!(keys, ["Tag_Profile_Custom_City", "Tag_Profile_Custom_Hobby"], "keys get their prefix, sorted");
    let at_bob = wait_for(&mut bob_events, WAIT, profile_of).await;
    assert_eq!(at_bob, on_phone, "the subscriber sees the same profile");
    assert!(
        !drain(&mut carol_events, Duration::from_millis(300)).await.iter().any(|event| profile_of(event).is_some()),
        "a user who did not subscribe is not told"
    );

    let read = bob.user_profiles(&["alice", "nobody", "bob"]).await.unwrap();
    assert_eq!(read.len(), 2, "an account that does not exist is left out");
    assert_eq!(read[0], on_phone);
    assert_eq!(read[0].user_profile_gender, 2);
    assert_eq!(read[0].user_profile_birthday, 20_000_101);
    assert_eq!(read[1].user_profile_identifier, "bob");
    assert_eq!(read[1].user_profile_nick_name, "", "a profile never set is empty");

    // A change that changes nothing is not pushed; one field changes alone.
    let same = ProfileChange { user_profile_item_nick_name: Some("Alice A.".to_owned()), ..ProfileChange::default() };
    alice.modify_self_profile(same).await.unwrap();
    let removal = ProfileChange {
        user_profile_item_custom_string_array: Some(vec![custom("City", "")]),
        ..ProfileChange::default()
    };
    alice.modify_self_profile(removal).await.unwrap();
    let next = wait_for(&mut bob_events, WAIT, profile_of).await;
    assert_eq!(next.user_profile_custom_string_array, vec![custom("Tag_Profile_Custom_Hobby", "chess")]);
    assert_eq!(next.user_profile_nick_name, "Alice A.", "a field left out keeps its value");

    // Profiles and subscriptions are stored: after a restart both are still there.
    drop((alice, bob));
    let app = app.restart().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    assert_eq!(bob.user_profiles(&["alice"]).await.unwrap()[0], next);
    let rename = ProfileChange { user_profile_item_nick_name: Some("Al".to_owned()), ..ProfileChange::default() };
    alice.modify_self_profile(rename).await.unwrap();
    assert_eq!(wait_for(&mut bob_events, WAIT, profile_of).await.user_profile_nick_name, "Al");

    // A deleted account takes its subscriptions along: a new account of the same name has none.
    let (carol, _carol_events) = app.client("carol").await;
    carol.subscribe_user_info(&["alice"]).await.unwrap();
    app.admin()
        .call("im_open_login_svc", "account_delete", &json!({"DeleteItem": [{"UserID": "carol"}]}))
        .await
        .unwrap();
    let (_carol, mut carol_events) = app.client("carol").await;

    // After unsubscribing, changes are not pushed any more.
    bob.unsubscribe_user_info(&[]).await.unwrap();
    let again = ProfileChange { user_profile_item_nick_name: Some("Alice".to_owned()), ..ProfileChange::default() };
    alice.modify_self_profile(again).await.unwrap();
    assert!(!drain(&mut bob_events, Duration::from_millis(300)).await.iter().any(|event| profile_of(event).is_some()));
    assert!(
        !drain(&mut carol_events, Duration::from_millis(100)).await.iter().any(|event| profile_of(event).is_some())
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_profile_changes_get_tims_codes_and_change_nothing() {
    let app = spawn_app().await;
    let (alice, _events) = app.client("alice").await;
    let before = alice.user_profiles(&["alice"]).await.unwrap();
    let cases: Vec<(ProfileChange, ErrorCode)> = vec![
        (
            ProfileChange { user_profile_item_nick_name: Some("n".repeat(501)), ..ProfileChange::default() },
            ErrorCode::PROFILE_SIZE_LIMIT,
        ),
        (
            ProfileChange { user_profile_item_location: Some("x".repeat(17)), ..ProfileChange::default() },
            ErrorCode::PROFILE_SIZE_LIMIT,
        ),
        (
            ProfileChange { user_profile_item_gender: Some(3), ..ProfileChange::default() },
            ErrorCode::PROFILE_VALUE_ERROR,
        ),
        (
            ProfileChange { user_profile_item_add_permission: Some(9), ..ProfileChange::default() },
            ErrorCode::PROFILE_VALUE_ERROR,
        ),
        (
            ProfileChange {
                user_profile_item_nick_name: Some("ok".to_owned()),
                user_profile_item_custom_string_array: Some(vec![custom("far-too-long", "x")]),
                ..ProfileChange::default()
            },
            ErrorCode::PROFILE_TAG_NOT_FOUND,
        ),
        (
            ProfileChange {
                user_profile_item_custom_string_array: Some(vec![custom("Big", &"v".repeat(501))]),
                ..ProfileChange::default()
            },
            ErrorCode::PROFILE_SIZE_LIMIT,
        ),
        (
            ProfileChange {
                user_profile_item_custom_string_array: Some((0..21).map(|n| custom(&format!("F{n}"), "v")).collect()),
                ..ProfileChange::default()
            },
            ErrorCode::PROFILE_SIZE_LIMIT,
        ),
    ];
    for (change, code) in cases {
        let err = alice.modify_self_profile(change.clone()).await.unwrap_err();
        assert_eq!(err.code, code, "{change:?}: {}", err.desc);
        assert!(!err.desc.is_empty());
    }
    // A key TIM's UserProfileItem does not have is named in a 6017.
    let err = alice
        .call_raw("profile_modify_self", json!({"user_profile_item_nick": "x"}).to_string(), true)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    assert!(err.desc.contains("user_profile_item_nick"), "{}", err.desc);
    assert_eq!(alice.user_profiles(&["alice"]).await.unwrap(), before, "nothing was half-written");

    let many: Vec<String> = (0..101).map(|n| format!("u{n}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(alice.user_profiles(&many).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    assert_eq!(alice.user_profiles(&["bad id\u{7f}"]).await.unwrap_err().code, ErrorCode::INVALID_IDENTIFIER);
    assert_eq!(alice.subscribe_user_info(&["nobody"]).await.unwrap_err().code, ErrorCode::PROFILE_ACCOUNT_NOT_FOUND);
    assert_eq!(alice.subscribe_user_info(&["alice"]).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    assert_eq!(alice.subscribe_user_status(&["nobody"]).await.unwrap_err().code, ErrorCode::ACCOUNT_NOT_FOUND);
    let long = "s".repeat(101);
    assert_eq!(alice.set_self_status(&long).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    app.stop().await;
}

#[tokio::test]
async fn messages_conversations_and_members_show_the_current_nick_and_face() {
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let set = |nick: &str| ProfileChange {
        user_profile_item_nick_name: Some(nick.to_owned()),
        user_profile_item_face_url: Some(format!("https://example.com/{nick}.png")),
        ..ProfileChange::default()
    };
    alice.modify_self_profile(set("Ally")).await.unwrap();
    alice.send_text("bob", ConvType::C2C, "hi", false).await.unwrap();
    let push = wait_for(&mut bob_events, WAIT, message_of).await;
    let sender = push.message.message_sender_profile.clone().expect("the push carries the sender's profile");
    assert_eq!(sender.user_profile_identifier, "alice");
    assert_eq!(sender.user_profile_nick_name, "Ally");
    assert_eq!(sender.user_profile_face_url, "https://example.com/Ally.png");

    // History and the conversation list show the sender as it is now.
    alice.modify_self_profile(set("Alicia")).await.unwrap();
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: 10, ..Default::default() };
    let history = bob.get_message_list("alice", ConvType::C2C, params).await.unwrap();
    assert_eq!(history[0].message_sender_profile.as_ref().unwrap().user_profile_nick_name, "Alicia");
    let convs = bob.conversations().await.unwrap();
    let last = convs[0].conv_last_msg.as_ref().expect("a last message");
    assert_eq!(last.message_sender_profile.as_ref().unwrap().user_profile_face_url, "https://example.com/Alicia.png");
    // A C2C conversation shows the peer's nickname and avatar; a peer without a nickname its ID.
    assert_eq!(convs[0].conv_show_name, "Alicia");
    assert_eq!(convs[0].conv_face_url, "https://example.com/Alicia.png");
    let alice_convs = alice.conversations().await.unwrap();
    assert_eq!((alice_convs[0].conv_show_name.as_str(), alice_convs[0].conv_face_url.as_str()), ("bob", ""));

    // Group members show their nickname and avatar.
    let group_id = crate::helpers::create_group(&alice, tincan_proto::enums::GroupType::WORK, &["bob"]).await;
    let members = bob.group_members(&group_id, 0).await.unwrap().group_get_member_info_list_result_info_array;
    let owner = members.iter().find(|it| it.group_member_info_identifier == "alice").expect("the owner is listed");
    assert_eq!(owner.group_member_info_nick_name, "Alicia");
    assert_eq!(owner.group_member_info_face_url, "https://example.com/Alicia.png");
    app.stop().await;
}

#[tokio::test]
async fn status_follows_connections_and_the_custom_status_clears_when_offline() {
    let app = spawn_app().await;
    let (bob, mut bob_events) = app.client("bob").await;
    app.admin().call("im_open_login_svc", "account_import", &json!({"UserID": "alice"})).await.unwrap();
    let never = bob.user_status(&["alice", "nobody"]).await.unwrap();
    assert_eq!(never.len(), 1, "an account that does not exist is left out");
    assert_eq!(never[0].user_status_status_type, STATUS_UNLOGINED, "never logged in");

    bob.subscribe_user_status(&["alice"]).await.unwrap();
    let now = wait_for(&mut bob_events, WAIT, statuses_of).await;
    assert_eq!(now[0].user_status_status_type, STATUS_UNLOGINED, "subscribing tells where the user stands now");

    let (alice, mut alice_events) = app.client("alice").await;
    status_push(&mut bob_events, "alice", STATUS_ONLINE).await;
    let (alice_phone, _phone_events) = app.client("alice").await;

    alice_phone.set_self_status("in a meeting").await.unwrap();
    let at_bob = status_push(&mut bob_events, "alice", STATUS_ONLINE).await;
    assert_eq!(at_bob.user_status_custom_status, "in a meeting");
    let at_self = status_push(&mut alice_events, "alice", STATUS_ONLINE).await;
    assert_eq!(at_self.user_status_custom_status, "in a meeting", "the user's other devices are told");
    assert_eq!(bob.user_status(&["alice"]).await.unwrap()[0].user_status_custom_status, "in a meeting");

    // One device leaving changes nothing while another is connected.
    alice_phone.close().await;
    assert_eq!(bob.user_status(&["alice"]).await.unwrap()[0].user_status_status_type, STATUS_ONLINE);
    // The last connection dropping makes the user offline and clears the custom status.
    alice.close().await;
    let offline = status_push(&mut bob_events, "alice", STATUS_OFFLINE).await;
    assert_eq!(offline.user_status_custom_status, "");
    assert_eq!(bob.user_status(&["alice"]).await.unwrap()[0].user_status_status_type, STATUS_OFFLINE);

    // A logout makes the user "not logged in".
    let (alice, _alice_events) = app.client("alice").await;
    status_push(&mut bob_events, "alice", STATUS_ONLINE).await;
    alice.logout().await.unwrap();
    status_push(&mut bob_events, "alice", STATUS_UNLOGINED).await;

    // After unsubscribing, nothing more comes.
    bob.unsubscribe_user_status(&["alice"]).await.unwrap();
    let (_alice, _alice_events) = app.client("alice").await;
    let seen = drain(&mut bob_events, Duration::from_millis(300)).await;
    let statuses: Vec<_> = seen.iter().filter_map(statuses_of).collect();
    assert!(statuses.is_empty(), "{statuses:?}");
    app.stop().await;
}

#[tokio::test]
async fn rest_imports_keep_nick_and_face_and_portrait_commands_use_tims_tags() {
    let app = spawn_app().await;
    let admin = app.admin();
    admin
        .call(
            "im_open_login_svc",
            "account_import",
            &json!({"UserID": "alice", "Nick": "Alice", "FaceUrl": "https://a/1.png"}),
        )
        .await
        .unwrap();
    let answer = admin
        .call(
            "im_open_login_svc",
            "multiaccount_import",
            &json!({"AccountList": [{"UserID": "bob", "Nick": "Bob"}, {"UserID": "carol"}, {"UserID": "bad id\u{7f}"}]}),
        )
        .await
        .unwrap();
    assert_eq!(answer["FailAccounts"], json!(["bad id\u{7f}"]));

    let got = admin
        .call(
            "profile",
            "portrait_get",
            &json!({"To_Account": ["alice", "bob", "nobody"], "TagList": ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]}),
        )
        .await
        .unwrap();
    let items = got["UserProfileItem"].as_array().unwrap();
    assert_eq!(items[0]["To_Account"], "alice");
    assert_eq!(
        items[0]["ProfileItem"],
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"}, {"Tag": "Tag_Profile_IM_Image", "Value": "https://a/1.png"}])
    );
    assert_eq!(items[0]["ResultCode"], 0);
    assert_eq!(items[1]["ProfileItem"][0]["Value"], "Bob");
    assert_eq!(items[2]["ResultCode"], ErrorCode::PROFILE_ACCOUNT_NOT_FOUND.0);

    let mut receiver = HookReceiver::start().await;
    admin
        .call(
            "tincan",
            "set_app_config",
            &json!({"callback_url": receiver.url, "callback_commands": ["Profile.CallbackPortraitSet", "State.StateChange"]}),
        )
        .await
        .unwrap();
    let (alice, mut alice_events) = app.client("alice").await;
    let login = receiver.next("State.StateChange", WAIT).await;
    assert_eq!(login.body["Info"], json!({"Action": "Login", "To_Account": "alice", "Reason": "Register"}));

    admin
        .call(
            "profile",
            "portrait_set",
            &json!({"From_Account": "alice", "ProfileItem": [
                {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice B."},
                {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Female"},
                {"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_DenyAny"},
                {"Tag": "Tag_Profile_IM_Level", "Value": 5},
                {"Tag": "Tag_Profile_Custom_Team", "Value": "core"}
            ]}),
        )
        .await
        .unwrap();
    let pushed = wait_for(&mut alice_events, WAIT, self_profile_of).await;
    assert_eq!(pushed.user_profile_nick_name, "Alice B.", "the user's devices hear of the administrator's change");
    assert_eq!(pushed.user_profile_gender, 2);
    assert_eq!(pushed.user_profile_add_permission, 3);
    assert_eq!(pushed.user_profile_level, 5);
    assert_eq!(alice.user_profiles(&["alice"]).await.unwrap()[0], pushed);
    let hook = receiver.next("Profile.CallbackPortraitSet", WAIT).await;
    assert_eq!(hook.body["From_Account"], "alice");
    assert_eq!(hook.body["Operator_Account"], tincan_engine::DEFAULT_ADMIN_IDENTIFIER);
    assert!(
        hook.body["ProfileItem"]
            .as_array()
            .unwrap()
            .contains(&json!({"Tag": "Tag_Profile_Custom_Team", "Value": "core"})),
        "{}",
        hook.body
    );

    // The user's own change reports the user as the operator.
    alice
        .modify_self_profile(ProfileChange {
            user_profile_item_self_signature: Some("hi".to_owned()),
            ..ProfileChange::default()
        })
        .await
        .unwrap();
    let hook = receiver.next("Profile.CallbackPortraitSet", WAIT).await;
    assert_eq!(hook.body["Operator_Account"], "alice");
    assert_eq!(hook.body["ProfileItem"], json!([{"Tag": "Tag_Profile_IM_SelfSignature", "Value": "hi"}]));

    alice.logout().await.unwrap();
    let logout = receiver.next("State.StateChange", WAIT).await;
    assert_eq!(logout.body["Info"]["Action"], "Logout");

    // TIM's codes for bad items; nothing is set.
    let cases = [
        (json!({"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nope", "Value": "x"}]}), 40009),
        (json!({"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": 5}]}), 40610),
        (json!({"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Gender", "Value": "Other"}]}), 40605),
        (
            json!({"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "n".repeat(501)}]}),
            40601,
        ),
        (json!({"From_Account": "nobody", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "x"}]}), 40003),
        (json!({"From_Account": "alice", "ProfileItem": []}), 40001),
        (json!({"From_Account": "alice"}), 40001),
    ];
    for (body, code) in cases {
        let err = admin.call("profile", "portrait_set", &body).await.unwrap_err();
        assert_eq!(err.code.0, code, "{body}: {}", err.desc);
    }
    let err = admin
        .call("profile", "portrait_get", &json!({"To_Account": ["alice"], "TagList": ["Tag_X"]}))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::PROFILE_TAG_NOT_FOUND);
    let still = admin
        .call("profile", "portrait_get", &json!({"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]}))
        .await
        .unwrap();
    assert_eq!(still["UserProfileItem"][0]["ProfileItem"][0]["Value"], "Alice B.");
    app.stop().await;
}
