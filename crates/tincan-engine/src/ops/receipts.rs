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

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tincan_core::config::CALLBACK_GROUP_AFTER_READ_RECEIPT;
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::receipts::{GroupReceipt, RecordOutcome};
use tincan_proto::api::{Empty, get_read_members, get_receipts, send_receipts, set_receipt_privacy};
use tincan_proto::enums::{ConvType, ReadMembersFilter};
use tincan_proto::objects::MessageReceipt;
use tincan_proto::push::{self, ReceiptPush, ReceiptSentPush};
use tincan_proto::{ApiError, ErrorCode, GroupId, Message, UserId, limits};
use tincan_store::{AccountRecord, MessageRecord, UserEventRecord, WriteOp};
use tokio::sync::Notify;

use crate::ops::messages::{group_not_found, resolve_conv};
use crate::render;
use crate::state::{AppState, GroupState, ReceiptCell, lock};
use crate::webhooks::{CallbackEvent, ReceiptItem};
use crate::{Engine, Session};

/// Keeps `cell` in the group (see [`GroupState::keep_receipt`]), counting the cells it lets go.
pub(crate) fn keep_receipt(
    engine: &Engine,
    group: &mut GroupState,
    seq: u64,
    cell: Arc<ReceiptCell>,
) -> Arc<ReceiptCell> {
    let (cell, evicted) = group.keep_receipt(seq, cell, engine.inner.receipt_cells_per_group);
    engine.metrics().receipt_cells_evicted.fetch_add(evicted, Ordering::Relaxed);
    cell
}

/// A receipt cell for a message just sent, or one read back from the store (whose state then
/// replaces the empty one).
pub(crate) fn new_receipt_cell(
    sdkappid: u64,
    group_id: &GroupId,
    seq: u64,
    sender: &UserId,
    msg_id: &str,
    sender_index: Option<u32>,
    index_bound: u32,
) -> Arc<ReceiptCell> {
    Arc::new(ReceiptCell {
        sdkappid,
        group_id: group_id.clone(),
        seq,
        sender: sender.clone(),
        msg_id: msg_id.to_owned(),
        state: Mutex::new(GroupReceipt::new(sender_index, index_bound)),
        version: AtomicU64::new(0),
    })
}

/// The receipt cells of `records` (all of one group), loaded from the store on first use;
/// `None` for messages that did not ask for receipts.
pub(crate) async fn receipt_cells(
    engine: &Engine,
    app: &AppState,
    group_id: &GroupId,
    records: &[MessageRecord],
) -> Result<Vec<Option<Arc<ReceiptCell>>>, ApiError> {
    let Some(state) = app.group(group_id) else { return Ok(vec![None; records.len()]) };
    let mut cells: Vec<Option<Arc<ReceiptCell>>> = Vec::with_capacity(records.len());
    let mut missing = Vec::new();
    {
        let state = lock(&state);
        for (position, record) in records.iter().enumerate() {
            let cell = if record.need_receipt { state.receipts.get(&record.seq).cloned() } else { None };
            if record.need_receipt && cell.is_none() {
                missing.push(position);
            }
            cells.push(cell);
        }
    }
    for position in missing {
        let record = &records[position];
        cells[position] = load_receipt_cell(engine, app, &state, group_id, record).await?;
    }
    Ok(cells)
}

/// The receipt state of `record` read back from the store and kept in `state`, unless another
/// call kept one meanwhile (that one wins); `None` if the store has none.
async fn load_receipt_cell(
    engine: &Engine,
    app: &AppState,
    state: &Mutex<GroupState>,
    group_id: &GroupId,
    record: &MessageRecord,
) -> Result<Option<Arc<ReceiptCell>>, ApiError> {
    loop {
        let trims = lock(state).receipts_trims;
        let (sdkappid, stored_group, seq) = (app.sdkappid, group_id.clone(), record.seq);
        let Some(stored) = engine.read_store(move |reader| reader.group_receipt(sdkappid, &stored_group, seq)).await?
        else {
            return Ok(None);
        };
        let receipt =
            GroupReceipt::restore(stored.sender_index, stored.index_bound, &stored.readers, &stored.private_readers)
                .map_err(|err| crate::internal(format!("a stored receipt bitmap does not decode: {err}")))?;
        let mut state = lock(state);
        if let Some(cell) = state.receipts.get(&seq) {
            return Ok(Some(cell.clone()));
        }
        if state.receipts_trims != trims {
            // A cell made and stored while this read ran may have been let go since: what was
            // read may be older than what it stored. Read again.
            continue;
        }
        let cell = new_receipt_cell(app.sdkappid, group_id, seq, &record.sender, &record.msg_id, None, 0);
        *lock(&cell.state) = receipt;
        return Ok(Some(keep_receipt(engine, &mut state, seq, cell)));
    }
}

