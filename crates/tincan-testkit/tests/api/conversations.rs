//! Conversation management: deleting, clearing, creating and reading conversations by ID,
//! drafts, pins, marks, custom data, filtered lists and counts, and conversation groups; every
//! change is the user's alone, reaches all of its devices, and survives a restart.

use std::time::Duration;

use tincan_proto::ErrorCode;
use tincan_proto::conv_manage::{ConvListFilter, Draft, mark};
use tincan_proto::enums::{ConvEvent, ConvType, GroupType};
use tincan_proto::objects::ConvInfo;
use tincan_sdk::{ConvChange, Event, Events};
use tincan_testkit::{spawn_app, wait_for};

use crate::helpers::{WAIT, create_group, settle, text_of};

fn find<'a>(convs: &'a [ConvInfo], id: &str) -> Option<&'a ConvInfo> {
    convs.iter().find(|conv| conv.conv_id == id)
}

fn ids(convs: &[ConvInfo]) -> Vec<&str> {
    convs.iter().map(|conv| conv.conv_id.as_str()).collect()
}

/// The next conversation change of `id` the SDK reports.
async fn change_of(events: &mut Events, id: &str) -> ConvChange {
    wait_for(events, WAIT, |event| match event {
        Event::ConvChanged(changes) => changes.iter().find(|change| change.conv.conv_id == id).cloned(),
        _ => None,
    })
    .await
}

fn result_codes(results: &[tincan_proto::objects::ConversationOperationResult]) -> Vec<(String, u32)> {
    results
        .iter()
        .map(|result| {
            (
                result.conversation_operation_result_conversation_id.clone(),
                result.conversation_operation_result_result_code,
            )
        })
        .collect()
}

#[tokio::test]
async fn a_deleted_conversation_leaves_every_device_of_its_user_until_the_next_message() {
    // Goal: deleting removes the conversation from the user's list on all of its devices and
    // clears its unread count, without touching the peer; a new message brings it back with
    // only that message unread; with clearMessage the history goes too, for the user only.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    let (_bob_phone, mut phone_events) = app.client("bob").await;
    for text in ["one", "two", "three"] {
        alice.send_text("bob", ConvType::C2C, text, false).await.unwrap();
    }
    settle(&mut phone_events, Duration::from_millis(300)).await;
    assert_eq!(bob.total_unread().await.unwrap(), 3);

    let results = bob.delete_conversations(&["c2c_alice"], false).await.unwrap();
    assert_eq!(result_codes(&results), vec![("c2c_alice".to_owned(), 0)]);
    assert!(find(&bob.conversations().await.unwrap(), "alice").is_none(), "gone from the list");
    assert_eq!(bob.total_unread().await.unwrap(), 0);
    // The other device is told (after the read position it also gets).
    wait_for(&mut phone_events, WAIT, |event| match event {
        Event::ConvChanged(changes) => {
            changes.iter().find(|change| change.conv.conv_id == "alice" && change.event == ConvEvent::DEL).cloned()
        }
        _ => None,
    })
    .await;
    // The peer's conversation is untouched, and learns of no read.
    let alices = alice.conversations().await.unwrap();
    let at_alice = find(&alices, "bob").expect("alice keeps hers");
    assert!(at_alice.conv_last_msg.as_ref().is_some_and(|last| !last.message_is_peer_read));
    // History stays when the conversation is deleted without clearing it.
    let history = bob.get_message_list("alice", ConvType::C2C, Default::default()).await.unwrap();
    assert_eq!(history.len(), 3);

    alice.send_text("bob", ConvType::C2C, "four", false).await.unwrap();
    let back = change_of(&mut phone_events, "alice").await;
    assert_eq!(back.event, ConvEvent::ADD, "a new message brings it back");
    let convs = bob.conversations().await.unwrap();
    let conv = find(&convs, "alice").expect("back in the list");
    assert_eq!(conv.conv_unread_num, 1, "only the new message is unread");

    // With clearMessage, the user's history goes too; the peer's stays.
    bob.delete_conversations(&["c2c_alice"], true).await.unwrap();
    let history = bob.get_message_list("alice", ConvType::C2C, Default::default()).await.unwrap();
    assert!(history.is_empty(), "cleared for bob: {history:?}");
    let history = alice.get_message_list("bob", ConvType::C2C, Default::default()).await.unwrap();
    assert_eq!(history.len(), 4, "alice's copy is untouched");
    alice.send_text("bob", ConvType::C2C, "five", false).await.unwrap();
    let history = bob.get_message_list("alice", ConvType::C2C, Default::default()).await.unwrap();
    assert_eq!(history.iter().map(text_of).collect::<Vec<_>>(), ["five"]);

    // After a restart the same holds.
    bob.delete_conversations(&["c2c_alice"], false).await.unwrap();
    drop((alice, bob));
    let app = app.restart().await;
    let (bob, _b) = app.client("bob").await;
    assert!(find(&bob.conversations().await.unwrap(), "alice").is_none());
    let history = bob.get_message_list("alice", ConvType::C2C, Default::default()).await.unwrap();
    assert_eq!(history.iter().map(text_of).collect::<Vec<_>>(), ["five"]);
    app.stop().await;
}

