//! `recentcontact`: a user's conversation list, as the administrator reads and changes it. The
//! changes are the user's own, made through the same operations as its devices', and reach
//! every device of the user.

mod delete;
mod get_list;

use serde_json::{Map, Value};
use tincan_engine::Engine;
use tincan_proto::{ApiError, ErrorCode};

use super::{Caller, answer, body_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::RECENT_INVALID_PARAMETERS;

pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "get_list" => answer(get_list::handle(engine, caller, body_as(body, INVALID)?).await),
        "delete" => answer(delete::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("recentcontact", command)),
    }
}
