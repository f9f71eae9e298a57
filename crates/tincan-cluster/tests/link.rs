//! Nodes' NATS links on a real NATS server (the one `TINCAN_TEST_NATS` names, or the one on
//! 127.0.0.1:4222; `scripts/test-nats` finds or starts one): a call forwarded to its shard's
//! owner and answered back, sent again when the shard moved, refused at its deadline, and
//! membership announcements. Without a NATS server these tests fail, saying how to get one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tincan_cluster::link::{Announcement, Answer, Call, ForwardError, Link, forward};
use tokio::time::Instant;

const NATS_VARIABLE: &str = "TINCAN_TEST_NATS";
const NATS_DEFAULT: &str = "nats://127.0.0.1:4222";

/// A node ID no other test run uses, on a NATS server other runs may share.
fn node(name: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_nanos());
    format!("{name}-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// The cluster most of these tests' links are in.
const CLUSTER: &str = "0123456789abcdef";

async fn link(name: &str) -> Link {
    link_in(CLUSTER, &node(name)).await
}

async fn link_in(cluster: &str, node: &str) -> Link {
    let url = std::env::var(NATS_VARIABLE).unwrap_or_else(|_| NATS_DEFAULT.to_owned());
    Link::connect(&url, cluster, node).await.unwrap_or_else(|err| {
        panic!(
            "no NATS server to test against at {url}: {err}. The cluster's tests need one: set {NATS_VARIABLE} \
             to its URL (nats://HOST:PORT), or run scripts/test, which starts a private one (scripts/test-nats \
             installs Debian's nats-server package when missing)"
        )
    })
}

fn call(shard: u32) -> Call {
    Call {
        sdkappid: 1400000000,
        caller: "alice".to_owned(),
        op: "msg_send".to_owned(),
        shard,
        params: serde_json::json!({"conv_id": "bob", "conv_type": 1}),
    }
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(5)
}

#[tokio::test]
async fn a_call_is_decided_by_the_owner_and_answered_back() {
    let (edge, owner) = (link("edge").await, link("owner").await);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = seen.clone();
    let _serving = owner
        .serve(move |call: Call| {
            recorded.lock().unwrap().push(call.clone());
            async move {
                if call.op == "msg_send" {
                    Answer::Done(serde_json::json!({"caller": call.caller, "conv": call.params["conv_id"]}))
                } else {
                    Answer::Failed { code: 6017, desc: format!("no operation {}", call.op) }
                }
            }
        })
        .await
        .unwrap();
    let owner_id = owner.node().to_owned();
    let answer = forward(&edge, |_| Some(owner_id.clone()), &call(9), soon()).await.unwrap();
    assert_eq!(answer, Answer::Done(serde_json::json!({"caller": "alice", "conv": "bob"})));
    assert_eq!(*seen.lock().unwrap(), vec![call(9)], "the owner got the call as sent");
    let unknown = Call { op: "nope".to_owned(), ..call(9) };
    let refused = forward(&edge, |_| Some(owner_id.clone()), &unknown, soon()).await;
    assert_eq!(refused.unwrap(), Answer::Failed { code: 6017, desc: "no operation nope".to_owned() });
}

#[tokio::test]
async fn a_call_to_a_node_that_no_longer_holds_the_shard_goes_to_the_new_owner() {
    let (edge, old, new) = (link("edge").await, link("old").await, link("new").await);
    let moved = Arc::new(AtomicUsize::new(0));
    let counted = moved.clone();
    let _old = old
        .serve(move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Answer::Moved }
        })
        .await
        .unwrap();
    let _new = new.serve(|call: Call| async move { Answer::Done(serde_json::json!(call.shard)) }).await.unwrap();
    // The owner's name changes once the old owner has said the shard moved, as the lease table
    // does once the new owner has taken the lease.
    let (old_id, new_id) = (old.node().to_owned(), new.node().to_owned());
    let asked = moved.clone();
    let owner_of = move |_| Some(if asked.load(Ordering::SeqCst) == 0 { old_id.clone() } else { new_id.clone() });
    assert_eq!(forward(&edge, owner_of, &call(4), soon()).await.unwrap(), Answer::Done(serde_json::json!(4)));
    assert_eq!(moved.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_call_nobody_answers_in_time_is_refused_at_its_deadline() {
    let (edge, slow) = (link("edge").await, link("slow").await);
    let _slow = slow
        .serve(|_| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Answer::Done(serde_json::json!(null))
        })
        .await
        .unwrap();
    let started = Instant::now();
    let slow_id = slow.node().to_owned();
    let result = forward(&edge, |_| Some(slow_id.clone()), &call(1), started + Duration::from_millis(500)).await;
    assert!(matches!(result, Err(ForwardError::TimedOut { shard: 1 })), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "refused at the deadline, not after the slow answer");

    // No node at all, or no owner yet: the same, at the deadline.
    let started = Instant::now();
    let nobody = node("nobody");
    let result = forward(&edge, |_| Some(nobody.clone()), &call(2), started + Duration::from_millis(300)).await;
    assert!(matches!(result, Err(ForwardError::TimedOut { shard: 2 })), "{result:?}");
    let result = forward(&edge, |_| None, &call(3), Instant::now() + Duration::from_millis(300)).await;
    assert!(matches!(result, Err(ForwardError::TimedOut { shard: 3 })), "{result:?}");
}

