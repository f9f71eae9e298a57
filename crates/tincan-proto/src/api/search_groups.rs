//! `group_search_groups`: finds groups by the words of their ID or name (TIM
//! `TIMGroupSearchGroups`): the caller's groups, and searchable groups whose ID is a keyword.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, ListedId};
use crate::objects::GroupDetailInfo;

/// `kTIMGroupSearchFieldKey_GroupId`.
pub const FIELD_GROUP_ID: u32 = 0x1;
/// `kTIMGroupSearchFieldKey_GroupName`.
pub const FIELD_GROUP_NAME: u32 = 0x2;

/// Parameters: TIM's `GroupSearchParams`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// 1 to 5 keywords; a group matches when each is contained in one of the searched fields
    /// (case aside). Each is also read as a group ID, which a keyword need not be.
    pub group_search_params_keyword_list: Vec<ListedId<GroupId>>,
    /// `TIMGroupSearchFieldKey` values; empty for both.
    #[serde(default)]
    pub group_search_params_field_list: Vec<u32>,
}

/// Result: the groups found (TIM answers a bare array of `GroupInfo`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The groups, by ID.
    pub groups: Vec<GroupDetailInfo>,
}
