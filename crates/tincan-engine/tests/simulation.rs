//! A deterministic simulation of the engine.
//!
//! A seed chooses a run: simulated users and devices send C2C and group messages (some asking
//! for receipts), send receipts, mark conversations read, create groups, invite, remove and
//! quit, disconnect and resume, while the simulation steps the clock, restarts the engine and
//! makes the store fail for a while. The engine runs on an in-memory store with a test clock, a
//! seeded random source and manual pacing, and the steps run one at a time, so a seed replays
//! the same run. A model of what was acknowledged is kept beside it, and after every step the
//! simulation checks:
//!
//! - unread counts are what the history of acknowledged messages and read reports implies, and
//!   each user's total is the sum;
//! - receipt counts are exactly the acknowledged readers who are still eligible (so they never
//!   go back but when a reader leaves), and the read and unread lists partition the eligible
//!   members;
//! - each device's pushes come in strictly increasing positions, across resumes, never twice;
//!
//! and at the end that nothing acknowledged is lost (every message once in its history) and
//! nothing was skipped (each device received every message of its user after it started).
//!
//! The test command runs 200 seeds; `TINCAN_SIM_SEEDS=n` runs more, and `TINCAN_SEED=s` replays
//! one (a failure prints its seed and the step).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};
use tincan_engine::{Clock, Engine, EngineConfig, Inbox, Pacing, PinnedApp, SeededRandom, Session, outbox};
use tincan_proto::api::login;
use tincan_store::memory::MemoryStore;

const SDKAPPID: u64 = 1_400_000_001;
const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const USERS: usize = 5;
const STEPS: usize = 60;
const SYSTEM: &str = "@TIM#SYSTEM";

/// A clock the simulation steps.
struct TestClock(AtomicU64);

impl Clock for TestClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The simulation's own choices (xorshift), apart from the engine's random source.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn user(index: usize) -> String {
    format!("u{index}")
}

/// A conversation as the model names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Conv {
    C2c(usize, usize),
    Group(String),
}

impl Conv {
    fn c2c(a: usize, b: usize) -> Conv {
        Conv::C2c(a.min(b), a.max(b))
    }

    /// `conv_id` and `conv_type` as `viewer` names the conversation.
    fn wire(&self, viewer: usize) -> (String, u32) {
        match self {
            Conv::C2c(a, b) => (user(if *a == viewer { *b } else { *a }), 1),
            Conv::Group(id) => (id.clone(), 2),
        }
    }
}

/// An acknowledged message.
#[derive(Clone, Debug)]
struct Acked {
    msg_id: String,
    conv: Conv,
    sender: usize,
    seq: u64,
    pos: u64,
    need_receipt: bool,
    /// The step it was sent at.
    step: usize,
    /// The users it is for: both sides, or the group's members then.
    participants: BTreeSet<usize>,
    /// The device that sent it, which is not pushed its own message.
    device: usize,
}

#[derive(Clone, Debug)]
struct GroupModel {
    id: String,
    /// Current members, with the step each joined at (a member who left and came back has the
    /// step it came back at).
    members: BTreeMap<usize, usize>,
}

/// What the engine acknowledged, and what follows from it.
#[derive(Default)]
struct Model {
    messages: Vec<Acked>,
    groups: Vec<GroupModel>,
    /// The highest acknowledged read position of each user in each conversation.
    reads: BTreeMap<(usize, Conv), u64>,
    /// Acknowledged receipts: message ID to readers.
    receipts: BTreeMap<String, BTreeSet<usize>>,
}

impl Model {
    fn group(&self, id: &str) -> Option<&GroupModel> {
        self.groups.iter().find(|group| group.id == id)
    }

    fn group_mut(&mut self, id: &str) -> Option<&mut GroupModel> {
        self.groups.iter_mut().find(|group| group.id == id)
    }

    /// The newest seq of an acknowledged message of `conv` (0 if none).
    fn max_seq(&self, conv: &Conv) -> u64 {
        self.messages.iter().filter(|message| message.conv == *conv).map(|message| message.seq).max().unwrap_or(0)
    }

    /// `viewer`'s unread count in `conv` as the acknowledged history implies it.
    fn unread(&self, viewer: usize, conv: &Conv) -> u64 {
        let read = self.reads.get(&(viewer, conv.clone())).copied().unwrap_or(0);
        let joined_at = match conv {
            Conv::Group(id) => match self.group(id).and_then(|group| group.members.get(&viewer)) {
                Some(step) => *step,
                None => return 0,
            },
            Conv::C2c(..) => 0,
        };
        self.messages
            .iter()
            .filter(|message| {
                message.conv == *conv
                    && message.sender != viewer
                    && message.seq > read
                    && message.step >= joined_at
                    && message.participants.contains(&viewer)
            })
            .count() as u64
    }

