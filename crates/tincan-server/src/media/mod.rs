//! Rich media: the upload and download endpoints, and the keeper of uploaded content.
//!
//! - `POST /media/upload?sdkappid=&identifier=&usersig=&type=image|sound|file|video&name=`: the
//!   body is the content; the UserSig is checked as a login checks it. The answer is the
//!   upload's ID, which a message's element names (`image_elem_orig_id`, ...).
//! - `GET /media/<sdkappid>/<id>/<orig|large|thumb>?conv=&expires=&sign=`: a download URL, as a
//!   message's elements carry it: signed with the app's key (HMAC-SHA256) for one conversation,
//!   and working until `expires` (Unix seconds).
//!
//! `store` keeps the bytes ([`store::ContentStore`]: the local disk under the data directory,
//! or an S3-compatible bucket). An app may store at most its quota of bytes, when the server
//! sets one ([`crate::Server::set_media_quota`]): every size of every upload counts, and an
//! upload that would pass it is refused with 7005 and HTTP 507.

mod images;
pub(crate) mod store;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;
use tincan_engine::media::{MediaKind, MediaLinker};
use tincan_proto::message::Elem;
use tincan_proto::{ApiError, Conv, ErrorCode, GroupId, UserId, limits};

use crate::AppContext;
use store::{ContentStore, Variant};

/// One complete upload, as indexed in memory.
#[derive(Clone, Debug)]
struct Upload {
    owner: UserId,
    kind: MediaKind,
    content_type: String,
    name: String,
    size: u64,
    image: Option<images::ImageInfo>,
}

impl Upload {
    /// The bytes its sizes take together.
    fn stored_bytes(&self) -> u64 {
        match &self.image {
            Some(image) => [Variant::Orig, Variant::Large, Variant::Thumb].into_iter().map(|it| image.size(it).2).sum(),
            None => self.size,
        }
    }
}

/// The bytes each app stores, and the most an app may store (0: no limit).
#[derive(Default)]
struct Quota {
    per_app: AtomicU64,
    used: Mutex<HashMap<u64, u64>>,
}

impl Quota {
    fn used(&self) -> std::sync::MutexGuard<'_, HashMap<u64, u64>> {
        self.used.lock().unwrap_or_else(|it| it.into_inner())
    }

    /// Counts `bytes` for `sdkappid` if they fit its quota; the reservation gives them back
    /// when dropped unless it is kept.
    fn reserve(&self, sdkappid: u64, bytes: u64) -> Result<Reservation<'_>, ApiError> {
        let per_app = self.per_app.load(Ordering::Relaxed);
        let mut used = self.used();
        let stored = used.entry(sdkappid).or_default();
        if per_app != 0 && stored.saturating_add(bytes) > per_app {
            return Err(ApiError::new(
                ErrorCode::FILE_TOO_LARGE,
                format!(
                    "app {sdkappid} stores {stored} bytes of media and its quota is {per_app}: an upload of {bytes} \
                     bytes does not fit"
                ),
            ));
        }
        *stored += bytes;
        Ok(Reservation { quota: self, sdkappid, bytes, kept: false })
    }

    /// Counts bytes already stored (an image's derived sizes, made after its reservation).
    fn add(&self, sdkappid: u64, bytes: u64) {
        *self.used().entry(sdkappid).or_default() += bytes;
    }
}

/// Bytes counted against an app's quota for an upload under way.
struct Reservation<'a> {
    quota: &'a Quota,
    sdkappid: u64,
    bytes: u64,
    kept: bool,
}

impl Reservation<'_> {
    /// The upload is stored: its bytes stay counted.
    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.kept {
            let mut used = self.quota.used();
            let stored = used.entry(self.sdkappid).or_default();
            *stored = stored.saturating_sub(self.bytes);
        }
    }
}

/// The keeper of uploaded content: its store, an index of complete uploads, and the address
/// its URLs start with.
pub(crate) struct Media {
    store: Box<dyn ContentStore>,
    index: RwLock<HashMap<(u64, String), Upload>>,
    base_url: String,
    quota: Quota,
}

