//! Group and member profiles: changing a group's profile and owner, a member's role, mute, name
//! card and custom fields, and reading who is muted, roles and online counts.
//!
//! Every change is checked whole before anything moves, so a refused change leaves nothing
//! half-written, and is told to the members by one group tips message (TIM's
//! `kTIMGroupTip_GroupInfoChange`, `_SetAdmin`, `_CancelAdmin`, `_MemberInfoChange`), whatever
//! the group's size.

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};
use tincan_core::config::{
    CALLBACK_GROUP_AFTER_INFO_CHANGED, CALLBACK_GROUP_AFTER_MEMBER_FIELD_CHANGED, CALLBACK_GROUP_AFTER_OWNER_CHANGED,
};
use tincan_core::group::{CustomFields, GroupProfile, MemberChange, MemberChanged, OwnerChange, merge_custom};
use tincan_proto::api::{
    self, Empty, get_online_member_count, modify_group_info as info, modify_group_member_info as member_info,
};
use tincan_proto::enums::MemberRole;
use tincan_proto::objects::{GroupInfoCustomString, GroupMemberInfoCustomString};
use tincan_proto::{ApiError, ErrorCode, GroupId, UserId};
use tincan_store::{MemberInfo, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::ops::common::{TipsMessage, group_callback, group_not_found, group_record, rest_type, tips_message_with};
use crate::ops::handle;
use crate::state::{GroupState, lock};

/// `kTIMGroupTip_SetAdmin`.
const TIP_SET_ADMIN: u32 = 4;
/// `kTIMGroupTip_CancelAdmin`.
const TIP_CANCEL_ADMIN: u32 = 5;
/// `kTIMGroupTip_GroupInfoChange`.
const TIP_INFO_CHANGE: u32 = 6;
/// `kTIMGroupTip_MemberInfoChange`.
const TIP_MEMBER_INFO_CHANGE: u32 = 7;

/// `TIMGroupTipGroupChangeFlag` values.
const CHANGE_NAME: u32 = 1;
const CHANGE_INTRODUCTION: u32 = 2;
const CHANGE_NOTIFICATION: u32 = 3;
const CHANGE_FACE_URL: u32 = 4;
const CHANGE_OWNER: u32 = 5;
const CHANGE_CUSTOM: u32 = 6;
const CHANGE_SHUTUP_ALL: u32 = 8;
const CHANGE_ADD_OPTION: u32 = 11;
const CHANGE_APPROVE_OPTION: u32 = 12;

/// A change to a group's profile: each field present replaces the current value, custom fields
/// are set one by one (an empty value deletes its field), and `owner` hands the group over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProfileChange {
    /// A new name.
    pub name: Option<String>,
    /// A new introduction.
    pub introduction: Option<String>,
    /// A new notice.
    pub notification: Option<String>,
    /// A new avatar URL.
    pub face_url: Option<String>,
    /// A new member cap.
    pub max_member_num: Option<u32>,
    /// A new `TIMGroupAddOption`.
    pub add_option: Option<u32>,
    /// A new invite option (TIM's approve option), a `TIMGroupAddOption`.
    pub approve_option: Option<u32>,
    /// Mute everyone but the owner and admins, or stop.
    pub shutup_all: Option<bool>,
    /// Whether non-members may see the member list (1) or not (0).
    pub visible: Option<u32>,
    /// Whether group search finds the group (1) or not (0).
    pub searchable: Option<u32>,
    /// Custom fields to set.
    pub custom: Option<CustomFields>,
    /// A new owner.
    pub owner: Option<UserId>,
}

impl ProfileChange {
    fn is_empty(&self) -> bool {
        *self == ProfileChange::default()
    }
}

fn state_of(session: &Session, group_id: &GroupId) -> Result<Arc<Mutex<GroupState>>, ApiError> {
    session.app.group(group_id).ok_or_else(|| group_not_found(group_id))
}

