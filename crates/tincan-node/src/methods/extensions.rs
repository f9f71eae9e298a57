//! TIM's message extension methods, with the parameter keys of TIM's Electron wrapper
//! (`json_msg`, `json_extension_array`, `json_extension_key_array`) and TIM's results: an array
//! of `MessageExtensionResult` for a set or a delete, of `MessageExtension` for a get.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use tincan_proto::objects::MessageExtension;
use tincan_proto::{ApiError, Message};

use super::Outcome;
use crate::params::{parse, parse_embedded};
use crate::session::Session;

/// Runs the extension method `method`, or `None` when it is not one.
pub(crate) async fn call(session: &Arc<Session>, method: &str, params: &str) -> Option<Result<Outcome, ApiError>> {
    Some(match method {
        "TIMMsgSetMessageExtensions" => set(session, params).await,
        "TIMMsgGetMessageExtensions" => get(session, params).await,
        "TIMMsgDeleteMessageExtensions" => delete(session, params).await,
        _ => return None,
    })
}

/// `TIMMsgSetMessageExtensionsParam` and its siblings: the message as an object or as the
/// JSON text TIM's native SDK takes.
#[derive(Deserialize)]
struct Param {
    json_msg: Value,
    #[serde(default)]
    json_extension_array: Option<Value>,
    #[serde(default)]
    json_extension_key_array: Option<Value>,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

impl Param {
    fn message(&self) -> Result<Message, ApiError> {
        embedded("json_msg", &self.json_msg)
    }
}

/// A parameter given as a value or as JSON text of it.
fn embedded<T: serde::de::DeserializeOwned>(name: &str, value: &Value) -> Result<T, ApiError> {
    match value {
        Value::String(text) => parse_embedded(name, text),
        other => parse_embedded(name, &other.to_string()),
    }
}

/// A key to delete: TIM's native SDK takes the keys as strings, its Electron typings as
/// `MessageExtension` objects; both are read.
#[derive(Deserialize)]
#[serde(untagged)]
enum KeyItem {
    Key(String),
    Extension(MessageExtension),
}

async fn set(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: Param = parse("TIMMsgSetMessageExtensions", params)?;
    let message = param.message()?;
    let given = param.json_extension_array.as_ref().ok_or_else(|| {
        ApiError::invalid_parameter("TIMMsgSetMessageExtensions needs json_extension_array, the extensions to set")
    })?;
    let extensions: Vec<MessageExtension> = embedded("json_extension_array", given)?;
    let results = session.client()?.set_message_extensions(&message, &extensions).await?;
    Ok(Outcome::text_and_value(&results))
}

async fn get(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: Param = parse("TIMMsgGetMessageExtensions", params)?;
    let message = param.message()?;
    let extensions = session.client()?.get_message_extensions(&message).await?;
    Ok(Outcome::text_and_value(&extensions))
}

async fn delete(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: Param = parse("TIMMsgDeleteMessageExtensions", params)?;
    let message = param.message()?;
    let keys: Vec<KeyItem> = match &param.json_extension_key_array {
        Some(Value::Null) | None => Vec::new(),
        Some(given) => embedded("json_extension_key_array", given)?,
    };
    let keys: Vec<MessageExtension> = keys
        .into_iter()
        .map(|item| match item {
            KeyItem::Key(key) => MessageExtension { message_extension_key: key, ..MessageExtension::default() },
            KeyItem::Extension(extension) => extension,
        })
        .collect();
    let results = session.client()?.delete_message_extensions(&message, &keys).await?;
    Ok(Outcome::text_and_value(&results))
}