fn kind_name(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "image",
        MediaKind::Sound => "sound",
        MediaKind::File => "file",
        MediaKind::Video => "video",
    }
}

fn parse_kind(text: &str) -> Option<MediaKind> {
    match text {
        "image" => Some(MediaKind::Image),
        "sound" => Some(MediaKind::Sound),
        "file" => Some(MediaKind::File),
        "video" => Some(MediaKind::Video),
        _ => None,
    }
}

fn size_limit(kind: MediaKind) -> usize {
    match kind {
        MediaKind::Image => limits::MEDIA_IMAGE_BYTES_MAX,
        MediaKind::Sound => limits::MEDIA_SOUND_BYTES_MAX,
        MediaKind::File => limits::MEDIA_FILE_BYTES_MAX,
        MediaKind::Video => limits::MEDIA_VIDEO_BYTES_MAX,
    }
}

/// The conversation a URL is signed for, as its `conv` parameter writes it.
fn conv_param(conv: &Conv) -> String {
    match conv {
        Conv::C2c(peer) => format!("c2c:{}", peer.as_str()),
        Conv::Group(group) => format!("group:{}", group.as_str()),
    }
}

fn parse_conv_param(text: &str) -> Option<Conv> {
    if let Some(peer) = text.strip_prefix("c2c:") {
        return UserId::parse(peer).ok().map(Conv::C2c);
    }
    text.strip_prefix("group:").and_then(|group| GroupId::parse(group).ok()).map(Conv::Group)
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn mac(key: &str, sdkappid: u64, id: &str, variant: Variant, conv: &str, expires: u64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("tincan-media\n{sdkappid}\n{id}\n{}\n{conv}\n{expires}", variant.name()).as_bytes());
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok()).collect()
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_secs())
}

impl Media {
    /// Opens the content under `store` and indexes its complete uploads; URLs start with
    /// `base_url` (`http://host:port`).
    pub(crate) async fn open(store: Box<dyn ContentStore>, base_url: String) -> std::io::Result<Media> {
        let mut index = HashMap::new();
        let quota = Quota::default();
        for (sdkappid, id, meta) in store.list_meta().await? {
            match parse_meta(&meta) {
                Some(upload) => {
                    quota.add(sdkappid, upload.stored_bytes());
                    index.insert((sdkappid, id), upload);
                }
                None => tracing::warn!(sdkappid, id, "an upload's description does not parse; it is not served"),
            }
        }
        Ok(Media { store, index: RwLock::new(index), base_url, quota })
    }

    /// Sets the most bytes of media each app may store (`None`: no limit).
    pub(crate) fn set_quota(&self, bytes_per_app: Option<u64>) {
        self.quota.per_app.store(bytes_per_app.unwrap_or(0), Ordering::Relaxed);
    }

    fn upload(&self, sdkappid: u64, id: &str) -> Option<Upload> {
        self.index.read().unwrap_or_else(|it| it.into_inner()).get(&(sdkappid, id.to_owned())).cloned()
    }

    /// A download URL for `variant` of upload `id`, signed for `conv` until `expires`.
    fn url(&self, key: &str, sdkappid: u64, id: &str, variant: Variant, conv: &Conv, expires: u64) -> String {
        let conv = conv_param(conv);
        let sign = hex(&mac(key, sdkappid, id, variant, &conv, expires).finalize().into_bytes());
        format!(
            "{}/media/{sdkappid}/{id}/{}?conv={}&expires={expires}&sign={sign}",
            self.base_url,
            variant.name(),
            encode(&conv)
        )
    }
}