#[tokio::test]
async fn nodes_hear_each_others_joins_and_leaves_but_not_their_own() {
    let (one, two) = (link("one").await, link("two").await);
    let mut heard = one.announcements().await.unwrap();
    one.announce(true).await.unwrap();
    two.announce(true).await.unwrap();
    two.announce(false).await.unwrap();
    let wait = Duration::from_secs(5);
    let first = tokio::time::timeout(wait, heard.next()).await.expect("an announcement comes").unwrap();
    assert_eq!(first, Announcement { node: two.node().to_owned(), joined: true });
    let second = tokio::time::timeout(wait, heard.next()).await.expect("an announcement comes").unwrap();
    assert_eq!(second, Announcement { node: two.node().to_owned(), joined: false });
}

#[tokio::test]
async fn a_node_id_must_be_a_subject_token() {
    let url = std::env::var(NATS_VARIABLE).unwrap_or_else(|_| NATS_DEFAULT.to_owned());
    for bad in ["", "a.b", "a b", "*", ">", &"x".repeat(65)] {
        let refused = Link::connect(&url, CLUSTER, bad).await.err().expect("refused");
        assert!(refused.to_string().contains("is not a node ID"), "{refused}");
    }
    for bad in ["", "a.b", "*", "node", "tunnel", &"x".repeat(65)] {
        let refused = Link::connect(&url, bad, "a").await.err().expect("refused");
        assert!(refused.to_string().contains("is not a cluster ID"), "{refused}");
    }
}

/// Two clusters on one NATS server whose nodes have the same IDs: each cluster's calls and
/// announcements reach its own nodes only.
#[tokio::test]
async fn clusters_sharing_a_nats_server_keep_apart_whatever_their_nodes_are_called() {
    let (owner, edge) = (node("owner"), node("edge"));
    let clusters = [format!("c{:x}", rand_id()), format!("d{:x}", rand_id())];
    let mut links = Vec::new();
    let mut heard = Vec::new();
    let mut serving = Vec::new();
    for cluster in &clusters {
        let (owning, edging) = (link_in(cluster, &owner).await, link_in(cluster, &edge).await);
        let answer = cluster.clone();
        serving.push(
            owning
                .serve(move |_call: Call| {
                    let answer = answer.clone();
                    async move { Answer::Done(serde_json::json!({"cluster": answer})) }
                })
                .await
                .unwrap(),
        );
        heard.push(edging.announcements().await.unwrap());
        links.push((owning, edging));
    }
    for (cluster, (_, edging)) in clusters.iter().zip(&links) {
        for _ in 0..20 {
            let answer = forward(edging, |_| Some(owner.clone()), &call(1), soon()).await.unwrap();
            assert_eq!(answer, Answer::Done(serde_json::json!({"cluster": cluster})), "the call stays in its cluster");
        }
    }
    links[1].0.announce(true).await.unwrap();
    links[0].0.announce(false).await.unwrap();
    let wait = Duration::from_secs(5);
    let first = tokio::time::timeout(wait, heard[0].next()).await.expect("an announcement comes").unwrap();
    assert_eq!(first, Announcement { node: owner.clone(), joined: false }, "the other cluster's join is not heard");
    let second = tokio::time::timeout(wait, heard[1].next()).await.expect("an announcement comes").unwrap();
    assert_eq!(second, Announcement { node: owner, joined: true });
}

fn rand_id() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_nanos());
    u64::try_from(nanos % u128::from(u64::MAX)).unwrap_or_default() ^ u64::from(std::process::id())
}
