//! `POST /v4/recentcontact/create_contact_group`: creates one conversation group of a user with
//! conversations in it, as the user's own `conv_group_create` does, on every device of the user.
//!
//! TIM takes one group per request; the group is created even when none of its conversations
//! could be added, each answered on its own.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::create_conv_group;
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{Contact, ContactItem, GroupItem, INVALID, convs_of, group_id_of, group_names, listed, outcome_of};
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    user: UserId,
    #[serde(rename = "GroupContactItem")]
    groups: Vec<GroupContactItem>,
}

/// A group to create.
#[derive(Deserialize)]
struct GroupContactItem {
    #[serde(rename = "GroupName")]
    name: String,
    #[serde(rename = "ContactItem", default)]
    contacts: Vec<ContactItem>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupResultItem")]
    groups: Vec<GroupResultItem>,
}

/// The group created, and how each of its conversations went.
#[derive(Serialize)]
struct GroupResultItem {
    #[serde(rename = "GroupItem")]
    group: GroupItem,
    #[serde(rename = "ResultItem")]
    results: Vec<ResultItem>,
}

/// How one conversation went.
#[derive(Serialize)]
struct ResultItem {
    #[serde(rename = "ContactItem")]
    contact: Contact,
    #[serde(rename = "ResultCode")]
    code: u32,
    #[serde(rename = "ResultInfo")]
    info: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let [group] = <[GroupContactItem; 1]>::try_from(body.groups).map_err(|groups| {
        ApiError::new(INVALID, format!("GroupContactItem must hold one group, it holds {}", groups.len()))
    })?;
    if group.contacts.len() > limits::CONV_IDS_PER_CALL_MAX {
        return Err(ApiError::new(
            INVALID,
            format!(
                "GroupContactItem[0].ContactItem holds {} conversations, more than {}",
                group.contacts.len(),
                limits::CONV_IDS_PER_CALL_MAX
            ),
        ));
    }
    let convs = convs_of(&group.contacts, "GroupContactItem[0].ContactItem")?;
    let session = session_as(engine, caller, Some(&body.user), false, ErrorCode::RECENT_ACCOUNT_NOT_FOUND).await?;
    let request = create_conv_group::Request {
        group_name: group.name.clone(),
        conversation_id_array: convs.iter().map(listed).collect(),
    };
    let answered = engine.call_op(&session, request).await?.results;
    let names = group_names(engine, &session).await?;
    let results = convs
        .iter()
        .map(|conv| {
            let (code, info) = outcome_of(&answered, conv);
            ResultItem { contact: Contact::of(conv), code, info }
        })
        .collect();
    let id = group_id_of(&names, &group.name).unwrap_or(0);
    Ok(Answer { groups: vec![GroupResultItem { group: GroupItem { name: group.name, id }, results }] })
}
