//! Groups: create, dismiss, invite, remove, quit, join, and reading groups and members.
//!
//! Every membership change stores the member (with its index, join seq and position) and the
//! group's next member index, and tells the users concerned through their event streams; a
//! change never writes anything per other member, so it costs the same in a group of 100,000.

use std::sync::{Arc, Mutex};

use serde_json::json;
use tincan_core::config::{
    CALLBACK_GROUP_AFTER_CREATE, CALLBACK_GROUP_AFTER_DESTROYED, CALLBACK_GROUP_AFTER_FULL,
    CALLBACK_GROUP_AFTER_MEMBER_EXIT, CALLBACK_GROUP_AFTER_NEW_MEMBER, CALLBACK_GROUP_BEFORE_APPLY_JOIN,
    CALLBACK_GROUP_BEFORE_CREATE, CALLBACK_GROUP_BEFORE_INVITE_JOIN,
};
use tincan_core::conv::ConvKey;
use tincan_core::group::{
    ADD_OPTION_ANY, ADD_OPTION_FORBID, Group, GroupProfile, Invitations, Left, MembershipOutcome, NewGroup, Operator,
    generated_group_id, member_cap, validate_custom_group_id,
};
use tincan_proto::api::{
    self, Empty, create_group, delete_group, delete_group_members, get_group_info, get_group_members,
    get_joined_groups, invite_group_members, join_group, quit_group,
};
use tincan_proto::enums::{GroupType, HandleMemberResult, MemberRole};
use tincan_proto::objects::{
    GetGroupInfoResult, GroupBaseInfo, GroupDeleteMemberResult, GroupInviteMemberResult, GroupSelfInfo,
};
use tincan_proto::{ApiError, ErrorCode, GroupId, UserId, limits};
use tincan_store::WriteOp;

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::ops::common::{
    TIP_INVITE, TIP_KICK, TIP_QUIT, group_callback, group_events, group_not_found, group_push, group_record, leave_ops,
    member_accounts, member_ops, member_state_callback, rest_type, tips_message,
};
use crate::ops::handle;
use crate::render;
use crate::state::{AppState, GroupState, lock, write};

fn state_of(app: &AppState, group_id: &GroupId) -> Result<Arc<Mutex<GroupState>>, ApiError> {
    app.group(group_id).ok_or_else(|| group_not_found(group_id))
}

/// `group_create` (TIM `TIMGroupCreate`): the caller creates the group and owns it.
pub(crate) async fn create(
    engine: &Engine,
    session: &Session,
    request: create_group::Request,
) -> Result<create_group::Response, ApiError> {
    create_owned_by(engine, session, Some(session.user().clone()), request, None).await
}

