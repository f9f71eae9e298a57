//! `POST /v4/group_open_http_svc/import_group_msg`: imports up to 7 messages into a group as
//! they were sent in another system, each from its `From_Account` at its `SendTime`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tincan_engine::{Engine, GroupImport};
use tincan_proto::enums::ConvType;
use tincan_proto::{ApiError, ErrorCode, GroupId, Message, UserId};

use super::INVALID;
use crate::rest::{Caller, msgbody, session_as};

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    /// 1: the import updates the members' conversations; tincan's imports always do.
    #[serde(rename = "RecentContactFlag", default)]
    recent_contact_flag: Option<u32>,
    #[serde(rename = "MsgList")]
    messages: Vec<Imported>,
}

/// One message of `MsgList`.
#[derive(Deserialize)]
struct Imported {
    #[serde(rename = "From_Account")]
    from: UserId,
    #[serde(rename = "SendTime")]
    send_time: u64,
    #[serde(rename = "Random", default)]
    random: Option<u32>,
    #[serde(rename = "MsgBody")]
    body: Value,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
    #[serde(rename = "IsSystemMsg", default)]
    is_system_msg: Option<u32>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "ImportMsgResult")]
    results: Vec<ImportMsgResult>,
}

/// What became of one message, in `MsgList`'s order.
#[derive(Serialize)]
struct ImportMsgResult {
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "MsgTime")]
    msg_time: u64,
    #[serde(rename = "Result")]
    result: u32,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    crate::rest::flag("RecentContactFlag", body.recent_contact_flag, INVALID)?;
    let mut imports = Vec::with_capacity(body.messages.len());
    for (index, imported) in body.messages.into_iter().enumerate() {
        if crate::rest::flag("IsSystemMsg", imported.is_system_msg, INVALID)? {
            return Err(ApiError::new(
                INVALID,
                format!(
                    "MsgList[{index}]: IsSystemMsg 1 (a system message) is not imported; import it from an account"
                ),
            ));
        }
        if imported.send_time == 0 {
            return Err(ApiError::new(INVALID, format!("MsgList[{index}]: SendTime is 0; pass the time it was sent")));
        }
        let elems = msgbody::from_rest(&imported.body, INVALID)
            .map_err(|err| ApiError::new(err.code, format!("MsgList[{index}]: {}", err.desc)))?;
        let sender = session_as(engine, caller, Some(&imported.from), true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND)
            .await
            .map_err(|err| ApiError::new(err.code, format!("MsgList[{index}]: {}", err.desc)))?;
        let message = Message {
            message_elem_array: elems,
            message_conv_id: body.group_id.as_str().to_owned(),
            message_conv_type: ConvType::GROUP,
            // 0: the engine draws one.
            message_rand: imported.random.map_or(0, u64::from),
            message_cloud_custom_str: imported.cloud_custom_data.unwrap_or_default(),
            ..Default::default()
        };
        imports.push(GroupImport { sender, message, time: imported.send_time });
    }
    let admin = session_as(engine, caller, None, true, ErrorCode::GROUP_ACCOUNT_NOT_FOUND).await?;
    let results = engine.import_group_messages(&admin, &body.group_id, imports).await?;
    Ok(Answer {
        results: results
            .into_iter()
            .map(|it| ImportMsgResult { msg_seq: it.seq, msg_time: it.time, result: it.result })
            .collect(),
    })
}
