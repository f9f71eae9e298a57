//! The SDK's copy of the user's conversations, kept current from pushes.
//!
//! After each (re)connection the SDK fetches the conversation list; between fetches it applies
//! the conversation state carried by message and read pushes.
//! Every state carries the conversation's newest seq and the user's read position, which only
//! grow, so an older state arriving late is recognised and ignored.
//! A fetched list can be older than pushes that arrived while it was being answered (the
//! answer and the pushes travel separately): a conversation a push touched after the fetch was
//! asked for keeps its pushed state unless the list's is newer, and is not dropped for being
//! missing from the list.

use std::collections::HashMap;
use std::sync::Arc;

use tincan_proto::enums::ConvType;
use tincan_proto::enums::MsgStatus;
use tincan_proto::objects::ConvInfo;
use tincan_proto::push::{ConvState, MsgRevokeInfo};
use tincan_proto::{Message, enums::ConvEvent};

/// A change the cache reports.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvChange {
    /// What happened (`kTIMConvEvent_Add`, `_Update` or `_Del`).
    pub event: ConvEvent,
    /// The conversation after the change.
    pub conv: ConvInfo,
}

/// The conversations and the total unread count.
#[derive(Debug, Default)]
pub(crate) struct ConvCache {
    convs: HashMap<(String, ConvType), ConvInfo>,
    loaded: bool,
    /// Counts fetches asked for.
    generation: u64,
    /// Conversations changed by a push, with the generation current at the time.
    touched: HashMap<(String, ConvType), u64>,
    /// Conversations removed by a push (the user left, or the group was dismissed), likewise.
    removed: HashMap<(String, ConvType), u64>,
    /// The generation of the newest list applied; an older one arriving later is ignored.
    applied: u64,
}

fn is_newer(state: &ConvState, current: &ConvInfo) -> bool {
    state.max_seq >= current.conv_max_seq
        && state.read_seq >= current.conv_read_seq
        && (state.max_seq, state.read_seq) != (current.conv_max_seq, current.conv_read_seq)
}

impl ConvCache {
    /// Whether the list has been fetched at least once.
    pub(crate) fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// The sum of unread counts.
    pub(crate) fn total_unread(&self) -> u64 {
        self.convs.values().map(|conv| conv.conv_unread_num).sum()
    }

    /// Notes that a fetch is being asked for; returns its generation, for [`ConvCache::replace`].
    pub(crate) fn begin_refresh(&mut self) -> u64 {
        self.generation += 1;
        self.generation
    }

    /// Replaces the list with one fetched by the fetch of `generation`; returns what changed.
    pub(crate) fn replace(&mut self, list: Vec<ConvInfo>, generation: u64) -> Vec<ConvChange> {
        if generation < self.applied {
            // A newer list is in already.
            return Vec::new();
        }
        let since = |marks: &HashMap<(String, ConvType), u64>, key: &(String, ConvType)| {
            marks.get(key).is_some_and(|at| *at >= generation)
        };
        let mut changes = Vec::new();
        let mut fresh: HashMap<(String, ConvType), ConvInfo> = HashMap::new();
        for mut conv in list {
            let key = (conv.conv_id.clone(), conv.conv_type);
            if since(&self.removed, &key) {
                // Removed by a push after the list was asked for.
                continue;
            }
            if let Some(old) = self.convs.get(&key)
                && since(&self.touched, &key)
                && old.conv_max_seq >= conv.conv_max_seq
                && old.conv_read_seq >= conv.conv_read_seq
            {
                // The list was answered before the pushes this copy has seen: its own fields
                // (name, group type, read time) stand, the pushed state and last message win.
                keep_pushed(&mut conv, old);
            }
            match self.convs.get(&key) {
                None => changes.push(ConvChange { event: ConvEvent::ADD, conv: conv.clone() }),
                Some(old) if *old != conv => changes.push(ConvChange { event: ConvEvent::UPDATE, conv: conv.clone() }),
                Some(_) => {}
            }
            fresh.insert(key, conv);
        }
        for (key, old) in &self.convs {
            if fresh.contains_key(key) {
                continue;
            }
            if since(&self.touched, key) {
                // Pushed after the list was asked for: newer than the list.
                fresh.insert(key.clone(), old.clone());
            } else {
                changes.push(ConvChange { event: ConvEvent::DEL, conv: old.clone() });
            }
        }
        self.convs = fresh;
        self.touched.retain(|_, at| *at > generation);
        self.removed.retain(|_, at| *at > generation);
        self.applied = generation;
        self.loaded = true;
        changes
    }