/// `group_modify_info` (TIM `TIMGroupModifyGroupInfo`).
pub(crate) async fn modify_info(engine: &Engine, session: &Session, request: info::Request) -> Result<Empty, ApiError> {
    let flags = request.flags().ok_or_else(|| {
        ApiError::invalid_parameter(format!(
            "group_modify_info_param_modify_flag {} is not a 32-bit TIMGroupModifyInfoFlag",
            request.group_modify_info_param_modify_flag
        ))
    })?;
    if flags == 0 {
        return Err(ApiError::new(
            ErrorCode::GROUP_INVALID_PARAMETERS,
            "group_modify_info_param_modify_flag names no field to change",
        ));
    }
    if flags & !info::FLAGS_KNOWN != 0 {
        return Err(ApiError::invalid_parameter(format!(
            "group_modify_info_param_modify_flag has bits tincan does not apply: {:#x}",
            flags & !info::FLAGS_KNOWN
        )));
    }
    let wanted = |flag: u32, key: &str, present: bool| -> Result<bool, ApiError> {
        match (flags & flag != 0, present) {
            (true, false) => Err(ApiError::invalid_parameter(format!(
                "group_modify_info_param_modify_flag asks to change {key}, which is missing"
            ))),
            (set, _) => Ok(set),
        }
    };
    let pick = |flag: u32, key: &str, value: Option<String>| -> Result<Option<String>, ApiError> {
        Ok(if wanted(flag, key, value.is_some())? { value } else { None })
    };
    let change = ProfileChange {
        name: pick(info::FLAG_NAME, "group_modify_info_param_group_name", request.group_modify_info_param_group_name)?,
        notification: pick(
            info::FLAG_NOTIFICATION,
            "group_modify_info_param_notification",
            request.group_modify_info_param_notification,
        )?,
        introduction: pick(
            info::FLAG_INTRODUCTION,
            "group_modify_info_param_introduction",
            request.group_modify_info_param_introduction,
        )?,
        face_url: pick(
            info::FLAG_FACE_URL,
            "group_modify_info_param_face_url",
            request.group_modify_info_param_face_url,
        )?,
        add_option: request.group_modify_info_param_add_option.filter(|_| flags & info::FLAG_ADD_OPTION != 0),
        approve_option: request
            .group_modify_info_param_approve_option
            .filter(|_| flags & info::FLAG_APPROVE_OPTION != 0),
        max_member_num: request
            .group_modify_info_param_max_member_num
            .filter(|_| flags & info::FLAG_MAX_MEMBER_NUM != 0),
        visible: request.group_modify_info_param_visible.filter(|_| flags & info::FLAG_VISIBLE != 0),
        searchable: request.group_modify_info_param_searchable.filter(|_| flags & info::FLAG_SEARCHABLE != 0),
        shutup_all: request.group_modify_info_param_is_shutup_all.filter(|_| flags & info::FLAG_SHUTUP_ALL != 0),
        custom: request
            .group_modify_info_param_custom_info
            .filter(|_| flags & info::FLAG_CUSTOM != 0)
            .map(|fields| group_custom_fields(&fields)),
        owner: request.group_modify_info_param_owner.filter(|_| flags & info::FLAG_OWNER != 0),
    };
    for (flag, key, present) in [
        (info::FLAG_ADD_OPTION, "group_modify_info_param_add_option", change.add_option.is_some()),
        (info::FLAG_APPROVE_OPTION, "group_modify_info_param_approve_option", change.approve_option.is_some()),
        (info::FLAG_MAX_MEMBER_NUM, "group_modify_info_param_max_member_num", change.max_member_num.is_some()),
        (info::FLAG_VISIBLE, "group_modify_info_param_visible", change.visible.is_some()),
        (info::FLAG_SEARCHABLE, "group_modify_info_param_searchable", change.searchable.is_some()),
        (info::FLAG_SHUTUP_ALL, "group_modify_info_param_is_shutup_all", change.shutup_all.is_some()),
        (info::FLAG_CUSTOM, "group_modify_info_param_custom_info", change.custom.is_some()),
        (info::FLAG_OWNER, "group_modify_info_param_owner", change.owner.is_some()),
    ] {
        wanted(flag, key, present)?;
    }
    engine.modify_group_profile(session, &request.group_modify_info_param_group_id, change).await?;
    Ok(Empty {})
}

/// Custom fields from TIM's list of key and value objects (a later key wins).
pub fn group_custom_fields(fields: &[GroupInfoCustomString]) -> CustomFields {
    fields
        .iter()
        .map(|field| {
            (field.group_info_custom_string_info_key.clone(), field.group_info_custom_string_info_value.clone())
        })
        .collect()
}