#[tokio::test]
async fn deleting_many_answers_each_conversation() {
    // Goal: the list form answers each conversation with its own code: a bad ID, a group the
    // user is not in and an account that does not exist fail alone.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    let (carol, _c) = app.client("carol").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    let outsiders = create_group(&carol, GroupType::WORK, &[]).await;
    alice.send_text("bob", ConvType::C2C, "hi", false).await.unwrap();
    alice.send_text(&group_id, ConvType::GROUP, "hi all", false).await.unwrap();
    let own = format!("group_{group_id}");
    let theirs = format!("group_{outsiders}");
    let results = bob
        .delete_conversations(&["c2c_alice", &own, &theirs, "c2c_nobody", "c2c_a\tb", "alice"], false)
        .await
        .unwrap();
    assert_eq!(
        result_codes(&results),
        vec![
            ("c2c_alice".to_owned(), 0),
            (own.clone(), 0),
            (theirs.clone(), ErrorCode::GROUP_PERMISSION_DENIED.0),
            ("c2c_nobody".to_owned(), ErrorCode::C2C_INVALID_ACCOUNT.0),
            ("c2c_a\tb".to_owned(), ErrorCode::INVALID_IDENTIFIER.0),
            ("alice".to_owned(), ErrorCode::INVALID_PARAMETERS.0),
        ]
    );
    assert!(bob.conversations().await.unwrap().is_empty());
    assert_eq!(bob.total_unread().await.unwrap(), 0);
    // The group is still bob's: a message brings it back, and alice's list is untouched.
    alice.send_text(&group_id, ConvType::GROUP, "again", false).await.unwrap();
    assert_eq!(ids(&bob.conversations().await.unwrap()), [group_id.as_str()]);
    assert_eq!(alice.conversations().await.unwrap().len(), 2);
    let err = bob.delete_conversations(&[], false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    app.stop().await;
}

#[tokio::test]
async fn clearing_history_is_for_the_user_alone() {
    // Goal: TIMMsgClearHistoryMessage hides the user's history up to now and its last message,
    // clears its unread count, keeps the conversation listed, and leaves the peer's and the
    // other members' copies whole; later messages show.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    let (carol, _c) = app.client("carol").await;
    let (_bob_phone, mut phone_events) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob", "carol"]).await;
    alice.send_text("bob", ConvType::C2C, "c2c one", false).await.unwrap();
    alice.send_text(&group_id, ConvType::GROUP, "group one", false).await.unwrap();
    carol.send_text(&group_id, ConvType::GROUP, "group two", false).await.unwrap();
    settle(&mut phone_events, Duration::from_millis(300)).await;

    bob.clear_history("alice", ConvType::C2C).await.unwrap();
    bob.clear_history(&group_id, ConvType::GROUP).await.unwrap();
    let convs = bob.conversations().await.unwrap();
    for id in ["alice", group_id.as_str()] {
        let conv = find(&convs, id).expect("still listed");
        assert!(conv.conv_last_msg.is_none() && !conv.conv_is_has_lastmsg, "{conv:?}");
        assert_eq!(conv.conv_unread_num, 0);
    }
    // The other device shows it cleared.
    let change = wait_for(&mut phone_events, WAIT, |event| match event {
        Event::ConvChanged(changes) => {
            changes.iter().find(|change| change.conv.conv_id == "alice" && change.conv.conv_last_msg.is_none()).cloned()
        }
        _ => None,
    })
    .await;
    assert_eq!((change.event, change.conv.conv_unread_num), (ConvEvent::UPDATE, 0));
    assert!(bob.get_message_list("alice", ConvType::C2C, Default::default()).await.unwrap().is_empty());
    assert!(bob.get_message_list(&group_id, ConvType::GROUP, Default::default()).await.unwrap().is_empty());
    assert_eq!(alice.get_message_list("bob", ConvType::C2C, Default::default()).await.unwrap().len(), 1);
    assert_eq!(carol.get_message_list(&group_id, ConvType::GROUP, Default::default()).await.unwrap().len(), 2);

    carol.send_text(&group_id, ConvType::GROUP, "group three", false).await.unwrap();
    let history = bob.get_message_list(&group_id, ConvType::GROUP, Default::default()).await.unwrap();
    assert_eq!(history.iter().map(text_of).collect::<Vec<_>>(), ["group three"]);
    assert_eq!(bob.total_unread().await.unwrap(), 1);

    let err = bob.clear_history("nobody", ConvType::C2C).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_INVALID_ACCOUNT);
    let err = bob.clear_history("bob2", ConvType(9)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    app.stop().await;
}

#[tokio::test]
async fn conversations_are_created_and_read_by_id() {
    // Goal: TIMConvCreate lists a conversation without a message, on every device and after a
    // restart; TIMConvGetConvInfo answers the user's conversations by ID, and not others'.
    let app = spawn_app().await;
    let (_alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    let (carol, _c) = app.client("carol").await;
    let (_bob_phone, mut phone_events) = app.client("bob").await;
    let outsiders = create_group(&carol, GroupType::WORK, &[]).await;
    let created = bob.create_conversation("alice", ConvType::C2C).await.unwrap();
    assert_eq!((created.conv_id.as_str(), created.conv_type), ("alice", ConvType::C2C));
    assert!(created.conv_active_time > 0);
    assert_eq!(change_of(&mut phone_events, "alice").await.event, ConvEvent::ADD);
    assert_eq!(ids(&bob.conversations().await.unwrap()), ["alice"]);
    let err = bob.create_conversation(&outsiders, ConvType::GROUP).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_PERMISSION_DENIED);
    let err = bob.create_conversation("nobody", ConvType::C2C).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::C2C_INVALID_ACCOUNT);

    let found = bob
        .conversations_by_id(&[
            ("alice", ConvType::C2C),
            ("carol", ConvType::C2C),
            (&outsiders, ConvType::GROUP),
            ("nobody", ConvType::C2C),
        ])
        .await
        .unwrap();
    assert_eq!(ids(&found), ["alice", "carol"], "the user's, even without messages; not others' groups");
    let err = bob.conversations_by_id(&[("a b", ConvType::GROUP)]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_INVALID_ID);

    drop(bob);
    let app = app.restart().await;
    let (bob, _b) = app.client("bob").await;
    assert_eq!(ids(&bob.conversations().await.unwrap()), ["alice"], "still listed after a restart");
    app.stop().await;
}

