//! Every client operation, by area.
//!
//! [`call`] parses an operation's parameters (a 6017 naming the field when they are wrong),
//! runs it, and writes its result; no handler formats errors by hand.

pub(crate) mod admin;
pub(crate) mod common;
pub(crate) mod conversations;
pub(crate) mod directory;
pub(crate) mod groups;
pub(crate) mod messages;
pub(crate) mod receipts;
pub(crate) mod session;

use serde::Serialize;
use serde_json::value::RawValue;
use tincan_proto::api::{self, Operation};
use tincan_proto::frame::parse_data;
use tincan_proto::{ApiError, ErrorCode};

use crate::engine::{Engine, Session};

fn encode<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|err| crate::engine::internal(format!("cannot encode a result: {err}")))
}

macro_rules! route {
    ($engine:expr, $session:expr, $op:expr, $data:expr, { $($module:ident => $handler:path,)* }) => {
        match $op {
            $(api::$module::Request::OP => {
                let request: api::$module::Request = parse_data($data)?;
                encode(&$handler($engine, $session, request).await?)
            })*
            api::login::Request::OP => Err(ApiError::new(ErrorCode::INVALID_OPERATION, "already logged in on this connection")),
            other => Err(ApiError::new(ErrorCode::INVALID_OPERATION, format!("unknown operation {other:?}"))),
        }
    };
}

/// Runs operation `op` with its raw parameters.
pub(crate) async fn call(
    engine: &Engine,
    session: &Session,
    op: &str,
    data: Option<&RawValue>,
) -> Result<String, ApiError> {
    route!(engine, session, op, data, {
        ping => session::ping,
        logout => session::logout,
        send_message => messages::send,
        get_message_list => messages::get_list,
        report_read => conversations::report_read,
        get_conversation_list => conversations::get_list,
        get_total_unread => conversations::get_total_unread,
        clean_unread => conversations::clean_unread,
        send_receipts => receipts::send,
        get_receipts => receipts::get,
        get_read_members => receipts::get_read_members,
        set_receipt_privacy => receipts::set_privacy,
        create_group => groups::create,
        delete_group => groups::delete,
        invite_group_members => groups::invite,
        delete_group_members => groups::delete_members,
        quit_group => groups::quit,
        join_group => groups::join,
        get_group_info => groups::get_info,
        get_group_members => groups::get_members,
        get_joined_groups => groups::get_joined,
    })
}

impl Engine {
    /// Runs one operation with typed parameters for `session`: the REST API's way into the same
    /// operations the clients call, with the same checks and the same pushes.
    pub async fn call_op<R: Operation>(&self, session: &Session, request: &R) -> Result<R::Response, ApiError> {
        let data = serde_json::value::to_raw_value(request)
            .map_err(|err| crate::engine::internal(format!("cannot encode a {} request: {err}", R::OP)))?;
        let answer = call(self, session, R::OP, Some(&data)).await?;
        serde_json::from_str(&answer)
            .map_err(|err| crate::engine::internal(format!("cannot decode a {} result: {err}", R::OP)))
    }

    /// Creates a group for the REST API, owned by `owner` or by no one.
    pub async fn create_group_owned_by(
        &self,
        session: &Session,
        owner: Option<tincan_proto::UserId>,
        request: api::create_group::Request,
    ) -> Result<api::create_group::Response, ApiError> {
        groups::create_owned_by(self, session, owner, request).await
    }
}
