//! `POST /v4/openim/get_c2c_unread_msg_num`: a user's C2C unread count in all, and with the
//! peers of `Peer_Account`; a peer that is not an account, an entry that is not an identifier
//! included, is answered in `ErrorList`.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::get_conversation_list;
use tincan_proto::enums::ConvType;
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, ErrorCode, UserId};

use crate::rest::{Caller, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "To_Account")]
    user: UserId,
    #[serde(rename = "Peer_Account", default)]
    peers: Option<Vec<ListedId<UserId>>>,
}

/// The answer; the lists only when `Peer_Account` was given, `ErrorList` only when not empty.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "AllC2CUnreadMsgNum")]
    all_c2c_unread_msg_num: u64,
    #[serde(rename = "C2CUnreadMsgNumList", skip_serializing_if = "Option::is_none")]
    c2c_unread_msg_num_list: Option<Vec<PeerUnread>>,
    #[serde(rename = "ErrorList", skip_serializing_if = "Option::is_none")]
    error_list: Option<Vec<PeerFailed>>,
}

#[derive(Serialize)]
struct PeerUnread {
    #[serde(rename = "Peer_Account")]
    peer_account: String,
    #[serde(rename = "C2CUnreadMsgNum")]
    c2c_unread_msg_num: u64,
}

#[derive(Serialize)]
struct PeerFailed {
    #[serde(rename = "Peer_Account")]
    peer_account: String,
    #[serde(rename = "ErrorCode")]
    error_code: u32,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = session_as(engine, caller, Some(&body.user), true, ErrorCode::C2C_INVALID_ACCOUNT).await?;
    let conversations = engine.call_op(&session, get_conversation_list::Request {}).await?.conversations;
    let c2c: Vec<(&str, u64)> = conversations
        .iter()
        .filter(|conv| conv.conv_type == ConvType::C2C)
        .map(|conv| (conv.conv_id.as_str(), conv.conv_unread_num))
        .collect();
    let mut answer = Answer {
        all_c2c_unread_msg_num: c2c.iter().map(|(_, unread)| unread).sum(),
        c2c_unread_msg_num_list: None,
        error_list: None,
    };
    if let Some(peers) = &body.peers {
        let mut list = Vec::new();
        let mut errors = Vec::new();
        for peer in peers {
            let exists = peer.valid().is_ok_and(|id| engine.account_exists(caller.sdkappid, id));
            let peer = peer.as_str();
            if !exists {
                let error_code = ErrorCode::OPENIM_TO_ACCOUNT_NOT_FOUND.0;
                errors.push(PeerFailed { peer_account: peer.to_owned(), error_code });
                continue;
            }
            let unread = c2c.iter().find(|(id, _)| *id == peer).map_or(0, |(_, unread)| *unread);
            list.push(PeerUnread { peer_account: peer.to_owned(), c2c_unread_msg_num: unread });
        }
        answer.c2c_unread_msg_num_list = Some(list);
        answer.error_list = (!errors.is_empty()).then_some(errors);
    }
    Ok(answer)
}
