//! The five scenarios.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tincan_proto::api::create_group;
use tincan_proto::enums::{ConvType, GroupType, MemberRole, ReadMembersFilter};
use tincan_proto::{ApiError, Elem, Message, UserId, limits};
use tincan_sdk::{Client, Event, Events};
use tokio::task::JoinSet;

use crate::meter::{Mark, Meter, Progress, round1, round3};
use crate::stats::Stats;
use crate::{Sizes, Target};

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            base.insert(key.clone(), value.clone());
        }
    }
    base
}

/// Creates a group of `group_type` owned by `owner` with `members` (added 500 at a time).
async fn make_group(owner: &Client, group_type: GroupType, name: &str, members: &[String]) -> anyhow::Result<String> {
    let initial_members = members
        .iter()
        .take(limits::GROUP_MEMBERS_PER_CALL_MAX)
        .map(|member| Ok(create_group::InitialMember::new(UserId::parse(member)?, MemberRole::NORMAL)))
        .collect::<Result<_, ApiError>>()
        .map_err(|err| anyhow::anyhow!("a member of a new group: {err}"))?;
    let params = create_group::Request {
        create_group_param_group_name: name.to_owned(),
        create_group_param_group_type: group_type,
        create_group_param_group_member_array: initial_members,
        ..Default::default()
    };
    let group_id = owner.create_group(params).await.map_err(|err| anyhow::anyhow!("creating a group: {err}"))?;
    let rest = members.get(limits::GROUP_MEMBERS_PER_CALL_MAX..).unwrap_or_default();
    for chunk in rest.chunks(limits::GROUP_MEMBERS_PER_CALL_MAX) {
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        owner.invite_members(&group_id, &refs).await.map_err(|err| anyhow::anyhow!("inviting: {err}"))?;
    }
    Ok(group_id)
}

fn text(body: &str, need_read_receipt: bool) -> Message {
    Message {
        message_elem_array: vec![Elem::text(body)],
        message_need_read_receipt: need_read_receipt,
        ..Message::default()
    }
}

/// Per message ID: when each receipt push arrived and the read count it carried.
type Arrivals = HashMap<String, Vec<(Instant, u64)>>;

/// Per message ID: when each of its receipts was posted.
type Posts = HashMap<String, Vec<Instant>>;

/// Receipt pushes as the sender sees them.
#[derive(Clone, Default)]
struct PushLog {
    arrivals: Arc<Mutex<Arrivals>>,
    total: Arc<AtomicU64>,
    /// Times the sender's client overflowed its event queue and resumed.
    overflows: Arc<AtomicU64>,
}

impl PushLog {
    /// Consumes `events` in the background, recording receipt pushes.
    fn follow(mut events: Events) -> (PushLog, Arc<AtomicBool>) {
        let log = PushLog::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (recorder, stopped) = (log.clone(), stop.clone());
        tokio::spawn(async move {
            while !stopped.load(Ordering::Relaxed) {
                let Some(event) = events.next_within(Duration::from_millis(200)).await else { continue };
                if let Event::Overflowed { .. } = event {
                    recorder.overflows.fetch_add(1, Ordering::Relaxed);
                }
                if let Event::Receipts(receipts) = event {
                    let now = Instant::now();
                    recorder.total.fetch_add(1, Ordering::Relaxed);
                    let mut arrivals = recorder.arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    for receipt in receipts {
                        arrivals
                            .entry(receipt.msg_receipt_msg_id)
                            .or_default()
                            .push((now, receipt.msg_receipt_read_count));
                    }
                }
            }
        });
        (log, stop)
    }

    /// When the sender first saw message `msg_id` with at least `count` readers.
    fn seen(&self, msg_id: &str, count: u64) -> Option<Instant> {
        let arrivals = self.arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        arrivals.get(msg_id)?.iter().find(|(_, read)| *read >= count).map(|(at, _)| *at)
    }

    /// For receipts posted at the given times (per message, with `base` earlier readers), the
    /// time until the sender saw a push that counted each, and how many it never saw.
    ///
    /// The `rank`th receipt of a message (in the order posted) is seen by the first push whose
    /// count reaches `base + rank + 1`; that push never comes before the previous rank's, so one
    /// walk over each message's pushes serves all its receipts (100,000 in the large group).
    fn visibility(&self, posts: &Posts, base: u64) -> (Stats, usize) {
        let arrivals = self.arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut stats = Stats::default();
        let mut missing = 0;
        for (msg_id, times) in posts {
            let mut times = times.clone();
            times.sort();
            let pushes = arrivals.get(msg_id).map(Vec::as_slice).unwrap_or_default();
            let mut first = 0;
            for (rank, posted) in times.iter().enumerate() {
                let count = base + rank as u64 + 1;
                while pushes.get(first).is_some_and(|(_, read)| *read < count) {
                    first += 1;
                }
                match pushes.get(first) {
                    Some((at, _)) => stats.push(at.saturating_duration_since(*posted)),
                    None => missing += 1,
                }
            }
        }
        (stats, missing)
    }

