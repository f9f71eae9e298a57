//! User profiles and user status: TIM's `UserProfile`, `UserProfileItem` and `TIMUserStatus`
//! objects, with TIM's keys, and the rules a profile change follows (TIM's field limits).
//!
//! A profile has TIM's standard fields and app-defined string fields named
//! `Tag_Profile_Custom_<name>`. Every surface (the client protocol, the REST API's
//! `Tag_Profile_IM_*` items) changes a profile through one [`ProfileChange`], checked by
//! [`ProfileChange::validate`], so the limits are the same everywhere.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode};
use crate::limits;

/// The prefix of an app-defined profile field's key.
pub const CUSTOM_PREFIX: &str = "Tag_Profile_Custom_";

/// `TIMGenderType`: 0 unknown, 1 male, 2 female.
pub const GENDER_MAX: u32 = 2;
/// `TIMProfileAddPermission`: 0 unknown, 1 allow any, 2 need confirm, 3 deny any.
pub const ADD_PERMISSION_MAX: u32 = 3;

/// `TIMUserStatusType`: unknown.
pub const STATUS_UNKNOWN: u32 = 0;
/// `TIMUserStatusType`: at least one device is connected.
pub const STATUS_ONLINE: u32 = 1;
/// `TIMUserStatusType`: logged in, but no device is connected (the connection dropped).
pub const STATUS_OFFLINE: u32 = 2;
/// `TIMUserStatusType`: never logged in, or logged out.
pub const STATUS_UNLOGINED: u32 = 3;

/// One app-defined field (`UserProfileCustomStringInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomString {
    /// The key, with its `Tag_Profile_Custom_` prefix.
    pub user_profile_custom_string_info_key: String,
    /// The value, at most 500 bytes.
    #[serde(default)]
    pub user_profile_custom_string_info_value: String,
}

/// A user's profile (TIM's `UserProfile`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserProfile {
    /// The user.
    pub user_profile_identifier: String,
    /// The nickname.
    pub user_profile_nick_name: String,
    /// `TIMGenderType`.
    pub user_profile_gender: u32,
    /// The avatar's URL.
    pub user_profile_face_url: String,
    /// The signature.
    pub user_profile_self_signature: String,
    /// `TIMProfileAddPermission`.
    pub user_profile_add_permission: u32,
    /// The location (at most 16 bytes).
    pub user_profile_location: String,
    /// The language, as the app numbers them.
    pub user_profile_language: u32,
    /// The birthday, as the app encodes it (TIM suggests `20190419`).
    pub user_profile_birthday: u32,
    /// The level.
    pub user_profile_level: u32,
    /// The role.
    pub user_profile_role: u32,
    /// App-defined fields, sorted by key.
    pub user_profile_custom_string_array: Vec<CustomString>,
}

/// Writes a message's sender profile with the fields that are set (the identifier always): a
/// group message is pushed to every member with it, and a profile's unset fields would take
/// more of each push than its text does. A field left out reads as its default (`UserProfile`
/// is `serde(default)`).
pub(crate) fn serialize_sender_profile<S: serde::Serializer>(
    profile: &Option<Box<UserProfile>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;

    let Some(profile) = profile else { return serializer.serialize_none() };
    // Destructured, so that a field added to `UserProfile` does not compile until it is written.
    let UserProfile {
        user_profile_identifier,
        user_profile_nick_name,
        user_profile_gender,
        user_profile_face_url,
        user_profile_self_signature,
        user_profile_add_permission,
        user_profile_location,
        user_profile_language,
        user_profile_birthday,
        user_profile_level,
        user_profile_role,
        user_profile_custom_string_array,
    } = &**profile;
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry("user_profile_identifier", user_profile_identifier)?;
    let texts = [
        ("user_profile_nick_name", user_profile_nick_name),
        ("user_profile_face_url", user_profile_face_url),
        ("user_profile_self_signature", user_profile_self_signature),
        ("user_profile_location", user_profile_location),
    ];
    for (key, value) in texts {
        if !value.is_empty() {
            map.serialize_entry(key, value)?;
        }
    }
    let numbers = [
        ("user_profile_gender", user_profile_gender),
        ("user_profile_add_permission", user_profile_add_permission),
        ("user_profile_language", user_profile_language),
        ("user_profile_birthday", user_profile_birthday),
        ("user_profile_level", user_profile_level),
        ("user_profile_role", user_profile_role),
    ];
    for (key, value) in numbers {
        if *value != 0 {
            map.serialize_entry(key, value)?;
        }
    }
    if !user_profile_custom_string_array.is_empty() {
        map.serialize_entry("user_profile_custom_string_array", user_profile_custom_string_array)?;
    }
    map.end()
}

