//! `group_handle_pendency`: the owner or an admin accepts or refuses a request to join (TIM
//! `TIMGroupHandlePendency`); an accepted applicant joins the group.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, UserId};

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

/// The keys of a `GroupPendency` that name it; the others are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendencyRef {
    /// The group.
    pub group_pendency_group_id: GroupId,
    /// The applicant.
    pub group_pendency_form_identifier: UserId,
}

/// The answer: nothing.
pub type Response = super::Empty;
