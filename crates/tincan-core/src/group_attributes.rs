//! A group's custom attributes and counters (TIM's group attributes and group counters): their
//! size limits and the rules of each change.
//!
//! A change is decided whole into the new state before anything applies, so a refused one
//! leaves the group's attributes or counters as they were. Changes to one group are decided one
//! at a time under its lock, so concurrent increments all count and concurrent attribute changes
//! each apply to the state the previous one left.

use std::collections::BTreeMap;

use tincan_proto::{ApiError, ErrorCode, limits};

/// A group's attributes, by key.
pub type Attributes = BTreeMap<String, String>;

/// A group's counters, by key.
pub type Counters = BTreeMap<String, i64>;

/// A change to a group's attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeChange<'a> {
    /// Replaces every attribute with these (TIM `TIMGroupInitGroupAttributes`, REST
    /// `set_group_attr`); an empty list clears them (REST `clear_group_attr`).
    Init(&'a [(String, String)]),
    /// Sets these keys, keeping the others (TIM `TIMGroupSetGroupAttributes`, REST
    /// `modify_group_attr`).
    Set(&'a [(String, String)]),
    /// Deletes these keys; an empty list deletes every attribute (TIM
    /// `TIMGroupDeleteGroupAttributes`, REST `delete_group_attr`). Keys the group does not have
    /// are no error.
    Delete(&'a [String]),
}

/// The attributes after `change` is applied to `current`, or why the change is refused (10004,
/// naming the limit).
pub fn change_attributes(current: &Attributes, change: AttributeChange<'_>) -> Result<Attributes, ApiError> {
    let mut next = match change {
        AttributeChange::Init(_) => Attributes::new(),
        AttributeChange::Set(_) | AttributeChange::Delete(_) => current.clone(),
    };
    match change {
        AttributeChange::Init(entries) | AttributeChange::Set(entries) => {
            if matches!(change, AttributeChange::Set(_)) && entries.is_empty() {
                return Err(invalid("the change names no attribute to set"));
            }
            for (key, value) in entries {
                check_attribute(key, value)?;
                next.insert(key.clone(), value.clone());
            }
        }
        AttributeChange::Delete(keys) => {
            if keys.is_empty() {
                next.clear();
            }
            for key in keys {
                check_key(key, limits::GROUP_ATTRIBUTE_KEY_BYTES_MAX, "attribute")?;
                next.remove(key);
            }
        }
    }
    if next.len() > limits::GROUP_ATTRIBUTES_MAX {
        return Err(invalid(format!(
            "a group holds at most {} attributes; this change would leave {}",
            limits::GROUP_ATTRIBUTES_MAX,
            next.len()
        )));
    }
    let n_bytes: usize = next.iter().map(|(key, value)| key.len() + value.len()).sum();
    if n_bytes > limits::GROUP_ATTRIBUTES_BYTES_MAX {
        return Err(invalid(format!(
            "a group's attributes, keys and values, take at most {} bytes; this change would leave {n_bytes}",
            limits::GROUP_ATTRIBUTES_BYTES_MAX
        )));
    }
    Ok(next)
}

/// How a counter change treats the values it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterMode {
    /// Each counter becomes the value (TIM `TIMGroupSetGroupCounters`, REST mode `Set`).
    Set,
    /// Each counter grows by the value, from 0 for a new key (TIM
    /// `TIMGroupIncreaseGroupCounter`, REST mode `Increase`).
    Increase,
    /// Each counter shrinks by the value, from 0 for a new key (TIM
    /// `TIMGroupDecreaseGroupCounter`, REST mode `Decrease`).
    Decrease,
}

/// The counters `entries` change, with their new values (in the order given, a repeated key
/// once, where it last appears), or why the change is refused (10004): an empty or oversized
/// key, a result past a signed 64-bit integer, or more counters than a group holds.
pub fn change_counters(
    current: &Counters,
    mode: CounterMode,
    entries: &[(String, i64)],
) -> Result<Vec<(String, i64)>, ApiError> {
    if entries.is_empty() {
        return Err(invalid("the change names no counter"));
    }
    let mut changed: Vec<(String, i64)> = Vec::with_capacity(entries.len());
    for (key, amount) in entries {
        check_key(key, limits::GROUP_COUNTER_KEY_BYTES_MAX, "counter")?;
        let earlier = changed.iter().position(|(done, _)| done == key);
        let old = match earlier {
            Some(at) => changed.remove(at).1,
            None => current.get(key).copied().unwrap_or(0),
        };
        let new = match mode {
            CounterMode::Set => Some(*amount),
            CounterMode::Increase => old.checked_add(*amount),
            CounterMode::Decrease => old.checked_sub(*amount),
        }
        .ok_or_else(|| invalid(format!("counter `{key}` would pass a signed 64-bit integer")))?;
        changed.push((key.clone(), new));
    }
    let n_new = changed.iter().filter(|(key, _)| !current.contains_key(key)).count();
    if current.len() + n_new > limits::GROUP_COUNTERS_MAX {
        return Err(invalid(format!(
            "a group holds at most {} counters; this change would leave {}",
            limits::GROUP_COUNTERS_MAX,
            current.len() + n_new
        )));
    }
    Ok(changed)
}

/// The values of `keys` among `current` (every one when `keys` is empty), in the order asked;
/// a key the group does not have is left out.
pub fn pick<V: Clone>(current: &BTreeMap<String, V>, keys: &[String]) -> Vec<(String, V)> {
    if keys.is_empty() {
        return current.iter().map(|(key, value)| (key.clone(), value.clone())).collect();
    }
    let mut picked: Vec<(String, V)> = Vec::with_capacity(keys.len());
    for key in keys {
        if let Some(value) = current.get(key)
            && !picked.iter().any(|(done, _)| done == key)
        {
            picked.push((key.clone(), value.clone()));
        }
    }
    picked
}

fn check_attribute(key: &str, value: &str) -> Result<(), ApiError> {
    check_key(key, limits::GROUP_ATTRIBUTE_KEY_BYTES_MAX, "attribute")?;
    if value.len() > limits::GROUP_ATTRIBUTE_VALUE_BYTES_MAX {
        return Err(invalid(format!(
            "the value of attribute `{key}` has {} bytes; at most {} are allowed",
            value.len(),
            limits::GROUP_ATTRIBUTE_VALUE_BYTES_MAX
        )));
    }
    Ok(())
}

fn check_key(key: &str, bytes_max: usize, what: &str) -> Result<(), ApiError> {
    if key.is_empty() {
        return Err(invalid(format!("a {what} key is empty")));
    }
    if key.len() > bytes_max {
        return Err(invalid(format!("{what} key `{key}` has {} bytes; at most {bytes_max} are allowed", key.len())));
    }
    Ok(())
}

fn invalid(desc: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::GROUP_INVALID_PARAMETERS, desc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect()
    }

    fn map(pairs: &[(&str, &str)]) -> Attributes {
        attrs(pairs).into_iter().collect()
    }

    #[test]
    fn init_replaces_set_merges_delete_removes() {
        let current = map(&[("a", "1"), ("b", "2")]);
        let init = attrs(&[("c", "3")]);
        assert_eq!(change_attributes(&current, AttributeChange::Init(&init)).unwrap(), map(&[("c", "3")]));
        let set = attrs(&[("b", "20"), ("c", "3")]);
        assert_eq!(
            change_attributes(&current, AttributeChange::Set(&set)).unwrap(),
            map(&[("a", "1"), ("b", "20"), ("c", "3")])
        );
        let keys = vec!["a".to_owned(), "missing".to_owned()];
        assert_eq!(change_attributes(&current, AttributeChange::Delete(&keys)).unwrap(), map(&[("b", "2")]));
        assert_eq!(change_attributes(&current, AttributeChange::Delete(&[])).unwrap(), Attributes::new());
        assert_eq!(change_attributes(&current, AttributeChange::Init(&[])).unwrap(), Attributes::new());
    }

    #[test]
    fn attribute_limits_are_tims() {
        let current = Attributes::new();
        let refused = |entries: Vec<(String, String)>| {
            let err = change_attributes(&current, AttributeChange::Init(&entries)).unwrap_err();
            assert_eq!(err.code, ErrorCode::GROUP_INVALID_PARAMETERS);
            err.desc
        };
        let key_max = "k".repeat(limits::GROUP_ATTRIBUTE_KEY_BYTES_MAX);
        let value_max = "v".repeat(limits::GROUP_ATTRIBUTE_VALUE_BYTES_MAX);
        assert!(change_attributes(&current, AttributeChange::Init(&[(key_max.clone(), value_max.clone())])).is_ok());
        assert!(refused(vec![(format!("{key_max}k"), String::new())]).contains("at most 32"));
        assert!(refused(vec![("k".to_owned(), format!("{value_max}v"))]).contains("at most 4096"));
        assert!(refused(vec![(String::new(), "v".to_owned())]).contains("empty"));
        let many: Vec<(String, String)> =
            (0..=limits::GROUP_ATTRIBUTES_MAX).map(|n| (format!("k{n}"), String::new())).collect();
        assert!(refused(many.clone()).contains("at most 16 attributes"));
        assert!(change_attributes(&current, AttributeChange::Init(&many[..16])).is_ok());
        // Four values of 4 KB with their keys pass 16 KB.
        let big: Vec<(String, String)> = (0..4).map(|n| (format!("k{n}"), value_max.clone())).collect();
        assert!(refused(big).contains("16384 bytes"));
        let set: Vec<(String, String)> = Vec::new();
        assert!(change_attributes(&current, AttributeChange::Set(&set)).is_err());
    }

    #[test]
    fn counters_set_increase_decrease() {
        let mut current = Counters::new();
        current.insert("likes".to_owned(), 8);
        let one = |key: &str, value: i64| vec![(key.to_owned(), value)];
        assert_eq!(change_counters(&current, CounterMode::Increase, &one("likes", 2)).unwrap(), one("likes", 10));
        assert_eq!(change_counters(&current, CounterMode::Decrease, &one("likes", 10)).unwrap(), one("likes", -2));
        assert_eq!(change_counters(&current, CounterMode::Increase, &one("new", 3)).unwrap(), one("new", 3));
        assert_eq!(change_counters(&current, CounterMode::Set, &one("likes", 0)).unwrap(), one("likes", 0));
        let repeated = vec![("likes".to_owned(), 1), ("other".to_owned(), 1), ("likes".to_owned(), 1)];
        assert_eq!(
            change_counters(&current, CounterMode::Increase, &repeated).unwrap(),
            vec![("other".to_owned(), 1), ("likes".to_owned(), 10)]
        );
        current.insert("max".to_owned(), i64::MAX);
        let err = change_counters(&current, CounterMode::Increase, &one("max", 1)).unwrap_err();
        assert_eq!(err.code, ErrorCode::GROUP_INVALID_PARAMETERS);
        assert!(change_counters(&current, CounterMode::Set, &[]).is_err());
        assert!(change_counters(&current, CounterMode::Set, &one("", 1)).is_err());
        let long = "k".repeat(limits::GROUP_COUNTER_KEY_BYTES_MAX + 1);
        assert!(change_counters(&current, CounterMode::Set, &one(&long, 1)).is_err());
    }

    #[test]
    fn counters_are_at_most_twenty() {
        let current: Counters = (0..limits::GROUP_COUNTERS_MAX as i64).map(|n| (format!("k{n}"), n)).collect();
        assert!(change_counters(&current, CounterMode::Set, &[("k0".to_owned(), 5)]).is_ok());
        let err = change_counters(&current, CounterMode::Set, &[("new".to_owned(), 5)]).unwrap_err();
        assert!(err.desc.contains("at most 20 counters"), "{}", err.desc);
    }

    #[test]
    fn pick_keeps_the_order_asked() {
        let current = map(&[("a", "1"), ("b", "2")]);
        let keys = vec!["b".to_owned(), "x".to_owned(), "a".to_owned(), "b".to_owned()];
        assert_eq!(pick(&current, &keys), attrs(&[("b", "2"), ("a", "1")]));
        assert_eq!(pick(&current, &[]), attrs(&[("a", "1"), ("b", "2")]));
    }
}