/// The fields a user changes in its own profile (TIM's `UserProfileItem`); a field left out
/// keeps its value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileChange {
    /// A new nickname (at most 500 bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_nick_name: Option<String>,
    /// A new `TIMGenderType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_gender: Option<u32>,
    /// A new avatar URL (at most 500 bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_face_url: Option<String>,
    /// A new signature (at most 500 bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_self_signature: Option<String>,
    /// A new `TIMProfileAddPermission`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_add_permission: Option<u32>,
    /// A new location (at most 16 bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_location: Option<String>,
    /// A new language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_language: Option<u32>,
    /// A new birthday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_birthday: Option<u32>,
    /// A new level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_level: Option<u32>,
    /// A new role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_role: Option<u32>,
    /// App-defined fields to set; the key may leave out the `Tag_Profile_Custom_` prefix, as in
    /// TIM's SDK. An empty value removes the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_item_custom_string_array: Option<Vec<CustomString>>,
}

fn too_long(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.len() > max {
        return Err(ApiError::new(
            ErrorCode::PROFILE_SIZE_LIMIT,
            format!("{field} is {} bytes; at most {max} are allowed", value.len()),
        ));
    }
    Ok(())
}

fn out_of_range(field: &str, value: Option<u32>, max: u32) -> Result<(), ApiError> {
    match value {
        Some(value) if value > max => {
            Err(ApiError::new(ErrorCode::PROFILE_VALUE_ERROR, format!("{field} is {value}; it must be 0 to {max}")))
        }
        _ => Ok(()),
    }
}

/// The full key of an app-defined field whose key was given as `key` (with or without the
/// prefix), checked: the name after the prefix is 1 to 8 letters, digits or underscores.
pub fn custom_key(key: &str) -> Result<String, ApiError> {
    let name = key.strip_prefix(CUSTOM_PREFIX).unwrap_or(key);
    let valid = !name.is_empty()
        && name.len() <= limits::PROFILE_CUSTOM_NAME_BYTES_MAX
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return Err(ApiError::new(
            ErrorCode::PROFILE_TAG_NOT_FOUND,
            format!(
                "custom profile field {key:?}: the name after {CUSTOM_PREFIX} must be 1 to {} letters, digits or underscores",
                limits::PROFILE_CUSTOM_NAME_BYTES_MAX
            ),
        ));
    }
    Ok(format!("{CUSTOM_PREFIX}{name}"))
}