fn draft(text: &str) -> Draft {
    Draft {
        draft_msg: serde_json::json!({"message_elem_array": [{"elem_type": 0, "text_elem_content": text}]}),
        draft_user_define: "mine".to_owned(),
        ..Draft::default()
    }
}

#[tokio::test]
async fn drafts_and_pins_reach_every_device_and_order_the_list() {
    // Goal: a draft set on one device shows on the others and in lists, with the server's edit
    // time; cancelling removes it; pinned conversations come first; both survive a restart.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (carol, _c) = app.client("carol").await;
    let (bob, _b) = app.client("bob").await;
    let (_bob_phone, mut phone_events) = app.client("bob").await;
    alice.send_text("bob", ConvType::C2C, "older", false).await.unwrap();
    carol.send_text("bob", ConvType::C2C, "newer", false).await.unwrap();
    settle(&mut phone_events, Duration::from_millis(300)).await;
    assert_eq!(ids(&bob.conversations().await.unwrap()), ["carol", "alice"]);

    bob.set_draft("alice", ConvType::C2C, draft("half a thought")).await.unwrap();
    let change = change_of(&mut phone_events, "alice").await;
    let pushed = change.conv.conv_draft.clone().expect("the other device has the draft");
    assert!(change.conv.conv_is_has_draft);
    assert_eq!(pushed.draft_msg["message_elem_array"][0]["text_elem_content"], "half a thought");
    assert_eq!(pushed.draft_user_define, "mine");
    assert!(pushed.draft_edit_time > 0, "the server's edit time");

    bob.pin_conversation("alice", ConvType::C2C, true).await.unwrap();
    let change = change_of(&mut phone_events, "alice").await;
    assert!(change.conv.conv_is_pinned);
    let convs = bob.conversations().await.unwrap();
    assert_eq!(ids(&convs), ["alice", "carol"], "pinned first");
    assert!(find(&convs, "alice").unwrap().conv_is_has_draft);
    // Another peer's new message does not pass the pinned conversation.
    carol.send_text("bob", ConvType::C2C, "newest", false).await.unwrap();
    assert_eq!(ids(&bob.conversations().await.unwrap()), ["alice", "carol"]);

    drop((alice, carol, bob));
    let app = app.restart().await;
    let (bob, _b) = app.client("bob").await;
    let (_bob_phone, mut phone_events) = app.client("bob").await;
    let convs = bob.conversations().await.unwrap();
    assert_eq!(ids(&convs), ["alice", "carol"]);
    let alice_conv = find(&convs, "alice").unwrap();
    assert!(alice_conv.conv_is_pinned && alice_conv.conv_is_has_draft, "{alice_conv:?}");

    bob.cancel_draft("alice", ConvType::C2C).await.unwrap();
    bob.pin_conversation("alice", ConvType::C2C, false).await.unwrap();
    let change = wait_for(&mut phone_events, WAIT, |event| match event {
        Event::ConvChanged(changes) => {
            changes.iter().find(|change| change.conv.conv_id == "alice" && !change.conv.conv_is_pinned).cloned()
        }
        _ => None,
    })
    .await;
    assert!(change.conv.conv_draft.is_none() && !change.conv.conv_is_has_draft);
    assert_eq!(ids(&bob.conversations().await.unwrap()), ["carol", "alice"]);

    let mut huge = draft("x");
    huge.draft_user_define = "y".repeat(13 * 1024);
    let err = bob.set_draft("alice", ConvType::C2C, huge).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    let not_object = Draft { draft_msg: serde_json::json!("text"), ..Draft::default() };
    let err = bob.set_draft("alice", ConvType::C2C, not_object).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    app.stop().await;
}

