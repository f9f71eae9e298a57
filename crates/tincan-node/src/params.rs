//! Parsing TIM's parameter objects, with a 6017 that names the offending field, or the code of
//! an identifier that is not one (7003, 10015), as the server would answer it.
//!
//! The JavaScript layer sends each parameter object as JSON text; `undefined` and `null` arrive
//! as `null` and read as an empty object, so a method whose keys are all optional may be called
//! without one, and a method with a required key reports that key as missing.
//! Several TIM parameters are themselves JSON text (`json_msg_array`, `json_msg`); those are
//! parsed in a second step, with 6027 when the text is not JSON.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use tincan_proto::{ApiError, ErrorCode};

/// Parses the parameter object of `method`.
pub(crate) fn parse<T: DeserializeOwned>(method: &str, text: &str) -> Result<T, ApiError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|err| ApiError::new(ErrorCode::INVALID_JSON, format!("the parameters are not JSON: {err}")))?;
    let value = match value {
        Value::Null => Value::Object(serde_json::Map::new()),
        Value::Object(map) => Value::Object(map),
        other => {
            return Err(ApiError::invalid_parameter(format!(
                "the parameter of {method} must be an object, got {}",
                kind(&other)
            )));
        }
    };
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let (code, desc) = match ApiError::carried_by(&inner) {
            Some(carried) => (carried.code, carried.desc),
            None => (ErrorCode::INVALID_PARAMETERS, inner.to_string()),
        };
        if path == "." {
            ApiError::new(code, format!("invalid parameter of {method}: {desc}"))
        } else {
            ApiError::new(code, format!("invalid parameter `{path}` of {method}: {desc}"))
        }
    })
}

/// Parses a parameter that is itself JSON text, such as `json_msg_array`: 6027 when it is not
/// JSON, 6017 naming the key inside it when it does not have the expected shape.
pub(crate) fn parse_embedded<T: DeserializeOwned>(name: &str, text: &str) -> Result<T, ApiError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|err| ApiError::new(ErrorCode::INVALID_JSON, format!("{name} is not valid JSON: {err}")))?;
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let at = match path.as_str() {
            "." => name.to_owned(),
            indexed if indexed.starts_with('[') => format!("{name}{indexed}"),
            keyed => format!("{name}.{keyed}"),
        };
        match ApiError::carried_by(&inner) {
            Some(carried) => ApiError::new(carried.code, format!("invalid parameter `{at}`: {}", carried.desc)),
            None => ApiError::invalid_parameter(format!("invalid parameter `{at}`: {inner}")),
        }
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A string TIM lets the app give as `null` (meaning empty); the key itself is required.
pub(crate) fn nullable_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

/// A cursor TIM types as a string (`next_seq`) that apps also pass as a number.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(u64),
        Text(String),
    }
    match Given::deserialize(deserializer)? {
        Given::Number(number) => Ok(number),
        Given::Text(text) if text.is_empty() => Ok(0),
        Given::Text(text) => {
            text.parse().map_err(|_| serde::de::Error::custom(format!("expected a non-negative integer, got {text:?}")))
        }
    }
}
