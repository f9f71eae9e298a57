//! What a user sets on its own conversations: deleting and clearing them, creating them without
//! a message, drafts, pins, marks, custom data and conversation groups.
//!
//! These are the user's alone: the peer's conversation and the other members' are never
//! touched. Each change is stored as the user's settings of the conversation
//! (`WriteOp::PutConvSettings`) and told to every device of the user with a `conv` push carrying
//! the conversation as it now is, in the same batch; a conversation group change is told with a
//! `conv_group` push.
//!
//! A change to one conversation is decided under that conversation's lock and then the user's
//! conversation set (the state's lock order), so the pushed conversation is exactly its state
//! at that position. Deleting and clearing move the user's read position to the newest message
//! without publishing it: the peer is not told of a read that did not happen.

use std::sync::MutexGuard;

use tincan_core::conv::{ConvKey, Side};
use tincan_proto::api::{
    Empty, add_to_conv_group, cancel_draft, clear_history, create_conv_group, create_conversation, delete_conv_group,
    delete_conversations, get_all_recv_opt, get_c2c_recv_opt, get_conv_groups, get_conversation_list_by_filter,
    get_conversations, get_total_unread, get_unread_by_filter, mark_conversations, pin_conversation,
    remove_from_conv_group, rename_conv_group, set_all_recv_opt, set_c2c_recv_opt, set_conv_custom_data, set_draft,
    set_group_recv_opt,
};
use tincan_proto::conv_manage::{
    CONV_GROUP_PUSH, CONV_PUSH, ConvGroupPush, ConvPush, ConversationId, check_group_name, mark,
};
use tincan_proto::enums::{ConvEvent, ConvType};
use tincan_proto::ids::ListedId;
use tincan_proto::objects::{ConvInfo, ConversationOperationResult};
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, UserId, limits};
use tincan_store::{AllRecvOpt, AllRecvOptRecord, ConvGroupsRecord, ConvSettings, ConvSettingsRecord, WriteOp};

use super::{c2c_info_locked, conversations, group_info_locked, is_listed, read_ops};
use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::ops::common::resolve_conv;
use crate::ops::handle;
use crate::render;
use crate::state::{AccountConvs, AppState, GroupState, PairState, lock};

/// What a change may use and ask for, beside the settings it changes.
struct Change {
    /// The conversation's newest seq shown (see [`PairState::shown_seq`]).
    max_seq: u64,
    /// The server's clock, in seconds.
    now: u64,
    /// Conversations of the user, other than this one, with marks, custom data or groups.
    others_with_settings: usize,
    /// Move the user's read position to the newest message, without publishing it.
    read_all: bool,
}

/// The locks of one conversation's change: the conversation's (if it has a state), taken first.
enum Held<'a> {
    Pair { state: Option<MutexGuard<'a, PairState>>, side: Side, peer: &'a UserId },
    Group { state: MutexGuard<'a, GroupState>, group_id: &'a GroupId },
}

impl Held<'_> {
    fn max_seq(&self) -> u64 {
        match self {
            Held::Pair { state, .. } => state.as_ref().map_or(0, |state| state.shown_seq()),
            Held::Group { state, .. } => state.shown_seq(),
        }
    }

    fn info(&self, app: &AppState, me: &UserId, settings: &ConvSettings) -> Option<ConvInfo> {
        match self {
            Held::Pair { state, side, peer } => Some(c2c_info_locked(app, me, peer, state.as_deref(), *side, settings)),
            Held::Group { state, group_id } => group_info_locked(app, me, group_id, state, settings),
        }
    }

    /// Moves `me`'s read position to the newest message without publishing it; the ops that
    /// store it and tell `me`'s devices, if it moved.
    fn read_all(&mut self, session: &Session, conv: &ConvKey, now: u64) -> Vec<WriteOp> {
        let me = session.user();
        match self {
            Held::Pair { state: Some(state), side, peer } => {
                let max_seq = state.shown_seq();
                if !state.read_of_mut(*side).advance(max_seq, now) {
                    return Vec::new();
                }
                let conv_state = render::pair_conv_state(state, *side);
                let stored = state.read_of(*side).stored();
                read_ops(session, conv, peer.as_str(), ConvType::C2C, conv_state, stored, false)
            }
            Held::Pair { state: None, .. } => Vec::new(),
            Held::Group { state, group_id } => {
                let max_seq = state.shown_seq();
                if state.group.advance_read(me, max_seq, now) != Some(true) {
                    return Vec::new();
                }
                let Some(member) = state.group.member(me) else { return Vec::new() };
                let conv_state = render::group_conv_state(state, member);
                let stored = member.read.stored();
                read_ops(session, conv, group_id.as_str(), ConvType::GROUP, conv_state, stored, false)
            }
        }
    }
}

/// Whether settings count towards the user's [`limits::CONV_SETTINGS_MAX`].
fn counts_towards_limit(settings: &ConvSettings) -> bool {
    settings.marks != 0 || !settings.custom_data.is_empty() || !settings.groups.is_empty()
}