/// Custom fields from TIM's list of member key and value objects (a later key wins).
pub fn member_custom_fields(fields: &[GroupMemberInfoCustomString]) -> CustomFields {
    fields
        .iter()
        .map(|field| {
            (
                field.group_member_info_custom_string_info_key.clone(),
                field.group_member_info_custom_string_info_value.clone(),
            )
        })
        .collect()
}

/// The entries of `group_tips_elem_group_change_info_array` for a change from `before`.
fn change_infos(before: &GroupProfile, after: &GroupProfile, owner: Option<&UserId>) -> Vec<Value> {
    let entry = |flag: u32, value: &str| {
        json!({
            "group_tips_group_change_info_flag": flag,
            "group_tips_group_change_info_value": value,
            "group_tips_group_change_info_key": "",
            "group_tips_group_change_info_bool_value": false,
            "group_tips_group_change_info_int_value": 0,
        })
    };
    let mut infos = Vec::new();
    for (flag, old, new) in [
        (CHANGE_NAME, &before.name, &after.name),
        (CHANGE_INTRODUCTION, &before.introduction, &after.introduction),
        (CHANGE_NOTIFICATION, &before.notification, &after.notification),
        (CHANGE_FACE_URL, &before.face_url, &after.face_url),
    ] {
        if old != new {
            infos.push(entry(flag, new));
        }
    }
    if let Some(owner) = owner {
        infos.push(entry(CHANGE_OWNER, owner.as_str()));
    }
    let keys = before.custom.keys().chain(after.custom.keys()).collect::<std::collections::BTreeSet<_>>();
    for key in keys {
        if before.custom.get(key) != after.custom.get(key) {
            let mut info = entry(CHANGE_CUSTOM, after.custom.get(key).map_or("", String::as_str));
            info["group_tips_group_change_info_key"] = json!(key);
            infos.push(info);
        }
    }
    if before.shutup_all != after.shutup_all {
        let mut info = entry(CHANGE_SHUTUP_ALL, "");
        info["group_tips_group_change_info_bool_value"] = json!(after.shutup_all);
        infos.push(info);
    }
    if before.add_option != after.add_option {
        let mut info = entry(CHANGE_ADD_OPTION, "");
        info["group_tips_group_change_info_int_value"] = json!(after.add_option);
        infos.push(info);
    }
    if before.approve_option != after.approve_option {
        let mut info = entry(CHANGE_APPROVE_OPTION, "");
        info["group_tips_group_change_info_int_value"] = json!(after.approve_option);
        infos.push(info);
    }
    infos
}

/// `group_modify_member_info` (TIM `TIMGroupModifyMemberInfo`).
pub(crate) async fn modify_member(
    engine: &Engine,
    session: &Session,
    request: member_info::Request,
) -> Result<Empty, ApiError> {
    let flags = request.group_modify_member_info_modify_flag;
    let known = member_info::FLAG_MSG_FLAG
        | member_info::FLAG_MEMBER_ROLE
        | member_info::FLAG_SHUTUP_TIME
        | member_info::FLAG_NAME_CARD
        | member_info::FLAG_CUSTOM;
    if flags == 0 || flags & !known != 0 {
        return Err(ApiError::invalid_parameter(format!(
            "group_modify_member_info_modify_flag {flags} is not a non-empty set of TIMGroupMemberModifyInfoFlag bits"
        )));
    }
    let missing = |key: &str| {
        ApiError::invalid_parameter(format!(
            "group_modify_member_info_modify_flag asks to change {key}, which is missing"
        ))
    };
    let mut change = MemberChange::default();
    if flags & member_info::FLAG_MEMBER_ROLE != 0 {
        change.role = Some(
            request
                .group_modify_member_info_member_role
                .ok_or_else(|| missing("group_modify_member_info_member_role"))?,
        );
    }
    if flags & member_info::FLAG_SHUTUP_TIME != 0 {
        change.shutup_seconds = Some(
            request
                .group_modify_member_info_shutup_time
                .ok_or_else(|| missing("group_modify_member_info_shutup_time"))?,
        );
    }
    if flags & member_info::FLAG_NAME_CARD != 0 {
        change.name_card = Some(
            request.group_modify_member_info_name_card.ok_or_else(|| missing("group_modify_member_info_name_card"))?,
        );
    }
    if flags & member_info::FLAG_CUSTOM != 0 {
        let fields = request
            .group_modify_member_info_custom_info
            .ok_or_else(|| missing("group_modify_member_info_custom_info"))?;
        change.custom = Some(member_custom_fields(&fields));
    }
    let target = request.group_modify_member_info_identifier;
    engine.modify_group_members(session, &request.group_modify_member_info_group_id, &[target], &change).await?;
    Ok(Empty {})
}

