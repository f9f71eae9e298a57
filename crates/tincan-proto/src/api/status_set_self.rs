//! `status_set_self`: sets the caller's custom status text (TIM `TIMSetSelfStatus`); an empty
//! text clears it. The caller's devices and its subscribers get a `user_status` push.

use serde::{Deserialize, Serialize};

/// Parameters: TIM's `TIMUserStatus`, of which only the custom status is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The text, at most 100 bytes.
    #[serde(default)]
    pub user_status_custom_status: String,
}

/// The answer: nothing.
pub type Response = super::Empty;
