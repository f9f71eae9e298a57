//! Message extensions: app-defined keys and values on a sent message (TIM
//! `TIMMsgSetMessageExtensions`, `TIMMsgGetMessageExtensions`, `TIMMsgDeleteMessageExtensions`).
//!
//! Every key has a seq, its version, which each change raises by one; a change names the seq it
//! was made from, and one made from another seq is refused for that key alone (23001, with the
//! key as it is now), so that of several users changing one key at once exactly one wins.
//! A deleted key keeps its seq (the store keeps its row, marked deleted), so a change made from
//! before the deletion is recognised as stale too.
//!
//! The decision is made under the conversation's lock against the conversation's memory of the
//! message's extensions (read from the store on first use, then kept), stored with one
//! `PutMessageExtensions`, and pushed as an event of the stream of everyone in the conversation:
//! the two users of a C2C conversation, the current members of a group (a bounded number: the
//! group types without a member cap, AVChatRoom and Community, take no extensions).

use std::collections::BTreeSet;
use std::sync::Arc;

use tincan_core::conv::ConvKey;
use tincan_proto::api::{delete_message_extensions, get_message_extensions, set_message_extensions};
use tincan_proto::enums::GroupType;
use tincan_proto::objects::{MessageExtension, MessageExtensionResult};
use tincan_proto::push::{self, MsgExtensionsPush};
use tincan_proto::{ApiError, Conv, ErrorCode, Message, UserId, limits};
use tincan_store::{MessageExtensionRecord, MessageRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::events::user_event;
use crate::ops::common::{Target, find_message, group_not_found};
use crate::ops::handle;
use crate::render;
use crate::state::{Extensions, lock};

/// `msg_set_extensions` (TIM `TIMMsgSetMessageExtensions`).
pub(crate) async fn set(
    engine: &Engine,
    session: &Session,
    request: set_message_extensions::Request,
) -> Result<set_message_extensions::Response, ApiError> {
    check_count(request.extensions.len(), 1)?;
    let mut wanted = Vec::with_capacity(request.extensions.len());
    for extension in request.extensions {
        check_key(&extension.message_extension_key)?;
        if extension.message_extension_value.len() > limits::MSG_EXTENSION_VALUE_BYTES_MAX {
            return Err(ApiError::invalid_parameter(format!(
                "the value of extension {:?} is {} bytes; at most {} are allowed",
                extension.message_extension_key,
                extension.message_extension_value.len(),
                limits::MSG_EXTENSION_VALUE_BYTES_MAX
            )));
        }
        wanted.push(Wanted::Set {
            key: extension.message_extension_key,
            value: extension.message_extension_value,
            from_seq: extension.message_extension_seq,
        });
    }
    check_distinct(&wanted)?;
    let target = extensible_message(engine, session, &request.message).await?;
    let results = change(engine, session, target, Change::Keys(wanted), push::MSG_EXTENSIONS_CHANGED).await?;
    Ok(set_message_extensions::Response { results })
}

/// `msg_delete_extensions` (TIM `TIMMsgDeleteMessageExtensions`).
pub(crate) async fn delete(
    engine: &Engine,
    session: &Session,
    request: delete_message_extensions::Request,
) -> Result<delete_message_extensions::Response, ApiError> {
    check_count(request.extensions.len(), 0)?;
    let mut wanted = Vec::with_capacity(request.extensions.len());
    for extension in request.extensions {
        check_key(&extension.message_extension_key)?;
        wanted.push(Wanted::Delete { key: extension.message_extension_key, from_seq: extension.message_extension_seq });
    }
    check_distinct(&wanted)?;
    let target = extensible_message(engine, session, &request.message).await?;
    let change_wanted = if wanted.is_empty() { Change::All } else { Change::Keys(wanted) };
    let results = change(engine, session, target, change_wanted, push::MSG_EXTENSIONS_DELETED).await?;
    Ok(delete_message_extensions::Response { results })
}

/// `msg_get_extensions` (TIM `TIMMsgGetMessageExtensions`).
pub(crate) async fn get(
    engine: &Engine,
    session: &Session,
    request: get_message_extensions::Request,
) -> Result<get_message_extensions::Response, ApiError> {
    let target = extensible_message(engine, session, &request.message).await?;
    let loaded = load(engine, session, &target).await?;
    let seq = target.record.seq;
    let current = match &target.conv {
        ConvKey::C2c(pair) => {
            let state =
                session.app.pair(pair).ok_or_else(|| crate::engine::internal(format!("no state for {pair:?}")))?;
            let mut state = lock(&state);
            kept(&mut state.extensions, seq, loaded)
        }
        ConvKey::Group(group_id) => {
            let state = session.app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
            let mut state = lock(&state);
            state.group.check_alive()?;
            kept(&mut state.extensions, seq, loaded)
        }
    };
    let extensions = current.values().filter(|it| !it.deleted).map(wire).collect();
    Ok(get_message_extensions::Response { extensions })
}

handle!(set_message_extensions::Request => set);
handle!(get_message_extensions::Request => get);
handle!(delete_message_extensions::Request => delete);

/// One key a call changes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Wanted {
    /// Sets `key` to `value`, if it is still at `from_seq` (0: it does not exist).
    Set { key: String, value: String, from_seq: u64 },
    /// Deletes `key`, if it is still at `from_seq`.
    Delete { key: String, from_seq: u64 },
}

