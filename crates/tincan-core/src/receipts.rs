//! Group read receipts as bitmaps over member indices.
//!
//! A message that asks for receipts records `index_bound`, the group's next member index when it
//! was sent, and the sender's index.
//! Its eligible readers are the group's current members with an index below the bound, minus
//! the sender: a member who joined later has a larger index and is excluded by construction,
//! and a member who leaves drops out of the current members and so out of both lists and both
//! counts at once.
//! Readers are a bitmap; the read count is the size of an intersection and a page of either list
//! is a walk of a bitmap from a cursor, so both stay cheap and exact for groups of 100,000.
//!
//! Readers whose receipts are private (see `docs/receipts.md`) are kept in a second bitmap that
//! only they are told about: to everyone else they look like members who have not read.

use std::io;

use roaring::RoaringBitmap;
use tincan_proto::enums::ReadMembersFilter;

/// The receipt state of one group message that asked for receipts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupReceipt {
    sender_index: Option<u32>,
    index_bound: u32,
    readers: RoaringBitmap,
    private_readers: RoaringBitmap,
}

/// What recording a receipt did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordOutcome {
    /// The receipt is new.
    Recorded,
    /// The member had already sent one; nothing changed.
    AlreadyRead,
    /// The member may not send one: it joined after the message, or sent it.
    NotEligible,
}

/// Read and unread counts of a message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReceiptCounts {
    /// Eligible current members who have read it.
    pub read: u64,
    /// Eligible current members who have not.
    pub unread: u64,
}

/// One page of a read or unread member list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberPage {
    /// Member indices, ascending.
    pub indices: Vec<u32>,
    /// Where the next page starts (0 when finished).
    pub next_cursor: u64,
    /// Whether this is the last page.
    pub is_finished: bool,
}

impl GroupReceipt {
    /// The state of a message just sent by the member at `sender_index` (`None` when the sender
    /// was not a member, as for an administrator's message), when the group's next member index
    /// was `index_bound`.
    pub fn new(sender_index: Option<u32>, index_bound: u32) -> GroupReceipt {
        GroupReceipt { sender_index, index_bound, readers: RoaringBitmap::new(), private_readers: RoaringBitmap::new() }
    }

