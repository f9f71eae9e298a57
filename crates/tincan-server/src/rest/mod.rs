//! The REST envelope of TIM's server API.
//!
//! `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json` with a
//! JSON body; the answer is always HTTP 200 with `{"ActionStatus": "OK"|"FAIL", "ErrorCode": n,
//! "ErrorInfo": "..."}` plus the command's keys, as TIM answers.
//! `identifier` must be the app's administrator and `usersig` a valid UserSig for it.
//!
//! One module per service, routing to one module per command: `login` (`im_open_login_svc`),
//! `openim`, `group` (`group_open_http_svc`), `recentcontact`, `profile`, `sns`, `follow`, and `tincan` (tincan's own commands, TIM's console
//! settings). A command's module holds its `Body`, the request with TIM's keys and its
//! identifiers typed (one that is not an identifier fails the command with the service's code
//! for it, as the engine's would), its `Answer` with TIM's keys, and its `handle`, a thin
//! translation to engine calls. `docs/rest-api.md` lists every command.

mod follow;
mod group;
mod login;
mod msg_ext;
pub(crate) mod msgbody;
mod openim;
mod profile;
mod recentcontact;
mod sns;
mod tincan;

use std::collections::HashMap;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use crate::AppContext;
use crate::listen::BodyTimedOut;

/// A REST answer: the envelope plus the command's keys.
fn envelope(result: Result<Map<String, Value>, ApiError>) -> Json<Value> {
    let body = match result {
        Ok(fields) => {
            let mut body = Map::new();
            body.insert("ActionStatus".to_owned(), json!("OK"));
            body.insert("ErrorCode".to_owned(), json!(0));
            body.insert("ErrorInfo".to_owned(), json!(""));
            body.extend(fields);
            body
        }
        Err(error) => {
            let mut body = Map::new();
            body.insert("ActionStatus".to_owned(), json!("FAIL"));
            body.insert("ErrorCode".to_owned(), json!(error.code.0));
            body.insert("ErrorInfo".to_owned(), json!(error.desc));
            body
        }
    };
    Json(Value::Object(body))
}

/// The caller of a REST command, once its credentials are checked.
pub(crate) struct Caller {
    pub(crate) sdkappid: u64,
}

fn authenticate(engine: &Engine, query: &HashMap<String, String>) -> Result<Caller, ApiError> {
    let sdkappid_text = query
        .get("sdkappid")
        .ok_or_else(|| ApiError::new(ErrorCode::REST_MISSING_SDKAPPID, "the sdkappid query parameter is missing"))?;
    let sdkappid: u64 = sdkappid_text.parse().map_err(|_| {
        ApiError::new(ErrorCode::REST_INVALID_SDKAPPID, format!("sdkappid {sdkappid_text:?} is not a number"))
    })?;
    let identifier = query
        .get("identifier")
        .ok_or_else(|| ApiError::new(ErrorCode::REST_BAD_IDENTIFIER, "the identifier query parameter is missing"))?;
    let user_sig = query.get("usersig").map(String::as_str).unwrap_or_default();
    if user_sig.is_empty() {
        return Err(ApiError::new(ErrorCode::USERSIG_EMPTY, "the usersig query parameter is missing or empty"));
    }
    engine.verify_admin(sdkappid, identifier, user_sig)?;
    Ok(Caller { sdkappid })
}

fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(ErrorCode::REST_INVALID_JSON, "the request body must be a JSON object")),
        Err(err) => {
            Err(ApiError::new(ErrorCode::REST_INVALID_JSON, format!("the request body is not valid JSON: {err}")))
        }
    }
}

/// Reads a command's body into its type; a missing or mistyped key fails with the service's
/// code for invalid parameters (`invalid`) and a `desc` naming the key, and an identifier that
/// is not one with its own code (7003, 10015), which [`in_service_terms`] then translates as it
/// translates the engine's.
pub(crate) fn body_as<T: for<'de> Deserialize<'de>>(
    body: Map<String, Value>,
    invalid: ErrorCode,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(Value::Object(body)).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let (code, desc) = match ApiError::carried_by(&inner) {
            Some(carried) => (carried.code, carried.desc),
            None => (invalid, inner.to_string()),
        };
        if path == "." {
            ApiError::new(code, format!("invalid request body: {desc}"))
        } else {
            ApiError::new(code, format!("invalid request body: {path}: {desc}"))
        }
    })
}

