//! `logout`: ends the session (TIM `TIMLogout`); the server closes the connection after answering.

use serde::{Deserialize, Serialize};

/// Parameters (none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

/// The answer: nothing.
pub type Response = super::Empty;