impl Wanted {
    fn key(&self) -> &str {
        match self {
            Wanted::Set { key, .. } | Wanted::Delete { key, .. } => key,
        }
    }
}

/// What a call changes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Change {
    /// These keys, each with its own check.
    Keys(Vec<Wanted>),
    /// Deletes every key, whatever its seq.
    All,
}

fn check_count(n: usize, min: usize) -> Result<(), ApiError> {
    if n < min || n > limits::MSG_EXTENSIONS_PER_CALL_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "extensions has {n} entries; between {min} and {} are allowed",
            limits::MSG_EXTENSIONS_PER_CALL_MAX
        )));
    }
    Ok(())
}

fn check_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() || key.len() > limits::MSG_EXTENSION_KEY_BYTES_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "extension key {key:?} is {} bytes; between 1 and {} are allowed",
            key.len(),
            limits::MSG_EXTENSION_KEY_BYTES_MAX
        )));
    }
    Ok(())
}

fn check_distinct(wanted: &[Wanted]) -> Result<(), ApiError> {
    let mut seen = BTreeSet::new();
    for it in wanted {
        if !seen.insert(it.key()) {
            return Err(ApiError::invalid_parameter(format!("extension key {:?} is given twice", it.key())));
        }
    }
    Ok(())
}

/// The message `message` names, if it takes extensions: sent with
/// `message_support_message_extension`, not revoked, not in a group of a type without them.
async fn extensible_message(engine: &Engine, session: &Session, message: &Message) -> Result<Target, ApiError> {
    let conv = Conv::parse(&message.message_conv_id, message.message_conv_type)?;
    let target = find_message(engine, session, &conv, message, ApiError::invalid_parameter).await?;
    let named = format!("message {:?} (seq {})", target.record.msg_id, target.record.seq);
    if !target.record.supports_extensions {
        return Err(ApiError::invalid_parameter(format!(
            "{named} was not sent with message_support_message_extension, so it takes no extensions"
        )));
    }
    if target.record.is_revoked() {
        return Err(ApiError::new(ErrorCode::INVALID_OPERATION, format!("{named} was revoked")));
    }
    if let ConvKey::Group(group_id) = &target.conv {
        let state = session.app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
        let group_type = lock(&state).group.group_type();
        if group_type == GroupType::AV_CHAT_ROOM || group_type == GroupType::COMMUNITY {
            return Err(ApiError::new(
                ErrorCode::INVALID_OPERATION,
                format!("messages of {} groups take no extensions", group_type.rest_name().unwrap_or_default()),
            ));
        }
    }
    Ok(target)
}

/// The message's stored extensions when the conversation does not keep them yet (read before
/// its lock is taken; [`kept`] decides under the lock which copy counts).
async fn load(engine: &Engine, session: &Session, target: &Target) -> Result<Option<Extensions>, ApiError> {
    let seq = target.record.seq;
    let cached = match &target.conv {
        ConvKey::C2c(pair) => session.app.pair(pair).is_some_and(|state| lock(&state).extensions.contains_key(&seq)),
        ConvKey::Group(group_id) => {
            session.app.group(group_id).is_some_and(|state| lock(&state).extensions.contains_key(&seq))
        }
    };
    if cached {
        return Ok(None);
    }
    let (sdkappid, conv) = (session.app.sdkappid, target.conv.clone());
    let records = engine.read_store(move |reader| reader.message_extensions(sdkappid, &conv, seq)).await?;
    Ok(Some(records.into_iter().map(|record| (record.key.clone(), record)).collect()))
}

