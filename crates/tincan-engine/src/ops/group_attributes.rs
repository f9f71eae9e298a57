//! A group's custom attributes and counters (TIM's group attributes and group counters).
//!
//! Each change is decided whole under the group's lock against the state the previous change
//! left, so concurrent increments all count and a refused change leaves nothing changed. The
//! members online hear of it through one push per device, outside their streams (`pos` 0):
//! the dispatcher's group push path, which costs the members online and nothing per member
//! beyond that. A device that was away reads the state again, as TIM asks of its apps after a
//! login.

use std::sync::{Arc, Mutex};

use tincan_core::config::CALLBACK_GROUP_AFTER_ATTR_CHANGED;
use tincan_core::group_attributes::{AttributeChange, CounterMode, change_attributes, change_counters, pick};
use tincan_proto::api::{
    self, Empty, decrease_group_counter, delete_group_attributes, get_group_attributes, get_group_counters,
    increase_group_counter, init_group_attributes, set_group_attributes, set_group_counters,
};
use tincan_proto::enums::GroupType;
use tincan_proto::objects::{GroupAttribute, GroupCounter};
use tincan_proto::{ApiError, ErrorCode, GroupId};
use tincan_store::{GroupAttributesRecord, GroupCountersRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::ops::common::{group_callback, group_not_found, rest_type};
use crate::ops::handle;
use crate::state::{GroupState, lock};

fn state_of(session: &Session, group_id: &GroupId) -> Result<Arc<Mutex<GroupState>>, ApiError> {
    session.app.group(group_id).ok_or_else(|| group_not_found(group_id))
}

/// Members may read and change a group's attributes and counters; the administrator any
/// group's.
fn check_access(session: &Session, state: &GroupState) -> Result<(), ApiError> {
    if session.is_app_admin() {
        state.group.check_alive()
    } else {
        state.group.check_member(session.user()).map(|_| ())
    }
}

/// Counters are not kept for Community groups, as in TIM.
fn check_counters(session: &Session, state: &GroupState) -> Result<(), ApiError> {
    check_access(session, state)?;
    if state.group.group_type() == GroupType::COMMUNITY {
        return Err(ApiError::new(
            ErrorCode::GROUP_PERMISSION_DENIED,
            format!("group {} is a Community group, which has no counters", state.group.id()),
        ));
    }
    Ok(())
}

/// TIM's `Group.CallbackAfterGroupAttrChanged` body for `change` to the attributes `state` has
/// before it: `OptionType` `set` (replaced whole), `clear`, `modify` (the keys set) or `delete`
/// (the keys deleted, with the values they had), and `GroupAttr` the attributes it names.
fn attributes_changed(session: &Session, state: &GroupState, change: AttributeChange<'_>) -> serde_json::Value {
    let entry = |key: &str, value: &str| serde_json::json!({"key": key, "value": value});
    let (option, attributes): (&str, Vec<serde_json::Value>) = match change {
        AttributeChange::Init([]) => ("clear", Vec::new()),
        AttributeChange::Init(entries) => ("set", entries.iter().map(|(key, value)| entry(key, value)).collect()),
        AttributeChange::Set(entries) => ("modify", entries.iter().map(|(key, value)| entry(key, value)).collect()),
        AttributeChange::Delete(keys) => {
            let deleted = state.attributes.iter().filter(|(key, _)| keys.is_empty() || keys.contains(key));
            ("delete", deleted.map(|(key, value)| entry(key, value)).collect())
        }
    };
    serde_json::json!({
        "GroupId": state.group.id().as_str(),
        "Type": rest_type(&state.group),
        "Operator_Account": session.user().as_str(),
        "OptionType": option,
        "GroupAttr": attributes,
    })
}

fn pairs(attributes: Vec<GroupAttribute>) -> Vec<(String, String)> {
    attributes.into_iter().map(|attribute| (attribute.group_attribute_key, attribute.group_attribute_value)).collect()
}

fn counters_of(pairs: Vec<(String, i64)>) -> Vec<GroupCounter> {
    pairs.into_iter().map(|(key, value)| GroupCounter { group_counter_key: key, group_counter_value: value }).collect()
}

/// `group_init_attributes` (TIM `TIMGroupInitGroupAttributes`).
async fn init(engine: &Engine, session: &Session, request: init_group_attributes::Request) -> Result<Empty, ApiError> {
    let entries = pairs(request.attributes);
    engine.change_group_attributes(session, &request.group_id, AttributeChange::Init(&entries)).await?;
    Ok(Empty {})
}

/// `group_set_attributes` (TIM `TIMGroupSetGroupAttributes`).
async fn set(engine: &Engine, session: &Session, request: set_group_attributes::Request) -> Result<Empty, ApiError> {
    let entries = pairs(request.attributes);
    engine.change_group_attributes(session, &request.group_id, AttributeChange::Set(&entries)).await?;
    Ok(Empty {})
}

/// `group_delete_attributes` (TIM `TIMGroupDeleteGroupAttributes`).
async fn delete(
    engine: &Engine,
    session: &Session,
    request: delete_group_attributes::Request,
) -> Result<Empty, ApiError> {
    engine.change_group_attributes(session, &request.group_id, AttributeChange::Delete(&request.keys)).await?;
    Ok(Empty {})
}

/// `group_get_attributes` (TIM `TIMGroupGetGroupAttributes`).
async fn get(
    engine: &Engine,
    session: &Session,
    request: get_group_attributes::Request,
) -> Result<get_group_attributes::Response, ApiError> {
    let attributes = engine
        .group_attributes(session, &request.group_id, &request.keys)?
        .into_iter()
        .map(|(key, value)| GroupAttribute { group_attribute_key: key, group_attribute_value: value })
        .collect();
    Ok(get_group_attributes::Response { attributes })
}

/// `group_set_counters` (TIM `TIMGroupSetGroupCounters`).
async fn set_counters(
    engine: &Engine,
    session: &Session,
    request: set_group_counters::Request,
) -> Result<set_group_counters::Response, ApiError> {
    let entries: Vec<(String, i64)> =
        request.counters.into_iter().map(|counter| (counter.group_counter_key, counter.group_counter_value)).collect();
    let changed = engine.change_group_counters(session, &request.group_id, CounterMode::Set, &entries).await?;
    Ok(set_group_counters::Response { counters: counters_of(changed) })
}

/// `group_get_counters` (TIM `TIMGroupGetGroupCounters`).
async fn get_counters(
    engine: &Engine,
    session: &Session,
    request: get_group_counters::Request,
) -> Result<get_group_counters::Response, ApiError> {
    let counters = engine.group_counters(session, &request.group_id, &request.keys)?;
    Ok(get_group_counters::Response { counters: counters_of(counters) })
}

async fn step_counter(
    engine: &Engine,
    session: &Session,
    group_id: &GroupId,
    mode: CounterMode,
    counter: (String, i64),
) -> Result<GroupCounter, ApiError> {
    let changed = engine.change_group_counters(session, group_id, mode, &[counter]).await?;
    let (key, value) = changed
        .into_iter()
        .next()
        .ok_or_else(|| crate::engine::internal("a counter change changed nothing".to_owned()))?;
    Ok(GroupCounter { group_counter_key: key, group_counter_value: value })
}

/// `group_increase_counter` (TIM `TIMGroupIncreaseGroupCounter`).
async fn increase(
    engine: &Engine,
    session: &Session,
    request: increase_group_counter::Request,
) -> Result<GroupCounter, ApiError> {
    let counter = (request.group_counter_key, request.group_counter_value);
    step_counter(engine, session, &request.group_id, CounterMode::Increase, counter).await
}

/// `group_decrease_counter` (TIM `TIMGroupDecreaseGroupCounter`).
async fn decrease(
    engine: &Engine,
    session: &Session,
    request: decrease_group_counter::Request,
) -> Result<GroupCounter, ApiError> {
    let counter = (request.group_counter_key, request.group_counter_value);
    step_counter(engine, session, &request.group_id, CounterMode::Decrease, counter).await
}

impl Engine {
    /// Changes a group's attributes on behalf of the session; its members online are told of
    /// every attribute as it is afterwards. A change that leaves them as they were stores and
    /// tells nothing.
    pub async fn change_group_attributes(
        &self,
        session: &Session,
        group_id: &GroupId,
        change: AttributeChange<'_>,
    ) -> Result<(), ApiError> {
        let state = state_of(session, group_id)?;
        let sdkappid = session.app.sdkappid;
        let committing = self.commit(
            || lock(&state),
            |state| {
                check_access(session, state)?;
                let next = change_attributes(&state.attributes, change)?;
                if next == state.attributes {
                    return Ok(Decision::Nothing(()));
                }
                let record = GroupAttributesRecord {
                    sdkappid,
                    group_id: group_id.clone(),
                    attributes: next.iter().map(|(key, value)| (key.clone(), value.clone())).collect(),
                };
                let mut ops = vec![WriteOp::PutGroupAttributes(record)];
                let changed = attributes_changed(session, state, change);
                ops.extend(group_callback(self, &session.app, CALLBACK_GROUP_AFTER_ATTR_CHANGED, changed));
                state.attributes = next;
                Ok(Decision::write(ops, Tell::devices(sdkappid), ()))
            },
        );
        committing.await?.durable().await?;
        self.wake_webhooks();
        Ok(())
    }

    /// A group's attributes: those of `keys` it has, in that order, or every one by key when
    /// `keys` is empty.
    pub fn group_attributes(
        &self,
        session: &Session,
        group_id: &GroupId,
        keys: &[String],
    ) -> Result<Vec<(String, String)>, ApiError> {
        let state = state_of(session, group_id)?;
        let state = lock(&state);
        check_access(session, &state)?;
        Ok(pick(&state.attributes, keys))
    }

    /// Sets, increases or decreases counters of a group on behalf of the session; returns the
    /// counters changed with their values now. Its members online are told of them.
    pub async fn change_group_counters(
        &self,
        session: &Session,
        group_id: &GroupId,
        mode: CounterMode,
        entries: &[(String, i64)],
    ) -> Result<Vec<(String, i64)>, ApiError> {
        let state = state_of(session, group_id)?;
        let sdkappid = session.app.sdkappid;
        let committing = self.commit(
            || lock(&state),
            |state| {
                check_counters(session, state)?;
                let changed = change_counters(&state.counters, mode, entries)?;
                for (key, value) in &changed {
                    state.counters.insert(key.clone(), *value);
                }
                let record = GroupCountersRecord { sdkappid, group_id: group_id.clone(), counters: changed.clone() };
                Ok(Decision::write(vec![WriteOp::SetGroupCounters(record)], Tell::devices(sdkappid), changed))
            },
        );
        let (changed, _) = committing.await?.durable().await?;
        Ok(changed)
    }

    /// A group's counters: those of `keys` it has, in that order, or every one by key when
    /// `keys` is empty.
    pub fn group_counters(
        &self,
        session: &Session,
        group_id: &GroupId,
        keys: &[String],
    ) -> Result<Vec<(String, i64)>, ApiError> {
        let state = state_of(session, group_id)?;
        let state = lock(&state);
        check_counters(session, &state)?;
        Ok(pick(&state.counters, keys))
    }

    /// Deletes counters of a group (every one when `keys` is empty); nobody is told, as TIM
    /// tells no one (REST `delete_group_counter`).
    pub async fn delete_group_counters(
        &self,
        session: &Session,
        group_id: &GroupId,
        keys: &[String],
    ) -> Result<(), ApiError> {
        let state = state_of(session, group_id)?;
        let sdkappid = session.app.sdkappid;
        let committing = self.commit(
            || lock(&state),
            |state| {
                check_counters(session, state)?;
                let before = state.counters.len();
                if keys.is_empty() {
                    state.counters.clear();
                }
                for key in keys {
                    state.counters.remove(key);
                }
                if state.counters.len() == before {
                    return Ok(Decision::Nothing(()));
                }
                let op = WriteOp::DeleteGroupCounters { sdkappid, group_id: group_id.clone(), keys: keys.to_vec() };
                Ok(Decision::write(vec![op], Tell::Nobody, ()))
            },
        );
        committing.await?.durable().await?;
        Ok(())
    }
}

handle!(api::init_group_attributes::Request => init);
handle!(api::set_group_attributes::Request => set);
handle!(api::delete_group_attributes::Request => delete);
handle!(api::get_group_attributes::Request => get);
handle!(api::set_group_counters::Request => set_counters);
handle!(api::get_group_counters::Request => get_counters);
handle!(api::increase_group_counter::Request => increase);
handle!(api::decrease_group_counter::Request => decrease);
