//! Adding friends, answering friend requests, and the lists of requests.

use tincan_proto::api::{
    self, Empty, friend_add, friend_delete_pendency, friend_get_pendency_list, friend_handle_request,
    friend_report_pendency_read,
};
use tincan_proto::friendship::{self as tim, FriendAddPendency, FriendAddPendencyInfo, FriendResult, PendencyPage};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};
use tincan_store::{FriendRecord, FriendRequestRecord, WriteOp};

use tincan_core::config::{CALLBACK_SNS_PREV_FRIEND_ADD, CALLBACK_SNS_PREV_FRIEND_RESPONSE};

use super::{
    ALLOW_ANY, Changes, DENY_ANY, Meeting, Origin, check_account, check_count, commit_changes, invalid, profile_of,
};
use crate::engine::{Engine, Session};
use crate::ops::handle;
use crate::state::{Relations, lock};
use crate::webhooks::{PrevSnsEvent, PrevSnsItem, SnsPair, SnsRefusals};

/// One user to add, with what the caller says of it.
#[derive(Clone, Debug, Default)]
pub struct AddItem {
    /// The user.
    pub peer: Option<UserId>,
    /// The user as named, for the result when it is not an identifier.
    pub named: String,
    /// The caller's remark on it.
    pub remark: String,
    /// A friend group of the caller's to put it in.
    pub group_name: String,
    /// The request's source.
    pub add_source: String,
    /// The request's wording.
    pub add_wording: String,
}

/// How an add goes.
#[derive(Clone, Copy, Debug)]
pub struct AddMode {
    /// Both lists (`true`) or the caller's only.
    pub both: bool,
    /// Past the other user's add permission (REST `ForceAddFlags`, `friend_import`); the
    /// blocklists still count.
    pub force: bool,
}

fn check_item(item: &AddItem) -> Result<(UserId, AddItem), ApiError> {
    let peer = item.peer.clone().ok_or_else(|| invalid(format!("{:?} is not a user ID", item.named)))?;
    tim::check_remark("remark", &item.remark)?;
    tim::check_wording("add_wording", &item.add_wording)?;
    if !item.group_name.is_empty() {
        tim::check_group_name("group_name", &item.group_name)?;
    }
    let add_source = tim::add_source("add_source", &item.add_source)?;
    Ok((peer, AddItem { add_source, ..item.clone() }))
}

impl Engine {
    /// Adds friends for `me` (TIM's `friend_add` and `friend_import`, and the client's
    /// `friend_add`): one result per item, in order.
    pub async fn add_friends(
        &self,
        session: &Session,
        items: Vec<AddItem>,
        mode: AddMode,
        client_cmd: &str,
    ) -> Result<Vec<FriendResult>, ApiError> {
        let app = session.app.clone();
        let me = session.user().clone();
        let now = self.now();
        // Read before the relations lock: both sides' nicknames and each user's permission.
        let my_nick = profile_of(&app, &me).user_profile_nick_name;
        let mut checked = Vec::with_capacity(items.len());
        for item in &items {
            let outcome = check_item(item).and_then(|(peer, item)| {
                if peer == me {
                    return Err(invalid("a user cannot add itself as a friend"));
                }
                check_account(&app, &peer)?;
                let profile = profile_of(&app, &peer);
                let peer = Peer {
                    user: peer,
                    nick: profile.user_profile_nick_name,
                    permission: profile.user_profile_add_permission,
                };
                Ok((peer, item))
            });
            checked.push(outcome);
        }
        // A client's add asks the app's before-callback first (TIM asks it for no REST call).
        if !session.rest {
            let items = checked
                .iter()
                .flatten()
                .map(|(peer, item)| PrevSnsItem {
                    to: peer.user.as_str().to_owned(),
                    remark: item.remark.clone(),
                    group_name: item.group_name.clone(),
                    add_source: item.add_source.clone(),
                    add_wording: item.add_wording.clone(),
                    action: 0,
                })
                .collect::<Vec<_>>();
            if !items.is_empty() {
                let event = self.prev_sns_event(session, items, mode.both);
                let refusals = self.before_sns(&app, CALLBACK_SNS_PREV_FRIEND_ADD, &event).await;
                for outcome in &mut checked {
                    if let Ok((peer, _)) = outcome
                        && let Some(err) = refusal_of(&refusals, &peer.user)
                    {
                        *outcome = Err(err);
                    }
                }
            }
        }
        let decide = |relations: &mut Relations| {
            let mut changes = Changes::new(app.sdkappid);
            let mut results = Vec::with_capacity(checked.len());
            for (item, outcome) in items.iter().zip(checked) {
                let result = outcome.and_then(|(peer, item)| {
                    add_one(relations, &mut changes, (&me, &my_nick), &peer, &item, mode, now)
                });
                results.push(match result {
                    Ok(()) => FriendResult::ok(&item.named),
                    Err(err) => FriendResult::failed(&item.named, err),
                });
            }
            Ok((results, Some(changes)))
        };
        commit_changes(self, &app, decide, Origin { forced: mode.force, ..Origin::of(session, client_cmd) }).await
    }
}

