//! `conv_get_info`: the user's conversations by ID (TIM `TIMConvGetConvInfo`).
//!
//! A C2C conversation with an existing account is answered even without messages (empty); a
//! group is answered when the user is a member. Conversations the user deleted are answered too.

use serde::{Deserialize, Serialize};

use crate::conv::Conv;
use crate::error::ApiError;
use crate::objects::ConvInfo;

/// Parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The conversations (1 to 100).
    pub json_get_conv_list_param: Vec<ConvItem>,
}

/// One conversation: TIM's `get_conversation_list_param_conv_id` and `_conv_type`, parsed when
/// read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "wire::Item", into = "wire::Item")]
pub struct ConvItem(pub Conv);

mod wire {
    use serde::{Deserialize, Serialize};

    use crate::enums::ConvType;

    #[derive(Serialize, Deserialize)]
    pub(super) struct Item {
        pub(super) get_conversation_list_param_conv_id: String,
        pub(super) get_conversation_list_param_conv_type: ConvType,
    }
}

impl TryFrom<wire::Item> for ConvItem {
    type Error = ApiError;

    fn try_from(item: wire::Item) -> Result<ConvItem, ApiError> {
        Conv::parse(&item.get_conversation_list_param_conv_id, item.get_conversation_list_param_conv_type).map(ConvItem)
    }
}

impl From<ConvItem> for wire::Item {
    fn from(item: ConvItem) -> wire::Item {
        wire::Item {
            get_conversation_list_param_conv_id: item.0.conv_id().to_owned(),
            get_conversation_list_param_conv_type: item.0.conv_type(),
        }
    }
}

/// Result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The conversations found, in the order asked.
    pub conversations: Vec<ConvInfo>,
}
