//! `msg_get_all_recv_opt`: the user's app-wide receive option (TIM
//! `TIMMsgGetAllReceiveMessageOpt`), all zero when it never set one.

use serde::{Deserialize, Serialize};

/// Parameters: none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {}

/// The option (TIM `TIMReceiveMessageOptInfo`), also the payload of the `all_recv_opt` push.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AllRecvOptInfo {
    /// `TIMReceiveMessageOpt`: 0, 2 or 3.
    pub msg_all_recv_msg_opt_level: u32,
    /// The daily period's start hour, in the user's time.
    pub msg_all_recv_msg_opt_start_hour: u32,
    /// The daily period's start minute.
    pub msg_all_recv_msg_opt_start_minute: u32,
    /// The daily period's start second.
    pub msg_all_recv_msg_opt_start_second: u32,
    /// The one-time period's start in UTC seconds; 0 for a daily period.
    pub msg_all_recv_msg_opt_start_time_stamp: u32,
    /// The period's length, in seconds.
    pub msg_all_recv_msg_duration: u32,
}

/// `push` kind of the change of the option, whose payload is an [`AllRecvOptInfo`].
pub const ALL_RECV_OPT_PUSH: &str = "all_recv_opt";

/// Result: the option.
pub type Response = AllRecvOptInfo;