impl Engine {
    /// A before-callback's description of `session`'s request about `items`.
    fn prev_sns_event(&self, session: &Session, items: Vec<PrevSnsItem>, both: bool) -> PrevSnsEvent {
        let me = session.user().as_str().to_owned();
        PrevSnsEvent {
            requester: me.clone(),
            from: me,
            items,
            both,
            event_time_ms: self.now_ms(),
            platform: session.event_platform(),
        }
    }
}

/// The error a before-callback gave `user`, if it refused it.
fn refusal_of(refusals: &SnsRefusals, user: &UserId) -> Option<ApiError> {
    refusals.iter().find(|(to, _)| to == user.as_str()).map(|(_, err)| err.clone())
}

/// The user an add is for, as its profile was read before the decision.
struct Peer {
    user: UserId,
    nick: String,
    permission: u32,
}

/// Decides one add by `me` (with its nickname): a friendship, a request waiting for the other
/// user, or a refusal.
fn add_one(
    relations: &mut Relations,
    changes: &mut Changes,
    (me, my_nick): (&UserId, &str),
    peer: &Peer,
    item: &AddItem,
    mode: AddMode,
    now: u64,
) -> Result<(), ApiError> {
    let Peer { user: peer, nick: peer_nick, permission } = peer;
    let permission = *permission;
    let mine = relations.is_friend(me, peer);
    let theirs = relations.is_friend(peer, me);
    if mine && (!mode.both || theirs) {
        return Err(invalid(format!("{peer} is already a friend of {me}")));
    }
    if relations.blocks(me, peer) {
        return Err(ApiError::new(ErrorCode::FRIEND_PEER_IN_BLOCKLIST, format!("{me} blocks {peer}; unblock first")));
    }
    if relations.blocks(peer, me) {
        return Err(ApiError::new(ErrorCode::FRIEND_IN_PEERS_BLOCKLIST, format!("{peer} blocks {me}")));
    }
    // A user who has the caller as a friend, or asked to be its friend, lets it in.
    let asked = relations.of(me).is_some_and(|it| it.incoming.contains_key(peer));
    if !mode.force && !theirs && !asked {
        if permission == DENY_ANY {
            return Err(ApiError::new(ErrorCode::FRIEND_PEER_DENIES_ALL, format!("{peer} lets no one add it")));
        }
        if permission != ALLOW_ANY {
            let request = FriendRequestRecord {
                sdkappid: changes.sdkappid,
                from: me.clone(),
                to: peer.clone(),
                remark: item.remark.clone(),
                group_name: item.group_name.clone(),
                add_source: item.add_source.clone(),
                add_wording: item.add_wording.clone(),
                add_time: now,
            };
            changes.ops.push(WriteOp::PutFriendRequest(request.clone()));
            relations.of_mut(me).outgoing.insert(peer.clone(), request.clone());
            relations.of_mut(peer).incoming.insert(me.clone(), request);
            // The receiver's devices hear of a request received, the requester's of one sent.
            for (user, other, nick, kind) in
                [(peer, me, my_nick, tim::PENDENCY_COME_IN), (me, peer, peer_nick.as_str(), tim::PENDENCY_SEND_OUT)]
            {
                changes.tell(user, tim::CHANGE_PENDENCY_ADD, |push| {
                    push.friend_change_elem_friend_add_pendency_array.push(FriendAddPendency {
                        friend_add_pendency_type: kind,
                        friend_add_pendency_identifier: other.as_str().to_owned(),
                        friend_add_pendency_nick_name: nick.to_owned(),
                        friend_add_pendency_add_source: item.add_source.clone(),
                        friend_add_pendency_add_wording: item.add_wording.clone(),
                        friend_add_pendency_add_time: now,
                    })
                });
            }
            return Err(ApiError::new(
                ErrorCode::FRIEND_PENDING,
                format!("{peer} confirms friend requests; the request waits for its answer"),
            ));
        }
    }
    let meeting = Meeting {
        sdkappid: changes.sdkappid,
        add_source: &item.add_source,
        add_wording: &item.add_wording,
        add_time: now,
    };
    let mut made = Vec::new();
    if !mine {
        made.push(meeting.entry(me, peer, &item.remark, &item.group_name));
    }
    if mode.both && !theirs {
        made.push(meeting.entry(peer, me, "", ""));
    }
    make_friends(relations, changes, me, made)?;
    changes.delete_requests_between(relations, me, peer);
    Ok(())
}

