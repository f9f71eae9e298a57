//! Profiles and user status (TIM's `TIMProfile*`, `TIMSubscribeUserInfo`, `TIMGetUserStatus`,
//! `TIMSetSelfStatus` and `TIMSubscribeUserStatus` families).

use tincan_proto::ApiError;
use tincan_proto::api::{
    profile_get, profile_subscribe, profile_unsubscribe, status_get, status_set_self, status_subscribe,
    status_unsubscribe,
};
use tincan_proto::profile::{ProfileChange, UserProfile, UserStatus};

use crate::Client;
use crate::ops::parse_users;

impl Client {
    /// Users' profiles, one's own included (TIM `TIMProfileGetUserProfileList`); accounts that
    /// do not exist are left out.
    pub async fn user_profiles(&self, users: &[&str]) -> Result<Vec<UserProfile>, ApiError> {
        let request = profile_get::Request { friendship_getprofilelist_param_identifier_array: parse_users(users)? };
        Ok(self.call(&request).await?.profiles)
    }

    /// Changes this user's profile (TIM `TIMProfileModifySelfUserProfile`); fields left `None`
    /// keep their value.
    pub async fn modify_self_profile(&self, change: ProfileChange) -> Result<(), ApiError> {
        self.call(&change).await.map(|_| ())
    }

    /// Subscribes to users' profile changes (TIM `TIMSubscribeUserInfo`): they come as
    /// [`Event::ProfileChanged`](crate::Event::ProfileChanged).
    pub async fn subscribe_user_info(&self, users: &[&str]) -> Result<(), ApiError> {
        self.call(&profile_subscribe::Request { user_id_list: parse_users(users)? }).await.map(|_| ())
    }

    /// Ends subscriptions to profile changes; none named ends all (TIM `TIMUnsubscribeUserInfo`).
    pub async fn unsubscribe_user_info(&self, users: &[&str]) -> Result<(), ApiError> {
        self.call(&profile_unsubscribe::Request { user_id_list: parse_users(users)? }).await.map(|_| ())
    }

    /// Users' status (TIM `TIMGetUserStatus`); accounts that do not exist are left out.
    pub async fn user_status(&self, users: &[&str]) -> Result<Vec<UserStatus>, ApiError> {
        Ok(self.call(&status_get::Request { user_id_list: parse_users(users)? }).await?.statuses)
    }

    /// Sets this user's custom status text; `""` clears it (TIM `TIMSetSelfStatus`).
    pub async fn set_self_status(&self, custom_status: &str) -> Result<(), ApiError> {
        let request = status_set_self::Request { user_status_custom_status: custom_status.to_owned() };
        self.call(&request).await.map(|_| ())
    }

    /// Subscribes to users' status changes (TIM `TIMSubscribeUserStatus`): their current status
    /// and then each change come as [`Event::UserStatusChanged`](crate::Event::UserStatusChanged).
    pub async fn subscribe_user_status(&self, users: &[&str]) -> Result<(), ApiError> {
        self.call(&status_subscribe::Request { user_id_list: parse_users(users)? }).await.map(|_| ())
    }

    /// Ends subscriptions to status changes; none named ends all (TIM `TIMUnsubscribeUserStatus`).
    pub async fn unsubscribe_user_status(&self, users: &[&str]) -> Result<(), ApiError> {
        self.call(&status_unsubscribe::Request { user_id_list: parse_users(users)? }).await.map(|_| ())
    }
}
