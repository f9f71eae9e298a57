//! Helpers every area of operations may use: resolving a conversation a client names, how a
//! message looks to a user, and the writes and events of group changes. Areas never import
//! each other; what two share lives here.

use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::group::{Group, Joined, Left};
use tincan_proto::enums::GroupType;
use tincan_proto::push::{self, ConvState, GroupPush};
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, Message, UserId};
use tincan_store::{GroupRecord, MemberRecord, MessageRecord, WriteOp};

use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::receipts::cells::receipt_cells;
use crate::render::{self, MessageView};
use crate::state::{GroupState, lock};

pub(crate) fn group_not_found(group_id: &GroupId) -> ApiError {
    ApiError::new(ErrorCode::GROUP_NOT_FOUND, format!("group {group_id} does not exist or has been dismissed"))
}

/// The conversation a client names, with the user's history floor (messages up to it are not
/// visible).
pub(crate) fn resolve_conv(session: &Session, conv: &Conv) -> Result<(ConvKey, u64), ApiError> {
    let (key, floor) = resolve_conv_floor(session, conv)?;
    // Messages the user cleared from its history are not visible to it either.
    let cleared = lock(&session.account.convs).settings.get(&key).map_or(0, |settings| settings.cleared_seq);
    Ok((key, floor.max(cleared)))
}

fn resolve_conv_floor(session: &Session, conv: &Conv) -> Result<(ConvKey, u64), ApiError> {
    match conv {
        Conv::C2c(peer) => {
            if session.app.account(peer).is_none() {
                return Err(ApiError::new(ErrorCode::C2C_INVALID_ACCOUNT, format!("account {peer} does not exist")));
            }
            Ok((ConvKey::C2c(C2cPair::new(session.user().clone(), peer.clone())?), 0))
        }
        Conv::Group(group_id) => {
            let state = session.app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
            let state = lock(&state);
            if session.is_app_admin() {
                state.group.check_alive()?;
                return Ok((ConvKey::Group(group_id.clone()), 0));
            }
            let member = state.group.check_member(session.user())?;
            // Meeting groups show their history to newcomers; other types start at the join.
            let floor = if state.group.group_type() == GroupType::MEETING { 0 } else { member.join_seq };
            Ok((ConvKey::Group(group_id.clone()), floor))
        }
    }
}

/// The session user's current state in a conversation.
pub(crate) fn conv_state_for(session: &Session, conv: &ConvKey) -> ConvState {
    match conv {
        ConvKey::C2c(pair) => {
            let (Some(side), Some(state)) = (pair.side_of(session.user()), session.app.pair(pair)) else {
                return ConvState::default();
            };
            render::pair_conv_state(&lock(&state), side)
        }
        ConvKey::Group(group_id) => {
            let Some(state) = session.app.group(group_id) else { return ConvState::default() };
            let state = lock(&state);
            match state.group.member(session.user()) {
                Some(member) => render::group_conv_state(&state, member),
                None => ConvState::default(),
            }
        }
    }
}

/// How each of `records` (all of `conv`) looks to the session's user now.
pub(crate) async fn message_views(
    engine: &Engine,
    session: &Session,
    conv: &ConvKey,
    records: &[MessageRecord],
) -> Result<Vec<MessageView>, ApiError> {
    let viewer = session.user();
    match conv {
        ConvKey::C2c(pair) => {
            let side = pair.side_of(viewer);
            let Some(state) = session.app.pair(pair) else { return Ok(vec![MessageView::default(); records.len()]) };
            let state = lock(&state);
            Ok(records
                .iter()
                .map(|record| {
                    let Some(side) = side else { return MessageView::default() };
                    let is_sender = record.sender == *viewer;
                    let public = (record.receipt_read_at != 0 && !record.receipt_private)
                        || state.receipted.contains(record.seq);
                    let private = (record.receipt_read_at != 0 && record.receipt_private)
                        || state.receipted_private.contains(record.seq);
                    MessageView {
                        is_read: is_sender || state.read_of(side).read_seq() >= record.seq,
                        is_peer_read: is_sender && state.read_of(side.other()).published_seq() >= record.seq,
                        has_sent_receipt: !is_sender && record.need_receipt && (public || private),
                        receipt_counts: None,
                        receipt_peer_read: is_sender && record.need_receipt && public,
                    }
                })
                .collect())
        }
        ConvKey::Group(group_id) => {
            let cells = receipt_cells(engine, &session.app, group_id, records).await?;
            let Some(state) = session.app.group(group_id) else {
                return Ok(vec![MessageView::default(); records.len()]);
            };
            let state = lock(&state);
            let member = state.group.member(viewer);
            Ok(records
                .iter()
                .zip(cells)
                .map(|(record, cell)| {
                    let is_sender = record.sender == *viewer;
                    let mut view = MessageView {
                        is_read: is_sender || member.is_some_and(|member| member.read.read_seq() >= record.seq),
                        ..MessageView::default()
                    };
                    if let Some(cell) = cell {
                        let receipt = lock(&cell.state);
                        if is_sender {
                            view.receipt_counts = Some(receipt.counts(state.group.current_members()));
                        } else if let Some(member) = member {
                            view.has_sent_receipt = receipt.has_read(member.index);
                        }
                    }
                    view
                })
                .collect())
        }
    }
}