/// The settings record of `conv` for the session's user.
fn settings_op(session: &Session, conv: &ConvKey, settings: &ConvSettings) -> WriteOp {
    WriteOp::PutConvSettings(ConvSettingsRecord {
        sdkappid: session.app.sdkappid,
        user: session.user().clone(),
        conv: conv.clone(),
        settings: settings.clone(),
    })
}

/// Stores `settings` in the user's conversation set (removing empty ones).
fn keep_settings(convs: &mut AccountConvs, conv: &ConvKey, settings: ConvSettings) {
    if settings.is_empty() {
        convs.settings.remove(conv);
    } else {
        convs.settings.insert(conv.clone(), settings);
    }
}

/// Changes the session user's settings of `conv` with `change`, stores them and tells the
/// user's devices; returns what `change` returned and the conversation as it now is. The
/// conversation must be the user's: a peer that is an account (20003), a group it is in.
async fn change_settings<T: Send + 'static>(
    engine: &Engine,
    session: &Session,
    conv: &Conv,
    change: impl FnOnce(&mut ConvSettings, &mut Change) -> Result<T, ApiError>,
) -> Result<(T, ConvInfo), ApiError> {
    let (key, _) = resolve_conv(session, conv)?;
    let me = session.user();
    let sdkappid = session.app.sdkappid;
    let now = engine.now();
    let (pair_state, group_state) = match &key {
        ConvKey::C2c(pair) => (session.app.pair(pair), None),
        ConvKey::Group(group_id) => {
            let state = session.app.group(group_id).ok_or_else(|| crate::ops::common::group_not_found(group_id))?;
            (None, Some(state))
        }
    };
    let lock_conv = || match (&key, conv) {
        (ConvKey::C2c(pair), Conv::C2c(peer)) => Ok(Held::Pair {
            state: pair_state.as_ref().map(|state| lock(state)),
            side: pair.side_of(me).ok_or_else(|| crate::engine::internal("a user outside its own pair".to_owned()))?,
            peer,
        }),
        (ConvKey::Group(_), Conv::Group(group_id)) => match &group_state {
            Some(state) => Ok(Held::Group { state: lock(state), group_id }),
            None => Err(crate::ops::common::group_not_found(group_id)),
        },
        _ => Err(crate::engine::internal("a conversation of two kinds".to_owned())),
    };
    let committing = engine
        .commit(lock_conv, |held| {
            let held = match held {
                Ok(held) => held,
                Err(err) => return Err(err.clone()),
            };
            let mut convs = lock(&session.account.convs);
            let old = convs.settings.get(&key).cloned().unwrap_or_default();
            let before = held.info(&session.app, me, &old).ok_or_else(|| not_member(conv))?;
            let others_with_settings = convs
                .settings
                .iter()
                .filter(|(other, settings)| **other != key && counts_towards_limit(settings))
                .count();
            let mut settings = old.clone();
            let mut ctx = Change { max_seq: held.max_seq(), now, others_with_settings, read_all: false };
            let value = change(&mut settings, &mut ctx)?;
            let mut ops = Vec::new();
            if ctx.read_all {
                ops.extend(held.read_all(session, &key, now));
            }
            if settings == old && ops.is_empty() {
                return Ok(Decision::Nothing((value, before)));
            }
            let after = held.info(&session.app, me, &settings).ok_or_else(|| not_member(conv))?;
            let event = match (is_listed(&before, &old), is_listed(&after, &settings)) {
                (_, false) => ConvEvent::DEL,
                (false, true) => ConvEvent::ADD,
                (true, true) => ConvEvent::UPDATE,
            };
            if let (ConvKey::C2c(_), Conv::C2c(peer)) = (&key, conv)
                && settings.created_at != 0
            {
                convs.peers.insert(peer.clone());
            }
            let left_groups: Vec<String> =
                old.groups.iter().filter(|name| !settings.groups.contains(name)).cloned().collect();
            ops.push(settings_op(session, &key, &settings));
            keep_settings(&mut convs, &key, settings);
            ops.push(user_event(
                sdkappid,
                me,
                CONV_PUSH,
                Some(&key),
                &ConvPush { event, conversations: vec![after.clone()] },
            ));
            for group_name in left_groups {
                // A deleted conversation leaves its conversation groups (TIM's reason 1).
                let payload = ConvGroupPush {
                    event: "removed".to_owned(),
                    group_name,
                    conversations: vec![after.clone()],
                    reason: 1,
                    ..ConvGroupPush::default()
                };
                ops.push(user_event(sdkappid, me, CONV_GROUP_PUSH, Some(&key), &payload));
            }
            Ok(Decision::write(ops, Tell::devices(sdkappid), (value, after)))
        })
        .await?;
    Ok(committing.durable().await?.0)
}

fn not_member(conv: &Conv) -> ApiError {
    ApiError::new(ErrorCode::GROUP_PERMISSION_DENIED, format!("you are not a member of group {}", conv.conv_id()))
}

/// The result entry of one conversation of a list call.
fn result_of(conversation_id: &str, outcome: Result<(), ApiError>) -> ConversationOperationResult {
    ConversationOperationResult {
        conversation_operation_result_conversation_id: conversation_id.to_owned(),
        conversation_operation_result_result_code: outcome.as_ref().map_or_else(|err| err.code.0, |()| 0),
        conversation_operation_result_result_info: outcome.err().map(|err| err.desc).unwrap_or_default(),
    }
}

