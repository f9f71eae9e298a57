//! What happens to a message after it is sent: revoke and modify.
//!
//! Both are revisions of the stored message: the decision, under the conversation's lock,
//! checks the message as memory knows it now (the conversation keeps every message revised
//! since start, so two revisions of one message are decided one after the other, each seeing
//! the other), and stores it with one `ReviseMessage`, which the writer gives a position. Those
//! who received the message are pushed the revision: in a C2C conversation through a copy in
//! each user's stream, in a group through the group's revisions after a position, which a
//! replay reads, so a revision in a group of any size is one row.

use std::sync::Arc;

use tincan_core::config::{CALLBACK_C2C_AFTER_MSG_WITHDRAW, CALLBACK_GROUP_AFTER_RECALL_MSG};
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_proto::api::{self, Empty, delete_messages, find_messages, modify_message, revoke_message};
use tincan_proto::enums::MemberRole;
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, Message, UserId, limits};
use tincan_store::{MessageRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::{revision_copy, user_event};
use crate::ops::common::{Target, find_message, group_not_found, message_views, resolve_conv};
use crate::ops::handle;
use crate::render;
use crate::state::lock;
use crate::webhooks::{CallbackEvent, RecallEvent};

impl Engine {
    /// Message `seq` of `conv` as `session`'s user sees it (for the REST API, which names
    /// messages by seq); 6017 when the conversation has no such message.
    pub async fn message_at(&self, session: &Session, conv: &Conv, seq: u64) -> Result<Message, ApiError> {
        let named = Message { message_seq: seq, ..Message::default() };
        let target = find_message(self, session, conv, &named, ApiError::invalid_parameter).await?;
        let views = message_views(self, session, &target.conv, std::slice::from_ref(&target.record)).await?;
        Ok(render::message_for(&session.app, &target.record, session.user(), &views[0]))
    }
}

/// How many of a sender's messages one store read brings, and one commit revokes, when the
/// administrator deletes them all.
const SENDER_MESSAGES_PAGE: usize = 500;

impl Engine {
    /// Revokes, as the app's administrator, every message `sender` sent to a group before this
    /// call (REST `delete_group_msg_by_sender`), newest first, a page per commit; each is revoked
    /// as `group_msg_recall` revokes one (members who received it are pushed `msg_revoked` with
    /// their conversation state, it leaves every unread count, its receipts go), with no reason
    /// and no webhook. Returns how many it revoked; messages revoked already are left as they are.
    pub async fn revoke_group_messages_by_sender(
        &self,
        session: &Session,
        group_id: &GroupId,
        sender: &UserId,
    ) -> Result<usize, ApiError> {
        if !session.is_app_admin() {
            return Err(ApiError::new(
                ErrorCode::GROUP_PERMISSION_DENIED,
                "only the app's administrator may delete a sender's messages",
            ));
        }
        let app = &session.app;
        let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
        let newest = {
            let state = lock(&state);
            state.group.check_alive()?;
            state.group.max_seq()
        };
        // Every message up to `newest` was handed to the writer; once this empty batch is
        // durable, the store has them all.
        self.commit_unlocked(Vec::new(), Tell::Nobody).await?;
        let revoker = app.settings().admin_identifier.clone();
        let conv = ConvKey::Group(group_id.clone());
        let mut below = newest;
        let mut revoked_count = 0;
        while below > 0 {
            let (sdkappid, query_conv, query_sender) = (app.sdkappid, conv.clone(), sender.clone());
            let page = self
                .read_store(move |reader| {
                    reader.messages_by_sender(sdkappid, &query_conv, &query_sender, (0, below), SENDER_MESSAGES_PAGE)
                })
                .await?;
            below = match page.last() {
                Some(oldest) if page.len() == SENDER_MESSAGES_PAGE => oldest.seq.saturating_sub(1),
                _ => 0,
            };
            revoked_count += revoke_page(self, session, group_id, &state, page, &revoker).await?;
        }
        Ok(revoked_count)
    }
}

/// Revokes the messages of `page` (one group's) not revoked yet, in one commit; returns how many.
async fn revoke_page(
    engine: &Engine,
    session: &Session,
    group_id: &GroupId,
    state: &std::sync::Mutex<crate::state::GroupState>,
    page: Vec<MessageRecord>,
    revoker: &UserId,
) -> Result<usize, ApiError> {
    if page.is_empty() {
        return Ok(0);
    }
    let app = &session.app;
    // What each revoke replaced in memory, and whether the message counted as unread before.
    type Undo = Vec<(u64, UserId, Option<Arc<MessageRecord>>, bool)>;
    let committing = engine.commit(
        || lock(state),
        |state| {
            state.group.check_alive()?;
            let mut ops = Vec::with_capacity(page.len());
            let mut undo: Undo = Vec::with_capacity(page.len());
            for stored in &page {
                let seq = stored.seq;
                let current = state.revised.get(&seq).map_or_else(|| stored.clone(), |it| (**it).clone());
                if current.is_revoked() {
                    continue;
                }
                let record = revoked(&current, revoker, "");
                let counted = !current.excluded_from_unread;
                if counted {
                    state.group.exclude_message(seq, &record.sender);
                }
                let previous = state.revised.insert(seq, Arc::new(record.clone()));
                state.revisions_in_flight += 1;
                undo.push((seq, record.sender.clone(), previous, counted));
                ops.push(WriteOp::ReviseMessage(record));
            }
            if ops.is_empty() {
                return Ok(Decision::Nothing(undo));
            }
            Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, session.device), undo))
        },
    );
    let undo = |undo: &Undo| {
        let mut state = lock(state);
        for (seq, sender, previous, counted) in undo {
            match previous {
                Some(previous) => state.revised.insert(*seq, previous.clone()),
                None => state.revised.remove(seq),
            };
            state.revisions_in_flight = state.revisions_in_flight.saturating_sub(1);
            if *counted {
                state.group.include_message(*seq, sender);
            }
        }
    };
    let (done, _) = committing.await?.durable_or_undo(undo).await?;
    for (seq, ..) in &done {
        // Its receipts are of no more use: no push waits to carry them, and its cell goes.
        engine.inner.coalescer.forget(app.sdkappid, group_id, *seq);
    }
    let mut state = lock(state);
    for (seq, ..) in &done {
        state.receipts.remove(seq);
        let revised = state.revised.get(seq).cloned();
        refresh_last_message(&mut state.last_message, *seq, revised);
    }
    Ok(done.len())
}

