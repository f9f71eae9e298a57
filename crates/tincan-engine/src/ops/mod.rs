//! Every client operation, by area.
//!
//! Each area implements [`Handle`] for its operations' requests; [`call`], generated from the
//! protocol's declaration of operations, parses an operation's parameters (a 6017 naming the
//! field when they are wrong), runs its handler, and writes its result; no handler formats
//! errors by hand.

pub(crate) mod admin;
pub(crate) mod common;
pub(crate) mod conversations;
pub(crate) mod directory;
pub(crate) mod extensions;
pub(crate) mod follows;
pub(crate) mod friends;
pub(crate) mod group_attributes;
pub(crate) mod group_pendency;
pub(crate) mod group_profiles;
pub(crate) mod group_search;
pub(crate) mod groups;
pub(crate) mod lifecycle;
pub(crate) mod messages;
pub(crate) mod profiles;
pub(crate) mod receipts;
pub(crate) mod session;

use std::future::Future;

use serde::Serialize;
use serde_json::value::RawValue;
use tincan_proto::api::{self, OpKind, Operation};
use tincan_proto::frame::parse_data;
use tincan_proto::{ApiError, ErrorCode};

use crate::engine::{Engine, Session};

/// The engine's side of an operation: what its request does. Every operation the protocol
/// declares (`tincan_proto::with_operations!`) has one, in the module of its area; the
/// dispatch below is generated from the same declaration, so an operation without a handler
/// does not compile.
pub trait Handle: Operation {
    /// Runs the request for `session`.
    #[doc(hidden)]
    fn handle<'a>(
        self,
        engine: &'a Engine,
        session: &'a Session,
    ) -> impl Future<Output = Result<Self::Response, ApiError>> + Send + 'a;
}

/// Implements [`Handle`] for a request by an async function of the area,
/// `fn(&Engine, &Session, Request) -> Result<Response, ApiError>`.
macro_rules! handle {
    ($request:ty => $handler:path) => {
        impl $crate::ops::Handle for $request {
            fn handle<'a>(
                self,
                engine: &'a $crate::engine::Engine,
                session: &'a $crate::engine::Session,
            ) -> impl ::std::future::Future<
                Output = Result<<Self as tincan_proto::api::Operation>::Response, tincan_proto::ApiError>,
            > + Send
            + 'a {
                $handler(engine, session, self)
            }
        }
    };
}
pub(crate) use handle;

fn encode<T: Serialize + 'static>(value: &T) -> Result<String, ApiError> {
    // A send's answer, the most frequent answer of all, holds a message: it is written by hand,
    // as every message push is (the same bytes, at a good part less of the cost). A check here
    // rather than a method on every answer type: serde offers no cheaper path for the others,
    // and answers shared by many operations (`Empty`) could not each carry their own.
    let json = match (value as &dyn std::any::Any).downcast_ref::<api::send_message::Response>() {
        Some(answer) => answer.to_json(),
        None => serde_json::to_string(value),
    };
    json.map_err(|err| crate::engine::internal(format!("cannot encode a result: {err}")))
}

macro_rules! dispatch {
    ($( $variant:ident $module:ident $name:literal [$($response:tt)+] $idempotent:literal $summary:literal; )*) => {
        /// Runs operation `op` with its raw parameters (a 6017 naming the field when they are
        /// wrong); returns its result as JSON.
        pub(crate) async fn call(
            engine: &Engine,
            session: &Session,
            op: &str,
            data: Option<&RawValue>,
        ) -> Result<String, ApiError> {
            // A second login is refused whatever its data says, so its data is not read.
            if op == api::login::Request::OP {
                return Err(logged_in_already());
            }
            match OpKind::from_name(op) {
                $(Some(OpKind::$variant) => {
                    let request: api::$module::Request = parse_data(data)?;
                    encode(&request.handle(engine, session).await?)
                })*
                None => Err(ApiError::new(ErrorCode::INVALID_OPERATION, format!("unknown operation {op:?}"))),
            }
        }
    };
}

tincan_proto::with_operations!(dispatch);

/// A connection logs in once, in its first frame; the server handles that before any call.
async fn login_again(
    _engine: &Engine,
    _session: &Session,
    _request: api::login::Request,
) -> Result<api::login::Response, ApiError> {
    Err(logged_in_already())
}

fn logged_in_already() -> ApiError {
    ApiError::new(ErrorCode::INVALID_OPERATION, "already logged in on this connection")
}

handle!(api::login::Request => login_again);

impl Engine {
    /// Runs one operation with typed parameters for `session`: the REST API's way into the same
    /// operations the clients call, with the same checks and the same pushes, without encoding
    /// the request or decoding the answer.
    pub async fn call_op<R: Handle>(&self, session: &Session, request: R) -> Result<R::Response, ApiError> {
        request.handle(self, session).await
    }

    /// Creates a group for the REST API, owned by `owner` or by no one.
    pub async fn create_group_owned_by(
        &self,
        session: &Session,
        owner: Option<tincan_proto::UserId>,
        request: api::create_group::Request,
    ) -> Result<api::create_group::Response, ApiError> {
        groups::create_owned_by(self, session, owner, request, None).await
    }

    /// Creates a group for the REST API as it was created in another system at `created_at`
    /// (now when `None`; REST `import_group`): owned by `owner` or by no one, and not reported
    /// to the after-create webhook.
    pub async fn import_group(
        &self,
        session: &Session,
        owner: Option<tincan_proto::UserId>,
        request: api::create_group::Request,
        created_at: Option<u64>,
    ) -> Result<api::create_group::Response, ApiError> {
        let created_at = created_at.unwrap_or_else(|| self.now());
        groups::create_owned_by(self, session, owner, request, Some(created_at)).await
    }
}