/// Stores new friendships made by `initiator` (each direction checked against its owner's
/// limit first, so that a refusal leaves nothing), and tells each owner.
fn make_friends(
    relations: &mut Relations,
    changes: &mut Changes,
    initiator: &UserId,
    made: Vec<FriendRecord>,
) -> Result<(), ApiError> {
    for record in &made {
        let n_friends = relations.of(&record.owner).map_or(0, |it| it.friends.len());
        if n_friends >= limits::FRIENDS_MAX {
            let code =
                if record.owner == *initiator { ErrorCode::FRIEND_LIST_FULL } else { ErrorCode::FRIEND_PEER_LIST_FULL };
            return Err(ApiError::new(
                code,
                format!("{} has {} friends, the most allowed", record.owner, limits::FRIENDS_MAX),
            ));
        }
        let groups = relations.of(&record.owner).map_or(0, |it| it.groups.len());
        if record.groups.iter().any(|name| !relations.of(&record.owner).is_some_and(|it| it.groups.contains(name)))
            && groups >= limits::FRIEND_GROUPS_MAX
        {
            return Err(ApiError::new(
                ErrorCode::FRIEND_LIST_FULL,
                format!("{} has {} friend groups, the most allowed", record.owner, limits::FRIEND_GROUPS_MAX),
            ));
        }
    }
    for record in made {
        for name in &record.groups {
            changes.ensure_group(relations, &record.owner, name)?;
        }
        changes.tell(&record.owner, tim::CHANGE_FRIEND_ADD, |push| {
            push.friend_change_elem_friend_add_identifier_array.push(record.peer.as_str().to_owned())
        });
        changes.added.push(SnsPair::new(&record.owner, &record.peer, initiator));
        changes.put_friend(relations, record);
    }
    Ok(())
}

/// `friend_add`.
async fn add(engine: &Engine, session: &Session, request: friend_add::Request) -> Result<FriendResult, ApiError> {
    let both = match request.friendship_add_friend_param_friend_type {
        tim::FRIEND_TYPE_SINGLE => false,
        tim::FRIEND_TYPE_BOTH => true,
        other => {
            return Err(ApiError::invalid_parameter(format!(
                "friendship_add_friend_param_friend_type {other}: 0 or 1"
            )));
        }
    };
    let peer = request.friendship_add_friend_param_identifier;
    let item = AddItem {
        named: peer.as_str().to_owned(),
        peer: Some(peer),
        remark: request.friendship_add_friend_param_remark,
        group_name: request.friendship_add_friend_param_group_name,
        add_source: request.friendship_add_friend_param_add_source,
        add_wording: request.friendship_add_friend_param_add_wording,
    };
    let mut results = engine.add_friends(session, vec![item], AddMode { both, force: false }, "friend_add").await?;
    Ok(results.pop().unwrap_or_default())
}