/// `msg_revoke` (TIM `TIMMsgRevoke`).
pub(crate) async fn revoke(
    engine: &Engine,
    session: &Session,
    request: revoke_message::Request,
) -> Result<Empty, ApiError> {
    if request.reason.len() > limits::REVOKE_REASON_BYTES_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "reason is {} bytes; at most {} are allowed",
            request.reason.len(),
            limits::REVOKE_REASON_BYTES_MAX
        )));
    }
    let is_group = matches!(request.conv, Conv::Group(_));
    let not_found = |desc: String| {
        let code = if is_group { ErrorCode::GROUP_REVOKE_MSG_NOT_FOUND } else { ErrorCode::INVALID_PARAMETERS };
        ApiError::new(code, desc)
    };
    let target = find_message(engine, session, &request.conv, &request.message, not_found).await?;
    let now = engine.now();
    let age = now.saturating_sub(target.record.server_time);
    // The app's own limit, or the server's when the app has set none.
    let limit = match session.app.settings().config.revoke_time_limit_secs {
        0 => engine.inner.revoke_time_limit.as_secs(),
        secs => u64::from(secs),
    };
    // The administrator revokes as itself, whichever account's conversation it acts in.
    let revoker =
        if session.is_app_admin() { session.app.settings().admin_identifier.clone() } else { session.user().clone() };
    match &target.conv {
        ConvKey::C2c(pair) => {
            if target.record.sender != revoker && !session.is_app_admin() {
                return Err(ApiError::new(
                    ErrorCode::C2C_INVALID_REQUEST,
                    format!(
                        "only its sender may revoke a one-to-one message; {} sent seq {}",
                        target.record.sender, target.record.seq
                    ),
                ));
            }
            if !session.is_app_admin() && age > limit {
                return Err(ApiError::new(
                    ErrorCode::C2C_REVOKE_TIME_LIMIT,
                    format!("the message was sent {age} s ago; it may be revoked within {limit} s of sending"),
                ));
            }
            revoke_c2c(engine, session, pair, target.record, revoker, request.reason).await
        }
        ConvKey::Group(_) => revoke_group(engine, session, target, revoker, request.reason, age, limit).await,
    }?;
    Ok(Empty {})
}

