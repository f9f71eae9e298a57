//! tincan's domain rules, with no I/O.
//!
//! Everything here is plain data and pure functions over it: no clock (times come in as
//! arguments, in seconds), no randomness, no async, no storage, no serialization derives.
//! The engine holds these types in memory behind locks, persists what they decide through the
//! store, and pushes what changed.
//!
//! # Layout
//!
//! - [`config`]: an app's plan and its receipt settings, with their defaults.
//! - [`conv`]: conversation keys and the per-user read state that unread counts derive from.
//! - [`group`]: a group, its members (each with a dense member index) and the membership rules.
//! - [`group_attributes`]: a group's custom attributes and counters, their limits and changes.
//! - [`receipts`]: per-message reader bitmaps for group receipts: counts and stable paging.
//! - [`history`]: TIM's history anchor rules turned into a plan the store can run.
//! - [`msgid`]: message IDs.

pub mod config;
pub mod conv;
pub mod group;
pub mod group_attributes;
pub mod history;
pub mod member_search;
pub mod msgid;
pub mod receipts;
