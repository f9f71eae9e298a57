//! `group_search_members`: finds members of the caller's groups by the start of their
//! identifier or of a word of their name card (TIM `TIMGroupSearchGroupMembers`).

use serde::{Deserialize, Serialize};

use crate::ids::GroupId;
use crate::objects::GroupMemberInfo;

/// `kTIMGroupMemberSearchFieldKey_Identifier`.
pub const FIELD_IDENTIFIER: u32 = 0x1;
/// `kTIMGroupMemberSearchFieldKey_NickName`.
pub const FIELD_NICK_NAME: u32 = 0x2;
/// `kTIMGroupMemberSearchFieldKey_Remark`.
pub const FIELD_REMARK: u32 = 0x4;
/// `kTIMGroupMemberSearchFieldKey_NameCard`.
pub const FIELD_NAME_CARD: u32 = 0x8;

/// Parameters: TIM's `MemberSearchParams`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The groups to search, which the caller must be in; empty for all its groups.
    #[serde(default)]
    pub group_search_member_params_groupid_list: Vec<GroupId>,
    /// 1 to 5 keywords; a member matches when each starts its identifier or a word of its name
    /// card (case aside).
    pub group_search_member_params_keyword_list: Vec<String>,
    /// `TIMGroupMemberSearchFieldKey` values; empty for all.
    #[serde(default)]
    pub group_search_member_params_field_list: Vec<u32>,
}

/// One group's matches: TIM's `SearchMemberResult`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupMembersFound {
    /// The group.
    pub group_search_member_result_groupid: String,
    /// Its matching members, in join order, at most 100.
    pub group_search_member_result_member_info_list: Vec<GroupMemberInfo>,
}

/// Result: per group with matches (TIM answers a bare array).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The groups with matches, by ID.
    pub results: Vec<GroupMembersFound>,
}
