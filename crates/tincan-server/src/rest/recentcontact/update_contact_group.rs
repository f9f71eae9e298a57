//! `POST /v4/recentcontact/update_contact_group`: renames one conversation group of a user
//! (`UpdateGroupType` 1) and adds conversations to it or takes them out (`ContactUpdateItem`,
//! with either type), as the user's own `conv_group_rename`, `conv_group_add` and
//! `conv_group_remove` do, on every device of the user.
//!
//! The request is checked before anything changes; the group must exist (51009), a new name
//! follow the rules of names (51011); each conversation is then answered on its own.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::{add_to_conv_group, remove_from_conv_group, rename_conv_group};
use tincan_proto::conv_manage::check_group_name;
use tincan_proto::{ApiError, ErrorCode, UserId, limits};

use super::{Contact, ContactItem, INVALID, group_id_of, group_names, listed, outcome_of};
use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    user: UserId,
    /// 1: a change to one group (the only kind TIM has).
    #[serde(rename = "UpdateType")]
    update_type: u32,
    #[serde(rename = "UpdateGroup")]
    update: UpdateGroup,
}

/// The change to the group.
#[derive(Deserialize)]
struct UpdateGroup {
    /// 1 renames the group, 2 changes its conversations only.
    #[serde(rename = "UpdateGroupType")]
    update_group_type: u32,
    #[serde(rename = "OldGroupName")]
    old_name: String,
    #[serde(rename = "NewGroupName")]
    new_name: Option<String>,
    #[serde(rename = "ContactUpdateItem", default)]
    contacts: Vec<ContactUpdateItem>,
}

/// One conversation to add or take out.
#[derive(Deserialize)]
struct ContactUpdateItem {
    /// 1 adds, 2 takes out.
    #[serde(rename = "ContactOptType")]
    opt_type: u32,
    #[serde(rename = "ContactItem")]
    contact: ContactItem,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "UpdateType")]
    update_type: u32,
    #[serde(rename = "UpdateGroupResult")]
    result: UpdateGroupResult,
}

/// The group after the change, and how each conversation went.
#[derive(Serialize)]
struct UpdateGroupResult {
    #[serde(rename = "UpdateGroupType")]
    update_group_type: u32,
    /// Its name now.
    #[serde(rename = "GroupName")]
    name: String,
    #[serde(rename = "GroupId")]
    id: u32,
    #[serde(rename = "OldGroupName")]
    old_name: String,
    #[serde(rename = "ContactResultItem")]
    results: Vec<ContactResultItem>,
}

/// How one conversation went.
#[derive(Serialize)]
struct ContactResultItem {
    #[serde(rename = "ContactOptType")]
    opt_type: u32,
    #[serde(rename = "ContactItem")]
    contact: Contact,
    #[serde(rename = "ResultCode")]
    code: u32,
    #[serde(rename = "ResultInfo")]
    info: String,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.update_type != 1 {
        return Err(ApiError::new(
            INVALID,
            format!("UpdateType {} is not 1 (a change to one conversation group)", body.update_type),
        ));
    }
    let update = body.update;
    let new_name = match (update.update_group_type, update.new_name) {
        (1, Some(new_name)) => Some(new_name),
        (1, None) => return Err(ApiError::new(INVALID, "UpdateGroupType 1 (rename) needs NewGroupName")),
        (2, _) => None,
        (other, _) => {
            return Err(ApiError::new(
                INVALID,
                format!("UpdateGroupType {other} is not 1 (rename the group) or 2 (change its conversations)"),
            ));
        }
    };
    if update.contacts.len() > limits::CONV_IDS_PER_CALL_MAX {
        return Err(ApiError::new(
            INVALID,
            format!(
                "ContactUpdateItem holds {} conversations, more than {}",
                update.contacts.len(),
                limits::CONV_IDS_PER_CALL_MAX
            ),
        ));
    }
    let mut changes = Vec::with_capacity(update.contacts.len());
    for (index, item) in update.contacts.iter().enumerate() {
        let key = format!("UpdateGroup.ContactUpdateItem[{index}]");
        if item.opt_type != 1 && item.opt_type != 2 {
            return Err(ApiError::new(
                INVALID,
                format!("{key}.ContactOptType {} is not 1 (add) or 2 (take out)", item.opt_type),
            ));
        }
        changes.push((item.opt_type, item.contact.conv(&format!("{key}.ContactItem"))?));
    }
    check_group_name("OldGroupName", &update.old_name)?;
    if let Some(new_name) = &new_name {
        check_group_name("NewGroupName", new_name)?;
    }
    let session = session_as(engine, caller, Some(&body.user), false, ErrorCode::RECENT_ACCOUNT_NOT_FOUND).await?;
    if group_id_of(&group_names(engine, &session).await?, &update.old_name).is_none() {
        return Err(ApiError::new(
            ErrorCode::CONV_GROUP_NOT_FOUND,
            format!("{} has no conversation group {:?}", body.user, update.old_name),
        ));
    }
    let name = match new_name {
        Some(new_name) => {
            let request = rename_conv_group::Request { old_name: update.old_name.clone(), new_name: new_name.clone() };
            engine.call_op(&session, request).await?;
            new_name
        }
        None => update.old_name.clone(),
    };
    let mut results = Vec::with_capacity(changes.len());
    for (opt_type, conv) in changes {
        let ids = vec![listed(&conv)];
        let answered = if opt_type == 1 {
            let request = add_to_conv_group::Request { group_name: name.clone(), conversation_id_array: ids };
            engine.call_op(&session, request).await.map(|response| response.results)
        } else {
            let request = remove_from_conv_group::Request { group_name: name.clone(), conversation_id_array: ids };
            engine.call_op(&session, request).await.map(|response| response.results)
        };
        let (code, info) = match answered {
            Ok(answered) => outcome_of(&answered, &conv),
            Err(err) => (err.code.0, err.desc),
        };
        results.push(ContactResultItem { opt_type, contact: Contact::of(&conv), code, info });
    }
    let id = group_id_of(&group_names(engine, &session).await?, &name).unwrap_or(0);
    Ok(Answer {
        update_type: body.update_type,
        result: UpdateGroupResult {
            update_group_type: update.update_group_type,
            name,
            id,
            old_name: update.old_name,
            results,
        },
    })
}
