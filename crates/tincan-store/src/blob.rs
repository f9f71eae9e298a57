//! Bytes kept under a name beside the store, for what the engine itself does not keep (uploaded
//! media), in a store the nodes of a cluster share: the node that serves after a takeover finds
//! what the one before it kept.

use crate::StoreResult;

/// Named bytes of an app's items, as a store shared by the nodes of a cluster keeps them.
pub trait Blobs: Send + Sync + 'static {
    /// Stores `bytes` as `name` of item `id` of app `sdkappid`, replacing what was there (taken
    /// by value: media is up to 100 MiB, not to be copied once more).
    fn put(&self, sdkappid: u64, id: &str, name: &str, bytes: Vec<u8>) -> StoreResult<()>;

    /// The bytes stored as `name` of item `id` of app `sdkappid`, if any.
    fn get(&self, sdkappid: u64, id: &str, name: &str) -> StoreResult<Option<Vec<u8>>>;

    /// Every item's app, ID and bytes stored as `name`, by app and ID.
    fn list(&self, name: &str) -> StoreResult<Vec<(u64, String, Vec<u8>)>>;
}
