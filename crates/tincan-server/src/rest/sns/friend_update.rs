//! `POST /v4/sns/friend_update`: changes `From_Account`'s entries of its friends: the remark
//! (`Tag_SNS_IM_Remark`), the friend groups (`Tag_SNS_IM_Group`, a list) and custom fields
//! (`Tag_SNS_Custom_*`).

use serde::Deserialize;
use serde_json::Value;
use tincan_engine::Engine;
use tincan_proto::friendship::{CUSTOM_PREFIX, FriendCustomString, FriendProfileItem, FriendResult};
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, UserId};

use super::{GROUP, INVALID, REMARK, Results, check_users, session_of};
use crate::rest::Caller;

/// One field.
#[derive(Deserialize)]
pub(super) struct SnsItem {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

/// One friend's change.
#[derive(Deserialize)]
pub(super) struct Item {
    #[serde(rename = "To_Account")]
    to_account: ListedId<UserId>,
    #[serde(rename = "SnsItem")]
    sns_item: Vec<SnsItem>,
}

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    #[serde(rename = "UpdateItem")]
    update_item: Vec<Item>,
}

fn change_of(items: &[SnsItem]) -> Result<FriendProfileItem, ApiError> {
    let mut change = FriendProfileItem::default();
    for item in items {
        let text = || {
            item.value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| ApiError::new(INVALID, format!("the value of {} must be a string", item.tag)))
        };
        match item.tag.as_str() {
            REMARK => change.friend_profile_item_remark = Some(text()?),
            GROUP => {
                let names = serde_json::from_value::<Vec<String>>(item.value.clone()).map_err(|_| {
                    ApiError::new(INVALID, format!("the value of {GROUP} must be a list of friend group names"))
                })?;
                change.friend_profile_item_group_name_array = Some(names);
            }
            custom if custom.starts_with(CUSTOM_PREFIX) => {
                change.friend_profile_item_custom_string_array.get_or_insert_with(Vec::new).push(FriendCustomString {
                    friend_profile_custom_string_info_key: custom.to_owned(),
                    friend_profile_custom_string_info_value: text()?,
                });
            }
            other => {
                return Err(ApiError::new(
                    INVALID,
                    format!("{other:?} is not a friend field ({REMARK}, {GROUP} or {CUSTOM_PREFIX}*)"),
                ));
            }
        }
    }
    Ok(change)
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Results, ApiError> {
    check_users("UpdateItem", body.update_item.len())?;
    let session = session_of(engine, caller, &body.from_account).await?;
    let mut results = Vec::with_capacity(body.update_item.len());
    for item in body.update_item {
        let named = item.to_account.as_str().to_owned();
        let outcome = match (item.to_account.valid(), change_of(&item.sns_item)) {
            (Ok(peer), Ok(change)) => engine.modify_friend(&session, peer, change).await,
            (Err(err), _) => Err(err.clone()),
            (_, Err(err)) => Err(err),
        };
        results.push(match outcome {
            Ok(()) => FriendResult::ok(&named),
            Err(err) => FriendResult::failed(&named, err),
        });
    }
    Ok(Results::of(results))
}
