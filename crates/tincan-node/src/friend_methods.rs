//! TIM's relationship chain methods (`TIMFriendship*`): friends, friend requests, friend
//! groups, the blocklist and friend search, each a call of the operation of the same name.

use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use tincan_proto::api::{
    Operation, blocklist_add, blocklist_delete, blocklist_get, friend_add, friend_check, friend_delete,
    friend_delete_pendency, friend_get_info, friend_get_list, friend_get_pendency_list, friend_group_create,
    friend_group_delete, friend_group_get, friend_group_modify, friend_handle_request, friend_modify,
    friend_report_pendency_read, friend_search,
};
use tincan_proto::{ApiError, UserId};

use crate::methods::Outcome;
use crate::params::parse;
use crate::session::Session;

/// TIM's `{params, user_data}` parameter objects.
#[derive(Deserialize)]
struct Params<T> {
    params: T,
}

/// `HandleFriendAddParams`: TIM's Electron typings spell the keys `friend_respone_*`; the
/// native keys (`friend_response_*`) are read too.
#[derive(Deserialize)]
struct Response {
    #[serde(alias = "friend_respone_identifier")]
    friend_response_identifier: UserId,
    #[serde(alias = "friend_respone_action", default)]
    friend_response_action: u32,
    #[serde(alias = "friend_respone_remark", default)]
    friend_response_remark: String,
    #[serde(alias = "friend_respone_group_name", default)]
    friend_response_group_name: String,
}

/// `ReportPendencyReadedParams`: `{timestamp, user_data}`.
#[derive(Deserialize)]
struct ReadParam {
    #[serde(default)]
    timestamp: u64,
}

/// Runs `method` if it is one of this module's; `None` if not.
pub(crate) async fn call(session: &Arc<Session>, method: &str, params: &str) -> Option<Result<Outcome, ApiError>> {
    Some(match method {
        "TIMFriendshipGetFriendProfileList" => {
            run(session, friend_get_list::Request {}).await.map(|it| Outcome::text_and_value(&it.friends))
        }
        "TIMFriendshipAddFriend" => {
            with_params::<friend_add::Request>(session, method, params).await.map(|it| Outcome::text_and_value(&it))
        }
        "TIMFriendshipDeleteFriend" => with_params::<friend_delete::Request>(session, method, params)
            .await
            .map(|it| Outcome::text_and_value(&it.results)),
        "TIMFriendshipModifyFriendProfile" => {
            with_params::<friend_modify::Request>(session, method, params).await.map(|_| Outcome::empty())
        }
        "TIMFriendshipCheckFriendType" => with_params::<friend_check::Request>(session, method, params)
            .await
            .map(|it| Outcome::text_and_value(&it.results)),
        "TIMFriendshipGetFriendsInfo" => match users(method, params) {
            Ok(users) => run(session, friend_get_info::Request { friend_id_list: users })
                .await
                .map(|it| Outcome::text_and_value(&it.results)),
            Err(err) => Err(err),
        },
        "TIMFriendshipSearchFriends" => with_params::<friend_search::Request>(session, method, params)
            .await
            .map(|it| Outcome::text_and_value(&it.friends)),
        "TIMFriendshipGetPendencyList" => with_params::<friend_get_pendency_list::Request>(session, method, params)
            .await
            .map(|it| Outcome::text_and_value(&it)),
        "TIMFriendshipHandleFriendAddRequest" => handle_request(session, params).await,
        "TIMFriendshipDeletePendency" => with_params::<friend_delete_pendency::Request>(session, method, params)
            .await
            .map(|it| Outcome::text_and_value(&it.results)),
        "TIMFriendshipReportPendencyReaded" => match parse::<ReadParam>(method, params) {
            Ok(param) => run(session, friend_report_pendency_read::Request { time_stamp: param.timestamp })
                .await
                .map(|_| Outcome::empty()),
            Err(err) => Err(err),
        },
        "TIMFriendshipAddToBlackList" => match users(method, params) {
            Ok(users) => run(session, blocklist_add::Request { user_id_list: users })
                .await
                .map(|it| Outcome::text_and_value(&it.results)),
            Err(err) => Err(err),
        },
        "TIMFriendshipDeleteFromBlackList" => match users(method, params) {
            Ok(users) => run(session, blocklist_delete::Request { user_id_list: users })
                .await
                .map(|it| Outcome::text_and_value(&it.results)),
            Err(err) => Err(err),
        },
        "TIMFriendshipGetBlackList" => {
            run(session, blocklist_get::Request {}).await.map(|it| Outcome::text_and_value(&it.blocked))
        }
        "TIMFriendshipCreateFriendGroup" => with_params::<friend_group_create::Request>(session, method, params)
            .await
            .map(|it| Outcome::text_and_value(&it.results)),
        "TIMFriendshipDeleteFriendGroup" => match names(method, params) {
            Ok(names) => run(session, friend_group_delete::Request { friend_group_name_array: names })
                .await
                .map(|_| Outcome::empty()),
            Err(err) => Err(err),
        },
        "TIMFriendshipModifyFriendGroup" => with_params::<friend_group_modify::Request>(session, method, params)
            .await
            .map(|it| Outcome::text_and_value(&it.results)),
        "TIMFriendshipGetFriendGroupList" => match names(method, params) {
            Ok(names) => run(session, friend_group_get::Request { friend_group_name_array: names })
                .await
                .map(|it| Outcome::text_and_value(&it.groups)),
            Err(err) => Err(err),
        },
        _ => return None,
    })
}

async fn run<R: Operation>(session: &Arc<Session>, request: R) -> Result<R::Response, ApiError> {
    session.client()?.call(&request).await
}

async fn with_params<R: Operation + DeserializeOwned>(
    session: &Arc<Session>,
    method: &str,
    params: &str,
) -> Result<R::Response, ApiError> {
    let param: Params<R> = parse(method, params)?;
    run(session, param.params).await
}

/// `FriendshipStringArrayParams` of user IDs: `{params: [...], user_data}`.
fn users(method: &str, params: &str) -> Result<Vec<UserId>, ApiError> {
    Ok(parse::<Params<Vec<UserId>>>(method, params)?.params)
}

/// `FriendshipStringArrayParams` of friend group names; left out, all groups.
fn names(method: &str, params: &str) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Names {
        #[serde(default)]
        params: Vec<String>,
    }
    Ok(parse::<Names>(method, params)?.params)
}

async fn handle_request(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: Params<Response> = parse("TIMFriendshipHandleFriendAddRequest", params)?;
    let response = param.params;
    let request = friend_handle_request::Request {
        friend_response_identifier: response.friend_response_identifier,
        friend_response_action: response.friend_response_action,
        friend_response_remark: response.friend_response_remark,
        friend_response_group_name: response.friend_response_group_name,
    };
    Ok(Outcome::text_and_value(&run(session, request).await?))
}
