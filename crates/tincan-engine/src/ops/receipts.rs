//! Read receipts: sending them, reading them, paging the read and unread members, and telling
//! the sender.
//!
//! A group receipt sets one bit in the message's reader bitmap (in memory; the writer stores the
//! bitmap once per batch); the sender is told through the coalescer: a receipt after a quiet
//! spell is pushed at once, and while receipts keep coming for one sender and one group, one
//! push per window (growing from 5 ms to the app's window) carries the current counts of every
//! message read in it, as a durable event of the sender's stream.
//! A C2C receipt marks the message and is pushed to the sender at once, one push per call.
//! Neither changes any unread count.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tincan_core::config::{CALLBACK_C2C_AFTER_MSG_READ_RECEIPT, CALLBACK_GROUP_AFTER_READ_RECEIPT};
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::receipts::RecordOutcome;
use tincan_proto::api::{self, Empty, get_read_members, get_receipts, send_receipts, set_receipt_privacy};
use tincan_proto::enums::{ConvType, ReadMembersFilter};
use tincan_proto::objects::MessageReceipt;
use tincan_proto::push::{self, ReceiptPush, ReceiptSentPush};
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, Message, UserId, limits};
use tincan_store::{AccountRecord, MessageRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::ops::common::{group_not_found, is_revoked_now, resolve_conv};
use crate::ops::handle;
use crate::receipts::cells::receipt_cells;
use crate::receipts::coalescer::Audience;
use crate::render;
use crate::state::{AppState, ReceiptCell, lock};
use crate::webhooks::{C2cReceiptItem, CallbackEvent, ReceiptItem};

/// The conversation all of `messages` belong to, or a 6017 saying they do not share one.
///
/// The messages are TIM's objects, which name their conversation with the strings TIM gives
/// them (`message_conv_id`, `message_conv_type`); callers read those with `Conv::parse`, after
/// the checks that come first.
fn one_conversation(messages: &[Message]) -> Result<(String, ConvType), ApiError> {
    let Some(first) = messages.first() else {
        return Err(ApiError::invalid_parameter("messages (json_msg_array) is empty; pass at least one message"));
    };
    if messages.len() > limits::RECEIPT_MESSAGES_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "messages (json_msg_array) has {} messages; at most {} are allowed in one call",
            messages.len(),
            limits::RECEIPT_MESSAGES_MAX
        )));
    }
    let conv = (first.message_conv_id.clone(), first.message_conv_type);
    for (index, message) in messages.iter().enumerate().skip(1) {
        if (message.message_conv_id.as_str(), message.message_conv_type) != (conv.0.as_str(), conv.1) {
            return Err(ApiError::invalid_parameter(format!(
                "all messages must belong to one conversation: message 0 is in conversation {:?} (type {}), message {index} is in {:?} (type {})",
                conv.0, conv.1.0, message.message_conv_id, message.message_conv_type.0
            )));
        }
    }
    Ok(conv)
}

/// The stored messages named by `messages` (by seq, or by ID), all of `conv`.
async fn stored_messages(
    engine: &Engine,
    session: &Session,
    conv: &ConvKey,
    messages: &[Message],
) -> Result<Vec<MessageRecord>, ApiError> {
    let sdkappid = session.app.sdkappid;
    let mut records = Vec::with_capacity(messages.len());
    let group = match conv {
        ConvKey::Group(group_id) => session.app.group(group_id),
        ConvKey::C2c(_) => None,
    };
    for message in messages {
        // A group message whose receipt state is in memory needs no store read: the cell knows
        // its sender and ID, and that it asked for receipts.
        if let Some(state) = &group
            && message.message_seq != 0
            && let Some(cell) = lock(state).receipts.get(&message.message_seq).cloned()
            && (message.message_msg_id.is_empty() || message.message_msg_id == cell.msg_id)
        {
            records.push(cached_record(conv, &cell));
            continue;
        }
        let (conv_for_read, seq, msg_id) = (conv.clone(), message.message_seq, message.message_msg_id.clone());
        let record = engine
            .read_store(move |reader| {
                if seq != 0 {
                    reader.message_by_seq(sdkappid, &conv_for_read, seq)
                } else {
                    reader.message_by_id(sdkappid, &msg_id)
                }
            })
            .await?;
        match record {
            Some(record)
                if record.conv == *conv
                    && (message.message_msg_id.is_empty() || record.msg_id == message.message_msg_id) =>
            {
                records.push(record)
            }
            _ => {
                return Err(ApiError::invalid_parameter(format!(
                    "message {:?} (seq {}) is not a message of conversation {:?}",
                    message.message_msg_id, message.message_seq, message.message_conv_id
                )));
            }
        }
    }
    Ok(records)
}

