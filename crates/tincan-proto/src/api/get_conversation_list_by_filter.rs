//! `conv_get_list_by_filter`: a page of the user's conversations that pass a filter (TIM
//! `TIMConvGetConversationListByFilter`), in list order: pinned first, then newest activity.
//!
//! The first page has `conversation_list_filter_next_seq` 0; each answer's `next_seq` starts
//! the next page, until `is_finished`.

use serde::{Deserialize, Serialize};

use crate::conv_manage::ConvListFilter;
use crate::objects::ConvInfo;

/// Parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The filter and the page.
    pub filter: ConvListFilter,
}

/// Result: TIM's `TIMConversationListResult`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The page.
    pub conversation_list_result_conv_list: Vec<ConvInfo>,
    /// Where the next page starts.
    pub conversation_list_result_next_seq: u64,
    /// Whether this is the last page.
    pub conversation_list_result_is_finished: bool,
}
