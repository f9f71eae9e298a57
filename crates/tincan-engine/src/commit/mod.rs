//! The one commit step, and the writer behind it.
//!
//! Every change goes the same way: reserve a place on the writer's queue (waiting while it is
//! full, holding no lock), take the conversation's lock, decide, hand the decision's ops to the
//! writer while the lock is still held, release the lock, then wait until the ops are durable
//! and, if they are not, undo what the decision changed in memory. [`Engine::commit`] owns that
//! sequence; an operation supplies only the lock and the decision. So the two ordering rules
//! hold by construction:
//!
//! - a place is reserved before any lock is taken, so that no lock is held while waiting for
//!   the writer;
//! - ops for one conversation reach the writer in the order of their seqs, since each is handed
//!   over under the lock that gave its seq.
//!
//! The writer's queue is reachable from nowhere else (`writer` exposes it to this module only).

pub(crate) mod writer;

use tincan_proto::ApiError;
use tincan_store::WriteOp;

use crate::engine::Engine;
use crate::events::{DeviceId, committed};

/// Who hears of a change once it is durable.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Tell {
    /// No one: the change has no push (an account, an app's settings, the webhook queue).
    Nobody,
    /// The devices of the users its messages and events are for, except the device that made
    /// it, which knows already.
    Devices {
        /// The app.
        sdkappid: u64,
        /// The device that made the change.
        skip: Option<DeviceId>,
    },
}

impl Tell {
    /// The devices of `sdkappid` concerned, all of them.
    pub(crate) fn devices(sdkappid: u64) -> Tell {
        Tell::Devices { sdkappid, skip: None }
    }

    /// The devices of `sdkappid` concerned but `skip`.
    pub(crate) fn devices_but(sdkappid: u64, skip: Option<DeviceId>) -> Tell {
        Tell::Devices { sdkappid, skip }
    }
}

/// What an operation decided under its lock.
pub(crate) enum Decision<T> {
    /// Store these ops, then tell who `tell` says; the operation goes on with `value`.
    Write { ops: Vec<WriteOp>, tell: Tell, value: T },
    /// Nothing to store (nothing changed); the operation goes on with `value`.
    Nothing(T),
}

impl<T> Decision<T> {
    /// Store `ops` and tell `tell`; go on with `value`.
    pub(crate) fn write(ops: Vec<WriteOp>, tell: Tell, value: T) -> Decision<T> {
        Decision::Write { ops, tell, value }
    }
}

/// A decision on its way to the store.
pub(crate) struct Committing<T> {
    value: T,
    pending: Option<writer::Pending>,
}

impl<T> Committing<T> {
    /// What the decision produced, while its ops are being stored.
    pub(crate) fn value(&self) -> &T {
        &self.value
    }

    /// Whether the decision wrote anything.
    pub(crate) fn wrote(&self) -> bool {
        self.pending.is_some()
    }

    /// Waits until the ops are durable; returns the value and the ops with their positions.
    ///
    /// For changes whose memory needs no undo when the write fails: a failed write stops the
    /// writer for good (fail-stop) unless it is a store that cannot write now, whose batch is
    /// held until it can, so such a change is either stored or followed by no other.
    pub(crate) async fn durable(self) -> Result<(T, Vec<WriteOp>), ApiError> {
        let ops = match self.pending {
            Some(pending) => pending.wait().await?,
            None => Vec::new(),
        };
        Ok((self.value, ops))
    }

    /// As [`Committing::durable`], and if the ops were not stored, `undo` takes back what the
    /// decision changed in memory (it takes the lock itself), so that a retry starts afresh.
    pub(crate) async fn durable_or_undo(self, undo: impl FnOnce(&T)) -> Result<(T, Vec<WriteOp>), ApiError> {
        let Some(pending) = self.pending else { return Ok((self.value, Vec::new())) };
        match pending.wait().await {
            Ok(ops) => Ok((self.value, ops)),
            Err(err) => {
                undo(&self.value);
                Err(err)
            }
        }
    }
}

impl Engine {
    /// The commit step: reserves a place on the writer's queue, takes the lock `lock` returns,
    /// lets `decide` decide under it, hands the ops to the writer before the lock is released,
    /// and returns the decision on its way to the store. A decision that refuses (an error)
    /// stores nothing and frees the place.
    pub(crate) async fn commit<G, T>(
        &self,
        lock: impl FnOnce() -> G,
        decide: impl FnOnce(&mut G) -> Result<Decision<T>, ApiError>,
    ) -> Result<Committing<T>, ApiError> {
        let reservation = self.writer().reserve().await?;
        let mut guard = lock();
        let (value, pending) = match decide(&mut guard)? {
            Decision::Nothing(value) => (value, None),
            Decision::Write { ops, tell, value } => {
                let on_commit = match tell {
                    Tell::Nobody => None,
                    Tell::Devices { sdkappid, skip } => Some(committed(sdkappid, skip)),
                };
                (value, Some(reservation.send(ops, on_commit)))
            }
        };
        drop(guard);
        Ok(Committing { value, pending })
    }

    /// Stores `ops` that need no lock (nothing else orders them), telling `tell`, and waits
    /// until they are durable.
    pub(crate) async fn commit_unlocked(&self, ops: Vec<WriteOp>, tell: Tell) -> Result<Vec<WriteOp>, ApiError> {
        let committing = self.commit(|| (), |()| Ok(Decision::write(ops, tell, ()))).await?;
        Ok(committing.durable().await?.1)
    }
}