/// The parts of a stored group message that receipt calls use, from its receipt cell; the
/// body and the other fields are not needed there and are left empty.
fn cached_record(conv: &ConvKey, cell: &ReceiptCell) -> MessageRecord {
    MessageRecord {
        sdkappid: cell.sdkappid,
        conv: conv.clone(),
        seq: cell.seq,
        pos: 0,
        msg_id: cell.msg_id.clone(),
        sender: cell.sender.clone(),
        rand: 0,
        client_time: 0,
        server_time: 0,
        need_receipt: true,
        excluded_from_unread: false,
        priority: 0,
        platform: 0,
        first_elem_type: 0,
        body: String::new(),
        cloud_custom: String::new(),
        custom_int: 0,
        custom_str: String::new(),
        receipt_read_at: 0,
        receipt_private: false,
        revision: Default::default(),
        supports_extensions: false,
    }
}

/// `msg_send_receipts` (TIM `TIMMsgSendMessageReadReceipts`).
pub(crate) async fn send(
    engine: &Engine,
    session: &Session,
    request: send_receipts::Request,
) -> Result<Empty, ApiError> {
    let (conv_id, conv_type) = one_conversation(&request.messages)?;
    session.app.settings().config.check_plan()?;
    let (conv, _) = resolve_conv(session, &Conv::parse(&conv_id, conv_type)?)?;
    let records = stored_messages(engine, session, &conv, &request.messages).await?;
    // A revoked message takes no more receipts; the others in the call still do.
    let n_named = records.len();
    let records: Vec<MessageRecord> =
        records.into_iter().filter(|record| !is_revoked_now(session, &conv, record)).collect();
    if records.is_empty() && n_named > 0 {
        return Ok(Empty {});
    }
    let n_given = records.len();
    let n_own = records.iter().filter(|record| record.sender == *session.user()).count();
    let wanted: Vec<MessageRecord> =
        records.into_iter().filter(|record| record.sender != *session.user() && record.need_receipt).collect();
    if wanted.is_empty() {
        return Err(ApiError::invalid_parameter(format!(
            "no message in messages (json_msg_array) asks you for a read receipt: of {n_given}, {n_own} are your own and {} did not ask for receipts",
            n_given - n_own
        )));
    }
    match &conv {
        ConvKey::Group(group_id) => send_group(engine, session, group_id, wanted).await,
        ConvKey::C2c(pair) => send_c2c(engine, session, pair, wanted).await,
    }?;
    Ok(Empty {})
}

fn receipt_sent_event(
    session: &Session,
    conv_id: &str,
    conv_type: ConvType,
    records: &[&MessageRecord],
    conv: &ConvKey,
) -> WriteOp {
    let payload = ReceiptSentPush {
        conv_id: conv_id.to_owned(),
        conv_type,
        msg_ids: records.iter().map(|record| record.msg_id.clone()).collect(),
        seqs: records.iter().map(|record| record.seq).collect(),
    };
    user_event(session.app.sdkappid, session.user(), push::RECEIPT_SENT, Some(conv), &payload)
}