/// `kTIMGroupTip_Invite`: members were added (by invitation or by joining).
pub(crate) const TIP_INVITE: u32 = 1;
/// `kTIMGroupTip_Quit`: a member left.
pub(crate) const TIP_QUIT: u32 = 2;
/// `kTIMGroupTip_Kick`: members were removed.
pub(crate) const TIP_KICK: u32 = 3;
/// `kTIMMsgPriority_Lowest`, TIM's priority for join and leave notices.
pub(crate) const PRIORITY_LOWEST: u32 = 3;

/// A group tips message (`kTIMElem_GroupTips`) telling every member of a membership change.
///
/// It is one message in the group's log, excluded from unread counts, so that members learn of
/// joins and leaves in the message stream (and on resume) as TIM's clients expect, at the cost
/// of one write whatever the group's size.
pub(crate) fn tips_message(
    engine: &Engine,
    sdkappid: u64,
    state: &mut GroupState,
    tip_type: u32,
    operator: &UserId,
    users: &[&UserId],
    now: u64,
) -> WriteOp {
    tips_message_with(engine, sdkappid, state, TipsMessage { tip_type, operator, users, now }, serde_json::Map::new())
}

/// What every group tips message says.
pub(crate) struct TipsMessage<'a> {
    /// `TIMGroupTipType`.
    pub(crate) tip_type: u32,
    /// Who made the change.
    pub(crate) operator: &'a UserId,
    /// The members it concerns.
    pub(crate) users: &'a [&'a UserId],
    /// When, in seconds.
    pub(crate) now: u64,
}

/// A group tips message with more of TIM's keys (`extra`) in its element: the changes of a
/// profile change (`group_tips_elem_group_change_info_array`) or a member change
/// (`group_tips_elem_member_change_info_array`).
pub(crate) fn tips_message_with(
    engine: &Engine,
    sdkappid: u64,
    state: &mut GroupState,
    tips: TipsMessage<'_>,
    extra: serde_json::Map<String, serde_json::Value>,
) -> WriteOp {
    let TipsMessage { tip_type, operator, users, now } = tips;
    let system = UserId::system();
    let seq = state.group.append_message(&system, now, true);
    let group = &state.group;
    let mut elem = serde_json::json!({
        "elem_type": tincan_proto::enums::ElemType::GROUP_TIPS.0,
        "group_tips_elem_tip_type": tip_type,
        "group_tips_elem_op_user": operator.as_str(),
        "group_tips_elem_group_id": group.id().as_str(),
        "group_tips_elem_group_name": group.profile.name,
        "group_tips_elem_user_array": users.iter().map(|user| user.as_str()).collect::<Vec<_>>(),
        "group_tips_elem_member_num": group.n_members(),
        "group_tips_elem_time": now,
    });
    if let Some(object) = elem.as_object_mut() {
        object.extend(extra);
    }
    let body = serde_json::Value::Array(vec![elem]);
    WriteOp::AppendMessage(tincan_store::MessageRecord {
        sdkappid,
        conv: ConvKey::Group(group.id().clone()),
        seq,
        pos: 0,
        msg_id: format!("0-{now}-{}", engine.random_u64()),
        sender: system,
        rand: 0,
        client_time: now,
        server_time: now,
        need_receipt: false,
        excluded_from_unread: true,
        priority: PRIORITY_LOWEST,
        platform: 0,
        first_elem_type: tincan_proto::enums::ElemType::GROUP_TIPS.0,
        body: body.to_string(),
        cloud_custom: String::new(),
        custom_int: 0,
        custom_str: String::new(),
        receipt_read_at: 0,
        receipt_private: false,
        revision: Default::default(),
        supports_extensions: false,
    })
}

