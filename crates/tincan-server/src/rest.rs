//! The REST envelope of TIM's server API, and tincan's own admin commands in it.
//!
//! `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json` with a
//! JSON body; the answer is always HTTP 200 with `{"ActionStatus": "OK"|"FAIL", "ErrorCode": n,
//! "ErrorInfo": "..."}` plus the command's keys, as TIM answers.
//! `identifier` must be the app's administrator and `usersig` a valid UserSig for it.
//!
//! The `tincan` service holds commands TIM has no equivalent for (its console's settings):
//! `get_app`, `set_app_config`, `rotate_key`, `list_apps`, `create_app`, `set_receipt_privacy`,
//! `usersig` and `get_receipt_storage`; `docs/rest-api.md` lists them.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tincan_core::config::Plan;
use tincan_engine::{AppConfigChange, Engine};
use tincan_proto::{ApiError, ErrorCode, UserId};

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

/// Reads a command's body into its type, with TIM's 70402 naming what is wrong.
pub(crate) fn body_as<T: for<'de> Deserialize<'de>>(body: Map<String, Value>) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(body))
        .map_err(|err| ApiError::new(ErrorCode::REST_INVALID_PARAMETERS, format!("invalid request body: {err}")))
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
            "tincan" => tincan_command(&context.engine, &caller, &command, body).await,
            "im_open_login_svc" => login_command(&context.engine, &caller, &command, body).await,
            _ => Err(unknown(&service, &command)),
        }
    }
    .await;
    envelope(result)
}

fn unknown(service: &str, command: &str) -> ApiError {
    ApiError::new(ErrorCode::REST_BAD_URL, format!("/v4/{service}/{command} is not a command this server knows"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateAppBody {
    #[serde(rename = "SdkAppId", default)]
    sdkappid: Option<u64>,
    #[serde(rename = "Plan", default)]
    plan: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivacyBody {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "Private")]
    private: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserSigBody {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "Expire", default)]
    expire: Option<u64>,
}

#[derive(Deserialize)]
struct AccountImportBody {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "Nick", default)]
    _nick: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    _face_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptStorageBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
}

#[derive(Deserialize)]
struct KickBody {
    #[serde(rename = "UserID", alias = "Identifier")]
    user_id: String,
}

#[derive(Deserialize)]
struct MultiAccountImportBody {
    #[serde(rename = "Accounts")]
    accounts: Vec<String>,
}

/// Most accounts in one `multiaccount_import` (TIM: 100).
const IMPORT_ACCOUNTS_MAX: usize = 100;

/// TIM's `im_open_login_svc` commands.
async fn login_command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "account_import" => {
            let request: AccountImportBody = body_as(body)?;
            let user = UserId::parse(&request.user_id)?;
            engine.import_accounts(caller.sdkappid, &[user]).await?;
            Ok(Map::new())
        }
        "multiaccount_import" => {
            let request: MultiAccountImportBody = body_as(body)?;
            if request.accounts.len() > IMPORT_ACCOUNTS_MAX {
                return Err(ApiError::new(
                    ErrorCode::REST_INVALID_PARAMETERS,
                    format!(
                        "Accounts has {} entries; at most {IMPORT_ACCOUNTS_MAX} are allowed",
                        request.accounts.len()
                    ),
                ));
            }
            let mut valid = Vec::with_capacity(request.accounts.len());
            let mut failed = Vec::new();
            for account in &request.accounts {
                match UserId::parse(account) {
                    Ok(user) => valid.push(user),
                    Err(_) => failed.push(json!(account)),
                }
            }
            engine.import_accounts(caller.sdkappid, &valid).await?;
            Ok(fields(vec![("FailAccounts", Value::Array(failed))]))
        }
        "kick" => {
            let request: KickBody = body_as(body)?;
            let user = UserId::parse(&request.user_id)?;
            engine.kick_user(caller.sdkappid, &user);
            Ok(Map::new())
        }
        _ => Err(unknown("im_open_login_svc", command)),
    }
}

fn fields(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(key, value)| (key.to_owned(), value)).collect()
}

/// Whether the caller administers the server's first app, which manages the others.
fn require_root(engine: &Engine, caller: &Caller) -> Result<(), ApiError> {
    match engine.apps().first() {
        Some(root) if root.sdkappid == caller.sdkappid => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::ADMIN_REQUIRED,
            "only the administrator of the server's first app may manage other apps",
        )),
    }
}

async fn tincan_command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let app_json = |engine: &Engine| serde_json::to_value(engine.app_info(caller.sdkappid)).unwrap_or(Value::Null);
    match command {
        "get_app" => Ok(fields(vec![("App", app_json(engine))])),
        "set_app_config" => {
            let change: AppConfigChange = body_as(body)?;
            let app = engine.update_app_config(caller.sdkappid, &change).await?;
            Ok(fields(vec![("App", serde_json::to_value(app).unwrap_or(Value::Null))]))
        }
        "rotate_key" => {
            let key_file = engine.rotate_key(caller.sdkappid).await?;
            Ok(fields(vec![("KeyFile", json!(key_file.display().to_string()))]))
        }
        "list_apps" => {
            require_root(engine, caller)?;
            Ok(fields(vec![("Apps", serde_json::to_value(engine.apps()).unwrap_or(Value::Null))]))
        }
        "create_app" => {
            require_root(engine, caller)?;
            let request: CreateAppBody = body_as(body)?;
            let plan = match request.plan.as_deref() {
                None => Plan::Ultimate,
                Some(name) => Plan::parse(name).ok_or_else(|| {
                    ApiError::invalid_parameter(format!("plan {name:?} is not Standard, Pro or Ultimate"))
                })?,
            };
            let app = engine.create_app(request.sdkappid, None, plan).await?;
            let key_file = engine.key_file(app.sdkappid);
            Ok(fields(vec![
                ("App", serde_json::to_value(app).unwrap_or(Value::Null)),
                ("KeyFile", json!(key_file.display().to_string())),
            ]))
        }
        "set_receipt_privacy" => {
            let request: PrivacyBody = body_as(body)?;
            let user = UserId::parse(&request.user_id)?;
            engine.set_user_receipt_privacy(caller.sdkappid, &user, request.private).await?;
            Ok(Map::new())
        }
        "get_receipt_storage" => {
            let request: ReceiptStorageBody = body_as(body)?;
            let group_id = tincan_proto::GroupId::parse(&request.group_id)?;
            let bytes =
                engine.receipt_storage_bytes(caller.sdkappid, &group_id, request.msg_seq).await?.ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::GROUP_RECEIPT_NOT_FOUND,
                        format!("message seq {} has no receipt information", request.msg_seq),
                    )
                })?;
            Ok(fields(vec![("Bytes", json!(bytes))]))
        }
        "usersig" => {
            let request: UserSigBody = body_as(body)?;
            let user = UserId::parse(&request.user_id)?;
            let user_sig = engine.user_sig(caller.sdkappid, &user, request.expire.unwrap_or(86_400))?;
            Ok(fields(vec![("UserSig", json!(user_sig))]))
        }
        _ => Err(unknown("tincan", command)),
    }
}
