//! Finding a group's members by the start of their identifier or of a word of their name card,
//! through sorted indexes: a search costs the matches it finds, not the group's size, so typing
//! into a member search box of a 100,000-member group stays fast at every keystroke.

use std::collections::BTreeSet;

use roaring::RoaringBitmap;

/// Which parts of a member a search looks at (TIM's `TIMGroupMemberSearchFieldKey` bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchFields {
    /// `kTIMGroupMemberSearchFieldKey_Identifier` (1).
    pub identifier: bool,
    /// `kTIMGroupMemberSearchFieldKey_NameCard` (8).
    pub name_card: bool,
}

impl SearchFields {
    /// Both parts.
    pub const ALL: SearchFields = SearchFields { identifier: true, name_card: true };
}

/// The search indexes of one group: lowercased tokens with the member index they belong to.
#[derive(Clone, Debug, Default)]
pub struct MemberIndex {
    identifiers: BTreeSet<(String, u32)>,
    name_cards: BTreeSet<(String, u32)>,
}

impl MemberIndex {
    /// Adds a member.
    pub fn insert(&mut self, index: u32, user: &str, name_card: &str) {
        self.identifiers.insert((user.to_lowercase(), index));
        for word in words(name_card) {
            self.name_cards.insert((word, index));
        }
    }

    /// Removes a member, as it was indexed.
    pub fn remove(&mut self, index: u32, user: &str, name_card: &str) {
        self.identifiers.remove(&(user.to_lowercase(), index));
        for word in words(name_card) {
            self.name_cards.remove(&(word, index));
        }
    }

    /// The members every keyword starts a token of, in member-index order.
    pub fn search(&self, keywords: &[String], fields: SearchFields) -> RoaringBitmap {
        let mut found: Option<RoaringBitmap> = None;
        for keyword in keywords {
            let keyword = keyword.to_lowercase();
            let mut matches = RoaringBitmap::new();
            if fields.identifier {
                prefixed(&self.identifiers, &keyword, &mut matches);
            }
            if fields.name_card {
                prefixed(&self.name_cards, &keyword, &mut matches);
            }
            found = Some(match found {
                Some(earlier) => earlier & matches,
                None => matches,
            });
        }
        found.unwrap_or_default()
    }
}

/// The tokens of a name card: the whole card and each word of it, lowercased.
fn words(name_card: &str) -> BTreeSet<String> {
    let lower = name_card.to_lowercase();
    let mut words: BTreeSet<String> = lower.split_whitespace().map(str::to_owned).collect();
    if !lower.trim().is_empty() {
        words.insert(lower.trim().to_owned());
    }
    words
}

fn prefixed(tokens: &BTreeSet<(String, u32)>, prefix: &str, into: &mut RoaringBitmap) {
    for (token, index) in tokens.range((prefix.to_owned(), 0)..) {
        if !token.starts_with(prefix) {
            break;
        }
        into.insert(*index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_starts_of_identifiers_and_name_card_words() {
        let mut index = MemberIndex::default();
        index.insert(0, "alice", "Alice Smith");
        index.insert(1, "bob", "Release Manager");
        index.insert(2, "alfred", "");
        fn find(index: &MemberIndex, keywords: &[&str], fields: SearchFields) -> Vec<u32> {
            let keywords: Vec<String> = keywords.iter().map(|it| (*it).to_owned()).collect();
            index.search(&keywords, fields).iter().collect()
        }
        assert_eq!(find(&index, &["al"], SearchFields::ALL), vec![0, 2]);
        assert_eq!(find(&index, &["MAN"], SearchFields::ALL), vec![1], "case does not matter; any word of the card");
        assert_eq!(find(&index, &["al", "smi"], SearchFields::ALL), vec![0], "every keyword must match");
        assert_eq!(find(&index, &["smi"], SearchFields { identifier: true, name_card: false }), Vec::<u32>::new());
        assert_eq!(find(&index, &["lice"], SearchFields::ALL), Vec::<u32>::new(), "starts only");
        index.remove(0, "alice", "Alice Smith");
        assert_eq!(find(&index, &["al"], SearchFields::ALL), vec![2]);
    }
}
