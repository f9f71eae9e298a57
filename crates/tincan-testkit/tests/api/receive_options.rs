//! Receive options (`TIMReceiveMessageOpt`): a user's own setting of a conversation, shown in its
//! conversation object and on every device, which leaves messages and unread counts as they are.

use tincan_proto::ErrorCode;
use tincan_proto::api::create_group;
use tincan_proto::enums::{ConvType, GroupType, MemberRole};
use tincan_sdk::Event;
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, message_of, user};

fn recv_opt_of(event: &Event, conv_id: &str) -> Option<u32> {
    match event {
        Event::ConvChanged(changes) => {
            changes.iter().find(|change| change.conv.conv_id == conv_id).map(|change| change.conv.conv_recv_opt)
        }
        _ => None,
    }
}

#[tokio::test]
async fn a_muted_conversation_keeps_its_unread_count_and_shows_its_option_everywhere() {
    // Goal: bob mutes alice and a group; the option shows in both conversations, on bob's other
    // device at once and after a restart, the messages still arrive and count as unread (in the
    // conversation and in the total), and alice sees nothing of it.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (_bob_tablet, mut tablet_events) = app.client("bob").await;
    let params = create_group::Request {
        create_group_param_group_name: "noisy".to_owned(),
        create_group_param_group_type: GroupType::PUBLIC,
        create_group_param_group_member_array: vec![create_group::InitialMember::new(user("bob"), MemberRole::NORMAL)],
        ..Default::default()
    };
    let group_id = alice.create_group(params).await.unwrap();
    bob.set_c2c_receive_message_opt(&["alice"], 2).await.unwrap();
    bob.set_group_receive_message_opt(&group_id, 1).await.unwrap();
    assert_eq!(wait_for(&mut tablet_events, WAIT, |event| recv_opt_of(event, "alice")).await, 2);
    assert_eq!(wait_for(&mut tablet_events, WAIT, |event| recv_opt_of(event, &group_id)).await, 1);
    let opts = bob.c2c_receive_message_opt(&["alice"]).await.unwrap();
    assert_eq!(opts[0].msg_recv_msg_opt_result_identifier, "alice");
    assert_eq!(opts[0].msg_recv_msg_opt_result_opt, 2);

    alice.send_text("bob", ConvType::C2C, "still here", false).await.unwrap();
    alice.send_text(&group_id, ConvType::GROUP, "all of you", false).await.unwrap();
    for _ in 0..2 {
        wait_for(&mut bob_events, WAIT, message_of).await;
    }
    let convs = bob.conversations().await.unwrap();
    let c2c = convs.iter().find(|conv| conv.conv_id == "alice").unwrap();
    let group = convs.iter().find(|conv| conv.conv_id == group_id).unwrap();
    assert_eq!((c2c.conv_recv_opt, c2c.conv_unread_num), (2, 1));
    assert_eq!((group.conv_recv_opt, group.conv_unread_num), (1, 1));
    assert_eq!(bob.total_unread().await.unwrap(), 2, "the total counts muted conversations");
    let alices = alice.conversations().await.unwrap();
    assert_eq!(alices.iter().find(|conv| conv.conv_id == "bob").unwrap().conv_recv_opt, 0, "the peer's is its own");

    // Deleting the conversation keeps the option; a restart keeps it too.
    bob.delete_conversations(&["c2c_alice"], false).await.unwrap();
    drop(bob);
    let app = app.restart().await;
    let (bob, _bob_events) = app.client("bob").await;
    assert_eq!(bob.c2c_receive_message_opt(&["alice"]).await.unwrap()[0].msg_recv_msg_opt_result_opt, 2);
    let convs = bob.conversations().await.unwrap();
    assert_eq!(convs.iter().find(|conv| conv.conv_id == group_id).unwrap().conv_recv_opt, 1);
    let joined = bob.joined_groups().await.unwrap();
    let noisy = joined.iter().find(|group| group.group_base_info_group_id == group_id).unwrap();
    assert_eq!(
        (noisy.group_base_info_msg_flag, noisy.group_base_info_self_info.group_self_info_msg_flag),
        (1, 1),
        "the joined list tells the user's option of the group"
    );
    bob.set_c2c_receive_message_opt(&["alice"], 0).await.unwrap();
    assert_eq!(bob.c2c_receive_message_opt(&["alice"]).await.unwrap()[0].msg_recv_msg_opt_result_opt, 0);
    app.stop().await;
}

#[tokio::test]
async fn bad_receive_options_are_refused_before_anything_changes() {
    // Goal: an option that is not TIM's, too many or no users, a peer that is not an account
    // (even after valid ones) and a group one is not in are refused, and nothing changed.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let (carol, _carol_events) = app.client("carol").await;
    let err = bob.set_c2c_receive_message_opt(&["alice"], 4).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    assert!(err.desc.contains("opt 4"), "{}", err.desc);
    let err = bob.set_c2c_receive_message_opt(&[], 1).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    let many: Vec<String> = (0..31).map(|n| format!("u{n}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(bob.set_c2c_receive_message_opt(&many, 1).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
    let err = bob.set_c2c_receive_message_opt(&["alice", "ghost"], 1).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_INVALID_ACCOUNT, "{}", err.desc);
    assert_eq!(bob.c2c_receive_message_opt(&["alice"]).await.unwrap()[0].msg_recv_msg_opt_result_opt, 0);
    let err = bob.set_c2c_receive_message_opt(&["bob"], 1).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    let params = create_group::Request {
        create_group_param_group_name: "private".to_owned(),
        create_group_param_group_type: GroupType::PUBLIC,
        ..Default::default()
    };
    let group_id = alice.create_group(params).await.unwrap();
    let err = carol.set_group_receive_message_opt(&group_id, 1).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED, "{}", err.desc);
    app.stop().await;
}