/// The stored form of a group's own fields.
pub(crate) fn group_record(sdkappid: u64, group: &Group, dismissed_at: Option<u64>) -> WriteOp {
    WriteOp::PutGroup(GroupRecord {
        sdkappid,
        group_id: group.id().clone(),
        group_type: group.group_type(),
        profile: group.profile.clone(),
        owner: group.owner().cloned(),
        created_at: group.created_at(),
        info_seq: group.info_seq(),
        next_index: group.next_index(),
        dismissed_at,
    })
}

pub(crate) fn member_ops(sdkappid: u64, group_id: &GroupId, joined: &[Joined]) -> Vec<WriteOp> {
    joined
        .iter()
        .map(|joined| {
            WriteOp::AddMember(MemberRecord {
                sdkappid,
                group_id: group_id.clone(),
                user: joined.user.clone(),
                index: joined.index,
                role: joined.role,
                join_seq: joined.join_seq,
                join_time: joined.join_time,
                join_pos: 0,
                info: tincan_store::MemberInfo::default(),
            })
        })
        .collect()
}

pub(crate) fn leave_ops(sdkappid: u64, group_id: &GroupId, left: &[Left]) -> Vec<WriteOp> {
    left.iter()
        .map(|left| WriteOp::RemoveMember {
            sdkappid,
            group_id: group_id.clone(),
            index: left.index,
            leave_seq: left.leave_seq,
            leave_pos: 0,
        })
        .collect()
}

/// A `group` event for each of `users`.
///
/// A user among the members concerned is told of itself alone; the others concerned are in the
/// group's tips message, stored once. A user who is not among them (the operator, an
/// administrator asked to approve) gets the whole list. A change to many members at once (up to
/// 500 added in one call, 100,000 in a group) would otherwise store the same list of names in
/// every one of their event streams: 9 KB for each of them, which every later read of their
/// streams would step over.
pub(crate) fn group_events(sdkappid: u64, group_id: &GroupId, users: &[&UserId], payload: &GroupPush) -> Vec<WriteOp> {
    let conv = ConvKey::Group(group_id.clone());
    let concerned: std::collections::HashSet<&str> = payload.members.iter().map(String::as_str).collect();
    users
        .iter()
        .map(|user| {
            if concerned.contains(user.as_str()) {
                let own = GroupPush {
                    group_id: payload.group_id.clone(),
                    event: payload.event.clone(),
                    operator: payload.operator.clone(),
                    members: vec![user.as_str().to_owned()],
                    member_count: payload.member_count,
                    group_name: payload.group_name.clone(),
                };
                user_event(sdkappid, user, push::GROUP, Some(&conv), &own)
            } else {
                user_event(sdkappid, user, push::GROUP, Some(&conv), payload)
            }
        })
        .collect()
}

pub(crate) fn group_push(group: &Group, event: &str, operator: &UserId, members: &[&UserId]) -> GroupPush {
    GroupPush {
        group_id: group.id().as_str().to_owned(),
        event: event.to_owned(),
        operator: operator.as_str().to_owned(),
        members: members.iter().map(|user| user.as_str().to_owned()).collect(),
        member_count: group.n_members(),
        group_name: if NAMED_EVENTS.contains(&event) { group.profile.name.clone() } else { String::new() },
    }
}

/// The group events whose receivers may hold the group no more, or never did: they carry its
/// name, so that a notice can say which group it was. The others leave it out, for they reach
/// every member of a group that may be 100,000 strong.
const NAMED_EVENTS: [&str; 4] = ["join_refused", "invite_refused", "removed", "dismissed"];

