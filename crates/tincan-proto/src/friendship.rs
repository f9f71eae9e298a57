//! The relationship chain: TIM's friend objects (`FriendProfile`, `FriendResult`,
//! `FriendAddPendencyInfo`, `FriendGroupInfo`, ...) with TIM's keys, TIM's enumerations, and
//! the rules every surface checks a friend's fields with (TIM's limits).
//!
//! A friendship is a directed edge: A has B as a friend ("A with B"); two edges make a two-way
//! friendship. A friend request is pending until the receiver accepts or refuses it; a
//! blocklist entry is one user's, and hides the blocked user's C2C messages from it.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode};
use crate::limits;
use crate::profile::UserProfile;

/// `TIMFriendType`: a one-way friendship (only the caller's list changes).
pub const FRIEND_TYPE_SINGLE: u32 = 0;
/// `TIMFriendType`: a two-way friendship (both lists change).
pub const FRIEND_TYPE_BOTH: u32 = 1;

/// `TIMFriendPendencyType`: requests others sent to the user.
pub const PENDENCY_COME_IN: u32 = 0;
/// `TIMFriendPendencyType`: requests the user sent.
pub const PENDENCY_SEND_OUT: u32 = 1;
/// `TIMFriendPendencyType`: both.
pub const PENDENCY_BOTH: u32 = 2;

/// `TIMFriendResponseAction`: accept (the applicant gets the user as a friend).
pub const RESPONSE_AGREE: u32 = 0;
/// `TIMFriendResponseAction`: accept and add back (a two-way friendship).
pub const RESPONSE_AGREE_AND_ADD: u32 = 1;
/// `TIMFriendResponseAction`: refuse.
pub const RESPONSE_REJECT: u32 = 2;

/// `TIMFriendCheckRelation`: no relationship.
pub const CHECK_NO_RELATION: u32 = 0;
/// `TIMFriendCheckRelation`: only the caller has the other as a friend.
pub const CHECK_A_WITH_B: u32 = 1;
/// `TIMFriendCheckRelation`: only the other has the caller as a friend.
pub const CHECK_B_WITH_A: u32 = 2;
/// `TIMFriendCheckRelation`: both.
pub const CHECK_BOTH_WAY: u32 = 3;

/// `TIMFriendshipSearchFieldKey`: the user ID.
pub const SEARCH_FIELD_IDENTIFIER: u32 = 1;
/// `TIMFriendshipSearchFieldKey`: the nickname.
pub const SEARCH_FIELD_NICK_NAME: u32 = 2;
/// `TIMFriendshipSearchFieldKey`: the remark.
pub const SEARCH_FIELD_REMARK: u32 = 4;

/// `TIMFriendChangeType`: friends added.
pub const CHANGE_FRIEND_ADD: u32 = 1;
/// `TIMFriendChangeType`: friends deleted.
pub const CHANGE_FRIEND_DEL: u32 = 2;
/// `TIMFriendChangeType`: friend requests received.
pub const CHANGE_PENDENCY_ADD: u32 = 3;
/// `TIMFriendChangeType`: friend requests gone (accepted, refused or deleted).
pub const CHANGE_PENDENCY_DEL: u32 = 4;
/// `TIMFriendChangeType`: users blocked.
pub const CHANGE_BLACKLIST_ADD: u32 = 5;
/// `TIMFriendChangeType`: users unblocked.
pub const CHANGE_BLACKLIST_DEL: u32 = 6;
/// `TIMFriendChangeType`: friend requests marked read.
pub const CHANGE_PENDENCY_READ: u32 = 7;
/// `TIMFriendChangeType`: friends' remarks, groups or custom fields changed.
pub const CHANGE_PROFILE_UPDATE: u32 = 8;
/// `TIMFriendChangeType`: friend groups created.
pub const CHANGE_GROUP_ADD: u32 = 9;
/// `TIMFriendChangeType`: friend groups deleted.
pub const CHANGE_GROUP_DEL: u32 = 10;
/// `TIMFriendChangeType`: friend groups renamed or their members changed.
pub const CHANGE_GROUP_MODIFY: u32 = 11;

