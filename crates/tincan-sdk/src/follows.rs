//! Follows (TIM's Web SDK `followUser` family): following and unfollowing users, pages of one's
//! followers, followings and mutual followers, counts, and one's relationship with users.
//! Changes, made on another device or by another user, come as
//! [`Event::Follow`](crate::Event::Follow).

use tincan_proto::ApiError;
use tincan_proto::api::{follow_add, follow_check, follow_delete, follow_get_info, follow_get_list};
use tincan_proto::follow::{FollowCursor, FollowInfo, FollowList, FollowResult, FollowTypeCheckResult};

use crate::Client;
use crate::ops::parse_users;

impl Client {
    /// Follows users, at most 20 (TIM `followUser`): one result per user, in order.
    pub async fn follow_users(&self, users: &[&str]) -> Result<Vec<FollowResult>, ApiError> {
        Ok(self.call(&follow_add::Request { user_id_list: parse_users(users)? }).await?.results)
    }

    /// Stops following users, at most 20 (TIM `unfollowUser`): one result per user, in order.
    pub async fn unfollow_users(&self, users: &[&str]) -> Result<Vec<FollowResult>, ApiError> {
        Ok(self.call(&follow_delete::Request { user_id_list: parse_users(users)? }).await?.results)
    }

    /// A page of this user's followers, followings or mutual followers, newest first (TIM
    /// `getMyFollowersList`, `getMyFollowingList`, `getMutualFollowersList`): from `cursor` (`""`
    /// for the first page), `count` users at most (0 for 500). The answer's
    /// `follow_list_result_next_cursor` names the next page, `""` after the last.
    pub async fn follow_list(
        &self,
        list: FollowList,
        cursor: &str,
        count: u32,
    ) -> Result<follow_get_list::Response, ApiError> {
        let next_cursor = FollowCursor::parse(cursor)?;
        self.call(&follow_get_list::Request { follow_type: list.number(), next_cursor, count }).await
    }

    /// The follower, following and mutual counts of users, at most 20; of this user when
    /// `users` is empty (TIM `getUserFollowInfo`).
    pub async fn follow_info(&self, users: &[&str]) -> Result<Vec<FollowInfo>, ApiError> {
        Ok(self.call(&follow_get_info::Request { user_id_list: parse_users(users)? }).await?.infos)
    }

    /// This user's follow relationship with users, at most 100 (TIM `checkFollowType`).
    pub async fn check_follow_type(&self, users: &[&str]) -> Result<Vec<FollowTypeCheckResult>, ApiError> {
        Ok(self.call(&follow_check::Request { user_id_list: parse_users(users)? }).await?.results)
    }
}