impl ProfileChange {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == ProfileChange::default()
    }

    /// Checks every field against TIM's limits (40601 for a value too long, 40605 for a number
    /// out of range, 40009 for a custom key that cannot be one) and puts custom keys in their
    /// full form.
    pub fn validate(&mut self) -> Result<(), ApiError> {
        let text_fields = [
            ("user_profile_item_nick_name", &self.user_profile_item_nick_name, limits::PROFILE_TEXT_BYTES_MAX),
            ("user_profile_item_face_url", &self.user_profile_item_face_url, limits::PROFILE_TEXT_BYTES_MAX),
            (
                "user_profile_item_self_signature",
                &self.user_profile_item_self_signature,
                limits::PROFILE_TEXT_BYTES_MAX,
            ),
            ("user_profile_item_location", &self.user_profile_item_location, limits::PROFILE_LOCATION_BYTES_MAX),
        ];
        for (field, value, max) in text_fields {
            if let Some(value) = value {
                too_long(field, value, max)?;
            }
        }
        out_of_range("user_profile_item_gender", self.user_profile_item_gender, GENDER_MAX)?;
        out_of_range("user_profile_item_add_permission", self.user_profile_item_add_permission, ADD_PERMISSION_MAX)?;
        if let Some(customs) = &mut self.user_profile_item_custom_string_array {
            if customs.len() > limits::PROFILE_CUSTOM_FIELDS_MAX {
                return Err(ApiError::new(
                    ErrorCode::PROFILE_SIZE_LIMIT,
                    format!(
                        "user_profile_item_custom_string_array has {} fields; a profile has at most {}",
                        customs.len(),
                        limits::PROFILE_CUSTOM_FIELDS_MAX
                    ),
                ));
            }
            for custom in customs.iter_mut() {
                custom.user_profile_custom_string_info_key = custom_key(&custom.user_profile_custom_string_info_key)?;
                too_long(
                    &custom.user_profile_custom_string_info_key,
                    &custom.user_profile_custom_string_info_value,
                    limits::PROFILE_TEXT_BYTES_MAX,
                )?;
            }
        }
        Ok(())
    }

    /// Applies the change to `profile`; fails with 40601 when the profile would hold more
    /// app-defined fields than allowed. `profile` is unchanged on failure.
    pub fn apply_to(&self, profile: &mut UserProfile) -> Result<(), ApiError> {
        let mut next = profile.clone();
        if let Some(value) = &self.user_profile_item_nick_name {
            next.user_profile_nick_name = value.clone();
        }
        if let Some(value) = self.user_profile_item_gender {
            next.user_profile_gender = value;
        }
        if let Some(value) = &self.user_profile_item_face_url {
            next.user_profile_face_url = value.clone();
        }
        if let Some(value) = &self.user_profile_item_self_signature {
            next.user_profile_self_signature = value.clone();
        }
        if let Some(value) = self.user_profile_item_add_permission {
            next.user_profile_add_permission = value;
        }
        if let Some(value) = &self.user_profile_item_location {
            next.user_profile_location = value.clone();
        }
        if let Some(value) = self.user_profile_item_language {
            next.user_profile_language = value;
        }
        if let Some(value) = self.user_profile_item_birthday {
            next.user_profile_birthday = value;
        }
        if let Some(value) = self.user_profile_item_level {
            next.user_profile_level = value;
        }
        if let Some(value) = self.user_profile_item_role {
            next.user_profile_role = value;
        }
        for custom in self.user_profile_item_custom_string_array.iter().flatten() {
            let fields = &mut next.user_profile_custom_string_array;
            let key = &custom.user_profile_custom_string_info_key;
            match fields.binary_search_by(|it| it.user_profile_custom_string_info_key.cmp(key)) {
                Ok(at) if custom.user_profile_custom_string_info_value.is_empty() => {
                    fields.remove(at);
                }
                Ok(at) => fields[at] = custom.clone(),
                Err(_) if custom.user_profile_custom_string_info_value.is_empty() => {}
                Err(at) => fields.insert(at, custom.clone()),
            }
        }
        if next.user_profile_custom_string_array.len() > limits::PROFILE_CUSTOM_FIELDS_MAX {
            return Err(ApiError::new(
                ErrorCode::PROFILE_SIZE_LIMIT,
                format!("a profile has at most {} custom fields", limits::PROFILE_CUSTOM_FIELDS_MAX),
            ));
        }
        *profile = next;
        Ok(())
    }
}

/// A user's status (TIM's `TIMUserStatus`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserStatus {
    /// The user.
    pub user_status_identifier: String,
    /// `TIMUserStatusType`: 1 online, 2 offline, 3 not logged in.
    pub user_status_status_type: u32,
    /// The status text the user set (cleared when the user goes offline or logs out).
    pub user_status_custom_status: String,
}