/// `friend_handle_request`.
async fn handle_request(
    engine: &Engine,
    session: &Session,
    request: friend_handle_request::Request,
) -> Result<FriendResult, ApiError> {
    let action = request.friend_response_action;
    if ![tim::RESPONSE_AGREE, tim::RESPONSE_AGREE_AND_ADD, tim::RESPONSE_REJECT].contains(&action) {
        return Err(ApiError::invalid_parameter(format!("friend_response_action {action}: 0, 1 or 2")));
    }
    tim::check_remark("friend_response_remark", &request.friend_response_remark)?;
    if !request.friend_response_group_name.is_empty() {
        tim::check_group_name("friend_response_group_name", &request.friend_response_group_name)?;
    }
    let app = session.app.clone();
    let me = session.user().clone();
    let applicant = request.friend_response_identifier;
    // A client's answer asks the app's before-callback first (TIM asks it for no REST call).
    if !session.rest {
        let item = PrevSnsItem {
            to: applicant.as_str().to_owned(),
            remark: request.friend_response_remark.clone(),
            group_name: request.friend_response_group_name.clone(),
            add_source: String::new(),
            add_wording: String::new(),
            action,
        };
        let event = engine.prev_sns_event(session, vec![item], false);
        let refusals = engine.before_sns(&app, CALLBACK_SNS_PREV_FRIEND_RESPONSE, &event).await;
        if let Some(err) = refusal_of(&refusals, &applicant) {
            return Err(err);
        }
    }
    let now = engine.now();
    let decide = |relations: &mut Relations| {
        let pending = relations.of(&me).and_then(|it| it.incoming.get(&applicant)).cloned();
        let Some(pending) = pending else {
            return Err(invalid(format!("{me} has no friend request from {applicant}")));
        };
        let mut changes = Changes::new(app.sdkappid);
        if action != tim::RESPONSE_REJECT {
            let meeting = Meeting {
                sdkappid: app.sdkappid,
                add_source: &pending.add_source,
                add_wording: &pending.add_wording,
                add_time: now,
            };
            let mut made = Vec::new();
            if !relations.is_friend(&applicant, &me) {
                made.push(meeting.entry(&applicant, &me, &pending.remark, &pending.group_name));
            }
            if action == tim::RESPONSE_AGREE_AND_ADD && !relations.is_friend(&me, &applicant) {
                made.push(meeting.entry(
                    &me,
                    &applicant,
                    &request.friend_response_remark,
                    &request.friend_response_group_name,
                ));
            }
            make_friends(relations, &mut changes, &me, made)?;
        }
        changes.delete_requests_between(relations, &applicant, &me);
        Ok((FriendResult::ok(applicant.as_str()), Some(changes)))
    };
    commit_changes(engine, &app, decide, Origin::of(session, "friend_response")).await
}

// ---------------------------------------------------------------------------------------------
// The lists of requests

/// `friend_get_pendency_list`.
async fn get_pendency_list(
    _engine: &Engine,
    session: &Session,
    request: friend_get_pendency_list::Request,
) -> Result<PendencyPage, ApiError> {
    let kind = request.friendship_get_pendency_list_param_type;
    if kind > tim::PENDENCY_BOTH {
        return Err(ApiError::invalid_parameter(format!(
            "friendship_get_pendency_list_param_type {kind}: 0 (received), 1 (sent) or 2 (both)"
        )));
    }
    let size = match request.friendship_get_pendency_list_param_limited_size as usize {
        0 => limits::FRIEND_PENDENCY_PAGE_MAX,
        size => size.min(limits::FRIEND_PENDENCY_PAGE_MAX),
    };
    let app = &session.app;
    let (mut items, read_time) = {
        let relations = lock(&app.relations);
        let Some(side) = relations.of(session.user()) else { return Ok(PendencyPage::default()) };
        let mut items: Vec<(u32, FriendRequestRecord)> = Vec::new();
        if kind != tim::PENDENCY_SEND_OUT {
            items.extend(side.incoming.values().map(|it| (tim::PENDENCY_COME_IN, it.clone())));
        }
        if kind != tim::PENDENCY_COME_IN {
            items.extend(side.outgoing.values().map(|it| (tim::PENDENCY_SEND_OUT, it.clone())));
        }
        (items, side.pendency_read_time)
    };
    let unread = items.iter().filter(|(kind, it)| *kind == tim::PENDENCY_COME_IN && it.add_time > read_time).count();
    // Newest first; a page ends between two times, never inside one, so that the next page,
    // which starts at a time, repeats nothing and skips nothing.
    items.sort_by(|a, b| b.1.add_time.cmp(&a.1.add_time).then_with(|| a.1.from.cmp(&b.1.from)));
    let current_seq = items.first().map_or(0, |(_, it)| it.add_time);
    let start = request.friendship_get_pendency_list_param_start_time;
    if start > 0 {
        items.retain(|(_, it)| it.add_time <= start);
    }
    let mut end = items.len().min(size);
    while end > 0 && end < items.len() && items[end].1.add_time == items[end - 1].1.add_time {
        end += 1;
    }
    let next_start = items.get(end).map_or(0, |(_, it)| it.add_time);
    items.truncate(end);
    let infos = items
        .into_iter()
        .map(|(kind, record)| {
            let other = if kind == tim::PENDENCY_COME_IN { &record.from } else { &record.to };
            let profile = profile_of(app, other);
            FriendAddPendencyInfo {
                friend_add_pendency_info_type: kind,
                friend_add_pendency_info_identifier: other.as_str().to_owned(),
                friend_add_pendency_info_nick_name: profile.user_profile_nick_name,
                friend_add_pendency_info_face_url: profile.user_profile_face_url,
                friend_add_pendency_info_add_time: record.add_time,
                friend_add_pendency_info_add_source: record.add_source,
                friend_add_pendency_info_add_wording: record.add_wording,
            }
        })
        .collect();
    Ok(PendencyPage {
        pendency_page_start_time: next_start,
        pendency_page_unread_num: unread as u64,
        pendency_page_current_seq: current_seq,
        pendency_page_pendency_info_array: infos,
    })
}