/// Runs `change` on each conversation named, each on its own; one result per conversation.
async fn change_each<F>(
    engine: &Engine,
    session: &Session,
    ids: &[ListedId<ConversationId>],
    change: F,
) -> Vec<ConversationOperationResult>
where
    F: Fn(&mut ConvSettings, &mut Change) -> Result<(), ApiError>,
{
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let outcome = match id.valid() {
            Err(err) => Err(err.clone()),
            Ok(id) => change_settings(engine, session, id.conv(), &change).await.map(|_| ()),
        };
        results.push(result_of(id.as_str(), outcome));
    }
    results
}

/// `conv_delete` (TIM `TIMConvDelete`, `TIMConvDeleteConversationList`).
async fn delete(
    engine: &Engine,
    session: &Session,
    request: delete_conversations::Request,
) -> Result<delete_conversations::Response, ApiError> {
    let clear = request.clear_message;
    let results = change_each(engine, session, &request.conversation_id_array, |settings, ctx| {
        let cleared_seq = if clear { ctx.max_seq.max(settings.cleared_seq) } else { settings.cleared_seq };
        // A receive option outlives the conversation's deletion: the user muted the peer or group.
        let recv_opt = settings.recv_opt;
        *settings = ConvSettings { deleted_seq: Some(ctx.max_seq), cleared_seq, recv_opt, ..ConvSettings::default() };
        ctx.read_all = true;
        Ok(())
    })
    .await;
    Ok(delete_conversations::Response { results })
}

/// `msg_clear_history` (TIM `TIMMsgClearHistoryMessage`).
async fn clear(engine: &Engine, session: &Session, request: clear_history::Request) -> Result<Empty, ApiError> {
    change_settings(engine, session, &request.conv.0, |settings, ctx| {
        settings.cleared_seq = settings.cleared_seq.max(ctx.max_seq);
        ctx.read_all = true;
        Ok(())
    })
    .await?;
    Ok(Empty {})
}

/// `conv_create` (TIM `TIMConvCreate`).
async fn create(
    engine: &Engine,
    session: &Session,
    request: create_conversation::Request,
) -> Result<create_conversation::Response, ApiError> {
    let ((), conversation) = change_settings(engine, session, &request.conv.0, |settings, ctx| {
        settings.deleted_seq = None;
        settings.marks &= !mark::HIDE;
        if settings.created_at == 0 {
            settings.created_at = ctx.now;
        }
        Ok(())
    })
    .await?;
    Ok(create_conversation::Response { conversation })
}

/// `conv_get_info` (TIM `TIMConvGetConvInfo`).
async fn get_info(
    _engine: &Engine,
    session: &Session,
    request: get_conversations::Request,
) -> Result<get_conversations::Response, ApiError> {
    if request.json_get_conv_list_param.len() > limits::CONV_IDS_PER_CALL_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "json_get_conv_list_param holds {} conversations, more than {}",
            request.json_get_conv_list_param.len(),
            limits::CONV_IDS_PER_CALL_MAX
        )));
    }
    let me = session.user();
    let mut conversations = Vec::new();
    for item in &request.json_get_conv_list_param {
        let Ok((key, _)) = resolve_conv(session, &item.0) else { continue };
        let settings = lock(&session.account.convs).settings.get(&key).cloned().unwrap_or_default();
        let info = match (&key, &item.0) {
            (ConvKey::C2c(pair), Conv::C2c(peer)) => {
                let Some(side) = pair.side_of(me) else { continue };
                let state = session.app.pair(pair);
                let state = state.as_ref().map(|state| lock(state));
                Some(c2c_info_locked(&session.app, me, peer, state.as_deref(), side, &settings))
            }
            (ConvKey::Group(group_id), _) => {
                let Some(state) = session.app.group(group_id) else { continue };
                let state = lock(&state);
                group_info_locked(&session.app, me, group_id, &state, &settings)
            }
            _ => None,
        };
        conversations.extend(info);
    }
    Ok(get_conversations::Response { conversations })
}

/// `conv_set_draft` (TIM `TIMConvSetDraft`).
async fn set_draft(engine: &Engine, session: &Session, request: set_draft::Request) -> Result<Empty, ApiError> {
    let mut draft = request.draft_param;
    draft.check()?;
    change_settings(engine, session, &request.conv.0, move |settings, ctx| {
        draft.draft_edit_time = ctx.now;
        settings.draft = serde_json::to_string(&draft)
            .map_err(|err| crate::engine::internal(format!("a draft does not encode: {err}")))?;
        Ok(())
    })
    .await?;
    Ok(Empty {})
}

/// `conv_cancel_draft` (TIM `TIMConvCancelDraft`).
async fn cancel_draft(engine: &Engine, session: &Session, request: cancel_draft::Request) -> Result<Empty, ApiError> {
    change_settings(engine, session, &request.conv.0, |settings, _| {
        settings.draft.clear();
        Ok(())
    })
    .await?;
    Ok(Empty {})
}

