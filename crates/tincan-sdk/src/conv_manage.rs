//! Conversation management: one method per TIM operation, taking conversations as text as TIM's
//! methods do (parsed before anything is sent).

use tincan_proto::api::{
    add_to_conv_group, cancel_draft, clear_history, create_conv_group, create_conversation, delete_conv_group,
    delete_conversations, get_conv_groups, get_conversation_list_by_filter, get_conversations, get_unread_by_filter,
    mark_conversations, pin_conversation, remove_from_conv_group, rename_conv_group, set_conv_custom_data, set_draft,
};
use tincan_proto::conv_manage::{ConvListFilter, ConvTarget, ConversationId, Draft};
use tincan_proto::enums::ConvType;
use tincan_proto::ids::ListedId;
use tincan_proto::objects::{ConvInfo, ConversationOperationResult};
use tincan_proto::{ApiError, Conv};

use crate::Client;

/// Conversation IDs as listed items: one that is not valid is answered in its own result.
fn listed(ids: &[&str]) -> Vec<ListedId<ConversationId>> {
    ids.iter().map(|id| ListedId::parse(id)).collect()
}

fn target(conv_id: &str, conv_type: ConvType) -> Result<ConvTarget, ApiError> {
    Conv::parse(conv_id, conv_type).map(ConvTarget)
}

impl Client {
    /// Deletes conversations from this user's list, with their history when `clear_message`
    /// (TIM `TIMConvDeleteConversationList`; `TIMConvDelete` is one of them).
    pub async fn delete_conversations(
        &self,
        conversation_ids: &[&str],
        clear_message: bool,
    ) -> Result<Vec<ConversationOperationResult>, ApiError> {
        let request = delete_conversations::Request { conversation_id_array: listed(conversation_ids), clear_message };
        Ok(self.call(&request).await?.results)
    }

    /// Conversations by ID (TIM `TIMConvGetConvInfo`).
    pub async fn conversations_by_id(&self, convs: &[(&str, ConvType)]) -> Result<Vec<ConvInfo>, ApiError> {
        let items = convs
            .iter()
            .map(|(conv_id, conv_type)| Conv::parse(conv_id, *conv_type).map(get_conversations::ConvItem))
            .collect::<Result<_, _>>()?;
        Ok(self.call(&get_conversations::Request { json_get_conv_list_param: items }).await?.conversations)
    }

    /// Puts a conversation in this user's list without a message (TIM `TIMConvCreate`).
    pub async fn create_conversation(&self, conv_id: &str, conv_type: ConvType) -> Result<ConvInfo, ApiError> {
        let request = create_conversation::Request { conv: target(conv_id, conv_type)? };
        Ok(self.call(&request).await?.conversation)
    }

    /// Clears this user's history of a conversation (TIM `TIMMsgClearHistoryMessage`).
    pub async fn clear_history(&self, conv_id: &str, conv_type: ConvType) -> Result<(), ApiError> {
        self.call(&clear_history::Request { conv: target(conv_id, conv_type)? }).await.map(|_| ())
    }

    /// Sets a conversation's draft (TIM `TIMConvSetDraft`).
    pub async fn set_draft(&self, conv_id: &str, conv_type: ConvType, draft: Draft) -> Result<(), ApiError> {
        let request = set_draft::Request { conv: target(conv_id, conv_type)?, draft_param: draft };
        self.call(&request).await.map(|_| ())
    }

    /// Removes a conversation's draft (TIM `TIMConvCancelDraft`).
    pub async fn cancel_draft(&self, conv_id: &str, conv_type: ConvType) -> Result<(), ApiError> {
        self.call(&cancel_draft::Request { conv: target(conv_id, conv_type)? }).await.map(|_| ())
    }

    /// Pins or unpins a conversation (TIM `TIMConvPinConversation`).
    pub async fn pin_conversation(&self, conv_id: &str, conv_type: ConvType, is_pinned: bool) -> Result<(), ApiError> {
        let request = pin_conversation::Request { conv: target(conv_id, conv_type)?, is_pinned };
        self.call(&request).await.map(|_| ())
    }

