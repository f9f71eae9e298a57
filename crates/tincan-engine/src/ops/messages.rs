//! Sending messages and reading history.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tincan_core::config::{
    CALLBACK_C2C_AFTER_SEND, CALLBACK_C2C_BEFORE_SEND, CALLBACK_GROUP_AFTER_SEND, CALLBACK_GROUP_BEFORE_SEND,
    CALLBACK_GROUP_SEND_MSG_EXCEPTION,
};
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::history::{self, HistoryRequest};
use tincan_core::msgid;
use tincan_proto::api::{self, get_message_list, send_message};
use tincan_proto::enums::GroupType;
use tincan_proto::frame::encode_message_push;
use tincan_proto::message::Elem;
use tincan_proto::push::ConvState;
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, Message, UserId};
use tincan_store::{MessageRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::c2c_copy;
use crate::hub::OutFrame;
use crate::ops::common::{PRIORITY_LOWEST, group_not_found, message_views, resolve_conv};
use crate::ops::handle;
use crate::receipts::cells::{keep_receipt, new_receipt_cell};
use crate::render::{self, MessageView};
use crate::state::{AppState, Reservation, lock};
use crate::webhooks::{CallbackEvent, MessageEvent, Verdict};

/// A message about to be sent, with everything the server assigns except its seq and position.
struct Outgoing {
    msg_id: String,
    rand: u64,
    client_time: u64,
    now: u64,
    need_receipt: bool,
    excluded: bool,
    body: String,
    first_elem_type: i32,
    message: Message,
}

impl Outgoing {
    /// The message as the webhooks describe it; `to` is the peer (C2C) and `group` the group
    /// and its type (group messages).
    fn event(
        &self,
        engine: &Engine,
        session: &Session,
        to: &str,
        group: Option<(&GroupId, GroupType)>,
        seq: u64,
    ) -> MessageEvent {
        let operator = if session.is_app_admin() {
            session.app.settings().admin_identifier.clone()
        } else {
            session.user().clone()
        };
        MessageEvent {
            from: session.user().as_str().to_owned(),
            to: to.to_owned(),
            group_id: group.map(|(id, _)| id.as_str().to_owned()).unwrap_or_default(),
            group_type: group.and_then(|(_, group_type)| group_type.rest_name()).unwrap_or_default().to_owned(),
            operator: operator.as_str().to_owned(),
            seq,
            random: self.rand,
            time: self.now,
            msg_id: self.msg_id.clone(),
            elems: self.message.message_elem_array.clone(),
            cloud_custom_data: self.message.message_cloud_custom_str.clone(),
            unread: 0,
            event_time_ms: engine.now_ms(),
            platform: session.event_platform(),
        }
    }

    /// Applies a before-send answer that let the message through.
    fn apply_changes(&mut self, elems: Option<Vec<Elem>>, cloud_custom_data: Option<String>) {
        if let Some(mut elems) = elems {
            let valid = !elems.is_empty()
                && elems.iter_mut().enumerate().all(|(index, elem)| {
                    let valid = elem.validate_for_send(index).is_ok();
                    elem.strip_unknown_keys();
                    valid
                });
            match serde_json::to_string(&elems) {
                Ok(body) if valid => {
                    self.first_elem_type = elems.first().and_then(Elem::elem_type).map_or(0, |it| it.0);
                    self.body = body;
                    self.message.message_elem_array = elems;
                }
                _ => {
                    tracing::warn!("a before-send webhook answered elements that cannot be sent; sending the original")
                }
            }
        }
        if let Some(data) = cloud_custom_data {
            self.message.message_cloud_custom_str = data;
        }
    }

    fn record(&self, sdkappid: u64, conv: ConvKey, seq: u64, sender: &UserId) -> MessageRecord {
        MessageRecord {
            sdkappid,
            conv,
            seq,
            pos: 0,
            msg_id: self.msg_id.clone(),
            sender: sender.clone(),
            rand: self.rand,
            client_time: self.client_time,
            server_time: self.now,
            need_receipt: self.need_receipt,
            excluded_from_unread: self.excluded,
            priority: self.message.message_priority,
            platform: self.message.message_platform,
            first_elem_type: self.first_elem_type,
            body: self.body.clone(),
            cloud_custom: self.message.message_cloud_custom_str.clone(),
            custom_int: self.message.message_custom_int,
            custom_str: self.message.message_custom_str.clone(),
            receipt_read_at: 0,
            receipt_private: false,
            revision: Default::default(),
            supports_extensions: self.message.message_support_message_extension,
        }
    }
}

/// `msg_send` (TIM `TIMMsgSendMessage`).
///
/// A group message that is refused, whatever the reason, is reported to the app's
/// `Group.CallbackSendMsgException` when the app has it on.
pub(crate) async fn send(
    engine: &Engine,
    session: &Session,
    request: send_message::Request,
) -> Result<send_message::Response, ApiError> {
    let reported = match &request.conv {
        Conv::Group(group_id)
            if engine.wants_callback(&session.app.settings().config, CALLBACK_GROUP_SEND_MSG_EXCEPTION) =>
        {
            Some((group_id.clone(), request.message.clone()))
        }
        _ => None,
    };
    let sent = send_unreported(engine, session, request).await;
    if let (Err(err), Some((group_id, message))) = (&sent, reported) {
        report_send_exception(engine, session, &group_id, message, err).await;
    }
    sent
}

/// Queues `Group.CallbackSendMsgException` for `message`, refused with `err`. The refusal
/// stored nothing, so the event is a batch of its own; if even that cannot be stored (the store
/// cannot write, or the app's queue is full), the event is dropped and the refusal stands.
async fn report_send_exception(
    engine: &Engine,
    session: &Session,
    group_id: &GroupId,
    message: Message,
    err: &ApiError,
) {
    let app = &session.app;
    let group_type = app.group(group_id).map(|state| lock(&state).group.group_type());
    let operator =
        if session.is_app_admin() { app.settings().admin_identifier.clone() } else { session.user().clone() };
    let event = MessageEvent {
        from: session.user().as_str().to_owned(),
        to: String::new(),
        group_id: group_id.as_str().to_owned(),
        group_type: group_type.and_then(GroupType::rest_name).unwrap_or_default().to_owned(),
        operator: operator.as_str().to_owned(),
        seq: 0,
        random: message.message_rand,
        time: engine.now(),
        msg_id: String::new(),
        elems: message.message_elem_array,
        cloud_custom_data: message.message_cloud_custom_str,
        unread: 0,
        event_time_ms: engine.now_ms(),
        platform: session.event_platform(),
    };
    let exception = CallbackEvent::SendMsgException {
        message: event,
        online_only: message.message_is_online_msg,
        error_code: err.code.0,
        error_info: err.desc.clone(),
    };
    let Some(op) = engine.callback_op(app.sdkappid, CALLBACK_GROUP_SEND_MSG_EXCEPTION, &exception) else { return };
    match engine.commit_unlocked(vec![op], Tell::Nobody).await {
        Ok(_) => engine.wake_webhooks(),
        Err(failure) => tracing::warn!(
            sdkappid = app.sdkappid,
            group_id = %group_id,
            error = %failure.desc,
            "a refused group message's webhook event could not be queued"
        ),
    }
}

async fn send_unreported(
    engine: &Engine,
    session: &Session,
    request: send_message::Request,
) -> Result<send_message::Response, ApiError> {
    let mut message = request.message;
    message.validate_body_for_send()?;
    crate::media::link_message(engine, session.app.sdkappid, session.user(), &request.conv, &mut message)?;
    if message.message_platform == 0 {
        message.message_platform = session.platform;
    }
    let now = engine.now();
    let client_time = if message.message_client_time == 0 { now } else { message.message_client_time };
    let rand = if message.message_rand == 0 { engine.random_u64() & u64::from(u32::MAX) } else { message.message_rand };
    let body = serde_json::to_string(&message.message_elem_array)
        .map_err(|err| crate::engine::internal(format!("encoding elements: {err}")))?;
    let first_elem_type = message.message_elem_array.first().and_then(|elem| elem.elem_type()).map_or(0, |it| it.0);
    if message.message_is_online_msg {
        let msg_id = msgid::message_id(session.tiny_id(), client_time, rand);
        let conv = match &request.conv {
            Conv::C2c(peer) => ConvKey::C2c(C2cPair::new(session.user().clone(), peer.clone())?),
            Conv::Group(group_id) => ConvKey::Group(group_id.clone()),
        };
        let record = MessageRecord {
            sdkappid: session.app.sdkappid,
            conv,
            seq: 0,
            pos: 0,
            msg_id,
            sender: session.user().clone(),
            rand,
            client_time,
            server_time: now,
            need_receipt: false,
            excluded_from_unread: true,
            priority: message.message_priority,
            platform: message.message_platform,
            first_elem_type,
            body,
            cloud_custom: message.message_cloud_custom_str.clone(),
            custom_int: message.message_custom_int,
            custom_str: message.message_custom_str.clone(),
            receipt_read_at: 0,
            receipt_private: false,
            revision: Default::default(),
            supports_extensions: false,
        };
        return send_online(engine, session, request.conv, record);
    }
    let outgoing = Outgoing {
        msg_id: msgid::message_id(session.tiny_id(), client_time, rand),
        rand,
        client_time,
        now,
        need_receipt: message.message_need_read_receipt,
        excluded: message.message_is_excluded_from_unread_count,
        body,
        first_elem_type,
        message,
    };
    let record = match request.conv {
        Conv::C2c(peer) => send_c2c(engine, session, peer, outgoing).await?,
        Conv::Group(group_id) => send_group(engine, session, group_id, outgoing).await?,
    };
    let views = message_views(engine, session, &record.conv, std::slice::from_ref(&record)).await?;
    Ok(send_message::Response { message: render::message_for(&session.app, &record, session.user(), &views[0]) })
}

/// Sends an online-only message (`message_is_online_msg`): pushed at once to the devices online
/// now (the receiver's, or the group's members', and the sender's other devices), with each
/// receiver's conversation state as it is; never stored, never counted as unread, never asking
/// for receipts, no webhook, and nothing to replay: a device offline now never gets it. This is
/// how typing notices travel.
fn send_online(
    engine: &Engine,
    session: &Session,
    conv: Conv,
    record: MessageRecord,
) -> Result<send_message::Response, ApiError> {
    let app = &session.app;
    let sender = session.user().clone();
    let mut receivers: Vec<(UserId, ConvState)> = Vec::new();
    match conv {
        Conv::C2c(peer) => {
            let pair = C2cPair::new(sender.clone(), peer.clone())?;
            app.account(&peer).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::C2C_INVALID_ACCOUNT,
                    format!("account {peer} does not exist (it has never logged in)"),
                )
            })?;
            let state = app.pair(&pair);
            for user in [&peer, &sender] {
                let conv = match (&state, pair.side_of(user)) {
                    (Some(state), Some(side)) => render::pair_conv_state(&lock(state), side),
                    _ => ConvState::default(),
                };
                receivers.push((user.clone(), conv));
            }
        }
        Conv::Group(group_id) => {
            let state = app.group(&group_id).ok_or_else(|| group_not_found(&group_id))?;
            let state = lock(&state);
            sender_index(&state.group, session, engine.now())?;
            let group = &state.group;
            let online =
                engine.hub().online_among(app.sdkappid, group.n_members(), group.members().map(|(user, _)| user));
            for user in online {
                if let Some(member) = group.member(&user) {
                    receivers.push((user, render::group_conv_state(&state, member)));
                }
            }
        }
    }
    for (user, conv) in receivers {
        // The sender's current nick and avatar, as on every other message (a typing notice says who).
        let mut message = render::message_for(app, &record, &user, &MessageView::default());
        message.message_is_online_msg = true;
        let Ok(json) = message.to_json() else { continue };
        let text = encode_message_push(0, &json, &conv);
        for slot in engine.hub().devices_of(app.sdkappid, &user) {
            if Some(slot.id) == session.device {
                continue;
            }
            let _ = slot.send_or_close(vec![OutFrame { pos: 0, text: text.clone() }]);
        }
    }
    let mut message = render::message_for(app, &record, &sender, &MessageView::default());
    message.message_is_online_msg = true;
    Ok(send_message::Response { message })
}

