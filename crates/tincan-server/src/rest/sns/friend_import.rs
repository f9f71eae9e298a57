//! `POST /v4/sns/friend_import`: puts users in `From_Account`'s friend list, one way and past
//! their add permission (for moving an existing friend list); `GroupName` is a list here, and
//! `CustomItem` sets custom friend fields.

use serde::Deserialize;
use serde_json::Value;
use tincan_engine::{AddItem, AddMode, Engine};
use tincan_proto::friendship::{FriendCustomString, FriendProfileItem, FriendResult};
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, ErrorCode, UserId};

use super::{INVALID, Results, check_users, session_of};
use crate::rest::Caller;

/// One custom field.
#[derive(Deserialize)]
pub(super) struct CustomItem {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

/// One user to import.
#[derive(Deserialize)]
pub(super) struct Item {
    #[serde(rename = "To_Account")]
    to_account: ListedId<UserId>,
    #[serde(rename = "Remark", default)]
    remark: String,
    #[serde(rename = "GroupName", default)]
    group_name: Vec<String>,
    #[serde(rename = "AddSource", default)]
    add_source: String,
    #[serde(rename = "AddWording", default)]
    add_wording: String,
    #[serde(rename = "CustomItem", default)]
    custom_item: Vec<CustomItem>,
}

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "AddFriendItem")]
    add_friend_item: Vec<Item>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Results, ApiError> {
    check_users("AddFriendItem", body.add_friend_item.len())?;
    let session = session_of(engine, caller, &body.from_account).await?;
    let mut results = Vec::with_capacity(body.add_friend_item.len());
    for item in body.add_friend_item {
        let named = item.to_account.as_str().to_owned();
        let peer = item.to_account.valid().ok().cloned();
        let customs = item
            .custom_item
            .iter()
            .map(|custom| match &custom.value {
                Value::String(value) => Ok(FriendCustomString {
                    friend_profile_custom_string_info_key: custom.tag.clone(),
                    friend_profile_custom_string_info_value: value.clone(),
                }),
                _ => Err(ApiError::new(INVALID, format!("the value of {} must be a string", custom.tag))),
            })
            .collect::<Result<Vec<_>, _>>();
        let add = AddItem {
            named: named.clone(),
            peer: peer.clone(),
            remark: item.remark,
            group_name: item.group_name.first().cloned().unwrap_or_default(),
            add_source: item.add_source,
            add_wording: item.add_wording,
        };
        let customs = match customs {
            Ok(customs) => customs,
            Err(err) => {
                results.push(FriendResult::failed(&named, err));
                continue;
            }
        };
        let mode = AddMode { both: false, force: true };
        let result = engine.add_friends(&session, vec![add], mode, "friend_import").await?.remove(0);
        if let Some(peer) = peer.filter(|_| result.friend_result_code == ErrorCode::SUCC)
            && (item.group_name.len() > 1 || !customs.is_empty())
        {
            let change = FriendProfileItem {
                friend_profile_item_remark: None,
                friend_profile_item_group_name_array: (item.group_name.len() > 1).then_some(item.group_name),
                friend_profile_item_custom_string_array: (!customs.is_empty()).then_some(customs),
            };
            if let Err(err) = engine.modify_friend(&session, &peer, change).await {
                results.push(FriendResult::failed(&named, err));
                continue;
            }
        }
        results.push(result);
    }
    Ok(Results::of(results))
}