/// The conversation all of `messages` belong to, or a 6017 saying they do not share one.
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
    let (conv, _) = resolve_conv(session, &conv_id, conv_type)?;
    let records = stored_messages(engine, session, &conv, &request.messages).await?;
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
    WriteOp::AppendUserEvent(UserEventRecord {
        sdkappid: session.app.sdkappid,
        user: session.user().clone(),
        pos: 0,
        kind: push::RECEIPT_SENT.to_owned(),
        conv: Some(conv.clone()),
        seq: 0,
        payload: serde_json::to_string(&payload).unwrap_or_default(),
    })
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
    let reservation = engine.writer().reserve().await?;
    let (changed, index, pending) = {
        let state = lock(&state);
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
            return Ok(());
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
        let pending = reservation.send(ops, Some(crate::events::committed(app.sdkappid, session.device)));
        (changed.into_iter().map(|(_, cell)| cell).collect::<Vec<_>>(), index, pending)
    };
    // The sender hears of public receipts within the app's window; the reader's other devices
    // hear of every receipt it sent, paced by a longer window: they only update a mark, and a
    // reader scrolling through a busy group would otherwise store a notice per window.
    // The window starts now, while the receipts are being stored, not after: a push is queued
    // for the writer after the receipts it counts (both under the group's lock), so it is never
    // stored before them, and the sender hears of a receipt one commit after it, not two.
    let window_ms = u64::from(app.settings().config.receipt_coalesce_window_ms);
    for cell in &changed {
        if !private {
            let key = (app.sdkappid, cell.sender.clone(), group_id.clone(), Audience::Sender);
            engine.inner.coalescer.note(key, cell.clone(), None, engine.now_ms(), window_ms);
        }
        let key = (app.sdkappid, session.user().clone(), group_id.clone(), Audience::Reader);
        engine.inner.coalescer.note(key, cell.clone(), session.device, engine.now_ms(), window_ms);
    }
    if let Err(err) = pending.wait().await {
        // Not stored: take the receipts back so that a retry records them again. (A store
        // that fails refuses every later write too, so no push carries these counts.)
        for cell in &changed {
            lock(&cell.state).unrecord(index);
        }
        return Err(err);
    }
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
    let side = pair.side_of(reader).ok_or_else(|| crate::internal("reader outside its own pair".to_owned()))?;
    let sender = pair.peer_of(side).clone();
    let state = app.pair(pair).ok_or_else(|| crate::internal("a stored C2C message without a pair".to_owned()))?;
    let private = session.account.is_private();
    let now = engine.now();
    let conv = ConvKey::C2c(pair.clone());
    let reservation = engine.writer().reserve().await?;
    let (seqs, pending) = {
        let mut state = lock(&state);
        let fresh: Vec<&MessageRecord> = records
            .iter()
            .filter(|record| {
                record.receipt_read_at == 0
                    && !state.receipted.contains(record.seq)
                    && !state.receipted_private.contains(record.seq)
            })
            .collect();
        if fresh.is_empty() {
            return Ok(());
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
            ops.push(WriteOp::AppendUserEvent(UserEventRecord {
                sdkappid: app.sdkappid,
                user: sender.clone(),
                pos: 0,
                kind: push::RECEIPT.to_owned(),
                conv: Some(conv.clone()),
                seq: 0,
                payload: serde_json::to_string(&ReceiptPush { receipts }).unwrap_or_default(),
            }));
        }
        ops.push(receipt_sent_event(session, sender.as_str(), ConvType::C2C, &fresh, &conv));
        let seqs: Vec<u64> = fresh.iter().map(|record| record.seq).collect();
        (seqs, reservation.send(ops, Some(crate::events::committed(app.sdkappid, session.device))))
    };
    if let Err(err) = pending.wait().await {
        // Not stored: take the receipts back so that a retry records them again.
        let mut state = lock(&state);
        for seq in &seqs {
            state.receipted.remove(*seq);
            state.receipted_private.remove(*seq);
        }
        return Err(err);
    }
    engine.metrics().receipts.fetch_add(seqs.len() as u64, Ordering::Relaxed);
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
    let (conv, _) = resolve_conv(session, &conv_id, conv_type)?;
    let records: Vec<MessageRecord> = stored_messages(engine, session, &conv, &request.messages)
        .await?
        .into_iter()
        .filter(|record| (record.sender == *session.user() || session.is_app_admin()) && record.need_receipt)
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
                .ok_or_else(|| crate::internal("caller outside its own pair".to_owned()))?;
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
    let (conv, _) = resolve_conv(session, &request.message.message_conv_id, ConvType::GROUP)?;
    let ConvKey::Group(group_id) = &conv else {
        return Err(crate::internal("a group conversation that is not a group".to_owned()));
    };
    let records = stored_messages(engine, session, &conv, std::slice::from_ref(&request.message)).await?;
    let record = &records[0];
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
    let members = page
        .indices
        .iter()
        .filter_map(|index| state.group.user_at(*index))
        .map(|(user, member)| {
            render::member_info(&state.group, user, member, engine.hub().is_online(session.app.sdkappid, user))
        })
        .collect();
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
    let reservation = engine.writer().reserve().await?;
    let pending = {
        let _guard = lock(&account.convs);
        account.receipt_private.store(private, Ordering::Relaxed);
        let record = AccountRecord {
            sdkappid: app.sdkappid,
            user: user.clone(),
            tiny_id: account.tiny_id,
            created_at: account.created_at,
            receipt_private: private,
        };
        reservation.send(vec![WriteOp::PutAccount(record)], None)
    };
    pending.wait().await?;
    Ok(())
}