/// The extensions the conversation keeps for message `seq`, kept from `loaded` when it had
/// none. A conversation that keeps none has had no change to them since start (every change
/// keeps them first), so what was read before the lock is current.
fn kept(
    memory: &mut std::collections::HashMap<u64, Arc<Extensions>>,
    seq: u64,
    loaded: Option<Extensions>,
) -> Arc<Extensions> {
    memory.entry(seq).or_insert_with(|| Arc::new(loaded.unwrap_or_default())).clone()
}

/// A kept key as the protocol shows it.
fn wire(record: &MessageExtensionRecord) -> MessageExtension {
    MessageExtension {
        message_extension_key: record.key.clone(),
        message_extension_value: record.value.clone(),
        message_extension_seq: record.seq,
    }
}

/// What a change decided: each key's result, the keys changed, and the extensions after.
#[derive(Debug)]
struct Decided {
    results: Vec<MessageExtensionResult>,
    changed: Vec<MessageExtensionRecord>,
    after: Extensions,
}

/// Decides `change` against `current`: pure, so that its rules are tested on their own.
fn decide(current: &Extensions, change: &Change) -> Result<Decided, ApiError> {
    let mut after = current.clone();
    let mut results = Vec::new();
    let mut changed = Vec::new();
    let ok = |item: MessageExtension| MessageExtensionResult {
        message_extension_result_code: 0,
        message_extension_result_info: String::new(),
        message_extension_item: item,
    };
    let failed = |code: ErrorCode, info: String, item: MessageExtension| MessageExtensionResult {
        message_extension_result_code: code.0 as i32,
        message_extension_result_info: info,
        message_extension_item: item,
    };
    let wanted: Vec<Wanted> = match change {
        Change::Keys(wanted) => wanted.clone(),
        Change::All => current
            .values()
            .filter(|it| !it.deleted)
            .map(|it| Wanted::Delete { key: it.key.clone(), from_seq: it.seq })
            .collect(),
    };
    for it in wanted {
        let now = current.get(it.key());
        let now_seq = now.map_or(0, |record| record.seq);
        let live = now.filter(|record| !record.deleted);
        let as_now = MessageExtension {
            message_extension_key: it.key().to_owned(),
            message_extension_value: live.map(|record| record.value.clone()).unwrap_or_default(),
            message_extension_seq: now_seq,
        };
        match it {
            Wanted::Set { key, value, from_seq } => {
                // A key that does not exist now may be set from 0 or from the seq of its deletion.
                let current_from = from_seq == now_seq || (live.is_none() && from_seq == 0);
                if current_from {
                    let record = MessageExtensionRecord { key: key.clone(), value, seq: now_seq + 1, deleted: false };
                    results.push(ok(wire(&record)));
                    after.insert(key, record.clone());
                    changed.push(record);
                } else if live.is_some_and(|record| record.seq == from_seq + 1 && record.value == value) {
                    // The same change again (its answer was lost): its result, nothing new.
                    results.push(ok(as_now));
                } else {
                    let info =
                        format!("extension {key:?} is at seq {now_seq}, and this change was made from seq {from_seq}");
                    results.push(failed(ErrorCode::MSG_EXTENSION_CONFLICT, info, as_now));
                }
            }
            Wanted::Delete { key, from_seq } => match live {
                Some(record) if record.seq == from_seq => {
                    let record = MessageExtensionRecord {
                        key: key.clone(),
                        value: String::new(),
                        seq: now_seq + 1,
                        deleted: true,
                    };
                    results.push(ok(wire(&record)));
                    after.insert(key, record.clone());
                    changed.push(record);
                }
                Some(_) => {
                    let info = format!(
                        "extension {key:?} is at seq {now_seq}, and this deletion was made from seq {from_seq}"
                    );
                    results.push(failed(ErrorCode::MSG_EXTENSION_CONFLICT, info, as_now));
                }
                None if now.is_some() && now_seq == from_seq + 1 => results.push(ok(as_now)),
                None => {
                    let info = format!("extension {key:?} does not exist");
                    results.push(failed(ErrorCode::MSG_EXTENSION_NOT_EXIST, info, as_now));
                }
            },
        }
    }
    let n_live = after.values().filter(|it| !it.deleted).count();
    if n_live > limits::MSG_EXTENSIONS_PER_MESSAGE_MAX {
        return Err(ApiError::invalid_parameter(format!(
            "the message would have {n_live} extensions; a message has at most {}",
            limits::MSG_EXTENSIONS_PER_MESSAGE_MAX
        )));
    }
    Ok(Decided { results, changed, after })
}