    /// Rebuilds a stored state from its bitmaps in the portable roaring format.
    pub fn restore(
        sender_index: Option<u32>,
        index_bound: u32,
        readers: &[u8],
        private_readers: &[u8],
    ) -> io::Result<GroupReceipt> {
        let readers = deserialize(readers)?;
        let private_readers = deserialize(private_readers)?;
        // Paired with `record`, which admits only eligible members, once: what the store gives
        // back must be what it could have been given.
        let admissible = |bitmap: &RoaringBitmap| {
            bitmap.max().is_none_or(|max| max < index_bound)
                && sender_index.is_none_or(|sender| !bitmap.contains(sender))
        };
        if !admissible(&readers) || !admissible(&private_readers) || !readers.is_disjoint(&private_readers) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a stored receipt names a member who could not have read the message",
            ));
        }
        Ok(GroupReceipt { sender_index, index_bound, readers, private_readers })
    }

    /// The sender's member index.
    pub fn sender_index(&self) -> Option<u32> {
        self.sender_index
    }

    /// The group's next member index when the message was sent.
    pub fn index_bound(&self) -> u32 {
        self.index_bound
    }

    /// The public readers, in the portable roaring format (for the store).
    pub fn readers_bytes(&self) -> Vec<u8> {
        serialize(&self.readers)
    }

    /// The private readers, in the portable roaring format (for the store).
    pub fn private_readers_bytes(&self) -> Vec<u8> {
        serialize(&self.private_readers)
    }

    /// Whether the member at `index` may send a receipt for this message.
    pub fn is_eligible(&self, index: u32) -> bool {
        index < self.index_bound && Some(index) != self.sender_index
    }

    /// Records a receipt from the member at `index`; `private` keeps it from everyone but itself.
    pub fn record(&mut self, index: u32, private: bool) -> RecordOutcome {
        if !self.is_eligible(index) {
            return RecordOutcome::NotEligible;
        }
        if self.has_read(index) {
            return RecordOutcome::AlreadyRead;
        }
        if private {
            self.private_readers.insert(index);
        } else {
            self.readers.insert(index);
        }
        RecordOutcome::Recorded
    }

    /// Takes back a receipt just recorded (its write failed), so that a retry records it again.
    pub fn unrecord(&mut self, index: u32) {
        self.readers.remove(index);
        self.private_readers.remove(index);
    }

    /// Whether the member at `index` has sent a receipt, public or private (its own view).
    pub fn has_read(&self, index: u32) -> bool {
        self.readers.contains(index) || self.private_readers.contains(index)
    }

    /// The counts against the group's current members.
    pub fn counts(&self, current: &RoaringBitmap) -> ReceiptCounts {
        let eligible_with_sender = current.range_cardinality(0..self.index_bound);
        let sender_present = self.sender_index.is_some_and(|index| current.contains(index));
        let eligible = eligible_with_sender.saturating_sub(u64::from(sender_present));
        let read = self.readers.intersection_len(current);
        // Paired with `record` and `restore`: readers are eligible members, so among the
        // current members they are part of the eligible population.
        debug_assert!(read <= eligible, "more readers ({read}) than eligible members ({eligible})");
        ReceiptCounts { read, unread: eligible.saturating_sub(read) }
    }

    /// Up to `count` members of the read or unread list, from `cursor` (0 for the first page) on.
    ///
    /// The cursor is a member index, so a page never repeats or skips a member whatever receipts
    /// arrive between pages.
    pub fn page(&self, current: &RoaringBitmap, filter: ReadMembersFilter, cursor: u64, count: usize) -> MemberPage {
        let start = u32::try_from(cursor).unwrap_or(u32::MAX);
        let mut listed = if filter == ReadMembersFilter::UNREAD {
            let mut unread = current.clone();
            unread.remove_range(self.index_bound..);
            unread -= &self.readers;
            if let Some(sender) = self.sender_index {
                unread.remove(sender);
            }
            unread
        } else {
            &self.readers & current
        };
        listed.remove_range(..start);
        let mut iter = listed.iter();
        let indices: Vec<u32> = iter.by_ref().take(count).collect();
        match iter.next() {
            Some(next) => MemberPage { indices, next_cursor: u64::from(next), is_finished: false },
            None => MemberPage { indices, next_cursor: 0, is_finished: true },
        }
    }

    /// Bytes this state takes in the store (both bitmaps).
    pub fn stored_bytes(&self) -> usize {
        self.readers.serialized_size() + self.private_readers.serialized_size()
    }
}

fn serialize(bitmap: &RoaringBitmap) -> Vec<u8> {
    let mut optimized = bitmap.clone();
    // Run containers turn a fully read message in a huge group into a few bytes.
    optimized.optimize();
    let mut bytes = Vec::with_capacity(optimized.serialized_size());
    match optimized.serialize_into(&mut bytes) {
        Ok(()) => bytes,
        Err(err) => unreachable!("writing a bitmap into memory failed: {err}"),
    }
}