/// Whether `record` (a message of `conv`) has been revoked: as stored, or as memory knows it
/// now (a revoke decided and not yet durable included).
pub(crate) fn is_revoked_now(session: &Session, conv: &ConvKey, record: &MessageRecord) -> bool {
    if record.is_revoked() {
        return true;
    }
    let revised = match conv {
        ConvKey::C2c(pair) => session.app.pair(pair).and_then(|state| lock(&state).revised.get(&record.seq).cloned()),
        ConvKey::Group(group_id) => {
            session.app.group(group_id).and_then(|state| lock(&state).revised.get(&record.seq).cloned())
        }
    };
    revised.is_some_and(|revised| revised.is_revoked())
}

/// The write that queues a group webhook `command` with TIM's `body` (its `EventTime` added),
/// if the app wants it and its queue has room.
pub(crate) fn group_callback(
    engine: &Engine,
    app: &crate::state::AppState,
    command: &str,
    mut body: serde_json::Value,
) -> Option<WriteOp> {
    if !engine.wants_callback(&app.settings().config, command) {
        return None;
    }
    body["EventTime"] = serde_json::json!(engine.now_ms());
    engine.callback_op(app.sdkappid, command, &crate::webhooks::CallbackEvent::Group { body: body.to_string() })
}

/// `Group.CallbackOnMemberStateChange` for `users` of `group` (`Online` or `Offline`, and its
/// cause: `Join`, `Quit`, `HeartbeatRecover`, `HeartbeatInterrupt`), if the group is an
/// AVChatRoom, the only type TIM reports, and the app wants it.
pub(crate) fn member_state_callback<'a>(
    engine: &Engine,
    app: &crate::state::AppState,
    group: &Group,
    online: bool,
    cause: &str,
    users: impl IntoIterator<Item = &'a UserId>,
) -> Option<WriteOp> {
    if group.group_type() != tincan_proto::enums::GroupType::AV_CHAT_ROOM {
        return None;
    }
    let body = serde_json::json!({
        "GroupId": group.id().as_str(),
        "EventType": if online { "Online" } else { "Offline" },
        "EventCause": cause,
        "MemberList": member_accounts(users),
    });
    group_callback(engine, app, tincan_core::config::CALLBACK_GROUP_MEMBER_STATE_CHANGE, body)
}

/// `[{"Member_Account": user}, ...]`, as group webhooks list members.
pub(crate) fn member_accounts<'a>(users: impl IntoIterator<Item = &'a UserId>) -> serde_json::Value {
    serde_json::Value::Array(
        users.into_iter().map(|user| serde_json::json!({"Member_Account": user.as_str()})).collect(),
    )
}

/// A group type by TIM's REST name, as group webhooks give it.
pub(crate) fn rest_type(group: &Group) -> &'static str {
    group.group_type().rest_name().unwrap_or("Public")
}

/// A stored message a client named, and its conversation.
pub(crate) struct Target {
    pub(crate) conv: ConvKey,
    pub(crate) record: MessageRecord,
}

/// The stored message of `conv` that `message` names (by `message_seq`, or by
/// `message_msg_id`), visible to the session's user (after its history floor); `not_found`
/// makes the error when there is none.
pub(crate) async fn find_message(
    engine: &Engine,
    session: &Session,
    conv: &Conv,
    message: &Message,
    not_found: impl Fn(String) -> ApiError,
) -> Result<Target, ApiError> {
    let (conv, floor) = resolve_conv(session, conv)?;
    let sdkappid = session.app.sdkappid;
    let record = if message.message_seq != 0 {
        let (query_conv, seq) = (conv.clone(), message.message_seq);
        engine.read_store(move |reader| reader.message_by_seq(sdkappid, &query_conv, seq)).await?
    } else if !message.message_msg_id.is_empty() {
        let msg_id = message.message_msg_id.clone();
        engine.read_store(move |reader| reader.message_by_id(sdkappid, &msg_id)).await?
    } else {
        return Err(ApiError::invalid_parameter(
            "the message has neither message_seq nor message_msg_id; pass the message as it was sent or received",
        ));
    };
    let named = format!("message {:?} (seq {})", message.message_msg_id, message.message_seq);
    match record {
        Some(record)
            if record.conv == conv
                && record.seq > floor
                && (message.message_msg_id.is_empty() || record.msg_id == message.message_msg_id) =>
        {
            Ok(Target { conv, record })
        }
        _ => Err(not_found(format!("{named} is not a message of this conversation"))),
    }
}
