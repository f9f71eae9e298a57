//! The relationship chain (TIM's `TIMFriendship*` family): friends, friend requests, friend
//! groups, the blocklist and friend search. Changes, made here or on another device, come as
//! [`Event::Friend`](crate::Event::Friend).

use tincan_proto::ApiError;
use tincan_proto::api::{
    blocklist_add, blocklist_delete, blocklist_get, friend_add, friend_check, friend_delete, friend_delete_pendency,
    friend_get_info, friend_get_list, friend_get_pendency_list, friend_group_create, friend_group_delete,
    friend_group_get, friend_group_modify, friend_handle_request, friend_modify, friend_report_pendency_read,
    friend_search,
};
use tincan_proto::friendship::{
    CheckResult, FriendGroupInfo, FriendInfoGetResult, FriendProfile, FriendProfileItem, FriendResult, PendencyPage,
};

use crate::Client;
use crate::ops::parse_users;

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

impl Client {
    /// Adds a friend, or sends a friend request when the other user confirms them (TIM
    /// `TIMFriendshipAddFriend`): the result's code is 30539 for a request sent.
    pub async fn add_friend(&self, request: &friend_add::Request) -> Result<FriendResult, ApiError> {
        self.call(request).await
    }

    /// Deletes friends, from this user's list only or from both (TIM
    /// `TIMFriendshipDeleteFriend`, `friend_type` 0 or 1).
    pub async fn delete_friends(&self, users: &[&str], friend_type: u32) -> Result<Vec<FriendResult>, ApiError> {
        let request = friend_delete::Request {
            friendship_delete_friend_param_friend_type: friend_type,
            friendship_delete_friend_param_identifier_array: parse_users(users)?,
        };
        Ok(self.call(&request).await?.results)
    }

    /// This user's friends (TIM `TIMFriendshipGetFriendProfileList`).
    pub async fn friend_list(&self) -> Result<Vec<FriendProfile>, ApiError> {
        Ok(self.call(&friend_get_list::Request {}).await?.friends)
    }

    /// The relationship with users and their friend entries (TIM `TIMFriendshipGetFriendsInfo`).
    pub async fn friends_info(&self, users: &[&str]) -> Result<Vec<FriendInfoGetResult>, ApiError> {
        Ok(self.call(&friend_get_info::Request { friend_id_list: parse_users(users)? }).await?.results)
    }

    /// Changes a friend's remark, friend groups or custom fields (TIM
    /// `TIMFriendshipModifyFriendProfile`).
    pub async fn modify_friend(&self, user: &str, item: FriendProfileItem) -> Result<(), ApiError> {
        let request = friend_modify::Request {
            friendship_modify_friend_profile_param_identifier: tincan_proto::UserId::parse(user)?,
            friendship_modify_friend_profile_param_item: item,
        };
        self.call(&request).await.map(|_| ())
    }

    /// The relationship with users, by this user's list only (`check_type` 0) or both (1)
    /// (TIM `TIMFriendshipCheckFriendType`).
    pub async fn check_friends(&self, users: &[&str], check_type: u32) -> Result<Vec<CheckResult>, ApiError> {
        let request = friend_check::Request {
            friendship_check_friendtype_param_check_type: check_type,
            friendship_check_friendtype_param_identifier_array: parse_users(users)?,
        };
        Ok(self.call(&request).await?.results)
    }

    /// A page of friend requests (TIM `TIMFriendshipGetPendencyList`).
    pub async fn friend_pendency_list(
        &self,
        request: &friend_get_pendency_list::Request,
    ) -> Result<PendencyPage, ApiError> {
        self.call(request).await
    }

    /// Accepts, accepts and adds back, or refuses a friend request (TIM
    /// `TIMFriendshipHandleFriendAddRequest`).
    pub async fn handle_friend_request(
        &self,
        request: &friend_handle_request::Request,
    ) -> Result<FriendResult, ApiError> {
        self.call(request).await
    }

