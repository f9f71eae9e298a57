//! One module per operation of the client protocol.
//!
//! Each module holds the operation's `Request` and `Response` and implements [`Operation`] for the
//! request, which ties the op name and the response type to it.
//! Parameter keys follow TIM's function parameters where TIM has them.

use serde::Serialize;
use serde::de::DeserializeOwned;

pub mod clean_unread;
pub mod create_group;
pub mod delete_group;
pub mod delete_group_members;
pub mod get_conversation_list;
pub mod get_group_info;
pub mod get_group_members;
pub mod get_joined_groups;
pub mod get_message_list;
pub mod get_read_members;
pub mod get_receipts;
pub mod get_total_unread;
pub mod invite_group_members;
pub mod join_group;
pub mod login;
pub mod logout;
pub mod ping;
pub mod quit_group;
pub mod report_read;
pub mod send_message;
pub mod send_receipts;
pub mod set_receipt_privacy;

/// An operation: its name on the wire and the type of its answer.
pub trait Operation: Serialize + DeserializeOwned {
    /// The `op` of the request frame.
    const OP: &'static str;
    /// What a successful call returns in `data`.
    type Response: Serialize + DeserializeOwned;
}

/// A response with no data.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Empty {}

/// Every op name, for documentation and for the server's dispatch test.
pub const ALL_OPS: &[&str] = &[
    login::Request::OP,
    logout::Request::OP,
    ping::Request::OP,
    send_message::Request::OP,
    get_message_list::Request::OP,
    send_receipts::Request::OP,
    get_receipts::Request::OP,
    get_read_members::Request::OP,
    report_read::Request::OP,
    get_conversation_list::Request::OP,
    get_total_unread::Request::OP,
    clean_unread::Request::OP,
    create_group::Request::OP,
    delete_group::Request::OP,
    invite_group_members::Request::OP,
    delete_group_members::Request::OP,
    quit_group::Request::OP,
    join_group::Request::OP,
    get_group_info::Request::OP,
    get_group_members::Request::OP,
    get_joined_groups::Request::OP,
    set_receipt_privacy::Request::OP,
];