/// A command's answer keys, from its `Answer`.
pub(crate) fn answer<T: Serialize>(result: Result<T, ApiError>) -> Result<Map<String, Value>, ApiError> {
    match serde_json::to_value(result?) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(other) => Err(internal(format!("a REST answer is not an object: {other}"))),
        Err(err) => Err(internal(format!("cannot encode a REST answer: {err}"))),
    }
}

/// An internal error: logged with its cause, answered without it.
fn internal(cause: String) -> ApiError {
    tracing::error!(%cause, "internal error");
    ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, "internal server error; the server log has the cause")
}

/// The items a profile change sets, as TIM's `ProfileItem` list (for the profile webhook).
pub(crate) fn profile_items(change: &tincan_proto::profile::ProfileChange) -> Vec<Value> {
    profile::items_of(change)
}

/// The answer of a command that answers nothing but the envelope.
#[derive(Serialize)]
pub(crate) struct Empty {}

/// One user's result in the relationship chain's and the follows' answers (TIM's `ResultItem`).
#[derive(Serialize)]
pub(crate) struct ResultItem {
    #[serde(rename = "To_Account")]
    pub(crate) to_account: String,
    #[serde(rename = "ResultCode")]
    pub(crate) result_code: u32,
    #[serde(rename = "ResultInfo")]
    pub(crate) result_info: String,
}

/// Reads a REST body of at most [`limits::REST_BODY_BYTES_MAX`] bytes. A larger one is read to
/// its end (up to [`limits::REST_BODY_DRAIN_BYTES_MAX`]) and discarded, so that its sender gets
/// the answer rather than a reset connection; a body that does not arrive within the
/// connection's time limit fails with 60008.
async fn read_body(service: &str, body: Body) -> Result<Vec<u8>, ApiError> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut bytes = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|err| {
            if BodyTimedOut::caused(&err) {
                ApiError::new(ErrorCode::REST_TIMEOUT, "the request body did not arrive in time")
            } else {
                ApiError::new(ErrorCode::REST_INVALID_JSON, format!("the request body could not be read: {err}"))
            }
        })?;
        let Ok(data) = frame.into_data() else { continue };
        total = total.saturating_add(data.len());
        if total <= limits::REST_BODY_BYTES_MAX {
            bytes.extend_from_slice(&data);
        } else {
            bytes = Vec::new();
            if total > limits::REST_BODY_DRAIN_BYTES_MAX {
                break;
            }
        }
    }
    if total > limits::REST_BODY_BYTES_MAX {
        let code = if service == "openim" { ErrorCode::OPENIM_BODY_TOO_LONG } else { ErrorCode::INVALID_PARAMETERS };
        let size = if total > limits::REST_BODY_DRAIN_BYTES_MAX {
            format!("over {} bytes", limits::REST_BODY_DRAIN_BYTES_MAX)
        } else {
            format!("{total} bytes")
        };
        return Err(ApiError::new(
            code,
            format!("the request body is {size}; the limit is {} bytes", limits::REST_BODY_BYTES_MAX),
        ));
    }
    Ok(bytes)
}

/// `POST /v4/{service}/{command}`.
pub(crate) async fn handle(
    State(context): State<AppContext>,
    Path((service, command)): Path<(String, String)>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    body: Body,
) -> Json<Value> {
    let result = async {
        // The body is read first, whatever else is wrong, so that the answer reaches the client.
        let body = read_body(&service, body).await?;
        let Query(query) = query.map_err(|rejection| {
            ApiError::new(ErrorCode::REST_BAD_URL, format!("the query string cannot be read: {rejection}"))
        })?;
        let caller = authenticate(&context.engine, &query)?;
        let body = parse_body(&body)?;
        match service.as_str() {
            "tincan" => tincan::command(&context.engine, &caller, &command, body).await,
            "im_open_login_svc" => login::command(&context.engine, &caller, &command, body).await,
            "group_open_http_svc" => group::command(&context.engine, &caller, &command, body).await,
            "group_open_attr_http_svc" => group::attr_command(&context.engine, &caller, &command, body).await,
            "openim" => openim::command(&context.engine, &caller, &command, body).await,
            "recentcontact" => recentcontact::command(&context.engine, &caller, &command, body).await,
            "profile" => profile::command(&context.engine, &caller, &command, body).await,
            "sns" => sns::command(&context.engine, &caller, &command, body).await,
            "follow" => follow::command(&context.engine, &caller, &command, body).await,
            "openim_msg_ext_http_svc" => msg_ext::command(&context.engine, &caller, &command, body).await,
            _ => Err(unknown(&service, &command)),
        }
    }
    .await;
    envelope(result.map_err(|err| in_service_terms(&service, err)))
}

