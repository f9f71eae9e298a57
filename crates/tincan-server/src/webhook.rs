//! Webhooks over HTTP in TIM's format: `POST <url>?SdkAppid=&CallbackCommand=&contenttype=json
//! &ClientIP=&OptPlatform=` with a JSON body carrying TIM's keys.
//!
//! The engine decides what to send and when ([`tincan_engine::webhooks`]); this module only
//! writes and reads TIM's JSON. Before-send answers: `ErrorCode` 0 sends the message (with the
//! answer's `MsgBody` and `CloudCustomData` if present), 1 refuses it (the sender gets 20006 for
//! C2C, 10016 for groups), 2 drops it silently, and for C2C a code in 120001–130000 refuses it
//! with that code and the answer's `ErrorInfo`. Anything else (no answer, not HTTP 200, not
//! JSON) sends the message unchanged.
//!
//! Group before-callbacks (creating, applying to join, inviting) read TIM's answer the same way:
//! `ErrorCode` 0 lets the change through (an invitation without the users of
//! `RefusedMembers_Account`), a code in 10100–10200 refuses it with that code and the answer's
//! `ErrorInfo`, any other code refuses it with 10016; an unreadable or missing answer lets it
//! through.

use std::sync::Arc;

use serde_json::{Map, Value, json};
use tincan_core::config::{CALLBACK_C2C_BEFORE_SEND, CALLBACK_GROUP_BEFORE_SEND, CALLBACK_SNS_PREV_FRIEND_ADD};
use tincan_engine::webhooks::{
    BEFORE_SEND_TIMEOUT, CallbackEvent, DELIVERY_TIMEOUT, GroupVerdict, MessageEvent, PLATFORM_REST, PrevSnsEvent,
    SnsRefusals, Verdict, WebhookFuture, WebhookSender,
};
use tincan_proto::friendship as tim;
use tincan_proto::{ApiError, ErrorCode};

use crate::rest::msgbody;

/// Custom refusal codes a C2C before-send receiver may answer with, passed on to the sender.
const C2C_CUSTOM_CODES: std::ops::RangeInclusive<u32> = 120_001..=130_000;
/// Custom refusal codes a group before-callback receiver may answer with, passed on to the caller.
const GROUP_CUSTOM_CODES: std::ops::RangeInclusive<u32> = 10_100..=10_200;

/// Sends webhooks with an HTTP client (HTTP and HTTPS, keeping connections open).
#[derive(Clone)]
pub struct HttpWebhooks {
    client: reqwest::Client,
}

impl HttpWebhooks {
    /// A sender with its own connection pool.
    pub fn new() -> HttpWebhooks {
        // HTTPS uses rustls with the ring provider; a second install (another server in the
        // same process) is refused harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT.max(BEFORE_SEND_TIMEOUT))
            .user_agent(concat!("tincan/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        HttpWebhooks { client }
    }

    /// As an engine's webhook sender.
    pub fn shared() -> Arc<dyn WebhookSender> {
        Arc::new(HttpWebhooks::new())
    }
}

impl Default for HttpWebhooks {
    fn default() -> HttpWebhooks {
        HttpWebhooks::new()
    }
}

/// TIM's `OptPlatform` for a `TIMPlatform` number.
fn opt_platform(platform: u32) -> &'static str {
    match platform {
        PLATFORM_REST => "RESTAPI",
        1 => "Windows",
        2 => "Android",
        3 => "iOS",
        4 => "Mac",
        5 => "IPad",
        _ => "Unknown",
    }
}

fn url_with_query(url: &str, sdkappid: u64, command: &str, platform: u32) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}SdkAppid={sdkappid}&CallbackCommand={command}&contenttype=json&ClientIP=&OptPlatform={}",
        opt_platform(platform)
    )
}