/// `conv_pin` (TIM `TIMConvPinConversation`).
async fn pin(engine: &Engine, session: &Session, request: pin_conversation::Request) -> Result<Empty, ApiError> {
    let pinned = request.is_pinned;
    change_settings(engine, session, &request.conv.0, move |settings, _| {
        settings.pinned = pinned;
        Ok(())
    })
    .await?;
    Ok(Empty {})
}

/// Refuses a change that would give more conversations than allowed marks, custom data or
/// groups (51008).
fn check_settings_limit(settings: &ConvSettings, ctx: &Change) -> Result<(), ApiError> {
    if counts_towards_limit(settings) && ctx.others_with_settings >= limits::CONV_SETTINGS_MAX {
        return Err(ApiError::new(
            ErrorCode::CONV_SETTINGS_LIMIT,
            format!(
                "you have {} conversations with marks, custom data or groups, the most allowed",
                limits::CONV_SETTINGS_MAX
            ),
        ));
    }
    Ok(())
}

/// `conv_mark` (TIM `TIMConvMarkConversation`).
async fn mark_conversations(
    engine: &Engine,
    session: &Session,
    request: mark_conversations::Request,
) -> Result<mark_conversations::Response, ApiError> {
    let (bit, enable) = (request.mark_type, request.enable_mark);
    if !mark::is_valid(bit) {
        return Err(ApiError::invalid_parameter(format!(
            "mark_type {bit} is not a TIMConversationMarkType (1, 2, 4, 8) or one bit from 1 << 32 up"
        )));
    }
    let results = change_each(engine, session, &request.conversation_id_array, |settings, ctx| {
        if enable {
            settings.marks |= bit;
            if bit == mark::HIDE {
                settings.deleted_seq = Some(ctx.max_seq);
            }
        } else {
            settings.marks &= !bit;
            if bit == mark::HIDE {
                settings.deleted_seq = None;
            }
        }
        check_settings_limit(settings, ctx)
    })
    .await;
    Ok(mark_conversations::Response { results })
}

/// `conv_set_custom_data` (TIM `TIMConvSetConversationCustomData`).
async fn set_custom_data(
    engine: &Engine,
    session: &Session,
    request: set_conv_custom_data::Request,
) -> Result<set_conv_custom_data::Response, ApiError> {
    let data = request.custom_data;
    if data.len() > limits::CONV_CUSTOM_DATA_BYTES_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "custom_data is {} bytes, more than {}",
            data.len(),
            limits::CONV_CUSTOM_DATA_BYTES_MAX
        )));
    }
    let results = change_each(engine, session, &request.conversation_id_array, |settings, ctx| {
        settings.custom_data.clone_from(&data);
        check_settings_limit(settings, ctx)
    })
    .await;
    Ok(set_conv_custom_data::Response { results })
}

/// `conv_get_list_by_filter` (TIM `TIMConvGetConversationListByFilter`).
async fn get_list_by_filter(
    _engine: &Engine,
    session: &Session,
    request: get_conversation_list_by_filter::Request,
) -> Result<get_conversation_list_by_filter::Response, ApiError> {
    let filter = request.filter;
    filter.check()?;
    let count = match filter.conversation_list_filter_count {
        0 => limits::CONV_LIST_PAGE_MAX,
        count => count.min(limits::CONV_LIST_PAGE_MAX),
    } as usize;
    let taken: Vec<ConvInfo> = conversations(session).into_iter().filter(|conv| filter.accepts(conv)).collect();
    let start = usize::try_from(filter.conversation_list_filter_next_seq).unwrap_or(usize::MAX).min(taken.len());
    let end = start.saturating_add(count).min(taken.len());
    Ok(get_conversation_list_by_filter::Response {
        conversation_list_result_conv_list: taken[start..end].to_vec(),
        conversation_list_result_next_seq: end as u64,
        conversation_list_result_is_finished: end >= taken.len(),
    })
}

/// `conv_get_unread_by_filter` (TIM `TIMConvGetUnreadMessageCountByFilter`).
async fn get_unread_by_filter(
    _engine: &Engine,
    session: &Session,
    request: get_unread_by_filter::Request,
) -> Result<get_unread_by_filter::Response, ApiError> {
    request.filter.check()?;
    let total = conversations(session)
        .iter()
        .filter(|conv| request.filter.accepts(conv))
        .map(|conv| conv.conv_unread_num)
        .sum();
    Ok(get_total_unread::Response { conv_get_total_unread_message_count_result_unread_count: total })
}

/// `conv_group_get_list` (TIM `TIMConvGetConversationGroupList`).
async fn get_groups(
    _engine: &Engine,
    session: &Session,
    _request: get_conv_groups::Request,
) -> Result<get_conv_groups::Response, ApiError> {
    Ok(get_conv_groups::Response { conv_group_array: lock(&session.account.convs).conv_groups.clone() })
}

fn group_not_found(name: &str) -> ApiError {
    ApiError::new(ErrorCode::CONV_GROUP_NOT_FOUND, format!("you have no conversation group {name:?}"))
}

