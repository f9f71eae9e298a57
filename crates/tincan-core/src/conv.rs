//! Conversations and the read state unread counts derive from.
//!
//! No unread counter is ever written per message per member: a member's unread count is derived
//! from the conversation's newest seq, the member's read position, the member's own messages
//! after that position and the messages excluded from unread counts.
//! A message to a 100,000-member group therefore costs one write, not 100,000.

use roaring::RoaringTreemap;
use tincan_proto::{ApiError, GroupId, UserId};

/// The two users of a C2C conversation, in a fixed order so that both name the same pair.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct C2cPair {
    low: UserId,
    high: UserId,
}

/// Which of the two users of a [`C2cPair`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The user that sorts first.
    Low,
    /// The user that sorts second.
    High,
}

impl C2cPair {
    /// The pair of two different users.
    pub fn new(first: UserId, second: UserId) -> Result<C2cPair, ApiError> {
        if first == second {
            return Err(ApiError::invalid_parameter(format!(
                "a C2C conversation needs two different users; both are {first}"
            )));
        }
        Ok(if first < second { C2cPair { low: first, high: second } } else { C2cPair { low: second, high: first } })
    }

    /// The user that sorts first.
    pub fn low(&self) -> &UserId {
        &self.low
    }

    /// The user that sorts second.
    pub fn high(&self) -> &UserId {
        &self.high
    }

    /// Which side `user` is on, if it is one of the two.
    pub fn side_of(&self, user: &UserId) -> Option<Side> {
        if *user == self.low {
            Some(Side::Low)
        } else if *user == self.high {
            Some(Side::High)
        } else {
            None
        }
    }

    /// The other user.
    pub fn peer_of(&self, side: Side) -> &UserId {
        match side {
            Side::Low => &self.high,
            Side::High => &self.low,
        }
    }

    /// The user on `side`.
    pub fn user(&self, side: Side) -> &UserId {
        match side {
            Side::Low => &self.low,
            Side::High => &self.high,
        }
    }
}

impl Side {
    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Low => Side::High,
            Side::High => Side::Low,
        }
    }

    /// 0 for `Low`, 1 for `High`, for indexing a two-element array.
    pub fn index(self) -> usize {
        match self {
            Side::Low => 0,
            Side::High => 1,
        }
    }
}

/// A conversation: a C2C pair or a group.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConvKey {
    /// One-to-one.
    C2c(C2cPair),
    /// A group.
    Group(GroupId),
}

/// One user's read position in one conversation, and what unread counts derive from.
///
/// Beside the position itself, a read state keeps the position others may see (the published
/// one): it follows the position only while the user's reads are public, so that reads made
/// while they were private are never revealed later.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadState {
    read_seq: u64,
    read_time: u64,
    published_seq: u64,
    published_time: u64,
    /// The user's own messages after `read_seq`: they never count as unread for their sender.
    own_after_read: RoaringTreemap,
}

impl ReadState {
    /// A read state that starts at `floor_seq`: messages up to it never count (a member who joins
    /// a group does not inherit its history as unread).
    pub fn starting_at(floor_seq: u64) -> ReadState {
        ReadState {
            read_seq: floor_seq,
            read_time: 0,
            published_seq: 0,
            published_time: 0,
            own_after_read: RoaringTreemap::new(),
        }
    }

    /// A read state as stored: the position and its time, the published position and its time,
    /// and the user's own messages after the position.
    pub fn restore(stored: StoredRead, own_seqs: impl IntoIterator<Item = u64>) -> ReadState {
        let own_after_read = own_seqs.into_iter().filter(|seq| *seq > stored.read_seq).collect();
        ReadState {
            read_seq: stored.read_seq,
            read_time: stored.read_time,
            published_seq: stored.published_seq,
            published_time: stored.published_time,
            own_after_read,
        }
    }

    /// The stored form of this read state.
    pub fn stored(&self) -> StoredRead {
        StoredRead {
            read_seq: self.read_seq,
            read_time: self.read_time,
            published_seq: self.published_seq,
            published_time: self.published_time,
        }
    }

    /// The position others may know of (0 if none).
    pub fn published_seq(&self) -> u64 {
        self.published_seq
    }

    /// When the published position last moved, in seconds (0 if never).
    pub fn published_time(&self) -> u64 {
        self.published_time
    }

    /// Publishes the current position (the user's reads are public); returns whether the
    /// published position moved.
    pub fn publish(&mut self) -> bool {
        if self.published_seq >= self.read_seq {
            return false;
        }
        self.published_seq = self.read_seq;
        self.published_time = self.read_time;
        true
    }

    /// The position: every message up to and including this seq is read.
    pub fn read_seq(&self) -> u64 {
        self.read_seq
    }

    /// When the position last moved, in seconds (0 if never).
    pub fn read_time(&self) -> u64 {
        self.read_time
    }

    /// Records a message this user sent; it will not count as unread for them.
    ///
    /// A message excluded from unread counts is not recorded here (the conversation's excluded
    /// set already removes it for everyone), so that the two sets never overlap.
    pub fn record_own_message(&mut self, seq: u64) {
        if seq > self.read_seq {
            self.own_after_read.insert(seq);
        }
    }