    /// The members eligible to read group message `message`: members when it was sent, other
    /// than its sender, who have not left since.
    fn eligible(&self, message: &Acked) -> BTreeSet<usize> {
        let Conv::Group(id) = &message.conv else { return BTreeSet::new() };
        let Some(group) = self.group(id) else { return BTreeSet::new() };
        group
            .members
            .iter()
            .filter(|(member, joined_at)| {
                **member != message.sender && **joined_at < message.step && message.participants.contains(member)
            })
            .map(|(member, _)| *member)
            .collect()
    }
}

/// A simulated device: the connection logic of the server's WebSocket edge (register, replay to
/// a horizon, then live pushes above it) and a client that keeps every push it receives.
struct Device {
    user: usize,
    session: Option<Session>,
    inbox: Option<Inbox>,
    /// Where its stream started (its first login's position).
    start_pos: u64,
    /// The last position it received.
    last_pos: u64,
    /// Message pushes received, in order: position, message.
    messages: Vec<(u64, Value)>,
}

struct Sim {
    seed: u64,
    rng: Rng,
    step: usize,
    clock: Arc<TestClock>,
    random: Arc<SeededRandom>,
    store: MemoryStore,
    data_dir: tempfile::TempDir,
    engine: Engine,
    devices: Vec<Device>,
    model: Model,
    next_rand: u64,
}

fn config(data_dir: &std::path::Path, clock: &Arc<TestClock>, random: &Arc<SeededRandom>) -> EngineConfig {
    EngineConfig {
        data_dir: data_dir.to_owned(),
        pinned_app: Some(PinnedApp { sdkappid: SDKAPPID, key: KEY.to_owned() }),
        clock: clock.clone(),
        random: random.clone(),
        webhooks: None,
        webhook_queue_max: 1_000,
        heartbeat_interval: tincan_engine::DEFAULT_HEARTBEAT_INTERVAL,
        // Few, so that receipt states are let go and read back from the store.
        receipt_cells_per_group: 3,
        pacing: Pacing::Manual,
        revoke_time_limit: tincan_engine::DEFAULT_REVOKE_TIME_LIMIT,
        media: None,
    }
}

impl Sim {
    async fn new(seed: u64) -> Sim {
        let clock = Arc::new(TestClock(AtomicU64::new(1_800_000_000_000)));
        let random = Arc::new(SeededRandom::new(seed));
        let store = MemoryStore::new();
        let data_dir = tempfile::tempdir().unwrap();
        let (engine, _) = Engine::start(config(data_dir.path(), &clock, &random), store.open()).await.unwrap();
        let mut sim = Sim {
            seed,
            rng: Rng(seed | 1),
            step: 0,
            clock,
            random,
            store,
            data_dir,
            engine,
            devices: Vec::new(),
            model: Model::default(),
            next_rand: 1,
        };
        for index in 0..USERS {
            sim.devices.push(Device {
                user: index,
                session: None,
                inbox: None,
                start_pos: 0,
                last_pos: 0,
                messages: Vec::new(),
            });
            let device = sim.devices.len() - 1;
            sim.connect(device).await;
        }
        sim
    }

    fn fail(&self, what: impl std::fmt::Display) -> ! {
        panic!("seed {} step {}: {what} (TINCAN_SEED={} replays it)", self.seed, self.step, self.seed)
    }

    /// Logs the device in (resuming if it has a stream), registers it, replays what it missed.
    async fn connect(&mut self, device: usize) {
        let user = self.devices[device].user;
        let now = self.clock.now_secs();
        let fresh = self.devices[device].start_pos == 0;
        let request = login::Request {
            sdkappid: SDKAPPID,
            identifier: self::user(user),
            user_sig: tincan_usersig::generate(KEY, SDKAPPID, &self::user(user), now, 86_400),
            resume_pos: (!fresh).then_some(self.devices[device].last_pos),
            platform: 0,
        };
        let (mut session, answer) = match self.engine.login(&request).await {
            Ok(it) => it,
            Err(err) => self.fail(format!("login of {}: {err:?}", self::user(user))),
        };
        let (outbox, inbox) = outbox();
        let _kick = self.engine.attach(&mut session, outbox);
        let mut cursor = if fresh { answer.pos } else { self.devices[device].last_pos.min(answer.pos) };
        if fresh {
            self.devices[device].start_pos = answer.pos.max(1);
            self.devices[device].last_pos = answer.pos;
        }
        loop {
            let (frames, horizon, more) = match self.engine.replay(&session, cursor, 7).await {
                Ok(it) => it,
                Err(err) => self.fail(format!("replay: {err:?}")),
            };
            for frame in frames {
                self.receive(device, frame.pos, &frame.text);
            }
            cursor = horizon;
            if !more {
                break;
            }
        }
        // Everything of the user up to the horizon has been sent; live pushes follow above it.
        let device = &mut self.devices[device];
        device.last_pos = device.last_pos.max(cursor);
        device.session = Some(session);
        device.inbox = Some(inbox);
    }