    /// What the sender saw of messages whose receipts it did not all see (at most `max` of
    /// them): each one's receipts posted, pushes seen and the highest count they carried, so
    /// that a failed run says whether a push was missing or carried too low a count.
    fn unseen(&self, posts: &Posts, base: u64, max: usize) -> Vec<Value> {
        let arrivals = self.arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut unseen: Vec<Value> = posts
            .iter()
            .filter_map(|(msg_id, times)| {
                let pushes = arrivals.get(msg_id).map(Vec::as_slice).unwrap_or_default();
                let highest = pushes.iter().map(|(_, read)| *read).max().unwrap_or(0);
                (highest < base + times.len() as u64).then(|| {
                    json!({"msg_id": msg_id, "posted": times.len(), "pushes": pushes.len(), "highest_count": highest})
                })
            })
            .collect();
        unseen.truncate(max);
        unseen
    }

    /// Waits until every message of `posts` has been seen with `base` + its number of posts.
    async fn settle(&self, posts: &Posts, base: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if posts.iter().all(|(msg_id, times)| self.seen(msg_id, base + times.len() as u64).is_some()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// The clients of synapse-shape: the sender (whose receipt pushes are logged), one reader who
/// reads alone, and the concurrent clients, all in one group.
struct SynapseShape {
    sender: Client,
    single: Client,
    clients: Vec<Client>,
    group_id: String,
    log: PushLog,
}

/// The same workload as `matrix_receipt_bench.py`, so the numbers compare one to one with
/// Synapse's: 22 users in one group; concurrent and sequential sends; one reader sending a
/// receipt for each of the sender's messages in turn; 20 readers sending receipts concurrently
/// while the sender measures when it sees them; idle receipts timed one by one.
///
/// Synapse's run does each phase once, which takes tincan a fraction of a second; here each phase
/// runs until it meets [`Sizes::phase`], by repeating Synapse's round of it (the same messages per
/// round, one request in flight per client) where the round needs messages sent first, so that
/// every receipt is of the same kind as Synapse's and only the number of rounds differs.
pub async fn synapse_shape(target: &Target, sizes: &Sizes) -> anyhow::Result<Value> {
    let n = sizes.synapse_clients;
    let names: Vec<String> = (0..n + 2).map(|index| target.user(&format!("ss{index}"))).collect();
    target.import(&names).await?;
    let (sender, sender_events) = target.client(&names[0]).await?;
    // Only the sender follows its pushes, as in Synapse's run, where only the sender syncs.
    let single = target.client(&names[1]).await?.0;
    let mut clients = Vec::with_capacity(n);
    for name in &names[2..] {
        clients.push(target.client(name).await?.0);
    }
    let group_id = make_group(&sender, GroupType::PUBLIC, "synapse-shape", &names[1..]).await?;
    let (log, stop) = PushLog::follow(sender_events);
    let shape = SynapseShape { sender, single, clients, group_id, log };
    let mut results = json!({"server_rss_mb_start": target.sample().rss_kib / 1024});
    results["send_concurrent"] = send_concurrent(target, sizes, &shape).await?;
    let [send_single, receipt_single] = single_rounds(target, sizes, &shape).await?;
    results["send_single"] = send_single;
    results["receipt_single"] = receipt_single;
    let [receipt_concurrent, visibility] = concurrent_rounds(target, sizes, &shape).await?;
    results["receipt_concurrent"] = receipt_concurrent;
    results["visibility_under_load"] = visibility;
    results["visibility_idle"] = idle_rounds(target, sizes, &shape).await?;
    results["receipt_pushes_to_sender"] = json!(shape.log.total.load(Ordering::Relaxed));
    results["server_rss_mb_end"] = json!(target.sample().rss_kib / 1024);
    stop.store(true, Ordering::Relaxed);
    Ok(results)
}

/// Phase 1: every concurrent client sends messages one at a time (none asks for receipts).
async fn send_concurrent(target: &Target, sizes: &Sizes, shape: &SynapseShape) -> anyhow::Result<Value> {
    let start = Mark::now(target);
    let progress = Progress::start(sizes.phase);
    let mut tasks = JoinSet::new();
    for client in &shape.clients {
        let (client, group_id, progress) = (client.clone(), shape.group_id.clone(), progress.clone());
        tasks.spawn(async move {
            let mut stats = Stats::default();
            let mut index = 0;
            while progress.more() {
                let at = Instant::now();
                client
                    .send_message(&group_id, ConvType::GROUP, text(&format!("msg {index}"), false))
                    .await
                    .map_err(|err| anyhow::anyhow!("{err}"))?;
                stats.push(at.elapsed());
                progress.done_one();
                index += 1;
            }
            anyhow::Ok(stats)
        });
    }
    let mut meter = Meter::default();
    while let Some(result) = tasks.join_next().await {
        meter.latencies.extend(result??);
    }
    meter.add(start, Mark::now(target));
    Ok(meter.report())
}

/// The sender sends `count` messages asking for receipts, one by one, and gives their latencies.
async fn send_targets(shape: &SynapseShape, count: usize, label: &str) -> anyhow::Result<(Vec<Message>, Stats)> {
    let mut stats = Stats::default();
    let mut targets = Vec::with_capacity(count);
    for index in 0..count {
        let at = Instant::now();
        let sent = shape
            .sender
            .send_message(&shape.group_id, ConvType::GROUP, text(&format!("{label} {index}"), true))
            .await
            .map_err(|err| anyhow::anyhow!("{err}"))?;
        stats.push(at.elapsed());
        targets.push(Message { message_conv_id: shape.group_id.clone(), message_conv_type: ConvType::GROUP, ..sent });
    }
    Ok((targets, stats))
}

/// Phases 2 and 3, in rounds: the sender sends [`Sizes::synapse_messages`] one by one (timed as
/// phase 2), then one reader sends a receipt for each in turn (timed as phase 3); rounds go on
/// until both phases meet [`Sizes::phase`].
async fn single_rounds(target: &Target, sizes: &Sizes, shape: &SynapseShape) -> anyhow::Result<[Value; 2]> {
    let mut sends = Meter::default();
    let mut reads = Meter::default();
    let mut last = Vec::new();
    while !(sends.met(sizes.phase) && reads.met(sizes.phase)) {
        let start = Mark::now(target);
        let (targets, stats) = send_targets(shape, sizes.synapse_messages, "target").await?;
        sends.add(start, Mark::now(target));
        sends.latencies.extend(stats);
        let start = Mark::now(target);
        for message in &targets {
            let at = Instant::now();
            shape.single.send_receipts(std::slice::from_ref(message)).await.map_err(|err| anyhow::anyhow!("{err}"))?;
            reads.latencies.push(at.elapsed());
        }
        reads.add(start, Mark::now(target));
        last = targets;
    }
    // The last round's pushes land before the next phase starts, as Synapse's run waits for them.
    let posted: Posts = last.iter().map(|message| (message.message_msg_id.clone(), vec![Instant::now()])).collect();
    shape.log.settle(&posted, 0, Duration::from_secs(10)).await;
    Ok([sends.report(), reads.report()])
}

/// Phase 4, in rounds: the sender sends [`Sizes::synapse_receipts_per_client`] messages (not
/// timed), then every concurrent client sends a receipt for each of them in order, one at a
/// time, while the sender watches its pushes (timed); rounds go on until the phase meets
/// [`Sizes::phase`]. Gives the receipts' figures and their time to reach the sender.
async fn concurrent_rounds(target: &Target, sizes: &Sizes, shape: &SynapseShape) -> anyhow::Result<[Value; 2]> {
    let mut meter = Meter::default();
    let mut posts = Posts::new();
    while !meter.met(sizes.phase) {
        let (targets, _) = send_targets(shape, sizes.synapse_receipts_per_client, "round").await?;
        let targets = Arc::new(targets);
        let start = Mark::now(target);
        let mut tasks = JoinSet::new();
        for client in &shape.clients {
            let (client, targets) = (client.clone(), targets.clone());
            tasks.spawn(async move {
                let mut stats = Stats::default();
                let mut posted = Vec::with_capacity(targets.len());
                for (index, message) in targets.iter().enumerate() {
                    let at = Instant::now();
                    posted.push((index, at));
                    client
                        .send_receipts(std::slice::from_ref(message))
                        .await
                        .map_err(|err| anyhow::anyhow!("{err}"))?;
                    stats.push(at.elapsed());
                }
                anyhow::Ok((stats, posted))
            });
        }
        let mut round = Vec::new();
        while let Some(result) = tasks.join_next().await {
            let (stats, posted) = result??;
            meter.latencies.extend(stats);
            round.extend(posted);
        }
        meter.add(start, Mark::now(target));
        for (index, at) in round {
            posts.entry(targets[index].message_msg_id.clone()).or_default().push(at);
        }
    }
    shape.log.settle(&posts, 0, Duration::from_secs(15)).await;
    let (visibility, not_seen) = shape.log.visibility(&posts, 0);
    let mut seen = merge(visibility.summary(), json!({"not_seen": not_seen}));
    if not_seen > 0 {
        seen["not_seen_messages"] = json!(shape.log.unseen(&posts, 0, 5));
        seen["sender_overflows"] = json!(shape.log.overflows.load(Ordering::Relaxed));
    }
    Ok([meter.report(), seen])
}

/// Phase 5, in rounds: the sender sends [`Sizes::synapse_idle_samples`] messages, waits half a
/// second, then one reader sends a receipt for each, one at a time, 20 ms apart, each timed until
/// the sender sees it; rounds go on until the samples span [`PhaseBound::duration_min`]
/// (samples are spaced on purpose, so the phase is bounded by time, not by operations).
///
/// [`PhaseBound::duration_min`]: crate::PhaseBound::duration_min
async fn idle_rounds(target: &Target, sizes: &Sizes, shape: &SynapseShape) -> anyhow::Result<Value> {
    let mut meter = Meter::default();
    let mut post = Stats::default();
    let mut not_seen = 0;
    while meter.wall() < sizes.phase.duration_min {
        let (fresh, _) = send_targets(shape, sizes.synapse_idle_samples, "idle").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let start = Mark::now(target);
        for message in &fresh {
            let at = Instant::now();
            shape.single.send_receipts(std::slice::from_ref(message)).await.map_err(|err| anyhow::anyhow!("{err}"))?;
            post.push(at.elapsed());
            match wait_seen(&shape.log, &message.message_msg_id, at + Duration::from_secs(10)).await {
                Some(seen) => meter.latencies.push(seen - at),
                None => not_seen += 1,
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        meter.add(start, Mark::now(target));
    }
    Ok(merge(
        meter.latencies.summary(),
        json!({
            "not_seen": not_seen,
            "post_p50_ms": round3(post.percentile(50.0)),
            "wall_s": round3(meter.wall().as_secs_f64()),
        }),
    ))
}

/// When the sender first saw a push counting one reader of `msg_id`, looking until `deadline`.
async fn wait_seen(log: &PushLog, msg_id: &str, deadline: Instant) -> Option<Instant> {
    while Instant::now() < deadline {
        if let Some(seen) = log.seen(msg_id, 1) {
            return Some(seen);
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    None
}

/// Many readers send receipts for messages of four senders, who watch their receipt pushes:
/// first at a steady rate (50,000/s), for latencies at that load, then as fast as the server
/// takes them, for the most it can do; each phase lasts [`PhaseBound::duration_min`]. Each phase
/// reads its own messages, so every receipt is a reader's first for its message.
///
/// [`PhaseBound::duration_min`]: crate::PhaseBound::duration_min
pub async fn receipt_throughput(target: &Target, sizes: &Sizes) -> anyhow::Result<Value> {
    let readers: Vec<String> = (0..sizes.throughput_readers).map(|index| target.user(&format!("rt{index}"))).collect();
    let senders: Vec<String> = (0..4).map(|index| target.user(&format!("rts{index}"))).collect();
    let owner_name = target.user("rt-owner");
    target.import(&readers).await?;
    target.import(&senders).await?;
    target.import(std::slice::from_ref(&owner_name)).await?;
    let (owner, _owner_events) = target.client(&owner_name).await?;
    let members: Vec<String> = readers.iter().chain(senders.iter()).cloned().collect();
    let group_id = make_group(&owner, GroupType::PUBLIC, "receipt-throughput", &members).await?;
    // Four senders, each with its own messages asking for receipts, each watching its pushes.
    let mut logs = Vec::new();
    let mut stops = Vec::new();
    let mut sender_clients = Vec::new();
    let mut phases: [Vec<Message>; 2] = [Vec::new(), Vec::new()];
    let mut sent_by: Vec<Vec<String>> = Vec::new();
    for name in &senders {
        let (client, events) = target.client(name).await?;
        let mut own = Vec::new();
        for (messages, total) in phases.iter_mut().zip([sizes.throughput_steady_messages, sizes.throughput_messages]) {
            for n in 0..(total / senders.len()).max(1) {
                let sent = client
                    .send_message(&group_id, ConvType::GROUP, text(&format!("read me {n}"), true))
                    .await
                    .map_err(|err| anyhow::anyhow!("{err}"))?;
                own.push(sent.message_msg_id.clone());
                messages.push(Message {
                    message_conv_id: group_id.clone(),
                    message_conv_type: ConvType::GROUP,
                    ..sent
                });
            }
        }
        sent_by.push(own);
        let (log, stop) = PushLog::follow(events);
        logs.push(log);
        stops.push(stop);
        sender_clients.push(client);
    }
    let mut clients = Vec::with_capacity(readers.len());
    for name in &readers {
        clients.push(target.client(name).await?.0);
    }
    let [steady_messages, full_messages] = phases;
    // Each lane of each reader sends once per interval: the steady rate over all lanes.
    let lanes = (clients.len() * sizes.throughput_pipeline) as f64;
    let interval = Duration::from_secs_f64(lanes / sizes.throughput_steady_rate as f64);
    let mut pushes_before = 0;
    let mut reports = Vec::new();
    for (messages, duration, interval) in
        [(steady_messages, sizes.phase.duration_min, Some(interval)), (full_messages, sizes.phase.duration_min, None)]
    {
        let phase = read_phase(target, &clients, messages, sizes.throughput_pipeline, duration, interval).await?;
        let mut visibility = Stats::default();
        let mut missing = 0;
        for (log, own_ids) in logs.iter().zip(&sent_by) {
            let own: HashMap<String, Vec<Instant>> =
                own_ids.iter().filter_map(|msg_id| Some((msg_id.clone(), phase.posts.get(msg_id)?.clone()))).collect();
            log.settle(&own, 0, Duration::from_secs(15)).await;
            let (stats, lost) = log.visibility(&own, 0);
            visibility.extend(stats);
            missing += lost;
        }
        // The phase's last pushes (a window behind its last receipts) and the readers' own
        // notices (paced at a second) are the phase's: they land before the next one starts.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let pushes: u64 = logs.iter().map(|log| log.total.load(Ordering::Relaxed)).sum();
        let receipts = phase.acks.len();
        let mut meter = Meter::default();
        meter.add(phase.start, phase.end);
        let cpu = meter.report();
        reports.push(json!({
            "receipts": receipts,
            "receipts_per_s": round1(receipts as f64 / phase.sending.as_secs_f64().max(1e-9)),
            "ack": phase.acks.summary(),
            "send_late": phase.late.summary(),
            "receipt_to_sender_push": merge(visibility.summary(), json!({"not_seen": missing})),
            "pushes_to_senders": pushes - pushes_before,
            // Milliseconds per receipt are seconds per 1,000 receipts.
            "server_cpu_s_per_1000_receipts": cpu["server_cpu_ms_per_op"],
            "server_cpu_cores": cpu["server_cpu_cores"],
            "load_generator_cpu_s_per_1000_receipts": cpu["load_generator_cpu_ms_per_op"],
            "load_generator_cpu_cores": cpu["load_generator_cpu_cores"],
            "server_rss_mb": phase.end.server_rss_mb(),
            "wall_s": round3(phase.wall.as_secs_f64()),
            "sending_s": round3(phase.sending.as_secs_f64()),
            "ran_out_of_messages": phase.ran_out,
        }));
        pushes_before = pushes;
    }
    for stop in stops {
        stop.store(true, Ordering::Relaxed);
    }
    drop(sender_clients);
    let [steady, full] = <[Value; 2]>::try_from(reports).map_err(|_| anyhow::anyhow!("two phases"))?;
    Ok(merge(
        full,
        json!({
            "readers": readers.len(),
            "in_flight_per_reader": sizes.throughput_pipeline,
            "steady": merge(steady, json!({"target_rate_per_s": sizes.throughput_steady_rate})),
        }),
    ))
}

/// A lane's fixed schedule: one tick per `every`, lanes spread evenly over the interval rather
/// than all at once. A lane that falls behind ticks at once for what it missed, so that a phase
/// timed from each tick (when the request was due, not when it could be sent) shows a server
/// that stalls in its latencies, not as a lower rate.
fn lane_schedule(started: Instant, every: Duration, lane: usize, n_lanes: usize) -> tokio::time::Interval {
    let offset = every.mul_f64(lane as f64 / n_lanes.max(1) as f64);
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::from_std(started) + offset, every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    ticker
}

/// What one reading phase did: acknowledgement latencies, when each message's receipts were
/// posted, and the server's CPU and memory around it.
struct ReadPhase {
    acks: Stats,
    /// On a schedule: how late each lane sent its receipt, from when it was due or, if later,
    /// from when the lane's previous receipt was acknowledged; the load generator's own delay in
    /// the acknowledgement latency (it runs on the same cores), not the server's.
    late: Stats,
    posts: HashMap<String, Vec<Instant>>,
    /// From the start to the last acknowledgement.
    wall: Duration,
    /// The time receipts were being sent: from the start to the deadline, or to the last
    /// acknowledgement if every message was read before it.
    sending: Duration,
    /// Whether every message was read before the deadline, so the phase was shorter than asked.
    ran_out: bool,
    start: Mark,
    end: Mark,
}

/// Every reader sends receipts for `messages` with `pipeline` in flight, until `duration` has
/// passed or it has read them all.
///
/// With `interval`, each lane sends once per interval on a fixed schedule: a lane that falls
/// behind sends its missed receipts at once, and every latency is counted from when its receipt
/// was due, not from when it could be sent, so a server that stalls shows it.
async fn read_phase(
    target: &Target,
    clients: &[Client],
    messages: Vec<Message>,
    pipeline: usize,
    duration: Duration,
    interval: Option<Duration>,
) -> anyhow::Result<ReadPhase> {
    let messages = Arc::new(messages);
    let n_lanes = clients.len() * pipeline;
    let start = Mark::now(target);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = JoinSet::new();
    for (index, client) in clients.iter().enumerate() {
        for lane in 0..pipeline {
            let (client, messages) = (client.clone(), messages.clone());
            let mut ticker = interval.map(|every| lane_schedule(started, every, index * pipeline + lane, n_lanes));
            tasks.spawn(async move {
                let mut stats = Stats::default();
                let mut late = Stats::default();
                let mut acknowledged = Instant::now();
                // (message index, when its receipt was posted), merged after the phase.
                let mut posted: Vec<(usize, Instant)> = Vec::new();
                // Each reader walks the messages from its own offset, so messages fill evenly;
                // its lanes take every `pipeline`th step each, so it reads each message once.
                for step in (lane..messages.len()).step_by(pipeline) {
                    let due = match ticker.as_mut() {
                        Some(ticker) => ticker.tick().await.into_std(),
                        None => Instant::now(),
                    };
                    // A lane that starts late still sends once, so a short phase counts something.
                    if !posted.is_empty() && Instant::now() >= deadline {
                        break;
                    }
                    let at = (index + step) % messages.len();
                    posted.push((at, due));
                    late.push(due.max(acknowledged).elapsed());
                    client
                        .send_receipts(std::slice::from_ref(&messages[at]))
                        .await
                        .map_err(|err| anyhow::anyhow!("{err}"))?;
                    acknowledged = Instant::now();
                    stats.push(acknowledged - due);
                }
                anyhow::Ok((stats, late, posted))
            });
        }
    }
    let mut acks = Stats::default();
    let mut late = Stats::default();
    let mut posts: HashMap<String, Vec<Instant>> = HashMap::new();
    while let Some(result) = tasks.join_next().await {
        let (stats, lane_late, posted) = result??;
        acks.extend(stats);
        late.extend(lane_late);
        for (at, due) in posted {
            posts.entry(messages[at].message_msg_id.clone()).or_default().push(due);
        }
    }
    let wall = started.elapsed();
    let end = Mark::now(target);
    Ok(ReadPhase { acks, late, posts, wall, sending: wall.min(duration), ran_out: wall < duration, start, end })
}

/// One Community group of many members, one message asking for receipts, every member reads it
/// while its sender watches the count grow.
///
/// Members log in a batch at a time, then the batch reads: the "all reads" time adds up the
/// batches' reads only; their logins are timed apart, and each receipt is timed until the sender
/// sees a push whose count includes it.
pub async fn large_group(target: &Target, sizes: &Sizes) -> anyhow::Result<Value> {
    target.configure(json!({"receipt_group_types": ["Work", "Public", "Meeting", "Community"]})).await?;
    // The owner is a member too: the group holds exactly `large_group_members`.
    let members: Vec<String> =
        (0..sizes.large_group_members.saturating_sub(1)).map(|index| target.user(&format!("lg{index}"))).collect();
    let setup = Instant::now();
    target.import(&members).await?;
    let owner_name = target.user("lg-owner");
    target.import(std::slice::from_ref(&owner_name)).await?;
    let (owner, owner_events) = target.client(&owner_name).await?;
    let group_id = make_group(&owner, GroupType::COMMUNITY, "large-group", &members).await?;
    let (log, stop) = PushLog::follow(owner_events);
    let sent = owner
        .send_message(&group_id, ConvType::GROUP, text("everyone, please read", true))
        .await
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    let message = Message { message_conv_id: group_id.clone(), message_conv_type: ConvType::GROUP, ..sent.clone() };
    let setup_s = setup.elapsed().as_secs_f64();
    let batches = read_in_batches(target, &members, &message, sizes.large_group_batch).await?;
    let posts = Posts::from([(sent.message_msg_id.clone(), batches.posted)]);
    log.settle(&posts, 0, Duration::from_secs(30)).await;
    let (to_sender, not_seen) = log.visibility(&posts, 0);
    stop.store(true, Ordering::Relaxed);
    let mut count_latency = Stats::default();
    let counts = owner.get_receipts(std::slice::from_ref(&sent)).await.map_err(|err| anyhow::anyhow!("{err}"))?;
    // Read-count queries and member-list pages.
    for _ in 0..200 {
        let at = Instant::now();
        owner.get_receipts(std::slice::from_ref(&sent)).await.map_err(|err| anyhow::anyhow!("{err}"))?;
        count_latency.push(at.elapsed());
    }
    let mut pages = Stats::default();
    let mut cursor = 0;
    let mut listed = 0;
    loop {
        let at = Instant::now();
        let page = owner
            .get_read_members(&sent, ReadMembersFilter::READ, cursor, 100)
            .await
            .map_err(|err| anyhow::anyhow!("{err}"))?;
        pages.push(at.elapsed());
        listed += page.members.len();
        if page.is_finished {
            break;
        }
        cursor = page.next_seq;
    }
    // Member search as someone typing "lg123" into a search box, a query per keystroke; the
    // first query builds the group's index, so it is reported apart. A server older than member
    // search (an A/B against a build before it) answers 7014, and the search is left out of its
    // figures rather than failing the rest of the scenario.
    let search = |keyword: &str| tincan_proto::api::search_group_members::Request {
        group_search_member_params_groupid_list: vec![tincan_proto::GroupId::parse(&group_id).expect("the group's ID")],
        group_search_member_params_keyword_list: vec![keyword.to_owned()],
        group_search_member_params_field_list: Vec::new(),
    };
    let at = Instant::now();
    let searchable = match owner.call(&search("lg")).await {
        Ok(_) => true,
        Err(err) if err.code == tincan_proto::ErrorCode::INVALID_OPERATION => false,
        Err(err) => return Err(anyhow::anyhow!("{err}")),
    };
    let search_first_ms = searchable.then(|| round3(at.elapsed().as_secs_f64() * 1_000.0));
    let mut searches = Stats::default();
    for _ in 0..if searchable { 20 } else { 0 } {
        for keyword in ["l", "lg", "lg1", "lg12", "lg123"] {
            let at = Instant::now();
            owner.call(&search(keyword)).await.map_err(|err| anyhow::anyhow!("{err}"))?;
            searches.push(at.elapsed());
        }
    }
    let storage = target
        .admin()
        .call("tincan", "get_receipt_storage", &json!({"GroupId": group_id, "MsgSeq": sent.message_seq}))
        .await
        .ok();
    let storage_bytes = storage.as_ref().and_then(|answer| answer.get("Bytes")).and_then(Value::as_u64);
    Ok(json!({
        "members": members.len() + 1,
        "setup_s": round3(setup_s),
        "reads_total_s": round3(batches.reads.wall().as_secs_f64()),
        "reads": batches.reads.report(),
        "logins_total_s": round3(batches.logins.wall().as_secs_f64()),
        "logins": batches.logins.report(),
        "receipt_to_sender": merge(to_sender.summary(), json!({"not_seen": not_seen})),
        "read_count": counts.first().map(|it| it.msg_receipt_read_count),
        "unread_count": counts.first().map(|it| it.msg_receipt_unread_count),
        "receipt_ack": batches.reads.latencies.summary(),
        "read_count_query": count_latency.summary(),
        "member_list_page": pages.summary(),
        "read_list_length": listed,
        "receipt_storage_bytes": storage_bytes,
        "member_search_first_ms": search_first_ms,
        "member_search": searchable.then(|| searches.summary()),
    }))
}

/// What the large group's members did: their logins and their reads, each timed by batch, and
/// when each receipt was posted.
struct Batches {
    logins: Meter,
    reads: Meter,
    posted: Vec<Instant>,
}

/// Logs `members` in `batch` at a time and has each batch read `message` together; the logins
/// and the reads are timed apart.
async fn read_in_batches(
    target: &Target,
    members: &[String],
    message: &Message,
    batch: usize,
) -> anyhow::Result<Batches> {
    let mut batches = Batches { logins: Meter::default(), reads: Meter::default(), posted: Vec::new() };
    for names in members.chunks(batch) {
        let start = Mark::now(target);
        let mut logins = JoinSet::new();
        for (index, name) in names.iter().enumerate() {
            let config = target.config(name, Some(loopback(index)))?;
            logins.spawn(async move {
                let at = Instant::now();
                let client = Client::connect(config).await.map_err(|err| anyhow::anyhow!("{err}"))?.0;
                anyhow::Ok((client, at.elapsed()))
            });
        }
        let mut clients = Vec::with_capacity(names.len());
        while let Some(result) = logins.join_next().await {
            let (client, latency) = result??;
            clients.push(client);
            batches.logins.latencies.push(latency);
        }
        batches.logins.add(start, Mark::now(target));
        let start = Mark::now(target);
        let mut reads = JoinSet::new();
        for client in &clients {
            let (client, message) = (client.clone(), message.clone());
            reads.spawn(async move {
                let at = Instant::now();
                client.send_receipts(std::slice::from_ref(&message)).await.map_err(|err| anyhow::anyhow!("{err}"))?;
                anyhow::Ok((at, at.elapsed()))
            });
        }
        while let Some(result) = reads.join_next().await {
            let (at, latency) = result??;
            batches.posted.push(at);
            batches.reads.latencies.push(latency);
        }
        batches.reads.add(start, Mark::now(target));
        for client in clients {
            client.close().await;
        }
    }
    Ok(batches)
}

/// A loopback source address for the `index`th connection of a batch, spreading connections
/// over 127.0.0.1 to 127.0.0.8 so that ports do not run out.
fn loopback(index: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + (index % 8) as u8))
}

/// Many idle logged-in connections: server memory per connection, and the login rate.
pub async fn connections(target: &Target, sizes: &Sizes) -> anyhow::Result<Value> {
    let names: Vec<String> = (0..sizes.connections).map(|index| target.user(&format!("cn{index}"))).collect();
    target.import(&names).await?;
    let before = target.sample();
    let started = Instant::now();
    let mut clients = Vec::with_capacity(names.len());
    let mut failures = 0;
    for (batch_index, batch) in names.chunks(500).enumerate() {
        let mut logins = JoinSet::new();
        for (index, name) in batch.iter().enumerate() {
            let mut config = target.config(name, Some(loopback(batch_index * 500 + index)))?;
            // A server out of descriptors leaves connections unaccepted: give up on them soon.
            config.request_timeout = Duration::from_secs(20);
            logins.spawn(async move { Client::connect(config).await });
        }
        let mut batch_failures = 0;
        while let Some(result) = logins.join_next().await {
            match result? {
                Ok((client, events)) => clients.push((client, events)),
                Err(_) => batch_failures += 1,
            }
        }
        failures += batch_failures;
        // A batch that mostly failed means a limit was reached (descriptors on either side):
        // report what is held rather than wait on more refusals.
        if batch_failures * 2 > batch.len() {
            break;
        }
    }
    let login_wall = started.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = target.sample();
    let held = clients.len();
    let per_connection_kib =
        if held == 0 { 0.0 } else { (after.rss_kib.saturating_sub(before.rss_kib)) as f64 / held as f64 };
    for (client, _) in &clients {
        client.close().await;
    }
    Ok(json!({
        "connections": held,
        "failed": failures,
        "logins_per_s": round1(held as f64 / login_wall.as_secs_f64()),
        "server_rss_mb_before": before.rss_kib / 1024,
        "server_rss_mb_after": after.rss_kib / 1024,
        "server_rss_kib_per_connection": round1(per_connection_kib),
    }))
}

/// When each message (by `message_unique_id`) reached each receiving device.
type Deliveries = Arc<Mutex<HashMap<u64, Vec<Instant>>>>;

/// Records when each message pushed to `events` arrives, until `stop` is set. Pushes already
/// waiting are recorded together, under one lock, so that recording keeps up with the pushes.
fn record_arrivals(mut events: Events, arrivals: Deliveries, stop: Arc<AtomicBool>) {
    tokio::spawn(async move {
        let mut seen = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let Some(first) = events.next_within(Duration::from_millis(200)).await else { continue };
            let mut next = Some(first);
            while let Some(event) = next.take() {
                if let Event::Message(push) = event {
                    seen.push((push.message.message_unique_id, Instant::now()));
                }
                next = events.try_next();
            }
            let mut arrivals = arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (id, at) in seen.drain(..) {
                arrivals.entry(id).or_default().push(at);
            }
        }
    });
}

/// One client sending into one conversation.
#[derive(Clone)]
struct Route {
    client: Client,
    conv_id: String,
    conv_type: ConvType,
}

/// What one sending phase did.
struct Sent {
    meter: Meter,
    sent_at: HashMap<u64, Instant>,
}

/// Sends along every route with `pipeline` requests in flight each until the phase meets
/// `sizes.phase`; with `interval`, each route sends at most one message per interval.
async fn drive(
    target: &Target,
    sizes: &Sizes,
    routes: &[Route],
    pipeline: usize,
    interval: Option<Duration>,
) -> anyhow::Result<Sent> {
    let sent_at: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let start = Mark::now(target);
    let progress = Progress::start(sizes.phase);
    let started = progress.started();
    let mut tasks = JoinSet::new();
    let n_routes = routes.len();
    for (index, route) in routes.iter().enumerate() {
        for lane in 0..pipeline {
            let (route, sent_at, progress) = (route.clone(), sent_at.clone(), progress.clone());
            tasks.spawn(async move {
                let mut acks = Stats::default();
                let mut ticker =
                    interval.map(|every| lane_schedule(started, every, index * pipeline + lane, n_routes * pipeline));
                let mut n = 0u64;
                loop {
                    let at = match ticker.as_mut() {
                        Some(ticker) => ticker.tick().await.into_std(),
                        None => Instant::now(),
                    };
                    if !progress.more() {
                        break;
                    }
                    let message = text(&format!("route {index} lane {lane} message {n}"), false);
                    let sent = route
                        .client
                        .send_message(&route.conv_id, route.conv_type, message)
                        .await
                        .map_err(|err| anyhow::anyhow!("{err}"))?;
                    acks.push(at.elapsed());
                    sent_at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(sent.message_unique_id, at);
                    progress.done_one();
                    n += 1;
                }
                anyhow::Ok(acks)
            });
        }
    }
    let mut meter = Meter::default();
    while let Some(result) = tasks.join_next().await {
        meter.latencies.extend(result??);
    }
    meter.add(start, Mark::now(target));
    let sent_at = sent_at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    Ok(Sent { meter, sent_at })
}

/// Waits (up to 20 s) until every message sent reached `expected` devices; summarizes the
/// delivery latencies and counts what never arrived.
async fn delivery_of(sent: &Sent, arrivals: &Deliveries, expected: usize) -> Value {
    let settle_until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < settle_until {
        let complete = {
            let arrivals = arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            sent.sent_at.keys().all(|msg_id| arrivals.get(msg_id).is_some_and(|times| times.len() >= expected))
        };
        if complete {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let arrivals = arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut delivery = Stats::default();
    let mut missing = 0;
    for (msg_id, at) in &sent.sent_at {
        let times = arrivals.get(msg_id).map(Vec::as_slice).unwrap_or_default();
        missing += expected.saturating_sub(times.len());
        for arrived in times {
            delivery.push(arrived.saturating_duration_since(*at));
        }
    }
    merge(delivery.summary(), json!({"missing": missing}))
}

/// The figures of one sending phase.
fn phase_report(sent: &Sent, delivery: Value) -> Value {
    let usage = sent.meter.report();
    json!({
        "messages": sent.meter.latencies.len(),
        "messages_per_s": usage["rate_per_s"],
        "wall_s": usage["wall_s"],
        "ack": sent.meter.latencies.summary(),
        "delivery": delivery,
        "server_cpu_s": usage["server_cpu_s"],
        // Milliseconds per message are seconds per 1,000 messages.
        "server_cpu_s_per_1000_messages": usage["server_cpu_ms_per_op"],
        "server_cpu_cores": usage["server_cpu_cores"],
        "load_generator_cpu_s": usage["load_generator_cpu_s"],
        "load_generator_cpu_s_per_1000_messages": usage["load_generator_cpu_ms_per_op"],
        "load_generator_cpu_cores": usage["load_generator_cpu_cores"],
    })
}

/// Group messages per second accepted durably into a group whose members are all online, each
/// delivered to every other member; the same group at a steady rate the clients keep up with,
/// for delivery latency; and C2C messages per second between pairs of users.
pub async fn messaging(target: &Target, sizes: &Sizes) -> anyhow::Result<Value> {
    let arrivals: Deliveries = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));

    // The group: every member online, every member sending.
    let names: Vec<String> = (0..sizes.messaging_members).map(|index| target.user(&format!("ms{index}"))).collect();
    target.import(&names).await?;
    let (owner, owner_events) = target.client(&names[0]).await?;
    let group_id = make_group(&owner, GroupType::PUBLIC, "messaging", &names[1..]).await?;
    record_arrivals(owner_events, arrivals.clone(), stop.clone());
    let mut group_routes = vec![Route { client: owner, conv_id: group_id.clone(), conv_type: ConvType::GROUP }];
    for name in &names[1..] {
        let (client, events) = target.client(name).await?;
        record_arrivals(events, arrivals.clone(), stop.clone());
        group_routes.push(Route { client, conv_id: group_id.clone(), conv_type: ConvType::GROUP });
    }
    let receivers = group_routes.len() - 1;
    let sent = drive(target, sizes, &group_routes, sizes.messaging_pipeline, None).await?;
    let delivery = delivery_of(&sent, &arrivals, receivers).await;
    let group = phase_report(&sent, delivery);

    // The same group at a steady rate, so that delivery latency is the server's, not a backlog's.
    let every = Duration::from_secs_f64(group_routes.len() as f64 / sizes.messaging_steady_rate as f64);
    let sent = drive(target, sizes, &group_routes, 1, Some(every)).await?;
    let delivery = delivery_of(&sent, &arrivals, receivers).await;
    let steady = merge(phase_report(&sent, delivery), json!({"target_rate_per_s": sizes.messaging_steady_rate}));

    // C2C: pairs of users, each sending to its peer.
    let pair_names: Vec<String> =
        (0..sizes.messaging_pairs * 2).map(|index| target.user(&format!("mc{index}"))).collect();
    target.import(&pair_names).await?;
    let mut clients = Vec::with_capacity(pair_names.len());
    for name in &pair_names {
        let (client, events) = target.client(name).await?;
        record_arrivals(events, arrivals.clone(), stop.clone());
        clients.push(client);
    }
    let c2c_routes: Vec<Route> = clients
        .iter()
        .enumerate()
        .map(|(index, client)| Route {
            client: client.clone(),
            conv_id: pair_names[index ^ 1].clone(),
            conv_type: ConvType::C2C,
        })
        .collect();
    let sent = drive(target, sizes, &c2c_routes, sizes.messaging_pipeline, None).await?;
    let delivery = delivery_of(&sent, &arrivals, 1).await;
    let c2c = merge(phase_report(&sent, delivery), json!({"pairs": sizes.messaging_pairs}));
    stop.store(true, Ordering::Relaxed);
    Ok(json!({
        "members_online": group_routes.len(),
        "group": group,
        "group_steady": steady,
        "c2c": c2c,
        "server_rss_mb": target.sample().rss_kib / 1024,
    }))
}
