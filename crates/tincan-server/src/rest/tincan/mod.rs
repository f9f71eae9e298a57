//! `tincan`: tincan's own commands, the settings TIM keeps in its web console.
//!
//! Bodies refuse keys they do not know, since a misspelt setting would otherwise be ignored.

mod create_app;
mod get_app;
mod get_receipt_storage;
mod get_stats;
mod list_accounts;
mod list_apps;
mod rotate_key;
mod set_app_config;
mod set_receipt_privacy;
mod transfer_root;
mod usersig;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tincan_engine::{AppInfo, Engine};
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::{Caller, answer, body_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::REST_INVALID_PARAMETERS;

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    // The root app's commands are refused to anyone else before their body is read.
    if matches!(command, "list_apps" | "create_app" | "transfer_root") {
        require_root(engine, caller)?;
    }
    match command {
        "get_app" => answer(get_app::handle(engine, caller, body_as(body, INVALID)?)),
        "set_app_config" => answer(set_app_config::handle(engine, caller, body_as(body, INVALID)?).await),
        "rotate_key" => answer(rotate_key::handle(engine, caller, body_as(body, INVALID)?).await),
        "list_apps" => answer(list_apps::handle(engine, caller, body_as(body, INVALID)?)),
        "create_app" => answer(create_app::handle(engine, caller, body_as(body, INVALID)?).await),
        "transfer_root" => answer(transfer_root::handle(engine, caller, body_as(body, INVALID)?).await),
        "set_receipt_privacy" => answer(set_receipt_privacy::handle(engine, caller, body_as(body, INVALID)?).await),
        "usersig" => answer(usersig::handle(engine, caller, body_as(body, INVALID)?)),
        "get_receipt_storage" => answer(get_receipt_storage::handle(engine, caller, body_as(body, INVALID)?).await),
        "list_accounts" => answer(list_accounts::handle(engine, caller, body_as(body, INVALID)?)),
        "get_stats" => answer(get_stats::handle(engine, caller, body_as(body, INVALID)?)),
        _ => Err(unknown("tincan", command)),
    }
}

/// Whether the caller administers the root app, which manages the others.
fn require_root(engine: &Engine, caller: &Caller) -> Result<(), ApiError> {
    if engine.is_root(caller.sdkappid) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::ADMIN_REQUIRED, "only the administrator of the root app may manage other apps"))
    }
}

/// An app as `App` and `Apps` show it (never with its key).
#[derive(Serialize)]
struct AppJson {
    sdkappid: u64,
    admin_identifier: UserId,
    plan: String,
    receipt_group_types: Vec<String>,
    receipt_coalesce_window_ms: u32,
    receipt_group_members_max: u32,
    callback_url: String,
    callback_commands: Vec<String>,
    c2c_requires_friendship: bool,
    blocked_send_fails: bool,
    revoke_time_limit_secs: u32,
    created_at: u64,
    root: bool,
}

impl From<AppInfo> for AppJson {
    fn from(app: AppInfo) -> AppJson {
        AppJson {
            sdkappid: app.sdkappid,
            admin_identifier: app.admin_identifier,
            plan: app.plan,
            receipt_group_types: app.receipt_group_types,
            receipt_coalesce_window_ms: app.receipt_coalesce_window_ms,
            receipt_group_members_max: app.receipt_group_members_max,
            callback_url: app.callback_url,
            callback_commands: app.callback_commands,
            c2c_requires_friendship: app.c2c_requires_friendship,
            blocked_send_fails: app.blocked_send_fails,
            revoke_time_limit_secs: app.revoke_time_limit_secs,
            created_at: app.created_at,
            root: app.root,
        }
    }
}

/// The body of a command that takes none: whatever is sent is not read.
#[derive(Deserialize)]
struct NoBody {}