    fn disconnect(&mut self, device: usize) {
        if let Some(session) = self.devices[device].session.take() {
            self.engine.detach(&session);
        }
        self.devices[device].inbox = None;
    }

    /// Takes what a push frame says; checks positions only grow.
    fn receive(&mut self, device: usize, pos: u64, text: &str) {
        let frame: Value =
            serde_json::from_str(text).unwrap_or_else(|err| self.fail(format!("a push is not JSON: {err}")));
        let last = self.devices[device].last_pos;
        if pos <= last {
            self.fail(format!("device {device} got position {pos} after {last}: {text}"));
        }
        self.devices[device].last_pos = pos;
        if frame["push"] == "message" {
            self.devices[device].messages.push((pos, frame["data"]["message"].clone()));
        }
    }

    /// Hands each connected device the pushes waiting for it, as the server's edge does
    /// (dropping what the replay already sent).
    fn sync(&mut self) {
        for device in 0..self.devices.len() {
            let mut frames = Vec::new();
            if let Some(inbox) = &mut self.devices[device].inbox {
                while let Some(batch) = inbox.try_recv() {
                    frames.extend(batch);
                }
            }
            for frame in frames {
                if frame.pos != 0 && frame.pos <= self.devices[device].last_pos {
                    continue;
                }
                self.receive(device, frame.pos, &frame.text);
            }
        }
    }

    async fn settle(&mut self) {
        self.engine.settle().await;
        self.sync();
    }

    /// A connected device of `user`, if any.
    fn device_of(&self, user: usize) -> Option<usize> {
        self.devices.iter().position(|device| device.user == user && device.session.is_some())
    }

    /// Calls an operation from `user`'s connected device (or a new one).
    async fn call(&mut self, user: usize, op: &str, data: Value) -> Result<Value, tincan_proto::ApiError> {
        let device = match self.device_of(user) {
            Some(device) => device,
            None => {
                let device =
                    self.devices.iter().position(|device| device.user == user).expect("each user has a device");
                self.connect(device).await;
                device
            }
        };
        let session = self.devices[device].session.clone().expect("connected");
        let raw = serde_json::value::to_raw_value(&data).expect("JSON");
        let answer = self.engine.call(&session, op, Some(&raw)).await;
        answer.map(|text| serde_json::from_str(&text).expect("answers are JSON"))
    }

    /// What a run did, for comparing two runs of one seed: every acknowledged message with its
    /// seq and position, and every push each device received.
    fn fingerprint(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .model
            .messages
            .iter()
            .map(|message| format!("{} {:?} {} {}", message.msg_id, message.conv, message.seq, message.pos))
            .collect();
        for (index, device) in self.devices.iter().enumerate() {
            for (pos, message) in &device.messages {
                lines.push(format!("device {index} {pos} {}", message["message_msg_id"]));
            }
        }
        lines
    }

    async fn run(&mut self) {
        for step in 0..STEPS {
            self.step = step;
            self.one_step().await;
            self.settle().await;
            self.check_unread().await;
            self.check_some_receipts(2).await;
        }
        self.finish().await;
    }

