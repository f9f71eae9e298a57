//! Requests to join groups whose add option is Auth, and invitations into groups whose invite
//! option is Auth: listing them for the owner and admins, accepting or refusing them, and
//! marking them read.
//!
//! A request is made by `group_join`, an invitation by `group_invite_member` from an ordinary
//! member (both in `groups`); each is stored with the group (one per user: the newer replaces
//! the older), told to the owner and admins as a `group` push (`join_requested`,
//! `invite_requested`), and leaves the list once handled: an accepted applicant joins as by
//! `group_join`, an accepted invitee as by an invitation from its inviter; a refused applicant
//! gets a `join_refused` push, and a refused invitation's inviter an `invite_refused` push.

use tincan_core::config::{CALLBACK_GROUP_AFTER_FULL, CALLBACK_GROUP_AFTER_NEW_MEMBER};
use tincan_proto::api::handle_group_pendency::{PENDENCY_INVITE_JOIN, PENDENCY_REQUEST_JOIN};
use tincan_proto::api::{self, Empty, get_group_pendency_list, handle_group_pendency, report_group_pendency_read};
use tincan_proto::enums::MemberRole;
use tincan_proto::objects::GroupPendency;
use tincan_proto::{ApiError, ErrorCode, GroupId, UserId, limits};
use tincan_store::WriteOp;

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::ops::common::{
    TIP_INVITE, group_callback, group_events, group_not_found, group_push, group_record, member_accounts, member_ops,
    member_state_callback, rest_type, tips_message,
};
use crate::ops::handle;
use crate::state::lock;

/// `group_get_pendency_list` (TIM `TIMGroupGetPendencyList`): the pending requests and
/// invitations of every group the caller owns or administers, newest first.
pub(crate) async fn list(
    _engine: &Engine,
    session: &Session,
    request: get_group_pendency_list::Request,
) -> Result<get_group_pendency_list::Response, ApiError> {
    let limit = match usize::try_from(request.group_pendency_option_max_limited).unwrap_or(usize::MAX) {
        0 => limits::GROUP_PENDENCY_PAGE_MAX,
        limit => limit.min(limits::GROUP_PENDENCY_PAGE_MAX),
    };
    let me = session.user();
    let group_ids: Vec<GroupId> = lock(&session.account.convs).groups.iter().cloned().collect();
    let mut all: Vec<GroupPendency> = Vec::new();
    for group_id in group_ids {
        let Some(state) = session.app.group(&group_id) else { continue };
        let state = lock(&state);
        let administers = state
            .group
            .member(me)
            .is_some_and(|member| member.role == MemberRole::OWNER || member.role == MemberRole::ADMIN);
        if !administers {
            continue;
        }
        all.extend(state.group.join_requests().map(|request| match &request.inviter {
            None => GroupPendency {
                group_pendency_group_id: group_id.as_str().to_owned(),
                group_pendency_form_identifier: request.user.as_str().to_owned(),
                group_pendency_add_time: request.add_time,
                group_pendency_pendency_type: PENDENCY_REQUEST_JOIN,
                group_pendency_apply_invite_msg: request.message.clone(),
                group_pendency_self_identifier: me.as_str().to_owned(),
                ..GroupPendency::default()
            },
            Some(inviter) => GroupPendency {
                group_pendency_group_id: group_id.as_str().to_owned(),
                group_pendency_form_identifier: inviter.as_str().to_owned(),
                group_pendency_to_identifier: request.user.as_str().to_owned(),
                group_pendency_add_time: request.add_time,
                group_pendency_pendency_type: PENDENCY_INVITE_JOIN,
                group_pendency_apply_invite_msg: request.message.clone(),
                group_pendency_self_identifier: me.as_str().to_owned(),
                ..GroupPendency::default()
            },
        }));
    }
    let read_time = lock(&session.app.pendency_read_times).get(me).copied().unwrap_or(0);
    let unread = all.iter().filter(|pendency| pendency.group_pendency_add_time > read_time).count() as u64;
    all.sort_by(|a, b| {
        b.group_pendency_add_time
            .cmp(&a.group_pendency_add_time)
            .then_with(|| a.group_pendency_group_id.cmp(&b.group_pendency_group_id))
            .then_with(|| a.group_pendency_form_identifier.cmp(&b.group_pendency_form_identifier))
            .then_with(|| a.group_pendency_to_identifier.cmp(&b.group_pendency_to_identifier))
    });
    let start = request.group_pendency_option_start_time;
    let mut page: Vec<GroupPendency> =
        all.into_iter().filter(|pendency| start == 0 || pendency.group_pendency_add_time < start).collect();
    let mut next = 0;
    if page.len() > limit {
        // The page ends after every request of the second its last one was made in, so that
        // the next page, which starts before that second, misses none.
        let last_time = page[limit - 1].group_pendency_add_time;
        let end = page.iter().position(|pendency| pendency.group_pendency_add_time < last_time).unwrap_or(page.len());
        if end < page.len() {
            next = last_time;
        }
        page.truncate(end);
    }
    Ok(get_group_pendency_list::Response {
        group_pendency_result_next_start_time: next,
        group_pendency_result_read_time_seq: read_time,
        group_pendency_result_unread_num: unread,
        group_pendency_result_pendency_array: page,
    })
}