#[tokio::test]
async fn marks_custom_data_and_filters() {
    // Goal: marks and custom data show on every device; hide leaves the list until the next
    // message, which clears it; filtered lists page with next_seq/is_finished and filtered
    // unread counts agree, pushed to subscribers as they change.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (carol, _c) = app.client("carol").await;
    let (dave, _d) = app.client("dave").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    alice.send_text("bob", ConvType::C2C, "a", false).await.unwrap();
    carol.send_text("bob", ConvType::C2C, "c", false).await.unwrap();
    dave.send_text("bob", ConvType::C2C, "d", false).await.unwrap();
    alice.send_text(&group_id, ConvType::GROUP, "g", false).await.unwrap();
    settle(&mut bob_events, Duration::from_millis(300)).await;

    let star_filter = ConvListFilter { conversation_list_filter_mark_type: mark::STAR, ..ConvListFilter::default() };
    bob.subscribe_unread_by_filter(star_filter.clone()).await.unwrap();
    let results = bob.mark_conversations(&["c2c_alice", "c2c_carol", "c2c_nobody"], mark::STAR, true).await.unwrap();
    assert_eq!(
        result_codes(&results),
        vec![("c2c_alice".to_owned(), 0), ("c2c_carol".to_owned(), 0), ("c2c_nobody".to_owned(), 20003)]
    );
    let told = wait_for(&mut bob_events, WAIT, |event| match event {
        Event::FilteredUnreadChanged { filter, total } if *filter == star_filter && *total == 2 => Some(*total),
        _ => None,
    })
    .await;
    assert_eq!(told, 2, "the subscribed count is pushed");
    bob.mark_conversations(&["c2c_alice"], 1 << 40, true).await.unwrap();
    let convs = bob.conversations().await.unwrap();
    assert_eq!(find(&convs, "alice").unwrap().conv_mark_array, vec![mark::STAR, 1 << 40]);
    let err = bob.mark_conversations(&["c2c_alice"], 3, true).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);

    let results = bob.set_conversation_custom_data(&["c2c_dave"], "vip").await.unwrap();
    assert_eq!(result_codes(&results), vec![("c2c_dave".to_owned(), 0)]);
    let err = bob.set_conversation_custom_data(&["c2c_dave"], &"x".repeat(257)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
    assert_eq!(find(&bob.conversations().await.unwrap(), "dave").unwrap().conv_custom_data, "vip");

    // Filtered lists and counts.
    let page = bob.conversations_by_filter(star_filter.clone()).await.unwrap();
    let mut starred = ids(&page.conversation_list_result_conv_list);
    starred.sort_unstable();
    assert_eq!(starred, ["alice", "carol"]);
    assert!(page.conversation_list_result_is_finished);
    assert_eq!(bob.unread_by_filter(star_filter.clone()).await.unwrap(), 2);
    let groups_only =
        ConvListFilter { conversation_list_filter_conv_type: ConvType::GROUP, ..ConvListFilter::default() };
    assert_eq!(bob.unread_by_filter(groups_only.clone()).await.unwrap(), 1);
    let mut next_seq = 0;
    let mut paged = Vec::new();
    loop {
        let filter = ConvListFilter {
            conversation_list_filter_next_seq: next_seq,
            conversation_list_filter_count: 3,
            ..ConvListFilter::default()
        };
        let page = bob.conversations_by_filter(filter).await.unwrap();
        paged.extend(page.conversation_list_result_conv_list.iter().map(|conv| conv.conv_id.clone()));
        next_seq = page.conversation_list_result_next_seq;
        if page.conversation_list_result_is_finished {
            break;
        }
        assert_eq!(page.conversation_list_result_conv_list.len(), 3);
    }
    let listed: Vec<String> = bob.conversations().await.unwrap().into_iter().map(|conv| conv.conv_id).collect();
    assert_eq!(paged, listed, "pages cover the list once, in order");
    let bad = ConvListFilter { conversation_list_filter_conv_type: ConvType(5), ..ConvListFilter::default() };
    assert_eq!(bob.unread_by_filter(bad).await.unwrap_err().code, ErrorCode::INVALID_PARAMETERS);

    // Reading a starred conversation changes the subscribed count.
    bob.clean_unread("c2c_alice", 0, 0).await.unwrap();
    wait_for(&mut bob_events, WAIT, |event| match event {
        Event::FilteredUnreadChanged { total: 1, .. } => Some(()),
        _ => None,
    })
    .await;
    bob.unsubscribe_unread_by_filter(&star_filter);

    // Hide: out of the list until the next message, which clears the mark.
    bob.mark_conversations(&["c2c_dave"], mark::HIDE, true).await.unwrap();
    assert!(find(&bob.conversations().await.unwrap(), "dave").is_none());
    let by_id = bob.conversations_by_id(&[("dave", ConvType::C2C)]).await.unwrap();
    assert_eq!(by_id[0].conv_mark_array, vec![mark::HIDE]);
    dave.send_text("bob", ConvType::C2C, "back", false).await.unwrap();
    // The device's copy of the list has it back with what the user set on it.
    wait_for(&mut bob_events, WAIT, |event| match event {
        Event::ConvChanged(changes) => changes
            .iter()
            .find(|change| change.conv.conv_id == "dave" && change.conv.conv_custom_data == "vip")
            .cloned(),
        _ => None,
    })
    .await;
    let convs = bob.conversations().await.unwrap();
    let back = find(&convs, "dave").expect("listed again");
    assert!(back.conv_mark_array.is_empty(), "{:?}", back.conv_mark_array);
    assert_eq!(back.conv_custom_data, "vip", "other settings stay");

    drop(bob);
    let app = app.restart().await;
    let (bob, _b) = app.client("bob").await;
    let convs = bob.conversations().await.unwrap();
    assert_eq!(find(&convs, "alice").unwrap().conv_mark_array, vec![mark::STAR, 1 << 40]);
    assert_eq!(find(&convs, "dave").unwrap().conv_custom_data, "vip");
    app.stop().await;
}

