//! The home page (`/`), the web console (`/console`) and the chat client (`/chat`): the files
//! built from `web/`, embedded in the binary; the API documents; and the console's sign-in.
//!
//! # Pages and files
//!
//! `GET /`, `GET /console` and `GET /chat` answer the three pages; `GET /web/{path}` answers the
//! scripts and styles they load.
//! `GET /docs/{name}.md` answers the documents of the APIs (`docs/` of the source tree, embedded
//! too) as plain text, so that the home page's links work on a server with nothing installed.
//! Any other path is a 404 that points to `/`.
//! The files are `web/dist`, embedded at compile time by `build.rs`, so `tincan serve` needs
//! nothing else installed, and every page loads only from this server (its Content-Security-Policy
//! says so to the browser too).
//! The files hold no data; the pages ask for it after sign-in.
//!
//! # Console sessions
//!
//! `POST /console/api/session` takes an app's SDKAppID, administrator identifier and an
//! administrator UserSig, checks them as the REST API does, and answers with an `HttpOnly`,
//! `SameSite=Strict` cookie holding a random token.
//! The server keeps, per token, the app and the UserSig it was opened with, in memory.
//! A session lasts while that UserSig stays valid (it expires, or the app's key is rotated
//! elsewhere, and the session ends with it), at most `SESSION_AGE_MAX`, and no longer than the
//! server process.
//!
//! `POST /console/api/rest/{service}/{command}` is the REST API behind that cookie: it checks the
//! session, makes a short-lived UserSig for the target app's administrator, and hands the call to
//! the REST envelope, so the console uses exactly the admin API the CLI uses.
//! `?app=N` names another app; only a session of the root app may use it, as only that
//! app's administrator may manage other apps.
//! Every call that changes something must carry the header `X-Tincan-Console: 1`, which a page of
//! another site cannot send without a CORS grant this server never gives.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tincan_proto::{ApiError, ErrorCode, UserId};

use crate::{AppContext, rest};

/// The routes of the home page, the console, the chat client and the documents.
pub(crate) fn router() -> Router<AppContext> {
    let sessions = Arc::new(Sessions::default());
    Router::new()
        .route("/", get(home_page))
        .route("/docs/{name}", get(document))
        .route("/console", get(console_page))
        .route("/console/", get(console_page))
        .route("/chat", get(chat_page))
        .route("/chat/", get(chat_page))
        .route("/web/{*path}", get(asset))
        .route("/console/api/session", get(get_session).post(create_session).delete(delete_session))
        .route("/console/api/rest/{service}/{command}", post(rest_call))
        .fallback(not_found)
        .layer(Extension(sessions))
}

/// The documents the home page links to, by file name: what an app's developer reads.
const DOCUMENTS: &[(&str, &str)] = &[
    ("protocol.md", include_str!("../../../docs/protocol.md")),
    ("rest-api.md", include_str!("../../../docs/rest-api.md")),
    ("receipts.md", include_str!("../../../docs/receipts.md")),
    ("error-codes.md", include_str!("../../../docs/error-codes.md")),
    ("compatibility.md", include_str!("../../../docs/compatibility.md")),
];

/// One embedded file.
pub(crate) struct Asset {
    path: &'static str,
    content_type: &'static str,
    etag: &'static str,
    bytes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// The longest a console session lasts, whatever its UserSig allows.
const SESSION_AGE_MAX: Duration = Duration::from_secs(12 * 60 * 60);

/// The most console sessions held at once; the oldest goes when a new one would pass it.
const SESSIONS_MAX: usize = 1024;

/// How long the UserSigs made for each console call are valid.
const CALL_USERSIG_SECONDS: u64 = 60;

/// The session cookie's name.
const COOKIE: &str = "tincan_console";

/// The header a changing console call carries.
const CONSOLE_HEADER: &str = "x-tincan-console";

/// What the pages may load: only this server's files, and connections back to it.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn find_asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|asset| asset.path == path)
}

async fn home_page(headers: HeaderMap) -> Response {
    page("index.html", &headers)
}

/// `GET /docs/{name}`: a document as plain text (Markdown reads well as it is).
async fn document(Path(name): Path<String>) -> Response {
    match DOCUMENTS.iter().find(|(file, _)| *file == name) {
        Some((_, text)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8")),
                (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            *text,
        )
            .into_response(),
        None => not_found().await,
    }
}

/// Any path no route takes: a 404 that says where the pages are.
async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found; this server's pages and documents are listed at /\n").into_response()
}

async fn console_page(headers: HeaderMap) -> Response {
    page("console.html", &headers)
}

async fn chat_page(headers: HeaderMap) -> Response {
    page("chat.html", &headers)
}