/// `group_handle_pendency` (TIM `TIMGroupHandlePendency`): a request to join names its
/// applicant in `group_pendency_form_identifier`; an invitation (`group_pendency_pendency_type`
/// 1) names its invitee in `group_pendency_to_identifier`.
pub(crate) async fn handle_request(
    engine: &Engine,
    session: &Session,
    request: handle_group_pendency::Request,
) -> Result<Empty, ApiError> {
    let app = &session.app;
    let pendency = request.group_handle_pendency_param_pendency;
    let group_id = pendency.group_pendency_group_id;
    let invitation = match pendency.group_pendency_pendency_type {
        PENDENCY_REQUEST_JOIN => false,
        PENDENCY_INVITE_JOIN => true,
        other => {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "group_pendency_pendency_type {other} is not 0 (a request to join) or 1 (an invitation); \
                     only those can be handled"
                ),
            ));
        }
    };
    let applicant = if invitation {
        pendency.group_pendency_to_identifier.ok_or_else(|| {
            ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                "an invitation (group_pendency_pendency_type 1) names its invitee in group_pendency_to_identifier, \
                 which is missing",
            )
        })?
    } else {
        pendency.group_pendency_form_identifier
    };
    let accept = request.group_handle_pendency_param_is_accept;
    let state = app.group(&group_id).ok_or_else(|| group_not_found(&group_id))?;
    let now = engine.now();
    let committing = engine.commit(
        || lock(&state),
        |state| {
            let (handled, joined) =
                state.group.handle_request(session.operator(), &applicant, invitation, accept, now)?;
            let me = session.user();
            // An accepted invitation is the inviter's: the members read that it added the
            // invitee, as when an invitation needs no approval.
            let (adder, join_type) = match &handled.inviter {
                Some(inviter) => (inviter, "Invited"),
                None => (me, "Apply"),
            };
            let mut ops = vec![WriteOp::DeleteJoinRequest {
                sdkappid: app.sdkappid,
                group_id: group_id.clone(),
                user: applicant.clone(),
            }];
            let applicants: [&UserId; 1] = [&applicant];
            match &joined {
                Some(joined) => {
                    ops.push(group_record(app.sdkappid, &state.group, None));
                    ops.extend(member_ops(app.sdkappid, &group_id, std::slice::from_ref(joined)));
                    ops.extend(group_events(
                        app.sdkappid,
                        &group_id,
                        &applicants,
                        &group_push(&state.group, "joined", adder, &applicants),
                    ));
                    ops.push(tips_message(engine, app.sdkappid, state, TIP_INVITE, adder, &applicants, now));
                    let body = serde_json::json!({
                        "GroupId": group_id.as_str(),
                        "Type": rest_type(&state.group),
                        "JoinType": join_type,
                        "Operator_Account": adder.as_str(),
                        "NewMemberList": member_accounts(applicants),
                    });
                    ops.extend(group_callback(engine, app, CALLBACK_GROUP_AFTER_NEW_MEMBER, body));
                    if state.group.n_members() >= u64::from(state.group.profile.max_member_num) {
                        let full = serde_json::json!({"GroupId": group_id.as_str(), "Type": rest_type(&state.group)});
                        ops.extend(group_callback(engine, app, CALLBACK_GROUP_AFTER_FULL, full));
                    }
                    if engine.hub().is_online(app.sdkappid, &applicant) {
                        ops.extend(member_state_callback(engine, app, &state.group, true, "Join", applicants));
                    }
                    app.list_group(&group_id, applicants);
                }
                None if !accept => match &handled.inviter {
                    None => ops.extend(group_events(
                        app.sdkappid,
                        &group_id,
                        &applicants,
                        &group_push(&state.group, "join_refused", me, &applicants),
                    )),
                    Some(inviter) => ops.extend(group_events(
                        app.sdkappid,
                        &group_id,
                        &[inviter],
                        &group_push(&state.group, "invite_refused", me, &applicants),
                    )),
                },
                None => {}
            }
            Ok(Decision::write(ops, Tell::devices(app.sdkappid), ()))
        },
    );
    committing.await?.durable().await?;
    engine.wake_webhooks();
    Ok(Empty {})
}

/// `group_report_pendency_read` (TIM `TIMGroupReportPendencyReaded`).
pub(crate) async fn report_read(
    engine: &Engine,
    session: &Session,
    request: report_group_pendency_read::Request,
) -> Result<Empty, ApiError> {
    let app = &session.app;
    let me = session.user();
    let committing = engine.commit(
        || lock(&app.pendency_read_times),
        |times| {
            let current = times.get(me).copied().unwrap_or(0);
            if request.time_stamp <= current {
                return Ok(Decision::Nothing(()));
            }
            times.insert(me.clone(), request.time_stamp);
            let op = WriteOp::SetPendencyReadTime {
                sdkappid: app.sdkappid,
                user: me.clone(),
                read_time: request.time_stamp,
            };
            Ok(Decision::write(vec![op], Tell::Nobody, ()))
        },
    );
    committing.await?.durable().await?;
    Ok(Empty {})
}

handle!(api::get_group_pendency_list::Request => list);
handle!(api::handle_group_pendency::Request => handle_request);
handle!(api::report_group_pendency_read::Request => report_read);
