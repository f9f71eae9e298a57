//! Rich media in TIM's Electron methods: an image, sound, file or video element whose `*_path`
//! names a local file is uploaded before its message is sent (progress through
//! `TIMSetMsgElemUploadProgressCallback`, cancelled by `TIMMsgCancelSend`), and
//! `TIMMsgDownloadElemToPath` saves what an element's URL names.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;
use serde_json::{Value, json};
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, ErrorCode, Message};
use tincan_sdk::Client;
use tincan_sdk::media::MediaType;

use super::Outcome;
use crate::params::parse;
use crate::session::Session;

/// The element keys of a local file and of the upload that replaces it, by element type.
const PATH_KEYS: &[(i32, &str, &str, MediaType)] = &[
    (1, "image_elem_orig_path", "image_elem_orig_id", MediaType::Image),
    (2, "sound_elem_file_path", "sound_elem_file_id", MediaType::Sound),
    (4, "file_elem_file_path", "file_elem_file_id", MediaType::File),
    (9, "video_elem_video_path", "video_elem_video_id", MediaType::Video),
    (9, "video_elem_image_path", "video_elem_image_id", MediaType::Image),
];

/// Sends whose uploads are running, by message ID, with the flag that cancels them.
fn running() -> &'static Mutex<HashMap<String, Arc<AtomicBool>>> {
    static RUNNING: OnceLock<Mutex<HashMap<String, Arc<AtomicBool>>>> = OnceLock::new();
    RUNNING.get_or_init(Mutex::default)
}

fn lock_running() -> std::sync::MutexGuard<'static, HashMap<String, Arc<AtomicBool>>> {
    running().lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Forgets a send's cancellation flag when its uploads end, however they end.
struct Running(String);

impl Drop for Running {
    fn drop(&mut self) {
        lock_running().remove(&self.0);
    }
}

/// Uploads every local file `message`'s elements name and puts the upload's ID in its place;
/// a failed or cancelled upload fails the send, which then sends nothing.
pub(super) async fn upload_paths(
    session: &Arc<Session>,
    client: &Client,
    message: &mut Message,
) -> Result<(), ApiError> {
    let mut jobs = Vec::new();
    for (index, elem) in message.message_elem_array.iter().enumerate() {
        let Some(elem_type) = elem.elem_type() else { continue };
        for (of_type, path_key, id_key, kind) in PATH_KEYS {
            let has_id = elem.0.get(*id_key).and_then(Value::as_str).is_some_and(|it| !it.is_empty());
            let path = elem.0.get(*path_key).and_then(Value::as_str).filter(|it| !it.is_empty());
            if *of_type == elem_type.0
                && !has_id
                && let Some(path) = path
            {
                jobs.push((index, *id_key, *kind, path.to_owned()));
            }
        }
    }
    if jobs.is_empty() {
        return Ok(());
    }
    // The message's ID is fixed before the upload, so that it can be cancelled and named in
    // progress reports while the upload runs.
    message.message_msg_id = client.prepare_message(message);
    let cancel = Arc::new(AtomicBool::new(false));
    lock_running().insert(message.message_msg_id.clone(), cancel.clone());
    let _running = Running(message.message_msg_id.clone());
    for (index, id_key, kind, path) in jobs {
        let bytes = std::fs::read(&path).map_err(|err| {
            ApiError::new(
                ErrorCode::FILE_NOT_FOUND,
                format!("message_elem_array[{index}]: cannot read {path:?}: {err}"),
            )
        })?;
        let name = std::path::Path::new(&path).file_name().and_then(|it| it.to_str()).unwrap_or("file").to_owned();
        if kind == MediaType::File && !message.message_elem_array[index].0.contains_key("file_elem_file_name") {
            message.message_elem_array[index].0.insert("file_elem_file_name".to_owned(), Value::from(name.clone()));
        }
        let text = serde_json::to_string(&*message).unwrap_or_default();
        let mut told = 0u64;
        let mut progress = |sent: u64, total: u64| {
            // At most about a hundred reports per file, and always the last.
            if sent == total || sent - told >= (total / 100).max(1) {
                told = sent;
                session.emit(json!({
                    "kind": "msg_elem_upload_progress",
                    "json_msg": text,
                    "index": index,
                    "cur_size": sent,
                    "total_size": total,
                }));
            }
        };
        let uploaded = client.upload_with_progress(kind, &name, &bytes, &mut progress, Some(&cancel)).await?;
        let id = uploaded.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        message.message_elem_array[index].0.insert(id_key.to_owned(), Value::from(id));
    }
    Ok(())
}

/// `MsgCancelSendParams`.
#[derive(Deserialize)]
struct CancelSendParam {
    #[serde(rename = "conv_id")]
    _conv_id: String,
    #[serde(rename = "conv_type")]
    _conv_type: ConvType,
    message_id: String,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

/// `TIMMsgCancelSend`: stops the uploads of a send in progress, which then fails and sends
/// nothing; a message whose uploads are over (sent, or failed) can no longer be cancelled (6017).
pub(super) async fn cancel_send(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: CancelSendParam = parse("TIMMsgCancelSend", params)?;
    session.client()?;
    match lock_running().get(&param.message_id) {
        Some(cancel) => {
            cancel.store(true, Ordering::Relaxed);
            Ok(Outcome::empty())
        }
        None => Err(ApiError::new(
            ErrorCode::INVALID_PARAMETERS,
            format!("message {:?} has no upload in progress to cancel", param.message_id),
        )),
    }
}

/// `Json_download_elem_param`.
#[derive(Deserialize)]
struct DownloadElem {
    #[serde(default, rename = "msg_download_elem_param_flag")]
    _flag: Option<u64>,
    #[serde(default, rename = "msg_download_elem_param_type")]
    _kind: Option<u64>,
    #[serde(default, rename = "msg_download_elem_param_id")]
    _id: Option<String>,
    #[serde(default, rename = "msg_download_elem_param_business_id")]
    _business_id: Option<u64>,
    msg_download_elem_param_url: String,
}

/// `MsgDownloadElemToPathParams`.
#[derive(Deserialize)]
struct DownloadParam {
    params: DownloadElem,
    path: String,
    #[serde(rename = "user_data", default)]
    _user_data: Option<String>,
}

/// `TIMMsgDownloadElemToPath`: saves what the element's URL names at `path`; the result's
/// `json_param` is TIM's download result (`msg_download_elem_result_current_size` and
/// `msg_download_elem_result_total_size`).
pub(super) async fn download_to_path(session: &Arc<Session>, params: &str) -> Result<Outcome, ApiError> {
    let param: DownloadParam = parse("TIMMsgDownloadElemToPath", params)?;
    let client = session.client()?;
    let bytes = client.download(&param.params.msg_download_elem_param_url).await?;
    std::fs::write(&param.path, &bytes)
        .map_err(|err| ApiError::new(ErrorCode::INVALID_PARAMETERS, format!("cannot write {:?}: {err}", param.path)))?;
    let size = bytes.len() as u64;
    Ok(Outcome::text(&json!({
        "msg_download_elem_result_current_size": size,
        "msg_download_elem_result_total_size": size,
    })))
}
