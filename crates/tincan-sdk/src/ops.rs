//! One method per TIM operation.
//!
//! Methods take conversations and identifiers as text, as TIM's methods do, and parse them before
//! anything is sent: one that is not valid fails with the code the server would answer (7003
//! for a user, 10015 for a group, 6017 for a `conv_type` that is neither C2C nor group).

use std::borrow::Borrow;
use std::sync::atomic::Ordering;

use tincan_proto::api::Operation;
use tincan_proto::api::{
    clean_unread, create_group, delete_group, delete_group_members, delete_messages, find_messages,
    get_conversation_list, get_group_info, get_group_members, get_joined_groups, get_message_list, get_read_members,
    get_receipts, get_total_unread, invite_group_members, join_group, modify_message, quit_group, report_read,
    revoke_message, send_message, send_receipts, set_receipt_privacy,
};
use tincan_proto::conv::{ConvScope, ConvSelector};
use tincan_proto::enums::{ConvType, ReadMembersFilter};
use tincan_proto::ids::ListedId;
use tincan_proto::message::{MessageKeys, MessagesByKeys};
use tincan_proto::objects::{
    ConvInfo, ConversationOperationResult, GetGroupInfoResult, GroupBaseInfo, GroupDeleteMemberResult,
    GroupInviteMemberResult, MessageReceipt,
};
use tincan_proto::{ApiError, Conv, Elem, GroupId, Message, UserId};

use crate::{Client, state_lock};

impl Client {
    /// Sends a message (TIM `TIMMsgSendMessage`); returns it as stored, with its seq and ID.
    ///
    /// The client fills `message_rand` and `message_client_time` when they are 0, so that a
    /// resend after a lost connection is recognised by the server and never duplicates the
    /// message.
    pub async fn send_message(
        &self,
        conv_id: &str,
        conv_type: ConvType,
        mut message: Message,
    ) -> Result<Message, ApiError> {
        let conv = Conv::parse(conv_id, conv_type)?;
        self.prepare_message(&mut message);
        let request = send_message::Request { conv, message };
        Ok(self.call(&request).await?.message)
    }

    /// Fills in a message's `message_rand` and `message_client_time` where they are 0, as
    /// [`Client::send_message`] does, and returns the ID the server will give it (TIM's
    /// `TIMMsgSendMessageV2` hands it out before the message is sent); sending the message so
    /// filled, once or again, stores it once under that ID.
    pub fn prepare_message(&self, message: &mut Message) -> String {
        if message.message_rand == 0 {
            message.message_rand = u64::from(rand::random::<u32>().max(1));
        }
        if message.message_client_time == 0 {
            let offset = self.shared.clock_offset_secs.load(Ordering::Relaxed);
            message.message_client_time = u64::try_from(crate::driver_now_secs().saturating_add(offset)).unwrap_or(0);
        }
        let msg_id = format!("{}-{}-{}", self.tiny_id(), message.message_client_time, message.message_rand);
        state_lock(&self.shared.sent_ids).insert(msg_id.clone());
        msg_id
    }

    /// Sends a text message; `need_read_receipt` asks the readers for receipts.
    pub async fn send_text(
        &self,
        conv_id: &str,
        conv_type: ConvType,
        text: &str,
        need_read_receipt: bool,
    ) -> Result<Message, ApiError> {
        let message = Message {
            message_elem_array: vec![Elem::text(text)],
            message_need_read_receipt: need_read_receipt,
            ..Message::default()
        };
        self.send_message(conv_id, conv_type, message).await
    }

    /// Revokes a message of a conversation (TIM `TIMMsgRevoke`): one's own within the app's
    /// time limit, or, in a group one owns or administers, anyone's. `reason` (may be empty)
    /// reaches the others as `message_revoke_reason`.
    pub async fn revoke_message(
        &self,
        conv_id: &str,
        conv_type: ConvType,
        message: &Message,
        reason: &str,
    ) -> Result<(), ApiError> {
        let keys = MessageKeys::from(message);
        let named = Message {
            message_conv_id: keys.message_conv_id.to_owned(),
            message_conv_type: keys.message_conv_type,
            message_msg_id: keys.message_msg_id.to_owned(),
            message_seq: keys.message_seq,
            ..Message::default()
        };
        let request = revoke_message::Request {
            conv: Conv::parse(conv_id, conv_type)?,
            message: named,
            reason: reason.to_owned(),
        };
        self.call(&request).await.map(|_| ())
    }

    /// Modifies one's own message (TIM `TIMMsgModifyMessage`): `message` is the message as last
    /// read (its `message_version` says which version it changes) with its new
    /// `message_elem_array` and `message_cloud_custom_str`; returns it as stored now. A message
    /// modified since fails with 8006: read it again and modify that.
    pub async fn modify_message(&self, message: Message) -> Result<Message, ApiError> {
        Ok(self.call(&modify_message::Request { message }).await?.message)
    }