/// The body of a message webhook (before or after sending, C2C or group).
fn message_body(command: &str, event: &MessageEvent, after: bool) -> Value {
    let mut body = Map::new();
    body.insert("CallbackCommand".to_owned(), json!(command));
    body.insert("From_Account".to_owned(), json!(event.from));
    if event.group_id.is_empty() {
        body.insert("To_Account".to_owned(), json!(event.to));
        body.insert("MsgSeq".to_owned(), json!(event.seq));
        body.insert("MsgRandom".to_owned(), json!(event.random));
        body.insert("MsgTime".to_owned(), json!(event.time));
        body.insert("MsgKey".to_owned(), json!(format!("{}_{}_{}", event.seq, event.random, event.time)));
        if after {
            body.insert("SendMsgResult".to_owned(), json!(0));
            body.insert("ErrorInfo".to_owned(), json!("send msg succeed"));
            body.insert("UnreadMsgNum".to_owned(), json!(event.unread));
        }
    } else {
        body.insert("GroupId".to_owned(), json!(event.group_id));
        body.insert("Type".to_owned(), json!(event.group_type));
        body.insert("Operator_Account".to_owned(), json!(event.operator));
        body.insert("Random".to_owned(), json!(event.random));
        if after {
            body.insert("MsgSeq".to_owned(), json!(event.seq));
            body.insert("MsgTime".to_owned(), json!(event.time));
        }
    }
    body.insert("MsgId".to_owned(), json!(event.msg_id));
    body.insert("OnlineOnlyFlag".to_owned(), json!(0));
    body.insert("MsgBody".to_owned(), msgbody::to_rest(&event.elems));
    body.insert("CloudCustomData".to_owned(), json!(event.cloud_custom_data));
    body.insert("EventTime".to_owned(), json!(event.event_time_ms));
    Value::Object(body)
}