/// Stores the user's conversation group list and tells its devices with `push`, deciding under
/// the user's conversation set; `change` edits the list and returns the conversations whose
/// settings change with it.
async fn change_groups(
    engine: &Engine,
    session: &Session,
    change: impl FnOnce(&mut AccountConvs) -> Result<(Vec<String>, Vec<(ConvKey, ConvSettings)>, ConvGroupPush), ApiError>,
    infos: Vec<(ConvKey, ConvInfo)>,
) -> Result<(), ApiError> {
    let sdkappid = session.app.sdkappid;
    let me = session.user();
    let committing = engine
        .commit(
            || lock(&session.account.convs),
            |convs| {
                let (names, changed, mut push) = change(convs)?;
                let mut ops = Vec::new();
                if names != convs.conv_groups {
                    ops.push(WriteOp::PutConvGroups(ConvGroupsRecord {
                        sdkappid,
                        user: me.clone(),
                        names: names.clone(),
                    }));
                    convs.conv_groups = names;
                }
                for (key, settings) in changed {
                    ops.push(settings_op(session, &key, &settings));
                    if let Some((_, info)) = infos.iter().find(|(conv, _)| *conv == key) {
                        let mut info = info.clone();
                        info.conv_conversation_group_array.clone_from(&settings.groups);
                        push.conversations.push(info);
                    }
                    keep_settings(convs, &key, settings);
                }
                if ops.is_empty() {
                    return Ok(Decision::Nothing(()));
                }
                ops.push(user_event(sdkappid, me, CONV_GROUP_PUSH, None, &push));
                Ok(Decision::write(ops, Tell::devices(sdkappid), ()))
            },
        )
        .await?;
    committing.durable().await?;
    Ok(())
}

/// The conversations named that are the user's, with their current state (read before the
/// change; the change sets their groups), and a result for each of the others.
fn resolve_listed(
    session: &Session,
    ids: &[ListedId<ConversationId>],
) -> (Vec<(String, ConvKey, ConvInfo)>, Vec<ConversationOperationResult>) {
    let me = session.user();
    let mut found = Vec::new();
    let mut failed = Vec::new();
    for id in ids {
        let resolved = id.valid().map_err(Clone::clone).and_then(|id| {
            let (key, _) = resolve_conv(session, id.conv())?;
            let settings = lock(&session.account.convs).settings.get(&key).cloned().unwrap_or_default();
            let info = match (&key, id.conv()) {
                (ConvKey::C2c(pair), Conv::C2c(peer)) => {
                    let side =
                        pair.side_of(me).ok_or_else(|| ApiError::invalid_parameter("a conversation with yourself"))?;
                    let state = session.app.pair(pair);
                    let state = state.as_ref().map(|state| lock(state));
                    Some(c2c_info_locked(&session.app, me, peer, state.as_deref(), side, &settings))
                }
                (ConvKey::Group(group_id), _) => session
                    .app
                    .group(group_id)
                    .and_then(|state| group_info_locked(&session.app, me, group_id, &lock(&state), &settings)),
                _ => None,
            };
            info.map(|info| (key, info)).ok_or_else(|| not_member(id.conv()))
        });
        match resolved {
            Ok((key, info)) => found.push((id.as_str().to_owned(), key, info)),
            Err(err) => failed.push(result_of(id.as_str(), Err(err))),
        }
    }
    (found, failed)
}

/// Adds (`add`) or removes the conversations `found` to or from group `name` in `convs`; the
/// changed settings, and a result for each conversation.
fn regroup(
    convs: &AccountConvs,
    name: &str,
    found: &[(String, ConvKey, ConvInfo)],
    add: bool,
) -> (Vec<(ConvKey, ConvSettings)>, Vec<ConversationOperationResult>) {
    let mut others = convs.settings.values().filter(|settings| counts_towards_limit(settings)).count();
    let mut changed = Vec::new();
    let mut results = Vec::new();
    for (conversation_id, key, _) in found {
        let mut settings = convs.settings.get(key).cloned().unwrap_or_default();
        let had = settings.groups.iter().any(|group| group == name);
        let outcome = if add && !had {
            if !counts_towards_limit(&settings) && others >= limits::CONV_SETTINGS_MAX {
                Err(ApiError::new(
                    ErrorCode::CONV_SETTINGS_LIMIT,
                    format!("you have {} conversations with marks, custom data or groups", limits::CONV_SETTINGS_MAX),
                ))
            } else {
                if !counts_towards_limit(&settings) {
                    others += 1;
                }
                settings.groups.push(name.to_owned());
                changed.push((key.clone(), settings));
                Ok(())
            }
        } else if !add && had {
            settings.groups.retain(|group| group != name);
            changed.push((key.clone(), settings));
            Ok(())
        } else {
            Ok(())
        };
        results.push(result_of(conversation_id, outcome));
    }
    (changed, results)
}