    /// Deletes messages of one conversation for this user only (TIM `TIMMsgDelete`,
    /// `TIMMsgListDelete`): they leave its history; the others keep theirs.
    pub async fn delete_messages(
        &self,
        conv_id: &str,
        conv_type: ConvType,
        messages: &[impl Borrow<Message>],
    ) -> Result<(), ApiError> {
        let messages = messages
            .iter()
            .map(|message| {
                let keys = MessageKeys::from(message.borrow());
                Message {
                    message_conv_id: keys.message_conv_id.to_owned(),
                    message_conv_type: keys.message_conv_type,
                    message_msg_id: keys.message_msg_id.to_owned(),
                    message_seq: keys.message_seq,
                    ..Message::default()
                }
            })
            .collect();
        let request = delete_messages::Request { conv: Conv::parse(conv_id, conv_type)?, messages };
        self.call(&request).await.map(|_| ())
    }

    /// Messages by ID (TIM `TIMMsgFindMessages`), those this user can see, in the order asked.
    pub async fn find_messages(&self, message_ids: &[&str]) -> Result<Vec<Message>, ApiError> {
        let request = find_messages::Request {
            message_ids: message_ids.iter().map(|id| (*id).to_owned()).collect(),
            ..Default::default()
        };
        Ok(self.call(&request).await?.messages)
    }

    /// Messages of one conversation by locator (TIM `TIMMsgFindByMsgLocatorList`).
    pub async fn find_messages_by_locator(
        &self,
        conv_id: &str,
        conv_type: ConvType,
        locators: Vec<find_messages::MsgLocator>,
    ) -> Result<Vec<Message>, ApiError> {
        Conv::parse(conv_id, conv_type)?;
        let request = find_messages::Request { conv_id: conv_id.to_owned(), conv_type, locators, ..Default::default() };
        Ok(self.call(&request).await?.messages)
    }

    /// Reads a page of history (TIM `TIMMsgGetMsgList`).
    pub async fn get_message_list(
        &self,
        conv_id: &str,
        conv_type: ConvType,
        params: get_message_list::GetMsgListParams,
    ) -> Result<Vec<Message>, ApiError> {
        let request = get_message_list::Request { conv: Conv::parse(conv_id, conv_type)?, params };
        Ok(self.call(&request).await?.messages)
    }

    /// Sends read receipts for messages of one conversation (TIM `TIMMsgSendMessageReadReceipts`).
    pub async fn send_receipts(&self, messages: &[impl Borrow<Message>]) -> Result<(), ApiError> {
        self.call_raw(send_receipts::Request::OP, keys_json(messages)?, send_receipts::Request::IDEMPOTENT)
            .await
            .map(|_| ())
    }

    /// The receipt state of this user's messages of one conversation
    /// (TIM `TIMMsgGetMessageReadReceipts`).
    pub async fn get_receipts(&self, messages: &[impl Borrow<Message>]) -> Result<Vec<MessageReceipt>, ApiError> {
        let text =
            self.call_raw(get_receipts::Request::OP, keys_json(messages)?, get_receipts::Request::IDEMPOTENT).await?;
        let response: get_receipts::Response = serde_json::from_str(&text).map_err(|err| {
            ApiError::new(tincan_proto::ErrorCode::SDK_INTERNAL_ERROR, format!("cannot decode receipts: {err}"))
        })?;
        Ok(response.receipts)
    }

    /// A page of the members who have (or have not) read a group message
    /// (TIM `TIMMsgGetGroupMessageReadMemberList`).
    pub async fn get_read_members(
        &self,
        message: &Message,
        filter: ReadMembersFilter,
        next_seq: u64,
        count: u32,
    ) -> Result<get_read_members::Response, ApiError> {
        let data = serde_json::json!({"message": MessageKeys::from(message), "filter": filter, "next_seq": next_seq, "count": count});
        let text = self
            .call_raw(get_read_members::Request::OP, data.to_string(), get_read_members::Request::IDEMPOTENT)
            .await?;
        serde_json::from_str(&text).map_err(|err| {
            ApiError::new(tincan_proto::ErrorCode::SDK_INTERNAL_ERROR, format!("cannot decode the member page: {err}"))
        })
    }

    /// Marks a conversation read up to a message (TIM `TIMMsgReportReaded`).
    pub async fn report_read(
        &self,
        conv_id: &str,
        conv_type: ConvType,
        message: Option<Message>,
    ) -> Result<(), ApiError> {
        let scope = ConvScope::parse(conv_id, conv_type)?;
        self.call(&report_read::Request { scope, message }).await.map(|_| ())
    }

    /// The conversations (TIM `TIMConvGetConvList`).
    pub async fn conversations(&self) -> Result<Vec<ConvInfo>, ApiError> {
        Ok(self.call(&get_conversation_list::Request {}).await?.conversations)
    }

    /// The total unread count (TIM `TIMConvGetTotalUnreadMessageCount`).
    pub async fn total_unread(&self) -> Result<u64, ApiError> {
        Ok(self.call(&get_total_unread::Request {}).await?.conv_get_total_unread_message_count_result_unread_count)
    }

