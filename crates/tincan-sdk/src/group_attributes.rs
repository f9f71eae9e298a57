//! A group's custom attributes and counters (TIM's group attributes and group counters), and
//! the events that tell of their changes ([`crate::Event::GroupAttributesChanged`],
//! [`crate::Event::GroupCountersChanged`]).

use tincan_proto::api::{
    decrease_group_counter, delete_group_attributes, get_group_attributes, get_group_counters, increase_group_counter,
    init_group_attributes, set_group_attributes, set_group_counters,
};
use tincan_proto::objects::{GroupAttribute, GroupCounter};
use tincan_proto::{ApiError, GroupId};

use crate::Client;

fn attributes_of(pairs: &[(&str, &str)]) -> Vec<GroupAttribute> {
    pairs
        .iter()
        .map(|(key, value)| GroupAttribute {
            group_attribute_key: (*key).to_owned(),
            group_attribute_value: (*value).to_owned(),
        })
        .collect()
}

fn keys_of(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|key| (*key).to_owned()).collect()
}

impl Client {
    /// Replaces every attribute of a group with these (TIM `TIMGroupInitGroupAttributes`).
    pub async fn init_group_attributes(&self, group_id: &str, attributes: &[(&str, &str)]) -> Result<(), ApiError> {
        let request = init_group_attributes::Request {
            group_id: GroupId::parse(group_id)?,
            attributes: attributes_of(attributes),
        };
        self.call(&request).await.map(|_| ())
    }

    /// Sets attributes of a group, keeping the others (TIM `TIMGroupSetGroupAttributes`).
    pub async fn set_group_attributes(&self, group_id: &str, attributes: &[(&str, &str)]) -> Result<(), ApiError> {
        let request = set_group_attributes::Request {
            group_id: GroupId::parse(group_id)?,
            attributes: attributes_of(attributes),
        };
        self.call(&request).await.map(|_| ())
    }

    /// Deletes attributes of a group, every one when `keys` is empty (TIM
    /// `TIMGroupDeleteGroupAttributes`).
    pub async fn delete_group_attributes(&self, group_id: &str, keys: &[&str]) -> Result<(), ApiError> {
        let request = delete_group_attributes::Request { group_id: GroupId::parse(group_id)?, keys: keys_of(keys) };
        self.call(&request).await.map(|_| ())
    }

    /// A group's attributes, every one when `keys` is empty (TIM `TIMGroupGetGroupAttributes`).
    pub async fn group_attributes(&self, group_id: &str, keys: &[&str]) -> Result<Vec<GroupAttribute>, ApiError> {
        let request = get_group_attributes::Request { group_id: GroupId::parse(group_id)?, keys: keys_of(keys) };
        Ok(self.call(&request).await?.attributes)
    }

    /// Sets counters of a group, keeping the others (TIM `TIMGroupSetGroupCounters`); returns
    /// them with their values now.
    pub async fn set_group_counters(
        &self,
        group_id: &str,
        counters: &[(&str, i64)],
    ) -> Result<Vec<GroupCounter>, ApiError> {
        let counters = counters
            .iter()
            .map(|(key, value)| GroupCounter { group_counter_key: (*key).to_owned(), group_counter_value: *value })
            .collect();
        let request = set_group_counters::Request { group_id: GroupId::parse(group_id)?, counters };
        Ok(self.call(&request).await?.counters)
    }

    /// A group's counters, every one when `keys` is empty (TIM `TIMGroupGetGroupCounters`).
    pub async fn group_counters(&self, group_id: &str, keys: &[&str]) -> Result<Vec<GroupCounter>, ApiError> {
        let request = get_group_counters::Request { group_id: GroupId::parse(group_id)?, keys: keys_of(keys) };
        Ok(self.call(&request).await?.counters)
    }

    /// Adds `amount` to a group counter (TIM `TIMGroupIncreaseGroupCounter`); returns its value
    /// now. Not resent after a lost answer, since a resend would add twice.
    pub async fn increase_group_counter(&self, group_id: &str, key: &str, amount: i64) -> Result<i64, ApiError> {
        let request = increase_group_counter::Request {
            group_id: GroupId::parse(group_id)?,
            group_counter_key: key.to_owned(),
            group_counter_value: amount,
        };
        Ok(self.call(&request).await?.group_counter_value)
    }

    /// Takes `amount` from a group counter (TIM `TIMGroupDecreaseGroupCounter`); returns its
    /// value now.
    pub async fn decrease_group_counter(&self, group_id: &str, key: &str, amount: i64) -> Result<i64, ApiError> {
        let request = decrease_group_counter::Request {
            group_id: GroupId::parse(group_id)?,
            group_counter_key: key.to_owned(),
            group_counter_value: amount,
        };
        Ok(self.call(&request).await?.group_counter_value)
    }
}
