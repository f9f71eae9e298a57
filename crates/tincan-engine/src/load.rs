//! Rebuilding the in-memory state from the store at start.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tincan_core::conv::{ConvKey, ReadState, StoredRead};
use tincan_core::group::{Group, GroupRestore, Member};
use tincan_proto::UserId;
use tincan_store::{LoadedState, MessageRecord};

use crate::engine::StartError;
use crate::state::{Account, AppSettings, AppState, GroupState, PairState, lock, write};

/// The rebuilt state.
pub(crate) struct Built {
    pub(crate) apps: HashMap<u64, Arc<AppState>>,
    pub(crate) max_tiny_id: u64,
}

type ConvOf = (u64, ConvKey);

pub(crate) fn build(loaded: LoadedState) -> Result<Built, StartError> {
    let mut apps: HashMap<u64, Arc<AppState>> = HashMap::new();
    for app in loaded.apps {
        let settings = AppSettings {
            secret_key: app.secret_key,
            admin_identifier: app.admin_identifier,
            config: app.config,
            created_at: app.created_at,
            root: app.root,
        };
        apps.insert(app.sdkappid, Arc::new(AppState::new(app.sdkappid, settings)));
    }
    let app_of = |sdkappid: u64| -> Result<Arc<AppState>, StartError> {
        apps.get(&sdkappid).cloned().ok_or_else(|| StartError(format!("stored data refers to unknown app {sdkappid}")))
    };
    let mut max_tiny_id = 0;
    for account in loaded.accounts {
        max_tiny_id = max_tiny_id.max(account.tiny_id);
        let app = app_of(account.sdkappid)?;
        let entry =
            Arc::new(Account::new(account.user.clone(), account.tiny_id, account.created_at, account.receipt_private));
        write(&app.accounts).insert(account.user, entry);
    }
    for record in loaded.profiles {
        let app = app_of(record.sdkappid)?;
        let Some(account) = app.account(&record.user) else { continue };
        let mut watchers = crate::state::lock(&app.watchers);
        watchers.add(true, &record.user, &record.info_subscriptions);
        watchers.add(false, &record.user, &record.status_subscriptions);
        let mut state = crate::state::lock(&account.profile);
        state.profile = record.profile;
        state.profile.user_profile_identifier = record.user.as_str().to_owned();
        state.info_subscriptions = record.info_subscriptions;
        state.status_subscriptions = record.status_subscriptions;
        state.updated_at = record.updated_at;
    }

    let mut last_messages: HashMap<ConvOf, MessageRecord> = HashMap::new();
    for summary in loaded.conversations {
        let message = summary.last_message;
        last_messages.insert((message.sdkappid, message.conv.clone()), message);
    }
    let mut read_states: HashMap<(ConvOf, UserId), StoredRead> = HashMap::new();
    for state in loaded.read_states {
        let stored = StoredRead {
            read_seq: state.read_seq,
            read_time: state.read_time,
            published_seq: state.published_seq,
            published_time: state.published_time,
        };
        read_states.insert(((state.sdkappid, state.conv), state.user), stored);
    }
    let mut own: HashMap<(ConvOf, UserId), Vec<u64>> = HashMap::new();
    for message in loaded.own_messages {
        own.entry(((message.sdkappid, message.conv), message.sender)).or_default().push(message.seq);
    }
    let mut restore_read = |conv: &ConvOf, user: &UserId, floor: u64| -> ReadState {
        let key = (conv.clone(), user.clone());
        let mut stored = read_states.get(&key).copied().unwrap_or_default();
        stored.read_seq = stored.read_seq.max(floor);
        ReadState::restore(stored, own.remove(&key).unwrap_or_default())
    };

    let mut members_by_group: HashMap<ConvOf, Vec<tincan_store::MemberRecord>> = HashMap::new();
    for member in loaded.members {
        members_by_group.entry((member.sdkappid, ConvKey::Group(member.group_id.clone()))).or_default().push(member);
    }
    for record in loaded.groups {
        let app = app_of(record.sdkappid)?;
        let conv: ConvOf = (record.sdkappid, ConvKey::Group(record.group_id.clone()));
        let last = last_messages.remove(&conv);
        let mut group = Group::restore(GroupRestore {
            id: record.group_id.clone(),
            group_type: record.group_type,
            profile: record.profile,
            owner: record.owner,
            created_at: record.created_at,
            info_seq: record.info_seq,
            max_seq: last.as_ref().map_or(0, |message| message.seq),
            last_msg_time: last.as_ref().map_or(0, |message| message.server_time),
            next_index: record.next_index,
        });
        for member in members_by_group.remove(&conv).unwrap_or_default() {
            let read = restore_read(&conv, &member.user, member.join_seq);
            if let Some(account) = app.account(&member.user) {
                lock(&account.convs).groups.insert(record.group_id.clone());
            }
            let restored = Member {
                index: member.index,
                role: member.role,
                join_seq: member.join_seq,
                join_time: member.join_time,
                read,
                name_card: member.info.name_card,
                shutup_until: member.info.shutup_until,
                custom: member.info.custom,
            };
            group.restore_member(member.user, restored);
        }
        let mut state = GroupState::new(group);
        state.last_pos = last.as_ref().map_or(0, |message| message.pos);
        state.last_message = last.map(Arc::new);
        write(&app.groups).insert(record.group_id, Arc::new(Mutex::new(state)));
    }

    for request in loaded.join_requests {
        let Some(app) = apps.get(&request.sdkappid) else { continue };
        if let Some(state) = app.group(&request.group_id) {
            lock(&state).group.restore_request(tincan_core::group::JoinRequest {
                user: request.user,
                add_time: request.add_time,
                message: request.message,
                inviter: request.inviter,
            });
        }
    }
    for record in loaded.friends {
        let Some(app) = apps.get(&record.sdkappid) else { continue };
        let mut relations = lock(&app.relations);
        relations.of_mut(&record.owner.clone()).friends.insert(record.peer.clone(), record);
    }
    for record in loaded.friend_requests {
        let Some(app) = apps.get(&record.sdkappid) else { continue };
        let mut relations = lock(&app.relations);
        relations.of_mut(&record.to.clone()).incoming.insert(record.from.clone(), record.clone());
        relations.of_mut(&record.from.clone()).outgoing.insert(record.to.clone(), record);
    }
    for record in loaded.blocks {
        let Some(app) = apps.get(&record.sdkappid) else { continue };
        lock(&app.relations).of_mut(&record.owner).blocked.insert(record.peer, record.blocked_at);
    }
    for record in loaded.follows {
        let Some(app) = apps.get(&record.sdkappid) else { continue };
        lock(&app.follows).add(&record.follower, &record.followee, record.follow_time);
    }
    for record in loaded.friend_metas {
        let Some(app) = apps.get(&record.sdkappid) else { continue };
        let mut relations = lock(&app.relations);
        let side = relations.of_mut(&record.owner);
        side.groups = record.groups;
        side.pendency_read_time = record.pendency_read_time;
    }
    for record in loaded.group_attributes {
        let Some(app) = apps.get(&record.sdkappid) else { continue };
        if let Some(state) = app.group(&record.group_id) {
            lock(&state).attributes = record.attributes.into_iter().collect();
        }
    }
    for record in loaded.group_counters {
        let Some(app) = apps.get(&record.sdkappid) else { continue };
        if let Some(state) = app.group(&record.group_id) {
            lock(&state).counters = record.counters.into_iter().collect();
        }
    }
    for (sdkappid, group_id, user, until) in loaded.group_bans {
        let Some(app) = apps.get(&sdkappid) else { continue };
        if let Some(state) = app.group(&group_id) {
            lock(&state).bans.insert(user, until);
        }
    }
    for (sdkappid, user, read_time) in loaded.pendency_read_times {
        if let Some(app) = apps.get(&sdkappid) {
            lock(&app.pendency_read_times).insert(user, read_time);
        }
    }

    for ((sdkappid, conv), last) in last_messages {
        let ConvKey::C2c(pair) = &conv else { continue };
        let app = app_of(sdkappid)?;
        let mut state = PairState::new();
        state.max_seq = last.seq;
        let key: ConvOf = (sdkappid, conv.clone());
        state.read = [restore_read(&key, pair.low(), 0), restore_read(&key, pair.high(), 0)];
        state.last_pos = last.pos;
        state.last_message = Some(Arc::new(last));
        app.list_pair(pair);
        write(&app.pairs).insert(pair.clone(), Arc::new(Mutex::new(state)));
    }

    for (sdkappid, conv, seq) in loaded.excluded {
        let Some(app) = apps.get(&sdkappid) else { continue };
        match &conv {
            ConvKey::Group(group_id) => {
                if let Some(state) = app.group(group_id) {
                    lock(&state).group.restore_excluded(seq);
                }
            }
            ConvKey::C2c(pair) => {
                if let Some(state) = app.pair(pair) {
                    lock(&state).excluded.insert(seq);
                }
            }
        }
    }
    for record in loaded.conv_settings {
        let Some(app) = apps.get(&record.sdkappid) else { continue };
        if let ConvKey::Group(group_id) = &record.conv
            && app.group(group_id).is_none()
        {
            // A dismissed group's: a new group that takes its ID starts without them.
            continue;
        }
        let Some(account) = app.account(&record.user) else { continue };
        let mut convs = lock(&account.convs);
        if let ConvKey::C2c(pair) = &record.conv
            && record.settings.created_at != 0
            && let Some(side) = pair.side_of(&record.user)
        {
            // A conversation created without messages is in the list all the same.
            convs.peers.insert(pair.peer_of(side).clone());
        }
        convs.settings.insert(record.conv, record.settings);
    }
    for record in loaded.conv_groups {
        let Some(account) = apps.get(&record.sdkappid).and_then(|app| app.account(&record.user)) else { continue };
        lock(&account.convs).conv_groups = record.names;
    }
    for record in loaded.all_recv_opts {
        let Some(account) = apps.get(&record.sdkappid).and_then(|app| app.account(&record.user)) else { continue };
        lock(&account.convs).all_recv_opt = record.opt;
    }
    for (sdkappid, conv, pos) in loaded.revisions {
        let (Some(app), ConvKey::Group(group_id)) = (apps.get(&sdkappid), &conv) else { continue };
        if let Some(state) = app.group(group_id) {
            let mut state = lock(&state);
            state.revised_pos = state.revised_pos.max(pos);
        }
    }
    // The store lists recent messages newest first; the memory expires oldest first.
    let mut recent_messages = loaded.recent_messages;
    recent_messages.reverse();
    for recent in recent_messages {
        let Some(app) = apps.get(&recent.sdkappid) else { continue };
        app.message_ids(&recent.msg_id).remember(
            &recent.msg_id,
            &recent.conv,
            recent.seq,
            recent.server_time,
            recent.server_time,
        );
    }
    Ok(Built { apps, max_tiny_id })
}
