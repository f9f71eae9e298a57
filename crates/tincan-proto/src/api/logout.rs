//! `logout`: ends the session (TIM `TIMLogout`); the server closes the connection after answering.

use serde::{Deserialize, Serialize};

/// Parameters (none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {}

impl super::Operation for Request {
    const OP: &'static str = "logout";
    type Response = super::Empty;
}