    /// Applies a pushed message with its conversation state.
    pub(crate) fn apply_message(&mut self, message: &Arc<Message>, state: ConvState) -> Option<ConvChange> {
        let key = key_of(message);
        let event = if self.convs.contains_key(&key) {
            ConvEvent::UPDATE
        } else {
            // A C2C conversation shows its peer as the peer's message carries it; the server's
            // list, read again on resume, has it in any case.
            let peer = message
                .message_sender_profile
                .as_deref()
                .filter(|_| message.message_conv_type == ConvType::C2C && !message.message_is_from_self);
            let conv = ConvInfo {
                conv_id: message.message_conv_id.clone(),
                conv_type: message.message_conv_type,
                conv_show_name: peer
                    .map(|it| it.user_profile_nick_name.clone())
                    .filter(|nick| !nick.is_empty())
                    .unwrap_or_else(|| message.message_conv_id.clone()),
                conv_face_url: peer.map(|it| it.user_profile_face_url.clone()).unwrap_or_default(),
                ..ConvInfo::default()
            };
            self.convs.insert(key.clone(), conv);
            ConvEvent::ADD
        };
        let conv = self.convs.get_mut(&key)?;
        let newer_message = conv.conv_last_msg.as_ref().is_none_or(|last| last.message_seq < message.message_seq);
        if newer_message {
            conv.conv_last_msg = Some(message.clone());
            conv.conv_is_has_lastmsg = true;
            conv.conv_active_time = conv.conv_active_time.max(message.message_server_time);
        }
        let newer_state = event == ConvEvent::ADD || is_newer(&state, conv);
        if newer_state {
            apply_state(conv, state);
        }
        let change = (newer_message || newer_state).then(|| ConvChange { event, conv: conv.clone() });
        if change.is_some() {
            self.removed.remove(&key);
            self.touched.insert(key, self.generation);
        }
        change
    }

    /// Applies a pushed read-position change.
    /// A position that `moved_back` replaces the one held although it is lower (pushes come in
    /// position order, so it is the newer).
    pub(crate) fn apply_read(
        &mut self,
        conv_id: &str,
        conv_type: ConvType,
        state: ConvState,
        moved_back: bool,
    ) -> Option<ConvChange> {
        let conv = self.convs.get_mut(&(conv_id.to_owned(), conv_type))?;
        let newer = is_newer(&state, conv)
            || (moved_back && state.max_seq >= conv.conv_max_seq && state.read_seq != conv.conv_read_seq);
        if !newer {
            return None;
        }
        apply_state(conv, state);
        if let Some(last) = conv.conv_last_msg.as_mut() {
            let last = Arc::make_mut(last);
            last.message_is_read = last.message_is_from_self || last.message_seq <= state.read_seq;
        }
        let change = ConvChange { event: ConvEvent::UPDATE, conv: conv.clone() };
        self.touched.insert((conv_id.to_owned(), conv_type), self.generation);
        Some(change)
    }

    /// Applies a pushed revoke: the conversation's unread count (a revoked message no longer
    /// counts), and its last message if it is the one revoked.
    pub(crate) fn apply_revoke(&mut self, info: &MsgRevokeInfo, state: ConvState) -> Option<ConvChange> {
        let key = (info.message_locator_conv_id.clone(), info.message_locator_conv_type);
        let conv = self.convs.get_mut(&key)?;
        let mut changed = false;
        // Pushes come in position order: a state with the same seqs as the current one is newer.
        if state.max_seq >= conv.conv_max_seq && state.read_seq >= conv.conv_read_seq {
            changed = conv.conv_unread_num != state.unread;
            apply_state(conv, state);
        }
        if let Some(last) = conv.conv_last_msg.as_mut()
            && last.message_seq == info.message_locator_seq
            && last.message_status != MsgStatus::REVOKED
        {
            let last = Arc::make_mut(last);
            last.message_status = MsgStatus::REVOKED;
            last.message_elem_array.clear();
            last.message_revoker_user_id = info.message_revoker_user_id.clone();
            last.message_revoke_reason = info.message_revoke_reason.clone();
            changed = true;
        }
        if !changed {
            return None;
        }
        let change = ConvChange { event: ConvEvent::UPDATE, conv: conv.clone() };
        self.touched.insert(key, self.generation);
        Some(change)
    }

    /// Applies a pushed modification: the conversation's last message if it is the one
    /// modified.
    pub(crate) fn apply_update(&mut self, message: Message) -> Option<ConvChange> {
        let key = key_of(&message);
        let conv = self.convs.get_mut(&key)?;
        let last = conv.conv_last_msg.as_ref()?;
        if last.message_seq != message.message_seq || last.message_version >= message.message_version {
            return None;
        }
        conv.conv_last_msg = Some(Arc::new(message));
        let change = ConvChange { event: ConvEvent::UPDATE, conv: conv.clone() };
        self.touched.insert(key, self.generation);
        Some(change)
    }

