//! Shard leases, membership and fenced batches on a real PostgreSQL, down to two processes: a
//! writer paused (SIGSTOP) past its lease, whose writes after it resumes are refused whole.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tincan_core::conv::ConvKey;
use tincan_proto::GroupId;
use tincan_store::conformance::message;
use tincan_store::{Blobs, Fence, Leases, MessageRecord, StoreError, StoreRead, StoreWrite, WriteOp};
use tincan_store_postgres::testing::TestDatabase;
use tincan_store_postgres::{PostgresBlobs, PostgresLeases};

const TTL: Duration = Duration::from_secs(30);

fn group(name: &str) -> ConvKey {
    ConvKey::Group(GroupId::parse(name).unwrap())
}

/// Message `seq` of `conv`, with an ID and a position no other conversation's message has.
fn message_in(conv: &ConvKey, seq: u64, sender: &str) -> MessageRecord {
    let mut record = message(conv, seq, sender);
    let ConvKey::Group(group) = conv else { unreachable!("these tests write to groups") };
    record.msg_id = format!("{}-{}", record.msg_id, group.as_str());
    record.pos = 1000 + seq * 2 + u64::from(group.as_str() == "two");
    record
}

/// The seqs stored in `conv`, counted from 1 while they are there.
fn stored_seqs(reader: &dyn StoreRead, conv: &ConvKey) -> u64 {
    let sdkappid = message(conv, 1, "x").sdkappid;
    let mut seq = 0;
    while reader.message_by_seq(sdkappid, conv, seq + 1).unwrap().is_some() {
        seq += 1;
    }
    seq
}

#[test]
fn a_lease_is_granted_to_one_node_and_its_epoch_grows_with_every_new_grant() {
    let database = TestDatabase::create();
    let leases = PostgresLeases::open(database.url()).unwrap();
    let first = leases.acquire(3, "a", TTL).unwrap().expect("a free shard is granted");
    assert_eq!(first.epoch, 1);
    assert_eq!(leases.acquire(3, "b", TTL).unwrap(), None, "a live lease is not granted to another node");
    assert_eq!(leases.acquire(3, "a", TTL).unwrap(), Some(first.clone()), "the holder renews with the same epoch");
    assert_eq!(leases.renew("a", &[first.fence()], TTL).unwrap(), vec![first.fence()]);
    assert_eq!(leases.renew("b", &[first.fence()], TTL).unwrap(), vec![], "only the holder renews");

    leases.release(&first).unwrap();
    let records = leases.leases().unwrap();
    assert_eq!((records[0].shard, records[0].node.clone(), records[0].epoch, records[0].live), (3, None, 1, false));
    let second = leases.acquire(3, "b", Duration::from_millis(300)).unwrap().expect("a released lease is granted");
    assert_eq!(second.epoch, 2);
    assert_eq!(leases.renew("a", &[first.fence()], TTL).unwrap(), vec![], "a released lease is not renewed");

    std::thread::sleep(Duration::from_millis(500));
    assert!(!leases.leases().unwrap()[0].live, "the lease expired by the database's clock");
    let third = leases.acquire(3, "a", TTL).unwrap().expect("an expired lease is granted");
    assert_eq!(third.epoch, 3);
    assert_eq!(leases.renew("b", &[second.fence()], TTL).unwrap(), vec![], "a lease taken over is not renewed");
    let fourth = leases.acquire(4, "b", TTL).unwrap().unwrap();
    let records = leases.leases().unwrap();
    assert_eq!(
        records.iter().map(|it| (it.shard, it.node.clone(), it.epoch, it.live)).collect::<Vec<_>>(),
        vec![(3, Some("a".to_owned()), 3, true), (4, Some("b".to_owned()), fourth.epoch, true)]
    );
}

#[test]
fn the_same_node_reacquiring_an_expired_lease_gets_a_new_epoch() {
    let database = TestDatabase::create();
    let leases = PostgresLeases::open(database.url()).unwrap();
    let first = leases.acquire(0, "a", Duration::from_millis(200)).unwrap().unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let again = leases.acquire(0, "a", TTL).unwrap().unwrap();
    assert_eq!(again.epoch, first.epoch + 1);
}