/// `conv_group_create` (TIM `TIMConvCreateConversationGroup`).
async fn create_group(
    engine: &Engine,
    session: &Session,
    request: create_conv_group::Request,
) -> Result<create_conv_group::Response, ApiError> {
    let name = request.group_name;
    check_group_name("group_name", &name)?;
    let (found, mut results) = resolve_listed(session, &request.conversation_id_array);
    let infos: Vec<(ConvKey, ConvInfo)> = found.iter().map(|(_, key, info)| (key.clone(), info.clone())).collect();
    let mut added = Vec::new();
    change_groups(
        engine,
        session,
        |convs| {
            if convs.conv_groups.contains(&name) {
                return Err(ApiError::new(
                    ErrorCode::CONV_GROUP_NAME_INVALID,
                    format!("you have a conversation group {name:?} already"),
                ));
            }
            if convs.conv_groups.len() >= limits::CONV_GROUPS_MAX {
                return Err(ApiError::new(
                    ErrorCode::CONV_GROUP_LIMIT,
                    format!("you have {} conversation groups, the most allowed", limits::CONV_GROUPS_MAX),
                ));
            }
            let mut names = convs.conv_groups.clone();
            names.push(name.clone());
            let (changed, outcomes) = regroup(convs, &name, &found, true);
            added = outcomes;
            let push =
                ConvGroupPush { event: "created".to_owned(), group_name: name.clone(), ..ConvGroupPush::default() };
            Ok((names, changed, push))
        },
        infos,
    )
    .await?;
    results.splice(0..0, added);
    Ok(create_conv_group::Response { results })
}

/// `conv_group_add` and `conv_group_remove`.
async fn add_or_remove(
    engine: &Engine,
    session: &Session,
    name: String,
    ids: &[ListedId<ConversationId>],
    add: bool,
) -> Result<Vec<ConversationOperationResult>, ApiError> {
    check_group_name("group_name", &name)?;
    let (found, mut results) = resolve_listed(session, ids);
    let infos: Vec<(ConvKey, ConvInfo)> = found.iter().map(|(_, key, info)| (key.clone(), info.clone())).collect();
    let mut outcomes = Vec::new();
    change_groups(
        engine,
        session,
        |convs| {
            if !convs.conv_groups.contains(&name) {
                return Err(group_not_found(&name));
            }
            let (changed, done) = regroup(convs, &name, &found, add);
            outcomes = done;
            let event = if add { "added" } else { "removed" };
            let push = ConvGroupPush { event: event.to_owned(), group_name: name.clone(), ..ConvGroupPush::default() };
            Ok((convs.conv_groups.clone(), changed, push))
        },
        infos,
    )
    .await?;
    results.splice(0..0, outcomes);
    Ok(results)
}

async fn add_to_group(
    engine: &Engine,
    session: &Session,
    request: add_to_conv_group::Request,
) -> Result<add_to_conv_group::Response, ApiError> {
    let results = add_or_remove(engine, session, request.group_name, &request.conversation_id_array, true).await?;
    Ok(add_to_conv_group::Response { results })
}

async fn remove_from_group(
    engine: &Engine,
    session: &Session,
    request: remove_from_conv_group::Request,
) -> Result<remove_from_conv_group::Response, ApiError> {
    let results = add_or_remove(engine, session, request.group_name, &request.conversation_id_array, false).await?;
    Ok(remove_from_conv_group::Response { results })
}

/// The conversations of the user in group `name`, with their current state.
fn members_of(session: &Session, name: &str) -> Vec<(ConvKey, ConvInfo)> {
    let keys: Vec<ConvKey> = lock(&session.account.convs)
        .settings
        .iter()
        .filter(|(_, settings)| settings.groups.iter().any(|group| group == name))
        .map(|(key, _)| key.clone())
        .collect();
    let ids: Vec<ListedId<ConversationId>> = keys
        .iter()
        .filter_map(|key| {
            let conv = match key {
                ConvKey::C2c(pair) => Conv::C2c(pair.side_of(session.user()).map(|side| pair.peer_of(side).clone())?),
                ConvKey::Group(group_id) => Conv::Group(group_id.clone()),
            };
            Some(ListedId::Valid(ConversationId::of(conv)))
        })
        .collect();
    resolve_listed(session, &ids).0.into_iter().map(|(_, key, info)| (key, info)).collect()
}

/// `conv_group_delete` (TIM `TIMConvDeleteConversationGroup`).
async fn delete_group(
    engine: &Engine,
    session: &Session,
    request: delete_conv_group::Request,
) -> Result<Empty, ApiError> {
    let name = request.group_name;
    check_group_name("group_name", &name)?;
    let infos = members_of(session, &name);
    change_groups(
        engine,
        session,
        |convs| {
            if !convs.conv_groups.contains(&name) {
                return Err(group_not_found(&name));
            }
            let names = convs.conv_groups.iter().filter(|group| **group != name).cloned().collect();
            let changed = without_group(convs, &name, None);
            let push =
                ConvGroupPush { event: "deleted".to_owned(), group_name: name.clone(), ..ConvGroupPush::default() };
            Ok((names, changed, push))
        },
        infos,
    )
    .await?;
    Ok(Empty {})
}