/// Creates a group owned by `owner` (none: a group the REST API makes without an owner).
///
/// An imported group (`imported_at`, REST `import_group`) keeps the time it was created in
/// another system, which is not after now, and is not reported to the after-create webhook.
pub(crate) async fn create_owned_by(
    engine: &Engine,
    session: &Session,
    owner: Option<UserId>,
    request: create_group::Request,
    imported_at: Option<u64>,
) -> Result<create_group::Response, ApiError> {
    let app = &session.app;
    if let Some(created_at) = imported_at
        && created_at > engine.now()
    {
        return Err(ApiError::new(
            ErrorCode::GROUP_INVALID_PARAMETERS,
            format!("CreateTime {created_at} is in the future"),
        ));
    }
    if let Some(owner) = &owner
        && app.account(owner).is_none()
    {
        return Err(ApiError::new(ErrorCode::GROUP_ACCOUNT_NOT_FOUND, format!("owner account {owner} does not exist")));
    }
    let group_type = request.create_group_param_group_type;
    let cap = member_cap(group_type)?;
    let default_add_option = if group_type == GroupType::WORK { ADD_OPTION_FORBID } else { ADD_OPTION_ANY };
    let profile = GroupProfile {
        name: request.create_group_param_group_name,
        introduction: request.create_group_param_introduction,
        notification: request.create_group_param_notification,
        face_url: request.create_group_param_face_url,
        add_option: request.create_group_param_add_option.unwrap_or(default_add_option),
        approve_option: request.create_group_param_approve_option.unwrap_or(ADD_OPTION_ANY),
        max_member_num: if request.create_group_param_max_member_num == 0 {
            cap
        } else {
            request.create_group_param_max_member_num
        },
        visible: 1,
        searchable: 1,
        ..GroupProfile::default()
    };
    profile.validate(group_type)?;
    let mut initial_members = Vec::with_capacity(request.create_group_param_group_member_array.len());
    let mut missing = Vec::new();
    for member in request.create_group_param_group_member_array {
        let user = member.group_member_info_identifier;
        if app.account(&user).is_none() {
            missing.push(user.to_string());
        }
        initial_members.push((user, member.group_member_info_member_role));
    }
    if !missing.is_empty() {
        return Err(ApiError::new(
            ErrorCode::GROUP_ACCOUNT_NOT_FOUND,
            format!("these accounts do not exist: {}", missing.join(", ")),
        ));
    }
    if initial_members.len() > limits::GROUP_MEMBERS_PER_CALL_MAX {
        return Err(ApiError::new(
            ErrorCode::GROUP_TOO_MANY_ACCOUNTS,
            format!(
                "{} initial members; at most {} are allowed",
                initial_members.len(),
                limits::GROUP_MEMBERS_PER_CALL_MAX
            ),
        ));
    }
    let custom_id = request.create_group_param_group_id;
    if let Some(group_id) = &custom_id {
        validate_custom_group_id(group_id, group_type)?;
    }
    if imported_at.is_none() {
        // The app's back end may refuse the group; asked outside every lock, and only for a
        // request that is valid so far.
        let asked = || {
            json!({
                "Operator_Account": session.user().as_str(),
                "Owner_Account": owner.as_ref().map(UserId::as_str).unwrap_or_default(),
                "Type": group_type.rest_name().unwrap_or("Public"),
                "Name": profile.name,
                "MemberList": member_accounts(initial_members.iter().map(|(user, _)| user)),
            })
        };
        engine.before_group(app, CALLBACK_GROUP_BEFORE_CREATE, asked, session.event_platform()).await?;
    }
    let now = imported_at.unwrap_or_else(|| engine.now());
    let committing = engine.commit(
        || write(&app.groups),
        |groups| {
            let group_id = match custom_id {
                Some(group_id) => {
                    if groups.contains_key(&group_id) {
                        return Err(ApiError::new(
                            ErrorCode::GROUP_ID_IN_USE,
                            format!("group ID {group_id} is already in use"),
                        ));
                    }
                    group_id
                }
                None => loop {
                    let candidate = generated_group_id(group_type, engine.random_u64());
                    if !groups.contains_key(&candidate) {
                        break candidate;
                    }
                },
            };
            let (group, joined) =
                Group::create(NewGroup { id: group_id.clone(), group_type, profile, owner, initial_members, now })?;
            // A dismissed group may have had this ID: what it left in the store goes first.
            let mut ops = vec![
                WriteOp::PurgeGroup { sdkappid: app.sdkappid, group_id: group_id.clone() },
                group_record(app.sdkappid, &group, None),
            ];
            ops.extend(member_ops(app.sdkappid, &group_id, &joined));
            let others: Vec<&UserId> =
                joined.iter().map(|it| &it.user).filter(|user| *user != session.user()).collect();
            let all: Vec<&UserId> = joined.iter().map(|it| &it.user).collect();
            ops.extend(group_events(
                app.sdkappid,
                &group_id,
                &all,
                &group_push(&group, "created", session.user(), &others),
            ));
            let created = json!({
                "GroupId": group_id.as_str(),
                "Type": rest_type(&group),
                "Operator_Account": session.user().as_str(),
                "Owner_Account": group.owner().map(UserId::as_str).unwrap_or_default(),
                "Name": group.profile.name,
                "MemberList": member_accounts(all.iter().copied()),
                "UserDefinedDataList": [],
            });
            if imported_at.is_none() {
                ops.extend(group_callback(engine, app, CALLBACK_GROUP_AFTER_CREATE, created));
            }
            app.list_group(&group_id, joined.iter().map(|it| &it.user));
            groups.insert(group_id.clone(), Arc::new(Mutex::new(GroupState::new(group))));
            Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, session.device), group_id))
        },
    );
    let (group_id, _) = committing
        .await?
        .durable_or_undo(|group_id| {
            write(&app.groups).remove(group_id);
        })
        .await?;
    engine.wake_webhooks();
    Ok(create_group::Response { create_group_result_groupid: group_id.as_str().to_owned() })
}

/// `group_delete` (TIM `TIMGroupDelete`): the owner dismisses the group.
pub(crate) async fn delete(
    engine: &Engine,
    session: &Session,
    request: delete_group::Request,
) -> Result<Empty, ApiError> {
    let app = &session.app;
    let state = state_of(app, &request.group_id)?;
    dismiss(engine, app, &request.group_id, &state, Some(session.operator()), session.device).await
}

