//! `POST /v4/sns/friend_add`: adds friends for `From_Account`, one way or both
//! (`AddType`), by each user's add permission unless `ForceAddFlags` is 1; a user who confirms
//! requests gets one (30539 in its item).

use serde::Deserialize;
use tincan_engine::{AddItem, AddMode, Engine};
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, UserId};

use super::{INVALID, Results, check_users, session_of};
use crate::rest::Caller;

/// One user to add.
#[derive(Deserialize)]
pub(super) struct Item {
    #[serde(rename = "To_Account")]
    to_account: ListedId<UserId>,
    #[serde(rename = "Remark", default)]
    remark: String,
    #[serde(rename = "GroupName", default)]
    group_name: String,
    #[serde(rename = "AddSource", default)]
    add_source: String,
    #[serde(rename = "AddWording", default)]
    add_wording: String,
}

impl Item {
    pub(super) fn into_add_item(self) -> AddItem {
        AddItem {
            named: self.to_account.as_str().to_owned(),
            peer: self.to_account.valid().ok().cloned(),
            remark: self.remark,
            group_name: self.group_name,
            add_source: self.add_source,
            add_wording: self.add_wording,
        }
    }
}

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "AddFriendItem")]
    add_friend_item: Vec<Item>,
    #[serde(rename = "AddType", default)]
    add_type: Option<String>,
    #[serde(rename = "ForceAddFlags", default)]
    force_add_flags: u32,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Results, ApiError> {
    check_users("AddFriendItem", body.add_friend_item.len())?;
    let both = match body.add_type.as_deref() {
        None | Some("Add_Type_Both") => true,
        Some("Add_Type_Single") => false,
        Some(other) => {
            return Err(ApiError::new(INVALID, format!("AddType {other:?}: Add_Type_Single or Add_Type_Both")));
        }
    };
    let session = session_of(engine, caller, &body.from_account).await?;
    let items = body.add_friend_item.into_iter().map(Item::into_add_item).collect();
    let mode = AddMode { both, force: body.force_add_flags == 1 };
    Ok(Results::of(engine.add_friends(&session, items, mode, "friend_add").await?))
}
