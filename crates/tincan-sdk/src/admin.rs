//! A client for the REST API (TIM's server API and tincan's admin commands), over plain HTTP.
//!
//! The REST API is for an app's back end and for operators; it authenticates every request with
//! the app administrator's UserSig in the query string, as TIM does.

use serde_json::Value;
use tincan_proto::{ApiError, ErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The largest REST answer read, in bytes.
const RESPONSE_BYTES_MAX: usize = 16 * 1024 * 1024;

/// Calls `/v4/<service>/<command>` as an app's administrator.
#[derive(Clone, Debug)]
pub struct AdminClient {
    /// `host:port` of the server.
    pub address: String,
    /// The app.
    pub sdkappid: u64,
    /// The administrator's identifier.
    pub identifier: String,
    /// A UserSig for the administrator.
    pub user_sig: String,
}

impl AdminClient {
    /// Sends one command; returns the whole JSON answer when `ActionStatus` is `OK`.
    pub async fn call(&self, service: &str, command: &str, body: &Value) -> Result<Value, ApiError> {
        let answer = self.call_raw(service, command, &body.to_string()).await?;
        if answer.get("ActionStatus").and_then(Value::as_str) == Some("OK") {
            return Ok(answer);
        }
        let code = answer.get("ErrorCode").and_then(Value::as_u64).unwrap_or(0);
        let info = answer.get("ErrorInfo").and_then(Value::as_str).unwrap_or_default();
        Err(ApiError::new(ErrorCode(u32::try_from(code).unwrap_or(u32::MAX)), info))
    }

    /// Sends one command with a body as given; returns the JSON answer whatever its status.
    pub async fn call_raw(&self, service: &str, command: &str, body: &str) -> Result<Value, ApiError> {
        let random: u32 = rand::random();
        let path = format!(
            "/v4/{service}/{command}?sdkappid={}&identifier={}&usersig={}&random={random}&contenttype=json",
            self.sdkappid, self.identifier, self.user_sig
        );
        let (status, text) = post(&self.address, &path, body).await?;
        serde_json::from_str(&text).map_err(|err| {
            ApiError::new(
                ErrorCode::SDK_INTERNAL_ERROR,
                format!("HTTP {status}: the answer is not JSON ({err}): {text}"),
            )
        })
    }
}

/// A minimal HTTP/1.1 POST: one request per connection, the answer read to its end.
pub async fn post(address: &str, path: &str, body: &str) -> Result<(u16, String), ApiError> {
    let network = |err: std::io::Error| ApiError::new(ErrorCode::NET_DISCONNECTED, format!("HTTP to {address}: {err}"));
    let mut stream = TcpStream::connect(address).await.map_err(network)?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.map_err(network)?;
    let mut raw = Vec::new();
    stream.take(RESPONSE_BYTES_MAX as u64).read_to_end(&mut raw).await.map_err(network)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_owned() };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}