    async fn one_step(&mut self) {
        let choice = self.rng.below(100);
        let sender = self.rng.below(USERS);
        match choice {
            0..=24 => {
                let peer = (sender + 1 + self.rng.below(USERS - 1)) % USERS;
                let receipt = self.rng.chance(40);
                self.send(sender, Conv::c2c(sender, peer), receipt).await;
            }
            25..=44 => {
                let mine: Vec<String> = self
                    .model
                    .groups
                    .iter()
                    .filter(|group| group.members.contains_key(&sender))
                    .map(|group| group.id.clone())
                    .collect();
                if mine.is_empty() {
                    self.create_group(sender).await;
                } else {
                    let group = mine[self.rng.below(mine.len())].clone();
                    let receipt = self.rng.chance(60);
                    self.send(sender, Conv::Group(group), receipt).await;
                }
            }
            45..=56 => self.send_receipts(sender).await,
            57..=64 => self.report_read(sender).await,
            65..=68 => self.create_group(sender).await,
            69..=74 => self.invite(sender).await,
            75..=78 => self.quit(sender).await,
            79..=81 => self.remove(sender).await,
            82..=86 => {
                let device = self.rng.below(self.devices.len());
                if self.devices[device].session.is_some() {
                    self.disconnect(device);
                } else {
                    self.connect(device).await;
                }
            }
            87..=88 => {
                // A second device for a user, with a stream of its own.
                self.devices.push(Device {
                    user: sender,
                    session: None,
                    inbox: None,
                    start_pos: 0,
                    last_pos: 0,
                    messages: Vec::new(),
                });
                let device = self.devices.len() - 1;
                self.connect(device).await;
            }
            89..=90 => self.restart().await,
            91..=93 => {
                // The store cannot write for a moment: the next write is held and retried.
                self.store.fail_next_applies(1 + self.rng.below(2));
            }
            _ => {
                let advance = [5, 20, 200, 1_500][self.rng.below(4)];
                self.clock.0.fetch_add(advance, Ordering::SeqCst);
                self.engine.flush_due_receipt_pushes().await;
            }
        }
    }

    async fn send(&mut self, sender: usize, conv: Conv, need_receipt: bool) {
        let (conv_id, conv_type) = conv.wire(sender);
        self.next_rand += 1;
        let data = json!({"conv_id": conv_id, "conv_type": conv_type, "message": {
            "message_elem_array": [{"elem_type": 0, "text_elem_content": format!("step {}", self.step)}],
            "message_client_time": self.clock.now_secs(),
            "message_rand": self.next_rand,
            "message_need_read_receipt": need_receipt,
        }});
        let participants: BTreeSet<usize> = match &conv {
            Conv::C2c(a, b) => [*a, *b].into(),
            Conv::Group(id) => {
                self.model.group(id).map(|group| group.members.keys().copied().collect()).unwrap_or_default()
            }
        };
        let answer = self.call(sender, "msg_send", data).await;
        let device = self.device_of(sender).unwrap_or(usize::MAX);
        match answer {
            Ok(answer) => {
                let message = &answer["message"];
                self.model.messages.push(Acked {
                    msg_id: message["message_msg_id"].as_str().unwrap().to_owned(),
                    conv,
                    sender,
                    seq: message["message_seq"].as_u64().unwrap(),
                    pos: message["message_unique_id"].as_u64().unwrap(),
                    need_receipt,
                    step: self.step,
                    participants,
                    device,
                });
            }
            Err(err) => {
                if let Conv::Group(id) = &conv
                    && self.model.group(id).is_some_and(|group| group.members.contains_key(&sender))
                {
                    self.fail(format!("a member's send to {id} was refused: {err:?}"));
                }
            }
        }
    }

    /// Messages `user`'s devices received from others, in conversations it is still part of.
    fn received_from_others(&self, user: usize) -> Vec<Value> {
        let mut seen = BTreeSet::new();
        let mut found = Vec::new();
        for device in self.devices.iter().filter(|device| device.user == user) {
            for (_, message) in &device.messages {
                let id = message["message_msg_id"].as_str().unwrap_or_default().to_owned();
                if message["message_sender"] != self::user(user)
                    && message["message_sender"] != SYSTEM
                    && seen.insert(id)
                {
                    found.push(message.clone());
                }
            }
        }
        found
    }

    fn keys(message: &Value) -> Value {
        json!({
            "message_conv_id": message["message_conv_id"],
            "message_conv_type": message["message_conv_type"],
            "message_msg_id": message["message_msg_id"],
            "message_seq": message["message_seq"],
        })
    }

    async fn send_receipts(&mut self, reader: usize) {
        let candidates: Vec<Value> = self
            .received_from_others(reader)
            .into_iter()
            .filter(|message| message["message_need_read_receipt"] == true)
            .collect();
        if candidates.is_empty() {
            return;
        }
        let message = candidates[self.rng.below(candidates.len())].clone();
        let msg_id = message["message_msg_id"].as_str().unwrap().to_owned();
        let answer = self.call(reader, "msg_send_receipts", json!({"messages": [Self::keys(&message)]})).await;
        let Some(acked) = self.model.messages.iter().find(|acked| acked.msg_id == msg_id).cloned() else {
            self.fail(format!("{} received {msg_id}, which was never acknowledged", user(reader)));
        };
        let eligible = match acked.conv {
            Conv::Group(_) => self.model.eligible(&acked).contains(&reader),
            Conv::C2c(..) => true,
        };
        match answer {
            Ok(_) => {
                if !eligible {
                    self.fail(format!("{} sent a receipt for {msg_id} without being eligible", user(reader)));
                }
                self.model.receipts.entry(msg_id).or_default().insert(reader);
            }
            Err(err) if eligible => self.fail(format!("an eligible reader's receipt was refused: {err:?}")),
            Err(_) => {}
        }
    }