/// The prefix of a custom friend field's key.
pub const CUSTOM_PREFIX: &str = "Tag_SNS_Custom_";
/// The prefix of a friend request's source.
pub const ADD_SOURCE_PREFIX: &str = "AddSource_Type_";

/// A custom friend field (`FriendProfileCustomStringInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendCustomString {
    /// The key, with its `Tag_SNS_Custom_` prefix (given with or without it).
    pub friend_profile_custom_string_info_key: String,
    /// The value.
    #[serde(default)]
    pub friend_profile_custom_string_info_value: String,
}

/// A friend as the user sees it (TIM's `FriendProfile`); also a blocked user's entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FriendProfile {
    /// The friend.
    pub friend_profile_identifier: String,
    /// The user's friend groups the friend is in.
    pub friend_profile_group_name_array: Vec<String>,
    /// The user's remark on the friend.
    pub friend_profile_remark: String,
    /// The wording of the request that made the friendship.
    pub friend_profile_add_wording: String,
    /// The source of the request that made the friendship.
    pub friend_profile_add_source: String,
    /// When the friendship (or the block) was made, in seconds.
    pub friend_profile_add_time: u64,
    /// The friend's own profile.
    pub friend_profile_user_profile: UserProfile,
    /// Custom friend fields, sorted by key.
    pub friend_profile_custom_string_array: Vec<FriendCustomString>,
}

/// The fields a user changes on a friend (TIM's `FriendProfileItem`); one left out stays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FriendProfileItem {
    /// A new remark (at most 96 bytes; empty removes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friend_profile_item_remark: Option<String>,
    /// The friend groups the friend is in, replacing the current ones (each must exist).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friend_profile_item_group_name_array: Option<Vec<String>>,
    /// Custom friend fields to set (an empty value removes one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friend_profile_item_custom_string_array: Option<Vec<FriendCustomString>>,
}

/// The result of a relationship change for one user (TIM's `FriendResult`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendResult {
    /// The user.
    pub friend_result_identifier: String,
    /// 0 or the error code.
    pub friend_result_code: ErrorCode,
    /// What went wrong, or `""`.
    #[serde(default)]
    pub friend_result_desc: String,
}

impl FriendResult {
    /// A success for `user`.
    pub fn ok(user: &str) -> FriendResult {
        FriendResult { friend_result_identifier: user.to_owned(), ..FriendResult::default() }
    }

    /// A failure for `user`.
    pub fn failed(user: &str, err: ApiError) -> FriendResult {
        FriendResult {
            friend_result_identifier: user.to_owned(),
            friend_result_code: err.code,
            friend_result_desc: err.desc,
        }
    }
}

/// A friend request as both sides' devices are told of it (TIM's `FriendAddPendency`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FriendAddPendency {
    /// `PENDENCY_COME_IN` (told to the receiver) or `PENDENCY_SEND_OUT` (told to the
    /// requester's devices).
    pub friend_add_pendency_type: u32,
    /// The other user: the applicant for a request received, the user asked for one sent.
    pub friend_add_pendency_identifier: String,
    /// The other user's nickname.
    pub friend_add_pendency_nick_name: String,
    /// The request's source.
    pub friend_add_pendency_add_source: String,
    /// The request's wording.
    pub friend_add_pendency_add_wording: String,
    /// When the request was sent, in seconds.
    pub friend_add_pendency_add_time: u64,
}

/// A friend request in a pendency list (TIM's `FriendAddPendencyInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FriendAddPendencyInfo {
    /// `PENDENCY_COME_IN` (someone asked the user) or `PENDENCY_SEND_OUT` (the user asked).
    pub friend_add_pendency_info_type: u32,
    /// The other user.
    pub friend_add_pendency_info_identifier: String,
    /// The other user's nickname.
    pub friend_add_pendency_info_nick_name: String,
    /// The other user's avatar.
    pub friend_add_pendency_info_face_url: String,
    /// When the request was sent, in seconds.
    pub friend_add_pendency_info_add_time: u64,
    /// The request's source.
    pub friend_add_pendency_info_add_source: String,
    /// The request's wording.
    pub friend_add_pendency_info_add_wording: String,
}