fn page(path: &str, headers: &HeaderMap) -> Response {
    let Some(asset) = find_asset(path) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "this tincan was built without its web pages: run `npm ci && npm run build` in web/ and rebuild\n",
        )
            .into_response();
    };
    let mut response = serve_asset(asset, headers);
    let page_headers = response.headers_mut();
    page_headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    page_headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    page_headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    // Only the built files under `assets/` are served this way; the pages have their own routes.
    match find_asset(&path).filter(|asset| asset.path.starts_with("assets/")) {
        Some(asset) => serve_asset(asset, &headers),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

fn serve_asset(asset: &'static Asset, headers: &HeaderMap) -> Response {
    let common = [
        (header::ETAG, HeaderValue::from_static(asset.etag)),
        // Names do not change between builds, so the browser asks again each time and gets a 304.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    let fresh = headers.get(header::IF_NONE_MATCH).is_some_and(|tag| tag.as_bytes() == asset.etag.as_bytes());
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (common, [(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type))], asset.bytes).into_response()
}

/// The console sessions of this process.
#[derive(Default)]
struct Sessions {
    by_token: Mutex<HashMap<String, ConsoleSession>>,
}

#[derive(Clone)]
struct ConsoleSession {
    sdkappid: u64,
    identifier: String,
    /// The administrator UserSig the session was opened with (or, after this session rotated the
    /// app's key, one made with the new key); the session ends when it stops verifying.
    user_sig: String,
    opened: Instant,
}

impl Sessions {
    fn open(&self, session: ConsoleSession) -> String {
        let token = format!("{:032x}{:032x}", rand::random::<u128>(), rand::random::<u128>());
        let mut by_token = self.by_token.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        by_token.retain(|_, held| held.opened.elapsed() < SESSION_AGE_MAX);
        if by_token.len() >= SESSIONS_MAX
            && let Some(oldest) = by_token.iter().min_by_key(|(_, held)| held.opened).map(|(token, _)| token.clone())
        {
            by_token.remove(&oldest);
        }
        by_token.insert(token.clone(), session);
        token
    }

    fn get(&self, token: &str) -> Option<ConsoleSession> {
        let by_token = self.by_token.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        by_token.get(token).filter(|held| held.opened.elapsed() < SESSION_AGE_MAX).cloned()
    }

    fn close(&self, token: &str) {
        self.by_token.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(token);
    }

    fn replace_user_sig(&self, token: &str, user_sig: String) {
        if let Some(held) = self.by_token.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get_mut(token) {
            held.user_sig = user_sig;
        }
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, token)| token.to_owned())
}

/// The session a request carries, if it is open and its UserSig still verifies.
fn current_session(context: &AppContext, sessions: &Sessions, headers: &HeaderMap) -> Option<(String, ConsoleSession)> {
    let token = cookie_token(headers)?;
    let session = sessions.get(&token)?;
    if context.engine.verify_admin(session.sdkappid, &session.identifier, &session.user_sig).is_err() {
        sessions.close(&token);
        return None;
    }
    Some((token, session))
}

fn has_console_header(headers: &HeaderMap) -> bool {
    headers.get(CONSOLE_HEADER).is_some_and(|value| value.as_bytes() == b"1")
}

fn is_root_app(context: &AppContext, sdkappid: u64) -> bool {
    context.engine.is_root(sdkappid)
}