/// Who a coalesced push is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Audience {
    /// The messages' sender: a `receipt` push with current counts.
    Sender,
    /// The reader's devices: a `receipt_sent` push listing what it acknowledged.
    Reader,
}

impl Audience {
    /// The windows of this audience's pushes, given the app's window: the one a busy key's
    /// pushes start from and the longest. The sender's window doubles from 5 ms to the app's,
    /// so that a conversation read now and then hears of each receipt within milliseconds. The
    /// reader's is at least a second, and whole from the start: its notices only update a mark,
    /// and a reader whose receipts come in bursts (a screenful at a time) would otherwise never
    /// be paced. It is longer by up to a quarter for some readers than for others
    /// (`reader`'s own share), so that readers who started together, as everyone reading a
    /// message the moment it arrives does, drift apart rather than flushing at the same instant
    /// every second.
    fn windows_ms(self, app_window_ms: u64, reader: &UserId) -> (u64, u64) {
        match self {
            Audience::Sender => (WINDOW_MS_MIN, app_window_ms),
            Audience::Reader => {
                let window = app_window_ms.max(READER_NOTICE_WINDOW_MS);
                let window = window + spread(reader, window / 4);
                (window, window)
            }
        }
    }
}

/// A share of `0..range` that is always the same for `user`.
fn spread(user: &UserId, range: u64) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(user) % range.max(1)
}

/// (app, user told, group, audience).
pub(crate) type CoalesceKey = (u64, UserId, GroupId, Audience);

struct PendingPush {
    /// The messages whose counts changed, by seq (a busy sender's window may hold thousands).
    cells: BTreeMap<u64, Arc<ReceiptCell>>,
    /// The device every noted receipt came from, if they all came from one: the reader's own
    /// notice skips it, as that device knows already.
    origin: Option<u64>,
}

/// A push that is due: its key, the messages, and the device to skip.
type DuePush = (CoalesceKey, Vec<Arc<ReceiptCell>>, Option<u64>);

#[derive(Default)]
struct CoalescerState {
    pending: HashMap<CoalesceKey, PendingPush>,
    due: BinaryHeap<Reverse<(u64, CoalesceKey)>>,
    /// When each key was last flushed (milliseconds) and how busy it has been; kept for the
    /// longest window only.
    last_flush: HashMap<CoalesceKey, Pace>,
    /// When `last_flush` may next be pruned, in milliseconds (pruning walks it all).
    next_prune_ms: u64,
}