    /// Sets or clears a mark (TIM `TIMConvMarkConversation`).
    pub async fn mark_conversations(
        &self,
        conversation_ids: &[&str],
        mark_type: u64,
        enable_mark: bool,
    ) -> Result<Vec<ConversationOperationResult>, ApiError> {
        let request =
            mark_conversations::Request { conversation_id_array: listed(conversation_ids), mark_type, enable_mark };
        Ok(self.call(&request).await?.results)
    }

    /// Sets conversations' custom data (TIM `TIMConvSetConversationCustomData`).
    pub async fn set_conversation_custom_data(
        &self,
        conversation_ids: &[&str],
        custom_data: &str,
    ) -> Result<Vec<ConversationOperationResult>, ApiError> {
        let request = set_conv_custom_data::Request {
            conversation_id_array: listed(conversation_ids),
            custom_data: custom_data.to_owned(),
        };
        Ok(self.call(&request).await?.results)
    }

    /// A page of the conversations a filter takes (TIM `TIMConvGetConversationListByFilter`).
    pub async fn conversations_by_filter(
        &self,
        filter: ConvListFilter,
    ) -> Result<get_conversation_list_by_filter::Response, ApiError> {
        self.call(&get_conversation_list_by_filter::Request { filter }).await
    }

    /// The unread count of the conversations a filter takes (TIM
    /// `TIMConvGetUnreadMessageCountByFilter`).
    pub async fn unread_by_filter(&self, filter: ConvListFilter) -> Result<u64, ApiError> {
        let response = self.call(&get_unread_by_filter::Request { filter }).await?;
        Ok(response.conv_get_total_unread_message_count_result_unread_count)
    }

    /// Subscribes to the unread count of the conversations a filter takes (TIM
    /// `TIMConvSubscribeUnreadMessageCountByFilter`): each change comes as
    /// [`Event::FilteredUnreadChanged`](crate::Event::FilteredUnreadChanged). Subscribing again
    /// to the same filter changes nothing.
    pub async fn subscribe_unread_by_filter(&self, filter: ConvListFilter) -> Result<(), ApiError> {
        filter.check()?;
        let filter = filter.without_page();
        let total = self.unread_by_filter(filter.clone()).await?;
        let mut filters = crate::state_lock(&self.shared.unread_filters);
        if !filters.iter().any(|(subscribed, _)| *subscribed == filter) {
            filters.push((filter, total));
        }
        Ok(())
    }

    /// Ends a subscription (TIM `TIMConvUnsubscribeUnreadMessageCountByFilter`).
    pub fn unsubscribe_unread_by_filter(&self, filter: &ConvListFilter) {
        let filter = filter.without_page();
        crate::state_lock(&self.shared.unread_filters).retain(|(subscribed, _)| *subscribed != filter);
    }

    /// Creates a conversation group with conversations in it (TIM
    /// `TIMConvCreateConversationGroup`).
    pub async fn create_conversation_group(
        &self,
        group_name: &str,
        conversation_ids: &[&str],
    ) -> Result<Vec<ConversationOperationResult>, ApiError> {
        let request = create_conv_group::Request {
            group_name: group_name.to_owned(),
            conversation_id_array: listed(conversation_ids),
        };
        Ok(self.call(&request).await?.results)
    }

    /// This user's conversation groups (TIM `TIMConvGetConversationGroupList`).
    pub async fn conversation_groups(&self) -> Result<Vec<String>, ApiError> {
        Ok(self.call(&get_conv_groups::Request {}).await?.conv_group_array)
    }

    /// Deletes a conversation group (TIM `TIMConvDeleteConversationGroup`).
    pub async fn delete_conversation_group(&self, group_name: &str) -> Result<(), ApiError> {
        self.call(&delete_conv_group::Request { group_name: group_name.to_owned() }).await.map(|_| ())
    }

