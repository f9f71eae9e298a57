//! A webhook receiver for tests: a real HTTP server on loopback that records every call and
//! answers as the test tells it to.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One webhook call as received.
#[derive(Clone, Debug)]
pub struct Hook {
    /// The query string.
    pub query: HashMap<String, String>,
    /// The JSON body.
    pub body: Value,
}

impl Hook {
    /// The `CallbackCommand` of the query string.
    pub fn command(&self) -> &str {
        self.query.get("CallbackCommand").map(String::as_str).unwrap_or_default()
    }
}

/// How the receiver answers.
#[derive(Clone, Debug)]
pub enum Answer {
    /// HTTP 200 with `{"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}`.
    Ok,
    /// HTTP 200 with this body.
    Json(Value),
    /// HTTP 500.
    Fail,
    /// No answer for this long (then the OK answer).
    Hang(Duration),
}

#[derive(Default)]
struct Script {
    /// Answers by command; commands not listed get `Answer::Ok`.
    answers: HashMap<String, Answer>,
}

#[derive(Clone)]
struct ReceiverState {
    calls: mpsc::UnboundedSender<Hook>,
    script: Arc<Mutex<Script>>,
}

/// A running receiver.
pub struct HookReceiver {
    /// The URL to configure as the app's callback URL.
    pub url: String,
    /// Where it listens.
    pub addr: SocketAddr,
    calls: mpsc::UnboundedReceiver<Hook>,
    script: Arc<Mutex<Script>>,
    task: tokio::task::JoinHandle<()>,
}

impl HookReceiver {
    /// Starts a receiver on a free loopback port.
    pub async fn start() -> HookReceiver {
        HookReceiver::start_at(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a receiver on `addr`.
    pub async fn start_at(addr: SocketAddr) -> HookReceiver {
        let listener = TcpListener::bind(addr).await.expect("the receiver binds");
        let addr = listener.local_addr().expect("a local address");
        let (sender, calls) = mpsc::unbounded_channel();
        let script = Arc::new(Mutex::new(Script::default()));
        let state = ReceiverState { calls: sender, script: script.clone() };
        let router = axum::Router::new().route("/hook", post(receive)).with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        HookReceiver { url: format!("http://{addr}/hook"), addr, calls, script, task }
    }

    /// A free loopback address with nothing listening on it (yet).
    pub async fn unused_addr() -> SocketAddr {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("binds");
        listener.local_addr().expect("a local address")
    }

    /// Answers calls of `command` with `answer` from now on.
    pub fn answer(&self, command: &str, answer: Answer) {
        self.script.lock().expect("the script lock").answers.insert(command.to_owned(), answer);
    }

    /// The next call of `command` (others are skipped), within `timeout`.
    pub async fn next(&mut self, command: &str, timeout: Duration) -> Hook {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.calls.recv()).await {
                Ok(Some(hook)) if hook.command() == command => return hook,
                Ok(Some(_)) => continue,
                _ => panic!("no {command} webhook within {timeout:?}"),
            }
        }
    }

    /// Every call received within `quiet` of the previous one.
    pub async fn drain(&mut self, quiet: Duration) -> Vec<Hook> {
        let mut hooks = Vec::new();
        while let Ok(Some(hook)) = tokio::time::timeout(quiet, self.calls.recv()).await {
            hooks.push(hook);
        }
        hooks
    }

    /// Stops listening.
    pub fn stop(self) {
        self.task.abort();
    }
}

async fn receive(
    State(state): State<ReceiverState>,
    Query(query): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Response {
    let command = query.get("CallbackCommand").cloned().unwrap_or_default();
    let answer = state.script.lock().expect("the script lock").answers.get(&command).cloned().unwrap_or(Answer::Ok);
    let _ = state.calls.send(Hook { query, body });
    let ok = || Json(json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})).into_response();
    match answer {
        Answer::Ok => ok(),
        Answer::Json(value) => Json(value).into_response(),
        Answer::Fail => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Answer::Hang(pause) => {
            tokio::time::sleep(pause).await;
            ok()
        }
    }
}