    /// Removes a conversation (the user left the group, or it was dismissed).
    pub(crate) fn remove(&mut self, conv_id: &str, conv_type: ConvType) -> Option<ConvChange> {
        let key = (conv_id.to_owned(), conv_type);
        self.removed.insert(key.clone(), self.generation);
        self.touched.remove(&key);
        let conv = self.convs.remove(&key)?;
        Some(ConvChange { event: ConvEvent::DEL, conv })
    }
}

impl ConvCache {
    /// Applies a conversation the user changed (from any of its devices): deleted or hidden
    /// (`kTIMConvEvent_Del`), or as it now is. Its own fields (draft, pin, marks, groups) are
    /// taken; its counts and last message too, unless this copy has seen newer ones.
    pub(crate) fn apply_pushed(&mut self, event: ConvEvent, mut conv: ConvInfo) -> Option<ConvChange> {
        let key = (conv.conv_id.clone(), conv.conv_type);
        if event == ConvEvent::DEL {
            return self.remove(&key.0, key.1);
        }
        let event = match self.convs.get(&key) {
            Some(old) => {
                if conv.conv_max_seq < old.conv_max_seq || conv.conv_read_seq < old.conv_read_seq {
                    keep_pushed(&mut conv, old);
                }
                if *old == conv {
                    return None;
                }
                ConvEvent::UPDATE
            }
            None => ConvEvent::ADD,
        };
        self.convs.insert(key.clone(), conv.clone());
        self.removed.remove(&key);
        self.touched.insert(key, self.generation);
        Some(ConvChange { event, conv })
    }

    /// The conversations in the list, as this copy has them.
    pub(crate) fn list(&self) -> impl Iterator<Item = &ConvInfo> {
        self.convs.values()
    }
}

/// Takes into a listed conversation what pushes carry and know better: the counts and seqs,
/// and the last message when the pushed one is newer.
fn keep_pushed(listed: &mut ConvInfo, pushed: &ConvInfo) {
    listed.conv_unread_num = pushed.conv_unread_num;
    listed.conv_max_seq = pushed.conv_max_seq;
    listed.conv_read_seq = pushed.conv_read_seq;
    listed.conv_group_read_sequence = pushed.conv_group_read_sequence;
    let listed_seq = listed.conv_last_msg.as_ref().map(|last| last.message_seq);
    let pushed_seq = pushed.conv_last_msg.as_ref().map(|last| last.message_seq);
    if pushed_seq > listed_seq {
        listed.conv_last_msg = pushed.conv_last_msg.clone();
        listed.conv_is_has_lastmsg = pushed.conv_is_has_lastmsg;
    }
    listed.conv_active_time = listed.conv_active_time.max(pushed.conv_active_time);
}

fn key_of(message: &Message) -> (String, ConvType) {
    (message.message_conv_id.clone(), message.message_conv_type)
}

