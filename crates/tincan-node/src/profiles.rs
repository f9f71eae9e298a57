//! TIM's profile and status methods, and its base methods that answer from the instance
//! (`TIMGetLoginStatus`, `TIMGetLoginUserID`, `TIMGetServerTime`, `TIMGetSDKVersion`,
//! `TIMSetConfig`, `callExperimentalAPI`).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value, json};
use tincan_proto::api::{
    ping, profile_get, profile_subscribe, status_get, status_set_self, status_subscribe, status_unsubscribe,
};
use tincan_proto::profile::ProfileChange;
use tincan_proto::{ApiError, ErrorCode, UserId};

use crate::methods::Outcome;
use crate::params::parse;
use crate::session::Session;

/// `TIMProfileGetUserProfileListParam`.
#[derive(Deserialize)]
struct ProfileListParam {
    json_get_user_profile_list_param: ProfileListInner,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

#[derive(Deserialize)]
struct ProfileListInner {
    friendship_getprofilelist_param_identifier_array: Vec<UserId>,
    /// tincan always asks the server.
    #[serde(rename = "friendship_getprofilelist_param_force_update", default)]
    _force_update: Option<bool>,
}

pub(crate) async fn get_profiles(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ProfileListParam = parse("TIMProfileGetUserProfileList", params)?;
    let client = session.client()?;
    let request = profile_get::Request {
        friendship_getprofilelist_param_identifier_array: param
            .json_get_user_profile_list_param
            .friendship_getprofilelist_param_identifier_array,
    };
    let profiles = client.call(&request).await?.profiles;
    // TIM's wrapper parses the array into `json_param` here.
    Ok(Outcome::value(&profiles))
}

/// `TIMProfileModifySelfUserProfileParam`.
#[derive(Deserialize)]
struct ModifyParam {
    json_modify_self_user_profile_param: ProfileChange,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

/// TIM's Electron typings declare `user_profile_item_location` a number where its native SDK
/// takes text: a number is taken as its decimal text, so code written to either compiles and
/// works.
fn location_as_text(params: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<Value>(params) else { return params.to_owned() };
    let location = value.pointer_mut("/json_modify_self_user_profile_param/user_profile_item_location");
    if let Some(location) = location
        && let Some(number) = location.as_u64()
    {
        *location = Value::String(number.to_string());
        return value.to_string();
    }
    params.to_owned()
}

pub(crate) async fn modify_self(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: ModifyParam = parse("TIMProfileModifySelfUserProfile", &location_as_text(params))?;
    let client = session.client()?;
    client.modify_self_profile(param.json_modify_self_user_profile_param).await?;
    Ok(Outcome::empty())
}

/// `SubscribeUserInfoParam`.
#[derive(Deserialize)]
struct UserListParam {
    json_user_id_list: Vec<UserId>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

pub(crate) async fn subscribe_info(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: UserListParam = parse("TIMSubscribeUserInfo", params)?;
    let client = session.client()?;
    client.call(&profile_subscribe::Request { user_id_list: param.json_user_id_list }).await?;
    Ok(Outcome::empty())
}

/// `userStatusParam`.
#[derive(Deserialize)]
struct IdArrayParam {
    id_array: Vec<UserId>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

pub(crate) async fn get_status(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: IdArrayParam = parse("TIMGetUserStatus", params)?;
    let client = session.client()?;
    let statuses = client.call(&status_get::Request { user_id_list: param.id_array }).await?.statuses;
    Ok(Outcome::value(&statuses))
}

/// `setSelfStatusParam`.
#[derive(Deserialize)]
struct SelfStatusParam {
    status: status_set_self::Request,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

pub(crate) async fn set_self_status(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: SelfStatusParam = parse("TIMSetSelfStatus", params)?;
    let client = session.client()?;
    client.call(&param.status).await?;
    Ok(Outcome::empty())
}

pub(crate) async fn subscribe_status(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: IdArrayParam = parse("TIMSubscribeUserStatus", params)?;
    let client = session.client()?;
    client.call(&status_subscribe::Request { user_id_list: param.id_array }).await?;
    Ok(Outcome::empty())
}

pub(crate) async fn unsubscribe_status(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: IdArrayParam = parse("TIMUnsubscribeUserStatus", params)?;
    let client = session.client()?;
    client.call(&status_unsubscribe::Request { user_id_list: param.id_array }).await?;
    Ok(Outcome::empty())
}

// ---------------------------------------------------------------------------------------------
// Base methods

/// `TIMLoginStatus`: logged in.
const LOGINED: u32 = 1;
/// `TIMLoginStatus`: not logged in.
const UNLOGINED: u32 = 3;

/// `TIMGetLoginStatus`: TIM's `TIMLoginStatus` as a number in `json_param`.
pub(crate) fn login_status(session: &Arc<Session>) -> Result<Outcome, ApiError> {
    let status = if session.client().is_ok() { LOGINED } else { UNLOGINED };
    Ok(Outcome::value(&status))
}

/// `TIMGetLoginUserID`: the user in `json_param`, `""` when no one is logged in.
pub(crate) fn login_user_id(session: &Arc<Session>) -> Result<Outcome, ApiError> {
    let user = session.client().map(|client| client.user_id().as_str().to_owned()).unwrap_or_default();
    Ok(Outcome::value(&user))
}

/// `TIMGetServerTime`: the server's clock in seconds, asked of the server; the device's own
/// clock when no one is logged in.
pub(crate) async fn server_time(session: &Arc<Session>) -> Result<Outcome, ApiError> {
    let time = match session.client() {
        Ok(client) => client.call(&ping::Request {}).await?.server_time,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|it| it.as_secs())
            .unwrap_or_default(),
    };
    Ok(Outcome::value(&time))
}

/// `TIMGetSDKVersion`: the package's version.
pub(crate) fn sdk_version() -> Result<Outcome, ApiError> {
    Ok(Outcome::value(&format!("tincan-im {}", env!("CARGO_PKG_VERSION"))))
}

/// `TIMSetConfigParam`.
#[derive(Deserialize)]
struct SetConfigParam {
    json_config: Map<String, Value>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

/// `TIMSetConfig`: the SDK's local settings (log levels, proxies); tincan keeps no log files
/// and connects directly, so a valid configuration is accepted and answered as set.
pub(crate) fn set_config(params: &str) -> Result<Outcome, ApiError> {
    let param: SetConfigParam = parse("TIMSetConfig", params)?;
    Ok(Outcome::value(&Value::Object(param.json_config)))
}

/// `callExperimentalAPIParam`.
#[derive(Deserialize)]
struct ExperimentalParam {
    json_param: ExperimentalInner,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

#[derive(Deserialize)]
struct ExperimentalInner {
    request_internal_operation: String,
    #[serde(flatten)]
    _rest: Map<String, Value>,
}

/// Operations that set something of TIM's own cloud or local storage, which a client of a
/// self-hosted server has no use for: accepted, with nothing to do.
const ACCEPTED_OPERATIONS: &[&str] = &[
    "internal_operation_set_ui_platform",
    "internal_operation_set_env",
    "internal_operation_set_ipv6_prior",
    "internal_operation_set_max_retry_count",
    "internal_operation_set_packet_request_timeout",
    "internal_operation_set_custom_server_info",
    "internal_operation_init_local_storage",
    "internal_operation_report_tuicomponent_usage",
    "internal_operation_write_log",
    "internal_operation_set_application_id",
    "internal_operation_set_ignore_repeat_login",
];

/// `callExperimentalAPI`: what a self-hosted server has. Settings of TIM's cloud and local
/// storage are accepted and change nothing; other operations are not supported (7013).
pub(crate) fn experimental(params: &str) -> Result<Outcome, ApiError> {
    let param: ExperimentalParam = parse("callExperimentalAPI", params)?;
    let operation = param.json_param.request_internal_operation;
    if ACCEPTED_OPERATIONS.contains(&operation.as_str()) {
        return Ok(Outcome::empty());
    }
    if operation == "internal_operation_is_commercial_ability_enabled" {
        // Everything a self-hosted server has is enabled.
        return Ok(Outcome::value(&json!(true).to_string()));
    }
    Err(ApiError::new(
        ErrorCode::INTERFACE_NOT_SUPPORT,
        format!("callExperimentalAPI: {operation:?} is not an operation a tincan server has"),
    ))
}
