//! A node's NATS link: forwarding an operation to the node that owns its shard (request/reply
//! on `tincan.<cluster>.node.<id>.call`), answering the operations forwarded to this node, and
//! the membership announcements (`tincan.<cluster>.nodes`) that make the other nodes' keepers
//! look at the live nodes at once rather than at their next tick.
//!
//! Every subject a node listens on begins with its cluster's ID (made once with the cluster's
//! tables in the store), so that clusters sharing one NATS server never take each other's
//! requests, whatever their nodes are called. Subjects made for one request or one tunnel
//! (`tincan.tunnel.<id>…`, `tincan.pieces.<id>`) are named by an ID that a node draws at random
//! each run, and stay as they were.
//!
//! A forwarded operation carries what the owner needs to decide it as if the caller were
//! connected there: the app, the caller (already authenticated by the node the client is
//! connected to), the operation's wire name, the shard it was routed by, and its parameters as
//! the client sent them. The owner answers with the response's data, an error (TIM's code and a
//! `desc`), or [`Answer::Moved`] when it does not hold the shard (any more), in which case
//! [`forward`] looks the owner up again and sends the call there, until the deadline.

use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// How long [`forward`] waits before asking again for a shard's owner, when there is none yet or
/// the one it asked answered [`Answer::Moved`].
pub const RETRY_PAUSE: Duration = Duration::from_millis(50);

/// How long [`Link::serve`] and [`Link::announcements`] wait for the NATS server to confirm
/// their subscription.
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(5);

/// How often a link pings the NATS server.
pub const PING_INTERVAL: Duration = Duration::from_secs(1);

/// The longest pause between a link's attempts to reconnect to the NATS server.
pub const RECONNECT_DELAY_MAX: Duration = Duration::from_secs(1);

/// Whether the link is connected to the NATS server now.
pub fn is_connected(link: &Link) -> bool {
    link.client.connection_state() == async_nats::connection::State::Connected
}

/// The prefix of the subjects node `node` of cluster `cluster` listens on:
/// `tincan.<cluster>.node.<node>`. It is the address a node records in the cluster's table.
pub fn node_prefix(cluster: &str, node: &str) -> String {
    format!("tincan.{cluster}.node.{node}")
}

/// The prefix of node `node`'s subjects as nodes older than cluster IDs name them
/// (`tincan.node.<node>`): a node serves its tunnels and HTTP there too, so that older nodes of
/// its cluster reach it during a rolling upgrade.
pub fn legacy_node_prefix(node: &str) -> String {
    format!("tincan.node.{node}")
}

/// The prefix of a node's subjects, from the address it recorded in the cluster's table: the
/// prefix itself, or for a node older than cluster IDs its tunnel subject
/// (`tincan.node.<node>.tunnel`). `None` for an address neither could have written.
pub fn prefix_of_address(address: &str) -> Option<&str> {
    let prefix = address.strip_suffix(".tunnel").unwrap_or(address);
    let tokens: Vec<&str> = prefix.split('.').collect();
    let well_formed = match tokens.as_slice() {
        ["tincan", cluster, "node", node] => is_cluster_id(cluster) && is_node_id(node),
        ["tincan", "node", node] => is_node_id(node),
        _ => false,
    };
    well_formed.then_some(prefix)
}

/// Whether `address` is one a node older than cluster IDs recorded (its tunnel subject,
/// `tincan.node.<node>.tunnel`).
pub fn is_legacy_address(address: &str) -> bool {
    prefix_of_address(address).is_some_and(|prefix| prefix.starts_with("tincan.node."))
}

/// The subject cluster `cluster`'s membership announcements are published on.
pub fn membership_subject(cluster: &str) -> String {
    format!("tincan.{cluster}.nodes")
}

/// The subject the node whose subjects begin with `prefix` answers forwarded operations on.
pub fn call_subject(prefix: &str) -> String {
    format!("{prefix}.call")
}

/// Whether `cluster` may name a cluster: 1 to 64 ASCII letters, digits, `-` and `_`, and none of
/// the words that follow `tincan.` in the subjects that name no cluster.
pub fn is_cluster_id(cluster: &str) -> bool {
    is_subject_token(cluster, 64) && !["node", "tunnel", "pieces", "cluster"].contains(&cluster)
}

/// Whether `node` may name a node: 1 to 64 ASCII letters, digits, `-` and `_` (it is a token of
/// NATS subjects).
pub fn is_node_id(node: &str) -> bool {
    is_subject_token(node, 64)
}

/// Whether `text` is 1 to `max` ASCII letters, digits, `-` and `_`: one token of a NATS subject
/// that needs no escaping.
pub(crate) fn is_subject_token(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len())
        && text.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// An operation forwarded to the owner of its shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// The app.
    pub sdkappid: u64,
    /// The caller, authenticated by the node it is connected to.
    pub caller: String,
    /// The operation's wire name.
    pub op: String,
    /// The shard the call was routed by.
    pub shard: u32,
    /// The operation's parameters, as the client sent them.
    pub params: serde_json::Value,
}