/// The settings of every conversation in group `name`, with the group renamed `new_name` (or
/// taken out).
fn without_group(convs: &AccountConvs, name: &str, new_name: Option<&str>) -> Vec<(ConvKey, ConvSettings)> {
    convs
        .settings
        .iter()
        .filter(|(_, settings)| settings.groups.iter().any(|group| group == name))
        .map(|(key, settings)| {
            let mut settings = settings.clone();
            match new_name {
                Some(new_name) => {
                    for group in &mut settings.groups {
                        if group == name {
                            new_name.clone_into(group);
                        }
                    }
                }
                None => settings.groups.retain(|group| group != name),
            }
            (key.clone(), settings)
        })
        .collect()
}

/// `conv_group_rename` (TIM `TIMConvRenameConversationGroup`).
async fn rename_group(
    engine: &Engine,
    session: &Session,
    request: rename_conv_group::Request,
) -> Result<Empty, ApiError> {
    let (old_name, new_name) = (request.old_name, request.new_name);
    check_group_name("old_name", &old_name)?;
    check_group_name("new_name", &new_name)?;
    let infos = members_of(session, &old_name);
    change_groups(
        engine,
        session,
        |convs| {
            if !convs.conv_groups.contains(&old_name) {
                return Err(group_not_found(&old_name));
            }
            if old_name != new_name && convs.conv_groups.contains(&new_name) {
                return Err(ApiError::new(
                    ErrorCode::CONV_GROUP_NAME_INVALID,
                    format!("you have a conversation group {new_name:?} already"),
                ));
            }
            let names = convs
                .conv_groups
                .iter()
                .map(|group| if *group == old_name { new_name.clone() } else { group.clone() })
                .collect();
            let changed = without_group(convs, &old_name, Some(&new_name));
            let push = ConvGroupPush {
                event: "renamed".to_owned(),
                group_name: old_name.clone(),
                new_name: new_name.clone(),
                ..ConvGroupPush::default()
            };
            Ok((names, changed, push))
        },
        infos,
    )
    .await?;
    Ok(Empty {})
}

/// Refuses a receive option that is not TIM's.
fn check_recv_opt(opt: u32) -> Result<(), ApiError> {
    if opt > limits::RECV_OPT_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "opt {opt} is not a TIMReceiveMessageOpt (0 to {})",
            limits::RECV_OPT_MAX
        )));
    }
    Ok(())
}

/// Refuses a list of peers that is empty or too long.
fn check_recv_opt_users(users: &[UserId]) -> Result<(), ApiError> {
    if users.is_empty() || users.len() > limits::RECV_OPT_USERS_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "identifier_array has {} users; between 1 and {} are allowed",
            users.len(),
            limits::RECV_OPT_USERS_MAX
        )));
    }
    Ok(())
}

/// `msg_set_c2c_recv_opt` (TIM `TIMMsgSetC2CReceiveMessageOpt`): every peer is checked before
/// any option changes.
async fn set_c2c_recv_opt(
    engine: &Engine,
    session: &Session,
    request: set_c2c_recv_opt::Request,
) -> Result<Empty, ApiError> {
    check_recv_opt(request.opt)?;
    check_recv_opt_users(&request.identifier_array)?;
    let convs: Vec<Conv> = request.identifier_array.into_iter().map(Conv::C2c).collect();
    for conv in &convs {
        resolve_conv(session, conv)?;
        if conv.conv_id() == session.user().as_str() {
            return Err(ApiError::invalid_parameter("a C2C conversation needs two different users"));
        }
    }
    let opt = request.opt;
    for conv in &convs {
        change_settings(engine, session, conv, move |settings, _| {
            settings.recv_opt = opt;
            Ok(())
        })
        .await?;
    }
    Ok(Empty {})
}

/// `msg_get_c2c_recv_opt` (TIM `TIMMsgGetC2CReceiveMessageOpt`).
async fn get_c2c_recv_opt(
    _engine: &Engine,
    session: &Session,
    request: get_c2c_recv_opt::Request,
) -> Result<get_c2c_recv_opt::Response, ApiError> {
    check_recv_opt_users(&request.identifier_array)?;
    let mut results = Vec::with_capacity(request.identifier_array.len());
    for peer in request.identifier_array {
        let conv = Conv::C2c(peer);
        let (key, _) = resolve_conv(session, &conv)?;
        let opt = lock(&session.account.convs).settings.get(&key).map_or(0, |settings| settings.recv_opt);
        results.push(get_c2c_recv_opt::RecvOptResult {
            msg_recv_msg_opt_result_identifier: conv.conv_id().to_owned(),
            msg_recv_msg_opt_result_opt: opt,
        });
    }
    Ok(get_c2c_recv_opt::Response { results })
}

/// `msg_set_group_recv_opt` (TIM `TIMMsgSetGroupReceiveMessageOpt`).
async fn set_group_recv_opt(
    engine: &Engine,
    session: &Session,
    request: set_group_recv_opt::Request,
) -> Result<Empty, ApiError> {
    check_recv_opt(request.opt)?;
    let opt = request.opt;
    change_settings(engine, session, &Conv::Group(request.group_id), move |settings, _| {
        settings.recv_opt = opt;
        Ok(())
    })
    .await?;
    Ok(Empty {})
}