/// Dismisses a group: every member leaves, each is told, and the group is gone.
pub(crate) async fn dismiss(
    engine: &Engine,
    app: &AppState,
    group_id: &GroupId,
    state: &Arc<Mutex<GroupState>>,
    operator: Option<Operator<'_>>,
    origin: Option<u64>,
) -> Result<Empty, ApiError> {
    let now = engine.now();
    let committing = engine
        .commit(
            || (write(&app.groups), lock(state)),
            |(groups, state)| {
                if let Some(operator) = operator {
                    state.group.check_dismiss(operator)?;
                }
                // Anything still holding the group (a send, an invite) finds it dismissed from now on.
                state.group.mark_dismissed();
                let group = &state.group;
                let members: Vec<UserId> = group.members().map(|(user, _)| user.clone()).collect();
                let left: Vec<Left> = group
                    .members()
                    .map(|(user, member)| Left { user: user.clone(), index: member.index, leave_seq: group.max_seq() })
                    .collect();
                let mut ops = vec![group_record(app.sdkappid, group, Some(now))];
                ops.extend(leave_ops(app.sdkappid, group_id, &left));
                let operator_id =
                    operator.map_or_else(|| app.settings().admin_identifier.clone(), |it| it.user().clone());
                let all: Vec<&UserId> = members.iter().collect();
                ops.extend(group_events(
                    app.sdkappid,
                    group_id,
                    &all,
                    &group_push(group, "dismissed", &operator_id, &[]),
                ));
                let destroyed = json!({
                    "GroupId": group_id.as_str(),
                    "Type": rest_type(group),
                    "Operator_Account": operator_id.as_str(),
                    "Owner_Account": group.owner().map(UserId::as_str).unwrap_or_default(),
                    "Name": group.profile.name,
                    "MemberList": member_accounts(all.iter().copied()),
                });
                ops.extend(group_callback(engine, app, CALLBACK_GROUP_AFTER_DESTROYED, destroyed));
                groups.remove(group_id);
                Ok(Decision::write(ops, Tell::devices_but(app.sdkappid, origin), members))
            },
        )
        .await?;
    for user in committing.value() {
        if let Some(account) = app.account(user) {
            lock(&account.convs).groups.remove(group_id);
        }
    }
    committing.durable().await?;
    engine.wake_webhooks();
    Ok(Empty {})
}

/// `group_invite_member` (TIM `TIMGroupInviteMember`).
pub(crate) async fn invite(
    engine: &Engine,
    session: &Session,
    request: invite_group_members::Request,
) -> Result<invite_group_members::Response, ApiError> {
    let app = &session.app;
    let group_id = &request.group_invite_member_param_group_id;
    let state = state_of(app, group_id)?;
    let users = &request.group_invite_member_param_identifier_array;
    check_additions(users)?;
    let (group_type, newcomers) = {
        let state = lock(&state);
        // Only an invitation the caller may make is put to the app's back end.
        state.group.check_invite(session.operator())?;
        let newcomers: Vec<&UserId> =
            users.iter().filter(|user| state.group.member(user).is_none() && app.account(user).is_some()).collect();
        (rest_type(&state.group), newcomers)
    };
    let mut refused = Vec::new();
    if !newcomers.is_empty() {
        let asked = || {
            json!({
                "GroupId": group_id.as_str(),
                "Type": group_type,
                "Operator_Account": session.user().as_str(),
                "DestinationMembers": member_accounts(newcomers.iter().copied()),
            })
        };
        refused = engine.before_group(app, CALLBACK_GROUP_BEFORE_INVITE_JOIN, asked, session.event_platform()).await?;
    }
    // Users the app's back end keeps out are answered as users who could not be added.
    let admitted: Vec<UserId> =
        users.iter().filter(|user| !refused.iter().any(|it| it == user.as_str())).cloned().collect();
    let mut outcome = if admitted.is_empty() {
        Vec::new()
    } else {
        add_members(engine, app, group_id, &state, session.operator(), &admitted).await?
    };
    for user in users {
        if !admitted.contains(user) {
            outcome.push((user.clone(), HandleMemberResult::FAILED));
        }
    }
    outcome.sort_by_key(|(user, _)| users.iter().position(|it| it == user));
    let results = outcome
        .into_iter()
        .map(|(user, result)| GroupInviteMemberResult {
            group_invite_member_result_identifier: user.as_str().to_owned(),
            group_invite_member_result_result: result,
        })
        .collect();
    Ok(invite_group_members::Response { results })
}

/// Refuses a list of users to add that is empty or longer than one call takes.
fn check_additions(users: &[UserId]) -> Result<(), ApiError> {
    if users.is_empty() {
        return Err(ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, "the identifier array is empty"));
    }
    if users.len() > limits::GROUP_MEMBERS_PER_CALL_MAX {
        return Err(ApiError::new(
            ErrorCode::GROUP_TOO_MANY_ACCOUNTS,
            format!("{} accounts in one call; at most {} are allowed", users.len(), limits::GROUP_MEMBERS_PER_CALL_MAX),
        ));
    }
    Ok(())
}