/// The pace of one key's pushes: its last flush and how many windows in a row were busy.
#[derive(Clone, Copy, Debug, Default)]
struct Pace {
    flushed_at_ms: u64,
    streak: u32,
}

/// The shortest coalescing window, in milliseconds: the window starts here and doubles while
/// receipts keep arriving before it ends, up to the app's window.
const WINDOW_MS_MIN: u64 = 5;

/// When the next push for a key may go out, and the key's new streak.
///
/// A receipt after a quiet spell (longer than the current window) goes out at once; receipts
/// arriving faster than that wait for a window that doubles with each busy window, from
/// `shortest_ms` up to `window_ms`, so a quiet conversation hears of each receipt within
/// milliseconds while a busy one gets at most one push per `window_ms`.
fn next_due(pace: Pace, now_ms: u64, shortest_ms: u64, window_ms: u64) -> (u64, u32) {
    let window = |streak: u32| window_ms.min(shortest_ms.saturating_mul(1u64 << streak.min(20)));
    let gap = now_ms.saturating_sub(pace.flushed_at_ms);
    if window_ms == 0 || gap >= window_ms {
        return (now_ms, 0);
    }
    let current = window(pace.streak);
    if gap >= current {
        return (now_ms, pace.streak.saturating_sub(1));
    }
    let streak = if window(pace.streak) < window_ms { pace.streak + 1 } else { pace.streak };
    (pace.flushed_at_ms + current, streak)
}

/// Past this many remembered flushes, old ones are forgotten.
const LAST_FLUSHES_MAX: usize = 65_536;

/// Gathers receipt pushes per sender and group over the app's window.
pub(crate) struct Coalescer {
    state: Arc<Mutex<CoalescerState>>,
    wake: Arc<Notify>,
    stopped: Arc<AtomicBool>,
}

impl Coalescer {
    pub(crate) fn new() -> Coalescer {
        Coalescer { state: Arc::default(), wake: Arc::new(Notify::new()), stopped: Arc::new(AtomicBool::new(false)) }
    }

    /// Starts the task that flushes due pushes.
    pub(crate) fn start(&self, engine: Engine) {
        let (state, wake, stopped) = (self.state.clone(), self.wake.clone(), self.stopped.clone());
        let weak = Arc::downgrade(&engine.inner);
        drop(engine);
        tokio::spawn(async move {
            loop {
                if stopped.load(Ordering::Relaxed) {
                    return;
                }
                let Some(inner) = weak.upgrade() else { return };
                let engine = Engine { inner };
                let now = engine.now_ms();
                let (due, next) = take_due(&state, now);
                for (key, cells, origin) in due {
                    let engine = engine.clone();
                    tokio::spawn(async move { flush(&engine, key, cells, origin).await });
                }
                drop(engine);
                let sleep =
                    next.map_or(Duration::from_secs(1), |at| Duration::from_millis(at.saturating_sub(now).max(1)));
                tokio::select! {
                    () = tokio::time::sleep(sleep) => {}
                    () = wake.notified() => {}
                }
            }
        });
    }

    /// Sends every push still waiting for its window (at shutdown).
    pub(crate) async fn flush_all(&self, engine: &Engine) {
        let due = take_due(&self.state, u64::MAX).0;
        for (key, cells, origin) in due {
            flush(engine, key, cells, origin).await;
        }
    }

    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.wake.notify_one();
    }

    /// Notes that `cell` changed; the key's audience will be told within its window, which
    /// follows the app's `app_window_ms`.
    pub(crate) fn note(
        &self,
        key: CoalesceKey,
        cell: Arc<ReceiptCell>,
        origin: Option<u64>,
        now_ms: u64,
        app_window_ms: u64,
    ) {
        let mut state = lock(&self.state);
        match state.pending.get_mut(&key) {
            Some(pending) => {
                pending.cells.entry(cell.seq).or_insert(cell);
                if pending.origin != origin {
                    pending.origin = None;
                }
            }
            None => {
                // The first receipt after a quiet spell goes out at once; while receipts keep
                // coming, one push per window carries them all.
                let pace = state.last_flush.get(&key).copied().unwrap_or_default();
                let (shortest_ms, window_ms) = key.3.windows_ms(app_window_ms, &key.1);
                let (due, streak) = next_due(pace, now_ms, shortest_ms, window_ms);
                state.last_flush.insert(key.clone(), Pace { streak, ..pace });
                state.pending.insert(key.clone(), PendingPush { cells: BTreeMap::from([(cell.seq, cell)]), origin });
                state.due.push(Reverse((due, key)));
                drop(state);
                self.wake.notify_one();
            }
        }
    }
}

