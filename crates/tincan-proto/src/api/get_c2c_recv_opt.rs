//! `msg_get_c2c_recv_opt`: the user's receive option of its C2C conversations with some users
//! (TIM `TIMMsgGetC2CReceiveMessageOpt`).

use serde::{Deserialize, Serialize};

use crate::UserId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The peers: 1 to 30 accounts.
    pub identifier_array: Vec<UserId>,
}

/// One peer's option (TIM `TIMReceiveMessageOptInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecvOptResult {
    /// The peer.
    pub msg_recv_msg_opt_result_identifier: String,
    /// `TIMReceiveMessageOpt`.
    pub msg_recv_msg_opt_result_opt: u32,
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// One per peer, in the order asked.
    pub results: Vec<RecvOptResult>,
}