/// Every node of a cluster reads the same ID, made once with the cluster's tables; another
/// cluster's database has another.
#[test]
fn a_cluster_has_one_id_of_its_own() {
    let database = TestDatabase::create();
    let id = PostgresLeases::open(database.url()).unwrap().cluster_id().unwrap();
    assert_eq!(id.len(), 16, "{id}");
    assert!(id.bytes().all(|byte| byte.is_ascii_hexdigit()), "{id}");
    let again = PostgresLeases::open(database.url()).unwrap().cluster_id().unwrap();
    assert_eq!(again, id, "opening the store again keeps the ID");
    let other = TestDatabase::create();
    assert_ne!(PostgresLeases::open(other.url()).unwrap().cluster_id().unwrap(), id, "another cluster, another ID");
}

#[test]
fn live_nodes_are_those_whose_heartbeat_has_not_expired() {
    let database = TestDatabase::create();
    let leases = PostgresLeases::open(database.url()).unwrap();
    leases.heartbeat("2", "tincan.node.2", TTL).unwrap();
    leases.heartbeat("1", "tincan.node.1", TTL).unwrap();
    leases.heartbeat("3", "tincan.node.3", Duration::from_millis(200)).unwrap();
    let names =
        |leases: &PostgresLeases| leases.live_nodes().unwrap().into_iter().map(|it| it.node).collect::<Vec<_>>();
    assert_eq!(names(&leases), ["1", "2", "3"]);
    assert_eq!(leases.live_nodes().unwrap()[0].address, "tincan.node.1");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(names(&leases), ["1", "2"], "a silent node drops out");
    leases.leave("2").unwrap();
    assert_eq!(names(&leases), ["1"], "a node leaving in order drops out at once");
    leases.heartbeat("3", "tincan.node.3", TTL).unwrap();
    assert_eq!(names(&leases), ["1", "3"], "a node that comes back is live again");
}

#[test]
fn a_batch_is_stored_only_while_every_fence_it_carries_holds() {
    let database = TestDatabase::create();
    let leases = PostgresLeases::open(database.url()).unwrap();
    let (reader, mut writer) = tincan_store_postgres::open(database.url()).unwrap();
    let (one, two) = (group("one"), group("two"));
    let lease_one = leases.acquire(1, "a", TTL).unwrap().unwrap();
    let lease_two = leases.acquire(2, "a", TTL).unwrap().unwrap();

    let both = [lease_one.fence(), lease_two.fence()];
    writer
        .apply_fenced(
            &both,
            &[
                WriteOp::AppendMessage(message_in(&one, 1, "alice")),
                WriteOp::AppendMessage(message_in(&two, 1, "alice")),
            ],
            10,
        )
        .expect("a batch whose fences hold is stored");
    assert_eq!((stored_seqs(&reader, &one), stored_seqs(&reader, &two)), (1, 1));

    // Shard 2 changes hands; a batch carrying its old epoch is refused whole, even the part
    // fenced by shard 1, which this node still holds.
    leases.release(&lease_two).unwrap();
    let taken = leases.acquire(2, "b", TTL).unwrap().unwrap();
    let refused = writer
        .apply_fenced(
            &both,
            &[
                WriteOp::AppendMessage(message_in(&one, 2, "alice")),
                WriteOp::AppendMessage(message_in(&two, 2, "alice")),
            ],
            11,
        )
        .expect_err("a stale epoch refuses the batch");
    assert!(matches!(refused, StoreError::Fenced { shard: 2, epoch } if epoch == lease_two.epoch), "{refused:?}");
    assert!(!refused.is_unavailable(), "a fenced batch is not worth trying again");
    assert_eq!((stored_seqs(&reader, &one), stored_seqs(&reader, &two)), (1, 1), "nothing of it was stored");
    assert_eq!(reader.load(0).unwrap().head_pos, 10, "not even its head position");

    // The same writer goes on with what it still holds, and the new owner writes.
    writer.apply_fenced(&[lease_one.fence()], &[WriteOp::AppendMessage(message_in(&one, 2, "alice"))], 12).unwrap();
    let (_reader_b, mut writer_b) = tincan_store_postgres::open(database.url()).unwrap();
    writer_b.apply_fenced(&[taken.fence()], &[WriteOp::AppendMessage(message_in(&two, 2, "bob"))], 13).unwrap();
    assert_eq!((stored_seqs(&reader, &one), stored_seqs(&reader, &two)), (2, 2));
    let fence_never_granted = Fence { shard: 9, epoch: 1 };
    let refused = writer.apply_fenced(&[fence_never_granted], &[WriteOp::AppendMessage(message_in(&one, 3, "a"))], 14);
    assert!(matches!(refused, Err(StoreError::Fenced { shard: 9, epoch: 1 })), "{refused:?}");
    assert_eq!(stored_seqs(&reader, &one), 2);
}