/// `group_report_elem_report_type` of a group system notification (`kTIMGroupReport_UserDefine`).
const REPORT_USER_DEFINE: u32 = 16;

impl Engine {
    /// Sends a group system notification (REST `send_group_system_notification`): a message of
    /// one group report element (`kTIMGroupReport_UserDefine`, the content in
    /// `group_report_elem_user_data`) pushed at once to the devices online now of the members
    /// named in `to`, or of every member when `to` is empty, as an online-only message is; never
    /// stored, never counted as unread, not in any history. Members not in the group are left
    /// out; an AVChatRoom's notifications go to every member (10004 for a list), as in TIM.
    pub fn send_group_system_notification(
        &self,
        session: &Session,
        group_id: &GroupId,
        to: &[UserId],
        content: &str,
    ) -> Result<u64, ApiError> {
        if content.is_empty() {
            return Err(ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, "Content is empty"));
        }
        if content.len() > tincan_proto::limits::MESSAGE_BODY_BYTES_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "Content is {} bytes; at most {} are allowed",
                    content.len(),
                    tincan_proto::limits::MESSAGE_BODY_BYTES_MAX
                ),
            ));
        }
        if to.len() > tincan_proto::limits::GROUP_MEMBERS_PER_CALL_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "ToMembers_Account names {} accounts; at most {} are allowed",
                    to.len(),
                    tincan_proto::limits::GROUP_MEMBERS_PER_CALL_MAX
                ),
            ));
        }
        let app = &session.app;
        let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
        let now = self.now();
        let mut receivers: Vec<(UserId, ConvState)> = Vec::new();
        let record = {
            let state = lock(&state);
            let group = &state.group;
            group.check_alive()?;
            if group.group_type() == GroupType::AV_CHAT_ROOM && !to.is_empty() {
                return Err(ApiError::new(
                    ErrorCode::GROUP_INVALID_PARAMETERS,
                    format!(
                        "group {group_id} is an AVChatRoom, whose system notifications go to every member; leave ToMembers_Account out"
                    ),
                ));
            }
            let online: Vec<UserId> = if to.is_empty() {
                self.hub().online_among(app.sdkappid, group.n_members(), group.members().map(|(user, _)| user))
            } else {
                to.iter().filter(|user| self.hub().is_online(app.sdkappid, user)).cloned().collect()
            };
            for user in online {
                if let Some(member) = group.member(&user)
                    && !receivers.iter().any(|(it, _)| *it == user)
                {
                    receivers.push((user, render::group_conv_state(&state, member)));
                }
            }
            let elem = serde_json::json!({
                "elem_type": tincan_proto::enums::ElemType::GROUP_REPORT.0,
                "group_report_elem_report_type": REPORT_USER_DEFINE,
                "group_report_elem_group_id": group_id.as_str(),
                "group_report_elem_group_name": group.profile.name,
                "group_report_elem_op_user": session.user().as_str(),
                "group_report_elem_msg": "",
                "group_report_elem_user_data": content,
            });
            MessageRecord {
                sdkappid: app.sdkappid,
                conv: ConvKey::Group(group_id.clone()),
                seq: 0,
                pos: 0,
                msg_id: format!("0-{now}-{}", self.random_u64()),
                sender: UserId::system(),
                rand: 0,
                client_time: now,
                server_time: now,
                need_receipt: false,
                excluded_from_unread: true,
                priority: PRIORITY_LOWEST,
                platform: 0,
                first_elem_type: tincan_proto::enums::ElemType::GROUP_REPORT.0,
                body: serde_json::Value::Array(vec![elem]).to_string(),
                cloud_custom: String::new(),
                custom_int: 0,
                custom_str: String::new(),
                receipt_read_at: 0,
                receipt_private: false,
                revision: Default::default(),
                supports_extensions: false,
            }
        };
        let told = receivers.len() as u64;
        for (user, conv) in receivers {
            let mut message = render::message_for(app, &record, &user, &MessageView::default());
            message.message_is_online_msg = true;
            let Ok(json) = message.to_json() else { continue };
            let text = encode_message_push(0, &json, &conv);
            for slot in self.hub().devices_of(app.sdkappid, &user) {
                let _ = slot.send_or_close(vec![OutFrame { pos: 0, text: text.clone() }]);
            }
        }
        Ok(told)
    }
}

