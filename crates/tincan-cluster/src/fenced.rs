//! A store writer whose every batch carries the fence of the lease its node serves under, so
//! that a node that lost the lease (paused, cut off, slow) can never commit over the next owner.

use std::sync::Arc;

use tincan_store::{Fence, StoreError, StoreResult, StoreWrite, WriteOp};

/// Writes through `inner` under `fence`, and refuses without trying once `still_held` says the
/// lease is no longer this term's (the store would refuse it in any case).
pub struct FencedWrite {
    inner: Box<dyn StoreWrite>,
    fence: Fence,
    still_held: Arc<dyn Fn(Fence) -> bool + Send + Sync>,
}

impl FencedWrite {
    /// A writer for one term of ownership, the lease's `fence` fixed for the whole term.
    pub fn new(
        inner: Box<dyn StoreWrite>,
        fence: Fence,
        still_held: Arc<dyn Fn(Fence) -> bool + Send + Sync>,
    ) -> FencedWrite {
        FencedWrite { inner, fence, still_held }
    }
}

impl StoreWrite for FencedWrite {
    fn apply(&mut self, ops: &[WriteOp], head_pos: u64) -> StoreResult<()> {
        if !(self.still_held)(self.fence) {
            return Err(StoreError::Fenced { shard: self.fence.shard, epoch: self.fence.epoch });
        }
        self.inner.apply_fenced(&[self.fence], ops, head_pos)
    }

    fn apply_fenced(&mut self, fences: &[Fence], ops: &[WriteOp], head_pos: u64) -> StoreResult<()> {
        let mut all = fences.to_vec();
        all.push(self.fence);
        self.inner.apply_fenced(&all, ops, head_pos)
    }
}