/// Adds users on behalf of `operator`; unknown accounts fail individually.
///
/// Membership changes are pushed to every device, the operator's included: the group tips
/// message is news to the operator's device too.
///
/// When the group's invite option is Auth and the operator is an ordinary member, nobody joins:
/// each user invited gets a pending invitation (answered `INVITED`), stored with the group's
/// requests to join and told to the owner and admins as a `group` push (`invite_requested`),
/// until one of them handles it (`ops::group_pendency`).
pub(crate) async fn add_members(
    engine: &Engine,
    app: &AppState,
    group_id: &GroupId,
    state: &Arc<Mutex<GroupState>>,
    operator: Operator<'_>,
    users: &[UserId],
) -> Result<Vec<(UserId, HandleMemberResult)>, ApiError> {
    check_additions(users)?;
    let existing: Vec<UserId> = users.iter().filter(|user| app.account(user).is_some()).cloned().collect();
    if existing.is_empty() && !users.is_empty() {
        let names: Vec<String> = users.iter().map(ToString::to_string).collect();
        return Err(ApiError::new(
            ErrorCode::GROUP_ACCOUNT_NOT_FOUND,
            format!("these accounts do not exist: {}", names.join(", ")),
        ));
    }
    let now = engine.now();
    let committing = engine.commit(
        || lock(state),
        |state| {
            // A banned user is answered as an account that could not be added.
            let allowed: Vec<UserId> =
                existing.iter().filter(|user| state.check_not_banned(user, now).is_ok()).cloned().collect();
            if state.group.invitation_needs_approval(operator) {
                let inviter = operator.user();
                let Invitations { results, made } = state.group.request_invitations(inviter, &allowed, now)?;
                let outcome = MembershipOutcome { results, ..MembershipOutcome::default() };
                if made.is_empty() {
                    return Ok(Decision::Nothing(outcome));
                }
                let invitees: Vec<&UserId> = made.iter().map(|invitation| &invitation.user).collect();
                let deciders: Vec<&UserId> = state
                    .group
                    .members()
                    .filter(|(_, member)| member.role == MemberRole::OWNER || member.role == MemberRole::ADMIN)
                    .map(|(user, _)| user)
                    .collect();
                let mut ops = group_events(
                    app.sdkappid,
                    group_id,
                    &deciders,
                    &group_push(&state.group, "invite_requested", inviter, &invitees),
                );
                ops.extend(made.iter().map(|invitation| {
                    WriteOp::PutJoinRequest(tincan_store::JoinRequestRecord {
                        sdkappid: app.sdkappid,
                        group_id: group_id.clone(),
                        user: invitation.user.clone(),
                        add_time: invitation.add_time,
                        message: invitation.message.clone(),
                        inviter: invitation.inviter.clone(),
                    })
                }));
                return Ok(Decision::write(ops, Tell::devices(app.sdkappid), outcome));
            }
            let pending: Vec<UserId> = allowed.iter().filter(|user| state.group.has_pending(user)).cloned().collect();
            let outcome = state.group.invite(operator, &allowed, now)?;
            let operator = operator.user();
            let mut ops = vec![group_record(app.sdkappid, &state.group, None)];
            ops.extend(member_ops(app.sdkappid, group_id, &outcome.joined));
            ops.extend(answered_requests(app.sdkappid, group_id, &pending));
            let added: Vec<&UserId> = outcome.joined.iter().map(|it| &it.user).collect();
            ops.extend(group_events(
                app.sdkappid,
                group_id,
                &added,
                &group_push(&state.group, "joined", operator, &added),
            ));
            if !added.is_empty() {
                ops.push(tips_message(engine, app.sdkappid, state, TIP_INVITE, operator, &added, now));
                ops.extend(joined_callbacks(engine, app, &state.group, "Invited", operator, &added));
            }
            if outcome.joined.is_empty() {
                return Ok(Decision::Nothing(outcome));
            }
            app.list_group(group_id, added);
            Ok(Decision::write(ops, Tell::devices(app.sdkappid), outcome))
        },
    );
    let (outcome, _) = committing.await?.durable().await?;
    engine.wake_webhooks();
    let mut results = Vec::with_capacity(users.len());
    for user in users {
        let result =
            outcome.results.iter().find(|(it, _)| it == user).map_or(HandleMemberResult::FAILED, |(_, result)| *result);
        results.push((user.clone(), result));
    }
    Ok(results)
}

/// Most users one ban names (TIM: 20).
const BAN_USERS_PER_CALL_MAX: usize = 20;