    /// Clears unread counts (TIM `TIMConvCleanConversationUnreadMessageCount`): `c2c_<user>`,
    /// `group_<group>`, `c2c`, `group` or `""`.
    pub async fn clean_unread(
        &self,
        conversation_id: &str,
        clean_timestamp: u64,
        clean_sequence: u64,
    ) -> Result<Vec<ConversationOperationResult>, ApiError> {
        let conversation_id = ConvSelector::parse(conversation_id)?;
        let request = clean_unread::Request { conversation_id, clean_timestamp, clean_sequence };
        Ok(self.call(&request).await?.results)
    }

    /// Creates a group (TIM `TIMGroupCreate`); returns its ID.
    pub async fn create_group(&self, params: create_group::Request) -> Result<String, ApiError> {
        Ok(self.call(&params).await?.create_group_result_groupid)
    }

    /// Dismisses a group (TIM `TIMGroupDelete`).
    pub async fn delete_group(&self, group_id: &str) -> Result<(), ApiError> {
        self.call(&delete_group::Request { group_id: GroupId::parse(group_id)? }).await.map(|_| ())
    }

    /// Adds users to a group (TIM `TIMGroupInviteMember`).
    pub async fn invite_members(
        &self,
        group_id: &str,
        users: &[&str],
    ) -> Result<Vec<GroupInviteMemberResult>, ApiError> {
        let request = invite_group_members::Request {
            group_invite_member_param_group_id: GroupId::parse(group_id)?,
            group_invite_member_param_identifier_array: parse_users(users)?,
            group_invite_member_param_user_data: String::new(),
        };
        Ok(self.call(&request).await?.results)
    }

    /// Removes members (TIM `TIMGroupDeleteMember`).
    pub async fn delete_members(
        &self,
        group_id: &str,
        users: &[&str],
    ) -> Result<Vec<GroupDeleteMemberResult>, ApiError> {
        let request = delete_group_members::Request {
            group_delete_member_param_group_id: GroupId::parse(group_id)?,
            group_delete_member_param_identifier_array: parse_users(users)?,
            group_delete_member_param_user_data: String::new(),
        };
        Ok(self.call(&request).await?.results)
    }

    /// Leaves a group (TIM `TIMGroupQuit`).
    pub async fn quit_group(&self, group_id: &str) -> Result<(), ApiError> {
        self.call(&quit_group::Request { group_id: GroupId::parse(group_id)? }).await.map(|_| ())
    }

    /// Joins a group (TIM `TIMGroupJoin`).
    pub async fn join_group(&self, group_id: &str) -> Result<(), ApiError> {
        let request = join_group::Request { group_id: GroupId::parse(group_id)?, hello_msg: String::new() };
        self.call(&request).await.map(|_| ())
    }

    /// Details of groups (TIM `TIMGroupGetGroupInfoList`); a group ID that is not one gets its
    /// code in its own result, as every group that cannot be answered does.
    pub async fn group_info(&self, group_ids: &[&str]) -> Result<Vec<GetGroupInfoResult>, ApiError> {
        let request = get_group_info::Request { group_ids: group_ids.iter().map(|it| ListedId::parse(it)).collect() };
        Ok(self.call(&request).await?.results)
    }

    /// A page of a group's members (TIM `TIMGroupGetMemberInfoList`).
    pub async fn group_members(&self, group_id: &str, next_seq: u64) -> Result<get_group_members::Response, ApiError> {
        let request = get_group_members::Request {
            group_get_members_info_list_param_group_id: GroupId::parse(group_id)?,
            group_get_members_info_list_param_identifier_array: Vec::new(),
            group_get_members_info_list_param_next_seq: next_seq,
        };
        self.call(&request).await
    }

    /// The groups this user is in (TIM `TIMGroupGetJoinedGroupList`).
    pub async fn joined_groups(&self) -> Result<Vec<GroupBaseInfo>, ApiError> {
        Ok(self.call(&get_joined_groups::Request {}).await?.groups)
    }

    /// Keeps this user's reads private (a tincan addition; see `docs/receipts.md`).
    pub async fn set_receipt_privacy(&self, private: bool) -> Result<(), ApiError> {
        self.call(&set_receipt_privacy::Request { private }).await.map(|_| ())
    }
}

/// Parses user identifiers, with 7003 for the first that is not one.
pub(crate) fn parse_users(users: &[&str]) -> Result<Vec<UserId>, ApiError> {
    users.iter().map(|user| UserId::parse(user)).collect()
}

/// `{"messages": [...]}` with the keys that name each message to the server; receipt calls send
/// only these, since the server reads everything else from its own record.
fn keys_json(messages: &[impl Borrow<Message>]) -> Result<String, ApiError> {
    serde_json::to_string(&MessagesByKeys::of(messages)).map_err(|err| {
        ApiError::new(tincan_proto::ErrorCode::SDK_INTERNAL_ERROR, format!("cannot encode the messages: {err}"))
    })
}