/// What the before-send webhook made of a message.
enum Screened {
    /// Send it (possibly changed).
    Send(Outgoing),
    /// Dropped silently: the sender is answered with this unstored message.
    Discarded(MessageRecord),
}

/// Asks the app's before-send webhook about `outgoing` (whose ID is reserved), unless the
/// session skips it or the app has it off; a refused or dropped message frees its ID.
async fn screen(
    engine: &Engine,
    session: &Session,
    command: &str,
    conv: &ConvKey,
    mut outgoing: Outgoing,
    event: impl FnOnce(&Outgoing) -> MessageEvent,
) -> Result<Screened, ApiError> {
    if session.skip_before_send {
        return Ok(Screened::Send(outgoing));
    }
    let settings = session.app.settings();
    let config = &settings.config;
    if config.callback_for(command).is_none() {
        return Ok(Screened::Send(outgoing));
    }
    let verdict = engine.before_send(&session.app, command, &event(&outgoing)).await;
    if !matches!(verdict, Verdict::Allow { .. }) {
        session.app.message_ids(&outgoing.msg_id).release(&outgoing.msg_id);
    }
    match verdict {
        Verdict::Allow { elems, cloud_custom_data } => {
            outgoing.apply_changes(elems, cloud_custom_data);
            Ok(Screened::Send(outgoing))
        }
        Verdict::Refuse(err) => Err(err),
        Verdict::Discard => {
            Ok(Screened::Discarded(outgoing.record(session.app.sdkappid, conv.clone(), 0, session.user())))
        }
    }
}