    async fn report_read(&mut self, reader: usize) {
        let received = self.received_from_others(reader);
        if received.is_empty() || self.rng.chance(20) {
            // Everything, in every conversation.
            if self.call(reader, "conv_clean_unread", json!({"conversation_id": ""})).await.is_ok() {
                let convs: Vec<Conv> = self.model.messages.iter().map(|message| message.conv.clone()).collect();
                for conv in convs {
                    let part_of = match &conv {
                        Conv::C2c(a, b) => *a == reader || *b == reader,
                        Conv::Group(id) => {
                            self.model.group(id).is_some_and(|group| group.members.contains_key(&reader))
                        }
                    };
                    if part_of {
                        let max = self.model.max_seq(&conv);
                        let read = self.model.reads.entry((reader, conv)).or_default();
                        *read = (*read).max(max);
                    }
                }
            }
            return;
        }
        let message = received[self.rng.below(received.len())].clone();
        let conv_id = message["message_conv_id"].as_str().unwrap().to_owned();
        let conv_type = message["message_conv_type"].as_u64().unwrap();
        let answer = self
            .call(
                reader,
                "msg_report_read",
                json!({"conv_id": conv_id, "conv_type": conv_type, "message": Self::keys(&message)}),
            )
            .await;
        if answer.is_ok() {
            let conv = if conv_type == 1 {
                Conv::c2c(reader, conv_id.trim_start_matches('u').parse().unwrap())
            } else {
                Conv::Group(conv_id)
            };
            let seq = message["message_seq"].as_u64().unwrap();
            let read = self.model.reads.entry((reader, conv)).or_default();
            *read = (*read).max(seq);
        }
    }

    async fn create_group(&mut self, owner: usize) {
        let others: Vec<usize> = (0..USERS).filter(|other| *other != owner && self.rng.chance(50)).collect();
        let members: Vec<Value> = others
            .iter()
            .map(|other| json!({"group_member_info_identifier": user(*other), "group_member_info_member_role": 0}))
            .collect();
        let data = json!({"create_group_param_group_name": "sim", "create_group_param_group_type": 1,
                          "create_group_param_group_member_array": members});
        match self.call(owner, "group_create", data).await {
            Ok(answer) => {
                let id = answer["create_group_result_groupid"].as_str().unwrap().to_owned();
                let mut members: BTreeMap<usize, usize> = others.into_iter().map(|other| (other, self.step)).collect();
                members.insert(owner, self.step);
                self.model.groups.push(GroupModel { id, members });
            }
            Err(err) => self.fail(format!("group_create: {err:?}")),
        }
    }

    /// A group `user` is in, if any.
    fn a_group_of(&mut self, user: usize) -> Option<String> {
        let mine: Vec<String> = self
            .model
            .groups
            .iter()
            .filter(|group| group.members.contains_key(&user))
            .map(|group| group.id.clone())
            .collect();
        (!mine.is_empty()).then(|| mine[self.rng.below(mine.len())].clone())
    }

    /// A member joins: everything before is behind its read position.
    fn joined(&mut self, group: &str, member: usize) {
        let step = self.step;
        if let Some(model) = self.model.group_mut(group) {
            model.members.insert(member, step);
        }
        let conv = Conv::Group(group.to_owned());
        let max = self.model.max_seq(&conv);
        self.model.reads.insert((member, conv), max);
    }

    async fn invite(&mut self, inviter: usize) {
        let Some(group) = self.a_group_of(inviter) else { return };
        let outside: Vec<usize> = (0..USERS)
            .filter(|other| !self.model.group(&group).is_some_and(|model| model.members.contains_key(other)))
            .collect();
        if outside.is_empty() {
            return;
        }
        let invitee = outside[self.rng.below(outside.len())];
        let data = json!({"group_invite_member_param_group_id": group, "group_invite_member_param_identifier_array": [user(invitee)]});
        match self.call(inviter, "group_invite_member", data).await {
            Ok(answer) => {
                if answer["results"][0]["group_invite_member_result_result"] == 1 {
                    self.joined(&group, invitee);
                }
            }
            Err(err) => self.fail(format!("a member's invitation was refused: {err:?}")),
        }
    }

    fn left(&mut self, group: &str, member: usize) {
        if let Some(model) = self.model.group_mut(group) {
            model.members.remove(&member);
        }
    }