/// A page of friend requests (TIM's `PendencyPage`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PendencyPage {
    /// Where the next page starts (0: no more).
    pub pendency_page_start_time: u64,
    /// Requests received after the user last marked them read.
    pub pendency_page_unread_num: u64,
    /// The sequence of the list (the time of its newest request).
    pub pendency_page_current_seq: u64,
    /// The requests, newest first.
    pub pendency_page_pendency_info_array: Vec<FriendAddPendencyInfo>,
}

/// A friend group (TIM's `FriendGroupInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FriendGroupInfo {
    /// Its name.
    pub friend_group_info_name: String,
    /// How many friends it holds.
    pub friend_group_info_count: u64,
    /// Its friends.
    pub friend_group_info_identifier_array: Vec<String>,
}

/// The relationship with one user (TIM's `FriendshipCheckFriendTypeResult`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckResult {
    /// The user.
    pub friendship_check_friendtype_result_identifier: String,
    /// `TIMFriendCheckRelation`.
    pub friendship_check_friendtype_result_relation: u32,
    /// 0, or why the user could not be checked.
    pub friendship_check_friendtype_result_code: ErrorCode,
    /// What went wrong, or `""`.
    pub friendship_check_friendtype_result_desc: String,
}

/// One user's friend information (TIM's `FriendInfoGetResult`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FriendInfoGetResult {
    /// The user.
    pub friendship_friend_info_get_result_identifier: String,
    /// `TIMFriendshipRelationType` (the same numbers as `TIMFriendCheckRelation`).
    pub friendship_friend_info_get_result_relation_type: u32,
    /// 0, or why the user could not be read.
    pub friendship_friend_info_get_result_error_code: ErrorCode,
    /// What went wrong, or `"OK"`.
    pub friendship_friend_info_get_result_error_message: String,
    /// The friend's entry (only the user profile when not a friend).
    pub friendship_friend_info_get_result_field_info: FriendProfile,
}

/// A friend's changed fields (TIM's `FriendProfileUpdate`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FriendProfileUpdate {
    /// The friend.
    pub friend_profile_update_identifier: String,
    /// What changed.
    pub friend_profile_update_item: FriendProfileItem,
}

fn too_long(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.len() > max {
        return Err(ApiError::new(
            ErrorCode::FRIEND_INVALID_PARAMETERS,
            format!("{field} is {} bytes; at most {max} are allowed", value.len()),
        ));
    }
    Ok(())
}

/// Checks a remark (at most 96 bytes).
pub fn check_remark(field: &str, remark: &str) -> Result<(), ApiError> {
    too_long(field, remark, limits::FRIEND_REMARK_BYTES_MAX)
}

/// Checks a request's wording (at most 256 bytes).
pub fn check_wording(field: &str, wording: &str) -> Result<(), ApiError> {
    too_long(field, wording, limits::FRIEND_ADD_WORDING_BYTES_MAX)
}

/// Checks a friend group's name: 1 to 30 bytes, no line break.
pub fn check_group_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.contains(['\n', '\r']) {
        return Err(ApiError::new(
            ErrorCode::FRIEND_INVALID_PARAMETERS,
            format!(
                "{field} {name:?}: a friend group's name is 1 to {} bytes without line breaks",
                limits::FRIEND_GROUP_NAME_BYTES_MAX
            ),
        ));
    }
    too_long(field, name, limits::FRIEND_GROUP_NAME_BYTES_MAX)
}

/// A request's source in its full form: `""` stays empty, and a name after `AddSource_Type_` is
/// 1 to 8 letters, digits or underscores (the prefix may be left out).
pub fn add_source(field: &str, source: &str) -> Result<String, ApiError> {
    if source.is_empty() {
        return Ok(String::new());
    }
    let name = source.strip_prefix(ADD_SOURCE_PREFIX).unwrap_or(source);
    let valid = !name.is_empty()
        && name.len() <= limits::FRIEND_ADD_SOURCE_NAME_BYTES_MAX
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return Err(ApiError::new(
            ErrorCode::FRIEND_INVALID_PARAMETERS,
            format!(
                "{field} {source:?}: the name after {ADD_SOURCE_PREFIX} must be 1 to {} letters, digits or underscores",
                limits::FRIEND_ADD_SOURCE_NAME_BYTES_MAX
            ),
        ));
    }
    Ok(format!("{ADD_SOURCE_PREFIX}{name}"))
}

