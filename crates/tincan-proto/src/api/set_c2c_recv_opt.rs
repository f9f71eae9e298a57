//! `msg_set_c2c_recv_opt`: sets the user's receive option of its C2C conversations with some
//! users (TIM `TIMMsgSetC2CReceiveMessageOpt`).
//!
//! The option (`TIMReceiveMessageOpt`: 0 receive, 1 do not receive, 2 receive without
//! notifications, 3 without notifications except @-mentions) is kept with the user's other
//! settings of each conversation, shown as its `conv_recv_opt`, and reaches the user's devices
//! as a `conv` push.

use serde::{Deserialize, Serialize};

use crate::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The peers: 1 to 30 accounts.
    pub identifier_array: Vec<UserId>,
    /// `TIMReceiveMessageOpt`.
    pub opt: u32,
}