fn all_recv_opt_of(event: &Event) -> Option<tincan_proto::api::get_all_recv_opt::AllRecvOptInfo> {
    match event {
        Event::AllRecvOptChanged(info) => Some(info.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn the_app_wide_option_is_kept_and_reaches_every_device() {
    // Goal: bob sets a daily quiet period from one device; his other device hears of it at
    // once, both read it back as set, it outlasts a restart, a one-time period replaces it,
    // setting it again unchanged tells no one, alice's stays hers, and messages still arrive
    // and count as unread during the period.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let (tablet, mut tablet_events) = app.client("bob").await;
    let unset = bob.all_receive_message_opt().await.unwrap();
    assert_eq!(unset, Default::default(), "all zero before it is set");

    bob.set_all_receive_message_opt(2, (22, 30, 5), 0, 8 * 3600).await.unwrap();
    let pushed = wait_for(&mut tablet_events, WAIT, all_recv_opt_of).await;
    assert_eq!(
        (
            pushed.msg_all_recv_msg_opt_level,
            pushed.msg_all_recv_msg_opt_start_hour,
            pushed.msg_all_recv_msg_opt_start_minute,
            pushed.msg_all_recv_msg_opt_start_second,
            pushed.msg_all_recv_msg_opt_start_time_stamp,
            pushed.msg_all_recv_msg_duration
        ),
        (2, 22, 30, 5, 0, 8 * 3600)
    );
    assert_eq!(wait_for(&mut bob_events, WAIT, all_recv_opt_of).await, pushed, "the setting device hears it too");
    assert_eq!(tablet.all_receive_message_opt().await.unwrap(), pushed);
    assert_eq!(alice.all_receive_message_opt().await.unwrap(), Default::default(), "alice's is her own");

    // The same again changes nothing and pushes nothing; a one-time period replaces the daily one.
    bob.set_all_receive_message_opt(2, (22, 30, 5), 0, 8 * 3600).await.unwrap();
    let now =
        u32::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap();
    bob.set_all_receive_message_opt(3, (0, 0, 0), now - 60, 3600).await.unwrap();
    let next = wait_for(&mut tablet_events, WAIT, all_recv_opt_of).await;
    assert_eq!(
        (
            next.msg_all_recv_msg_opt_level,
            next.msg_all_recv_msg_opt_start_hour,
            next.msg_all_recv_msg_opt_start_time_stamp
        ),
        (3, 0, now - 60),
        "the unchanged setting was not pushed: the next push is the one-time period"
    );

    // During the period messages still arrive and count.
    alice.send_text("bob", ConvType::C2C, "quiet hours", false).await.unwrap();
    wait_for(&mut tablet_events, WAIT, message_of).await;
    assert_eq!(tablet.total_unread().await.unwrap(), 1);

    drop((bob, tablet));
    let app = app.restart().await;
    let (bob, _bob_events) = app.client("bob").await;
    assert_eq!(bob.all_receive_message_opt().await.unwrap(), next, "kept across a restart");
    bob.set_all_receive_message_opt(0, (0, 0, 0), 0, 0).await.unwrap();
    assert_eq!(bob.all_receive_message_opt().await.unwrap(), Default::default(), "back to receiving");
    app.stop().await;
}

#[tokio::test]
async fn bad_app_wide_options_are_refused_and_change_nothing() {
    // Goal: a level the app-wide option does not take (1 would drop messages, 4 is not TIM's),
    // a time of day out of range and both kinds of start at once are refused with 6017 naming
    // the value, and the option set before is still there.
    let app = spawn_app().await;
    let (bob, _bob_events) = app.client("bob").await;
    bob.set_all_receive_message_opt(2, (7, 0, 0), 0, 3600).await.unwrap();
    let before = bob.all_receive_message_opt().await.unwrap();
    for (opt, start, stamp, named) in [
        (1, (7, 0, 0), 0, "opt 1"),
        (4, (7, 0, 0), 0, "opt 4"),
        (2, (24, 0, 0), 0, "start_hour 24"),
        (2, (7, 60, 0), 0, "start_minute 60"),
        (2, (7, 0, 60), 0, "start_second 60"),
        (2, (7, 0, 0), 1_700_000_000, "start_time_stamp"),
    ] {
        let err = bob.set_all_receive_message_opt(opt, start, stamp, 60).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS, "{named}");
        assert!(err.desc.contains(named), "{named}: {}", err.desc);
    }
    assert_eq!(bob.all_receive_message_opt().await.unwrap(), before);
    app.stop().await;
}