/// Other IDs a message may take when its own already names a message of another conversation.
const ALTERNATIVE_IDS_MAX: u32 = 64;

/// Reserves the outgoing message's ID for `conv`, or finds the message it already names.
///
/// A sender's ID is `<tiny id>-<client time>-<rand>`; TIM documents the random number as the way
/// a repeated send is recognised, so the same ID in the same conversation is a resend, while the
/// same ID sent to another conversation is another message. That message takes the first free
/// of `<id>-1`, `<id>-2`, ...: the same walk finds it again when it is resent.
///
/// Returns `None` when an ID is reserved for this send (`outgoing.msg_id` is set to it; release
/// it if the send fails), or the stored message when this is a resend.
async fn reserve_id(
    engine: &Engine,
    app: &AppState,
    conv: &ConvKey,
    outgoing: &mut Outgoing,
) -> Result<Option<MessageRecord>, ApiError> {
    // The memory's clock is the server's, not the message's: an import's time is when it was
    // sent elsewhere, long before the memory's window, and must send the lookup to the store.
    let now = engine.now();
    for alternative in 0..=ALTERNATIVE_IDS_MAX {
        let msg_id =
            if alternative == 0 { outgoing.msg_id.clone() } else { format!("{}-{alternative}", outgoing.msg_id) };
        let mut reservation = app.message_ids(&msg_id).reserve(&msg_id, conv, outgoing.client_time, now);
        if reservation == Reservation::AskStore {
            let (sdkappid, id) = (app.sdkappid, msg_id.clone());
            match engine.read_store(move |reader| reader.message_by_id(sdkappid, &id)).await? {
                Some(record) => reservation = Reservation::Known { conv: record.conv.clone(), seq: record.seq },
                None => {
                    reservation = app.message_ids(&msg_id).reserve_after_store(&msg_id, conv, outgoing.client_time, now)
                }
            }
        }
        match reservation {
            Reservation::Fresh => {
                outgoing.msg_id = msg_id;
                return Ok(None);
            }
            Reservation::Pending { conv: pending_conv } if pending_conv == *conv => {
                return Err(ApiError::new(
                    ErrorCode::IN_PROGRESS,
                    "this message is being stored from an earlier attempt; retry shortly",
                ));
            }
            Reservation::Known { conv: stored_conv, seq } if stored_conv == *conv => {
                let (sdkappid, conv) = (app.sdkappid, conv.clone());
                let record = engine.read_store(move |reader| reader.message_by_seq(sdkappid, &conv, seq)).await?;
                return record
                    .map(Some)
                    .ok_or_else(|| crate::engine::internal(format!("message {msg_id} is remembered but not stored")));
            }
            Reservation::Pending { .. } | Reservation::Known { .. } => continue,
            Reservation::AskStore => {
                return Err(crate::engine::internal("the message-ID memory could not decide".to_owned()));
            }
        }
    }
    Err(ApiError::invalid_parameter(format!(
        "message ID {} names messages in {ALTERNATIVE_IDS_MAX} other conversations; send with another message_rand",
        outgoing.msg_id
    )))
}

fn stored_message(ops: Vec<WriteOp>) -> Result<MessageRecord, ApiError> {
    ops.into_iter()
        .find_map(|op| match op {
            WriteOp::AppendMessage(record) => Some(record),
            _ => None,
        })
        .ok_or_else(|| crate::engine::internal("a message write came back without its message".to_owned()))
}

/// Whether the receiver blocks the sender and the app answers such a send with a silent
/// success (`Ok(true)`); an error when the app refuses it (20007 for a blocked sender, 20009
/// to 20011 when the app requires friendship and the two are not friends both ways).
fn relation_refuses(app: &AppState, sender: &UserId, peer: &UserId) -> Result<bool, ApiError> {
    // The settings are shared, not copied: this runs on every C2C send.
    let settings = app.settings();
    let config = &settings.config;
    let relations = lock(&app.relations);
    if relations.blocks(peer, sender) {
        if config.blocked_send_fails {
            return Err(ApiError::new(ErrorCode::C2C_BLOCKED_BY_PEER, format!("{peer} has blocked {sender}")));
        }
        return Ok(true);
    }
    if config.c2c_requires_friendship {
        let refusal = match (relations.is_friend(sender, peer), relations.is_friend(peer, sender)) {
            (true, true) => None,
            (false, false) => Some((ErrorCode::C2C_NOT_FRIENDS, format!("{sender} and {peer} are not friends"))),
            (true, false) => Some((ErrorCode::C2C_NOT_PEERS_FRIEND, format!("{sender} is not a friend of {peer}"))),
            (false, true) => Some((ErrorCode::C2C_PEER_NOT_FRIEND, format!("{peer} is not a friend of {sender}"))),
        };
        if let Some((code, desc)) = refusal {
            return Err(ApiError::new(code, format!("{desc}; this app requires friendship for one-to-one messages")));
        }
    }
    Ok(false)
}