async fn send_group(
    engine: &Engine,
    session: &Session,
    group_id: &GroupId,
    records: Vec<MessageRecord>,
) -> Result<(), ApiError> {
    let app = &session.app;
    let cells = receipt_cells(engine, app, group_id, &records).await?;
    let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
    let private = session.account.is_private();
    // A private reader's receipts reach no one else, the app's back end included.
    let after_read = !private && engine.wants_callback(&app.settings().config, CALLBACK_GROUP_AFTER_READ_RECEIPT);
    let committing = engine.commit(|| lock(&state), |state| {
        let member = state.group.check_member(session.user())?;
        let index = member.index;
        // Check every message before changing any, so a refused call changes nothing.
        for (record, cell) in records.iter().zip(&cells) {
            let Some(cell) = cell else {
                return Err(ApiError::new(
                    ErrorCode::GROUP_RECEIPT_NOT_FOUND,
                    format!("message seq {} has no receipt information", record.seq),
                ));
            };
            if !lock(&cell.state).is_eligible(index) {
                return Err(ApiError::new(
                    ErrorCode::GROUP_PERMISSION_DENIED,
                    format!(
                        "{} joined group {group_id} after message seq {} was sent, so it cannot send a receipt for it",
                        session.user(),
                        record.seq
                    ),
                ));
            }
        }
        let mut changed: Vec<(&MessageRecord, Arc<ReceiptCell>)> = Vec::new();
        for (record, cell) in records.iter().zip(cells.into_iter().flatten()) {
            if lock(&cell.state).record(index, private) == RecordOutcome::Recorded {
                cell.version.fetch_add(1, Ordering::Relaxed);
                changed.push((record, cell));
            }
        }
        if changed.is_empty() {
            return Ok(Decision::Nothing((Vec::new(), index)));
        }
        let mut ops: Vec<WriteOp> = changed.iter().map(|(_, cell)| WriteOp::PutGroupReceipt(cell.clone())).collect();
        if after_read {
            let receipts = changed
                .iter()
                .map(|(record, cell)| {
                    let counts = lock(&cell.state).counts(state.group.current_members());
                    ReceiptItem {
                        seq: record.seq,
                        read: counts.read,
                        unread: counts.unread,
                        readers: vec![session.user().as_str().to_owned()],
                    }
                })
                .collect();
            let event = CallbackEvent::AfterReadReceipt {
                group_id: group_id.as_str().to_owned(),
                group_type: state.group.group_type().rest_name().unwrap_or_default().to_owned(),
                receipts,
                event_time_ms: engine.now_ms(),
                platform: session.event_platform(),
            };
            ops.extend(engine.callback_op(app.sdkappid, CALLBACK_GROUP_AFTER_READ_RECEIPT, &event));
        }
        let changed: Vec<Arc<ReceiptCell>> = changed.into_iter().map(|(_, cell)| cell).collect();
        Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, session.device), (changed, index)))
    })
    .await?;
    if !committing.wrote() {
        return Ok(());
    }
    // The sender hears of public receipts within the app's window; the reader's other devices
    // hear of every receipt it sent, paced by a longer window: they only update a mark, and a
    // reader scrolling through a busy group would otherwise store a notice per window.
    // The window starts now, while the receipts are being stored, not after: a push is queued
    // for the writer after the receipts it counts (both under the group's lock), so it is never
    // stored before them, and the sender hears of a receipt one commit after it, not two.
    let window_ms = u64::from(app.settings().config.receipt_coalesce_window_ms);
    for cell in &committing.value().0 {
        if !private {
            let key = (app.sdkappid, cell.sender.clone(), group_id.clone(), Audience::Sender);
            engine.inner.coalescer.note(key, cell.clone(), None, engine.now_ms(), window_ms);
        }
        let key = (app.sdkappid, session.user().clone(), group_id.clone(), Audience::Reader);
        engine.inner.coalescer.note(key, cell.clone(), session.device, engine.now_ms(), window_ms);
    }
    let ((changed, _), _) = committing
        .durable_or_undo(|(changed, index)| {
            // Not stored: take the receipts back so that a retry records them again. (A store
            // that fails refuses every later write too, so no push carries these counts.)
            for cell in changed {
                lock(&cell.state).unrecord(*index);
            }
        })
        .await?;
    engine.metrics().receipts.fetch_add(changed.len() as u64, Ordering::Relaxed);
    if after_read {
        engine.wake_webhooks();
    }
    Ok(())
}