/// The pushes of a change: one event in the stream of each of `users`.
fn pushes(
    sdkappid: u64,
    conv: &ConvKey,
    record: &MessageRecord,
    users: &[UserId],
    kind: &'static str,
    changed: &[MessageExtensionRecord],
) -> Vec<WriteOp> {
    let extensions: Vec<MessageExtension> = changed.iter().map(wire).collect();
    users
        .iter()
        .map(|user| {
            let (conv_id, conv_type) = render::conv_of(conv, user);
            let payload = MsgExtensionsPush {
                message_msg_id: record.msg_id.clone(),
                conv_id,
                conv_type,
                message_seq: record.seq,
                extensions: extensions.clone(),
            };
            user_event(sdkappid, user, kind, Some(conv), &payload)
        })
        .collect()
}

/// What a change answers, and the extensions kept before it when it changed anything (for the
/// undo).
type Changed = (Vec<MessageExtensionResult>, Option<Arc<Extensions>>);

/// Decides, stores and pushes a change of the extensions of `target`'s message.
async fn change(
    engine: &Engine,
    session: &Session,
    target: Target,
    change: Change,
    kind: &'static str,
) -> Result<Vec<MessageExtensionResult>, ApiError> {
    let loaded = load(engine, session, &target).await?;
    let app = &session.app;
    let (sdkappid, seq) = (app.sdkappid, target.record.seq);
    let tell = Tell::devices_but(sdkappid, session.device);
    // Under the conversation's lock: the results, and the extensions kept before the change
    // when it changed anything (for the undo).
    let decide_in = |memory: &mut std::collections::HashMap<u64, Arc<Extensions>>,
                     revoked: bool,
                     users: Vec<UserId>|
     -> Result<Decision<Changed>, ApiError> {
        if revoked {
            return Err(ApiError::new(ErrorCode::INVALID_OPERATION, format!("message seq {seq} was revoked")));
        }
        let current = kept(memory, seq, loaded);
        let decided = decide(&current, &change)?;
        if decided.changed.is_empty() {
            return Ok(Decision::Nothing((decided.results, None)));
        }
        memory.insert(seq, Arc::new(decided.after));
        let mut ops = vec![WriteOp::PutMessageExtensions {
            sdkappid,
            conv: target.conv.clone(),
            seq,
            extensions: decided.changed.clone(),
        }];
        ops.extend(pushes(sdkappid, &target.conv, &target.record, &users, kind, &decided.changed));
        Ok(Decision::write(ops, tell, (decided.results, Some(current))))
    };
    let results = match &target.conv {
        ConvKey::C2c(pair) => {
            let state = app.pair(pair).ok_or_else(|| crate::engine::internal(format!("no state for {pair:?}")))?;
            let users = vec![pair.low().clone(), pair.high().clone()];
            let committing = engine.commit(
                || lock(&state),
                |state| {
                    let revoked = state.revised.get(&seq).is_some_and(|it| it.is_revoked());
                    decide_in(&mut state.extensions, revoked, users)
                },
            );
            let undo = |value: &Changed| {
                if let Some(previous) = &value.1 {
                    lock(&state).extensions.insert(seq, previous.clone());
                }
            };
            committing.await?.durable_or_undo(undo).await?.0.0
        }
        ConvKey::Group(group_id) => {
            let state = app.group(group_id).ok_or_else(|| group_not_found(group_id))?;
            let committing = engine.commit(
                || lock(&state),
                |state| {
                    state.group.check_alive()?;
                    let revoked = state.revised.get(&seq).is_some_and(|it| it.is_revoked());
                    let users = state.group.members().map(|(user, _)| user.clone()).collect();
                    decide_in(&mut state.extensions, revoked, users)
                },
            );
            let undo = |value: &Changed| {
                if let Some(previous) = &value.1 {
                    lock(&state).extensions.insert(seq, previous.clone());
                }
            };
            committing.await?.durable_or_undo(undo).await?.0.0
        }
    };
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(key: &str, value: &str, seq: u64, deleted: bool) -> MessageExtensionRecord {
        MessageExtensionRecord { key: key.to_owned(), value: value.to_owned(), seq, deleted }
    }

    fn extensions(records: &[MessageExtensionRecord]) -> Extensions {
        records.iter().map(|it| (it.key.clone(), it.clone())).collect()
    }

    fn set(key: &str, value: &str, from_seq: u64) -> Wanted {
        Wanted::Set { key: key.to_owned(), value: value.to_owned(), from_seq }
    }

    fn codes(decided: &Decided) -> Vec<i32> {
        decided.results.iter().map(|it| it.message_extension_result_code).collect()
    }

    #[test]
    fn a_set_from_the_current_seq_wins_and_a_stale_one_is_refused_with_the_key_as_it_is() {
        let current = extensions(&[record("vote", "yes", 3, false)]);
        let decided = decide(&current, &Change::Keys(vec![set("vote", "no", 3), set("new", "1", 0)])).unwrap();
        assert_eq!(codes(&decided), vec![0, 0]);
        assert_eq!(decided.after["vote"], record("vote", "no", 4, false));
        assert_eq!(decided.after["new"], record("new", "1", 1, false));
        let stale = decide(&decided.after, &Change::Keys(vec![set("vote", "maybe", 3), set("other", "x", 0)])).unwrap();
        assert_eq!(codes(&stale), vec![23001, 0], "the stale key alone is refused");
        assert_eq!(stale.results[0].message_extension_item.message_extension_value, "no");
        assert_eq!(stale.results[0].message_extension_item.message_extension_seq, 4);
        assert_eq!(stale.changed, vec![record("other", "x", 1, false)]);
    }

    #[test]
    fn a_resent_change_finds_its_result() {
        let current = extensions(&[record("vote", "no", 4, false)]);
        let decided = decide(&current, &Change::Keys(vec![set("vote", "no", 3)])).unwrap();
        assert_eq!(codes(&decided), vec![0]);
        assert!(decided.changed.is_empty());
        let deleted = extensions(&[record("vote", "", 5, true)]);
        let again = Change::Keys(vec![Wanted::Delete { key: "vote".to_owned(), from_seq: 4 }]);
        assert_eq!(codes(&decide(&deleted, &again).unwrap()), vec![0]);
    }

    #[test]
    fn a_deleted_key_keeps_its_seq_against_stale_changes() {
        let current = extensions(&[record("vote", "yes", 2, false)]);
        let delete = Change::Keys(vec![Wanted::Delete { key: "vote".to_owned(), from_seq: 2 }]);
        let deleted = decide(&current, &delete).unwrap();
        assert_eq!(deleted.after["vote"], record("vote", "", 3, true));
        // A change made from before the deletion is stale; a new key from 0 is not.
        assert_eq!(codes(&decide(&deleted.after, &Change::Keys(vec![set("vote", "no", 2)])).unwrap()), vec![23001]);
        let again = decide(&deleted.after, &Change::Keys(vec![set("vote", "no", 0)])).unwrap();
        assert_eq!(again.after["vote"], record("vote", "no", 4, false));
        let missing = Change::Keys(vec![Wanted::Delete { key: "none".to_owned(), from_seq: 0 }]);
        assert_eq!(codes(&decide(&current, &missing).unwrap()), vec![23004]);
    }

    #[test]
    fn deleting_all_takes_every_live_key_and_the_cap_counts_live_keys() {
        let current = extensions(&[record("a", "1", 1, false), record("b", "", 2, true), record("c", "3", 5, false)]);
        let decided = decide(&current, &Change::All).unwrap();
        assert_eq!(decided.changed, vec![record("a", "", 2, true), record("c", "", 6, true)]);
        let full: Vec<MessageExtensionRecord> =
            (0..limits::MSG_EXTENSIONS_PER_MESSAGE_MAX).map(|n| record(&format!("k{n}"), "v", 1, false)).collect();
        let err = decide(&extensions(&full), &Change::Keys(vec![set("one more", "v", 0)])).unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
        assert!(err.desc.contains("at most 300"), "{}", err.desc);
        assert_eq!(codes(&decide(&extensions(&full), &Change::Keys(vec![set("k1", "w", 1)])).unwrap()), vec![0]);
    }
}
