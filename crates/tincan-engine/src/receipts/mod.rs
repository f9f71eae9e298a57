//! Receipt state below the operations: the cache of group messages' receipt cells and the
//! coalescer that tells senders (and readers' other devices) of receipts.

pub(crate) mod cells;
pub(crate) mod coalescer;
pub(crate) mod flush;