/// Client-protocol codes the engine returns, in the REST service's own terms: a bad parameter
/// is the service's invalid-parameter code, and a plan without the feature is 60020, as TIM's
/// REST API answers them. The `desc` stays as the engine wrote it.
fn in_service_terms(service: &str, err: ApiError) -> ApiError {
    let invalid = match service {
        "group_open_http_svc" | "group_open_attr_http_svc" => ErrorCode::GROUP_INVALID_PARAMETERS,
        "openim" => ErrorCode::OPENIM_INVALID_JSON,
        "recentcontact" => ErrorCode::RECENT_INVALID_PARAMETERS,
        "profile" => ErrorCode::PROFILE_INVALID_PARAMETERS,
        "sns" | "follow" => ErrorCode::FRIEND_INVALID_PARAMETERS,
        _ => ErrorCode::REST_INVALID_PARAMETERS,
    };
    let code = match err.code {
        ErrorCode::INVALID_PARAMETERS | ErrorCode::INVALID_IDENTIFIER | ErrorCode::INVALID_JSON => invalid,
        ErrorCode::INVALID_MSG_ELEM if service == "openim" => ErrorCode::OPENIM_INVALID_MSG_BODY,
        ErrorCode::INVALID_MSG_ELEM => invalid,
        ErrorCode::INTERFACE_NOT_SUPPORT => ErrorCode::REST_PACKAGE_NOT_PURCHASED,
        other => other,
    };
    ApiError::new(code, err.desc)
}

pub(crate) fn unknown(service: &str, command: &str) -> ApiError {
    ApiError::new(ErrorCode::REST_BAD_URL, format!("/v4/{service}/{command} is not a command this server knows"))
}

/// A REST session acting as `user` (the app's administrator when `None`), with the
/// administrator's rights when `as_admin`; `missing` is the service's code for an account that
/// does not exist.
pub(crate) async fn session_as(
    engine: &Engine,
    caller: &Caller,
    user: Option<&UserId>,
    as_admin: bool,
    missing: ErrorCode,
) -> Result<tincan_engine::Session, ApiError> {
    engine
        .rest_session(caller.sdkappid, user, as_admin)
        .await
        .map_err(|err| if err.code == ErrorCode::ACCOUNT_NOT_FOUND { ApiError::new(missing, err.desc) } else { err })
}

/// A REST flag that is 0 or 1 (absent is 0); another value fails with `invalid` naming `key`.
pub(crate) fn flag(key: &str, value: Option<u32>, invalid: ErrorCode) -> Result<bool, ApiError> {
    match value.unwrap_or(0) {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(ApiError::new(invalid, format!("{key} {other} is not 0 or 1"))),
    }
}

/// Whether a REST send leaves its message out of unread counts (`SendMsgControl` with
/// `NoUnread`).
pub(crate) fn excluded_from_unread(controls: Option<&[String]>) -> bool {
    controls.unwrap_or_default().iter().any(|control| control == "NoUnread")
}

/// Which message webhooks a REST send skips (`ForbidCallbackControl`): before-send, after-send.
pub(crate) fn forbidden_callbacks(controls: Option<&[String]>) -> (bool, bool) {
    let controls = controls.unwrap_or_default();
    let has = |name: &str| controls.iter().any(|control| control == name);
    (has("ForbidBeforeSendMsgCallback"), has("ForbidAfterSendMsgCallback"))
}
