//! Group and member profiles: changing a group's profile and owner, a member's role, mute, name
//! card and custom fields, and the online count.

use tincan_proto::api::{
    get_group_pendency_list, get_online_member_count, handle_group_pendency, join_group, modify_group_info,
    modify_group_member_info, report_group_pendency_read,
};
use tincan_proto::enums::MemberRole;
use tincan_proto::{ApiError, GroupId, UserId};

use crate::Client;

impl Client {
    /// Changes a group's profile or owner (TIM `TIMGroupModifyGroupInfo`): the fields named by
    /// `group_modify_info_param_modify_flag`.
    pub async fn modify_group_info(&self, request: modify_group_info::Request) -> Result<(), ApiError> {
        self.call(&request).await.map(|_| ())
    }

    /// Hands a group to one of its members (TIM `TIMGroupModifyGroupInfo` with
    /// `kTIMGroupModifyInfoFlag_Owner`).
    pub async fn change_group_owner(&self, group_id: &str, new_owner: &str) -> Result<(), ApiError> {
        let request = modify_group_info::Request {
            group_modify_info_param_owner: Some(UserId::parse(new_owner)?),
            ..modify_group_info::Request::new(GroupId::parse(group_id)?, modify_group_info::FLAG_OWNER)
        };
        self.modify_group_info(request).await
    }

    /// Changes a member's role, mute, name card or custom fields (TIM
    /// `TIMGroupModifyMemberInfo`): the fields named by `group_modify_member_info_modify_flag`.
    pub async fn modify_member_info(&self, request: modify_group_member_info::Request) -> Result<(), ApiError> {
        self.call(&request).await.map(|_| ())
    }

    /// Mutes a member for `seconds` from now; 0 lifts the mute.
    pub async fn mute_member(&self, group_id: &str, member: &str, seconds: u64) -> Result<(), ApiError> {
        let request = member_request(group_id, member, modify_group_member_info::FLAG_SHUTUP_TIME)?;
        self.modify_member_info(modify_group_member_info::Request {
            group_modify_member_info_shutup_time: Some(seconds),
            ..request
        })
        .await
    }

    /// Makes a member an admin (300) or an ordinary member (200).
    pub async fn set_member_role(&self, group_id: &str, member: &str, role: MemberRole) -> Result<(), ApiError> {
        let request = member_request(group_id, member, modify_group_member_info::FLAG_MEMBER_ROLE)?;
        self.modify_member_info(modify_group_member_info::Request {
            group_modify_member_info_member_role: Some(role),
            ..request
        })
        .await
    }

    /// Asks to join a group with a greeting (TIM `TIMGroupJoin`): in a group whose add option is
    /// Auth the request waits for the owner or an admin; otherwise the user joins at once.
    pub async fn join_group_saying(&self, group_id: &str, hello_msg: &str) -> Result<(), ApiError> {
        let request = join_group::Request { group_id: GroupId::parse(group_id)?, hello_msg: hello_msg.to_owned() };
        self.call(&request).await.map(|_| ())
    }

    /// A page of the requests to join, and invitations waiting for approval, of the groups this
    /// user owns or administers (TIM
    /// `TIMGroupGetPendencyList`); `start_time` 0 for the first page.
    pub async fn group_pendencies(
        &self,
        start_time: u64,
        max: u64,
    ) -> Result<get_group_pendency_list::Response, ApiError> {
        let request = get_group_pendency_list::Request {
            group_pendency_option_start_time: start_time,
            group_pendency_option_max_limited: max,
        };
        self.call(&request).await
    }

    /// Accepts or refuses `applicant`'s request to join (TIM `TIMGroupHandlePendency`).
    pub async fn handle_group_pendency(&self, group_id: &str, applicant: &str, accept: bool) -> Result<(), ApiError> {
        let pendency =
            handle_group_pendency::PendencyRef::request(GroupId::parse(group_id)?, UserId::parse(applicant)?);
        self.handle_pendency(pendency, accept).await
    }

    /// Accepts or refuses `inviter`'s invitation of `invitee`, waiting for approval (TIM
    /// `TIMGroupHandlePendency` with a pendency of type `kTIMGroupPendency_InviteJoin`).
    pub async fn handle_group_invitation(
        &self,
        group_id: &str,
        inviter: &str,
        invitee: &str,
        accept: bool,
    ) -> Result<(), ApiError> {
        let pendency = handle_group_pendency::PendencyRef::invitation(
            GroupId::parse(group_id)?,
            UserId::parse(inviter)?,
            UserId::parse(invitee)?,
        );
        self.handle_pendency(pendency, accept).await
    }

    /// Accepts or refuses the request or invitation `pendency` names (TIM
    /// `TIMGroupHandlePendency`).
    pub async fn handle_pendency(
        &self,
        pendency: handle_group_pendency::PendencyRef,
        accept: bool,
    ) -> Result<(), ApiError> {
        let request = handle_group_pendency::Request {
            group_handle_pendency_param_is_accept: accept,
            group_handle_pendency_param_handle_msg: String::new(),
            group_handle_pendency_param_pendency: pendency,
        };
        self.call(&request).await.map(|_| ())
    }

    /// Marks the join requests made up to `time_stamp` read (TIM `TIMGroupReportPendencyReaded`).
    pub async fn report_group_pendency_read(&self, time_stamp: u64) -> Result<(), ApiError> {
        self.call(&report_group_pendency_read::Request { time_stamp }).await.map(|_| ())
    }

    /// How many members of a group are online (TIM `TIMGroupGetOnlineMemberCount`).
    pub async fn online_member_count(&self, group_id: &str) -> Result<u64, ApiError> {
        let request = get_online_member_count::Request { group_id: GroupId::parse(group_id)? };
        Ok(self.call(&request).await?.group_get_online_member_count_result)
    }
}

/// A member change with only `flag` set and no field filled in yet.
pub fn member_request(group_id: &str, member: &str, flag: u32) -> Result<modify_group_member_info::Request, ApiError> {
    Ok(modify_group_member_info::Request {
        group_modify_member_info_group_id: GroupId::parse(group_id)?,
        group_modify_member_info_identifier: UserId::parse(member)?,
        group_modify_member_info_modify_flag: flag,
        group_modify_member_info_msg_flag: None,
        group_modify_member_info_member_role: None,
        group_modify_member_info_shutup_time: None,
        group_modify_member_info_name_card: None,
        group_modify_member_info_custom_info: None,
    })
}