async fn send_c2c(
    engine: &Engine,
    session: &Session,
    peer: UserId,
    outgoing: Outgoing,
) -> Result<MessageRecord, ApiError> {
    let app = &session.app;
    let sender = session.user();
    let pair = C2cPair::new(sender.clone(), peer.clone())?;
    app.account(&peer).ok_or_else(|| {
        ApiError::new(ErrorCode::C2C_INVALID_ACCOUNT, format!("account {peer} does not exist (it has never logged in)"))
    })?;
    if outgoing.need_receipt {
        app.settings().config.check_c2c_receipt_request()?;
    }
    let conv = ConvKey::C2c(pair.clone());
    if relation_refuses(app, sender, &peer)? {
        // Blocked, and the app tells the sender nothing: it is answered as if the message was
        // sent, and nothing is stored or delivered.
        return Ok(outgoing.record(app.sdkappid, conv, 0, sender));
    }
    let mut outgoing = outgoing;
    if let Some(record) = reserve_id(engine, app, &conv, &mut outgoing).await? {
        return Ok(record);
    }
    let screened = screen(engine, session, CALLBACK_C2C_BEFORE_SEND, &conv, outgoing, |it| {
        it.event(engine, session, peer.as_str(), None, 0)
    });
    let outgoing = match screened.await? {
        Screened::Send(outgoing) => outgoing,
        Screened::Discarded(record) => return Ok(record),
    };
    let after_send = !session.skip_after_send && engine.wants_callback(&app.settings().config, CALLBACK_C2C_AFTER_SEND);
    let peer_unread_elsewhere = if after_send { engine.c2c_unread_except(app, &peer, sender) } else { 0 };
    let side = pair.side_of(sender).ok_or_else(|| crate::engine::internal("sender outside its own pair".to_owned()))?;
    let state = app.pair_or_new(&pair);
    let release = |err: ApiError| {
        app.message_ids(&outgoing.msg_id).release(&outgoing.msg_id);
        err
    };
    let committing = engine.commit(
        || lock(&state),
        |state| {
            state.max_seq += 1;
            let seq = state.max_seq;
            if outgoing.excluded {
                state.excluded.insert(seq);
            } else {
                state.read_of_mut(side).record_own_message(seq);
            }
            let record = outgoing.record(app.sdkappid, conv.clone(), seq, sender);
            let mut ops = vec![
                WriteOp::AppendMessage(record),
                c2c_copy(app.sdkappid, sender, &conv, seq),
                c2c_copy(app.sdkappid, &peer, &conv, seq),
            ];
            if after_send {
                let mut event = outgoing.event(engine, session, peer.as_str(), None, seq);
                event.unread = peer_unread_elsewhere + state.unread_through(side.other(), seq);
                ops.extend(engine.callback_op(app.sdkappid, CALLBACK_C2C_AFTER_SEND, &CallbackEvent::AfterSend(event)));
            }
            Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, session.device), seq))
        },
    );
    let durable = committing.await.map_err(release)?.durable_or_undo(|seq| {
        // Not stored: the seq never counts.
        let mut state = lock(&state);
        state.excluded.insert(*seq);
        state.read_of_mut(side).forget_own(*seq);
    });
    let (seq, stored) = match durable.await.and_then(|(seq, ops)| Ok((seq, stored_message(ops)?))) {
        Ok(stored) => stored,
        Err(err) => return Err(release(err)),
    };
    app.message_ids(&outgoing.msg_id).remember(&outgoing.msg_id, &conv, seq, outgoing.now, outgoing.client_time);
    if after_send {
        engine.wake_webhooks();
    }
    // The dispatcher lists the conversation before it pushes the message; this lists it before
    // the sender is answered, whichever comes first.
    app.list_pair(&pair);
    lock(&state).note_pushed(&Arc::new(stored.clone()));
    engine.metrics().messages.fetch_add(1, Ordering::Relaxed);
    Ok(stored)
}

async fn send_group(
    engine: &Engine,
    session: &Session,
    group_id: GroupId,
    outgoing: Outgoing,
) -> Result<MessageRecord, ApiError> {
    let app = &session.app;
    let sender = session.user();
    let state = app.group(&group_id).ok_or_else(|| group_not_found(&group_id))?;
    let conv = ConvKey::Group(group_id.clone());
    {
        // Refuse before reserving the ID, so a refused message leaves nothing behind.
        let state = lock(&state);
        sender_index(&state.group, session, outgoing.now)?;
        if outgoing.need_receipt {
            app.settings().config.check_group_receipt_request(state.group.group_type(), state.group.n_members())?;
        }
    }
    let mut outgoing = outgoing;
    if let Some(record) = reserve_id(engine, app, &conv, &mut outgoing).await? {
        return Ok(record);
    }
    let group_type = lock(&state).group.group_type();
    let screened = screen(engine, session, CALLBACK_GROUP_BEFORE_SEND, &conv, outgoing, |it| {
        it.event(engine, session, "", Some((&group_id, group_type)), 0)
    });
    let outgoing = match screened.await? {
        Screened::Send(outgoing) => outgoing,
        Screened::Discarded(record) => return Ok(record),
    };
    let settings = app.settings();
    let config = &settings.config;
    let after_send = !session.skip_after_send && engine.wants_callback(config, CALLBACK_GROUP_AFTER_SEND);
    let release = |err: ApiError| {
        app.message_ids(&outgoing.msg_id).release(&outgoing.msg_id);
        err
    };
    let committing = engine.commit(
        || lock(&state),
        |state| {
            let sender_index = sender_index(&state.group, session, outgoing.now)?;
            if outgoing.need_receipt {
                config.check_group_receipt_request(state.group.group_type(), state.group.n_members())?;
            }
            let seq = state.group.append_message(sender, outgoing.now, outgoing.excluded);
            let record = outgoing.record(app.sdkappid, conv.clone(), seq, sender);
            let mut ops = vec![WriteOp::AppendMessage(record)];
            if outgoing.need_receipt {
                let cell = new_receipt_cell(
                    app.sdkappid,
                    &group_id,
                    seq,
                    sender,
                    &outgoing.msg_id,
                    sender_index,
                    state.group.next_index(),
                );
                let cell = keep_receipt(engine, state, seq, cell);
                ops.push(WriteOp::PutGroupReceipt(cell));
            }
            if after_send {
                let event = outgoing.event(engine, session, "", Some((&group_id, group_type)), seq);
                ops.extend(engine.callback_op(
                    app.sdkappid,
                    CALLBACK_GROUP_AFTER_SEND,
                    &CallbackEvent::AfterSend(event),
                ));
            }
            Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, session.device), seq))
        },
    );
    let durable = committing.await.map_err(release)?.durable_or_undo(|seq| {
        // Not stored: the seq never counts, and its receipt state goes.
        let mut state = lock(&state);
        state.group.forget_message(*seq, sender);
        state.receipts.remove(seq);
    });
    let (seq, stored) = match durable.await.and_then(|(seq, ops)| Ok((seq, stored_message(ops)?))) {
        Ok(stored) => stored,
        Err(err) => return Err(release(err)),
    };
    app.message_ids(&outgoing.msg_id).remember(&outgoing.msg_id, &conv, seq, outgoing.now, outgoing.client_time);
    if after_send {
        engine.wake_webhooks();
    }
    lock(&state).note_pushed(&Arc::new(stored.clone()));
    engine.metrics().messages.fetch_add(1, Ordering::Relaxed);
    Ok(stored)
}