/// The record revoked by `revoker`: no content, the reason kept.
fn revoked(current: &MessageRecord, revoker: &UserId, reason: &str) -> MessageRecord {
    let mut revision = current.revision.clone();
    revision.revoked_by = Some(revoker.clone());
    revision.revoke_reason = reason.to_owned();
    MessageRecord { body: "[]".to_owned(), revision, ..current.clone() }
}

async fn revoke_c2c(
    engine: &Engine,
    session: &Session,
    pair: &C2cPair,
    stored: MessageRecord,
    revoker: UserId,
    reason: String,
) -> Result<(), ApiError> {
    let app = &session.app;
    let state = app.pair(pair).ok_or_else(|| crate::engine::internal(format!("no state for C2C pair {pair:?}")))?;
    let sender_side = pair
        .side_of(&stored.sender)
        .ok_or_else(|| crate::engine::internal("a message whose sender is outside its pair".to_owned()))?;
    let seq = stored.seq;
    let after =
        !session.skip_after_send && engine.wants_callback(&app.settings().config, CALLBACK_C2C_AFTER_MSG_WITHDRAW);
    let receiver = pair.peer_of(sender_side).clone();
    let receiver_unread_elsewhere = if after { engine.c2c_unread_except(app, &receiver, &stored.sender) } else { 0 };
    let committing = engine.commit(
        || lock(&state),
        |state| {
            let current = state.revised.get(&seq).map_or_else(|| stored.clone(), |it| (**it).clone());
            if current.is_revoked() {
                return Ok(Decision::Nothing(None));
            }
            let record = revoked(&current, &revoker, &reason);
            let counted = !current.excluded_from_unread;
            if counted {
                state.excluded.insert(seq);
                state.read_of_mut(sender_side).forget_own(seq);
            }
            let previous = state.revised.insert(seq, Arc::new(record.clone()));
            let conv = record.conv.clone();
            let mut ops = vec![
                WriteOp::ReviseMessage(record.clone()),
                revision_copy(app.sdkappid, pair.low(), &conv, seq),
                revision_copy(app.sdkappid, pair.high(), &conv, seq),
            ];
            if after {
                let event = RecallEvent {
                    from: record.sender.as_str().to_owned(),
                    to: receiver.as_str().to_owned(),
                    msg_key: format!("{}_{}_{}", record.seq, record.rand, record.server_time),
                    unread: receiver_unread_elsewhere + state.unread_of(sender_side.other()),
                    group_id: String::new(),
                    group_type: String::new(),
                    operator: revoker.as_str().to_owned(),
                    seq,
                    event_time_ms: engine.now_ms(),
                    platform: session.event_platform(),
                };
                ops.extend(engine.callback_op(
                    app.sdkappid,
                    CALLBACK_C2C_AFTER_MSG_WITHDRAW,
                    &CallbackEvent::Recall(event),
                ));
            }
            Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, session.device), Some((previous, counted))))
        },
    );
    let undo = |value: &Option<(Option<Arc<MessageRecord>>, bool)>| {
        let Some((previous, counted)) = value else { return };
        let mut state = lock(&state);
        match previous {
            Some(previous) => state.revised.insert(seq, previous.clone()),
            None => state.revised.remove(&seq),
        };
        if *counted {
            state.excluded.remove(seq);
            state.read_of_mut(sender_side).record_own_message(seq);
        }
    };
    let (value, _) = committing.await?.durable_or_undo(undo).await?;
    if after && value.is_some() {
        engine.wake_webhooks();
    }
    let mut state = lock(&state);
    let revised = state.revised.get(&seq).cloned();
    refresh_last_message(&mut state.last_message, seq, revised);
    Ok(())
}