#[test]
fn a_store_without_leases_refuses_fenced_batches() {
    let directory = tempfile::tempdir().unwrap();
    let store = tincan_store_sqlite::open_in(directory.path()).unwrap();
    let mut writer = store.writer;
    let conv = group("one");
    let refused =
        writer.apply_fenced(&[Fence { shard: 1, epoch: 1 }], &[WriteOp::AppendMessage(message(&conv, 1, "a"))], 1);
    assert!(refused.is_err());
    assert_eq!(stored_seqs(&*store.reader, &conv), 0);
    writer.apply_fenced(&[], &[WriteOp::AppendMessage(message(&conv, 1, "a"))], 1).unwrap();
    assert_eq!(stored_seqs(&*store.reader, &conv), 1);
}

/// The variable that makes this test binary the paused writer of the test below.
const CHILD: &str = "TINCAN_FENCING_CHILD_STORE";
const CHILD_TTL: Duration = Duration::from_secs(1);
const SHARD: u32 = 7;

#[test]
fn a_writer_paused_past_its_lease_cannot_commit_over_the_new_owner() {
    if let Ok(url) = std::env::var(CHILD) {
        paused_writer(&url);
        return;
    }
    let database = TestDatabase::create();
    let leases = PostgresLeases::open(database.url()).unwrap();
    let (reader, mut writer) = tincan_store_postgres::open(database.url()).unwrap();
    let (one, two) = (group("one"), group("two"));

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "a_writer_paused_past_its_lease_cannot_commit_over_the_new_owner", "--nocapture"])
        .env(CHILD, database.url())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let (lines_in, lines) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_in.send(line);
        }
    });
    let next = |what: &str| -> String {
        loop {
            let line =
                lines.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("the writer never said {what}"));
            if line.starts_with(what) {
                return line;
            }
        }
    };
    let mut acknowledged = 0u64;
    for line in std::iter::from_fn(|| Some(next("stored "))) {
        acknowledged = line["stored ".len()..].parse().unwrap();
        if acknowledged >= 20 {
            break;
        }
    }

    // Paused in the middle of its stream of batches (perhaps inside one), past its lease.
    assert!(Command::new("kill").args(["-STOP", &pid]).status().unwrap().success());
    let paused_at = Instant::now();
    let taken = loop {
        if let Some(lease) = leases.acquire(SHARD, "b", TTL).unwrap() {
            break lease;
        }
        assert!(paused_at.elapsed() < Duration::from_secs(15), "the paused writer's lease never expired");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(taken.epoch, 2);
    // What the old owner stored is all there is of it: both halves of every batch, and every
    // batch it was told was stored.
    while let Ok(line) = lines.try_recv() {
        if let Some(seq) = line.strip_prefix("stored ") {
            acknowledged = seq.parse().unwrap();
        }
    }
    let before = stored_seqs(&reader, &one);
    assert_eq!(stored_seqs(&reader, &two), before, "a batch was half-written");
    assert!(before >= acknowledged, "an acknowledged batch is missing: {before} < {acknowledged}");
    writer
        .apply_fenced(&[taken.fence()], &[WriteOp::AppendMessage(message_in(&one, before + 1, "bob"))], 1_000_000)
        .expect("the new owner writes");

    assert!(Command::new("kill").args(["-CONT", &pid]).status().unwrap().success());
    let refused = next("fenced ");
    assert_eq!(refused, format!("fenced {} at epoch 1", before + 1), "the resumed writer's next batch is refused");
    assert!(child.wait().unwrap().success());
    assert_eq!(stored_seqs(&reader, &one), before + 1, "only the new owner's message follows");
    assert_eq!(stored_seqs(&reader, &two), before, "the resumed writer stored nothing more");
    let last = reader.message_by_seq(message(&one, 1, "x").sdkappid, &one, before + 1).unwrap().unwrap();
    assert_eq!(last.sender.as_str(), "bob");
}