/// Checks that the session may send to `group`; returns the sender's member index.
///
/// The app's administrator may send as itself to any group that is not dismissed, member or not
/// (TIM's REST `send_group_msg`), and then has no index unless it is a member, so the receipt
/// lists leave out no one; the REST API sending as another account sends as that member.
fn sender_index(group: &tincan_core::group::Group, session: &Session, now: u64) -> Result<Option<u32>, ApiError> {
    if session.is_app_admin() && *session.user() == session.app.settings().admin_identifier {
        group.check_alive()?;
        return Ok(group.member(session.user()).map(|member| member.index));
    }
    // Any other sender, a device or the REST API sending as a user, must be a member who may
    // speak now.
    Ok(Some(group.check_send(session.user(), now)?.index))
}

/// `msg_get_list` (TIM `TIMMsgGetMsgList`).
pub(crate) async fn get_list(
    engine: &Engine,
    session: &Session,
    request: get_message_list::Request,
) -> Result<get_message_list::Response, ApiError> {
    let (conv, floor_seq) = resolve_conv(session, &request.conv)?;
    let params = request.params;
    let anchor_message_seq = match &params.msg_getmsglist_param_last_msg {
        None => None,
        Some(anchor) => Some(anchor_seq(engine, session, &conv, anchor).await?),
    };
    let plan = history::plan(&HistoryRequest {
        is_group: matches!(conv, ConvKey::Group(_)),
        anchor_message_seq,
        anchor_seq: params.msg_getmsglist_param_last_msg_seq,
        count: params.msg_getmsglist_param_count,
        forward: params.msg_getmsglist_param_is_forward,
        time_begin: params.msg_getmsglist_param_time_begin,
        time_period: params.msg_getmsglist_param_time_period,
        seqs: params.msg_getmsglist_param_message_seq_array,
        elem_types: params.msg_getmsglist_param_message_type_array,
        floor_seq,
    })?;
    let records = visible_page(engine, session, &conv, plan).await?;
    let views = message_views(engine, session, &conv, &records).await?;
    let messages = records
        .iter()
        .zip(&views)
        .map(|(record, view)| render::message_for(&session.app, record, session.user(), view))
        .collect();
    Ok(get_message_list::Response { messages })
}

/// Times a history page is read again, larger, to make up for messages the user deleted for
/// itself; past it the page may come short.
const HIDDEN_REREADS_MAX: usize = 8;

/// A page of `plan`, without the messages the session's user deleted for itself (`msg_delete`):
/// a page that lost some is read again, larger, so that it still holds the count asked for when
/// the conversation has that many.
async fn visible_page(
    engine: &Engine,
    session: &Session,
    conv: &ConvKey,
    plan: history::HistoryPlan,
) -> Result<Vec<MessageRecord>, ApiError> {
    let wanted = match &plan {
        history::HistoryPlan::Scan(scan) => scan.count as usize,
        history::HistoryPlan::Seqs(seqs) => seqs.len(),
    };
    let mut plan = plan;
    for reread in 0..=HIDDEN_REREADS_MAX {
        let (sdkappid, query_conv, user, asked) =
            (session.app.sdkappid, conv.clone(), session.user().clone(), plan.clone());
        let (records, hidden) = engine
            .read_store(move |reader| {
                let records = reader.messages(sdkappid, &query_conv, &asked)?;
                let first = records.iter().map(|record| record.seq).min().unwrap_or(1);
                let last = records.iter().map(|record| record.seq).max().unwrap_or(0);
                let hidden = reader.hidden_seqs(sdkappid, &user, &query_conv, first, last)?;
                Ok((records, hidden))
            })
            .await?;
        let read = records.len();
        let mut visible: Vec<MessageRecord> =
            records.into_iter().filter(|record| hidden.binary_search(&record.seq).is_err()).collect();
        let history::HistoryPlan::Scan(scan) = &mut plan else { return Ok(visible) };
        if hidden.is_empty() || read < scan.count as usize || visible.len() >= wanted || reread == HIDDEN_REREADS_MAX {
            visible.truncate(wanted);
            return Ok(visible);
        }
        scan.count = scan.count.saturating_add(u32::try_from(wanted - visible.len()).unwrap_or(u32::MAX));
    }
    Ok(Vec::new())
}

/// The seq of an anchor message given by a client: its `message_seq`, or the seq of its
/// `message_msg_id`; either must name a message of this conversation (and both the same one).
async fn anchor_seq(engine: &Engine, session: &Session, conv: &ConvKey, anchor: &Message) -> Result<u64, ApiError> {
    if anchor.message_seq != 0 {
        let (sdkappid, query_conv, seq) = (session.app.sdkappid, conv.clone(), anchor.message_seq);
        let record = engine.read_store(move |reader| reader.message_by_seq(sdkappid, &query_conv, seq)).await?;
        return match record {
            Some(record) if anchor.message_msg_id.is_empty() || anchor.message_msg_id == record.msg_id => Ok(seq),
            Some(_) => Err(ApiError::invalid_parameter(format!(
                "msg_getmsglist_param_last_msg: message_seq {seq} and message_msg_id {:?} name different messages",
                anchor.message_msg_id
            ))),
            None => Err(ApiError::invalid_parameter(format!(
                "msg_getmsglist_param_last_msg: message_seq {seq} is not a message of this conversation"
            ))),
        };
    }
    if anchor.message_msg_id.is_empty() {
        return Err(ApiError::invalid_parameter(
            "msg_getmsglist_param_last_msg has neither message_seq nor message_msg_id; pass a message from this conversation",
        ));
    }
    let (sdkappid, msg_id) = (session.app.sdkappid, anchor.message_msg_id.clone());
    let record = engine.read_store(move |reader| reader.message_by_id(sdkappid, &msg_id)).await?;
    match record {
        Some(record) if record.conv == *conv => Ok(record.seq),
        _ => Err(ApiError::invalid_parameter(format!(
            "msg_getmsglist_param_last_msg {:?} is not a message of this conversation",
            anchor.message_msg_id
        ))),
    }
}