fn parse_meta(text: &str) -> Option<Upload> {
    let value: Value = serde_json::from_str(text).ok()?;
    Some(Upload {
        owner: UserId::parse(value.get("owner")?.as_str()?).ok()?,
        kind: parse_kind(value.get("kind")?.as_str()?)?,
        content_type: value.get("content_type")?.as_str()?.to_owned(),
        name: value.get("name")?.as_str()?.to_owned(),
        size: value.get("size")?.as_u64()?,
        image: match value.get("image") {
            None | Some(Value::Null) => None,
            Some(image) => Some(images::ImageInfo::from_json(image)?),
        },
    })
}

fn meta_json(upload: &Upload) -> Value {
    json!({
        "owner": upload.owner.as_str(),
        "kind": kind_name(upload.kind),
        "content_type": upload.content_type,
        "name": upload.name,
        "size": upload.size,
        "image": upload.image.as_ref().map(images::ImageInfo::to_json),
    })
}

impl MediaLinker for Media {
    fn link(
        &self,
        sdkappid: u64,
        app_key: &str,
        sender: &UserId,
        conv: &Conv,
        key: &str,
        id: &str,
        kinds: &[MediaKind],
        elem: &mut Elem,
    ) -> Result<(), ApiError> {
        let upload = self.upload(sdkappid, id).filter(|upload| upload.owner == *sender).ok_or_else(|| {
            ApiError::new(ErrorCode::MEDIA_NOT_UPLOADED, format!("{id:?} was not uploaded by {sender}"))
        })?;
        if !kinds.contains(&upload.kind) {
            return Err(ApiError::new(
                ErrorCode::MEDIA_NOT_UPLOADED,
                format!("{id:?} was uploaded as {}, which this element cannot carry", kind_name(upload.kind)),
            ));
        }
        let expires = now() + limits::MEDIA_URL_LIFETIME_SECONDS;
        let url = |variant| Value::String(self.url(app_key, sdkappid, id, variant, conv, expires));
        let named = elem.0.get("file_elem_file_name").and_then(Value::as_str).is_some_and(|it| !it.is_empty());
        let map = &mut elem.0;
        let mut set = |name: &str, value: Value| {
            map.insert(name.to_owned(), value);
        };
        match key {
            "image_elem_orig_id" => {
                let image = upload
                    .image
                    .as_ref()
                    .ok_or_else(|| ApiError::new(ErrorCode::MEDIA_NOT_UPLOADED, format!("{id:?} is not an image")))?;
                set("image_elem_format", Value::from(image.format));
                for (variant, prefix) in [(Variant::Orig, "orig"), (Variant::Large, "large"), (Variant::Thumb, "thumb")]
                {
                    let (width, height, bytes) = image.size(variant);
                    set(&format!("image_elem_{prefix}_id"), Value::from(id));
                    set(&format!("image_elem_{prefix}_url"), url(variant));
                    set(&format!("image_elem_{prefix}_pic_width"), Value::from(width));
                    set(&format!("image_elem_{prefix}_pic_height"), Value::from(height));
                    set(&format!("image_elem_{prefix}_pic_size"), Value::from(bytes));
                }
            }
            "sound_elem_file_id" => {
                set("sound_elem_url", url(Variant::Orig));
                set("sound_elem_file_size", Value::from(upload.size));
            }
            "file_elem_file_id" => {
                set("file_elem_url", url(Variant::Orig));
                set("file_elem_file_size", Value::from(upload.size));
                if !named {
                    set("file_elem_file_name", Value::from(upload.name.clone()));
                }
            }
            "video_elem_video_id" => {
                set("video_elem_video_url", url(Variant::Orig));
                set("video_elem_video_size", Value::from(upload.size));
            }
            "video_elem_image_id" => {
                set("video_elem_image_url", url(Variant::Orig));
                set("video_elem_image_size", Value::from(upload.size));
                if let Some(image) = &upload.image {
                    let (width, height, _) = image.size(Variant::Orig);
                    set("video_elem_image_width", Value::from(width));
                    set("video_elem_image_height", Value::from(height));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn is_own_url(&self, url: &str) -> bool {
        url.starts_with(&format!("{}/media/", self.base_url))
    }
}

/// An answer of the media endpoints: TIM's `code` and `desc`, with an HTTP status.
fn refuse(status: StatusCode, error: &ApiError) -> Response {
    let body = json!({"code": error.code.0, "desc": error.desc});
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn bad_param(desc: impl Into<String>) -> Response {
    refuse(StatusCode::BAD_REQUEST, &ApiError::new(ErrorCode::INVALID_PARAMETERS, desc))
}

/// `OPTIONS /media/upload`: the browser's question before a web page served elsewhere uploads.
/// Any origin may: the UserSig in the query, not a cookie, is what authenticates an upload.
pub(crate) async fn upload_preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::ACCESS_CONTROL_ALLOW_METHODS, "POST"),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"),
            (header::ACCESS_CONTROL_MAX_AGE, "86400"),
        ],
    )
        .into_response()
}

/// `POST /media/upload`, whose answer any origin may read (see [`upload_preflight`]).
pub(crate) async fn upload(
    context: State<AppContext>,
    query: Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Response {
    let mut response = store_posted(context, query, headers, body).await;
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
    response
}

async fn store_posted(
    State(context): State<AppContext>,
    Query(query): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Response {
    let param = |name: &str| query.get(name).map(String::as_str).unwrap_or("");
    let Ok(sdkappid) = param("sdkappid").parse::<u64>() else {
        return bad_param("sdkappid is missing or not a number");
    };
    let Some(kind) = parse_kind(param("type")) else {
        return bad_param("type must be image, sound, file or video");
    };
    // The SDKAppID is checked before the identifier, as a login checks them.
    if context.engine.media_key(sdkappid).is_none() {
        let desc = format!("SDKAppID {sdkappid} does not exist on this server");
        return refuse(StatusCode::UNAUTHORIZED, &ApiError::new(ErrorCode::SDKAPPID_NOT_FOUND, desc));
    }
    let owner = match UserId::parse(param("identifier")) {
        Ok(owner) => owner,
        Err(error) => return refuse(StatusCode::BAD_REQUEST, &error),
    };
    if let Err(error) = context.engine.verify_user(sdkappid, &owner, param("usersig")) {
        return refuse(StatusCode::UNAUTHORIZED, &error);
    }
    let limit = size_limit(kind);
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let error = ApiError::new(
                ErrorCode::FILE_TOO_LARGE,
                format!(
                    "a {} upload may be at most {limit} bytes, or its body did not arrive in time",
                    kind_name(kind)
                ),
            );
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, &error);
        }
    };
    if bytes.is_empty() {
        return bad_param("the upload is empty");
    }
    let media = context.media.clone();
    let reservation = match media.quota.reserve(sdkappid, bytes.len() as u64) {
        Ok(reservation) => reservation,
        Err(error) => return refuse(StatusCode::INSUFFICIENT_STORAGE, &error),
    };
    let name = param("name").to_owned();
    let given_type = headers.get(header::CONTENT_TYPE).and_then(|it| it.to_str().ok()).unwrap_or("").to_owned();
    let stored = store_upload(&media, sdkappid, owner, kind, name, given_type, bytes.to_vec()).await;
    match stored {
        Ok((id, upload)) => {
            reservation.keep();
            // An image's derived sizes count once made (they may take it a little past the quota).
            media.quota.add(sdkappid, upload.stored_bytes().saturating_sub(upload.size));
            let mut answer = meta_json(&upload);
            if let Some(map) = answer.as_object_mut() {
                map.remove("owner");
                map.insert("code".to_owned(), Value::from(0));
                map.insert("desc".to_owned(), Value::from(""));
                map.insert("id".to_owned(), Value::from(id));
            }
            ([(header::CONTENT_TYPE, "application/json")], answer.to_string()).into_response()
        }
        Err((status, error)) => refuse(status, &error),
    }
}

