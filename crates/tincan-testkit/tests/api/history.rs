//! History: TIM's anchor rules in both directions, seq lists, time ranges, type filters, and
//! what a member may see.

use tincan_proto::api::get_message_list::GetMsgListParams;
use tincan_proto::enums::{ConvType, GroupType};
use tincan_proto::{Elem, Message};
use tincan_sdk::Client;
use tincan_testkit::spawn_app;

use crate::helpers::create_group;

fn seqs(messages: &[Message]) -> Vec<u64> {
    messages.iter().map(|message| message.message_seq).collect()
}

fn params() -> GetMsgListParams {
    GetMsgListParams::default()
}

async fn page(client: &Client, conv_id: &str, conv_type: ConvType, params: GetMsgListParams) -> Vec<u64> {
    seqs(&client.get_message_list(conv_id, conv_type, params).await.expect("the page loads"))
}

#[tokio::test]
async fn c2c_history_pages_both_ways_from_a_message_anchor() {
    // Goal: backwards pages come newest first and exclude an anchor message; forward pages come
    // oldest first and exclude it too; a whole walk never skips or repeats.
    let app = spawn_app().await;
    let (alice, _a) = app.client("alice").await;
    let (bob, _b) = app.client("bob").await;
    let mut sent = Vec::new();
    for index in 0..10 {
        let from = if index % 2 == 0 { &alice } else { &bob };
        let to = if index % 2 == 0 { "bob" } else { "alice" };
        sent.push(from.send_text(to, ConvType::C2C, &format!("{index}"), false).await.unwrap());
    }
    let newest =
        page(&alice, "bob", ConvType::C2C, GetMsgListParams { msg_getmsglist_param_count: 3, ..params() }).await;
    assert_eq!(newest, vec![10, 9, 8]);
    let anchor = sent[7].clone();
    let older = page(
        &alice,
        "bob",
        ConvType::C2C,
        GetMsgListParams { msg_getmsglist_param_count: 3, msg_getmsglist_param_last_msg: Some(anchor), ..params() },
    )
    .await;
    assert_eq!(older, vec![7, 6, 5], "the anchor message (seq 8) is excluded");
    let forward = page(
        &bob,
        "alice",
        ConvType::C2C,
        GetMsgListParams {
            msg_getmsglist_param_count: 3,
            msg_getmsglist_param_is_forward: true,
            msg_getmsglist_param_last_msg: Some(sent[4].clone()),
            ..params()
        },
    )
    .await;
    assert_eq!(forward, vec![6, 7, 8]);
    let anchor_by_id = Message { message_msg_id: sent[2].message_msg_id.clone(), ..Message::default() };
    let by_id = page(
        &bob,
        "alice",
        ConvType::C2C,
        GetMsgListParams {
            msg_getmsglist_param_count: 2,
            msg_getmsglist_param_last_msg: Some(anchor_by_id),
            ..params()
        },
    )
    .await;
    assert_eq!(by_id, vec![2, 1], "an anchor given by its ID alone works");
    // A whole walk backwards, page by page.
    let mut walked = Vec::new();
    let mut anchor: Option<Message> = None;
    loop {
        let messages = alice
            .get_message_list(
                "bob",
                ConvType::C2C,
                GetMsgListParams {
                    msg_getmsglist_param_count: 4,
                    msg_getmsglist_param_last_msg: anchor.clone(),
                    ..params()
                },
            )
            .await
            .unwrap();
        if messages.is_empty() {
            break;
        }
        walked.extend(seqs(&messages));
        anchor = messages.last().cloned();
    }
    assert_eq!(walked, (1..=10).rev().collect::<Vec<u64>>());
    let err = alice
        .get_message_list("bob", ConvType::C2C, GetMsgListParams { msg_getmsglist_param_last_msg_seq: 3, ..params() })
        .await
        .unwrap_err();
    assert_eq!(err.code.0, 6017, "last_msg_seq is for groups: {}", err.desc);
    app.stop().await;
}

