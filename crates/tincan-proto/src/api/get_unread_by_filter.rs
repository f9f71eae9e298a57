//! `conv_get_unread_by_filter`: the unread count of the user's conversations that pass a filter
//! (TIM `TIMConvGetUnreadMessageCountByFilter`).

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConvListFilter;

/// Parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The filter (its page keys are not used).
    pub filter: ConvListFilter,
}

/// Result.
pub type Response = super::get_total_unread::Response;
