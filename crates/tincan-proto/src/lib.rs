//! Wire types of tincan's client protocol.
//!
//! Everything that crosses the WebSocket between `tincan-sdk` and `tincan-server` is defined
//! here, once, so that the two sides cannot drift apart.
//! Objects that TIM defines (messages, conversations, receipts, group members) use TIM's JSON
//! keys exactly, so that an app written against TIM's JSON API reads them unchanged.
//!
//! # Layout
//!
//! - [`error`]: [`ErrorCode`], TIM's numbers for each failure, and [`ApiError`].
//! - [`ids`]: validated identifiers ([`UserId`], [`GroupId`]), and [`ListedId`](ids::ListedId)
//!   for lists answered item by item.
//! - [`conv`]: conversations as requests name them ([`Conv`], and the scopes of read calls).
//! - [`conv_manage`]: what conversation management names and pushes (conversation IDs, drafts,
//!   marks, list filters).
//! - [`enums`]: TIM's numeric enumerations as open newtypes (an unknown value still parses).
//! - [`message`]: the TIM `Message` object and its elements, with validation of what a client
//!   may send.
//! - [`objects`]: the other TIM objects (`ConvInfo`, `MessageReceipt`, group info and members).
//! - [`profile`]: user profiles and user status, with TIM's field limits.
//! - [`friendship`]: the relationship chain's objects (friends, requests, friend groups, the
//!   blocklist) with TIM's keys and limits.
//! - [`frame`]: the envelope of every WebSocket frame (requests, responses, pushes).
//! - [`api`]: one module per operation, each with its `Request` and `Response`.
//! - [`push`]: the events the server pushes.
//! - [`limits`]: every size limit of the protocol, in one place.

pub mod api;
pub mod conv;
pub mod conv_manage;
pub mod enums;
pub mod error;
pub mod follow;
pub mod frame;
pub mod friendship;
pub mod ids;
pub mod limits;
pub mod message;
pub mod objects;
pub mod profile;
pub mod push;

pub use conv::Conv;
pub use error::{ApiError, ErrorCode};
pub use ids::{GroupId, UserId};
pub use message::{Elem, Message};