/// The shortest window between two `receipt_sent` notices to one reader's devices, in
/// milliseconds (the first after a quiet spell goes at once).
const READER_NOTICE_WINDOW_MS: u64 = 1_000;

/// Pushes that are due, and when the next one will be.
type DuePushes = (Vec<DuePush>, Option<u64>);

fn take_due(state: &Mutex<CoalescerState>, now_ms: u64) -> DuePushes {
    let mut state = lock(state);
    let mut due = Vec::new();
    while let Some(Reverse((at, _))) = state.due.peek() {
        if *at > now_ms {
            break;
        }
        let Some(Reverse((_, key))) = state.due.pop() else { break };
        if let Some(pending) = state.pending.remove(&key) {
            let streak = state.last_flush.get(&key).map_or(0, |pace| pace.streak);
            state.last_flush.insert(key.clone(), Pace { flushed_at_ms: now_ms, streak });
            due.push((key, pending.cells.into_values().collect(), pending.origin));
        }
    }
    if state.last_flush.len() > LAST_FLUSHES_MAX && now_ms >= state.next_prune_ms {
        // The longest window: the app's longest, or a reader's, a quarter longer.
        let longest = u64::from(tincan_core::config::RECEIPT_COALESCE_WINDOW_MS_MAX).max(READER_NOTICE_WINDOW_MS);
        let horizon = now_ms.saturating_sub(longest + longest / 4);
        state.last_flush.retain(|_, pace| pace.flushed_at_ms >= horizon);
        state.next_prune_ms = now_ms.saturating_add(1_000);
    }
    let next = state.due.peek().map(|Reverse((at, _))| *at);
    (due, next)
}

