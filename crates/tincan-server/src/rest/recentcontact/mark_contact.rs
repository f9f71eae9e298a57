//! `POST /v4/recentcontact/mark_contact`: sets and clears a user's standard marks of
//! conversations (`SetMark`, `ClearMark`: bit numbers) and sets their custom marks
//! (`CustomMark`), as the user's own `conv_mark` and `conv_set_custom_data` do, on every device
//! of the user.
//!
//! The whole request is checked before anything changes; each conversation is then answered on
//! its own (a peer that is not an account, a group the user is not in, the 1,000 conversations
//! with marks).

use serde::{Deserialize, Serialize};
use tincan_engine::{Engine, Session};
use tincan_proto::api::{mark_conversations, set_conv_custom_data};
use tincan_proto::conv_manage::mark;
use tincan_proto::{ApiError, Conv, ErrorCode, UserId, limits};

use super::{Contact, ContactItem, INVALID, listed, outcome_of};
use crate::rest::{Caller, session_as};

/// `MarkItem`s in one request, at most (TIM's limit).
const MARK_ITEMS_MAX: usize = 100;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    user: UserId,
    #[serde(rename = "MarkItem")]
    items: Vec<MarkItem>,
}

/// What to set on one conversation.
#[derive(Deserialize)]
struct MarkItem {
    /// 1 standard marks, 2 the custom mark, 3 both.
    #[serde(rename = "OptType")]
    opt_type: u32,
    #[serde(rename = "ContactItem")]
    contact: ContactItem,
    #[serde(rename = "SetMark", default)]
    set_mark: Vec<u32>,
    #[serde(rename = "ClearMark", default)]
    clear_mark: Vec<u32>,
    #[serde(rename = "CustomMark")]
    custom_mark: Option<String>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ResultItem")]
    results: Vec<ResultItem>,
}

/// How one conversation went.
#[derive(Serialize)]
struct ResultItem {
    #[serde(rename = "OptType")]
    opt_type: u32,
    #[serde(rename = "ContactItem")]
    contact: Contact,
    #[serde(rename = "ResultCode")]
    code: u32,
    #[serde(rename = "ResultInfo")]
    info: String,
}

/// One item, checked.
struct Plan {
    opt_type: u32,
    conv: Conv,
    /// The mark values to set, then to clear.
    set: Vec<u64>,
    clear: Vec<u64>,
    custom: Option<String>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.items.is_empty() || body.items.len() > MARK_ITEMS_MAX {
        return Err(ApiError::new(
            INVALID,
            format!("MarkItem must hold 1 to {MARK_ITEMS_MAX} items, it holds {}", body.items.len()),
        ));
    }
    let plans: Vec<Plan> = body
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| plan(&format!("MarkItem[{index}]"), item))
        .collect::<Result<_, _>>()?;
    let session = session_as(engine, caller, Some(&body.user), false, ErrorCode::RECENT_ACCOUNT_NOT_FOUND).await?;
    let mut results = Vec::with_capacity(plans.len());
    for plan in plans {
        let (code, info) = match apply(engine, &session, &plan).await {
            Ok(()) => (0, String::new()),
            Err(err) => (err.code.0, err.desc),
        };
        results.push(ResultItem { opt_type: plan.opt_type, contact: Contact::of(&plan.conv), code, info });
    }
    Ok(Answer { results })
}

/// Checks one item (50002 naming what is wrong).
fn plan(key: &str, item: &MarkItem) -> Result<Plan, ApiError> {
    let (standard, custom) = match item.opt_type {
        1 => (true, false),
        2 => (false, true),
        3 => (true, true),
        other => {
            return Err(ApiError::new(
                INVALID,
                format!("{key}.OptType {other} is not 1 (standard marks), 2 (custom mark) or 3 (both)"),
            ));
        }
    };
    let conv = item.contact.conv(&format!("{key}.ContactItem"))?;
    let values = |bits: &[u32], name: &str| -> Result<Vec<u64>, ApiError> {
        bits.iter()
            .map(|&bit| match 1u64.checked_shl(bit) {
                Some(value) if mark::is_valid(value) => Ok(value),
                _ => Err(ApiError::new(
                    INVALID,
                    format!(
                        "{key}.{name}: bit {bit} is not a standard mark (0 to 3 are TIM's star, unread, fold and hide; 32 to 63 are the app's)"
                    ),
                )),
            })
            .collect()
    };
    let (set, clear) = if standard {
        let set = values(&item.set_mark, "SetMark")?;
        let clear = values(&item.clear_mark, "ClearMark")?;
        if set.is_empty() && clear.is_empty() {
            return Err(ApiError::new(INVALID, format!("{key}: OptType {} needs SetMark or ClearMark", item.opt_type)));
        }
        if let Some(both) = set.iter().find(|value| clear.contains(value)) {
            return Err(ApiError::new(
                INVALID,
                format!("{key}: bit {} is both in SetMark and in ClearMark", both.trailing_zeros()),
            ));
        }
        (set, clear)
    } else {
        (Vec::new(), Vec::new())
    };
    let custom = if custom {
        let Some(text) = &item.custom_mark else {
            return Err(ApiError::new(INVALID, format!("{key}: OptType {} needs CustomMark", item.opt_type)));
        };
        if text.len() > limits::CONV_CUSTOM_DATA_BYTES_MAX {
            return Err(ApiError::new(
                INVALID,
                format!("{key}.CustomMark is {} bytes, more than {}", text.len(), limits::CONV_CUSTOM_DATA_BYTES_MAX),
            ));
        }
        Some(text.clone())
    } else {
        None
    };
    Ok(Plan { opt_type: item.opt_type, conv, set, clear, custom })
}

/// Sets one conversation's marks, then its custom mark; stops at the first failure, which only
/// the first change can meet (the conversation and the limit are the same for the rest).
async fn apply(engine: &Engine, session: &Session, plan: &Plan) -> Result<(), ApiError> {
    let marks = plan.set.iter().map(|value| (*value, true)).chain(plan.clear.iter().map(|value| (*value, false)));
    for (mark_type, enable_mark) in marks {
        let request =
            mark_conversations::Request { conversation_id_array: vec![listed(&plan.conv)], mark_type, enable_mark };
        let results = engine.call_op(session, request).await?.results;
        check(outcome_of(&results, &plan.conv))?;
    }
    if let Some(custom_data) = &plan.custom {
        let request = set_conv_custom_data::Request {
            conversation_id_array: vec![listed(&plan.conv)],
            custom_data: custom_data.clone(),
        };
        let results = engine.call_op(session, request).await?.results;
        check(outcome_of(&results, &plan.conv))?;
    }
    Ok(())
}

fn check((code, info): (u32, String)) -> Result<(), ApiError> {
    if code == 0 { Ok(()) } else { Err(ApiError::new(ErrorCode(code), info)) }
}