/// A console API failure: an HTTP status and TIM's error keys.
fn failure(status: StatusCode, code: ErrorCode, info: impl Into<String>) -> Response {
    let body = json!({"ActionStatus": "FAIL", "ErrorCode": code.0, "ErrorInfo": info.into()});
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

fn not_signed_in() -> Response {
    failure(StatusCode::UNAUTHORIZED, ErrorCode::REST_ADMIN_REQUIRED, "sign in to the console first")
}

fn missing_console_header() -> Response {
    failure(
        StatusCode::FORBIDDEN,
        ErrorCode::REST_ADMIN_REQUIRED,
        "console calls must carry the header X-Tincan-Console: 1",
    )
}

fn session_json(context: &AppContext, session: &ConsoleSession) -> Value {
    json!({
        "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
        "SdkAppId": session.sdkappid,
        "Identifier": session.identifier,
        "ManagesAllApps": is_root_app(context, session.sdkappid),
    })
}

/// `GET /console/api/session`: who is signed in.
async fn get_session(
    State(context): State<AppContext>,
    Extension(sessions): Extension<Arc<Sessions>>,
    headers: HeaderMap,
) -> Response {
    match current_session(&context, &sessions, &headers) {
        Some((_, session)) => {
            ([(header::CACHE_CONTROL, "no-store")], Json(session_json(&context, &session))).into_response()
        }
        None => not_signed_in(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    #[serde(rename = "SdkAppId")]
    sdkappid: u64,
    #[serde(rename = "Identifier")]
    identifier: String,
    #[serde(rename = "UserSig")]
    user_sig: String,
}

/// `POST /console/api/session`: signs in with an administrator UserSig.
async fn create_session(
    State(context): State<AppContext>,
    Extension(sessions): Extension<Arc<Sessions>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !has_console_header(&headers) {
        return missing_console_header();
    }
    let sign_in: SignIn = match serde_json::from_slice(&body) {
        Ok(sign_in) => sign_in,
        Err(err) => {
            return failure(
                StatusCode::BAD_REQUEST,
                ErrorCode::REST_INVALID_PARAMETERS,
                format!("invalid sign-in: {err}"),
            );
        }
    };
    if let Err(error) = context.engine.verify_admin(sign_in.sdkappid, &sign_in.identifier, &sign_in.user_sig) {
        return failure(StatusCode::UNAUTHORIZED, error.code, error.desc);
    }
    let session = ConsoleSession {
        sdkappid: sign_in.sdkappid,
        identifier: sign_in.identifier,
        user_sig: sign_in.user_sig,
        opened: Instant::now(),
    };
    let answer = session_json(&context, &session);
    let token = sessions.open(session);
    let secure = headers.get("x-forwarded-proto").is_some_and(|proto| proto.as_bytes() == b"https");
    let cookie = format!(
        "{COOKIE}={token}; Path=/console/api; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_AGE_MAX.as_secs(),
        if secure { "; Secure" } else { "" }
    );
    let mut response = ([(header::CACHE_CONTROL, "no-store")], Json(answer)).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `DELETE /console/api/session`: signs out.
async fn delete_session(Extension(sessions): Extension<Arc<Sessions>>, headers: HeaderMap) -> Response {
    if !has_console_header(&headers) {
        return missing_console_header();
    }
    if let Some(token) = cookie_token(&headers) {
        sessions.close(&token);
    }
    let expired = format!("{COOKIE}=; Path=/console/api; HttpOnly; SameSite=Strict; Max-Age=0");
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `POST /console/api/rest/{service}/{command}[?app=N]`: a REST command as the signed-in
/// administrator (or, for the root app's administrator, as another app's).
async fn rest_call(
    State(context): State<AppContext>,
    Extension(sessions): Extension<Arc<Sessions>>,
    Path((service, command)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let Some((token, session)) = current_session(&context, &sessions, &headers) else {
        return not_signed_in();
    };
    if !has_console_header(&headers) {
        return missing_console_header();
    }
    let target = match params.get("app").map(|text| text.parse::<u64>()) {
        None => session.sdkappid,
        Some(Ok(sdkappid)) => sdkappid,
        Some(Err(_)) => {
            return failure(StatusCode::BAD_REQUEST, ErrorCode::REST_INVALID_SDKAPPID, "app must be an SDKAppID");
        }
    };
    if target != session.sdkappid && !is_root_app(&context, session.sdkappid) {
        return failure(
            StatusCode::FORBIDDEN,
            ErrorCode::ADMIN_REQUIRED,
            "only the administrator of the root app may manage other apps",
        );
    }
    let (admin, user_sig) = match call_user_sig(&context, target) {
        Ok(credentials) => credentials,
        Err(error) => return failure(StatusCode::OK, error.code, error.desc),
    };
    let query = HashMap::from([
        ("sdkappid".to_owned(), target.to_string()),
        ("identifier".to_owned(), admin.as_str().to_owned()),
        ("usersig".to_owned(), user_sig),
        ("random".to_owned(), rand::random::<u32>().to_string()),
        ("contenttype".to_owned(), "json".to_owned()),
    ]);
    let rotating = service == "tincan" && command == "rotate_key";
    let Json(answer) = rest::handle(State(context.clone()), Path((service, command)), Ok(Query(query)), body).await;
    if rotating && target == session.sdkappid && answer["ErrorCode"] == json!(0) {
        // The UserSig this session holds was made with the old key; this session did the
        // rotation, so it carries on with one made with the new key. Other sessions of the app
        // end, as every other holder of an old UserSig does.
        // The session signed in as this app's administrator, whose identifier `admin` is.
        if let Ok(user_sig) = context.engine.user_sig(target, &admin, SESSION_AGE_MAX.as_secs()) {
            sessions.replace_user_sig(&token, user_sig);
        }
    }
    ([(header::CACHE_CONTROL, "no-store")], Json(answer)).into_response()
}

/// The administrator of an app and a UserSig for it that lives just long enough for one call.
fn call_user_sig(context: &AppContext, sdkappid: u64) -> Result<(UserId, String), ApiError> {
    let app = context.engine.app_info(sdkappid).ok_or_else(|| {
        ApiError::new(ErrorCode::REST_INVALID_SDKAPPID, format!("SDKAppID {sdkappid} does not exist on this server"))
    })?;
    let user_sig = context.engine.user_sig(sdkappid, &app.admin_identifier, CALL_USERSIG_SECONDS)?;
    Ok((app.admin_identifier, user_sig))
}
