//! `group_create`: creates a group (TIM `TIMGroupCreate`); the caller becomes its owner.

use serde::{Deserialize, Serialize};

use crate::enums::{GroupType, MemberRole};
use crate::error::ApiError;
use crate::ids::{GroupId, UserId};

/// Parameters: TIM's `CreateGroupParam`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Request {
    /// The group's name (required, non-empty).
    pub create_group_param_group_name: String,
    /// A custom ID, or none (`""` on the wire) for one assigned by the server (`@TGS#...`).
    #[serde(with = "crate::ids::optional_group_id")]
    pub create_group_param_group_id: Option<GroupId>,
    /// The type; TIM's default is Public.
    pub create_group_param_group_type: GroupType,
    /// Initial members besides the owner.
    pub create_group_param_group_member_array: Vec<InitialMember>,
    /// The notice.
    pub create_group_param_notification: String,
    /// The introduction.
    pub create_group_param_introduction: String,
    /// The avatar.
    pub create_group_param_face_url: String,
    /// `TIMGroupAddOption`; default Any (2).
    pub create_group_param_add_option: Option<u32>,
    /// The invite option (TIM's approve option), a `TIMGroupAddOption`; default Any (2).
    pub create_group_param_approve_option: Option<u32>,
    /// A member cap below the type's cap; 0 means the type's cap.
    pub create_group_param_max_member_num: u32,
}

/// An initial member: TIM's `GroupMemberInfo` with the keys that matter on creation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "wire::InitialMember", into = "wire::InitialMember")]
pub struct InitialMember {
    /// The member's user ID.
    pub group_member_info_identifier: UserId,
    /// Normal (200) or Admin (300); 0 means Normal.
    pub group_member_info_member_role: MemberRole,
}

impl InitialMember {
    /// A member with `role`.
    pub fn new(user: UserId, role: MemberRole) -> InitialMember {
        InitialMember { group_member_info_identifier: user, group_member_info_member_role: role }
    }
}

mod wire {
    use serde::{Deserialize, Serialize};

    use crate::enums::MemberRole;

    /// An initial member as TIM writes it: every key may be left out, and a member without an
    /// identifier is refused with 7003 like any other identifier that is not one.
    #[derive(Default, Serialize, Deserialize)]
    #[serde(default)]
    pub(super) struct InitialMember {
        pub(super) group_member_info_identifier: String,
        pub(super) group_member_info_member_role: MemberRole,
    }
}

impl TryFrom<wire::InitialMember> for InitialMember {
    type Error = ApiError;

    fn try_from(member: wire::InitialMember) -> Result<InitialMember, ApiError> {
        let user = UserId::parse(&member.group_member_info_identifier)?;
        Ok(InitialMember::new(user, member.group_member_info_member_role))
    }
}

impl From<InitialMember> for wire::InitialMember {
    fn from(member: InitialMember) -> wire::InitialMember {
        wire::InitialMember {
            group_member_info_identifier: member.group_member_info_identifier.as_str().to_owned(),
            group_member_info_member_role: member.group_member_info_member_role,
        }
    }
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The new group's ID.
    pub create_group_result_groupid: String,
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::frame::parse_data;

    fn parse(data: serde_json::Value) -> Result<Request, ApiError> {
        parse_data(Some(&serde_json::value::to_raw_value(&data).unwrap()))
    }

    #[test]
    fn identifiers_are_read_with_the_request() {
        let request = parse(serde_json::json!({
            "create_group_param_group_name": "team",
            "create_group_param_group_id": "",
            "create_group_param_group_member_array": [{"group_member_info_identifier": "bob"}]
        }))
        .unwrap();
        assert_eq!(request.create_group_param_group_id, None);
        assert_eq!(request.create_group_param_group_member_array[0].group_member_info_identifier.as_str(), "bob");
        let written = serde_json::to_value(&request).unwrap();
        assert_eq!(written["create_group_param_group_id"], "");
        assert_eq!(written["create_group_param_group_member_array"][0]["group_member_info_identifier"], "bob");
        let code = |data: serde_json::Value| parse(data).unwrap_err().code;
        assert_eq!(code(serde_json::json!({"create_group_param_group_id": "a b"})), ErrorCode::GROUP_INVALID_ID);
        // A member without an identifier has an empty one, as TIM reads it.
        let member_without_id = serde_json::json!({"create_group_param_group_member_array": [{}]});
        assert_eq!(code(member_without_id), ErrorCode::INVALID_IDENTIFIER);
    }
}