    /// Renames a conversation group (TIM `TIMConvRenameConversationGroup`).
    pub async fn rename_conversation_group(&self, old_name: &str, new_name: &str) -> Result<(), ApiError> {
        let request = rename_conv_group::Request { old_name: old_name.to_owned(), new_name: new_name.to_owned() };
        self.call(&request).await.map(|_| ())
    }

    /// Adds conversations to a conversation group (TIM `TIMConvAddConversationsToGroup`).
    pub async fn add_conversations_to_group(
        &self,
        group_name: &str,
        conversation_ids: &[&str],
    ) -> Result<Vec<ConversationOperationResult>, ApiError> {
        let request = add_to_conv_group::Request {
            group_name: group_name.to_owned(),
            conversation_id_array: listed(conversation_ids),
        };
        Ok(self.call(&request).await?.results)
    }

    /// Takes conversations out of a conversation group (TIM
    /// `TIMConvDeleteConversationsFromGroup`).
    pub async fn delete_conversations_from_group(
        &self,
        group_name: &str,
        conversation_ids: &[&str],
    ) -> Result<Vec<ConversationOperationResult>, ApiError> {
        let request = remove_from_conv_group::Request {
            group_name: group_name.to_owned(),
            conversation_id_array: listed(conversation_ids),
        };
        Ok(self.call(&request).await?.results)
    }
}

impl Client {
    /// Sets this user's receive option of its C2C conversations with `users` (TIM
    /// `TIMMsgSetC2CReceiveMessageOpt`; `TIMReceiveMessageOpt`, 0 to 3).
    pub async fn set_c2c_receive_message_opt(&self, users: &[&str], opt: u32) -> Result<(), ApiError> {
        let request =
            tincan_proto::api::set_c2c_recv_opt::Request { identifier_array: crate::ops::parse_users(users)?, opt };
        self.call(&request).await.map(|_| ())
    }

    /// This user's receive option of its C2C conversations with `users` (TIM
    /// `TIMMsgGetC2CReceiveMessageOpt`).
    pub async fn c2c_receive_message_opt(
        &self,
        users: &[&str],
    ) -> Result<Vec<tincan_proto::api::get_c2c_recv_opt::RecvOptResult>, ApiError> {
        let request =
            tincan_proto::api::get_c2c_recv_opt::Request { identifier_array: crate::ops::parse_users(users)? };
        Ok(self.call(&request).await?.results)
    }

    /// Sets this user's receive option of a group it is in (TIM
    /// `TIMMsgSetGroupReceiveMessageOpt`).
    pub async fn set_group_receive_message_opt(&self, group_id: &str, opt: u32) -> Result<(), ApiError> {
        let request =
            tincan_proto::api::set_group_recv_opt::Request { group_id: tincan_proto::GroupId::parse(group_id)?, opt };
        self.call(&request).await.map(|_| ())
    }

    /// Sets this user's app-wide receive option (TIM `TIMMsgSetAllReceiveMessageOpt` and
    /// `TIMMsgSetAllReceiveMessageOpt2`): `opt` (0, 2 or 3) during a quiet period that starts
    /// every day at `start` (hour, minute, second, in the user's own time) or once at
    /// `start_time_stamp` (UTC seconds, with `start` all zero), and lasts `duration` seconds.
    /// The user's devices hear of it through [`crate::Event::AllRecvOptChanged`].
    pub async fn set_all_receive_message_opt(
        &self,
        opt: u32,
        start: (u32, u32, u32),
        start_time_stamp: u32,
        duration: u32,
    ) -> Result<(), ApiError> {
        let (start_hour, start_minute, start_second) = start;
        let request = tincan_proto::api::set_all_recv_opt::Request {
            opt,
            start_hour,
            start_minute,
            start_second,
            start_time_stamp,
            duration,
        };
        self.call(&request).await.map(|_| ())
    }

    /// This user's app-wide receive option (TIM `TIMMsgGetAllReceiveMessageOpt`).
    pub async fn all_receive_message_opt(
        &self,
    ) -> Result<tincan_proto::api::get_all_recv_opt::AllRecvOptInfo, ApiError> {
        self.call(&tincan_proto::api::get_all_recv_opt::Request {}).await
    }
}