/// `friend_delete_pendency`.
async fn delete_pendency(
    engine: &Engine,
    session: &Session,
    request: friend_delete_pendency::Request,
) -> Result<friend_delete_pendency::Response, ApiError> {
    let kind = request.friendship_delete_pendency_param_type;
    if kind > tim::PENDENCY_BOTH {
        return Err(ApiError::invalid_parameter(format!(
            "friendship_delete_pendency_param_type {kind}: 0 (received), 1 (sent) or 2 (both)"
        )));
    }
    let users = request.friendship_delete_pendency_param_identifier_array;
    check_count("friendship_delete_pendency_param_identifier_array", users.len())?;
    let app = session.app.clone();
    let me = session.user().clone();
    let decide = |relations: &mut Relations| {
        let mut changes = Changes::new(app.sdkappid);
        let results = users
            .iter()
            .map(|user| {
                let received = kind != tim::PENDENCY_SEND_OUT && changes.delete_request(relations, user, &me);
                let sent = kind != tim::PENDENCY_COME_IN && changes.delete_request(relations, &me, user);
                if received || sent {
                    FriendResult::ok(user.as_str())
                } else {
                    FriendResult::failed(user.as_str(), invalid(format!("no friend request between {me} and {user}")))
                }
            })
            .collect();
        Ok((results, Some(changes)))
    };
    let results = commit_changes(engine, &app, decide, Origin::of(session, "friend_delete_pendency")).await?;
    Ok(friend_delete_pendency::Response { results })
}

/// `friend_report_pendency_read`.
async fn report_pendency_read(
    engine: &Engine,
    session: &Session,
    request: friend_report_pendency_read::Request,
) -> Result<Empty, ApiError> {
    let now = engine.now();
    let time = if request.time_stamp == 0 { now } else { request.time_stamp.min(now) };
    let app = session.app.clone();
    let me = session.user().clone();
    let decide = |relations: &mut Relations| {
        let side = relations.of_mut(&me);
        if side.pendency_read_time >= time {
            return Ok(((), None));
        }
        side.pendency_read_time = time;
        let mut changes = Changes::new(app.sdkappid);
        changes.meta(&me);
        changes.tell(&me, tim::CHANGE_PENDENCY_READ, |push| {
            push.friend_change_elem_pendency_readed_report_timestamp = time
        });
        Ok(((), Some(changes)))
    };
    commit_changes(engine, &app, decide, Origin::of(session, "friend_report_pendency_read")).await?;
    Ok(Empty {})
}

handle!(api::friend_add::Request => add);
handle!(api::friend_handle_request::Request => handle_request);
handle!(api::friend_get_pendency_list::Request => get_pendency_list);
handle!(api::friend_delete_pendency::Request => delete_pendency);
handle!(api::friend_report_pendency_read::Request => report_pendency_read);
