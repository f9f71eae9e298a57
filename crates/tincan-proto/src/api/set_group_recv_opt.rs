//! `msg_set_group_recv_opt`: sets the user's receive option of a group it is in (TIM
//! `TIMMsgSetGroupReceiveMessageOpt`), kept as for `msg_set_c2c_recv_opt`.

use serde::{Deserialize, Serialize};

use crate::GroupId;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The group.
    pub group_id: GroupId,
    /// `TIMReceiveMessageOpt`.
    pub opt: u32,
}