impl Engine {
    /// Bans users from a group for `seconds` (REST `ban_group_member`): members among them are
    /// removed, as a removal by the operator is told (a kick tips message, the removed users'
    /// `group` push, the exit webhook), and none of them may join or be added until the ban
    /// ends or is lifted. The owner cannot be banned (10007, and nobody is).
    pub async fn ban_group_members(
        &self,
        session: &Session,
        group_id: &GroupId,
        users: &[UserId],
        seconds: u64,
    ) -> Result<(), ApiError> {
        if users.is_empty() || users.len() > BAN_USERS_PER_CALL_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!("{} accounts in one ban; between 1 and {BAN_USERS_PER_CALL_MAX} are allowed", users.len()),
            ));
        }
        if seconds == 0 {
            return Err(ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, "a ban lasts at least 1 second"));
        }
        let app = &session.app;
        let state = state_of(app, group_id)?;
        let now = self.now();
        let until = now.saturating_add(seconds);
        let committing = self
            .commit(
                || lock(&state),
                |state| {
                    state.group.check_alive()?;
                    if let Some(owner) = users.iter().find(|user| state.group.owner() == Some(*user)) {
                        return Err(ApiError::new(
                            ErrorCode::GROUP_PERMISSION_DENIED,
                            format!("{owner} owns group {group_id} and cannot be banned from it"),
                        ));
                    }
                    let mut left: Vec<Left> = Vec::new();
                    for user in users {
                        if let Some(outcome) = state.group.expel(user) {
                            left.extend(outcome.left);
                        }
                    }
                    state.note_left(&left, now);
                    let mut ops = leave_ops(app.sdkappid, group_id, &left);
                    for user in users {
                        state.bans.insert(user.clone(), until);
                        ops.push(WriteOp::SetGroupBan {
                            sdkappid: app.sdkappid,
                            group_id: group_id.clone(),
                            user: user.clone(),
                            until,
                        });
                    }
                    let removed: Vec<&UserId> = left.iter().map(|it| &it.user).collect();
                    if !removed.is_empty() {
                        let operator = session.user();
                        ops.extend(group_events(
                            app.sdkappid,
                            group_id,
                            &removed,
                            &group_push(&state.group, "removed", operator, &removed),
                        ));
                        ops.push(tips_message(self, app.sdkappid, state, TIP_KICK, operator, &removed, now));
                        ops.extend(exit_callback(self, app, &state.group, "Kicked", operator, &removed));
                    }
                    Ok(Decision::write(ops, Tell::devices(app.sdkappid), left))
                },
            )
            .await?;
        for left in committing.value() {
            if let Some(account) = app.account(&left.user) {
                lock(&account.convs).groups.remove(group_id);
            }
        }
        committing.durable().await?;
        self.wake_webhooks();
        Ok(())
    }

    /// Lifts the bans of `users` from a group (REST `unban_group_member`); a user not banned is
    /// no error.
    pub async fn unban_group_members(
        &self,
        session: &Session,
        group_id: &GroupId,
        users: &[UserId],
    ) -> Result<(), ApiError> {
        if users.is_empty() || users.len() > BAN_USERS_PER_CALL_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!("{} accounts in one call; between 1 and {BAN_USERS_PER_CALL_MAX} are allowed", users.len()),
            ));
        }
        let app = &session.app;
        let state = state_of(app, group_id)?;
        let committing = self.commit(
            || lock(&state),
            |state| {
                state.group.check_alive()?;
                let mut ops = Vec::new();
                for user in users {
                    if state.bans.remove(user).is_some() {
                        ops.push(WriteOp::SetGroupBan {
                            sdkappid: app.sdkappid,
                            group_id: group_id.clone(),
                            user: user.clone(),
                            until: 0,
                        });
                    }
                }
                if ops.is_empty() {
                    return Ok(Decision::Nothing(()));
                }
                Ok(Decision::write(ops, Tell::Nobody, ()))
            },
        );
        committing.await?.durable().await?;
        Ok(())
    }

    /// The users banned from a group now, by identifier, with the seconds each ban has left
    /// (REST `get_group_ban_member`).
    pub fn group_bans(&self, session: &Session, group_id: &GroupId) -> Result<Vec<(UserId, u64)>, ApiError> {
        let state = state_of(&session.app, group_id)?;
        let state = lock(&state);
        state.group.check_alive()?;
        let now = self.now();
        Ok(state
            .bans
            .iter()
            .filter(|(_, until)| **until > now)
            .map(|(user, until)| (user.clone(), until - now))
            .collect())
    }

    /// Adds members as they were in another system (REST `import_group_member`), each with its
    /// role and the time it joined (now when `None`): no group tips message and no webhook, as nothing happened
    /// in the group; the members' own devices learn of the group. Accounts that do not exist
    /// fail one by one (10019 when none exists).
    pub async fn import_group_members(
        &self,
        session: &Session,
        group_id: &GroupId,
        members: &[(UserId, MemberRole, Option<u64>)],
    ) -> Result<Vec<(UserId, HandleMemberResult)>, ApiError> {
        let app = &session.app;
        let state = state_of(app, group_id)?;
        let now = self.now();
        let existing: Vec<(UserId, MemberRole, u64)> = members
            .iter()
            .filter(|(user, _, _)| app.account(user).is_some())
            .map(|(user, role, join_time)| (user.clone(), *role, join_time.unwrap_or(now)))
            .collect();
        if existing.is_empty() && !members.is_empty() {
            let names: Vec<String> = members.iter().map(|(user, _, _)| user.to_string()).collect();
            return Err(ApiError::new(
                ErrorCode::GROUP_ACCOUNT_NOT_FOUND,
                format!("these accounts do not exist: {}", names.join(", ")),
            ));
        }
        let committing = self.commit(
            || lock(&state),
            |state| {
                let pending: Vec<UserId> = existing
                    .iter()
                    .map(|(user, _, _)| user)
                    .filter(|user| state.group.has_pending(user))
                    .cloned()
                    .collect();
                let outcome = state.group.import_members(&existing, now)?;
                if outcome.joined.is_empty() {
                    return Ok(Decision::Nothing(outcome));
                }
                let mut ops = vec![group_record(app.sdkappid, &state.group, None)];
                ops.extend(member_ops(app.sdkappid, group_id, &outcome.joined));
                ops.extend(answered_requests(app.sdkappid, group_id, &pending));
                let added: Vec<&UserId> = outcome.joined.iter().map(|it| &it.user).collect();
                ops.extend(group_events(
                    app.sdkappid,
                    group_id,
                    &added,
                    &group_push(&state.group, "joined", session.user(), &added),
                ));
                app.list_group(group_id, added);
                Ok(Decision::write(ops, Tell::devices(app.sdkappid), outcome))
            },
        );
        let (outcome, _) = committing.await?.durable().await?;
        Ok(members
            .iter()
            .map(|(user, _, _)| {
                let result = outcome
                    .results
                    .iter()
                    .find(|(it, _)| it == user)
                    .map_or(HandleMemberResult::FAILED, |(_, result)| *result);
                (user.clone(), result)
            })
            .collect())
    }
}

