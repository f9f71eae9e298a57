//! `ping`: the heartbeat; a connection that sends nothing for three intervals is closed.

use serde::{Deserialize, Serialize};

/// Parameters (none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The server's clock, in seconds.
    pub server_time: u64,
}

