//! `profile_modify_self`: changes the caller's own profile (TIM
//! `TIMProfileModifySelfUserProfile`); the caller's other devices and the users subscribed to
//! its profile are told with a `profile` push.

/// Parameters: TIM's `UserProfileItem`, the fields to change.
pub type Request = crate::profile::ProfileChange;

/// The answer: nothing.
pub type Response = super::Empty;
