//! `login`: the first request on a connection (TIM `TIMLogin`).
//!
//! After answering, the server replays every event of the user after `resume_pos` (or, for a
//! fresh device, after the `pos` it answered with), then sends a `synced` push, then live pushes.

use serde::{Deserialize, Serialize};

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The app.
    pub sdkappid: u64,
    /// The user logging in (checked by the server: 7003 when it breaks TIM's identifier rules).
    pub identifier: String,
    /// A TLSSigAPIv2 UserSig for that user, made with the app's key.
    pub user_sig: String,
    /// The position of the last event this device delivered; `None` for a fresh device.
    #[serde(default)]
    pub resume_pos: Option<u64>,
    /// `TIMPlatform` of the device (0 = other).
    #[serde(default)]
    pub platform: u32,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The account's number, the first part of each message ID it sends.
    pub tiny_id: u64,
    /// The server's newest event position now; a fresh device starts its stream here.
    pub pos: u64,
    /// The server's clock, in seconds.
    pub server_time: u64,
    /// How often the client should send `ping`, in milliseconds.
    pub heartbeat_interval_ms: u64,
}