/// What the owner answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The operation's response data.
    Done(serde_json::Value),
    /// The operation failed: TIM's code and what was wrong.
    Failed {
        /// The error code.
        code: i32,
        /// What was wrong.
        desc: String,
    },
    /// This node does not hold the call's shard.
    Moved,
}

/// A membership change, as announced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// The node.
    pub node: String,
    /// Whether it joined (or left, in order).
    pub joined: bool,
}

/// Why a forwarded call got no answer.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    /// No answer came before the deadline (no owner, an owner that did not answer, or owners that
    /// kept answering that the shard moved).
    #[error("no node answered for shard {shard} in time")]
    TimedOut {
        /// The shard.
        shard: u32,
    },
    /// NATS failed, or a node answered with something that is not an answer.
    #[error("forwarding over NATS: {0}")]
    Transport(String),
}

/// A node's connection to NATS.
#[derive(Clone)]
pub struct Link {
    client: async_nats::Client,
    cluster: String,
    node: String,
}

impl Link {
    /// Connects node `node` of cluster `cluster` to the NATS server at `url`.
    pub async fn connect(url: &str, cluster: &str, node: &str) -> Result<Link, ForwardError> {
        if !is_node_id(node) {
            return Err(ForwardError::Transport(format!(
                "{node:?} is not a node ID: 1 to 64 ASCII letters, digits, '-' and '_'"
            )));
        }
        if !is_cluster_id(cluster) {
            return Err(ForwardError::Transport(format!(
                "{cluster:?} is not a cluster ID: 1 to 64 ASCII letters, digits, '-' and '_'"
            )));
        }
        let client = async_nats::ConnectOptions::new()
            .name(format!("tincan node {node}"))
            // A connection that stopped carrying anything (a partition holds bytes rather than
            // refusing them) is noticed within about three of these, and the node stands aside.
            .ping_interval(PING_INTERVAL)
            .reconnect_delay_callback(|attempts| {
                RECONNECT_DELAY_MAX.min(Duration::from_millis(50).saturating_mul(1 << attempts.min(8)))
            })
            .connect(url)
            .await
            .map_err(|err| ForwardError::Transport(format!("connecting to {url}: {err}")))?;
        Ok(Link { client, cluster: cluster.to_owned(), node: node.to_owned() })
    }

    /// This node's ID.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The cluster's ID.
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// The prefix of this node's subjects.
    pub fn prefix(&self) -> String {
        node_prefix(&self.cluster, &self.node)
    }

    /// The NATS connection, for what travels beside forwarded calls (tunnels).
    pub fn nats(&self) -> &async_nats::Client {
        &self.client
    }

    /// Returns once the NATS server has taken every subscription this link made before. A
    /// flush only writes them to the socket: a message another connection publishes a moment
    /// later can reach the server first and miss them. The server reads one connection's
    /// commands in order, so a message this link sends to a probe subject of its own comes back
    /// only after the server has taken what was sent before it.
    pub async fn settle(&self) -> Result<(), ForwardError> {
        static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let probe = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let subject = format!("{}.probe.{probe}", self.prefix());
        let transport = |what: &str, err: &dyn std::fmt::Display| ForwardError::Transport(format!("{what}: {err}"));
        let mut echo =
            self.client.subscribe(subject.clone()).await.map_err(|err| transport("subscribing to a probe", &err))?;
        self.client
            .publish(subject, Vec::<u8>::new().into())
            .await
            .map_err(|err| transport("publishing a probe", &err))?;
        self.client.flush().await.map_err(|err| transport("flushing", &err))?;
        match tokio::time::timeout(SETTLE_TIMEOUT, echo.next()).await {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(ForwardError::Transport("the NATS connection closed while subscribing".to_owned())),
            Err(_) => Err(ForwardError::Transport(format!(
                "the NATS server did not confirm a subscription within {} s",
                SETTLE_TIMEOUT.as_secs()
            ))),
        }
    }

    /// Answers the calls forwarded to this node with `handler`, each in a task of its own, until
    /// the link is dropped; returns once the subscription is in place.
    pub async fn serve<H, F>(&self, handler: H) -> Result<tokio::task::JoinHandle<()>, ForwardError>
    where
        H: Fn(Call) -> F + Send + Sync + 'static,
        F: Future<Output = Answer> + Send + 'static,
    {
        let mut calls = self
            .client
            .subscribe(call_subject(&self.prefix()))
            .await
            .map_err(|err| ForwardError::Transport(format!("subscribing to forwarded calls: {err}")))?;
        self.settle().await?;
        let client = self.client.clone();
        let handler = std::sync::Arc::new(handler);
        Ok(tokio::spawn(async move {
            while let Some(message) = calls.next().await {
                let Some(reply) = message.reply.clone() else { continue };
                let client = client.clone();
                let handler = handler.clone();
                tokio::spawn(async move {
                    let answer = match serde_json::from_slice::<Call>(&message.payload) {
                        Ok(call) => handler(call).await,
                        Err(err) => {
                            Answer::Failed { code: 6017, desc: format!("a forwarded call that does not parse: {err}") }
                        }
                    };
                    let payload = serde_json::to_vec(&answer).unwrap_or_default();
                    if let Err(err) = client.publish(reply, payload.into()).await {
                        tracing::warn!(error = %err, "answering a forwarded call failed");
                    }
                });
            }
        }))
    }