async fn send_c2c(
    engine: &Engine,
    session: &Session,
    pair: &C2cPair,
    records: Vec<MessageRecord>,
) -> Result<(), ApiError> {
    let app = &session.app;
    let reader = session.user();
    let side = pair.side_of(reader).ok_or_else(|| crate::engine::internal("reader outside its own pair".to_owned()))?;
    let sender = pair.peer_of(side).clone();
    let state =
        app.pair(pair).ok_or_else(|| crate::engine::internal("a stored C2C message without a pair".to_owned()))?;
    let private = session.account.is_private();
    let now = engine.now();
    let conv = ConvKey::C2c(pair.clone());
    let after_read = !private && engine.wants_callback(&app.settings().config, CALLBACK_C2C_AFTER_MSG_READ_RECEIPT);
    let committing = engine.commit(
        || lock(&state),
        |state| {
            let fresh: Vec<&MessageRecord> = records
                .iter()
                .filter(|record| {
                    record.receipt_read_at == 0
                        && !state.receipted.contains(record.seq)
                        && !state.receipted_private.contains(record.seq)
                })
                .collect();
            if fresh.is_empty() {
                return Ok(Decision::Nothing(Vec::new()));
            }
            let mut ops = Vec::with_capacity(fresh.len() + 2);
            for record in &fresh {
                if private {
                    state.receipted_private.insert(record.seq);
                } else {
                    state.receipted.insert(record.seq);
                }
                ops.push(WriteOp::SetC2cReceipt {
                    sdkappid: app.sdkappid,
                    conv: conv.clone(),
                    seq: record.seq,
                    read_at: now,
                    private,
                });
            }
            if !private {
                let receipts: Vec<MessageReceipt> =
                    fresh.iter().map(|record| render::c2c_receipt(reader, &record.msg_id, record.seq, now)).collect();
                ops.push(user_event(app.sdkappid, &sender, push::RECEIPT, Some(&conv), &ReceiptPush { receipts }));
            }
            ops.push(receipt_sent_event(session, sender.as_str(), ConvType::C2C, &fresh, &conv));
            if after_read {
                let messages = fresh
                    .iter()
                    .map(|record| C2cReceiptItem {
                        from: sender.as_str().to_owned(),
                        to: reader.as_str().to_owned(),
                        msg_key: format!("{}_{}_{}", record.seq, record.rand, record.server_time),
                        msg_id: record.msg_id.clone(),
                    })
                    .collect();
                let event = CallbackEvent::AfterC2cReadReceipt {
                    operator: reader.as_str().to_owned(),
                    peer: sender.as_str().to_owned(),
                    messages,
                    event_time_ms: engine.now_ms(),
                    platform: session.event_platform(),
                };
                ops.extend(engine.callback_op(app.sdkappid, CALLBACK_C2C_AFTER_MSG_READ_RECEIPT, &event));
            }
            let seqs: Vec<u64> = fresh.iter().map(|record| record.seq).collect();
            Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, session.device), seqs))
        },
    );
    let (seqs, _) = committing
        .await?
        .durable_or_undo(|seqs| {
            // Not stored: take the receipts back so that a retry records them again.
            let mut state = lock(&state);
            for seq in seqs {
                state.receipted.remove(*seq);
                state.receipted_private.remove(*seq);
            }
        })
        .await?;
    engine.metrics().receipts.fetch_add(seqs.len() as u64, Ordering::Relaxed);
    if after_read && !seqs.is_empty() {
        engine.wake_webhooks();
    }
    Ok(())
}

/// `msg_get_receipts` (TIM `TIMMsgGetMessageReadReceipts`).
pub(crate) async fn get(
    engine: &Engine,
    session: &Session,
    request: get_receipts::Request,
) -> Result<get_receipts::Response, ApiError> {
    let (conv_id, conv_type) = one_conversation(&request.messages)?;
    session.app.settings().config.check_plan()?;
    let (conv, _) = resolve_conv(session, &Conv::parse(&conv_id, conv_type)?)?;
    let records: Vec<MessageRecord> = stored_messages(engine, session, &conv, &request.messages)
        .await?
        .into_iter()
        .filter(|record| (record.sender == *session.user() || session.is_app_admin()) && record.need_receipt)
        .filter(|record| !is_revoked_now(session, &conv, record))
        .collect();
    let receipts = match &conv {
        ConvKey::Group(group_id) => {
            let cells = receipt_cells(engine, &session.app, group_id, &records).await?;
            let state = session.app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
            let state = lock(&state);
            records
                .iter()
                .zip(cells)
                .filter_map(|(record, cell)| {
                    let cell = cell?;
                    let counts = lock(&cell.state).counts(state.group.current_members());
                    Some(render::group_receipt(group_id.as_str(), &record.msg_id, record.seq, counts))
                })
                .collect()
        }
        ConvKey::C2c(pair) => {
            let side = pair
                .side_of(session.user())
                .ok_or_else(|| crate::engine::internal("caller outside its own pair".to_owned()))?;
            let peer = pair.peer_of(side);
            let state = session.app.pair(pair);
            records
                .iter()
                .map(|record| {
                    let recorded_now = state.as_ref().is_some_and(|state| lock(state).receipted.contains(record.seq));
                    let public = (record.receipt_read_at != 0 && !record.receipt_private) || recorded_now;
                    let mut receipt = render::c2c_receipt(peer, &record.msg_id, record.seq, record.receipt_read_at);
                    receipt.msg_receipt_is_peer_read = public;
                    if !public {
                        receipt.msg_receipt_time_stamp = 0;
                    }
                    receipt
                })
                .collect()
        }
    };
    Ok(get_receipts::Response { receipts })
}

