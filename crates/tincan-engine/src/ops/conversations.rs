//! Conversation lists, unread counts and marking conversations read.
//!
//! Marking a C2C conversation read is also a read report to the peer: its messages show
//! `message_is_peer_read` and its devices get a receipt push with the time (unless the reader
//! keeps its reads private).
//! Every device of the reader gets a `conv_read` push with the conversation's new state, so one
//! user's read state is the same on all of its devices.
//!
//! `manage` holds what a user sets on its own conversations (deleting, clearing, drafts, pins,
//! marks, custom data, conversation groups), which every list and conversation here shows.

mod manage;

use std::sync::Arc;

use tincan_core::config::CALLBACK_C2C_AFTER_MSG_REPORT;
use tincan_core::conv::{C2cPair, ConvKey, Side, StoredRead};
use tincan_core::history::{HistoryPlan, Scan};
use tincan_proto::api::{self, Empty, clean_unread, get_conversation_list, get_total_unread, report_read};
use tincan_proto::conv::{ConvKind, ConvScope, ConvSelector};
use tincan_proto::conv_manage::mark;
use tincan_proto::enums::ConvType;
use tincan_proto::objects::{ConvInfo, ConversationOperationResult};
use tincan_proto::push::{self, ConvReadPush, ConvState, ReceiptPush};
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, UserId};
use tincan_store::{ConvSettings, MessageRecord, ReadStateRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::ops::common::{group_not_found, resolve_conv};
use crate::ops::handle;
use crate::render::{self, MessageView};
use crate::state::{AppState, GroupState, PairState, lock};
use crate::webhooks::CallbackEvent;

/// `conv_get_list` (TIM `TIMConvGetConvList`).
pub(crate) async fn get_list(
    _engine: &Engine,
    session: &Session,
    _request: get_conversation_list::Request,
) -> Result<get_conversation_list::Response, ApiError> {
    Ok(get_conversation_list::Response { conversations: conversations(session) })
}

/// Every conversation in the session user's list: pinned first, then newest activity first.
/// Conversations the user deleted or hid stay out until their next message.
pub(crate) fn conversations(session: &Session) -> Vec<ConvInfo> {
    let (peers, groups, settings) = {
        let convs = lock(&session.account.convs);
        (
            convs.peers.iter().cloned().collect::<Vec<_>>(),
            convs.groups.iter().cloned().collect::<Vec<_>>(),
            convs.settings.clone(),
        )
    };
    let none = ConvSettings::default();
    let me = session.user();
    let mut list: Vec<ConvInfo> = Vec::with_capacity(peers.len() + groups.len());
    for peer in &peers {
        let Ok(pair) = C2cPair::new(me.clone(), peer.clone()) else { continue };
        let conv_settings = settings.get(&ConvKey::C2c(pair.clone())).unwrap_or(&none);
        if let Some(info) = c2c_info(session, &pair, peer, conv_settings)
            && is_listed(&info, conv_settings)
        {
            list.push(info);
        }
    }
    for group_id in &groups {
        let conv_settings = settings.get(&ConvKey::Group(group_id.clone())).unwrap_or(&none);
        if let Some(info) = group_info(session, group_id, conv_settings)
            && is_listed(&info, conv_settings)
        {
            list.push(info);
        }
    }
    sort_list(&mut list);
    list
}

/// The list's order: pinned first, then newest activity (within a second, the newer last
/// message first), then by ID.
pub(crate) fn sort_list(list: &mut [ConvInfo]) {
    let last_pos = |conv: &ConvInfo| conv.conv_last_msg.as_ref().map_or(0, |last| last.message_unique_id);
    list.sort_by(|a, b| {
        b.conv_is_pinned
            .cmp(&a.conv_is_pinned)
            .then_with(|| b.conv_active_time.cmp(&a.conv_active_time))
            .then_with(|| last_pos(b).cmp(&last_pos(a)))
            .then_with(|| a.conv_id.cmp(&b.conv_id))
    });
}

/// Whether a conversation is in the user's list: not deleted or hidden, or with a message since.
pub(crate) fn is_listed(info: &ConvInfo, settings: &ConvSettings) -> bool {
    settings.deleted_seq.is_none_or(|seq| info.conv_max_seq > seq)
}

/// The session user's C2C conversation with `peer`; `None` when they have never talked and the
/// user did not create it.
fn c2c_info(session: &Session, pair: &C2cPair, peer: &UserId, settings: &ConvSettings) -> Option<ConvInfo> {
    let me = session.user();
    let side = pair.side_of(me)?;
    let state = session.app.pair(pair);
    if state.is_none() && settings.created_at == 0 {
        return None;
    }
    let state = state.as_ref().map(|state| lock(state));
    Some(c2c_info_locked(&session.app, me, peer, state.as_deref(), side, settings))
}

/// The C2C conversation with `peer` as `me` sees it, from the pair's state (none if they never
/// talked) under its lock, with the peer's nickname and avatar as they are now.
pub(crate) fn c2c_info_locked(
    app: &AppState,
    me: &UserId,
    peer: &UserId,
    state: Option<&PairState>,
    side: Side,
    settings: &ConvSettings,
) -> ConvInfo {
    let (show_name, face_url) = match app.account(peer) {
        Some(account) => {
            let state = lock(&account.profile);
            let nick = &state.profile.user_profile_nick_name;
            let name = if nick.is_empty() { peer.as_str() } else { nick.as_str() };
            (name.to_owned(), state.profile.user_profile_face_url.clone())
        }
        None => (peer.as_str().to_owned(), String::new()),
    };
    let mut info = ConvInfo {
        conv_id: peer.as_str().to_owned(),
        conv_type: ConvType::C2C,
        conv_show_name: show_name,
        conv_face_url: face_url,
        ..ConvInfo::default()
    };
    if let Some(state) = state {
        let conv = render::pair_conv_state(state, side);
        let peer_read = state.read_of(side.other());
        let last = state.last_message.as_ref().map(|record| {
            let is_sender = record.sender == *me;
            let view = MessageView {
                is_read: is_sender || conv.read_seq >= record.seq,
                is_peer_read: is_sender && peer_read.published_seq() >= record.seq,
                ..MessageView::default()
            };
            Arc::new(render::message_for(app, record, me, &view))
        });
        info.conv_unread_num = conv.unread;
        info.conv_active_time = state.last_message.as_ref().map_or(0, |record| record.server_time);
        info.conv_is_has_lastmsg = last.is_some();
        info.conv_last_msg = last;
        info.conv_c2c_read_timestamp = peer_read.published_time();
        info.conv_max_seq = conv.max_seq;
        info.conv_read_seq = conv.read_seq;
    }
    apply_settings(&mut info, settings);
    info
}

fn group_info(session: &Session, group_id: &GroupId, settings: &ConvSettings) -> Option<ConvInfo> {
    let state = session.app.group(group_id)?;
    let state = lock(&state);
    group_info_locked(&session.app, session.user(), group_id, &state, settings)
}

/// The group's conversation as `me` sees it, under the group's lock; `None` when `me` is not a
/// member.
pub(crate) fn group_info_locked(
    app: &AppState,
    me: &UserId,
    group_id: &GroupId,
    state: &GroupState,
    settings: &ConvSettings,
) -> Option<ConvInfo> {
    let member = state.group.member(me)?;
    let conv = render::group_conv_state(state, member);
    let last = state.last_message.as_ref().filter(|record| record.seq > member.join_seq || is_meeting(&state.group));
    let last_msg = last.map(|record| {
        let view =
            MessageView { is_read: record.sender == *me || conv.read_seq >= record.seq, ..MessageView::default() };
        Arc::new(render::message_for(app, record, me, &view))
    });
    let mut info = ConvInfo {
        conv_id: group_id.as_str().to_owned(),
        conv_type: ConvType::GROUP,
        conv_unread_num: conv.unread,
        conv_active_time: last.map_or(member.join_time, |record| record.server_time.max(member.join_time)),
        conv_is_has_lastmsg: last_msg.is_some(),
        conv_last_msg: last_msg,
        conv_show_name: state.group.profile.name.clone(),
        conv_face_url: state.group.profile.face_url.clone(),
        conv_group_type: Some(state.group.group_type()),
        conv_group_read_sequence: conv.read_seq,
        conv_max_seq: conv.max_seq,
        conv_read_seq: conv.read_seq,
        ..ConvInfo::default()
    };
    apply_settings(&mut info, settings);
    Some(info)
}

/// Shows what the user set on a conversation: its draft, pin, marks, custom data and
/// conversation groups; a last message the user cleared is not shown.
fn apply_settings(info: &mut ConvInfo, settings: &ConvSettings) {
    if info.conv_last_msg.as_ref().is_some_and(|last| last.message_seq <= settings.cleared_seq) {
        info.conv_last_msg = None;
        info.conv_is_has_lastmsg = false;
    }
    info.conv_active_time = info.conv_active_time.max(settings.created_at);
    info.conv_draft = (!settings.draft.is_empty()).then(|| serde_json::from_str(&settings.draft).ok()).flatten();
    info.conv_is_has_draft = info.conv_draft.is_some();
    info.conv_is_pinned = settings.pinned;
    info.conv_recv_opt = settings.recv_opt;
    let mut marks = settings.marks;
    if is_listed(info, settings) {
        // A conversation hidden before its latest message is hidden no more.
        marks &= !mark::HIDE;
    }
    info.conv_mark_array = mark::list(marks);
    info.conv_custom_data = settings.custom_data.clone();
    info.conv_conversation_group_array = settings.groups.clone();
}

fn is_meeting(group: &tincan_core::group::Group) -> bool {
    group.group_type() == tincan_proto::enums::GroupType::MEETING
}

/// `conv_get_total_unread` (TIM `TIMConvGetTotalUnreadMessageCount`).
pub(crate) async fn get_total_unread(
    _engine: &Engine,
    session: &Session,
    _request: get_total_unread::Request,
) -> Result<get_total_unread::Response, ApiError> {
    let total = conversations(session).iter().map(|conv| conv.conv_unread_num).sum();
    Ok(get_total_unread::Response { conv_get_total_unread_message_count_result_unread_count: total })
}

/// Where to move a read position to.
#[derive(Clone, Copy, Debug)]
enum ReadTarget {
    /// Everything.
    All,
    /// C2C: messages sent at or before this time (seconds).
    UpTo(u64),
    /// Group: messages up to this seq.
    Seq(u64),
}

/// `conv_clean_unread` (TIM `TIMConvCleanConversationUnreadMessageCount`).
pub(crate) async fn clean_unread(
    engine: &Engine,
    session: &Session,
    request: clean_unread::Request,
) -> Result<clean_unread::Response, ApiError> {
    let c2c_target =
        if request.clean_timestamp == 0 { ReadTarget::All } else { ReadTarget::UpTo(request.clean_timestamp) };
    let group_target =
        if request.clean_sequence == 0 { ReadTarget::All } else { ReadTarget::Seq(request.clean_sequence) };
    let convs = match request.conversation_id {
        ConvSelector::Scope(ConvScope::One(conv @ Conv::C2c(_))) => vec![resolve_conv(session, &conv)?.0],
        ConvSelector::Scope(ConvScope::One(Conv::Group(group_id))) => {
            // A user who is not a member gets its code in the result rather than the call's.
            session.app.group(&group_id).ok_or_else(|| group_not_found(&group_id))?;
            vec![ConvKey::Group(group_id)]
        }
        ConvSelector::Scope(ConvScope::Every(kind)) => every_conv(session, Some(kind)),
        ConvSelector::All => every_conv(session, None),
    };
    let mut results = Vec::with_capacity(convs.len());
    for conv in convs {
        let (conversation_id, target) = match &conv {
            ConvKey::C2c(pair) => {
                let peer = pair.side_of(session.user()).map_or(pair.low(), |side| pair.peer_of(side));
                (ConvSelector::conversation_id(&Conv::C2c(peer.clone())), c2c_target)
            }
            ConvKey::Group(group_id) => (ConvSelector::conversation_id(&Conv::Group(group_id.clone())), group_target),
        };
        let outcome = mark_read(engine, session, &conv, target).await;
        results.push(ConversationOperationResult {
            conversation_operation_result_conversation_id: conversation_id,
            conversation_operation_result_result_code: outcome.as_ref().map_or_else(|err| err.code.0, |()| 0),
            conversation_operation_result_result_info: outcome.err().map(|err| err.desc).unwrap_or_default(),
        });
    }
    Ok(clean_unread::Response { results })
}

/// The session user's conversations of `kind` (every kind when `None`): its C2C conversations,
/// then its groups.
fn every_conv(session: &Session, kind: Option<ConvKind>) -> Vec<ConvKey> {
    let convs = lock(&session.account.convs);
    let mut targets = Vec::new();
    if kind != Some(ConvKind::Group) {
        for peer in &convs.peers {
            if let Ok(pair) = C2cPair::new(session.user().clone(), peer.clone()) {
                targets.push(ConvKey::C2c(pair));
            }
        }
    }
    if kind != Some(ConvKind::C2c) {
        targets.extend(convs.groups.iter().map(|group_id| ConvKey::Group(group_id.clone())));
    }
    targets
}

/// `msg_report_read` (TIM `TIMMsgReportReaded`, deprecated there; kept for old apps).
pub(crate) async fn report_read(
    engine: &Engine,
    session: &Session,
    request: report_read::Request,
) -> Result<Empty, ApiError> {
    let conv = match request.scope {
        ConvScope::One(conv) => conv,
        every @ ConvScope::Every(_) => {
            let request =
                clean_unread::Request { conversation_id: every.into(), clean_timestamp: 0, clean_sequence: 0 };
            clean_unread(engine, session, request).await?;
            return Ok(Empty {});
        }
    };
    let (conv, _) = resolve_conv(session, &conv)?;
    let target = match &request.message {
        Some(message) if message.message_seq != 0 => ReadTarget::Seq(message.message_seq),
        Some(message) if !message.message_msg_id.is_empty() => {
            let (sdkappid, msg_id) = (session.app.sdkappid, message.message_msg_id.clone());
            match engine.read_store(move |reader| reader.message_by_id(sdkappid, &msg_id)).await? {
                Some(record) if record.conv == conv => ReadTarget::Seq(record.seq),
                _ => {
                    return Err(ApiError::invalid_parameter(format!(
                        "message {:?} is not a message of this conversation",
                        message.message_msg_id
                    )));
                }
            }
        }
        _ => ReadTarget::All,
    };
    mark_read(engine, session, &conv, target).await?;
    Ok(Empty {})
}

/// Moves the session user's read position in one conversation and tells whoever should know.
async fn mark_read(engine: &Engine, session: &Session, conv: &ConvKey, target: ReadTarget) -> Result<(), ApiError> {
    let app = &session.app;
    let me = session.user();
    let now = engine.now();
    let seq_for_time = match (conv, target) {
        (ConvKey::C2c(_), ReadTarget::UpTo(time)) => Some(last_seq_at(engine, session, conv, time).await?),
        _ => None,
    };
    // The C2C read report webhook carries the reader's unread C2C messages in all: those of its
    // other conversations are counted here, outside this conversation's lock.
    // A private reader's reads reach no one else, the app's back end included.
    let report = match conv {
        ConvKey::C2c(pair)
            if !session.account.is_private()
                && engine.wants_callback(&app.settings().config, CALLBACK_C2C_AFTER_MSG_REPORT) =>
        {
            pair.side_of(me).map(|side| engine.c2c_unread_except(app, me, pair.peer_of(side)))
        }
        _ => None,
    };
    let committing = match conv {
        ConvKey::C2c(pair) => {
            let Some(state) = app.pair(pair) else { return Ok(()) };
            let side =
                pair.side_of(me).ok_or_else(|| crate::engine::internal("reader outside its own pair".to_owned()))?;
            engine
                .commit(
                    || lock(&state),
                    |state| {
                        let seq = match target {
                            ReadTarget::All => state.shown_seq(),
                            ReadTarget::Seq(seq) => seq.min(state.shown_seq()),
                            ReadTarget::UpTo(_) => seq_for_time.unwrap_or(0).min(state.shown_seq()),
                        };
                        let unread_before = state.unread_of(side);
                        if !state.read_of_mut(side).advance(seq, now) {
                            return Ok(Decision::Nothing(()));
                        }
                        // The peer learns of the read only when it covered some of the peer's messages, and
                        // never while the reader keeps its reads private.
                        let published = !session.account.is_private() && state.read_of_mut(side).publish();
                        let read_peer_messages = state.unread_of(side) < unread_before;
                        let conv_state = render::pair_conv_state(state, side);
                        let peer = pair.peer_of(side).clone();
                        let stored = state.read_of(side).stored();
                        let mut ops = read_ops(session, conv, peer.as_str(), ConvType::C2C, conv_state, stored, false);
                        if published && read_peer_messages {
                            let receipt = render::c2c_receipt(me, "", seq, now);
                            let payload = ReceiptPush { receipts: vec![receipt] };
                            ops.push(user_event(session.app.sdkappid, &peer, push::RECEIPT, Some(conv), &payload));
                        }
                        if let Some(unread_elsewhere) = report {
                            let event = CallbackEvent::AfterMsgReport {
                                reporter: me.as_str().to_owned(),
                                peer: peer.as_str().to_owned(),
                                last_read_time: now,
                                unread: unread_elsewhere + state.unread_of(side),
                                event_time_ms: engine.now_ms(),
                                platform: session.event_platform(),
                            };
                            ops.extend(engine.callback_op(app.sdkappid, CALLBACK_C2C_AFTER_MSG_REPORT, &event));
                        }
                        Ok(Decision::write(ops, Tell::devices(app.sdkappid), ()))
                    },
                )
                .await?
        }
        ConvKey::Group(group_id) => {
            let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
            engine
                .commit(
                    || lock(&state),
                    |state| {
                        let seq = match target {
                            ReadTarget::Seq(seq) => seq.min(state.shown_seq()),
                            ReadTarget::All | ReadTarget::UpTo(_) => state.shown_seq(),
                        };
                        match state.group.advance_read(me, seq, now) {
                            None => {
                                return Err(state
                                    .group
                                    .check_member(me)
                                    .err()
                                    .unwrap_or_else(|| group_not_found(group_id)));
                            }
                            Some(false) => return Ok(Decision::Nothing(())),
                            Some(true) => {}
                        }
                        if !session.account.is_private() {
                            state.group.publish_read(me);
                        }
                        let Some(member) = state.group.member(me) else { return Ok(Decision::Nothing(())) };
                        let conv_state = render::group_conv_state(state, member);
                        let ops = read_ops(
                            session,
                            conv,
                            group_id.as_str(),
                            ConvType::GROUP,
                            conv_state,
                            member.read.stored(),
                            false,
                        );
                        Ok(Decision::write(ops, Tell::devices(app.sdkappid), ()))
                    },
                )
                .await?
        }
    };
    if !committing.wrote() {
        return Ok(());
    }
    committing.durable().await?;
    if report.is_some() {
        engine.wake_webhooks();
    }
    Ok(())
}

/// How many of a member's own messages one store read brings when its read position moves back.
const OWN_MESSAGES_PAGE: usize = 1_000;

/// How many times setting an unread count starts over when the member's read position moved
/// while its own messages were being read.
const SET_UNREAD_ATTEMPTS: usize = 5;

impl Engine {
    /// Sets the session user's unread count in a group (REST `set_unread_msg_num`): its read
    /// position moves, forward or back, to the newest position after which `unread` messages
    /// count (all it can see, when it can see fewer), and its devices are told with the
    /// `conv_read` push a read makes. Moving back, receipts already sent stay sent, and so does
    /// the read position others were told of.
    pub async fn set_group_unread(&self, session: &Session, group_id: &GroupId, unread: u64) -> Result<(), ApiError> {
        let app = &session.app;
        let me = session.user();
        let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
        for _ in 0..SET_UNREAD_ATTEMPTS {
            // Checks membership, and gives the oldest message the member can see.
            let (conv, floor) = resolve_conv(session, &Conv::Group(group_id.clone()))?;
            let read_seq = lock(&state).group.check_member(me)?.read.read_seq();
            // The member's messages at or below its position were handed to the writer before
            // this point; once this empty batch is durable, so are they, and the store has them.
            self.commit_unlocked(Vec::new(), Tell::Nobody).await?;
            let mut own = roaring::RoaringTreemap::new();
            let mut known_from = read_seq;
            while known_from > floor {
                let found = {
                    let state = lock(&state);
                    state.group.read_position_for_unread(me, unread, floor, known_from, state.shown_seq(), &own)
                };
                if !matches!(found, Some(None)) {
                    break;
                }
                let (sdkappid, conv, sender) = (app.sdkappid, conv.clone(), me.clone());
                let page = self
                    .read_store(move |reader| {
                        reader.messages_by_sender(sdkappid, &conv, &sender, (floor, known_from), OWN_MESSAGES_PAGE)
                    })
                    .await?;
                own.extend(page.iter().map(|record| record.seq));
                known_from = match page.last() {
                    Some(oldest) if page.len() == OWN_MESSAGES_PAGE => oldest.seq.saturating_sub(1).max(floor),
                    _ => floor,
                };
            }
            let now = self.now();
            let committing = self
                .commit(
                    || lock(&state),
                    |state| {
                        let member = state.group.check_member(me)?;
                        if member.read.read_seq() != read_seq {
                            // It moved meanwhile: its own messages below the new position were
                            // not all read. Start over.
                            return Ok(Decision::Nothing(false));
                        }
                        let Some(Some(position)) = state.group.read_position_for_unread(
                            me,
                            unread,
                            floor,
                            known_from,
                            state.shown_seq(),
                            &own,
                        ) else {
                            return Ok(Decision::Nothing(false));
                        };
                        let moved_back = position < read_seq;
                        if state.group.move_read(me, position, now, &own) != Some(true) {
                            return Ok(Decision::Nothing(true));
                        }
                        let Some(member) = state.group.member(me) else { return Ok(Decision::Nothing(true)) };
                        let conv_state = render::group_conv_state(state, member);
                        let stored = member.read.stored();
                        let ops = read_ops(
                            session,
                            &conv,
                            group_id.as_str(),
                            ConvType::GROUP,
                            conv_state,
                            stored,
                            moved_back,
                        );
                        Ok(Decision::write(ops, Tell::devices(app.sdkappid), true))
                    },
                )
                .await?;
            let (done, _) = committing.durable().await?;
            if done {
                return Ok(());
            }
        }
        Err(ApiError::new(
            ErrorCode::GROUP_INTERNAL_ERROR,
            format!(
                "{me}'s read position in group {group_id} kept moving while its unread count was being set; try again"
            ),
        ))
    }
}

/// The stored read position and the `conv_read` push for the reader's devices.
fn read_ops(
    session: &Session,
    conv: &ConvKey,
    conv_id: &str,
    conv_type: ConvType,
    state: ConvState,
    stored: StoredRead,
    moved_back: bool,
) -> Vec<WriteOp> {
    let conv_id = conv_id.to_owned();
    vec![
        WriteOp::PutReadState(ReadStateRecord {
            sdkappid: session.app.sdkappid,
            user: session.user().clone(),
            conv: conv.clone(),
            read_seq: stored.read_seq,
            read_time: stored.read_time,
            published_seq: stored.published_seq,
            published_time: stored.published_time,
        }),
        user_event(
            session.app.sdkappid,
            session.user(),
            push::CONV_READ,
            Some(conv),
            &ConvReadPush { conv_id, conv_type, conv: state, moved_back },
        ),
    ]
}

/// The seq of the newest message of `conv` sent at or before `time` (0 if none).
async fn last_seq_at(engine: &Engine, session: &Session, conv: &ConvKey, time: u64) -> Result<u64, ApiError> {
    let plan = HistoryPlan::Scan(Scan {
        forward: false,
        after_seq: 0,
        before_seq: u64::MAX,
        time_range: Some((0, time)),
        elem_types: Vec::new(),
        count: 1,
    });
    let (sdkappid, conv) = (session.app.sdkappid, conv.clone());
    let found: Vec<MessageRecord> = engine.read_store(move |reader| reader.messages(sdkappid, &conv, &plan)).await?;
    Ok(found.first().map_or(0, |record| record.seq))
}

handle!(api::report_read::Request => report_read);
handle!(api::get_conversation_list::Request => get_list);
handle!(api::get_total_unread::Request => get_total_unread);
handle!(api::clean_unread::Request => clean_unread);