/// `group_delete_member` (TIM `TIMGroupDeleteMember`).
pub(crate) async fn delete_members(
    engine: &Engine,
    session: &Session,
    request: delete_group_members::Request,
) -> Result<delete_group_members::Response, ApiError> {
    let app = &session.app;
    let group_id = &request.group_delete_member_param_group_id;
    let state = state_of(app, group_id)?;
    let users = &request.group_delete_member_param_identifier_array;
    let outcome = remove_members(engine, app, group_id, &state, session.operator(), users).await?;
    let results = outcome
        .into_iter()
        .map(|(user, result)| GroupDeleteMemberResult {
            group_delete_member_result_identifier: user.as_str().to_owned(),
            group_delete_member_result_result: result,
        })
        .collect();
    Ok(delete_group_members::Response { results })
}

/// Removes members on behalf of `operator`.
pub(crate) async fn remove_members(
    engine: &Engine,
    app: &AppState,
    group_id: &GroupId,
    state: &Arc<Mutex<GroupState>>,
    operator: Operator<'_>,
    users: &[UserId],
) -> Result<Vec<(UserId, HandleMemberResult)>, ApiError> {
    let committing = engine
        .commit(
            || lock(state),
            |state| {
                let outcome = state.group.remove(operator, users)?;
                let operator = operator.user();
                state.note_left(&outcome.left, engine.now());
                let mut ops = leave_ops(app.sdkappid, group_id, &outcome.left);
                let removed: Vec<&UserId> = outcome.left.iter().map(|it| &it.user).collect();
                ops.extend(group_events(
                    app.sdkappid,
                    group_id,
                    &removed,
                    &group_push(&state.group, "removed", operator, &removed),
                ));
                if !removed.is_empty() {
                    ops.push(tips_message(engine, app.sdkappid, state, TIP_KICK, operator, &removed, engine.now()));
                    ops.extend(exit_callback(engine, app, &state.group, "Kicked", operator, &removed));
                }
                if outcome.left.is_empty() {
                    return Ok(Decision::Nothing(outcome));
                }
                Ok(Decision::write(ops, Tell::devices(app.sdkappid), outcome))
            },
        )
        .await?;
    for left in &committing.value().left {
        if let Some(account) = app.account(&left.user) {
            lock(&account.convs).groups.remove(group_id);
        }
    }
    let results = committing.durable().await?.0.results;
    engine.wake_webhooks();
    Ok(results)
}

/// `group_quit` (TIM `TIMGroupQuit`).
pub(crate) async fn quit(engine: &Engine, session: &Session, request: quit_group::Request) -> Result<Empty, ApiError> {
    let app = &session.app;
    let group_id = request.group_id;
    let state = state_of(app, &group_id)?;
    let me = session.user();
    let committing = engine
        .commit(
            || lock(&state),
            |state| {
                let outcome = state.group.quit(me)?;
                state.note_left(&outcome.left, engine.now());
                let mut ops = leave_ops(app.sdkappid, &group_id, &outcome.left);
                if let Some(successor) = &outcome.new_owner
                    && let Some(member) = state.group.member(successor)
                {
                    ops.push(WriteOp::SetMemberRole {
                        sdkappid: app.sdkappid,
                        group_id: group_id.clone(),
                        index: member.index,
                        role: MemberRole::OWNER,
                    });
                }
                ops.push(group_record(app.sdkappid, &state.group, None));
                ops.extend(group_events(app.sdkappid, &group_id, &[me], &group_push(&state.group, "left", me, &[me])));
                if state.group.n_members() > 0 {
                    ops.push(tips_message(engine, app.sdkappid, state, TIP_QUIT, me, &[me], engine.now()));
                }
                ops.extend(exit_callback(engine, app, &state.group, "Quit", me, &[me]));
                if engine.hub().is_online(app.sdkappid, me) {
                    ops.extend(member_state_callback(engine, app, &state.group, false, "Quit", [me]));
                }
                let now_empty = state.group.n_members() == 0;
                Ok(Decision::write(ops, Tell::devices(app.sdkappid), now_empty))
            },
        )
        .await?;
    lock(&session.account.convs).groups.remove(&group_id);
    let (now_empty, _) = committing.durable().await?;
    engine.wake_webhooks();
    if now_empty {
        dismiss(engine, app, &group_id, &state, None, session.device).await?;
    }
    Ok(Empty {})
}

