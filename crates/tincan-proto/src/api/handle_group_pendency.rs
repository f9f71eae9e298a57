//! `group_handle_pendency`: the owner or an admin accepts or refuses a request to join, or an
//! invitation waiting for approval (TIM `TIMGroupHandlePendency`); an accepted applicant or
//! invitee joins the group.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, UserId, blank_as_none};

/// Parameters: TIM's `HandlePendencyParams.params`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Accept (`true`) or refuse (`false`, TIM's default).
    #[serde(default)]
    pub group_handle_pendency_param_is_accept: bool,
    /// A message for the applicant.
    #[serde(default)]
    pub group_handle_pendency_param_handle_msg: String,
    /// The request, as `group_get_pendency_list` gave it; its group and applicant name it.
    pub group_handle_pendency_param_pendency: PendencyRef,
}

/// `TIMGroupPendencyType` of a request to join (`kTIMGroupPendency_RequestJoin`).
pub const PENDENCY_REQUEST_JOIN: u32 = 0;
/// `TIMGroupPendencyType` of an invitation waiting for approval (`kTIMGroupPendency_InviteJoin`).
pub const PENDENCY_INVITE_JOIN: u32 = 1;

/// The keys of a `GroupPendency` that name it; the others are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendencyRef {
    /// The group.
    pub group_pendency_group_id: GroupId,
    /// The applicant, or for an invitation the member who invited.
    pub group_pendency_form_identifier: UserId,
    /// `TIMGroupPendencyType`: 0 (left out) a request to join, 1 an invitation.
    #[serde(default)]
    pub group_pendency_pendency_type: u32,
    /// For an invitation, the user invited; `""` or left out for a request to join.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "blank_as_none")]
    pub group_pendency_to_identifier: Option<UserId>,
}

impl PendencyRef {
    /// A request to join by `applicant`.
    pub fn request(group_id: GroupId, applicant: UserId) -> PendencyRef {
        PendencyRef {
            group_pendency_group_id: group_id,
            group_pendency_form_identifier: applicant,
            group_pendency_pendency_type: PENDENCY_REQUEST_JOIN,
            group_pendency_to_identifier: None,
        }
    }

    /// An invitation of `invitee` by `inviter`.
    pub fn invitation(group_id: GroupId, inviter: UserId, invitee: UserId) -> PendencyRef {
        PendencyRef {
            group_pendency_group_id: group_id,
            group_pendency_form_identifier: inviter,
            group_pendency_pendency_type: PENDENCY_INVITE_JOIN,
            group_pendency_to_identifier: Some(invitee),
        }
    }
}

/// The answer: nothing.
pub type Response = super::Empty;