    /// Forgets an own message that was never stored (its write failed).
    pub fn forget_own(&mut self, seq: u64) {
        self.own_after_read.remove(seq);
    }

    /// Unread messages when the conversation's newest seq is `max_seq`.
    pub fn unread(&self, max_seq: u64, excluded: &RoaringTreemap) -> u64 {
        if max_seq <= self.read_seq {
            return 0;
        }
        let range = self.read_seq.saturating_add(1)..=max_seq;
        let span = max_seq - self.read_seq;
        let own = self.own_after_read.range_cardinality(range.clone());
        let not_counted = excluded.range_cardinality(range);
        span.saturating_sub(own).saturating_sub(not_counted)
    }

    /// The position at which `unread` messages would count as unread when the conversation's
    /// newest seq is `max_seq`: the newest such position, so that what is between it and the
    /// `unread`-th counted message from the newest (the user's own messages, excluded ones) is
    /// read; when fewer than `unread` messages after `floor` count, the newest position after
    /// which all of them do.
    ///
    /// `own_below` holds the user's own messages at or below the current position that are
    /// known, every one of them above `known_from` (`known_from >= floor`); the state keeps
    /// those above the position itself. `None` when the answer lies below `known_from`, so that
    /// more of the user's own messages must be known first.
    pub fn position_for_unread(
        &self,
        unread: u64,
        floor: u64,
        known_from: u64,
        max_seq: u64,
        excluded: &RoaringTreemap,
        own_below: &RoaringTreemap,
    ) -> Option<u64> {
        let own = (&self.own_after_read | own_below) - excluded;
        let counted_after = |position: u64| -> u64 {
            if position >= max_seq {
                return 0;
            }
            let range = position.saturating_add(1)..=max_seq;
            (max_seq - position)
                .saturating_sub(own.range_cardinality(range.clone()))
                .saturating_sub(excluded.range_cardinality(range))
        };
        let lowest = known_from.max(floor).min(max_seq);
        let available = counted_after(lowest);
        let unread = match available < unread {
            true if lowest > floor => return None,
            true => available,
            false => unread,
        };
        // The newest position in [lowest, max_seq] after which `unread` or more count: counts
        // only fall as the position grows.
        let (mut low, mut high) = (lowest, max_seq);
        while low < high {
            let middle = low + (high - low).div_ceil(2);
            if counted_after(middle) >= unread {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        Some(low)
    }

    /// Moves the position to `seq` at `time`, forward or back. Moving back, the user's own
    /// messages between the new position and the old one (`own_below`, excluded messages left
    /// out by the caller) count for it again as its own; the published position stays where it
    /// is, since what others were told of stays told.
    ///
    /// Returns whether it moved.
    pub fn move_to(&mut self, seq: u64, time: u64, own_below: &RoaringTreemap) -> bool {
        if seq >= self.read_seq {
            return self.advance(seq, time);
        }
        let mut own = own_below.clone();
        own.remove_range(..=seq);
        own.remove_range(self.read_seq.saturating_add(1)..);
        self.own_after_read |= own;
        self.read_seq = seq;
        self.read_time = time;
        true
    }

    /// Moves the position forward to `seq` at `time`; never backwards.
    ///
    /// Returns whether it moved.
    pub fn advance(&mut self, seq: u64, time: u64) -> bool {
        if seq <= self.read_seq {
            return false;
        }
        self.read_seq = seq;
        self.read_time = time;
        self.own_after_read.remove_range(..=seq);
        true
    }
}

/// A read state's stored numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoredRead {
    /// Messages up to this seq are read.
    pub read_seq: u64,
    /// When that position was reached, in seconds.
    pub read_time: u64,
    /// The position others may know of.
    pub published_seq: u64,
    /// When that position was published, in seconds.
    pub published_time: u64,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn user(name: &str) -> UserId {
        UserId::parse(name).unwrap()
    }

    #[test]
    fn pair_is_symmetric() {
        let ab = C2cPair::new(user("a"), user("b")).unwrap();
        let ba = C2cPair::new(user("b"), user("a")).unwrap();
        assert_eq!(ab, ba);
        assert_eq!(ab.side_of(&user("b")), Some(Side::High));
        assert_eq!(ab.peer_of(Side::High), &user("a"));
        assert_eq!(ab.side_of(&user("c")), None);
        assert!(C2cPair::new(user("a"), user("a")).is_err());
    }

    #[test]
    fn unread_skips_own_and_excluded_messages() {
        let mut state = ReadState::starting_at(2);
        let mut excluded = RoaringTreemap::new();
        assert_eq!(state.unread(2, &excluded), 0);
        state.record_own_message(3);
        excluded.insert(5);
        assert_eq!(state.unread(6, &excluded), 2, "4 and 6 count; 3 is own, 5 is excluded");
        assert!(state.advance(4, 100));
        assert_eq!(state.unread(6, &excluded), 1);
        assert!(!state.advance(3, 200), "never backwards");
        assert_eq!((state.read_seq(), state.read_time()), (4, 100));
    }

    #[test]
    fn private_reads_are_never_published_later() {
        let mut state = ReadState::starting_at(0);
        state.advance(3, 30);
        assert!(state.publish());
        state.advance(5, 50);
        assert_eq!(state.published_seq(), 3, "read privately: not published");
        state.advance(6, 60);
        assert!(state.publish(), "public again: publishes the position from now on");
        assert_eq!((state.published_seq(), state.published_time()), (6, 60));
        let restored = ReadState::restore(state.stored(), [7]);
        assert_eq!(restored, ReadState { own_after_read: [7].into_iter().collect(), ..state });
    }

    proptest! {
        #[test]
        fn unread_matches_counting(ops in proptest::collection::vec((0u8..3, any::<bool>()), 0..200)) {
            // Model: a list of (seq, own, excluded) and a read position; unread is a count.
            let mut state = ReadState::starting_at(0);
            let mut excluded = RoaringTreemap::new();
            let mut messages: Vec<(u64, bool, bool)> = Vec::new();
            let mut read = 0u64;
            for (kind, flag) in ops {
                let max_seq = messages.len() as u64;
                match kind {
                    0 => {
                        let seq = max_seq + 1;
                        let is_excluded = flag && seq.is_multiple_of(3);
                        if is_excluded { excluded.insert(seq); } else if flag { state.record_own_message(seq); }
                        messages.push((seq, flag && !is_excluded, is_excluded));
                    }
                    1 => {
                        let target = if flag { max_seq } else { max_seq / 2 };
                        if state.advance(target, 1) { read = target; }
                    }
                    _ => {}
                }
                let max_seq = messages.len() as u64;
                let expected = messages.iter().filter(|(seq, own, ex)| *seq > read && !own && !ex).count() as u64;
                prop_assert_eq!(state.unread(max_seq, &excluded), expected);
            }
        }

        #[test]
        fn a_position_set_for_an_unread_count_gives_that_count(
            kinds in proptest::collection::vec(0u8..4, 0..120),
            read in 0u64..130,
            floor in 0u64..20,
            wanted in 0u64..140,
            page in 1usize..10,
        ) {
            // Model: messages are others' (0, 1), the user's own (2) or excluded (3); whatever the
            // read position was, setting an unread count moves it so that exactly that many count
            // (or all there are above the floor), and the newest such position is chosen.
            let max_seq = kinds.len() as u64;
            let floor = floor.min(max_seq);
            let mut excluded = RoaringTreemap::new();
            let mut own_all = RoaringTreemap::new();
            for (index, kind) in kinds.iter().enumerate() {
                let seq = index as u64 + 1;
                match kind {
                    2 => { own_all.insert(seq); }
                    3 => { excluded.insert(seq); }
                    _ => {}
                }
            }
            let read = read.clamp(floor, max_seq);
            let mut state = ReadState::starting_at(0);
            for seq in own_all.iter() {
                state.record_own_message(seq);
            }
            state.advance(read, 1);
            // The user's own messages at or below the position, learned page by page from the
            // newest, as the engine reads them from the store.
            let below: Vec<u64> = own_all.iter().filter(|seq| *seq <= read).rev().collect();
            let mut known = RoaringTreemap::new();
            let mut known_from = read;
            let position = loop {
                if let Some(position) =
                    state.position_for_unread(wanted, floor, known_from, max_seq, &excluded, &known)
                {
                    break position;
                }
                let next: Vec<u64> = below.iter().copied().filter(|seq| *seq <= known_from).take(page).collect();
                known.extend(next.iter().copied());
                known_from = if next.len() < page { floor } else { next[next.len() - 1] - 1 };
            };
            let counted = |after: u64| {
                (after + 1..=max_seq).filter(|seq| !own_all.contains(*seq) && !excluded.contains(*seq)).count() as u64
            };
            let expected = wanted.min(counted(floor));
            prop_assert_eq!(counted(position), expected);
            prop_assert!(position == max_seq || counted(position + 1) < expected, "the newest such position");
            prop_assert!(position >= floor);
            let own_below: RoaringTreemap = below.iter().copied().collect();
            state.move_to(position, 2, &own_below);
            prop_assert_eq!(state.read_seq(), position);
            prop_assert_eq!(state.unread(max_seq, &excluded), expected);
        }
    }

    #[test]
    fn moving_back_keeps_what_was_published() {
        let mut state = ReadState::starting_at(0);
        state.advance(8, 80);
        state.publish();
        let own: RoaringTreemap = [3, 5].into_iter().collect();
        assert!(state.move_to(2, 90, &own));
        assert_eq!((state.read_seq(), state.read_time(), state.published_seq()), (2, 90, 8));
        assert_eq!(state.unread(8, &RoaringTreemap::new()), 4, "3 and 5 are the user's own");
        let restored = ReadState::restore(state.stored(), [3, 5]);
        assert_eq!(restored, state, "a restart keeps the published position");
        assert!(!state.clone().publish(), "the published position never moves back");
    }
}