    /// Deletes friend requests received (`pendency_type` 0), sent (1) or either (2) (TIM
    /// `TIMFriendshipDeletePendency`).
    pub async fn delete_friend_pendency(
        &self,
        users: &[&str],
        pendency_type: u32,
    ) -> Result<Vec<FriendResult>, ApiError> {
        let request = friend_delete_pendency::Request {
            friendship_delete_pendency_param_type: pendency_type,
            friendship_delete_pendency_param_identifier_array: parse_users(users)?,
        };
        Ok(self.call(&request).await?.results)
    }

    /// Marks the friend requests received up to `time_stamp` read; 0 means now (TIM
    /// `TIMFriendshipReportPendencyReaded`).
    pub async fn report_friend_pendency_read(&self, time_stamp: u64) -> Result<(), ApiError> {
        self.call(&friend_report_pendency_read::Request { time_stamp }).await.map(|_| ())
    }

    /// Blocks users (TIM `TIMFriendshipAddToBlackList`).
    pub async fn add_to_blocklist(&self, users: &[&str]) -> Result<Vec<FriendResult>, ApiError> {
        Ok(self.call(&blocklist_add::Request { user_id_list: parse_users(users)? }).await?.results)
    }

    /// Unblocks users (TIM `TIMFriendshipDeleteFromBlackList`).
    pub async fn delete_from_blocklist(&self, users: &[&str]) -> Result<Vec<FriendResult>, ApiError> {
        Ok(self.call(&blocklist_delete::Request { user_id_list: parse_users(users)? }).await?.results)
    }

    /// The users this user blocks (TIM `TIMFriendshipGetBlackList`).
    pub async fn blocklist(&self) -> Result<Vec<FriendProfile>, ApiError> {
        Ok(self.call(&blocklist_get::Request {}).await?.blocked)
    }

    /// Creates friend groups with friends in them (TIM `TIMFriendshipCreateFriendGroup`).
    pub async fn create_friend_groups(&self, groups: &[&str], users: &[&str]) -> Result<Vec<FriendResult>, ApiError> {
        let request = friend_group_create::Request {
            friendship_create_friend_group_param_name_array: names(groups),
            friendship_create_friend_group_param_identifier_array: parse_users(users)?,
        };
        Ok(self.call(&request).await?.results)
    }

    /// Deletes friend groups (TIM `TIMFriendshipDeleteFriendGroup`).
    pub async fn delete_friend_groups(&self, groups: &[&str]) -> Result<(), ApiError> {
        self.call(&friend_group_delete::Request { friend_group_name_array: names(groups) }).await.map(|_| ())
    }

    /// Renames a friend group or changes its friends (TIM `TIMFriendshipModifyFriendGroup`).
    pub async fn modify_friend_group(
        &self,
        request: &friend_group_modify::Request,
    ) -> Result<Vec<FriendResult>, ApiError> {
        Ok(self.call(request).await?.results)
    }

    /// Friend groups: all, or those named (TIM `TIMFriendshipGetFriendGroupList`).
    pub async fn friend_groups(&self, groups: &[&str]) -> Result<Vec<FriendGroupInfo>, ApiError> {
        Ok(self.call(&friend_group_get::Request { friend_group_name_array: names(groups) }).await?.groups)
    }

    /// Friends whose ID, nickname or remark contains a keyword (TIM
    /// `TIMFriendshipSearchFriends`); `fields` are `TIMFriendshipSearchFieldKey`s, none
    /// meaning all.
    pub async fn search_friends(&self, keywords: &[&str], fields: &[u32]) -> Result<Vec<FriendProfile>, ApiError> {
        let request = friend_search::Request {
            friendship_search_param_keyword_list: names(keywords),
            friendship_search_param_search_field_list: fields.to_vec(),
        };
        Ok(self.call(&request).await?.friends)
    }
}
