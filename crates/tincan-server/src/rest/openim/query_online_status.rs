//! `POST /v4/openim/query_online_status` (and its older name, `querystate`): whether accounts
//! are online, and on which platforms; one that is not an account, an entry that is not an
//! identifier included, is answered in `ErrorList`.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{AccountFailed, INVALID};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "To_Account")]
    users: Vec<ListedId<UserId>>,
    #[serde(rename = "IsNeedDetail", default)]
    need_detail: Option<u32>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "QueryResult")]
    query_result: Vec<Online>,
    #[serde(rename = "ErrorList")]
    error_list: Vec<AccountFailed>,
}

/// An account's state. TIM's documentation writes the status as `Status`; its older
/// `querystate` answer and its English documentation as `State`. Clients read one or the other:
/// both go out.
#[derive(Serialize)]
struct Online {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "Status")]
    status: &'static str,
    #[serde(rename = "State")]
    state: &'static str,
    /// With `IsNeedDetail` 1: each device online.
    #[serde(rename = "Detail", skip_serializing_if = "Option::is_none")]
    detail: Option<Vec<PlatformOnline>>,
}

#[derive(Serialize)]
struct PlatformOnline {
    #[serde(rename = "Platform")]
    platform: &'static str,
    #[serde(rename = "Status")]
    status: &'static str,
}

/// TIM's REST name of a `TIMPlatform`.
fn platform_name(platform: u32) -> &'static str {
    match platform {
        1 => "PC",
        2 => "Android",
        3 => "iPhone",
        4 => "Mac",
        5 => "iPad",
        _ => "Web",
    }
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.users.is_empty() || body.users.len() > limits::ONLINE_QUERY_ACCOUNTS_MAX_REST {
        return Err(ApiError::new(
            INVALID,
            format!(
                "To_Account has {} entries; between 1 and {} are allowed",
                body.users.len(),
                limits::ONLINE_QUERY_ACCOUNTS_MAX_REST
            ),
        ));
    }
    let mut query_result = Vec::new();
    let mut error_list = Vec::new();
    for listed in &body.users {
        let user = match listed.valid() {
            Ok(user) if engine.account_exists(caller.sdkappid, user) => user,
            _ => {
                let error_code = ErrorCode::ACCOUNT_NOT_FOUND.0;
                error_list.push(AccountFailed { to_account: listed.as_str().to_owned(), error_code });
                continue;
            }
        };
        let platforms = engine.online_platforms(caller.sdkappid, user);
        let status = if platforms.is_empty() { "Offline" } else { "Online" };
        let detail = (body.need_detail == Some(1)).then(|| {
            platforms
                .iter()
                .map(|platform| PlatformOnline { platform: platform_name(*platform), status: "Online" })
                .collect()
        });
        query_result.push(Online { to_account: listed.as_str().to_owned(), status, state: status, detail });
    }
    Ok(Answer { query_result, error_list })
}