/// A custom friend field's key in its full form (`Tag_SNS_Custom_` and 1 to 8 letters, digits
/// or underscores; the prefix may be left out).
pub fn custom_key(key: &str) -> Result<String, ApiError> {
    let name = key.strip_prefix(CUSTOM_PREFIX).unwrap_or(key);
    let valid = !name.is_empty()
        && name.len() <= limits::FRIEND_CUSTOM_NAME_BYTES_MAX
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return Err(ApiError::new(
            ErrorCode::FRIEND_INVALID_PARAMETERS,
            format!(
                "custom friend field {key:?}: the name after {CUSTOM_PREFIX} must be 1 to {} letters, digits or underscores",
                limits::FRIEND_CUSTOM_NAME_BYTES_MAX
            ),
        ));
    }
    Ok(format!("{CUSTOM_PREFIX}{name}"))
}

impl FriendProfileItem {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == FriendProfileItem::default()
    }

    /// Checks every field against TIM's limits and puts custom keys in their full form.
    pub fn validate(&mut self) -> Result<(), ApiError> {
        if let Some(remark) = &self.friend_profile_item_remark {
            check_remark("friend_profile_item_remark", remark)?;
        }
        if let Some(names) = &mut self.friend_profile_item_group_name_array {
            for name in names.iter() {
                check_group_name("friend_profile_item_group_name_array", name)?;
            }
            let mut seen = Vec::new();
            names.retain(|name| {
                let fresh = !seen.contains(name);
                seen.push(name.clone());
                fresh
            });
        }
        if let Some(customs) = &mut self.friend_profile_item_custom_string_array {
            if customs.len() > limits::FRIEND_CUSTOM_FIELDS_MAX {
                return Err(ApiError::new(
                    ErrorCode::FRIEND_INVALID_PARAMETERS,
                    format!(
                        "friend_profile_item_custom_string_array has {} fields; a friend has at most {}",
                        customs.len(),
                        limits::FRIEND_CUSTOM_FIELDS_MAX
                    ),
                ));
            }
            for custom in customs.iter_mut() {
                custom.friend_profile_custom_string_info_key =
                    custom_key(&custom.friend_profile_custom_string_info_key)?;
                too_long(
                    &custom.friend_profile_custom_string_info_key,
                    &custom.friend_profile_custom_string_info_value,
                    limits::FRIEND_CUSTOM_VALUE_BYTES_MAX,
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_keys_take_their_prefix() {
        assert_eq!(add_source("s", "web").unwrap(), "AddSource_Type_web");
        assert_eq!(add_source("s", "AddSource_Type_web").unwrap(), "AddSource_Type_web");
        assert_eq!(add_source("s", "").unwrap(), "");
        assert_eq!(add_source("s", "far too long").unwrap_err().code, ErrorCode::FRIEND_INVALID_PARAMETERS);
        assert_eq!(custom_key("Level").unwrap(), "Tag_SNS_Custom_Level");
        assert!(custom_key("Tag_SNS_Custom_").is_err());
    }

    #[test]
    fn items_are_checked_and_groups_deduplicated() {
        let mut item = FriendProfileItem {
            friend_profile_item_remark: Some("r".repeat(96)),
            friend_profile_item_group_name_array: Some(vec!["a".into(), "a".into(), "b".into()]),
            friend_profile_item_custom_string_array: None,
        };
        item.validate().unwrap();
        assert_eq!(item.friend_profile_item_group_name_array.unwrap(), ["a", "b"]);
        let mut long = FriendProfileItem { friend_profile_item_remark: Some("r".repeat(97)), ..Default::default() };
        let err = long.validate().unwrap_err();
        assert_eq!(err.code, ErrorCode::FRIEND_INVALID_PARAMETERS);
        assert!(err.desc.contains("friend_profile_item_remark is 97 bytes"), "{}", err.desc);
    }
}