fn internal(cause: String) -> ApiError {
    tracing::error!(cause, "storing an upload failed");
    ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, "the upload could not be stored; the server log has the cause")
}

async fn store_upload(
    media: &Media,
    sdkappid: u64,
    owner: UserId,
    kind: MediaKind,
    name: String,
    given_type: String,
    bytes: Vec<u8>,
) -> Result<(String, Upload), (StatusCode, ApiError)> {
    let id = {
        let mut raw = [0u8; 16];
        rand::fill(&mut raw);
        hex(&raw)
    };
    let fail = |err: std::io::Error| (StatusCode::INTERNAL_SERVER_ERROR, internal(err.to_string()));
    let (content_type, image, size) = if kind == MediaKind::Image {
        let (bytes, made) = tokio::task::spawn_blocking(move || {
            let made = images::derive(&bytes);
            (bytes, made)
        })
        .await
        .map_err(|err| (StatusCode::INTERNAL_SERVER_ERROR, internal(err.to_string())))?;
        let made =
            made.map_err(|desc| (StatusCode::BAD_REQUEST, ApiError::new(ErrorCode::MEDIA_INVALID_IMAGE, desc)))?;
        media.store.put(sdkappid, &id, Variant::Large, made.large).await.map_err(fail)?;
        media.store.put(sdkappid, &id, Variant::Thumb, made.thumb).await.map_err(fail)?;
        let size = bytes.len() as u64;
        media.store.put(sdkappid, &id, Variant::Orig, bytes).await.map_err(fail)?;
        (made.content_type.to_owned(), Some(made.info), size)
    } else {
        let content_type = if given_type.is_empty() { "application/octet-stream".to_owned() } else { given_type };
        let size = bytes.len() as u64;
        media.store.put(sdkappid, &id, Variant::Orig, bytes).await.map_err(fail)?;
        (content_type, None, size)
    };
    let upload = Upload { owner, kind, content_type, name, size, image };
    media.store.put_meta(sdkappid, &id, meta_json(&upload).to_string()).await.map_err(fail)?;
    media.index.write().unwrap_or_else(|it| it.into_inner()).insert((sdkappid, id.clone()), upload.clone());
    Ok((id, upload))
}

