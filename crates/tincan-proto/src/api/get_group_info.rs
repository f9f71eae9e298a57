//! `group_get_info`: details of groups (TIM `TIMGroupGetGroupInfoList`).

use serde::{Deserialize, Serialize};

use crate::objects::GetGroupInfoResult;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The groups, at most 50.
    pub group_ids: Vec<String>,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One entry per group, in the order asked.
    pub results: Vec<GetGroupInfoResult>,
}