/// `msg_get_read_members` (TIM `TIMMsgGetGroupMessageReadMemberList`).
pub(crate) async fn get_read_members(
    engine: &Engine,
    session: &Session,
    request: get_read_members::Request,
) -> Result<get_read_members::Response, ApiError> {
    if request.message.message_conv_type != ConvType::GROUP {
        return Err(ApiError::invalid_parameter(
            "message (json_msg) must be a group message; read member lists exist only for groups",
        ));
    }
    if request.filter != ReadMembersFilter::READ && request.filter != ReadMembersFilter::UNREAD {
        return Err(ApiError::invalid_parameter(format!("filter {} is not 0 (read) or 1 (unread)", request.filter.0)));
    }
    let page_max =
        if session.is_app_admin() { limits::READ_MEMBERS_PAGE_MAX_REST } else { limits::READ_MEMBERS_PAGE_MAX };
    if request.count == 0 || request.count > page_max {
        return Err(ApiError::invalid_parameter(format!("count {} must be between 1 and {page_max}", request.count)));
    }
    session.app.settings().config.check_plan()?;
    let (conv, _) = resolve_conv(session, &Conv::parse(&request.message.message_conv_id, ConvType::GROUP)?)?;
    let ConvKey::Group(group_id) = &conv else {
        return Err(crate::engine::internal("a group conversation that is not a group".to_owned()));
    };
    let records = stored_messages(engine, session, &conv, std::slice::from_ref(&request.message)).await?;
    let record = &records[0];
    if is_revoked_now(session, &conv, record) {
        return Err(ApiError::new(
            ErrorCode::GROUP_RECEIPT_NOT_FOUND,
            format!("message seq {} was revoked; its read receipts are gone with it", record.seq),
        ));
    }
    if record.sender != *session.user() && !session.is_app_admin() {
        return Err(ApiError::new(
            ErrorCode::GROUP_PERMISSION_DENIED,
            format!("only the sender of message seq {} may list who has read it", record.seq),
        ));
    }
    let cell = receipt_cells(engine, &session.app, group_id, &records).await?.pop().flatten().ok_or_else(|| {
        ApiError::new(
            ErrorCode::GROUP_RECEIPT_NOT_FOUND,
            format!("message seq {} did not ask for read receipts", record.seq),
        )
    })?;
    let state = session.app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
    let state = lock(&state);
    let page =
        lock(&cell.state).page(state.group.current_members(), request.filter, request.next_seq, request.count as usize);
    let members: Vec<_> = page
        .indices
        .iter()
        .filter_map(|index| state.group.user_at(*index))
        .map(|(user, member)| {
            let online = engine.hub().is_online(session.app.sdkappid, user);
            (user.clone(), render::member_info(&state.group, user, member, online))
        })
        .collect();
    drop(state);
    let members = render::with_member_profiles(&session.app, members);
    Ok(get_read_members::Response { members, next_seq: page.next_cursor, is_finished: page.is_finished })
}

/// `user_set_receipt_privacy`: the caller's reads become private (or public again).
pub(crate) async fn set_privacy(
    engine: &Engine,
    session: &Session,
    request: set_receipt_privacy::Request,
) -> Result<Empty, ApiError> {
    set_account_privacy(engine, &session.app, session.user(), request.private).await?;
    Ok(Empty {})
}

/// Sets an account's receipt privacy (from the user or from an administrator).
pub(crate) async fn set_account_privacy(
    engine: &Engine,
    app: &AppState,
    user: &UserId,
    private: bool,
) -> Result<(), ApiError> {
    let account = app
        .account(user)
        .ok_or_else(|| ApiError::new(ErrorCode::ACCOUNT_NOT_FOUND, format!("account {user} does not exist")))?;
    let committing = engine.commit(
        || lock(&account.convs),
        |_| {
            account.receipt_private.store(private, Ordering::Relaxed);
            let record = AccountRecord {
                sdkappid: app.sdkappid,
                user: user.clone(),
                tiny_id: account.tiny_id,
                created_at: account.created_at,
                receipt_private: private,
            };
            Ok(Decision::write(vec![WriteOp::PutAccount(record)], Tell::Nobody, ()))
        },
    );
    committing.await?.durable().await?;
    Ok(())
}

handle!(api::send_receipts::Request => send);
handle!(api::get_receipts::Request => get);
handle!(api::get_read_members::Request => get_read_members);
handle!(api::set_receipt_privacy::Request => set_privacy);