#[tokio::test]
async fn group_history_seq_anchors_include_themselves() {
    // Goal: a seq anchor includes its message, a message anchor wins over it, a seq list returns
    // exactly those, and type and time filters apply.
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (_member, _m) = app.client("member").await;
    let group_id = create_group(&owner, GroupType::PUBLIC, &["member"]).await;
    let mut sent = Vec::new();
    for index in 0..8 {
        let message = if index % 3 == 2 {
            Message { message_elem_array: vec![Elem::custom(format!("{{\"n\":{index}}}"))], ..Message::default() }
        } else {
            Message { message_elem_array: vec![Elem::text(format!("{index}"))], ..Message::default() }
        };
        sent.push(owner.send_message(&group_id, ConvType::GROUP, message).await.unwrap());
    }
    let gid = group_id.as_str();
    assert_eq!(
        page(
            &owner,
            gid,
            ConvType::GROUP,
            GetMsgListParams { msg_getmsglist_param_last_msg_seq: 5, msg_getmsglist_param_count: 3, ..params() }
        )
        .await,
        vec![5, 4, 3]
    );
    assert_eq!(
        page(
            &owner,
            gid,
            ConvType::GROUP,
            GetMsgListParams {
                msg_getmsglist_param_last_msg_seq: 5,
                msg_getmsglist_param_count: 3,
                msg_getmsglist_param_is_forward: true,
                ..params()
            }
        )
        .await,
        vec![5, 6, 7]
    );
    assert_eq!(
        page(
            &owner,
            gid,
            ConvType::GROUP,
            GetMsgListParams {
                msg_getmsglist_param_last_msg_seq: 5,
                msg_getmsglist_param_last_msg: Some(sent[1].clone()),
                msg_getmsglist_param_count: 3,
                ..params()
            }
        )
        .await,
        vec![1],
        "the message anchor (seq 2) wins over the seq anchor"
    );
    assert_eq!(
        page(
            &owner,
            gid,
            ConvType::GROUP,
            GetMsgListParams { msg_getmsglist_param_message_seq_array: vec![7, 2, 99], ..params() }
        )
        .await,
        vec![7, 2]
    );
    assert_eq!(
        page(
            &owner,
            gid,
            ConvType::GROUP,
            GetMsgListParams { msg_getmsglist_param_message_type_array: vec![3], ..params() }
        )
        .await,
        vec![6, 3]
    );
    let now = sent[0].message_server_time;
    assert_eq!(
        page(
            &owner,
            gid,
            ConvType::GROUP,
            GetMsgListParams { msg_getmsglist_param_time_begin: now + 3600, ..params() }
        )
        .await,
        Vec::<u64>::new()
    );
    assert_eq!(
        page(
            &owner,
            gid,
            ConvType::GROUP,
            GetMsgListParams {
                msg_getmsglist_param_time_begin: now - 60,
                msg_getmsglist_param_time_period: 3600,
                msg_getmsglist_param_count: 2,
                msg_getmsglist_param_is_forward: true,
                ..params()
            }
        )
        .await,
        vec![1, 2],
        "a forward page inside a time range starts at its oldest message"
    );
    app.stop().await;
}

#[tokio::test]
async fn members_see_group_history_from_their_join_except_in_meeting_groups() {
    // Goal: a late joiner of a Work group sees only what came after it joined; a Meeting group
    // shows its history to newcomers.
    let app = spawn_app().await;
    let (owner, _o) = app.client("owner").await;
    let (late, _l) = app.client("late").await;
    let work = create_group(&owner, GroupType::WORK, &[]).await;
    let meeting = create_group(&owner, GroupType::MEETING, &[]).await;
    for group_id in [&work, &meeting] {
        owner.send_text(group_id, ConvType::GROUP, "before", false).await.unwrap();
    }
    owner.invite_members(&work, &["late"]).await.unwrap();
    late.join_group(&meeting).await.unwrap();
    for group_id in [&work, &meeting] {
        owner.send_text(group_id, ConvType::GROUP, "after", false).await.unwrap();
    }
    // Seq 2 is the group tips message telling members that `late` joined.
    let work_page = late.get_message_list(&work, ConvType::GROUP, params()).await.unwrap();
    assert_eq!(seqs(&work_page), vec![3, 2]);
    assert_eq!(work_page[1].message_sender, "@TIM#SYSTEM");
    assert_eq!(work_page[1].message_elem_array[0].elem_type(), Some(tincan_proto::enums::ElemType::GROUP_TIPS));
    assert!(work_page[1].message_is_excluded_from_unread_count);
    assert_eq!(page(&late, &meeting, ConvType::GROUP, params()).await, vec![3, 2, 1]);
    let (outsider, _x) = app.client("outsider").await;
    let err = outsider.get_message_list(&work, ConvType::GROUP, params()).await.unwrap_err();
    assert_eq!(err.code.0, 10007, "{}", err.desc);
    app.stop().await;
}