handle!(api::send_message::Request => send);
handle!(api::get_message_list::Request => get_list);

/// How an imported one-to-one message joins its conversation (REST `importmsg`'s
/// `SyncFromOldSystem`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportMode {
    /// History: stored in the conversation and listed in both users' conversation lists, but
    /// pushed to no device and counted as no one's unread message.
    History,
    /// Live, during a move from another system: pushed to both users' devices and counted as
    /// the receiver's unread message, as a message sent now would be.
    Live,
}

/// One message of a group import (REST `import_group_msg`).
pub struct GroupImport {
    /// The session of its sender (an account, member of the group or not).
    pub sender: Session,
    /// The message: its elements, random number (0: one is drawn) and custom data.
    pub message: Message,
    /// When it was sent, in seconds.
    pub time: u64,
}

/// What became of one message of a group import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupImported {
    /// Its seq in the group (0 when it was refused).
    pub seq: u64,
    /// Its time, in seconds.
    pub time: u64,
    /// 0, or TIM's code for why it was refused (10004: its time is not after the group's
    /// newest message and its creation, or is in the future).
    pub result: u32,
}

/// The most messages one group import takes (TIM's `import_group_msg`).
pub const GROUP_IMPORT_MAX: usize = 7;

/// An outgoing message as an import: its time is the one given, its ID the sender's
/// `<tiny id>-<time>-<rand>`, so that importing it again finds it.
fn import_outgoing(session: &Session, mut message: Message, time: u64, excluded: bool) -> Result<Outgoing, ApiError> {
    message.validate_body_for_send()?;
    message.message_need_read_receipt = false;
    message.message_is_online_msg = false;
    message.message_is_excluded_from_unread_count = excluded;
    let body = serde_json::to_string(&message.message_elem_array)
        .map_err(|err| crate::engine::internal(format!("encoding elements: {err}")))?;
    let first_elem_type = message.message_elem_array.first().and_then(|elem| elem.elem_type()).map_or(0, |it| it.0);
    Ok(Outgoing {
        msg_id: msgid::message_id(session.tiny_id(), time, message.message_rand),
        rand: message.message_rand,
        client_time: time,
        now: time,
        need_receipt: false,
        excluded,
        body,
        first_elem_type,
        message,
    })
}

impl Engine {
    /// Imports a one-to-one message from `session`'s user to `peer` as it was sent at `time`
    /// (REST `importmsg`): no webhook, no receipt request, no blocklist or friendship check
    /// (it happened elsewhere); `mode` says whether it is history or live. Importing the same
    /// message again (same sender, time and random number) answers the stored one.
    pub async fn import_c2c_message(
        &self,
        session: &Session,
        peer: UserId,
        message: Message,
        time: u64,
        mode: ImportMode,
    ) -> Result<Message, ApiError> {
        let app = &session.app;
        let sender = session.user();
        if time > self.now() {
            return Err(ApiError::new(
                ErrorCode::OPENIM_MSG_TIMESTAMP_INVALID,
                format!("MsgTimeStamp {time} is in the future; an import keeps the time a message was sent"),
            ));
        }
        let pair = C2cPair::new(sender.clone(), peer.clone())?;
        app.account(&peer).ok_or_else(|| {
            ApiError::new(ErrorCode::C2C_INVALID_ACCOUNT, format!("account {peer} does not exist; import it first"))
        })?;
        let mut message = message;
        let conv_for_media = Conv::C2c(peer.clone());
        crate::media::link_message(self, app.sdkappid, sender, &conv_for_media, &mut message)?;
        let history = mode == ImportMode::History;
        let mut outgoing = import_outgoing(session, message, time, history)?;
        let conv = ConvKey::C2c(pair.clone());
        if let Some(record) = reserve_id(self, app, &conv, &mut outgoing).await? {
            let views = message_views(self, session, &conv, std::slice::from_ref(&record)).await?;
            return Ok(render::message_for(app, &record, sender, &views[0]));
        }
        let side =
            pair.side_of(sender).ok_or_else(|| crate::engine::internal("sender outside its own pair".to_owned()))?;
        let state = app.pair_or_new(&pair);
        let release = |err: ApiError| {
            app.message_ids(&outgoing.msg_id).release(&outgoing.msg_id);
            err
        };
        let committing = self.commit(
            || lock(&state),
            |state| {
                state.max_seq += 1;
                let seq = state.max_seq;
                if history {
                    state.excluded.insert(seq);
                } else {
                    state.read_of_mut(side).record_own_message(seq);
                }
                let record = outgoing.record(app.sdkappid, conv.clone(), seq, sender);
                if history {
                    // History is in the conversation's pages, not in either user's stream:
                    // nothing is pushed now, and nothing is replayed later.
                    return Ok(Decision::write(vec![WriteOp::AppendMessage(record)], Tell::Nobody, seq));
                }
                let ops = vec![
                    WriteOp::AppendMessage(record),
                    c2c_copy(app.sdkappid, sender, &conv, seq),
                    c2c_copy(app.sdkappid, &peer, &conv, seq),
                ];
                Ok(Decision::write(ops, Tell::devices(app.sdkappid), seq))
            },
        );
        let durable = committing.await.map_err(release)?.durable_or_undo(|seq| {
            let mut state = lock(&state);
            state.excluded.insert(*seq);
            state.read_of_mut(side).forget_own(*seq);
        });
        let (seq, stored) = match durable.await.and_then(|(seq, ops)| Ok((seq, stored_message(ops)?))) {
            Ok(stored) => stored,
            Err(err) => return Err(release(err)),
        };
        app.message_ids(&outgoing.msg_id).remember(&outgoing.msg_id, &conv, seq, time, time);
        app.list_pair(&pair);
        lock(&state).note_pushed(&Arc::new(stored.clone()));
        let views = message_views(self, session, &conv, std::slice::from_ref(&stored)).await?;
        Ok(render::message_for(app, &stored, sender, &views[0]))
    }