/// Sends the sender one push with the current counts of each message, as a durable event.
async fn flush(engine: &Engine, key: CoalesceKey, cells: Vec<Arc<ReceiptCell>>, origin: Option<u64>) {
    let (sdkappid, user, group_id, audience) = key;
    if audience == Audience::Reader {
        let payload = ReceiptSentPush {
            conv_id: group_id.as_str().to_owned(),
            conv_type: ConvType::GROUP,
            msg_ids: cells.iter().map(|cell| cell.msg_id.clone()).collect(),
            seqs: cells.iter().map(|cell| cell.seq).collect(),
        };
        let op = WriteOp::AppendUserEvent(UserEventRecord {
            sdkappid,
            user,
            pos: 0,
            kind: push::RECEIPT_SENT.to_owned(),
            conv: Some(ConvKey::Group(group_id)),
            seq: 0,
            payload: serde_json::to_string(&payload).unwrap_or_default(),
        });
        if let Err(err) = engine.writer().submit(vec![op], Some(crate::events::committed(sdkappid, origin))).await {
            tracing::error!(error = %err, "a receipt notice could not be stored");
        }
        return;
    }
    let sender = user;
    let Some(app) = engine.app(sdkappid) else { return };
    let Some(state) = app.group(&group_id) else { return };
    let Ok(reservation) = engine.writer().reserve().await else { return };
    // Counts are taken and the event queued under the group's lock, so a later push never
    // carries older counts than an earlier one.
    let pending = {
        let state = lock(&state);
        let receipts: Vec<MessageReceipt> = cells
            .iter()
            .map(|cell| {
                render::group_receipt(
                    group_id.as_str(),
                    &cell.msg_id,
                    cell.seq,
                    lock(&cell.state).counts(state.group.current_members()),
                )
            })
            .collect();
        let op = WriteOp::AppendUserEvent(UserEventRecord {
            sdkappid,
            user: sender,
            pos: 0,
            kind: push::RECEIPT.to_owned(),
            conv: Some(ConvKey::Group(group_id.clone())),
            seq: 0,
            payload: serde_json::to_string(&ReceiptPush { receipts }).unwrap_or_default(),
        });
        reservation.send(vec![op], Some(crate::events::committed(sdkappid, None)))
    };
    if let Err(err) = pending.wait().await {
        tracing::error!(error = %err, "a receipt push could not be stored");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_receipts_go_at_once_and_busy_ones_are_paced() {
        // A receipt long after the last push: at once.
        assert_eq!(next_due(Pace { flushed_at_ms: 0, streak: 3 }, 1_000, WINDOW_MS_MIN, 100), (1_000, 0));
        // Receipts 20 ms apart with a 5 ms window: at once, the streak stays low.
        assert_eq!(next_due(Pace { flushed_at_ms: 980, streak: 0 }, 1_000, WINDOW_MS_MIN, 100), (1_000, 0));
        // Receipts faster than the window: wait for it, and the window doubles.
        assert_eq!(next_due(Pace { flushed_at_ms: 999, streak: 0 }, 1_000, WINDOW_MS_MIN, 100), (1_004, 1));
        assert_eq!(next_due(Pace { flushed_at_ms: 999, streak: 1 }, 1_000, WINDOW_MS_MIN, 100), (1_009, 2));
        // The window never grows past the app's.
        assert_eq!(next_due(Pace { flushed_at_ms: 999, streak: 10 }, 1_000, WINDOW_MS_MIN, 100), (1_099, 10));
        // A window of 0 never waits.
        assert_eq!(next_due(Pace { flushed_at_ms: 999, streak: 4 }, 1_000, WINDOW_MS_MIN, 0), (1_000, 0));
    }

    /// How many pushes a key gets over `span_ms` when a burst of receipts comes every
    /// `every_ms`.
    fn pushes_for_bursts(audience: Audience, app_window_ms: u64, every_ms: u64, span_ms: u64) -> usize {
        let reader = UserId::parse("reader").unwrap();
        let (shortest_ms, window_ms) = audience.windows_ms(app_window_ms, &reader);
        let (mut pace, mut due, mut pushes) = (Pace::default(), None, 0);
        let start = 10_000;
        for now in (start..start + span_ms).step_by(every_ms as usize) {
            if let Some(at) = due
                && at <= now
            {
                pace.flushed_at_ms = at;
                pushes += 1;
                due = None;
            }
            if due.is_none() {
                let (at, streak) = next_due(pace, now, shortest_ms, window_ms);
                pace.streak = streak;
                due = Some(at);
            }
        }
        pushes + usize::from(due.is_some())
    }

    #[test]
    fn a_reader_reading_in_bursts_gets_one_notice_per_window() {
        // A screenful of receipts every 32 ms for 10 s: the reader's devices hear at most once
        // a second (at once for the first burst), the sender within its 20 ms window.
        let reader = pushes_for_bursts(Audience::Reader, 20, 32, 10_000);
        assert!((8..=11).contains(&reader), "{reader} notices");
        let sender = pushes_for_bursts(Audience::Sender, 20, 32, 10_000);
        assert_eq!(sender, 313, "bursts further apart than the window each go at once");
    }

    #[test]
    fn readers_notice_windows_differ_by_up_to_a_quarter() {
        let windows: std::collections::BTreeSet<u64> = (0..100)
            .map(|n| Audience::Reader.windows_ms(20, &UserId::parse(&format!("reader{n}")).unwrap()))
            .map(|(shortest, longest)| {
                assert_eq!(shortest, longest, "a reader's window is whole from the start");
                longest
            })
            .collect();
        assert!(windows.iter().all(|window| (1_000..1_250).contains(window)), "{windows:?}");
        assert!(windows.len() > 50, "readers who start together drift apart: {windows:?}");
        let again = Audience::Reader.windows_ms(20, &UserId::parse("reader7").unwrap());
        assert_eq!(again, Audience::Reader.windows_ms(20, &UserId::parse("reader7").unwrap()), "one reader's is fixed");
        // An app window past a second sets the reader's base.
        let (_, long) = Audience::Reader.windows_ms(4_000, &UserId::parse("reader7").unwrap());
        assert!((4_000..5_000).contains(&long), "{long}");
    }
}
