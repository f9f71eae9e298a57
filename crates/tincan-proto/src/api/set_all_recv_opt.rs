//! `msg_set_all_recv_opt`: sets the user's app-wide receive option (TIM
//! `TIMMsgSetAllReceiveMessageOpt` and `TIMMsgSetAllReceiveMessageOpt2`): a
//! `TIMReceiveMessageOpt` for every conversation during a quiet period, either every day from a
//! time of day (`start_hour`, `start_minute`, `start_second` in the user's own time, which the
//! server keeps as given) or once from a UTC time (`start_time_stamp`), for `duration` seconds.
//! It is kept on the server and reaches every device of the user (an `all_recv_opt` push);
//! setting what is already set changes nothing and pushes nothing.

use serde::{Deserialize, Serialize};

/// Parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// `TIMReceiveMessageOpt`: 0 (receive), 2 (no notifications) or 3 (no notifications but
    /// @-mentions).
    pub opt: u32,
    /// The daily period's start hour (0-23); 0 for a one-time period.
    #[serde(default)]
    pub start_hour: u32,
    /// The daily period's start minute (0-59).
    #[serde(default)]
    pub start_minute: u32,
    /// The daily period's start second (0-59).
    #[serde(default)]
    pub start_second: u32,
    /// The one-time period's start, in UTC seconds; 0 for a daily period.
    #[serde(default)]
    pub start_time_stamp: u32,
    /// How long the period lasts, in seconds; a daily period of a day or more never ends.
    #[serde(default)]
    pub duration: u32,
}
