//! `user_set_receipt_privacy`: a tincan addition; when on, the server reveals none of the user's
//! reads to anyone (see `docs/receipts.md`).

use serde::{Deserialize, Serialize};

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Whether the user's read receipts and read reports stay private.
    pub private: bool,
}

/// The answer: nothing.
pub type Response = super::Empty;