/// Checks a custom status text (at most 100 bytes, TIM's limit).
pub fn validate_custom_status(text: &str) -> Result<(), ApiError> {
    if text.len() > limits::CUSTOM_STATUS_BYTES_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "user_status_custom_status is {} bytes; at most {} are allowed",
            text.len(),
            limits::CUSTOM_STATUS_BYTES_MAX
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_messages_sender_profile_is_written_with_its_set_fields_and_reads_back_whole() {
        let bare = UserProfile { user_profile_identifier: "ann".into(), ..UserProfile::default() };
        let message = crate::Message { message_sender_profile: Some(Box::new(bare.clone())), ..Default::default() };
        let json = serde_json::to_value(&message).unwrap();
        assert_eq!(json["message_sender_profile"], serde_json::json!({"user_profile_identifier": "ann"}));
        let full = UserProfile {
            user_profile_identifier: "ann".into(),
            user_profile_nick_name: "Ann".into(),
            user_profile_gender: 2,
            user_profile_face_url: "http://faces/ann.png".into(),
            user_profile_self_signature: "hello".into(),
            user_profile_add_permission: 1,
            user_profile_location: "Lyon".into(),
            user_profile_language: 3,
            user_profile_birthday: 20_000_101,
            user_profile_level: 4,
            user_profile_role: 5,
            user_profile_custom_string_array: vec![CustomString {
                user_profile_custom_string_info_key: "Tag_Profile_Custom_a".into(),
                user_profile_custom_string_info_value: "b".into(),
            }],
        };
        for profile in [bare, full] {
            let message =
                crate::Message { message_sender_profile: Some(Box::new(profile.clone())), ..Default::default() };
            let read: crate::Message = serde_json::from_str(&serde_json::to_string(&message).unwrap()).unwrap();
            assert_eq!(read.message_sender_profile.as_deref(), Some(&profile));
        }
    }

    #[test]
    fn a_change_applies_only_what_it_names_and_custom_fields_merge() {
        let mut profile = UserProfile { user_profile_identifier: "ann".into(), ..UserProfile::default() };
        let mut change: ProfileChange = serde_json::from_value(serde_json::json!({
            "user_profile_item_nick_name": "Ann",
            "user_profile_item_custom_string_array": [
                {"user_profile_custom_string_info_key": "Hobby", "user_profile_custom_string_info_value": "chess"},
                {"user_profile_custom_string_info_key": "Tag_Profile_Custom_City", "user_profile_custom_string_info_value": "Oslo"}
            ]
        }))
        .unwrap();
        change.validate().unwrap();
        change.apply_to(&mut profile).unwrap();
        assert_eq!(profile.user_profile_nick_name, "Ann");
        let keys: Vec<_> = profile
            .user_profile_custom_string_array
            .iter()
            .map(|it| it.user_profile_custom_string_info_key.as_str())
            .collect();
        assert_eq!(keys, ["Tag_Profile_Custom_City", "Tag_Profile_Custom_Hobby"]);
        let mut removal = ProfileChange {
            user_profile_item_custom_string_array: Some(vec![CustomString {
                user_profile_custom_string_info_key: "City".into(),
                user_profile_custom_string_info_value: String::new(),
            }]),
            ..ProfileChange::default()
        };
        removal.validate().unwrap();
        removal.apply_to(&mut profile).unwrap();
        assert_eq!(profile.user_profile_custom_string_array.len(), 1);
        assert_eq!(profile.user_profile_nick_name, "Ann", "a field left out keeps its value");
    }

    #[test]
    fn limits_have_tims_codes() {
        let long = "x".repeat(501);
        let mut change = ProfileChange { user_profile_item_nick_name: Some(long), ..ProfileChange::default() };
        assert_eq!(change.validate().unwrap_err().code, ErrorCode::PROFILE_SIZE_LIMIT);
        let mut change = ProfileChange { user_profile_item_location: Some("x".repeat(17)), ..ProfileChange::default() };
        assert_eq!(change.validate().unwrap_err().code, ErrorCode::PROFILE_SIZE_LIMIT);
        let mut change = ProfileChange { user_profile_item_gender: Some(3), ..ProfileChange::default() };
        assert_eq!(change.validate().unwrap_err().code, ErrorCode::PROFILE_VALUE_ERROR);
        assert_eq!(custom_key("toolongname").unwrap_err().code, ErrorCode::PROFILE_TAG_NOT_FOUND);
        assert_eq!(custom_key("a-b").unwrap_err().code, ErrorCode::PROFILE_TAG_NOT_FOUND);
        assert!(serde_json::from_str::<ProfileChange>(r#"{"user_profile_item_nick": "x"}"#).is_err());
    }
}