    /// Imports messages into a group as they were sent (REST `import_group_msg`), in the order
    /// given: each takes the group's next seq, asks for no receipt, counts as no one's unread
    /// message and calls no webhook. A message whose time is in the future or not after the
    /// group's creation and newest message is refused alone (10004); the others are stored in
    /// one write. Audio-video groups take no imports (10007).
    pub async fn import_group_messages(
        &self,
        session: &Session,
        group_id: &GroupId,
        imports: Vec<GroupImport>,
    ) -> Result<Vec<GroupImported>, ApiError> {
        let app = &session.app;
        let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
        {
            let state = lock(&state);
            state.group.check_alive()?;
            if state.group.group_type() == GroupType::AV_CHAT_ROOM {
                return Err(ApiError::new(
                    ErrorCode::GROUP_PERMISSION_DENIED,
                    format!("group {group_id} is an AVChatRoom, whose members see no history; it takes no imports"),
                ));
            }
        }
        if imports.is_empty() || imports.len() > GROUP_IMPORT_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!("MsgList holds {} messages; import 1 to {GROUP_IMPORT_MAX} at a time", imports.len()),
            ));
        }
        let conv = ConvKey::Group(group_id.clone());
        let now = self.now();
        // Each message's ID is reserved first; a message imported before is answered as stored.
        let mut prepared: Vec<(Session, Result<Outgoing, GroupImported>)> = Vec::with_capacity(imports.len());
        let release_all = |prepared: &[(Session, Result<Outgoing, GroupImported>)]| {
            for (_, outgoing) in prepared {
                if let Ok(outgoing) = outgoing {
                    app.message_ids(&outgoing.msg_id).release(&outgoing.msg_id);
                }
            }
        };
        for (index, import) in imports.into_iter().enumerate() {
            let mut message = import.message;
            if message.message_rand == 0 {
                message.message_rand = self.random_u64() & u64::from(u32::MAX);
            }
            let linked = crate::media::link_message(
                self,
                app.sdkappid,
                import.sender.user(),
                &Conv::Group(group_id.clone()),
                &mut message,
            )
            .and_then(|()| import_outgoing(&import.sender, message, import.time, true));
            let mut outgoing = match linked {
                Ok(outgoing) => outgoing,
                Err(err) => {
                    release_all(&prepared);
                    return Err(ApiError::new(err.code, format!("MsgList[{index}]: {}", err.desc)));
                }
            };
            match reserve_id(self, app, &conv, &mut outgoing).await {
                Ok(None) => prepared.push((import.sender, Ok(outgoing))),
                Ok(Some(record)) => prepared
                    .push((import.sender, Err(GroupImported { seq: record.seq, time: record.server_time, result: 0 }))),
                Err(err) => {
                    release_all(&prepared);
                    return Err(err);
                }
            }
        }
        let committing = self.commit(
            || lock(&state),
            |state| {
                let mut results = Vec::with_capacity(prepared.len());
                let mut ops = Vec::new();
                for (sender, outgoing) in &prepared {
                    let outgoing = match outgoing {
                        Ok(outgoing) => outgoing,
                        Err(known) => {
                            results.push(known.clone());
                            continue;
                        }
                    };
                    let group = &mut state.group;
                    let time = outgoing.now;
                    if time > now || time <= group.created_at() || time <= group.last_msg_time() {
                        results.push(GroupImported { seq: 0, time, result: ErrorCode::GROUP_INVALID_PARAMETERS.0 });
                        continue;
                    }
                    let seq = group.append_message(sender.user(), time, true);
                    ops.push(WriteOp::AppendMessage(outgoing.record(app.sdkappid, conv.clone(), seq, sender.user())));
                    results.push(GroupImported { seq, time, result: 0 });
                }
                if ops.is_empty() {
                    return Ok(Decision::Nothing(results));
                }
                // Members online see the imported messages as the group's stream carries every
                // stored message, replays included; none counts as unread.
                Ok(Decision::write(ops, Tell::devices(app.sdkappid), results))
            },
        );
        let committed = match committing.await {
            Ok(committed) => committed,
            Err(err) => {
                release_all(&prepared);
                return Err(err);
            }
        };
        let durable = committed.durable_or_undo(|results| {
            let mut state = lock(&state);
            for ((sender, outgoing), result) in prepared.iter().zip(results.iter()) {
                if outgoing.is_ok() && result.result == 0 {
                    state.group.forget_message(result.seq, sender.user());
                }
            }
        });
        let (results, ops) = match durable.await {
            Ok(done) => done,
            Err(err) => {
                release_all(&prepared);
                return Err(err);
            }
        };
        let stored: Vec<MessageRecord> = ops
            .into_iter()
            .filter_map(|op| match op {
                WriteOp::AppendMessage(record) => Some(record),
                _ => None,
            })
            .collect();
        for ((_, outgoing), result) in prepared.iter().zip(&results) {
            let Ok(outgoing) = outgoing else { continue };
            if result.result == 0 {
                app.message_ids(&outgoing.msg_id).remember(
                    &outgoing.msg_id,
                    &conv,
                    result.seq,
                    result.time,
                    result.time,
                );
            } else {
                app.message_ids(&outgoing.msg_id).release(&outgoing.msg_id);
            }
        }
        let mut state = lock(&state);
        for record in stored {
            state.note_pushed(&Arc::new(record));
        }
        Ok(results)
    }
}
