//! Node-API addon behind the `tincan-im` npm package: TIM's Electron API over `tincan-sdk`.
//!
//! JavaScript calls a TIM method by name with the JSON text of TIM's parameter object, and gets
//! back the JSON text of TIM's result object (`code`, `desc`, `json_param`, `json_params`); the
//! JavaScript layer adds `user_data`, exactly as the app gave it, and settles the app's promise.
//! Pushed events leave in batches, already in the shapes of TIM's callbacks, for the JavaScript
//! layer to hand to the app's callbacks.
//!
//! The addon converts and nothing more: every rule of messaging lives in the server, and every
//! request goes through [`tincan_sdk::Client`].
//! No call throws into JavaScript and no promise it returns rejects; failures are TIM results
//! with a non-zero `code`.
//!
//! # Layout
//!
//! - `lib.rs`: the functions Node calls (`openSession`, `call`, `nextEvents`) and the registry of
//!   sessions.
//! - `session`: one SDK instance: its configuration, its client once logged in, its event queue.
//! - `methods`: one function per TIM method: parse TIM's parameters, call the SDK, shape TIM's
//!   result.
//! - `profiles`: TIM's profile and status methods and the base methods answered locally.
//! - `group_attribute_methods`: TIM's methods for group attributes and counters.
//!   result; `group_methods` holds the group methods past creating groups and changing members.
//! - `params`: parsing JSON parameters with a 6017 that names the offending field.
//! - `events`: pushed events in the shapes of TIM's callbacks.

mod events;
mod friend_methods;
mod group_attribute_methods;
mod group_methods;
mod methods;
mod params;
mod profiles;
mod session;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use napi_derive::napi;
use tincan_proto::{ApiError, ErrorCode};

use crate::methods::Outcome;
use crate::session::Session;

/// Every session opened in this process, by number.
static SESSIONS: LazyLock<Mutex<HashMap<u32, Arc<Session>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static NEXT_SESSION: AtomicU32 = AtomicU32::new(1);

fn session(id: u32) -> Option<Arc<Session>> {
    SESSIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&id).cloned()
}

/// Opens a new SDK instance (not initialised, not logged in) and returns its number.
#[napi]
pub fn open_session() -> u32 {
    let id = NEXT_SESSION.fetch_add(1, Ordering::Relaxed);
    SESSIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(id, Session::new());
    id
}

/// Runs one TIM method (`TIMLogin`, `TIMMsgGetMsgList`, ...) with the JSON text of its parameter
/// object; resolves to the JSON text of TIM's result object without `user_data`.
///
/// The promise always resolves; a failure is a result whose `code` is not 0.
#[napi]
pub async fn call(session_id: u32, method: String, params: String) -> String {
    let outcome = match session(session_id) {
        Some(session) => methods::call(&session, &method, &params).await,
        None => Outcome::failure(ApiError::new(ErrorCode::INVALID_OPERATION, format!("no session {session_id}"))),
    };
    outcome.to_json()
}

/// The TIM methods that run each operation of the protocol, as a JSON object from op name to
/// method names (an empty list for an operation TIM's Electron SDK has no method for); the
/// package's tests check that each is a method of `TimRender` that reaches the server.
#[napi]
pub fn operation_methods() -> String {
    let map: serde_json::Map<String, serde_json::Value> = tincan_proto::api::OpKind::ALL
        .iter()
        .map(|kind| (kind.name().to_owned(), serde_json::json!(methods::tim_methods(*kind))))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// Waits for pushed events and resolves to a JSON array of them, or to `null` once the session
/// is not logged in and every event has been delivered.
///
/// While a call is pending, Node keeps running, which is what keeps a logged-in app alive.
#[napi]
pub async fn next_events(session_id: u32) -> Option<String> {
    let session = session(session_id)?;
    session.next_events().await
}