/// Puts the revised record in place of the conversation's last message when it is that
/// message.
fn refresh_last_message(last: &mut Option<Arc<MessageRecord>>, seq: u64, revised: Option<Arc<MessageRecord>>) {
    if let (Some(current), Some(revised)) = (last.as_ref(), revised)
        && current.seq == seq
    {
        *last = Some(revised);
    }
}

async fn revoke_group(
    engine: &Engine,
    session: &Session,
    target: Target,
    revoker: UserId,
    reason: String,
    age: u64,
    limit: u64,
) -> Result<(), ApiError> {
    let app = &session.app;
    let ConvKey::Group(group_id) = &target.conv else {
        return Err(crate::engine::internal("a group revoke outside a group".to_owned()));
    };
    let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
    let stored = target.record;
    let seq = stored.seq;
    let after =
        !session.skip_after_send && engine.wants_callback(&app.settings().config, CALLBACK_GROUP_AFTER_RECALL_MSG);
    let committing = engine.commit(
        || lock(&state),
        |state| {
            state.group.check_alive()?;
            let own = stored.sender == revoker;
            if !session.is_app_admin() {
                let role = state.group.check_member(&revoker)?.role;
                let manages = role == MemberRole::OWNER || role == MemberRole::ADMIN;
                if !own && !manages {
                    return Err(ApiError::new(
                        ErrorCode::GROUP_REVOKE_MSG_DENY,
                        format!(
                            "{revoker} may not revoke message seq {seq} of {}: only its sender, the owner and the admins may",
                            stored.sender
                        ),
                    ));
                }
                if own && !manages && age > limit {
                    return Err(ApiError::new(
                        ErrorCode::GROUP_REVOKE_MSG_TIME_LIMIT,
                        format!("the message was sent {age} s ago; it may be revoked within {limit} s of sending"),
                    ));
                }
            }
            let current = state.revised.get(&seq).map_or_else(|| stored.clone(), |it| (**it).clone());
            if current.is_revoked() {
                return Ok(Decision::Nothing(None));
            }
            let record = revoked(&current, &revoker, &reason);
            let counted = !current.excluded_from_unread;
            if counted {
                state.group.exclude_message(seq, &record.sender);
            }
            let previous = state.revised.insert(seq, Arc::new(record.clone()));
            state.revisions_in_flight += 1;
            let mut ops = vec![WriteOp::ReviseMessage(record.clone())];
            if after {
                let event = RecallEvent {
                    from: record.sender.as_str().to_owned(),
                    to: String::new(),
                    msg_key: String::new(),
                    unread: 0,
                    group_id: group_id.as_str().to_owned(),
                    group_type: state.group.group_type().rest_name().unwrap_or_default().to_owned(),
                    operator: revoker.as_str().to_owned(),
                    seq,
                    event_time_ms: engine.now_ms(),
                    platform: session.event_platform(),
                };
                ops.extend(engine.callback_op(app.sdkappid, CALLBACK_GROUP_AFTER_RECALL_MSG, &CallbackEvent::Recall(event)));
            }
            Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, session.device), Some((previous, counted))))
        },
    );
    let sender = stored.sender.clone();
    let undo = |value: &Option<(Option<Arc<MessageRecord>>, bool)>| {
        let Some((previous, counted)) = value else { return };
        let mut state = lock(&state);
        match previous {
            Some(previous) => state.revised.insert(seq, previous.clone()),
            None => state.revised.remove(&seq),
        };
        state.revisions_in_flight = state.revisions_in_flight.saturating_sub(1);
        if *counted {
            state.group.include_message(seq, &sender);
        }
    };
    let (value, _) = committing.await?.durable_or_undo(undo).await?;
    if value.is_some() {
        // Its receipts are of no more use: no push waits to carry them, and its cell goes.
        engine.inner.coalescer.forget(app.sdkappid, group_id, seq);
        let mut state = lock(&state);
        state.receipts.remove(&seq);
        let revised = state.revised.get(&seq).cloned();
        refresh_last_message(&mut state.last_message, seq, revised);
    }
    if after && value.is_some() {
        engine.wake_webhooks();
    }
    Ok(())
}