fn apply_state(conv: &mut ConvInfo, state: ConvState) {
    conv.conv_unread_num = state.unread;
    conv.conv_max_seq = state.max_seq;
    conv.conv_read_seq = state.read_seq;
    if conv.conv_type == ConvType::GROUP {
        conv.conv_group_read_sequence = state.read_seq;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(seq: u64) -> Arc<Message> {
        Arc::new(Message {
            message_conv_id: "bob".to_owned(),
            message_conv_type: ConvType::C2C,
            message_seq: seq,
            ..Message::default()
        })
    }

    fn state(unread: u64, max_seq: u64, read_seq: u64) -> ConvState {
        ConvState { unread, max_seq, read_seq }
    }

    #[test]
    fn later_states_win_and_late_ones_are_ignored() {
        let mut cache = ConvCache::default();
        let added = cache.apply_message(&message(1), state(1, 1, 0)).unwrap();
        assert_eq!(added.event, ConvEvent::ADD);
        cache.apply_message(&message(2), state(2, 2, 0)).unwrap();
        assert_eq!(cache.total_unread(), 2);
        assert!(cache.apply_read("bob", ConvType::C2C, state(0, 2, 2), false).is_some());
        assert_eq!(cache.total_unread(), 0);
        // A message push whose state was taken before the read arrives late.
        let late = cache.apply_message(&message(2), state(2, 2, 0));
        assert!(late.is_none(), "nothing newer: {late:?}");
        assert_eq!(cache.total_unread(), 0);
    }

    #[test]
    fn a_position_moved_back_replaces_the_one_held() {
        let mut cache = ConvCache::default();
        cache.apply_message(&message(1), state(1, 1, 0));
        cache.apply_message(&message(2), state(2, 2, 0));
        cache.apply_read("bob", ConvType::C2C, state(0, 2, 2), false).unwrap();
        assert!(cache.apply_read("bob", ConvType::C2C, state(2, 2, 0), false).is_none(), "a late read is ignored");
        let moved = cache.apply_read("bob", ConvType::C2C, state(1, 2, 1), true).expect("taken");
        assert_eq!((moved.conv.conv_unread_num, moved.conv.conv_read_seq), (1, 1));
        assert_eq!(cache.total_unread(), 1);
    }

    #[test]
    fn replace_reports_adds_updates_and_deletes() {
        let mut cache = ConvCache::default();
        cache.apply_message(&message(1), state(1, 1, 0));
        let list = vec![ConvInfo {
            conv_id: "carol".to_owned(),
            conv_type: ConvType::C2C,
            conv_unread_num: 3,
            ..ConvInfo::default()
        }];
        let generation = cache.begin_refresh();
        let changes = cache.replace(list, generation);
        let events: Vec<ConvEvent> = changes.iter().map(|change| change.event).collect();
        assert!(events.contains(&ConvEvent::ADD) && events.contains(&ConvEvent::DEL), "{events:?}");
        assert_eq!(cache.total_unread(), 3);
        assert!(cache.is_loaded());
    }

    #[test]
    fn a_list_answered_before_later_pushes_does_not_undo_them() {
        let mut cache = ConvCache::default();
        let generation = cache.begin_refresh();
        // While the list is being answered, two messages and then a read arrive by push.
        cache.apply_message(&message(1), state(1, 1, 0));
        cache.apply_message(&message(2), state(2, 2, 0));
        // The list, answered before any of them, has no conversation with bob.
        let changes = cache.replace(Vec::new(), generation);
        assert!(changes.is_empty(), "{changes:?}");
        assert_eq!(cache.total_unread(), 2);
        // A list answered after the first message but before the second is older too.
        let generation = cache.begin_refresh();
        assert!(cache.apply_read("bob", ConvType::C2C, state(0, 2, 2), false).is_some());
        let stale = ConvInfo {
            conv_id: "bob".to_owned(),
            conv_type: ConvType::C2C,
            conv_unread_num: 1,
            conv_max_seq: 1,
            conv_read_seq: 0,
            ..ConvInfo::default()
        };
        cache.replace(vec![stale], generation);
        assert_eq!(cache.total_unread(), 0);
        let bob = &cache.convs[&("bob".to_owned(), ConvType::C2C)];
        assert_eq!((bob.conv_max_seq, bob.conv_read_seq), (2, 2), "the pushed seqs stand");
        assert_eq!(bob.conv_last_msg.as_ref().map(|last| last.message_seq), Some(2));
        // A list asked for after the pushes is the truth: a conversation it lacks is gone.
        let generation = cache.begin_refresh();
        let changes = cache.replace(Vec::new(), generation);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].event, ConvEvent::DEL);
    }

    #[test]
    fn a_stale_list_keeps_its_own_fields_but_not_removed_conversations_or_older_lists() {
        let mut cache = ConvCache::default();
        // The list names the group; a message pushed meanwhile made a bare entry.
        let generation = cache.begin_refresh();
        let pushed = Arc::new(Message {
            message_conv_id: "team".to_owned(),
            message_conv_type: ConvType::GROUP,
            ..Message::clone(&message(1))
        });
        cache.apply_message(&pushed, state(1, 1, 0));
        let listed = ConvInfo {
            conv_id: "team".to_owned(),
            conv_type: ConvType::GROUP,
            conv_show_name: "The team".to_owned(),
            ..ConvInfo::default()
        };
        cache.replace(vec![listed.clone()], generation);
        let team = &cache.convs[&("team".to_owned(), ConvType::GROUP)];
        assert_eq!(team.conv_show_name, "The team", "the list's name stands");
        assert_eq!((team.conv_unread_num, team.conv_max_seq), (1, 1), "the pushed counts win");
        assert!(team.conv_last_msg.is_some());
        // Removed by a push while a list that still has it was being answered: it stays gone.
        let generation = cache.begin_refresh();
        cache.remove("team", ConvType::GROUP);
        assert!(cache.replace(vec![listed.clone()], generation).is_empty());
        assert!(cache.convs.is_empty());
        // Of two lists in flight, the older one arriving last changes nothing.
        let older = cache.begin_refresh();
        let newer = cache.begin_refresh();
        cache.replace(Vec::new(), newer);
        assert!(cache.replace(vec![listed], older).is_empty());
        assert!(cache.convs.is_empty());
    }
}