/// `msg_set_all_recv_opt` (TIM `TIMMsgSetAllReceiveMessageOpt`): stored and pushed to the
/// user's devices in one batch; what is already set changes nothing.
async fn set_all_recv_opt(
    engine: &Engine,
    session: &Session,
    request: set_all_recv_opt::Request,
) -> Result<Empty, ApiError> {
    let opt = check_all_recv_opt(&request)?;
    let sdkappid = session.app.sdkappid;
    let me = session.user();
    let committing = engine
        .commit(
            || lock(&session.account.convs),
            |convs| {
                if convs.all_recv_opt == opt {
                    return Ok(Decision::Nothing(()));
                }
                let ops = vec![
                    WriteOp::PutAllRecvOpt(AllRecvOptRecord { sdkappid, user: me.clone(), opt: opt.clone() }),
                    user_event(sdkappid, me, get_all_recv_opt::ALL_RECV_OPT_PUSH, None, &all_recv_opt_info(&opt)),
                ];
                convs.all_recv_opt = opt;
                Ok(Decision::write(ops, Tell::devices(sdkappid), ()))
            },
        )
        .await?;
    committing.durable().await?;
    Ok(Empty {})
}

/// `msg_get_all_recv_opt` (TIM `TIMMsgGetAllReceiveMessageOpt`).
async fn get_all_recv_opt(
    _engine: &Engine,
    session: &Session,
    _request: get_all_recv_opt::Request,
) -> Result<get_all_recv_opt::Response, ApiError> {
    Ok(all_recv_opt_info(&lock(&session.account.convs).all_recv_opt))
}

/// The option a `msg_set_all_recv_opt` asks for, or 6017 naming what is wrong: a level TIM's
/// app-wide option does not take (1, which would drop messages, or a value past 3), a time of
/// day out of range, or both kinds of start at once.
fn check_all_recv_opt(request: &set_all_recv_opt::Request) -> Result<AllRecvOpt, ApiError> {
    if !matches!(request.opt, 0 | 2 | 3) {
        return Err(ApiError::invalid_parameter(format!(
            "opt {} is not an app-wide receive option: use 0 (receive), 2 (no notifications) or 3 (no notifications except @-mentions)",
            request.opt
        )));
    }
    for (name, value, max) in [
        ("start_hour", request.start_hour, 23),
        ("start_minute", request.start_minute, 59),
        ("start_second", request.start_second, 59),
    ] {
        if value > max {
            return Err(ApiError::invalid_parameter(format!("{name} {value} is out of range: 0 to {max}")));
        }
    }
    let daily = request.start_hour != 0 || request.start_minute != 0 || request.start_second != 0;
    if daily && request.start_time_stamp != 0 {
        return Err(ApiError::invalid_parameter(
            "give either a daily start (start_hour, start_minute, start_second) or a start_time_stamp, not both",
        ));
    }
    Ok(AllRecvOpt {
        level: request.opt,
        start_hour: request.start_hour,
        start_minute: request.start_minute,
        start_second: request.start_second,
        start_time_stamp: u64::from(request.start_time_stamp),
        duration: u64::from(request.duration),
    })
}

/// The option as TIM's `TIMReceiveMessageOptInfo`.
fn all_recv_opt_info(opt: &AllRecvOpt) -> get_all_recv_opt::AllRecvOptInfo {
    get_all_recv_opt::AllRecvOptInfo {
        msg_all_recv_msg_opt_level: opt.level,
        msg_all_recv_msg_opt_start_hour: opt.start_hour,
        msg_all_recv_msg_opt_start_minute: opt.start_minute,
        msg_all_recv_msg_opt_start_second: opt.start_second,
        msg_all_recv_msg_opt_start_time_stamp: u32::try_from(opt.start_time_stamp).unwrap_or(u32::MAX),
        msg_all_recv_msg_duration: u32::try_from(opt.duration).unwrap_or(u32::MAX),
    }
}

handle!(set_all_recv_opt::Request => set_all_recv_opt);
handle!(get_all_recv_opt::Request => get_all_recv_opt);
handle!(set_c2c_recv_opt::Request => set_c2c_recv_opt);
handle!(get_c2c_recv_opt::Request => get_c2c_recv_opt);
handle!(set_group_recv_opt::Request => set_group_recv_opt);
handle!(delete_conversations::Request => delete);
handle!(get_conversations::Request => get_info);
handle!(create_conversation::Request => create);
handle!(clear_history::Request => clear);
handle!(set_draft::Request => set_draft);
handle!(cancel_draft::Request => cancel_draft);
handle!(pin_conversation::Request => pin);
handle!(mark_conversations::Request => mark_conversations);
handle!(set_conv_custom_data::Request => set_custom_data);
handle!(get_conversation_list_by_filter::Request => get_list_by_filter);
handle!(get_unread_by_filter::Request => get_unread_by_filter);
handle!(create_conv_group::Request => create_group);
handle!(get_conv_groups::Request => get_groups);
handle!(delete_conv_group::Request => delete_group);
handle!(rename_conv_group::Request => rename_group);
handle!(add_to_conv_group::Request => add_to_group);
handle!(remove_from_conv_group::Request => remove_from_group);