    /// Sends `call` to node `to` of this node's cluster and waits for its answer, for at most
    /// `timeout`.
    pub async fn call(&self, to: &str, call: &Call, timeout: Duration) -> Result<Option<Answer>, ForwardError> {
        let payload = serde_json::to_vec(call).map_err(|err| ForwardError::Transport(err.to_string()))?;
        let request = self.client.request(call_subject(&node_prefix(&self.cluster, to)), payload.into());
        match tokio::time::timeout(timeout, request).await {
            Err(_) => Ok(None),
            Ok(Err(err)) if err.kind() == async_nats::RequestErrorKind::NoResponders => Ok(None),
            Ok(Err(err)) if err.kind() == async_nats::RequestErrorKind::TimedOut => Ok(None),
            Ok(Err(err)) => Err(ForwardError::Transport(err.to_string())),
            Ok(Ok(message)) => serde_json::from_slice(&message.payload)
                .map(Some)
                .map_err(|err| ForwardError::Transport(format!("an answer that does not parse: {err}"))),
        }
    }

    /// Tells the other nodes that this node joined or is leaving.
    pub async fn announce(&self, joined: bool) -> Result<(), ForwardError> {
        let payload = serde_json::to_vec(&Announcement { node: self.node.clone(), joined })
            .map_err(|err| ForwardError::Transport(err.to_string()))?;
        self.client
            .publish(membership_subject(&self.cluster), payload.into())
            .await
            .map_err(|err| ForwardError::Transport(format!("announcing: {err}")))?;
        self.client.flush().await.map_err(|err| ForwardError::Transport(format!("flushing: {err}")))
    }

    /// The other nodes' announcements from now on (this node's own are left out).
    pub async fn announcements(
        &self,
    ) -> Result<impl futures_util::Stream<Item = Announcement> + Send + 'static, ForwardError> {
        let subscription = self
            .client
            .subscribe(membership_subject(&self.cluster))
            .await
            .map_err(|err| ForwardError::Transport(format!("subscribing to announcements: {err}")))?;
        self.settle().await?;
        let own = self.node.clone();
        Ok(subscription.filter_map(move |message| {
            let announcement =
                serde_json::from_slice::<Announcement>(&message.payload).ok().filter(|it| it.node != own);
            std::future::ready(announcement)
        }))
    }
}

/// Sends `call` to the owner of its shard, as `owner_of` names it at each attempt, until a node
/// answers other than [`Answer::Moved`] or `deadline` passes. The owner may be this node's own
/// link: the caller decides locally what this node holds and forwards only the rest.
pub async fn forward(
    link: &Link,
    owner_of: impl Fn(u32) -> Option<String>,
    call: &Call,
    deadline: Instant,
) -> Result<Answer, ForwardError> {
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err(ForwardError::TimedOut { shard: call.shard });
        }
        if let Some(owner) = owner_of(call.shard) {
            match link.call(&owner, call, deadline - now).await? {
                Some(Answer::Moved) | None => {}
                Some(answer) => return Ok(answer),
            }
        }
        tokio::time::sleep(RETRY_PAUSE.min(deadline.saturating_duration_since(Instant::now()))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nodes_address_gives_the_prefix_of_its_subjects() {
        let prefix = node_prefix("0a1b2c3d4e5f6a7b", "n1");
        assert_eq!(prefix, "tincan.0a1b2c3d4e5f6a7b.node.n1");
        assert_eq!(prefix_of_address(&prefix), Some(prefix.as_str()), "a node of this version records its prefix");
        assert_eq!(
            prefix_of_address("tincan.node.n1.tunnel"),
            Some("tincan.node.n1"),
            "a node of the version before cluster IDs recorded its tunnel subject"
        );
        assert_eq!(prefix_of_address("tincan.node.n1"), Some(legacy_node_prefix("n1").as_str()));
        assert!(is_legacy_address("tincan.node.n1.tunnel"));
        assert!(!is_legacy_address(&prefix), "{prefix}");
        assert!(!is_legacy_address("tincan.node.*.tunnel"));
        for odd in [
            "",
            "tincan",
            "tincan.node",
            "tincan.x.node.*",
            "tincan.x.y.node.n1",
            "other.c.node.n1",
            "tincan.c.node.n1.http",
        ] {
            assert_eq!(prefix_of_address(odd), None, "{odd:?}");
        }
        assert_eq!(call_subject(&prefix), "tincan.0a1b2c3d4e5f6a7b.node.n1.call");
        assert_eq!(membership_subject("0a1b2c3d4e5f6a7b"), "tincan.0a1b2c3d4e5f6a7b.nodes");
    }
}
