//! `sns`: the relationship chain, TIM's 15 commands: friends added, imported, updated, deleted,
//! checked and read; the blocklist; friend groups.
//!
//! Every command acts as its `From_Account` (which must exist, 30003) through the same engine
//! calls as the client protocol, so that the rules, the pushes to both sides' devices and the
//! `Sns.*` webhooks are the same. Lists of users are answered item by item (`ResultItem`, with
//! `Fail_Account` naming those that failed), as TIM answers them.

mod black_list_add;
mod black_list_check;
mod black_list_delete;
mod black_list_get;
mod friend_add;
mod friend_check;
mod friend_delete;
mod friend_delete_all;
mod friend_get;
mod friend_get_list;
mod friend_import;
mod friend_update;
mod group_add;
mod group_delete;
mod group_get;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tincan_engine::{Engine, Session};
use tincan_proto::friendship::{FriendProfile, FriendResult};
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{Caller, ResultItem, answer, body_as, session_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::FRIEND_INVALID_PARAMETERS;

/// TIM's `sns` commands.
pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "friend_add" => answer(friend_add::handle(engine, caller, body_as(body, INVALID)?).await),
        "friend_import" => answer(friend_import::handle(engine, caller, body_as(body, INVALID)?).await),
        "friend_update" => answer(friend_update::handle(engine, caller, body_as(body, INVALID)?).await),
        "friend_delete" => answer(friend_delete::handle(engine, caller, body_as(body, INVALID)?).await),
        "friend_delete_all" => answer(friend_delete_all::handle(engine, caller, body_as(body, INVALID)?).await),
        "friend_check" => answer(friend_check::handle(engine, caller, body_as(body, INVALID)?).await),
        "friend_get" => answer(friend_get::handle(engine, caller, body_as(body, INVALID)?).await),
        "friend_get_list" => answer(friend_get_list::handle(engine, caller, body_as(body, INVALID)?).await),
        "black_list_add" => answer(black_list_add::handle(engine, caller, body_as(body, INVALID)?).await),
        "black_list_delete" => answer(black_list_delete::handle(engine, caller, body_as(body, INVALID)?).await),
        "black_list_get" => answer(black_list_get::handle(engine, caller, body_as(body, INVALID)?).await),
        "black_list_check" => answer(black_list_check::handle(engine, caller, body_as(body, INVALID)?).await),
        "group_add" => answer(group_add::handle(engine, caller, body_as(body, INVALID)?).await),
        "group_delete" => answer(group_delete::handle(engine, caller, body_as(body, INVALID)?).await),
        "group_get" => answer(group_get::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("sns", command)),
    }
}

/// A session acting as `From_Account`.
async fn session_of(engine: &Engine, caller: &Caller, from: &UserId) -> Result<Session, ApiError> {
    session_as(engine, caller, Some(from), false, ErrorCode::FRIEND_ACCOUNT_NOT_FOUND).await
}

/// Refuses a list of users that is empty or too long.
fn check_users(field: &str, n: usize) -> Result<(), ApiError> {
    if n == 0 || n > limits::FRIEND_USERS_PER_CALL_MAX {
        return Err(ApiError::new(
            INVALID,
            format!("{field} has {n} entries; between 1 and {} are allowed", limits::FRIEND_USERS_PER_CALL_MAX),
        ));
    }
    Ok(())
}

/// A check's request, the same for friends and the blocklist: whose lists, of which users, one
/// way or both (`CheckType`, named by the `single` and `both` values the command takes).
#[derive(Deserialize)]
struct CheckBody {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "To_Account")]
    to_account: Vec<UserId>,
    #[serde(rename = "CheckType")]
    check_type: String,
}

impl CheckBody {
    /// Whether the check goes both ways; refuses a `CheckType` that is neither value.
    fn both(&self, single: &str, both: &str) -> Result<bool, ApiError> {
        check_users("To_Account", self.to_account.len())?;
        match self.check_type.as_str() {
            it if it == both => Ok(true),
            it if it == single => Ok(false),
            other => Err(ApiError::new(INVALID, format!("CheckType {other:?}: {single} or {both}"))),
        }
    }
}

/// One user's relation in a check's answer (`InfoItem`, `BlackListCheckItem`).
#[derive(Serialize)]
struct CheckItem {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "Relation")]
    relation: &'static str,
    #[serde(rename = "ResultCode")]
    result_code: u32,
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

/// Results item by item, and the users that failed.
#[derive(Serialize)]
struct Results {
    #[serde(rename = "ResultItem")]
    result_item: Vec<ResultItem>,
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
}

impl Results {
    fn of(results: Vec<FriendResult>) -> Results {
        let fail_account = results
            .iter()
            .filter(|it| it.friend_result_code != ErrorCode::SUCC)
            .map(|it| it.friend_result_identifier.clone())
            .collect();
        let result_item = results
            .into_iter()
            .map(|it| ResultItem {
                to_account: it.friend_result_identifier,
                result_code: it.friend_result_code.0,
                result_info: it.friend_result_desc,
            })
            .collect();
        Results { result_item, fail_account }
    }
}

pub(crate) const REMARK: &str = "Tag_SNS_IM_Remark";
pub(crate) const GROUP: &str = "Tag_SNS_IM_Group";
pub(crate) const ADD_SOURCE: &str = "Tag_SNS_IM_AddSource";
pub(crate) const ADD_WORDING: &str = "Tag_SNS_IM_AddWording";
pub(crate) const ADD_TIME: &str = "Tag_SNS_IM_AddTime";

/// A friend's fields as TIM's `{Tag, Value}` items: the `Tag_SNS_IM_*` fields, its custom
/// `Tag_SNS_Custom_*` fields, and `Tag_Profile_IM_Nick` and `Tag_Profile_IM_Image` from its
/// profile. With `tags`, only those named.
fn friend_items(friend: &FriendProfile, tags: Option<&[String]>) -> Vec<Value> {
    let profile = &friend.friend_profile_user_profile;
    let mut items = vec![
        (REMARK.to_owned(), json!(friend.friend_profile_remark)),
        (GROUP.to_owned(), json!(friend.friend_profile_group_name_array)),
        (ADD_SOURCE.to_owned(), json!(friend.friend_profile_add_source)),
        (ADD_WORDING.to_owned(), json!(friend.friend_profile_add_wording)),
        (ADD_TIME.to_owned(), json!(friend.friend_profile_add_time)),
        ("Tag_Profile_IM_Nick".to_owned(), json!(profile.user_profile_nick_name)),
        ("Tag_Profile_IM_Image".to_owned(), json!(profile.user_profile_face_url)),
    ];
    for custom in &friend.friend_profile_custom_string_array {
        items.push((
            custom.friend_profile_custom_string_info_key.clone(),
            json!(custom.friend_profile_custom_string_info_value),
        ));
    }
    items
        .into_iter()
        .filter(|(tag, _)| tags.is_none_or(|tags| tags.contains(tag)))
        .map(|(tag, value)| json!({"Tag": tag, "Value": value}))
        .collect()
}
