//! Rich media: uploading content for an image, sound, file or video element, and downloading
//! what a message's URL names, over plain HTTP to the server the client is connected to.
//!
//! An upload answers an ID; a message's element names it (`image_elem_orig_id`,
//! `sound_elem_file_id`, `file_elem_file_id`, `video_elem_video_id`, `video_elem_image_id`),
//! and the server fills in the element's download URLs when the message is sent.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use tincan_proto::{ApiError, ErrorCode, limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::Client;

/// What an upload is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// An image element's picture (JPEG, PNG, GIF or WebP, at most 28 MB).
    Image,
    /// A sound element's audio (at most 28 MB).
    Sound,
    /// A file element's file (at most 100 MB).
    File,
    /// A video element's video (at most 100 MB).
    Video,
}

impl MediaType {
    /// The name the upload endpoint takes.
    pub fn name(self) -> &'static str {
        match self {
            MediaType::Image => "image",
            MediaType::Sound => "sound",
            MediaType::File => "file",
            MediaType::Video => "video",
        }
    }

    /// The largest upload of this type, in bytes.
    pub fn bytes_max(self) -> usize {
        match self {
            MediaType::Image => limits::MEDIA_IMAGE_BYTES_MAX,
            MediaType::Sound => limits::MEDIA_SOUND_BYTES_MAX,
            MediaType::File => limits::MEDIA_FILE_BYTES_MAX,
            MediaType::Video => limits::MEDIA_VIDEO_BYTES_MAX,
        }
    }
}

/// Bytes written between two progress reports (and cancellation checks) of an upload.
const UPLOAD_CHUNK_BYTES: usize = 64 * 1024;

fn network(address: &str) -> impl Fn(std::io::Error) -> ApiError + '_ {
    move |err| ApiError::new(ErrorCode::NET_DISCONNECTED, format!("HTTP to {address}: {err}"))
}

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

/// Reads an HTTP/1.1 answer to its end: the status and the body.
async fn read_answer(stream: &mut TcpStream, address: &str, body_max: usize) -> Result<(u16, Vec<u8>), ApiError> {
    let mut raw = Vec::new();
    stream.take(body_max as u64 + 64 * 1024).read_to_end(&mut raw).await.map_err(network(address))?;
    let split = raw.windows(4).position(|it| it == b"\r\n\r\n").ok_or_else(|| {
        ApiError::new(ErrorCode::NET_DISCONNECTED, format!("HTTP to {address}: the answer ended early"))
    })?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let mut body = raw.split_off(split + 4);
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Ok((status, body))
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|it| it == b"\r\n") {
        let Some(size) =
            std::str::from_utf8(&body[..end]).ok().and_then(|it| usize::from_str_radix(it.trim(), 16).ok())
        else {
            break;
        };
        let rest = &body[end + 2..];
        if size == 0 || rest.len() < size {
            break;
        }
        out.extend_from_slice(&rest[..size]);
        body = rest[size..].strip_prefix(b"\r\n").unwrap_or(&rest[size..]);
    }
    out
}

/// The server's error in a media answer (`{"code", "desc"}`), or a description of the status.
fn answer_error(status: u16, body: &[u8]) -> ApiError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let code = parsed.as_ref().and_then(|it| it.get("code")).and_then(Value::as_u64).unwrap_or(0);
    let desc = parsed.as_ref().and_then(|it| it.get("desc")).and_then(Value::as_str).unwrap_or_default();
    if code == 0 {
        return ApiError::new(
            ErrorCode::SDK_INTERNAL_ERROR,
            format!("HTTP {status}: {}", String::from_utf8_lossy(body)),
        );
    }
    ApiError::new(ErrorCode(u32::try_from(code).unwrap_or(u32::MAX)), desc)
}

impl Client {
    /// Uploads `bytes` for an element of type `kind` (TIM uploads an element's `*_path` when
    /// its message is sent); answers the server's description of the upload, whose `id` the
    /// element names. Fails with 7005 past the type's size limit and 4004 for an image the
    /// server cannot read.
    pub async fn upload(&self, kind: MediaType, name: &str, bytes: &[u8]) -> Result<Value, ApiError> {
        self.upload_with_progress(kind, name, bytes, &mut |_, _| {}, None).await
    }

    /// [`Client::upload`], telling `progress` the bytes sent and the total after every chunk;
    /// when `cancel` becomes true the upload stops and fails with 7014 (`INVALID_OPERATION`),
    /// and the server stores nothing of it.
    pub async fn upload_with_progress(
        &self,
        kind: MediaType,
        name: &str,
        bytes: &[u8],
        progress: &mut (dyn FnMut(u64, u64) + Send),
        cancel: Option<&AtomicBool>,
    ) -> Result<Value, ApiError> {
        if bytes.len() > kind.bytes_max() {
            return Err(ApiError::new(
                ErrorCode::FILE_TOO_LARGE,
                format!(
                    "{name:?} is {} bytes; a {} may be at most {} bytes",
                    bytes.len(),
                    kind.name(),
                    kind.bytes_max()
                ),
            ));
        }
        let address = self.shared.http_address.as_str();
        let path = format!(
            "/media/upload?sdkappid={}&identifier={}&usersig={}&type={}&name={}",
            self.shared.sdkappid,
            encode(self.shared.user_id.as_str()),
            encode(&self.shared.user_sig),
            kind.name(),
            encode(name)
        );
        let mut stream = TcpStream::connect(address).await.map_err(network(address))?;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            bytes.len()
        );
        stream.write_all(head.as_bytes()).await.map_err(network(address))?;
        let total = bytes.len() as u64;
        let mut sent = 0u64;
        for chunk in bytes.chunks(UPLOAD_CHUNK_BYTES) {
            if cancel.is_some_and(|it| it.load(Ordering::Relaxed)) {
                return Err(ApiError::new(
                    ErrorCode::INVALID_OPERATION,
                    format!("the upload of {name:?} was cancelled"),
                ));
            }
            if let Err(err) = stream.write_all(chunk).await {
                // The server may refuse before it has read the whole body (a quota that the
                // announced length cannot fit) and close; its answer says why.
                return match read_answer(&mut stream, address, 1024 * 1024).await {
                    Ok((status, body)) if status != 200 => Err(answer_error(status, &body)),
                    _ => Err(network(address)(err)),
                };
            }
            sent += chunk.len() as u64;
            progress(sent, total);
        }
        let (status, body) = read_answer(&mut stream, address, 1024 * 1024).await?;
        if status != 200 {
            return Err(answer_error(status, &body));
        }
        serde_json::from_slice(&body).map_err(|err| {
            ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, format!("the upload's answer is not JSON: {err}"))
        })
    }

    /// Downloads what a message element's URL names (`image_elem_thumb_url`, `file_elem_url`,
    /// ...); an expired or altered URL fails with the server's refusal.
    pub async fn download(&self, url: &str) -> Result<Vec<u8>, ApiError> {
        download(url).await
    }
}

/// Downloads an `http://` URL of a tincan server's media.
pub async fn download(url: &str) -> Result<Vec<u8>, ApiError> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        ApiError::new(ErrorCode::INVALID_PARAMETERS, format!("{url:?} is not an http:// URL of a tincan server"))
    })?;
    let (address, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(address).await.map_err(network(address))?;
    let head = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.map_err(network(address))?;
    let (status, body) = read_answer(&mut stream, address, limits::MEDIA_FILE_BYTES_MAX).await?;
    if status != 200 {
        return Err(answer_error(status, &body));
    }
    Ok(body)
}
