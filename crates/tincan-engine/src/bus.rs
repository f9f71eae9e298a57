//! The bus between the writer and the dispatchers.
//!
//! The writer publishes every durable change, in position order; a dispatcher on each node
//! pushes it to the devices connected there.
//! On one node the bus is a bounded channel to the local dispatcher ([`LocalBus`]); a cluster
//! would put a NATS subject here, and a node that misses a message recovers from the store,
//! because the bus only rings the doorbell: the record is always the store.

use std::sync::atomic::Ordering;
use std::sync::{Arc, mpsc};

use crate::events::Event;
use crate::metrics::Metrics;

/// Batches of events waiting for the dispatcher; beyond this the writer waits.
pub(crate) const BUS_BATCHES_MAX: usize = 4_096;

/// Carries durable changes to the dispatchers, in order.
pub(crate) trait Bus: Send + Sync {
    /// Publishes events of one committed submission; order across calls is kept.
    fn publish(&self, events: Vec<Event>);
}

/// The bus of a single node.
pub(crate) struct LocalBus {
    sender: mpsc::SyncSender<Vec<Event>>,
    metrics: Arc<Metrics>,
}

impl LocalBus {
    /// A bus and the receiving end for the local dispatcher.
    pub(crate) fn new(metrics: Arc<Metrics>) -> (LocalBus, mpsc::Receiver<Vec<Event>>) {
        let (sender, receiver) = mpsc::sync_channel(BUS_BATCHES_MAX);
        (LocalBus { sender, metrics }, receiver)
    }
}

impl Bus for LocalBus {
    fn publish(&self, events: Vec<Event>) {
        // Counted before it is sent, so that the dispatcher never counts more than was sent.
        self.metrics.bus_published.fetch_add(1, Ordering::SeqCst);
        // The dispatcher only stops when the engine shuts down; events after that go nowhere.
        let _ = self.sender.send(events);
    }
}