/// `group_join` (TIM `TIMGroupJoin`).
pub(crate) async fn join(engine: &Engine, session: &Session, request: join_group::Request) -> Result<Empty, ApiError> {
    let app = &session.app;
    let group_id = request.group_id;
    let state = state_of(app, &group_id)?;
    let me = session.user();
    let group_type = rest_type(&lock(&state).group);
    let asked = || json!({"GroupId": group_id.as_str(), "Type": group_type, "Requestor_Account": me.as_str()});
    engine.before_group(app, CALLBACK_GROUP_BEFORE_APPLY_JOIN, asked, session.event_platform()).await?;
    let now = engine.now();
    let committing = engine.commit(
        || lock(&state),
        |state| {
            state.check_not_banned(me, now)?;
            if state.group.needs_approval() && state.group.group_type() != GroupType::WORK {
                // An Auth group: the request waits for the owner or an admin.
                let pending = state.group.request_join(me, &request.hello_msg, now)?;
                let deciders: Vec<&UserId> = state
                    .group
                    .members()
                    .filter(|(_, member)| member.role == MemberRole::OWNER || member.role == MemberRole::ADMIN)
                    .map(|(user, _)| user)
                    .collect();
                let mut ops = vec![WriteOp::PutJoinRequest(tincan_store::JoinRequestRecord {
                    sdkappid: app.sdkappid,
                    group_id: group_id.clone(),
                    user: pending.user,
                    add_time: pending.add_time,
                    message: pending.message,
                    inviter: None,
                })];
                ops.extend(group_events(
                    app.sdkappid,
                    &group_id,
                    &deciders,
                    &group_push(&state.group, "join_requested", me, &[me]),
                ));
                return Ok(Decision::write(ops, Tell::devices(app.sdkappid), ()));
            }
            let pending: Vec<UserId> = [me].into_iter().filter(|user| state.group.has_pending(user)).cloned().collect();
            let joined = state.group.join(me, now)?;
            let mut ops = vec![group_record(app.sdkappid, &state.group, None)];
            ops.extend(member_ops(app.sdkappid, &group_id, std::slice::from_ref(&joined)));
            ops.extend(answered_requests(app.sdkappid, &group_id, &pending));
            ops.extend(group_events(app.sdkappid, &group_id, &[me], &group_push(&state.group, "joined", me, &[me])));
            ops.push(tips_message(engine, app.sdkappid, state, TIP_INVITE, me, &[me], now));
            ops.extend(joined_callbacks(engine, app, &state.group, "Apply", me, &[me]));
            if engine.hub().is_online(app.sdkappid, me) {
                ops.extend(member_state_callback(engine, app, &state.group, true, "Join", [me]));
            }
            app.list_group(&group_id, [me]);
            Ok(Decision::write(ops, Tell::devices(app.sdkappid), ()))
        },
    );
    committing.await?.durable().await?;
    engine.wake_webhooks();
    Ok(Empty {})
}

/// `group_get_info` (TIM `TIMGroupGetGroupInfoList`).
pub(crate) async fn get_info(
    engine: &Engine,
    session: &Session,
    request: get_group_info::Request,
) -> Result<get_group_info::Response, ApiError> {
    if request.group_ids.is_empty() || request.group_ids.len() > limits::GROUP_INFO_PER_CALL_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "group_ids has {} entries; between 1 and {} are allowed",
            request.group_ids.len(),
            limits::GROUP_INFO_PER_CALL_MAX
        )));
    }
    let results = request
        .group_ids
        .iter()
        .map(|item| {
            let found = match item.valid() {
                Ok(group_id) => state_of(&session.app, group_id),
                Err(error) => Err(error.clone()),
            };
            match found {
                Ok(state) => {
                    let state = lock(&state);
                    let n_online = state
                        .group
                        .members()
                        .filter(|(user, _)| engine.hub().is_online(session.app.sdkappid, user))
                        .count();
                    GetGroupInfoResult {
                        get_groups_info_result_code: 0,
                        get_groups_info_result_desc: String::new(),
                        get_groups_info_result_info: Some(render::group_detail(&state.group, n_online as u64)),
                    }
                }
                Err(err) => GetGroupInfoResult {
                    get_groups_info_result_code: err.code.0,
                    get_groups_info_result_desc: err.desc,
                    get_groups_info_result_info: None,
                },
            }
        })
        .collect();
    Ok(get_group_info::Response { results })
}

/// `group_get_members` (TIM `TIMGroupGetMemberInfoList`); members only.
pub(crate) async fn get_members(
    engine: &Engine,
    session: &Session,
    request: get_group_members::Request,
) -> Result<get_group_members::Response, ApiError> {
    let state = state_of(&session.app, &request.group_get_members_info_list_param_group_id)?;
    let wanted = &request.group_get_members_info_list_param_identifier_array;
    let state = lock(&state);
    let group = &state.group;
    if session.is_app_admin() {
        group.check_alive()?;
    } else {
        group.check_member(session.user())?;
    }
    let online = |user: &UserId| engine.hub().is_online(session.app.sdkappid, user);
    if !wanted.is_empty() {
        let members: Vec<_> = wanted
            .iter()
            .filter_map(|user| {
                group.member(user).map(|member| (user.clone(), render::member_info(group, user, member, online(user))))
            })
            .collect();
        drop(state);
        let members = render::with_member_profiles(&session.app, members);
        return Ok(get_group_members::Response {
            group_get_member_info_list_result_next_seq: 0,
            group_get_member_info_list_result_info_array: members,
        });
    }
    let from = u32::try_from(request.group_get_members_info_list_param_next_seq).unwrap_or(u32::MAX);
    let (page, next) = group.members_page(from, limits::GROUP_MEMBERS_PAGE_MAX as usize);
    let members: Vec<_> = page
        .into_iter()
        .map(|(user, member)| (user.clone(), render::member_info(group, user, member, online(user))))
        .collect();
    drop(state);
    let members = render::with_member_profiles(&session.app, members);
    Ok(get_group_members::Response {
        group_get_member_info_list_result_next_seq: u64::from(next),
        group_get_member_info_list_result_info_array: members,
    })
}