fn deserialize(bytes: &[u8]) -> io::Result<RoaringBitmap> {
    if bytes.is_empty() {
        return Ok(RoaringBitmap::new());
    }
    RoaringBitmap::deserialize_from(bytes)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn bitmap(indices: impl IntoIterator<Item = u32>) -> RoaringBitmap {
        indices.into_iter().collect()
    }

    #[test]
    fn late_joiners_leavers_and_the_sender_are_in_neither_list() {
        // Members 0..10 when sent by member 0; 10 and 11 join later; 3 leaves.
        let mut receipt = GroupReceipt::new(Some(0), 10);
        assert_eq!(receipt.record(0, false), RecordOutcome::NotEligible, "the sender");
        assert_eq!(receipt.record(10, false), RecordOutcome::NotEligible, "a later joiner");
        assert_eq!(receipt.record(2, false), RecordOutcome::Recorded);
        assert_eq!(receipt.record(2, false), RecordOutcome::AlreadyRead);
        receipt.unrecord(2);
        assert_eq!(receipt.record(2, false), RecordOutcome::Recorded, "a failed write is taken back");
        assert_eq!(receipt.record(3, false), RecordOutcome::Recorded);
        let mut current = bitmap(0..12);
        assert_eq!(receipt.counts(&current), ReceiptCounts { read: 2, unread: 7 });
        current.remove(3);
        assert_eq!(receipt.counts(&current), ReceiptCounts { read: 1, unread: 7 });
        let read = receipt.page(&current, ReadMembersFilter::READ, 0, 100);
        assert_eq!(read.indices, vec![2]);
        let unread = receipt.page(&current, ReadMembersFilter::UNREAD, 0, 100);
        assert_eq!(unread.indices, vec![1, 4, 5, 6, 7, 8, 9]);
        assert!(unread.is_finished);
    }

    #[test]
    fn private_readers_look_unread_to_others() {
        let mut receipt = GroupReceipt::new(Some(0), 5);
        assert_eq!(receipt.record(1, true), RecordOutcome::Recorded);
        assert!(receipt.has_read(1));
        assert_eq!(receipt.record(1, false), RecordOutcome::AlreadyRead);
        let current = bitmap(0..5);
        assert_eq!(receipt.counts(&current), ReceiptCounts { read: 0, unread: 4 });
        assert_eq!(receipt.page(&current, ReadMembersFilter::UNREAD, 0, 10).indices, vec![1, 2, 3, 4]);
    }

    #[test]
    fn storage_of_a_fully_read_huge_message_is_small() {
        let mut receipt = GroupReceipt::new(Some(0), 100_000);
        for index in 1..100_000 {
            receipt.record(index, false);
        }
        let bytes = receipt.readers_bytes();
        assert!(bytes.len() <= 32 * 1024, "{} bytes", bytes.len());
        let restored = GroupReceipt::restore(Some(0), 100_000, &bytes, &receipt.private_readers_bytes()).unwrap();
        assert_eq!(restored, receipt);
        assert_eq!(restored.counts(&bitmap(0..100_000)), ReceiptCounts { read: 99_999, unread: 0 });
    }

    proptest! {
        #[test]
        fn lists_partition_the_eligible_members_and_pages_are_stable(
            n_members in 1u32..300,
            readers in proptest::collection::vec(0u32..400, 0..300),
            leavers in proptest::collection::vec(0u32..300, 0..50),
            page_size in 1usize..40,
        ) {
            let bound = n_members;
            let mut receipt = GroupReceipt::new(Some(0), bound);
            let mut current = bitmap(0..n_members + 20);
            for reader in &readers {
                receipt.record(*reader, false);
            }
            for leaver in &leavers {
                current.remove(*leaver);
            }
            let counts = receipt.counts(&current);
            let walk = |filter| {
                let mut all = Vec::new();
                let mut cursor = 0;
                loop {
                    let page = receipt.page(&current, filter, cursor, page_size);
                    prop_assert!(page.indices.len() <= page_size);
                    all.extend(page.indices);
                    if page.is_finished { break; }
                    cursor = page.next_cursor;
                }
                Ok(all)
            };
            let read = walk(ReadMembersFilter::READ)?;
            let unread = walk(ReadMembersFilter::UNREAD)?;
            prop_assert_eq!(read.len() as u64, counts.read);
            prop_assert_eq!(unread.len() as u64, counts.unread);
            let eligible: Vec<u32> = current.iter().filter(|index| *index < bound && *index != 0).collect();
            let mut both: Vec<u32> = read.iter().chain(unread.iter()).copied().collect();
            both.sort_unstable();
            prop_assert_eq!(both, eligible, "the two lists partition the eligible members");
        }
    }

    #[test]
    fn a_stored_state_that_could_not_have_been_recorded_is_refused() {
        let bytes = |indices: &[u32]| serialize(&bitmap(indices.iter().copied()));
        assert!(GroupReceipt::restore(Some(0), 5, &bytes(&[1, 4]), &bytes(&[2])).is_ok());
        assert!(GroupReceipt::restore(Some(0), 5, &bytes(&[5]), &[]).is_err(), "a reader who joined after");
        assert!(GroupReceipt::restore(Some(0), 5, &bytes(&[0]), &[]).is_err(), "the sender");
        assert!(GroupReceipt::restore(Some(0), 5, &bytes(&[2]), &bytes(&[2])).is_err(), "public and private at once");
    }
}
