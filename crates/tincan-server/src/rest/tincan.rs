//! `tincan`: tincan's own commands, the settings TIM keeps in its web console.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tincan_core::config::Plan;
use tincan_engine::{AppConfigChange, AppInfo, Engine};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{Caller, body_as, fields, unknown};

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

/// The body of `set_app_config`; absent keys stay as they are.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppConfigBody {
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    receipt_group_types: Option<Vec<String>>,
    #[serde(default)]
    receipt_coalesce_window_ms: Option<u32>,
    #[serde(default)]
    receipt_group_members_max: Option<u32>,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    callback_commands: Option<Vec<String>>,
}

impl From<AppConfigBody> for AppConfigChange {
    fn from(body: AppConfigBody) -> AppConfigChange {
        AppConfigChange {
            plan: body.plan,
            receipt_group_types: body.receipt_group_types,
            receipt_coalesce_window_ms: body.receipt_coalesce_window_ms,
            receipt_group_members_max: body.receipt_group_members_max,
            callback_url: body.callback_url,
            callback_commands: body.callback_commands,
        }
    }
}

/// An app as `App` and `Apps` show it (never with its key).
#[derive(Serialize)]
struct AppJson<'a> {
    sdkappid: u64,
    admin_identifier: &'a str,
    plan: &'a str,
    receipt_group_types: &'a [String],
    receipt_coalesce_window_ms: u32,
    receipt_group_members_max: u32,
    callback_url: &'a str,
    callback_commands: &'a [String],
    created_at: u64,
    root: bool,
}

/// `app` as JSON (`null` for none).
fn app_json(app: Option<&AppInfo>) -> Value {
    let Some(app) = app else { return Value::Null };
    let json = AppJson {
        sdkappid: app.sdkappid,
        admin_identifier: &app.admin_identifier,
        plan: &app.plan,
        receipt_group_types: &app.receipt_group_types,
        receipt_coalesce_window_ms: app.receipt_coalesce_window_ms,
        receipt_group_members_max: app.receipt_group_members_max,
        callback_url: &app.callback_url,
        callback_commands: &app.callback_commands,
        created_at: app.created_at,
        root: app.root,
    };
    serde_json::to_value(json).unwrap_or(Value::Null)
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
#[serde(deny_unknown_fields)]
struct ReceiptStorageBody {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferRootBody {
    #[serde(rename = "SdkAppId")]
    sdkappid: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListAccountsBody {
    #[serde(rename = "Prefix", default)]
    prefix: String,
    #[serde(rename = "Cursor", default)]
    cursor: String,
    #[serde(rename = "Limit", default)]
    limit: Option<usize>,
}

/// Whether the caller administers the root app, which manages the others.
fn require_root(engine: &Engine, caller: &Caller) -> Result<(), ApiError> {
    if engine.is_root(caller.sdkappid) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::ADMIN_REQUIRED, "only the administrator of the root app may manage other apps"))
    }
}

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let own_app = |engine: &Engine| app_json(engine.app_info(caller.sdkappid).as_ref());
    match command {
        "get_app" => Ok(fields(vec![("App", own_app(engine))])),
        "set_app_config" => {
            let change: AppConfigBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let change = AppConfigChange::from(change);
            let app = engine.update_app_config(caller.sdkappid, &change).await?;
            Ok(fields(vec![("App", app_json(Some(&app)))]))
        }
        "rotate_key" => {
            let key_file = engine.rotate_key(caller.sdkappid).await?;
            Ok(fields(vec![("KeyFile", json!(key_file.display().to_string()))]))
        }
        "list_apps" => {
            require_root(engine, caller)?;
            Ok(fields(vec![("Apps", Value::Array(engine.apps().iter().map(|app| app_json(Some(app))).collect()))]))
        }
        "create_app" => {
            require_root(engine, caller)?;
            let request: CreateAppBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let plan = match request.plan.as_deref() {
                None => Plan::Ultimate,
                Some(name) => Plan::parse(name).ok_or_else(|| {
                    ApiError::invalid_parameter(format!("plan {name:?} is not Standard, Pro or Ultimate"))
                })?,
            };
            let app = engine.create_app(request.sdkappid, None, plan).await?;
            let key_file = engine.key_file(app.sdkappid);
            Ok(fields(vec![("App", app_json(Some(&app))), ("KeyFile", json!(key_file.display().to_string()))]))
        }
        "transfer_root" => {
            require_root(engine, caller)?;
            let request: TransferRootBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let app = engine.transfer_root(caller.sdkappid, request.sdkappid).await?;
            Ok(fields(vec![("App", app_json(Some(&app)))]))
        }
        "set_receipt_privacy" => {
            let request: PrivacyBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let user = UserId::parse(&request.user_id)?;
            engine.set_user_receipt_privacy(caller.sdkappid, &user, request.private).await?;
            Ok(Map::new())
        }
        "get_receipt_storage" => {
            let request: ReceiptStorageBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
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
            let request: UserSigBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let user = UserId::parse(&request.user_id)?;
            let user_sig = engine.user_sig(caller.sdkappid, &user, request.expire.unwrap_or(86_400))?;
            Ok(fields(vec![("UserSig", json!(user_sig))]))
        }
        "list_accounts" => {
            let request: ListAccountsBody = body_as(body, ErrorCode::REST_INVALID_PARAMETERS)?;
            let limit = request.limit.unwrap_or(limits::ACCOUNTS_PAGE_DEFAULT_REST);
            if limit == 0 || limit > limits::ACCOUNTS_PAGE_MAX_REST {
                return Err(ApiError::invalid_parameter(format!(
                    "Limit {limit} must be between 1 and {}",
                    limits::ACCOUNTS_PAGE_MAX_REST
                )));
            }
            let (page, next) = engine.account_page(caller.sdkappid, &request.prefix, &request.cursor, limit)?;
            let accounts: Vec<Value> =
                page.iter().map(|account| json!({"UserID": account.user, "Online": account.online})).collect();
            Ok(fields(vec![("Accounts", Value::Array(accounts)), ("NextCursor", json!(next))]))
        }
        "get_stats" => {
            let (connections, online_users, messages, receipts) = engine.live_counts(caller.sdkappid);
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |it| it.as_millis() as u64);
            Ok(fields(vec![
                ("Connections", json!(connections)),
                ("OnlineUsers", json!(online_users)),
                ("MessagesTotal", json!(messages)),
                ("ReceiptsTotal", json!(receipts)),
                ("TimeMs", json!(now_ms)),
            ]))
        }
        _ => Err(unknown("tincan", command)),
    }
}