/// `msg_modify` (TIM `TIMMsgModifyMessage`).
pub(crate) async fn modify(
    engine: &Engine,
    session: &Session,
    request: modify_message::Request,
) -> Result<modify_message::Response, ApiError> {
    let mut message = request.message;
    let conv = Conv::parse(&message.message_conv_id, message.message_conv_type)?;
    message.validate_body_for_send()?;
    let body = serde_json::to_string(&message.message_elem_array)
        .map_err(|err| crate::engine::internal(format!("encoding elements: {err}")))?;
    let target = find_message(engine, session, &conv, &message, ApiError::invalid_parameter).await?;
    let stored = target.record;
    if stored.sender != *session.user() && !session.is_app_admin() {
        let code = if matches!(conv, Conv::Group(_)) {
            ErrorCode::GROUP_PERMISSION_DENIED
        } else {
            ErrorCode::C2C_INVALID_REQUEST
        };
        return Err(ApiError::new(
            code,
            format!("only its sender may modify a message; {} sent seq {}", stored.sender, stored.seq),
        ));
    }
    let app = &session.app;
    let seq = stored.seq;
    let (version, cloud_custom) = (message.message_version, message.message_cloud_custom_str.clone());
    // The administrator (REST, which has no versions) modifies the message as it is.
    let checks_version = !session.is_app_admin();
    // Under the conversation's lock: the modified record and what the memory held before, or
    // the message as it is when this same modification was made already.
    let decide = |revised: &mut Revised| -> Result<Modified, ApiError> {
        let current = revised.get(&seq).map_or_else(|| stored.clone(), |it| (**it).clone());
        if current.is_revoked() {
            return Err(ApiError::new(
                ErrorCode::INVALID_OPERATION,
                format!("message seq {seq} was revoked; a revoked message cannot be modified"),
            ));
        }
        if checks_version && version != current.revision.version {
            // The same modification again (its answer was lost) finds its own result.
            if version + 1 == current.revision.version && current.body == body && current.cloud_custom == cloud_custom {
                return Ok(Modified::Already(current));
            }
            return Err(ApiError::new(
                ErrorCode::MSG_MODIFY_CONFLICT,
                format!(
                    "message seq {seq} is at version {}, and this modification was made from version {version}; read it again and modify that",
                    current.revision.version
                ),
            ));
        }
        let mut record = MessageRecord { body: body.clone(), cloud_custom: cloud_custom.clone(), ..current };
        record.revision.version += 1;
        let previous = revised.insert(seq, Arc::new(record.clone()));
        Ok(Modified::Now(record, previous))
    };
    let tell = Tell::devices_but(app.sdkappid, session.device);
    let record = match &target.conv {
        ConvKey::C2c(pair) => {
            let state = app.pair(pair).ok_or_else(|| crate::engine::internal(format!("no state for pair {pair:?}")))?;
            let committing = engine.commit(
                || lock(&state),
                |state| match decide(&mut state.revised)? {
                    Modified::Already(current) => Ok(Decision::Nothing(Modified::Already(current))),
                    Modified::Now(record, previous) => {
                        let conv = record.conv.clone();
                        let ops = vec![
                            WriteOp::ReviseMessage(record.clone()),
                            revision_copy(app.sdkappid, pair.low(), &conv, seq),
                            revision_copy(app.sdkappid, pair.high(), &conv, seq),
                        ];
                        Ok(Decision::write(ops, tell, Modified::Now(record, previous)))
                    }
                },
            );
            let undo = |value: &Modified| value.undo(&mut lock(&state).revised, seq);
            let (value, _) = committing.await?.durable_or_undo(undo).await?;
            let mut state = lock(&state);
            let revised = state.revised.get(&seq).cloned();
            refresh_last_message(&mut state.last_message, seq, revised);
            value.into_record()
        }
        ConvKey::Group(group_id) => {
            let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
            let committing = engine.commit(
                || lock(&state),
                |state| {
                    state.group.check_alive()?;
                    match decide(&mut state.revised)? {
                        Modified::Already(current) => Ok(Decision::Nothing(Modified::Already(current))),
                        Modified::Now(record, previous) => {
                            state.revisions_in_flight += 1;
                            let ops = vec![WriteOp::ReviseMessage(record.clone())];
                            Ok(Decision::write(ops, tell, Modified::Now(record, previous)))
                        }
                    }
                },
            );
            let undo = |value: &Modified| {
                let mut state = lock(&state);
                value.undo(&mut state.revised, seq);
                state.revisions_in_flight = state.revisions_in_flight.saturating_sub(1);
            };
            let (value, _) = committing.await?.durable_or_undo(undo).await?;
            let mut state = lock(&state);
            let revised = state.revised.get(&seq).cloned();
            refresh_last_message(&mut state.last_message, seq, revised);
            value.into_record()
        }
    };
    let views = message_views(engine, session, &target.conv, std::slice::from_ref(&record)).await?;
    Ok(modify_message::Response { message: render::message_for(&session.app, &record, session.user(), &views[0]) })
}