#[tokio::test]
async fn conversation_groups_are_created_renamed_filled_and_deleted() {
    // Goal: conversation groups with TIM's limits and codes; each change reaches the user's
    // other devices; a deleted conversation leaves its groups (reason 1); filters by group.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (carol, _c) = app.client("carol").await;
    let (bob, _b) = app.client("bob").await;
    let (_bob_phone, mut phone_events) = app.client("bob").await;
    alice.send_text("bob", ConvType::C2C, "a", false).await.unwrap();
    carol.send_text("bob", ConvType::C2C, "c", false).await.unwrap();
    settle(&mut phone_events, Duration::from_millis(300)).await;

    let results = bob.create_conversation_group("Work", &["c2c_alice", "c2c_nobody"]).await.unwrap();
    assert_eq!(result_codes(&results), vec![("c2c_alice".to_owned(), 0), ("c2c_nobody".to_owned(), 20003)]);
    let created = wait_for(&mut phone_events, WAIT, |event| match event {
        Event::ConvGroup(push) if push.event == "created" => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!(created.group_name, "Work");
    assert_eq!(ids(&created.conversations), ["alice"]);
    assert_eq!(created.conversations[0].conv_conversation_group_array, ["Work"]);
    let err = bob.create_conversation_group("Work", &["c2c_carol"]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::CONV_GROUP_NAME_INVALID);
    let err = bob.create_conversation_group(&"n".repeat(33), &["c2c_carol"]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::CONV_GROUP_NAME_INVALID);

    bob.add_conversations_to_group("Work", &["c2c_carol"]).await.unwrap();
    let work =
        ConvListFilter { conversation_list_filter_conversation_group: "Work".to_owned(), ..ConvListFilter::default() };
    let mut in_work = ids(&bob.conversations_by_filter(work.clone()).await.unwrap().conversation_list_result_conv_list)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    in_work.sort();
    assert_eq!(in_work, ["alice", "carol"]);
    assert_eq!(bob.unread_by_filter(work).await.unwrap(), 2);
    let err = bob.add_conversations_to_group("Play", &["c2c_carol"]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::CONV_GROUP_NOT_FOUND);

    bob.rename_conversation_group("Work", "Job").await.unwrap();
    let renamed = wait_for(&mut phone_events, WAIT, |event| match event {
        Event::ConvGroup(push) if push.event == "renamed" => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!((renamed.group_name.as_str(), renamed.new_name.as_str()), ("Work", "Job"));
    assert_eq!(bob.conversation_groups().await.unwrap(), ["Job"]);
    let convs = bob.conversations().await.unwrap();
    assert_eq!(find(&convs, "carol").unwrap().conv_conversation_group_array, ["Job"]);

    bob.delete_conversations_from_group("Job", &["c2c_carol"]).await.unwrap();
    assert!(find(&bob.conversations().await.unwrap(), "carol").unwrap().conv_conversation_group_array.is_empty());
    // Deleting a conversation takes it out of its groups, and says so.
    bob.delete_conversations(&["c2c_alice"], false).await.unwrap();
    let removed = wait_for(&mut phone_events, WAIT, |event| match event {
        Event::ConvGroup(push) if push.event == "removed" && push.reason == 1 => Some(push.clone()),
        _ => None,
    })
    .await;
    assert_eq!(ids(&removed.conversations), ["alice"]);
    alice.send_text("bob", ConvType::C2C, "again", false).await.unwrap();
    assert!(find(&bob.conversations().await.unwrap(), "alice").unwrap().conv_conversation_group_array.is_empty());

    for index in 1..20 {
        bob.create_conversation_group(&format!("g{index}"), &["c2c_carol"]).await.unwrap();
    }
    let err = bob.create_conversation_group("one too many", &["c2c_carol"]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::CONV_GROUP_LIMIT);
    assert_eq!(bob.conversation_groups().await.unwrap().len(), 20);

    drop((alice, carol, bob));
    let app = app.restart().await;
    let (bob, _b) = app.client("bob").await;
    let (_bob_phone, mut phone_events) = app.client("bob").await;
    let groups = bob.conversation_groups().await.unwrap();
    assert_eq!(groups.first().map(String::as_str), Some("Job"), "in the order created");
    assert_eq!(find(&bob.conversations().await.unwrap(), "carol").unwrap().conv_conversation_group_array.len(), 19);
    bob.delete_conversation_group("Job").await.unwrap();
    let deleted = wait_for(&mut phone_events, WAIT, |event| match event {
        Event::ConvGroup(push) if push.event == "deleted" => Some(push.group_name.clone()),
        _ => None,
    })
    .await;
    assert_eq!(deleted, "Job");
    let err = bob.delete_conversation_group("Job").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::CONV_GROUP_NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn a_device_that_was_away_catches_up_on_conversation_changes() {
    // Goal: conversation changes are events of the user's stream: a device that resumes gets
    // the ones it missed, and its copy of the list ends as the server's.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    alice.send_text("bob", ConvType::C2C, "hi", false).await.unwrap();
    let mut config = app.config("bob");
    let (phone, mut phone_events) = tincan_sdk::Client::connect(config.clone()).await.unwrap();
    settle(&mut phone_events, Duration::from_millis(300)).await;
    let resume_from = phone.last_pos();
    phone.close().await;
    bob.pin_conversation("alice", ConvType::C2C, true).await.unwrap();
    bob.set_draft("alice", ConvType::C2C, draft("later")).await.unwrap();
    config.resume_pos = Some(resume_from);
    let (_phone, mut phone_events) = tincan_sdk::Client::connect(config).await.unwrap();
    let change = wait_for(&mut phone_events, WAIT, |event| match event {
        Event::ConvChanged(changes) => {
            changes.iter().find(|change| change.conv.conv_id == "alice" && change.conv.conv_is_has_draft).cloned()
        }
        _ => None,
    })
    .await;
    assert!(change.conv.conv_is_pinned);
    app.stop().await;
}

#[tokio::test]
async fn rest_recentcontact_lists_and_deletes_for_the_user() {
    // Goal: the administrator reads a user's list (pinned first with AssistFlags bit 0, empty
    // conversations only with bit 1, paged) and deletes from it as the user would: the user's
    // devices are told, the peer's copy stays; TIM's codes for bad input.
    let app = spawn_app().await;
    let admin = app.admin();
    let (alice, _a) = app.client("alice").await;
    let (carol, _c) = app.client("carol").await;
    let (bob, mut bob_events) = app.client("bob").await;
    let group_id = create_group(&alice, GroupType::WORK, &["bob"]).await;
    alice.send_text("bob", ConvType::C2C, "a", false).await.unwrap();
    alice.send_text(&group_id, ConvType::GROUP, "g", false).await.unwrap();
    carol.send_text("bob", ConvType::C2C, "c", false).await.unwrap();
    bob.pin_conversation("alice", ConvType::C2C, true).await.unwrap();
    bob.create_conversation("dave", ConvType::C2C).await.unwrap_err();
    let (_dave, _d) = app.client("dave").await;
    bob.create_conversation("dave", ConvType::C2C).await.unwrap();
    settle(&mut bob_events, Duration::from_millis(300)).await;

    let list = |flags: u32| {
        let admin = admin.clone();
        async move {
            let body = serde_json::json!({"From_Account": "bob", "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": flags});
            admin.call("recentcontact", "get_list", &body).await.unwrap()
        }
    };
    let answer = list(3).await;
    let items = answer["SessionItem"].as_array().unwrap();
    let names: Vec<&str> =
        items.iter().map(|item| item["To_Account"].as_str().or_else(|| item["GroupId"].as_str()).unwrap()).collect();
    assert_eq!(names[0], "alice", "pinned first: {answer}");
    assert_eq!(items[0]["TopFlag"], 1);
    assert_eq!(items[0]["Type"], 1);
    let mut rest = names[1..].to_vec();
    rest.sort_unstable();
    let mut expected = vec!["carol", "dave", group_id.as_str()];
    expected.sort_unstable();
    assert_eq!(rest, expected);
    assert!(items.iter().any(|item| item["GroupId"] == group_id.as_str() && item["Type"] == 2));
    assert_eq!((answer["CompleteFlag"].as_u64(), answer["TopStartIndex"].as_u64()), (Some(1), Some(1)));
    let without_empty = list(1).await;
    assert_eq!(without_empty["SessionItem"].as_array().unwrap().len(), 3, "dave's empty conversation is left out");

    admin
        .call(
            "recentcontact",
            "delete",
            &serde_json::json!({"From_Account": "bob", "Type": 1, "To_Account": "alice", "ClearRamble": 1}),
        )
        .await
        .unwrap();
    wait_for(&mut bob_events, WAIT, |event| match event {
        Event::ConvChanged(changes) => {
            changes.iter().find(|change| change.conv.conv_id == "alice" && change.event == ConvEvent::DEL).cloned()
        }
        _ => None,
    })
    .await;
    assert!(find(&bob.conversations().await.unwrap(), "alice").is_none());
    assert!(bob.get_message_list("alice", ConvType::C2C, Default::default()).await.unwrap().is_empty());
    assert_eq!(alice.get_message_list("bob", ConvType::C2C, Default::default()).await.unwrap().len(), 1);
    admin
        .call("recentcontact", "delete", &serde_json::json!({"From_Account": "bob", "Type": 2, "ToGroupid": group_id}))
        .await
        .unwrap();
    assert!(find(&bob.conversations().await.unwrap(), &group_id).is_none());

    let code = |body: serde_json::Value, command: &'static str| {
        let admin = admin.clone();
        async move { admin.call("recentcontact", command, &body).await.unwrap_err().code }
    };
    let missing = serde_json::json!({"From_Account": "nobody", "Type": 1, "To_Account": "alice"});
    assert_eq!(code(missing, "delete").await, ErrorCode::RECENT_ACCOUNT_NOT_FOUND);
    assert_eq!(
        code(serde_json::json!({"From_Account": "bob", "Type": 3, "To_Account": "alice"}), "delete").await,
        ErrorCode::RECENT_INVALID_PARAMETERS
    );
    assert_eq!(
        code(serde_json::json!({"From_Account": "bob", "Type": 2}), "delete").await,
        ErrorCode::RECENT_INVALID_PARAMETERS
    );
    assert_eq!(
        code(serde_json::json!({"From_Account": "bob", "Type": 1, "To_Account": "zed"}), "delete").await,
        ErrorCode::C2C_INVALID_ACCOUNT
    );
    assert_eq!(code(serde_json::json!({"TimeStamp": 0}), "get_list").await, ErrorCode::RECENT_INVALID_PARAMETERS);
    assert_eq!(
        code(serde_json::json!({"From_Account": "nobody"}), "get_list").await,
        ErrorCode::RECENT_ACCOUNT_NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn a_new_group_with_a_dismissed_groups_id_starts_without_its_settings() {
    // Goal: what a member set on a dismissed group's conversation does not carry over to a new
    // group that takes its ID after a restart.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    let create = |client: tincan_sdk::Client| async move {
        let params = tincan_proto::api::create_group::Request {
            create_group_param_group_name: "reused".to_owned(),
            create_group_param_group_id: Some(tincan_proto::GroupId::parse("reused").unwrap()),
            create_group_param_group_type: GroupType::WORK,
            create_group_param_group_member_array: vec![tincan_proto::api::create_group::InitialMember::new(
                tincan_proto::UserId::parse("bob").unwrap(),
                tincan_proto::enums::MemberRole::NORMAL,
            )],
            ..Default::default()
        };
        client.create_group(params).await.unwrap()
    };
    create(alice.clone()).await;
    bob.pin_conversation("reused", ConvType::GROUP, true).await.unwrap();
    bob.set_conversation_custom_data(&["group_reused"], "old").await.unwrap();
    alice.delete_group("reused").await.unwrap();
    drop((alice, bob));
    let app = app.restart().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    create(alice).await;
    let convs = bob.conversations().await.unwrap();
    let conv = find(&convs, "reused").expect("in the new group");
    assert!(!conv.conv_is_pinned && conv.conv_custom_data.is_empty(), "{conv:?}");
    app.stop().await;
}
