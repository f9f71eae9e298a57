//! `profile`: users' profiles with TIM's `Tag_Profile_IM_*` and `Tag_Profile_Custom_*` tags.
//!
//! The tags translate to and from the client protocol's profile (`tincan_proto::profile`), so
//! that a value set here reads back the same through `TIMProfileGetUserProfileList`, and the
//! same limits apply.

mod portrait_get;
mod portrait_set;

use serde_json::{Map, Value, json};
use tincan_engine::Engine;
use tincan_proto::profile::{CUSTOM_PREFIX, CustomString, ProfileChange, UserProfile, custom_key};
use tincan_proto::{ApiError, ErrorCode};

use super::{Caller, answer, body_as, unknown};

/// The code for a missing or mistyped key in this service.
const INVALID: ErrorCode = ErrorCode::PROFILE_INVALID_PARAMETERS;

/// TIM's `profile` commands.
pub(super) async fn command(
    engine: &Engine,
    caller: &Caller,
    command: &str,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    match command {
        "portrait_get" => answer(portrait_get::handle(engine, caller, body_as(body, INVALID)?)),
        "portrait_set" => answer(portrait_set::handle(engine, caller, body_as(body, INVALID)?).await),
        _ => Err(unknown("profile", command)),
    }
}

pub(crate) const NICK: &str = "Tag_Profile_IM_Nick";
pub(crate) const GENDER: &str = "Tag_Profile_IM_Gender";
pub(crate) const BIRTHDAY: &str = "Tag_Profile_IM_BirthDay";
pub(crate) const LOCATION: &str = "Tag_Profile_IM_Location";
pub(crate) const SIGNATURE: &str = "Tag_Profile_IM_SelfSignature";
pub(crate) const ALLOW_TYPE: &str = "Tag_Profile_IM_AllowType";
pub(crate) const LANGUAGE: &str = "Tag_Profile_IM_Language";
pub(crate) const IMAGE: &str = "Tag_Profile_IM_Image";
pub(crate) const LEVEL: &str = "Tag_Profile_IM_Level";
pub(crate) const ROLE: &str = "Tag_Profile_IM_Role";
/// TIM's standard fields tincan does not keep: read as TIM's defaults, never set.
const ADMIN_FORBID_TYPE: &str = "Tag_Profile_IM_AdminForbidType";
const MSG_SETTINGS: &str = "Tag_Profile_IM_MsgSettings";

/// TIM's gender names, by `TIMGenderType`.
const GENDERS: [&str; 3] = ["Gender_Type_Unknown", "Gender_Type_Male", "Gender_Type_Female"];
/// TIM's add-permission names, by `TIMProfileAddPermission` (0, not set, has none).
const ALLOW_TYPES: [&str; 4] = ["", "AllowType_Type_AllowAny", "AllowType_Type_NeedConfirm", "AllowType_Type_DenyAny"];

fn name_of(names: &[&str], value: u32) -> String {
    names.get(value as usize).copied().unwrap_or_default().to_owned()
}

/// The value of `tag` in `profile`, or `None` for a tag tincan does not keep.
pub(crate) fn value_of(profile: &UserProfile, tag: &str) -> Option<Value> {
    Some(match tag {
        NICK => json!(profile.user_profile_nick_name),
        GENDER => json!(name_of(&GENDERS, profile.user_profile_gender)),
        BIRTHDAY => json!(profile.user_profile_birthday),
        LOCATION => json!(profile.user_profile_location),
        SIGNATURE => json!(profile.user_profile_self_signature),
        ALLOW_TYPE => json!(name_of(&ALLOW_TYPES, profile.user_profile_add_permission)),
        LANGUAGE => json!(profile.user_profile_language),
        IMAGE => json!(profile.user_profile_face_url),
        LEVEL => json!(profile.user_profile_level),
        ROLE => json!(profile.user_profile_role),
        ADMIN_FORBID_TYPE => json!("AdminForbid_Type_None"),
        MSG_SETTINGS => json!(0),
        custom if custom.starts_with(CUSTOM_PREFIX) => json!(
            profile
                .user_profile_custom_string_array
                .iter()
                .find(|it| it.user_profile_custom_string_info_key == custom)
                .map(|it| it.user_profile_custom_string_info_value.as_str())
                .unwrap_or_default()
        ),
        _ => return None,
    })
}

fn unknown_tag(tag: &str) -> ApiError {
    ApiError::new(
        ErrorCode::PROFILE_TAG_NOT_FOUND,
        format!(
            "{tag:?} is not a profile tag tincan keeps (Tag_Profile_IM_* standard fields and Tag_Profile_Custom_*)"
        ),
    )
}