    async fn quit(&mut self, member: usize) {
        let Some(group) = self.a_group_of(member) else { return };
        match self.call(member, "group_quit", json!({"group_id": group})).await {
            Ok(_) => self.left(&group, member),
            Err(err) => self.fail(format!("group_quit: {err:?}")),
        }
    }

    async fn remove(&mut self, remover: usize) {
        let Some(group) = self.a_group_of(remover) else { return };
        let members: Vec<usize> = self
            .model
            .group(&group)
            .map(|model| model.members.keys().copied().filter(|member| *member != remover).collect())
            .unwrap_or_default();
        if members.is_empty() {
            return;
        }
        let removed = members[self.rng.below(members.len())];
        let data = json!({"group_delete_member_param_group_id": group, "group_delete_member_param_identifier_array": [user(removed)]});
        // Only the owner may remove; the model follows what the engine decides.
        if let Ok(answer) = self.call(remover, "group_delete_member", data).await
            && answer["results"][0]["group_delete_member_result_result"] == 1
        {
            self.left(&group, removed);
        }
    }

    async fn restart(&mut self) {
        for device in 0..self.devices.len() {
            self.disconnect(device);
        }
        self.engine.shutdown().await;
        let config = config(self.data_dir.path(), &self.clock, &self.random);
        self.engine = match Engine::start(config, self.store.open()).await {
            Ok((engine, _)) => engine,
            Err(err) => self.fail(format!("restart: {err}")),
        };
        for device in 0..USERS {
            self.connect(device).await;
        }
    }

    async fn check_unread(&mut self) {
        for reader in 0..USERS {
            let listed = match self.call(reader, "conv_get_list", json!({})).await {
                Ok(answer) => answer,
                Err(err) => self.fail(format!("conv_get_list: {err:?}")),
            };
            let mut sum = 0;
            for conv in listed["conversations"].as_array().unwrap() {
                let conv_id = conv["conv_id"].as_str().unwrap();
                let key = if conv["conv_type"] == 1 {
                    Conv::c2c(reader, conv_id.trim_start_matches('u').parse().unwrap())
                } else {
                    Conv::Group(conv_id.to_owned())
                };
                let unread = conv["conv_unread_num"].as_u64().unwrap();
                let expected = self.model.unread(reader, &key);
                if unread != expected {
                    self.fail(format!("{} in {key:?}: unread {unread}, the history says {expected}", user(reader)));
                }
                sum += unread;
            }
            let total = match self.call(reader, "conv_get_total_unread", json!({})).await {
                Ok(answer) => answer["conv_get_total_unread_message_count_result_unread_count"].as_u64().unwrap(),
                Err(err) => self.fail(format!("conv_get_total_unread: {err:?}")),
            };
            if total != sum {
                self.fail(format!("{}'s total unread {total} is not the sum {sum}", user(reader)));
            }
        }
    }

    async fn check_some_receipts(&mut self, n: usize) {
        let with_receipts: Vec<Acked> = self
            .model
            .messages
            .iter()
            .filter(|message| message.need_receipt && matches!(message.conv, Conv::Group(_)))
            .cloned()
            .collect();
        for _ in 0..n.min(with_receipts.len()) {
            let message = with_receipts[self.rng.below(with_receipts.len())].clone();
            self.check_receipt(&message).await;
        }
    }

    async fn check_receipt(&mut self, message: &Acked) {
        let Conv::Group(id) = &message.conv else { return };
        if !self.model.group(id).is_some_and(|group| group.members.contains_key(&message.sender)) {
            return;
        }
        let keys = json!({"message_conv_id": id, "message_conv_type": 2, "message_msg_id": message.msg_id, "message_seq": message.seq});
        let answer = match self.call(message.sender, "msg_get_receipts", json!({"messages": [keys.clone()]})).await {
            Ok(answer) => answer,
            Err(err) => self.fail(format!("msg_get_receipts: {err:?}")),
        };
        let receipt = &answer["receipts"][0];
        let eligible = self.model.eligible(message);
        let readers: BTreeSet<usize> = self
            .model
            .receipts
            .get(&message.msg_id)
            .map(|readers| readers.intersection(&eligible).copied().collect())
            .unwrap_or_default();
        let (read, unread) = (readers.len() as u64, (eligible.len() - readers.len()) as u64);
        let counts = (receipt["msg_receipt_read_count"].as_u64(), receipt["msg_receipt_unread_count"].as_u64());
        if counts != (Some(read), Some(unread)) {
            self.fail(format!("{}: counts {counts:?}, expected read {read} of {eligible:?}", message.msg_id));
        }
        let mut lists = Vec::new();
        for filter in [0, 1] {
            let mut listed = BTreeSet::new();
            let mut next_seq = 0;
            loop {
                let data = json!({"message": keys, "filter": filter, "next_seq": next_seq, "count": 2});
                let page = match self.call(message.sender, "msg_get_read_members", data).await {
                    Ok(page) => page,
                    Err(err) => self.fail(format!("msg_get_read_members: {err:?}")),
                };
                for member in page["members"].as_array().unwrap() {
                    let name = member["group_member_info_identifier"].as_str().unwrap();
                    let index: usize = name.trim_start_matches('u').parse().unwrap();
                    if !listed.insert(index) {
                        self.fail(format!("{}: {name} listed twice", message.msg_id));
                    }
                }
                if page["is_finished"] == true {
                    break;
                }
                next_seq = page["next_seq"].as_u64().unwrap();
            }
            lists.push(listed);
        }
        if lists[0] != readers || lists[1] != eligible.difference(&readers).copied().collect() {
            self.fail(format!(
                "{}: read list {:?} and unread list {:?} do not partition {eligible:?} by readers {readers:?}",
                message.msg_id, lists[0], lists[1]
            ));
        }
    }