/// The messages a conversation revised since start.
type Revised = std::collections::HashMap<u64, Arc<MessageRecord>>;

/// What a modification decided.
enum Modified {
    /// Modified now: the record, and what the memory held for the message before.
    Now(MessageRecord, Option<Arc<MessageRecord>>),
    /// This modification was made already; the message as it is.
    Already(MessageRecord),
}

impl Modified {
    /// Takes back a modification whose write failed.
    fn undo(&self, revised: &mut Revised, seq: u64) {
        if let Modified::Now(_, previous) = self {
            match previous {
                Some(previous) => revised.insert(seq, previous.clone()),
                None => revised.remove(&seq),
            };
        }
    }

    fn into_record(self) -> MessageRecord {
        match self {
            Modified::Now(record, _) | Modified::Already(record) => record,
        }
    }
}

/// `msg_delete` (TIM `TIMMsgDelete`, `TIMMsgListDelete`).
pub(crate) async fn delete(
    engine: &Engine,
    session: &Session,
    request: delete_messages::Request,
) -> Result<Empty, ApiError> {
    if request.messages.is_empty() || request.messages.len() > limits::RECEIPT_MESSAGES_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "messages has {} entries; between 1 and {} are allowed",
            request.messages.len(),
            limits::RECEIPT_MESSAGES_MAX
        )));
    }
    let mut seqs = Vec::with_capacity(request.messages.len());
    let mut msg_ids = Vec::with_capacity(request.messages.len());
    let mut conv = None;
    for message in &request.messages {
        let target = find_message(engine, session, &request.conv, message, ApiError::invalid_parameter).await?;
        seqs.push(target.record.seq);
        msg_ids.push(target.record.msg_id.clone());
        conv = Some(target.conv);
    }
    let Some(conv) = conv else { return Ok(Empty {}) };
    let sdkappid = session.app.sdkappid;
    // The user's other devices are told, so that they drop the messages from what they show.
    let push = tincan_proto::push::MsgDeletedPush {
        conv_id: request.conv.conv_id().to_owned(),
        conv_type: request.conv.conv_type(),
        msg_ids,
        seqs: seqs.clone(),
    };
    let event = user_event(sdkappid, session.user(), tincan_proto::push::MSG_DELETED, Some(&conv), &push);
    let op = WriteOp::HideMessages { sdkappid, user: session.user().clone(), conv, seqs };
    engine.commit_unlocked(vec![op, event], Tell::devices_but(sdkappid, session.device)).await?;
    Ok(Empty {})
}