/// The body of an after-event, and the platform it came from.
fn event_body(command: &str, event: &CallbackEvent) -> (Value, u32) {
    match event {
        CallbackEvent::AfterSend(message) => (message_body(command, message, true), message.platform),
        CallbackEvent::SendMsgException { message, online_only, error_code, error_info } => {
            let mut body = message_body(command, message, false);
            body["OnlineOnlyFlag"] = json!(u8::from(*online_only));
            body["ErrorCode"] = json!(error_code);
            body["ErrorInfo"] = json!(error_info);
            (body, message.platform)
        }
        CallbackEvent::AfterReadReceipt { group_id, group_type, receipts, event_time_ms, platform } => {
            let list: Vec<Value> = receipts
                .iter()
                .map(|item| {
                    json!({
                        "MsgSeq": item.seq,
                        "ReadNum": item.read,
                        "UnreadNum": item.unread,
                        "ReadReceiptMembers": item.readers.iter().map(|user| json!({"Member_Account": user})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let body = json!({
                "CallbackCommand": command,
                "GroupId": group_id,
                "Type": group_type,
                "GroupMsgReceiptList": list,
                "EventTime": event_time_ms,
            });
            (body, *platform)
        }
        CallbackEvent::Recall(recall) => {
            let body = if recall.group_id.is_empty() {
                json!({
                    "CallbackCommand": command,
                    "From_Account": recall.from,
                    "To_Account": recall.to,
                    "MsgKey": recall.msg_key,
                    "UnreadMsgNum": recall.unread,
                    "EventTime": recall.event_time_ms,
                })
            } else {
                json!({
                    "CallbackCommand": command,
                    "Operator_Account": recall.operator,
                    "Type": recall.group_type,
                    "GroupId": recall.group_id,
                    "MsgSeqList": [{"MsgSeq": recall.seq}],
                    "EventTime": recall.event_time_ms,
                })
            };
            (body, recall.platform)
        }
        CallbackEvent::Group { body } => {
            let mut body = match serde_json::from_str::<Value>(body) {
                Ok(Value::Object(fields)) => fields,
                _ => serde_json::Map::new(),
            };
            body.insert("CallbackCommand".to_owned(), json!(command));
            (Value::Object(body), 0)
        }
        CallbackEvent::AfterC2cReadReceipt { operator, peer, messages, event_time_ms, platform } => {
            let list: Vec<Value> = messages
                .iter()
                .map(|item| {
                    json!({
                        "From_Account": item.from,
                        "To_Account": item.to,
                        "MsgKey": item.msg_key,
                        "MsgId": item.msg_id,
                    })
                })
                .collect();
            let body = json!({
                "CallbackCommand": command,
                "Operator_Account": operator,
                "Peer_Account": peer,
                "C2CMsgInfo": list,
                "EventTime": event_time_ms,
            });
            (body, *platform)
        }
        CallbackEvent::AfterMsgReport { reporter, peer, last_read_time, unread, event_time_ms, platform } => {
            let body = json!({
                "CallbackCommand": command,
                "Report_Account": reporter,
                "Peer_Account": peer,
                "LastReadTime": last_read_time,
                "UnreadMsgNum": unread,
                "EventTime": event_time_ms,
            });
            (body, *platform)
        }
        CallbackEvent::StateChange { user, action, reason, event_time_ms, platform } => {
            let body = json!({
                "CallbackCommand": command,
                "EventTime": event_time_ms,
                "Info": {"Action": action, "To_Account": user, "Reason": reason},
            });
            (body, *platform)
        }
        CallbackEvent::PortraitSet { user, operator, change, event_time_ms, platform } => {
            let body = json!({
                "CallbackCommand": command,
                "Operator_Account": operator,
                "From_Account": user,
                "ProfileItem": crate::rest::profile_items(change),
                "EventTime": event_time_ms,
            });
            (body, *platform)
        }
        CallbackEvent::Sns { pairs, client_cmd, admin, forced, event_time_ms, platform } => {
            let added = command == tincan_core::config::CALLBACK_SNS_FRIEND_ADD;
            let pairs: Vec<Value> = pairs
                .iter()
                .map(|pair| {
                    if added {
                        json!({
                            "From_Account": pair.from,
                            "To_Account": pair.to,
                            "Initiator_Account": pair.initiator,
                        })
                    } else {
                        json!({"From_Account": pair.from, "To_Account": pair.to})
                    }
                })
                .collect();
            let mut body = json!({
                "CallbackCommand": command,
                "PairList": pairs,
                "EventTime": event_time_ms,
            });
            if added {
                body["ClientCmd"] = json!(client_cmd);
                body["Admin_Account"] = json!(admin);
                body["ForceFlag"] = json!(u32::from(*forced));
            }
            (body, *platform)
        }
        CallbackEvent::Follow { from, to, event_time_ms, platform } => {
            let body = if command == tincan_core::config::CALLBACK_FOLLOW_ADD {
                let list: Vec<Value> = to.iter().map(|user| json!({"To_Account": user})).collect();
                json!({
                    "CallbackCommand": command,
                    "From_Account": from,
                    "FollowList": list,
                    "EventTime": event_time_ms,
                })
            } else {
                json!({
                    "CallbackCommand": command,
                    "From_Account": from,
                    "To_Account": to,
                    "EventTime": event_time_ms,
                })
            };
            (body, *platform)
        }
    }
}

/// The body of a relationship before-callback (`Sns.CallbackPrevFriendAdd`,
/// `Sns.CallbackPrevFriendResponse`).
fn prev_sns_body(command: &str, event: &PrevSnsEvent) -> Value {
    let mut body = json!({
        "CallbackCommand": command,
        "Requester_Account": event.requester,
        "From_Account": event.from,
        "EventTime": event.event_time_ms,
    });
    if command == CALLBACK_SNS_PREV_FRIEND_ADD {
        let items: Vec<Value> = event
            .items
            .iter()
            .map(|item| {
                json!({
                    "To_Account": item.to,
                    "Remark": item.remark,
                    "GroupName": item.group_name,
                    "AddSource": item.add_source,
                    "AddWording": item.add_wording,
                })
            })
            .collect();
        body["FriendItem"] = json!(items);
        body["AddType"] = json!(if event.both { "Add_Type_Both" } else { "Add_Type_Single" });
        body["ForceAddFlags"] = json!(0);
    } else {
        let items: Vec<Value> = event
            .items
            .iter()
            .map(|item| {
                let action = match item.action {
                    tim::RESPONSE_AGREE_AND_ADD => "Response_Action_AgreeAndAdd",
                    tim::RESPONSE_REJECT => "Response_Action_Reject",
                    _ => "Response_Action_Agree",
                };
                json!({"To_Account": item.to, "Remark": item.remark, "TagName": item.group_name, "ResponseAction": action})
            })
            .collect();
        body["ResponseFriendItem"] = json!(items);
    }
    body
}

/// Reads a relationship before-callback's answer: the users whose `ResultItem` has a non-zero
/// `ResultCode`, refused with that code and its `ResultInfo`. An answer whose own `ErrorCode` is
/// not 0 is the receiver failing, which refuses nothing.
fn sns_refusals_of(command: &str, answer: &Value) -> SnsRefusals {
    if answer.get("ErrorCode").and_then(Value::as_u64).unwrap_or(0) != 0 {
        tracing::warn!(command, "a relationship before-callback answered with an error; going on");
        return Vec::new();
    }
    let Some(items) = answer.get("ResultItem").and_then(Value::as_array) else { return Vec::new() };
    items
        .iter()
        .filter_map(|item| {
            let to = item.get("To_Account")?.as_str()?;
            let code = u32::try_from(item.get("ResultCode")?.as_u64()?).ok()?;
            if code == 0 {
                return None;
            }
            let info = item.get("ResultInfo").and_then(Value::as_str).unwrap_or_default();
            let desc = if info.is_empty() {
                format!("the app's webhook refused the request for {to} (ResultCode {code})")
            } else {
                info.to_owned()
            };
            Some((to.to_owned(), ApiError::new(ErrorCode(code), desc)))
        })
        .collect()
}

/// Reads a before-send answer.
fn verdict_of(command: &str, answer: &Value) -> Verdict {
    let code = answer.get("ErrorCode").and_then(Value::as_u64).unwrap_or(0);
    let info = answer.get("ErrorInfo").and_then(Value::as_str).unwrap_or_default();
    let is_c2c = command == CALLBACK_C2C_BEFORE_SEND;
    match code {
        0 => {
            let elems = answer.get("MsgBody").and_then(|body| {
                msgbody::from_rest(body, ErrorCode::OPENIM_INVALID_MSG_BODY)
                    .map_err(|err| {
                        tracing::warn!(
                            command,
                            desc = err.desc,
                            "a before-send answer's MsgBody is invalid; sending the original"
                        )
                    })
                    .ok()
            });
            let cloud_custom_data = answer.get("CloudCustomData").and_then(Value::as_str).map(str::to_owned);
            Verdict::Allow { elems, cloud_custom_data }
        }
        2 => Verdict::Discard,
        custom if is_c2c && C2C_CUSTOM_CODES.contains(&u32::try_from(custom).unwrap_or(0)) => {
            Verdict::Refuse(ApiError::new(ErrorCode(u32::try_from(custom).unwrap_or(0)), info))
        }
        other => {
            let standard = if command == CALLBACK_GROUP_BEFORE_SEND {
                ErrorCode::GROUP_REJECTED_BY_CALLBACK
            } else {
                ErrorCode::C2C_REJECTED_BY_CALLBACK
            };
            let desc = if info.is_empty() {
                format!("the app's before-send webhook refused the message (ErrorCode {other})")
            } else {
                format!("the app's before-send webhook refused the message: {info}")
            };
            Verdict::Refuse(ApiError::new(standard, desc))
        }
    }
}

/// Reads a group before-callback's answer.
fn group_verdict_of(command: &str, answer: &Value) -> GroupVerdict {
    let code = answer.get("ErrorCode").and_then(Value::as_u64).unwrap_or(0);
    let info = answer.get("ErrorInfo").and_then(Value::as_str).unwrap_or_default();
    if code == 0 {
        let refused = answer
            .get("RefusedMembers_Account")
            .and_then(Value::as_array)
            .map(|users| users.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        return GroupVerdict::Allow { refused };
    }
    let custom = u32::try_from(code).ok().filter(|code| GROUP_CUSTOM_CODES.contains(code));
    let what = match command {
        tincan_core::config::CALLBACK_GROUP_BEFORE_CREATE => "the group's creation",
        tincan_core::config::CALLBACK_GROUP_BEFORE_APPLY_JOIN => "the request to join",
        _ => "the invitation",
    };
    let err = match custom {
        Some(custom) => ApiError::new(ErrorCode(custom), info),
        None => {
            let desc = if info.is_empty() {
                format!("the app's {command} webhook refused {what} (ErrorCode {code})")
            } else {
                format!("the app's {command} webhook refused {what}: {info}")
            };
            ApiError::new(ErrorCode::GROUP_REJECTED_BY_CALLBACK, desc)
        }
    };
    GroupVerdict::Refuse(err)
}

impl WebhookSender for HttpWebhooks {
    fn before_group(
        &self,
        url: &str,
        sdkappid: u64,
        command: &str,
        mut body: Value,
        platform: u32,
    ) -> WebhookFuture<GroupVerdict> {
        body["CallbackCommand"] = json!(command);
        let request =
            self.client.post(url_with_query(url, sdkappid, command, platform)).timeout(BEFORE_SEND_TIMEOUT).json(&body);
        let command = command.to_owned();
        Box::pin(async move {
            let answer = match request.send().await {
                Ok(response) if response.status().is_success() => response.json::<Value>().await,
                Ok(response) => {
                    tracing::warn!(command, status = %response.status(), "group before-callback answered with an error; going ahead");
                    return GroupVerdict::ALLOW;
                }
                Err(err) => {
                    tracing::warn!(command, %err, "group before-callback unreachable; going ahead");
                    return GroupVerdict::ALLOW;
                }
            };
            match answer {
                Ok(answer) => group_verdict_of(&command, &answer),
                Err(err) => {
                    tracing::warn!(command, %err, "group before-callback answer is not JSON; going ahead");
                    GroupVerdict::ALLOW
                }
            }
        })
    }

    fn before_send(&self, url: &str, sdkappid: u64, command: &str, event: &MessageEvent) -> WebhookFuture<Verdict> {
        let request = self
            .client
            .post(url_with_query(url, sdkappid, command, event.platform))
            .timeout(BEFORE_SEND_TIMEOUT)
            .json(&message_body(command, event, false));
        let command = command.to_owned();
        Box::pin(async move {
            let answer = match request.send().await {
                Ok(response) if response.status().is_success() => response.json::<Value>().await,
                Ok(response) => {
                    tracing::warn!(command, status = %response.status(), "before-send webhook answered with an error; sending");
                    return Verdict::ALLOW;
                }
                Err(err) => {
                    tracing::warn!(command, %err, "before-send webhook unreachable; sending");
                    return Verdict::ALLOW;
                }
            };
            match answer {
                Ok(answer) => verdict_of(&command, &answer),
                Err(err) => {
                    tracing::warn!(command, %err, "before-send webhook answer is not JSON; sending");
                    Verdict::ALLOW
                }
            }
        })
    }

    fn before_sns(&self, url: &str, sdkappid: u64, command: &str, event: &PrevSnsEvent) -> WebhookFuture<SnsRefusals> {
        let request = self
            .client
            .post(url_with_query(url, sdkappid, command, event.platform))
            .timeout(BEFORE_SEND_TIMEOUT)
            .json(&prev_sns_body(command, event));
        let command = command.to_owned();
        Box::pin(async move {
            let answer = match request.send().await {
                Ok(response) if response.status().is_success() => response.json::<Value>().await,
                Ok(response) => {
                    tracing::warn!(command, status = %response.status(), "relationship before-callback answered with an error; going on");
                    return Vec::new();
                }
                Err(err) => {
                    tracing::warn!(command, %err, "relationship before-callback unreachable; going on");
                    return Vec::new();
                }
            };
            match answer {
                Ok(answer) => sns_refusals_of(&command, &answer),
                Err(err) => {
                    tracing::warn!(command, %err, "relationship before-callback answer is not JSON; going on");
                    Vec::new()
                }
            }
        })
    }

    fn deliver(
        &self,
        url: &str,
        sdkappid: u64,
        command: &str,
        event: &CallbackEvent,
    ) -> WebhookFuture<Result<(), String>> {
        let (body, platform) = event_body(command, event);
        let request = self.client.post(url_with_query(url, sdkappid, command, platform)).json(&body);
        Box::pin(async move {
            let response = request.send().await.map_err(|err| err.to_string())?;
            if response.status().is_success() { Ok(()) } else { Err(format!("HTTP {}", response.status())) }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_before_callback_answers() {
        let add = CALLBACK_SNS_PREV_FRIEND_ADD;
        let answer = json!({"ActionStatus": "OK", "ErrorCode": 0, "ResultItem": [
            {"To_Account": "bob", "ResultCode": 0, "ResultInfo": ""},
            {"To_Account": "carol", "ResultCode": 38_001, "ResultInfo": "not carol"},
        ]});
        let refusals = sns_refusals_of(add, &answer);
        assert_eq!(refusals.len(), 1);
        assert_eq!(
            (refusals[0].0.as_str(), refusals[0].1.code.0, refusals[0].1.desc.as_str()),
            ("carol", 38_001, "not carol")
        );
        assert!(
            sns_refusals_of(add, &json!({"ErrorCode": 1, "ResultItem": [{"To_Account": "x", "ResultCode": 5}]}))
                .is_empty()
        );
        assert!(sns_refusals_of(add, &json!({"ActionStatus": "OK"})).is_empty());
    }

    #[test]
    fn before_send_answers() {
        let group = CALLBACK_GROUP_BEFORE_SEND;
        let c2c = CALLBACK_C2C_BEFORE_SEND;
        assert_eq!(verdict_of(c2c, &json!({"ActionStatus": "OK", "ErrorCode": 0})), Verdict::ALLOW);
        assert_eq!(verdict_of(c2c, &json!({"ErrorCode": 2})), Verdict::Discard);
        let Verdict::Refuse(err) = verdict_of(group, &json!({"ErrorCode": 1, "ErrorInfo": "spam"})) else {
            panic!("refused")
        };
        assert_eq!(err.code, ErrorCode::GROUP_REJECTED_BY_CALLBACK);
        assert!(err.desc.contains("spam"));
        let Verdict::Refuse(err) = verdict_of(c2c, &json!({"ErrorCode": 120_005, "ErrorInfo": "blocked word"})) else {
            panic!("refused")
        };
        assert_eq!((err.code.0, err.desc.as_str()), (120_005, "blocked word"));
        let Verdict::Refuse(err) = verdict_of(group, &json!({"ErrorCode": 120_005})) else { panic!("refused") };
        assert_eq!(err.code, ErrorCode::GROUP_REJECTED_BY_CALLBACK, "custom codes are for C2C only");
        let changed = verdict_of(
            c2c,
            &json!({"ErrorCode": 0, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "***"}}], "CloudCustomData": "x"}),
        );
        let Verdict::Allow { elems: Some(elems), cloud_custom_data: Some(data) } = changed else { panic!("changed") };
        assert_eq!(elems[0].text_content(), Some("***"));
        assert_eq!(data, "x");
        let bad_body = verdict_of(c2c, &json!({"ErrorCode": 0, "MsgBody": "not an array"}));
        assert_eq!(bad_body, Verdict::ALLOW, "an unreadable replacement keeps the original");
    }

    #[test]
    fn group_before_callback_answers() {
        use tincan_core::config::{CALLBACK_GROUP_BEFORE_CREATE, CALLBACK_GROUP_BEFORE_INVITE_JOIN};
        let invite = CALLBACK_GROUP_BEFORE_INVITE_JOIN;
        assert_eq!(group_verdict_of(invite, &json!({"ActionStatus": "OK", "ErrorCode": 0})), GroupVerdict::ALLOW);
        assert_eq!(
            group_verdict_of(invite, &json!({"ErrorCode": 0, "RefusedMembers_Account": ["ann", 7]})),
            GroupVerdict::Allow { refused: vec!["ann".to_owned()] }
        );
        let GroupVerdict::Refuse(err) = group_verdict_of(CALLBACK_GROUP_BEFORE_CREATE, &json!({"ErrorCode": 1})) else {
            panic!("refused")
        };
        assert_eq!(err.code, ErrorCode::GROUP_REJECTED_BY_CALLBACK);
        assert!(err.desc.contains("creation"), "{}", err.desc);
        let GroupVerdict::Refuse(err) = group_verdict_of(invite, &json!({"ErrorCode": 10_150, "ErrorInfo": "full"}))
        else {
            panic!("refused")
        };
        assert_eq!((err.code.0, err.desc.as_str()), (10_150, "full"));
        let GroupVerdict::Refuse(err) = group_verdict_of(invite, &json!({"ErrorCode": 120_005})) else {
            panic!("refused")
        };
        assert_eq!(err.code, ErrorCode::GROUP_REJECTED_BY_CALLBACK, "only 10100-10200 pass through");
    }

    #[test]
    fn the_query_string_follows_tim() {
        assert_eq!(
            url_with_query("http://h/cb", 7, "C2C.CallbackAfterSendMsg", 2),
            "http://h/cb?SdkAppid=7&CallbackCommand=C2C.CallbackAfterSendMsg&contenttype=json&ClientIP=&OptPlatform=Android"
        );
        let rest = url_with_query("http://h/cb?token=1", 7, "x", PLATFORM_REST);
        assert!(rest.starts_with("http://h/cb?token=1&SdkAppid=7"), "{rest}");
        assert!(rest.ends_with("OptPlatform=RESTAPI"), "{rest}");
    }
}