    async fn finish(&mut self) {
        self.step = STEPS;
        self.clock.0.fetch_add(10_000, Ordering::SeqCst);
        self.engine.flush_due_receipt_pushes().await;
        for device in 0..self.devices.len() {
            if self.devices[device].session.is_none() {
                self.connect(device).await;
            }
        }
        self.settle().await;
        self.check_unread().await;
        let all: Vec<Acked> = self.model.messages.clone();
        for message in all.iter().filter(|message| message.need_receipt) {
            self.check_receipt(message).await;
        }
        // Nothing acknowledged is lost: each message is in its history, once.
        let mut histories: BTreeMap<(usize, Conv), Vec<String>> = BTreeMap::new();
        for message in &all {
            // A group's history shows a member what was sent since it joined: it is read by a
            // member who has been in the group since before the message.
            let viewer = match &message.conv {
                Conv::C2c(..) => message.sender,
                Conv::Group(id) => {
                    let since_before = self.model.group(id).and_then(|group| {
                        group
                            .members
                            .iter()
                            .find(|(_, joined_at)| **joined_at <= message.step)
                            .map(|(member, _)| *member)
                    });
                    match since_before {
                        Some(member) => member,
                        None => continue,
                    }
                }
            };
            let key = (viewer, message.conv.clone());
            if !histories.contains_key(&key) {
                let (conv_id, conv_type) = message.conv.wire(viewer);
                let mut ids = Vec::new();
                let mut last: Option<Value> = None;
                loop {
                    let mut params = json!({"msg_getmsglist_param_count": 100});
                    if let Some(last) = &last {
                        params["msg_getmsglist_param_last_msg"] = Self::keys(last);
                    }
                    let data = json!({"conv_id": conv_id, "conv_type": conv_type, "params": params});
                    let page = match self.call(viewer, "msg_get_list", data).await {
                        Ok(page) => page,
                        Err(err) => self.fail(format!("msg_get_list of {conv_id} as {}: {err:?}", user(viewer))),
                    };
                    let messages = page["messages"].as_array().unwrap().clone();
                    let Some(oldest) = messages.last().cloned() else { break };
                    ids.extend(messages.iter().map(|it| it["message_msg_id"].as_str().unwrap().to_owned()));
                    last = Some(oldest);
                }
                histories.insert(key.clone(), ids);
            }
            let history = &histories[&key];
            let count = history.iter().filter(|id| **id == message.msg_id).count();
            if count != 1 {
                self.fail(format!("acknowledged message {} is in its history {count} times", message.msg_id));
            }
        }
        // Nothing skipped: each device received every message of its user after it started.
        for (index, device) in self.devices.iter().enumerate() {
            let received: BTreeSet<&str> =
                device.messages.iter().filter_map(|(_, message)| message["message_msg_id"].as_str()).collect();
            for message in &all {
                if message.participants.contains(&device.user)
                    && message.pos > device.start_pos
                    && message.device != index
                    && !received.contains(message.msg_id.as_str())
                {
                    self.fail(format!(
                        "device {index} of {} never received {} (position {}, its stream from {})",
                        user(device.user),
                        message.msg_id,
                        message.pos,
                        device.start_pos
                    ));
                }
            }
        }
        self.engine.shutdown().await;
    }
}