/// `GET /media/<sdkappid>/<id>/<variant>`.
pub(crate) async fn download(
    State(context): State<AppContext>,
    Path((sdkappid, id, variant)): Path<(u64, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let forbidden = |desc: &str| refuse(StatusCode::FORBIDDEN, &ApiError::new(ErrorCode::INVALID_PARAMETERS, desc));
    let not_found = || {
        refuse(StatusCode::NOT_FOUND, &ApiError::new(ErrorCode::MEDIA_NOT_UPLOADED, "no such content is served here"))
    };
    let Some(variant) = Variant::parse(&variant) else { return not_found() };
    let conv_text = query.get("conv").cloned().unwrap_or_default();
    let Some(expires) = query.get("expires").and_then(|it| it.parse::<u64>().ok()) else {
        return forbidden("the URL has no valid expires");
    };
    let Some(sign) = query.get("sign").and_then(|it| unhex(it)) else {
        return forbidden("the URL has no valid sign");
    };
    let Some(key) = context.engine.media_key(sdkappid) else { return not_found() };
    if mac(&key, sdkappid, &id, variant, &conv_text, expires).verify_slice(&sign).is_err() {
        return forbidden("the URL's signature does not verify");
    }
    if expires < now() {
        return forbidden("the URL has expired");
    }
    let Some(conv) = parse_conv_param(&conv_text) else { return forbidden("the URL names no conversation") };
    let Some(upload) = context.media.upload(sdkappid, &id) else { return not_found() };
    if !context.engine.media_visible(sdkappid, &upload.owner, &conv) {
        return not_found();
    }
    let read = context.media.store.get(sdkappid, &id, variant).await;
    let content_type = match (&upload.image, variant) {
        (Some(image), Variant::Large | Variant::Thumb) => image.derived_type().to_owned(),
        _ => upload.content_type.clone(),
    };
    match read {
        Ok(Some(bytes)) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        Ok(None) => not_found(),
        Err(err) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &internal(err.to_string())),
    }
}
