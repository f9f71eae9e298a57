//! The REST envelope of TIM's server API.
//!
//! `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json` with a
//! JSON body; the answer is always HTTP 200 with `{"ActionStatus": "OK"|"FAIL", "ErrorCode": n,
//! "ErrorInfo": "..."}` plus the command's keys, as TIM answers.
//! `identifier` must be the app's administrator and `usersig` a valid UserSig for it.
//!
//! One module per service, each a thin translation between TIM's REST keys and the engine:
//! `login` (`im_open_login_svc`), `group` (`group_open_http_svc`), and `tincan` (tincan's own
//! commands, TIM's console settings). `docs/rest-api.md` lists every command.

mod group;
mod login;
mod tincan;

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode};

use crate::AppContext;

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

fn parse_body(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
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
/// code for invalid parameters (`invalid`) and a `desc` naming the key.
pub(crate) fn body_as<T: for<'de> Deserialize<'de>>(
    body: Map<String, Value>,
    invalid: ErrorCode,
) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(body))
        .map_err(|err| ApiError::new(invalid, format!("invalid request body: {err}")))
}

/// `POST /v4/{service}/{command}`.
pub(crate) async fn handle(
    State(context): State<AppContext>,
    Path((service, command)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Json<Value> {
    let result = async {
        let caller = authenticate(&context.engine, &query)?;
        let body = parse_body(&body)?;
        match service.as_str() {
            "tincan" => tincan::command(&context.engine, &caller, &command, body).await,
            "im_open_login_svc" => login::command(&context.engine, &caller, &command, body).await,
            "group_open_http_svc" => group::command(&context.engine, &caller, &command, body).await,
            _ => Err(unknown(&service, &command)),
        }
    }
    .await;
    envelope(result)
}

pub(crate) fn unknown(service: &str, command: &str) -> ApiError {
    ApiError::new(ErrorCode::REST_BAD_URL, format!("/v4/{service}/{command} is not a command this server knows"))
}

/// The command's answer keys, from `(key, value)` pairs.
pub(crate) fn fields(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(key, value)| (key.to_owned(), value)).collect()
}