/// `group_get_online_member_count` (TIM `TIMGroupGetOnlineMemberCount`).
pub(crate) async fn online_member_count(
    engine: &Engine,
    session: &Session,
    request: get_online_member_count::Request,
) -> Result<get_online_member_count::Response, ApiError> {
    let state = state_of(session, &request.group_id)?;
    let state = lock(&state);
    if session.is_app_admin() {
        state.group.check_alive()?;
    } else {
        state.group.check_member(session.user())?;
    }
    let n_online =
        state.group.members().filter(|(user, _)| engine.hub().is_online(session.app.sdkappid, user)).count() as u64;
    Ok(get_online_member_count::Response { group_get_online_member_count_result: n_online })
}

impl Engine {
    /// Changes a group's profile, or its owner, on behalf of the session (any field left `None`
    /// stays); the members learn of it from one group tips message. A change that names no
    /// field changes nothing and tells no one.
    pub async fn modify_group_profile(
        &self,
        session: &Session,
        group_id: &GroupId,
        change: ProfileChange,
    ) -> Result<(), ApiError> {
        let app = &session.app;
        let state = state_of(session, group_id)?;
        if change.is_empty() {
            return lock(&state).group.check_alive();
        }
        let now = self.now();
        let committing = self.commit(
            || lock(&state),
            |state| {
                let before = state.group.profile.clone();
                let mut profile = before.clone();
                let ProfileChange {
                    name,
                    introduction,
                    notification,
                    face_url,
                    max_member_num,
                    add_option,
                    approve_option,
                    shutup_all,
                    visible,
                    searchable,
                    custom,
                    owner,
                } = change;
                profile.name = name.unwrap_or(profile.name);
                profile.introduction = introduction.unwrap_or(profile.introduction);
                profile.notification = notification.unwrap_or(profile.notification);
                profile.face_url = face_url.unwrap_or(profile.face_url);
                profile.max_member_num = max_member_num.unwrap_or(profile.max_member_num);
                profile.add_option = add_option.unwrap_or(profile.add_option);
                profile.approve_option = approve_option.unwrap_or(profile.approve_option);
                profile.shutup_all = shutup_all.unwrap_or(profile.shutup_all);
                profile.visible = visible.unwrap_or(profile.visible);
                profile.searchable = searchable.unwrap_or(profile.searchable);
                if let Some(custom) = &custom {
                    merge_custom(&mut profile.custom, custom);
                }
                let operator = session.operator();
                // Both parts are checked before either applies: the profile first, by the
                // operator's role now, then the hand-over, which changes roles.
                if profile != before {
                    state.group.check_profile_change(operator, &profile)?;
                }
                let handed_over = match &owner {
                    Some(new_owner) => Some(state.group.change_owner(operator, new_owner)?),
                    None => None,
                };
                if profile != before {
                    state.group.apply_profile(profile);
                }
                let infos =
                    change_infos(&before, &state.group.profile, handed_over.as_ref().map(|change| &change.new.0));
                let mut ops = vec![group_record(app.sdkappid, &state.group, None)];
                if let Some(OwnerChange { old, new }) = &handed_over {
                    if let Some((_, index)) = old {
                        ops.push(set_role(app.sdkappid, group_id, *index, MemberRole::NORMAL));
                    }
                    ops.push(set_role(app.sdkappid, group_id, new.1, MemberRole::OWNER));
                }
                let group = &state.group;
                let mut changed = json!({
                    "GroupId": group_id.as_str(),
                    "Type": rest_type(group),
                    "Operator_Account": session.user().as_str(),
                });
                let after = &group.profile;
                for (key, old, new) in [
                    ("Name", &before.name, &after.name),
                    ("Introduction", &before.introduction, &after.introduction),
                    ("Notification", &before.notification, &after.notification),
                    ("FaceUrl", &before.face_url, &after.face_url),
                ] {
                    if old != new {
                        changed[key] = json!(new);
                    }
                }
                if before.shutup_all != after.shutup_all {
                    changed["ShutUpAllMember"] = json!(if after.shutup_all { "On" } else { "Off" });
                    changed["MuteAllMember"] = changed["ShutUpAllMember"].clone();
                }
                if before.custom != after.custom {
                    changed["AppDefinedData"] = Value::Array(
                        after.custom.iter().map(|(key, value)| json!({"Key": key, "Value": value})).collect(),
                    );
                }
                if *after != before {
                    ops.extend(group_callback(self, app, CALLBACK_GROUP_AFTER_INFO_CHANGED, changed));
                }
                if let Some(OwnerChange { old, new }) = &handed_over {
                    let body = json!({
                        "GroupId": group_id.as_str(),
                        "Type": rest_type(group),
                        "NewOwner_Account": new.0.as_str(),
                        "OldOwner_Account": old.as_ref().map(|(user, _)| user.as_str()).unwrap_or_default(),
                    });
                    ops.extend(group_callback(self, app, CALLBACK_GROUP_AFTER_OWNER_CHANGED, body));
                }
                let mut extra = Map::new();
                extra.insert("group_tips_elem_group_change_info_array".to_owned(), Value::Array(infos));
                let tips = TipsMessage { tip_type: TIP_INFO_CHANGE, operator: session.user(), users: &[], now };
                ops.push(tips_message_with(self, app.sdkappid, state, tips, extra));
                Ok(Decision::write(ops, Tell::devices(app.sdkappid), ()))
            },
        );
        committing.await?.durable().await?;
        self.wake_webhooks();
        Ok(())
    }

