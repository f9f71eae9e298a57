//! TIM's methods for a group's custom attributes and counters, in the parameter and result
//! shapes of TIM's `TimRender`.

use std::sync::Arc;

use serde::Deserialize;
use tincan_proto::api::{
    decrease_group_counter, delete_group_attributes, get_group_attributes, get_group_counters, increase_group_counter,
    init_group_attributes, set_group_attributes, set_group_counters,
};
use tincan_proto::objects::{GroupAttribute, GroupCounter};
use tincan_proto::{ApiError, GroupId};

use crate::methods::Outcome;
use crate::params::parse;
use crate::session::Session;

/// `InitGroupAttributeParams`, for init and set.
#[derive(Deserialize)]
struct AttributesParam {
    #[serde(rename = "groupId")]
    group_id: String,
    attributes: Vec<GroupAttribute>,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

/// `DeleteAttributeParams`, for delete and get.
#[derive(Deserialize)]
struct KeysParam {
    #[serde(rename = "groupId")]
    group_id: String,
    #[serde(rename = "attributesKey", default)]
    attributes_key: Vec<String>,
    #[serde(rename = "data", default)]
    _data: Option<String>,
}

/// `GroupCounterParams`.
#[derive(Deserialize)]
struct SetCountersParam {
    params: SetCounters,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

#[derive(Deserialize)]
struct SetCounters {
    group_id: String,
    json_group_counter_array: Vec<GroupCounter>,
}

/// `GetGroupCounterParams`.
#[derive(Deserialize)]
struct GetCountersParam {
    group_id: String,
    #[serde(default)]
    json_group_counter_key_array: Vec<String>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

/// `IncreaseGroupCounterParam`, for increase and decrease.
#[derive(Deserialize)]
struct StepParam {
    group_id: String,
    group_counter_key: String,
    group_counter_value: i64,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

/// Runs `method` if it is one of this module's; `None` if not.
pub(crate) async fn call(session: &Arc<Session>, method: &str, params: &str) -> Option<Result<Outcome, ApiError>> {
    Some(match method {
        "TIMGroupInitGroupAttributes" => init(session, params).await,
        "TIMGroupSetGroupAttributes" => set(session, params).await,
        "TIMGroupDeleteGroupAttributes" => delete(session, params).await,
        "TIMGroupGetGroupAttributes" => get(session, params).await,
        "TIMGroupSetGroupCounters" => set_counters(session, params).await,
        "TIMGroupGetGroupCounters" => get_counters(session, params).await,
        "TIMGroupIncreaseGroupCounter" => increase(session, params).await,
        "TIMGroupDecreaseGroupCounter" => decrease(session, params).await,
        _ => return None,
    })
}

async fn init(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: AttributesParam = parse("TIMGroupInitGroupAttributes", params)?;
    let request =
        init_group_attributes::Request { group_id: GroupId::parse(&param.group_id)?, attributes: param.attributes };
    session.client()?.call(&request).await?;
    Ok(Outcome::empty())
}

async fn set(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: AttributesParam = parse("TIMGroupSetGroupAttributes", params)?;
    let request =
        set_group_attributes::Request { group_id: GroupId::parse(&param.group_id)?, attributes: param.attributes };
    session.client()?.call(&request).await?;
    Ok(Outcome::empty())
}

async fn delete(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: KeysParam = parse("TIMGroupDeleteGroupAttributes", params)?;
    let request =
        delete_group_attributes::Request { group_id: GroupId::parse(&param.group_id)?, keys: param.attributes_key };
    session.client()?.call(&request).await?;
    Ok(Outcome::empty())
}

async fn get(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: KeysParam = parse("TIMGroupGetGroupAttributes", params)?;
    let request =
        get_group_attributes::Request { group_id: GroupId::parse(&param.group_id)?, keys: param.attributes_key };
    Ok(Outcome::text_and_value(&session.client()?.call(&request).await?.attributes))
}

async fn set_counters(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: SetCountersParam = parse("TIMGroupSetGroupCounters", params)?;
    let request = set_group_counters::Request {
        group_id: GroupId::parse(&param.params.group_id)?,
        counters: param.params.json_group_counter_array,
    };
    Ok(Outcome::text_and_value(&session.client()?.call(&request).await?.counters))
}

async fn get_counters(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: GetCountersParam = parse("TIMGroupGetGroupCounters", params)?;
    let request = get_group_counters::Request {
        group_id: GroupId::parse(&param.group_id)?,
        keys: param.json_group_counter_key_array,
    };
    Ok(Outcome::text_and_value(&session.client()?.call(&request).await?.counters))
}

async fn increase(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: StepParam = parse("TIMGroupIncreaseGroupCounter", params)?;
    let request = increase_group_counter::Request {
        group_id: GroupId::parse(&param.group_id)?,
        group_counter_key: param.group_counter_key,
        group_counter_value: param.group_counter_value,
    };
    Ok(Outcome::text_and_value(&session.client()?.call(&request).await?))
}

async fn decrease(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: StepParam = parse("TIMGroupDecreaseGroupCounter", params)?;
    let request = decrease_group_counter::Request {
        group_id: GroupId::parse(&param.group_id)?,
        group_counter_key: param.group_counter_key,
        group_counter_value: param.group_counter_value,
    };
    Ok(Outcome::text_and_value(&session.client()?.call(&request).await?))
}
