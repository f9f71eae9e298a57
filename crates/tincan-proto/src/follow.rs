//! Follows (TIM's 关注 and 粉丝): one user following another, with no consent asked, as in a
//! social feed. A follow is a directed edge: A follows B makes A a follower of B and B one of
//! A's followings; two edges make the users mutual followers.
//!
//! The objects carry the keys of TIM's C API for follows (`FollowOperationResult`,
//! `FollowInfo`, `FollowTypeCheckResult`, `FollowListResult`) and TIM's `TIMFollowType`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ApiError, ErrorCode};
use crate::ids::UserId;
use crate::profile::UserProfile;

/// `TIMFollowType`: neither follows the other.
pub const FOLLOW_TYPE_NONE: u32 = 0;
/// `TIMFollowType`: the other user is in the caller's followers list (it follows the caller).
pub const FOLLOW_TYPE_IN_MY_FOLLOWERS_LIST: u32 = 1;
/// `TIMFollowType`: the other user is in the caller's following list (the caller follows it).
pub const FOLLOW_TYPE_IN_MY_FOLLOWING_LIST: u32 = 2;
/// `TIMFollowType`: both.
pub const FOLLOW_TYPE_IN_BOTH_FOLLOWERS_LIST: u32 = 3;

/// Which list: the same numbers as [`FOLLOW_TYPE_IN_MY_FOLLOWERS_LIST`] and its neighbours,
/// which TIM's REST `FollowType` uses too (1 followers, 2 following, 3 mutual).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FollowList {
    /// Those who follow the user.
    Followers,
    /// Those the user follows.
    Following,
    /// Those who follow the user and whom the user follows.
    Mutual,
}

impl FollowList {
    /// The list numbered `value` (1, 2 or 3).
    pub fn from_number(value: u32) -> Option<FollowList> {
        match value {
            FOLLOW_TYPE_IN_MY_FOLLOWERS_LIST => Some(FollowList::Followers),
            FOLLOW_TYPE_IN_MY_FOLLOWING_LIST => Some(FollowList::Following),
            FOLLOW_TYPE_IN_BOTH_FOLLOWERS_LIST => Some(FollowList::Mutual),
            _ => None,
        }
    }

    /// Its number.
    pub fn number(self) -> u32 {
        match self {
            FollowList::Followers => FOLLOW_TYPE_IN_MY_FOLLOWERS_LIST,
            FollowList::Following => FOLLOW_TYPE_IN_MY_FOLLOWING_LIST,
            FollowList::Mutual => FOLLOW_TYPE_IN_BOTH_FOLLOWERS_LIST,
        }
    }
}

/// The result of a follow or an unfollow for one user (TIM's `FollowOperationResult`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowResult {
    /// The user.
    pub follow_operation_result_user_id: String,
    /// 0 or the error code.
    pub follow_operation_result_code: ErrorCode,
    /// What went wrong, or `""`.
    #[serde(default)]
    pub follow_operation_result_info: String,
}

impl FollowResult {
    /// A success for `user`.
    pub fn ok(user: &str) -> FollowResult {
        FollowResult { follow_operation_result_user_id: user.to_owned(), ..FollowResult::default() }
    }

    /// A failure for `user`.
    pub fn failed(user: &str, err: ApiError) -> FollowResult {
        FollowResult {
            follow_operation_result_user_id: user.to_owned(),
            follow_operation_result_code: err.code,
            follow_operation_result_info: err.desc,
        }
    }
}

/// A user's follow counts (TIM's `FollowInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowInfo {
    /// The user.
    pub follow_info_user_id: String,
    /// How many follow it.
    pub follow_info_followers_count: u64,
    /// How many it follows.
    pub follow_info_followings_count: u64,
    /// How many it follows that follow it.
    pub follow_info_mutual_followers_count: u64,
    /// 0 or the error code (an account that does not exist).
    pub follow_info_result_code: ErrorCode,
    /// What went wrong, or `""`.
    pub follow_info_result_info: String,
}

/// The caller's follow relationship with one user (TIM's `FollowTypeCheckResult`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowTypeCheckResult {
    /// The user.
    pub follow_type_check_result_user_id: String,
    /// 0 or the error code.
    pub follow_type_check_result_code: ErrorCode,
    /// What went wrong, or `""`.
    pub follow_type_check_result_info: String,
    /// `TIMFollowType` (`FOLLOW_TYPE_*`).
    pub follow_type_check_result_follow_type: u32,
}

/// One user of a follow list, with its profile as it is now and when the follow was made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowEntry {
    /// The user's profile.
    pub follow_entry_user_profile: UserProfile,
    /// When the follow was made, in seconds (for the mutual list, when the second of the two
    /// follows was made).
    pub follow_entry_follow_time: u64,
}

/// Where a page of a follow list starts: at the beginning, or after the user a page before
/// ended with, named by the time it joined the list and its identifier. On the wire it is text,
/// `""` or `<time>:<user>`, which only the server writes; a cursor that does not read fails the
/// request with 30001.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowCursor(Option<(u64, UserId)>);

impl FollowCursor {
    /// The first page.
    pub fn first() -> FollowCursor {
        FollowCursor(None)
    }

    /// The page after the user `user`, which joined the list at `time`.
    pub fn after(time: u64, user: &UserId) -> FollowCursor {
        FollowCursor(Some((time, user.clone())))
    }

    /// Reads a cursor's text.
    pub fn parse(text: &str) -> Result<FollowCursor, ApiError> {
        if text.is_empty() {
            return Ok(FollowCursor(None));
        }
        let bad = || {
            ApiError::new(
                ErrorCode::FRIEND_INVALID_PARAMETERS,
                format!("cursor {text:?} is not one a page of a follow list gave; use \"\" for the first page"),
            )
        };
        let (time, user) = text.split_once(':').ok_or_else(bad)?;
        let time = time.parse::<u64>().map_err(|_| bad())?;
        let user = UserId::parse(user).map_err(|_| bad())?;
        Ok(FollowCursor(Some((time, user))))
    }

    /// The time and user the page starts after; `None` for the first page.
    pub fn position(&self) -> Option<&(u64, UserId)> {
        self.0.as_ref()
    }

    /// Its text.
    pub fn text(&self) -> String {
        match &self.0 {
            Some((time, user)) => format!("{time}:{}", user.as_str()),
            None => String::new(),
        }
    }
}

impl Serialize for FollowCursor {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for FollowCursor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FollowCursor, D::Error> {
        let text = String::deserialize(deserializer)?;
        // The error carries its code (see `ApiError`'s `Display`).
        FollowCursor::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_wrote_and_refuses_anything_else() {
        let user = UserId::parse("a:b c").unwrap();
        let cursor = FollowCursor::after(1_700_000_000, &user);
        assert_eq!(cursor.text(), "1700000000:a:b c");
        assert_eq!(FollowCursor::parse(&cursor.text()).unwrap(), cursor);
        assert_eq!(FollowCursor::parse("").unwrap(), FollowCursor::first());
        for bad in ["x", "12", "12:", ":bob", "-1:bob", "1:tab\there"] {
            let err = FollowCursor::parse(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::FRIEND_INVALID_PARAMETERS, "{bad}");
            assert!(err.desc.contains("cursor"), "{bad}: {}", err.desc);
        }
        let parsed: FollowCursor = serde_json::from_str("\"5:bob\"").unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "\"5:bob\"");
    }
}