/// The paused writer: takes shard 7's lease and writes batches fenced by it, each a message in
/// two conversations, saying `stored N` after each; retries a batch the store could not take
/// (as the engine does); stops at the first fenced batch, saying `fenced N at epoch E`. It
/// renews its lease between batches, but never looks at the answer before writing: a slow node
/// learns of its loss late, and only the fence stands between it and the new owner.
fn paused_writer(url: &str) {
    let leases = PostgresLeases::open(url).unwrap();
    let (_reader, mut writer) = tincan_store_postgres::open(url).unwrap();
    let (one, two) = (group("one"), group("two"));
    let lease = leases.acquire(SHARD, "a", CHILD_TTL).unwrap().expect("the shard is free");
    let mut renewed = Instant::now();
    let mut seq = 1;
    loop {
        let ops = [
            WriteOp::AppendMessage(message_in(&one, seq, "alice")),
            WriteOp::AppendMessage(message_in(&two, seq, "alice")),
        ];
        match writer.apply_fenced(&[lease.fence()], &ops, seq) {
            Ok(()) => {
                println!("stored {seq}");
                seq += 1;
            }
            Err(StoreError::Fenced { epoch, .. }) => {
                println!("fenced {seq} at epoch {epoch}");
                return;
            }
            Err(err) if err.is_unavailable() => std::thread::sleep(Duration::from_millis(50)),
            Err(err) => panic!("{err}"),
        }
        if renewed.elapsed() > CHILD_TTL / 4 {
            let _ = leases.renew("a", &[lease.fence()], CHILD_TTL);
            renewed = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Named bytes put by one node are read by another, replaced whole, and listed by name.
#[test]
fn blobs_put_by_one_node_are_read_by_another() {
    let database = TestDatabase::create();
    let one = PostgresBlobs::open(database.url()).unwrap();
    let other = PostgresBlobs::open(database.url()).unwrap();
    let large: Vec<u8> = (0..3_000_000u32).map(|n| (n % 251) as u8).collect();
    one.put(1400000001, "a", "orig", large.clone()).unwrap();
    one.put(1400000001, "a", "json", b"{\"first\":1}".to_vec()).unwrap();
    one.put(1400000001, "a", "json", b"{\"kind\":4}".to_vec()).unwrap();
    one.put(1400000002, "b", "json", b"{}".to_vec()).unwrap();
    assert!(other.get(1400000001, "a", "orig").unwrap() == Some(large), "read whole by another node");
    assert_eq!(other.get(1400000001, "a", "thumb").unwrap(), None);
    assert_eq!(other.get(1400000002, "a", "orig").unwrap(), None, "another app's item is another item");
    assert_eq!(
        other.list("json").unwrap(),
        vec![(1400000001, "a".to_owned(), b"{\"kind\":4}".to_vec()), (1400000002, "b".to_owned(), b"{}".to_vec())]
    );
}

/// Many calls at once, more than a node's connections for them: each waits for a connection
/// and every one completes with its own bytes.
#[test]
fn blobs_taken_by_many_callers_at_once_all_complete() {
    let database = TestDatabase::create();
    let blobs = std::sync::Arc::new(PostgresBlobs::open(database.url()).unwrap());
    let callers: Vec<_> = (0..12u8)
        .map(|n| {
            let blobs = blobs.clone();
            std::thread::spawn(move || {
                let bytes = vec![n; 1 << 20];
                blobs.put(1400000001, &format!("item-{n}"), "orig", bytes.clone()).unwrap();
                assert!(blobs.get(1400000001, &format!("item-{n}"), "orig").unwrap() == Some(bytes), "item {n}");
            })
        })
        .collect();
    for caller in callers {
        caller.join().unwrap();
    }
    assert_eq!(blobs.list("orig").unwrap().len(), 12);
}