fn text(tag: &str, value: &Value) -> Result<String, ApiError> {
    value.as_str().map(str::to_owned).ok_or_else(|| {
        ApiError::new(ErrorCode::PROFILE_INVALID_VALUE_FORMAT, format!("the value of {tag} must be a string"))
    })
}

fn number(tag: &str, value: &Value) -> Result<u32, ApiError> {
    value.as_u64().and_then(|it| u32::try_from(it).ok()).ok_or_else(|| {
        ApiError::new(
            ErrorCode::PROFILE_INVALID_VALUE_FORMAT,
            format!("the value of {tag} must be an integer from 0 to 4294967295"),
        )
    })
}

fn named(tag: &str, names: &[&str], value: &Value) -> Result<u32, ApiError> {
    let given = text(tag, value)?;
    names.iter().position(|name| !name.is_empty() && *name == given).map(|at| at as u32).ok_or_else(|| {
        let allowed: Vec<&str> = names.iter().copied().filter(|it| !it.is_empty()).collect();
        ApiError::new(
            ErrorCode::PROFILE_VALUE_ERROR,
            format!("{tag} is {given:?}; it must be one of {}", allowed.join(", ")),
        )
    })
}

/// Adds the item `tag` = `value` to a change.
pub(crate) fn add_item(change: &mut ProfileChange, tag: &str, value: &Value) -> Result<(), ApiError> {
    match tag {
        NICK => change.user_profile_item_nick_name = Some(text(tag, value)?),
        GENDER => change.user_profile_item_gender = Some(named(tag, &GENDERS, value)?),
        BIRTHDAY => change.user_profile_item_birthday = Some(number(tag, value)?),
        LOCATION => change.user_profile_item_location = Some(text(tag, value)?),
        SIGNATURE => change.user_profile_item_self_signature = Some(text(tag, value)?),
        ALLOW_TYPE => change.user_profile_item_add_permission = Some(named(tag, &ALLOW_TYPES, value)?),
        LANGUAGE => change.user_profile_item_language = Some(number(tag, value)?),
        IMAGE => change.user_profile_item_face_url = Some(text(tag, value)?),
        LEVEL => change.user_profile_item_level = Some(number(tag, value)?),
        ROLE => change.user_profile_item_role = Some(number(tag, value)?),
        custom if custom.starts_with(CUSTOM_PREFIX) => {
            let key = custom_key(custom)?;
            change.user_profile_item_custom_string_array.get_or_insert_with(Vec::new).push(CustomString {
                user_profile_custom_string_info_key: key,
                user_profile_custom_string_info_value: text(tag, value)?,
            });
        }
        ADMIN_FORBID_TYPE | MSG_SETTINGS => {
            return Err(ApiError::new(
                ErrorCode::PROFILE_TAG_NOT_FOUND,
                format!("{tag} is not kept by tincan; it reads as TIM's default and cannot be set"),
            ));
        }
        _ => return Err(unknown_tag(tag)),
    }
    Ok(())
}

/// The items a change sets, as TIM's `ProfileItem` list (for `Profile.CallbackPortraitSet`).
pub(crate) fn items_of(change: &ProfileChange) -> Vec<Value> {
    let mut items = Vec::new();
    let mut push = |tag: &str, value: Value| items.push(json!({"Tag": tag, "Value": value}));
    if let Some(value) = &change.user_profile_item_nick_name {
        push(NICK, json!(value));
    }
    if let Some(value) = change.user_profile_item_gender {
        push(GENDER, json!(name_of(&GENDERS, value)));
    }
    if let Some(value) = change.user_profile_item_birthday {
        push(BIRTHDAY, json!(value));
    }
    if let Some(value) = &change.user_profile_item_location {
        push(LOCATION, json!(value));
    }
    if let Some(value) = &change.user_profile_item_self_signature {
        push(SIGNATURE, json!(value));
    }
    if let Some(value) = change.user_profile_item_add_permission {
        push(ALLOW_TYPE, json!(name_of(&ALLOW_TYPES, value)));
    }
    if let Some(value) = change.user_profile_item_language {
        push(LANGUAGE, json!(value));
    }
    if let Some(value) = &change.user_profile_item_face_url {
        push(IMAGE, json!(value));
    }
    if let Some(value) = change.user_profile_item_level {
        push(LEVEL, json!(value));
    }
    if let Some(value) = change.user_profile_item_role {
        push(ROLE, json!(value));
    }
    for custom in change.user_profile_item_custom_string_array.iter().flatten() {
        push(&custom.user_profile_custom_string_info_key, json!(custom.user_profile_custom_string_info_value));
    }
    items
}