/// `msg_find` (TIM `TIMMsgFindMessages`, `TIMMsgFindByMsgLocatorList`).
pub(crate) async fn find(
    engine: &Engine,
    session: &Session,
    request: find_messages::Request,
) -> Result<find_messages::Response, ApiError> {
    let by_locator = !request.locators.is_empty();
    let n = if by_locator { request.locators.len() } else { request.message_ids.len() };
    if n > limits::RECEIPT_MESSAGES_MAX || (by_locator && !request.message_ids.is_empty()) {
        return Err(ApiError::invalid_parameter(format!(
            "give message_ids or locators (not both), at most {} of them",
            limits::RECEIPT_MESSAGES_MAX
        )));
    }
    let sdkappid = session.app.sdkappid;
    let mut records = Vec::with_capacity(n);
    if by_locator {
        let conv = Conv::parse(&request.conv_id, request.conv_type)?;
        let (key, _) = resolve_conv(session, &conv)?;
        for locator in &request.locators {
            let (query_conv, seq) = (key.clone(), locator.message_locator_seq);
            if seq == 0 {
                continue;
            }
            let record = engine.read_store(move |reader| reader.message_by_seq(sdkappid, &query_conv, seq)).await?;
            if let Some(record) = record
                && (locator.message_locator_rand == 0 || locator.message_locator_rand == record.rand)
            {
                records.push(record);
            }
        }
    } else {
        for msg_id in &request.message_ids {
            let id = msg_id.clone();
            if let Some(record) = engine.read_store(move |reader| reader.message_by_id(sdkappid, &id)).await? {
                records.push(record);
            }
        }
    }
    let mut messages = Vec::with_capacity(records.len());
    for record in records {
        // Only what the caller can see: its own conversations, its groups from its join.
        let conv = match &record.conv {
            ConvKey::C2c(pair) => match pair.side_of(session.user()) {
                Some(side) => Conv::C2c(pair.peer_of(side).clone()),
                None => continue,
            },
            ConvKey::Group(group_id) => Conv::Group(group_id.clone()),
        };
        let Ok((key, floor)) = resolve_conv(session, &conv) else { continue };
        if record.seq <= floor {
            continue;
        }
        let (user, hidden_conv, seq) = (session.user().clone(), key.clone(), record.seq);
        let hidden =
            engine.read_store(move |reader| reader.hidden_seqs(sdkappid, &user, &hidden_conv, seq, seq)).await?;
        let views = message_views(engine, session, &key, std::slice::from_ref(&record)).await?;
        let mut message = render::message_for(&session.app, &record, session.user(), &views[0]);
        if !hidden.is_empty() && !record.is_revoked() {
            message.message_status = tincan_proto::enums::MsgStatus::DELETED;
        }
        messages.push(message);
    }
    Ok(find_messages::Response { messages })
}

handle!(api::revoke_message::Request => revoke);
handle!(api::find_messages::Request => find);
handle!(api::delete_messages::Request => delete);
handle!(api::modify_message::Request => modify);