fn seeds() -> Vec<u64> {
    if let Some(seed) = std::env::var("TINCAN_SEED").ok().and_then(|seed| seed.parse().ok()) {
        return vec![seed];
    }
    let n = std::env::var("TINCAN_SIM_SEEDS").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    (1..=n).map(|seed: u64| seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_replays_the_same_run() {
    let seed = 7_777;
    let mut first = Sim::new(seed).await;
    first.run().await;
    let mut second = Sim::new(seed).await;
    second.run().await;
    assert!(first.model.messages.len() > 10, "a run does something");
    assert_eq!(first.fingerprint(), second.fingerprint(), "seed {seed} ran differently twice");
}

/// Seeds run at once: each run is sequential in itself (which is what makes it repeatable), and
/// most of a run's time is spent waiting for the writer and the dispatcher.
const RUNS_AT_ONCE: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_runs_keep_every_invariant() {
    let mut runs = tokio::task::JoinSet::new();
    for seed in seeds() {
        if runs.len() >= RUNS_AT_ONCE
            && let Some(done) = runs.join_next().await
        {
            done.unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()));
        }
        runs.spawn(async move { Sim::new(seed).await.run().await });
    }
    while let Some(done) = runs.join_next().await {
        done.unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()));
    }
}

/// `reader`'s entry for `conv_id` in its conversation list: unread count and last message's seq.
async fn listed(sim: &mut Sim, reader: usize, conv_id: &str) -> (u64, u64) {
    let listed = sim.call(reader, "conv_get_list", json!({})).await.expect("conv_get_list");
    let conv = listed["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|conv| conv["conv_id"] == conv_id)
        .unwrap_or_else(|| panic!("{conv_id} is not listed: {listed}"))
        .clone();
    (conv["conv_unread_num"].as_u64().unwrap(), conv["conv_last_msg"]["message_seq"].as_u64().unwrap())
}

/// A message counts as unread when it is stored, not when its seq is given: between the two a
/// conversation list shows the previous last message and the previous count (not a count one
/// higher beside a last message that does not explain it), and reading everything in between
/// reads what was shown, leaving the message being stored unread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_counts_as_unread_once_stored() {
    let mut sim = Sim::new(1).await;
    let data = json!({"create_group_param_group_name": "held", "create_group_param_group_type": 1,
                      "create_group_param_group_member_array": [
                          {"group_member_info_identifier": user(1), "group_member_info_member_role": 0}]});
    let answer = sim.call(0, "group_create", data).await.expect("group_create");
    let group = answer["create_group_result_groupid"].as_str().unwrap().to_owned();
    for conv in [Conv::c2c(0, 1), Conv::Group(group)] {
        sim.send(0, conv.clone(), false).await;
        sim.settle().await;
        let (conv_id, conv_type) = conv.wire(1);
        let before = listed(&mut sim, 1, &conv_id).await;
        assert!(before.0 >= 1, "{conv:?}: the first message is unread: {before:?}");

        sim.store.hold_applies();
        let engine = sim.engine.clone();
        let session = sim.devices[0].session.clone().expect("u0 is connected");
        let (to, _) = conv.wire(0);
        let message = json!({"conv_id": to, "conv_type": conv_type, "message": {
            "message_elem_array": [{"elem_type": 0, "text_elem_content": "held"}],
            "message_client_time": sim.clock.now_secs(),
            "message_rand": 777,
        }});
        let message = serde_json::value::to_raw_value(&message).unwrap();
        let sending = tokio::spawn(async move { engine.call(&session, "msg_send", Some(&message)).await });
        let waited = std::time::Instant::now();
        while sim.store.held_applies() == 0 {
            assert!(waited.elapsed() < std::time::Duration::from_secs(10), "the send reaches the store");
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        assert!(!sending.is_finished(), "the send waits for the held write, which is its own");
        assert_eq!(listed(&mut sim, 1, &conv_id).await, before, "{conv:?} while the message is being stored");

        let engine = sim.engine.clone();
        let session = sim.devices[1].session.clone().expect("u1 is connected");
        let everything = serde_json::value::to_raw_value(&json!({"conversation_id": ""})).unwrap();
        let reading = tokio::spawn(async move { engine.call(&session, "conv_clean_unread", Some(&everything)).await });
        // Long enough for the read to be decided, behind the held write.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        sim.store.release_applies();
        let sent: Value = serde_json::from_str(&sending.await.unwrap().expect("the send succeeds")).unwrap();
        reading.await.unwrap().expect("reading everything succeeds");
        sim.settle().await;
        let seq = sent["message"]["message_seq"].as_u64().unwrap();
        assert_eq!(listed(&mut sim, 1, &conv_id).await, (1, seq), "{conv:?}: the message stored during the read");
        sim.call(1, "conv_clean_unread", json!({"conversation_id": ""})).await.expect("conv_clean_unread");
    }
    sim.engine.shutdown().await;
}