/// `group_get_joined` (TIM `TIMGroupGetJoinedGroupList`).
pub(crate) async fn get_joined(
    _engine: &Engine,
    session: &Session,
    _request: get_joined_groups::Request,
) -> Result<get_joined_groups::Response, ApiError> {
    // Each group with the user's receive option of it, read under the account's lock alone.
    let joined: Vec<(GroupId, u32)> = {
        let convs = lock(&session.account.convs);
        convs
            .groups
            .iter()
            .map(|group_id| {
                let key = ConvKey::Group(group_id.clone());
                (group_id.clone(), convs.settings.get(&key).map_or(0, |settings| settings.recv_opt))
            })
            .collect()
    };
    let groups = joined
        .iter()
        .filter_map(|(group_id, recv_opt)| {
            let state = session.app.group(group_id)?;
            let state = lock(&state);
            let group = &state.group;
            let member = group.member(session.user())?;
            Some(GroupBaseInfo {
                group_base_info_group_id: group_id.as_str().to_owned(),
                group_base_info_group_name: group.profile.name.clone(),
                group_base_info_group_type: group.group_type(),
                group_base_info_face_url: group.profile.face_url.clone(),
                group_base_info_info_seq: group.info_seq(),
                group_base_info_latest_seq: state.shown_seq(),
                group_base_info_readed_seq: member.read.read_seq(),
                group_base_info_msg_flag: *recv_opt,
                group_base_info_is_shutup_all: group.profile.shutup_all,
                group_base_info_self_info: GroupSelfInfo {
                    group_self_info_join_time: member.join_time,
                    group_self_info_role: member.role,
                    group_self_info_unread_num: state.unread_of(member),
                    group_self_info_msg_flag: *recv_opt,
                },
            })
        })
        .collect();
    Ok(get_joined_groups::Response { groups })
}

/// Removes the stored requests and invitations of `users`, who joined by other means.
fn answered_requests(sdkappid: u64, group_id: &GroupId, users: &[UserId]) -> Vec<WriteOp> {
    users
        .iter()
        .map(|user| WriteOp::DeleteJoinRequest { sdkappid, group_id: group_id.clone(), user: user.clone() })
        .collect()
}

/// `Group.CallbackAfterNewMemberJoin` for `users`, and `Group.CallbackAfterGroupFull` when they
/// filled the group.
pub(crate) fn joined_callbacks(
    engine: &Engine,
    app: &AppState,
    group: &Group,
    join_type: &str,
    operator: &UserId,
    users: &[&UserId],
) -> Vec<WriteOp> {
    let body = json!({
        "GroupId": group.id().as_str(),
        "Type": rest_type(group),
        "JoinType": join_type,
        "Operator_Account": operator.as_str(),
        "NewMemberList": member_accounts(users.iter().copied()),
    });
    let mut ops: Vec<WriteOp> =
        group_callback(engine, app, CALLBACK_GROUP_AFTER_NEW_MEMBER, body).into_iter().collect();
    if group.n_members() >= u64::from(group.profile.max_member_num) {
        let full = json!({"GroupId": group.id().as_str(), "Type": rest_type(group)});
        ops.extend(group_callback(engine, app, CALLBACK_GROUP_AFTER_FULL, full));
    }
    ops
}

/// `Group.CallbackAfterMemberExit` for `users` (`Quit` or `Kicked`).
fn exit_callback(
    engine: &Engine,
    app: &AppState,
    group: &Group,
    exit_type: &str,
    operator: &UserId,
    users: &[&UserId],
) -> Option<WriteOp> {
    let body = json!({
        "GroupId": group.id().as_str(),
        "Type": rest_type(group),
        "ExitType": exit_type,
        "Operator_Account": operator.as_str(),
        "ExitMemberList": member_accounts(users.iter().copied()),
    });
    group_callback(engine, app, CALLBACK_GROUP_AFTER_MEMBER_EXIT, body)
}

handle!(api::create_group::Request => create);
handle!(api::delete_group::Request => delete);
handle!(api::invite_group_members::Request => invite);
handle!(api::delete_group_members::Request => delete_members);
handle!(api::quit_group::Request => quit);
handle!(api::join_group::Request => join);
handle!(api::get_group_info::Request => get_info);
handle!(api::get_group_members::Request => get_members);
handle!(api::get_joined_groups::Request => get_joined);