    /// Hands a group to `new_owner` on behalf of the session (REST `change_group_owner`).
    pub async fn change_group_owner(
        &self,
        session: &Session,
        group_id: &GroupId,
        new_owner: UserId,
    ) -> Result<(), ApiError> {
        self.modify_group_profile(
            session,
            group_id,
            ProfileChange { owner: Some(new_owner), ..ProfileChange::default() },
        )
        .await
    }

    /// Applies one change to each of `users` on behalf of the session, all or none: every
    /// member is checked before any changes. Role changes are told by a `_SetAdmin` or
    /// `_CancelAdmin` tips message, mutes by one `_MemberInfoChange` tips message.
    pub async fn modify_group_members(
        &self,
        session: &Session,
        group_id: &GroupId,
        users: &[UserId],
        change: &MemberChange,
    ) -> Result<(), ApiError> {
        if *change == MemberChange::default() {
            return Err(ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, "the change names no field to change"));
        }
        if users.is_empty() || users.len() > tincan_proto::limits::GROUP_MEMBERS_PER_CALL_MAX {
            return Err(ApiError::new(
                ErrorCode::GROUP_INVALID_PARAMETERS,
                format!(
                    "{} members in one change; between 1 and {} are allowed",
                    users.len(),
                    tincan_proto::limits::GROUP_MEMBERS_PER_CALL_MAX
                ),
            ));
        }
        let app = &session.app;
        let state = state_of(session, group_id)?;
        let now = self.now();
        let committing = self.commit(
            || lock(&state),
            |state| {
                let operator = session.operator();
                for user in users {
                    state.group.check_member_change(operator, user, change)?;
                }
                let mut changes: Vec<(&UserId, MemberChanged)> = Vec::with_capacity(users.len());
                for user in users {
                    if changes.iter().any(|(done, _)| *done == user) {
                        continue;
                    }
                    changes.push((user, state.group.apply_member_change(user, change, now)));
                }
                let mut ops = Vec::new();
                let fields: Vec<Value> = changes
                    .iter()
                    .filter(|_| change.name_card.is_some() || change.custom.is_some())
                    .filter_map(|(user, _)| {
                        let member = state.group.member(user)?;
                        let custom: Vec<Value> =
                            member.custom.iter().map(|(key, value)| json!({"Key": key, "Value": value})).collect();
                        Some(json!({
                            "Member_Account": user.as_str(),
                            "NameCard": member.name_card,
                            "AppMemberDefinedData": custom,
                        }))
                    })
                    .collect();
                let field_change = (!fields.is_empty()).then(|| {
                    json!({
                        "GroupId": group_id.as_str(),
                        "Type": rest_type(&state.group),
                        "Operator_Account": session.user().as_str(),
                        "MemberList": fields,
                    })
                });
                for (user, changed) in &changes {
                    if let Some(role) = changed.role {
                        ops.push(set_role(app.sdkappid, group_id, changed.index, role));
                    }
                    if changed.profile
                        && let Some(member) = state.group.member(user)
                    {
                        let info = MemberInfo {
                            name_card: member.name_card.clone(),
                            shutup_until: member.shutup_until,
                            custom: member.custom.clone(),
                        };
                        ops.push(WriteOp::SetMemberInfo {
                            sdkappid: app.sdkappid,
                            group_id: group_id.clone(),
                            index: changed.index,
                            info,
                        });
                    }
                }
                if ops.is_empty() {
                    return Ok(Decision::Nothing(()));
                }
                if let Some(body) = field_change {
                    ops.extend(group_callback(self, app, CALLBACK_GROUP_AFTER_MEMBER_FIELD_CHANGED, body));
                }
                let me = session.user();
                for (tip_type, role) in [(TIP_SET_ADMIN, MemberRole::ADMIN), (TIP_CANCEL_ADMIN, MemberRole::NORMAL)] {
                    let targets: Vec<&UserId> = changes
                        .iter()
                        .filter(|(_, changed)| changed.role == Some(role))
                        .map(|(user, _)| *user)
                        .collect();
                    if !targets.is_empty() {
                        let tips = TipsMessage { tip_type, operator: me, users: &targets, now };
                        ops.push(tips_message_with(self, app.sdkappid, state, tips, Map::new()));
                    }
                }
                let muted: Vec<(&UserId, u64)> = changes
                    .iter()
                    .filter_map(|(user, changed)| Some((*user, changed.shutup_until?.saturating_sub(now))))
                    .collect();
                if !muted.is_empty() {
                    let targets: Vec<&UserId> = muted.iter().map(|(user, _)| *user).collect();
                    let infos = muted
                        .iter()
                        .map(|(user, seconds)| {
                            json!({
                                "group_tips_member_change_info_identifier": user.as_str(),
                                "group_tips_member_change_info_shutupTime": seconds,
                            })
                        })
                        .collect();
                    let mut extra = Map::new();
                    extra.insert("group_tips_elem_member_change_info_array".to_owned(), Value::Array(infos));
                    let tips = TipsMessage { tip_type: TIP_MEMBER_INFO_CHANGE, operator: me, users: &targets, now };
                    ops.push(tips_message_with(self, app.sdkappid, state, tips, extra));
                }
                Ok(Decision::write(ops, Tell::devices(app.sdkappid), ()))
            },
        );
        committing.await?.durable().await?;
        self.wake_webhooks();
        Ok(())
    }

    /// The members of a group muted now, with when each mute ends (REST `get_group_shutted_uin`).
    pub fn muted_group_members(&self, session: &Session, group_id: &GroupId) -> Result<Vec<(UserId, u64)>, ApiError> {
        let state = state_of(session, group_id)?;
        let state = lock(&state);
        state.group.check_alive()?;
        let now = self.now();
        Ok(state.group.muted_members(now).into_iter().map(|(user, until)| (user.clone(), until)).collect())
    }

    /// Each user's role in a group, `None` for a non-member (REST `get_role_in_group`).
    pub fn group_roles(
        &self,
        session: &Session,
        group_id: &GroupId,
        users: &[UserId],
    ) -> Result<Vec<Option<MemberRole>>, ApiError> {
        let state = state_of(session, group_id)?;
        let state = lock(&state);
        state.group.check_alive()?;
        Ok(users.iter().map(|user| state.group.member(user).map(|member| member.role)).collect())
    }

    /// How many members of a group have a device online.
    pub fn group_online_count(&self, session: &Session, group_id: &GroupId) -> Result<u64, ApiError> {
        let state = state_of(session, group_id)?;
        let state = lock(&state);
        state.group.check_alive()?;
        Ok(state.group.members().filter(|(user, _)| self.hub().is_online(session.app.sdkappid, user)).count() as u64)
    }
}

fn set_role(sdkappid: u64, group_id: &GroupId, index: u32, role: MemberRole) -> WriteOp {
    WriteOp::SetMemberRole { sdkappid, group_id: group_id.clone(), index, role }
}

handle!(api::modify_group_info::Request => modify_info);
handle!(api::modify_group_member_info::Request => modify_member);
handle!(api::get_online_member_count::Request => online_member_count);
