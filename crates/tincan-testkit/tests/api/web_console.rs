//! The console's HTTP surface without a browser: the embedded pages and files, the documents,
//! sign-in, the session cookie, the guard header, the REST calls behind the session, and how key
//! rotation ends sessions.

use std::net::SocketAddr;

use serde_json::{Value, json};
use tincan_testkit::{SDKAPPID, TestApp, spawn_app, user_sig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One HTTP/1.1 answer.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

async fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut stream = TcpStream::connect(addr).await.expect("the server accepts");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.expect("the request is written");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("the answer is read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let mut lines = head.lines();
    let status =
        lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok()).expect("a status");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Answer { status, headers, body: body.to_owned() }
}

const GUARD: (&str, &str) = ("X-Tincan-Console", "1");

async fn sign_in(app: &TestApp, sdkappid: u64, user_sig: &str) -> Answer {
    let body = json!({"SdkAppId": sdkappid, "Identifier": "administrator", "UserSig": user_sig}).to_string();
    http(app.addr, "POST", "/console/api/session", &[GUARD, ("Content-Type", "application/json")], &body).await
}

/// The `name=value` part of the session cookie an answer sets.
fn cookie_of(answer: &Answer) -> String {
    let set_cookie = answer.header("set-cookie").expect("a session cookie");
    set_cookie.split(';').next().expect("a cookie pair").to_owned()
}

async fn console_rest(app: &TestApp, cookie: &str, command_path: &str, body: &str) -> Answer {
    http(app.addr, "POST", &format!("/console/api/rest/{command_path}"), &[GUARD, ("Cookie", cookie)], body).await
}

#[tokio::test]
async fn the_pages_and_their_files_are_served_from_the_binary() {
    let app = spawn_app().await;
    for page in ["/", "/console", "/chat"] {
        let answer = http(app.addr, "GET", page, &[], "").await;
        assert_eq!(answer.status, 200, "{page}");
        assert!(answer.header("content-type").is_some_and(|kind| kind.starts_with("text/html")));
        let policy = answer.header("content-security-policy").expect("a content security policy");
        assert!(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"), "{policy}");
        // Every script and stylesheet the page names is on this server.
        for url in answer.body.split('"').filter(|part| part.starts_with("/web/assets/")) {
            let file = http(app.addr, "GET", url, &[], "").await;
            assert_eq!(file.status, 200, "{url}");
            let etag = file.header("etag").expect("an entity tag").to_owned();
            let again = http(app.addr, "GET", url, &[("If-None-Match", &etag)], "").await;
            assert_eq!(again.status, 304, "{url}");
        }
        assert!(!answer.body.contains("http://") && !answer.body.contains("https://"), "{page} names another site");
    }
    for path in ["/web/console.html", "/web/assets/nothing.js", "/web/../Cargo.toml"] {
        assert_eq!(http(app.addr, "GET", path, &[], "").await.status, 404, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_home_pages_documents_are_served_and_unknown_paths_point_home() {
    let app = spawn_app().await;
    let home = http(app.addr, "GET", "/", &[], "").await;
    for link in ["/console", "/chat", "/healthz", "/metrics", "/docs/protocol.md", "/docs/rest-api.md"] {
        assert!(home.body.contains(&format!("href=\"{link}\"")), "the home page links to {link}");
    }
    for (name, title) in [("protocol.md", "# The tincan client protocol"), ("rest-api.md", "# "), ("receipts.md", "# ")]
    {
        let document = http(app.addr, "GET", &format!("/docs/{name}"), &[], "").await;
        assert_eq!(document.status, 200, "{name}");
        assert_eq!(document.header("content-type"), Some("text/plain; charset=utf-8"));
        assert!(document.body.starts_with(title), "{name}");
    }
    for path in ["/docs/README.md", "/docs/..%2FCargo.toml", "/nowhere", "/console/nowhere"] {
        let answer = http(app.addr, "GET", path, &[], "").await;
        assert_eq!(answer.status, 404, "{path}");
        assert!(answer.body.contains("listed at /"), "{path}: {}", answer.body);
    }
    app.stop().await;
}

#[tokio::test]
async fn nothing_answers_without_a_session_and_a_session_needs_an_administrator_usersig() {
    let app = spawn_app().await;
    let no_session = http(app.addr, "POST", "/console/api/rest/tincan/get_app", &[GUARD], "{}").await;
    assert_eq!(no_session.status, 401);
    assert_eq!(http(app.addr, "GET", "/console/api/session", &[], "").await.status, 401);
    let forged = console_rest(&app, "tincan_console=00112233445566778899aabbccddeeff", "tincan/get_app", "{}").await;
    assert_eq!(forged.status, 401);

    // A user's UserSig, a UserSig of an unknown app, and a sign-in without the guard header fail.
    let refused = sign_in(&app, SDKAPPID, &user_sig("alice")).await;
    assert_eq!((refused.status, refused.json()["ErrorCode"].as_u64()), (401, Some(70013)));
    assert_eq!(sign_in(&app, SDKAPPID + 1, &user_sig("administrator")).await.status, 401);
    let body = json!({"SdkAppId": SDKAPPID, "Identifier": "administrator", "UserSig": user_sig("administrator")});
    let unguarded = http(app.addr, "POST", "/console/api/session", &[], &body.to_string()).await;
    assert_eq!(unguarded.status, 403);

    let signed_in = sign_in(&app, SDKAPPID, &user_sig("administrator")).await;
    assert_eq!(signed_in.status, 200);
    let set_cookie = signed_in.header("set-cookie").expect("a session cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert_eq!(signed_in.json()["ManagesAllApps"], json!(true));
    let cookie = cookie_of(&signed_in);

    // The REST API behind the session, with the guard header and only with it.
    let app_info = console_rest(&app, &cookie, "tincan/get_app", "{}").await;
    assert_eq!(app_info.json()["App"]["sdkappid"], json!(SDKAPPID));
    let unguarded =
        http(app.addr, "POST", "/console/api/rest/tincan/get_app", &[("Cookie", cookie.as_str())], "{}").await;
    assert_eq!(unguarded.status, 403);
    let changed = console_rest(&app, &cookie, "tincan/set_app_config", r#"{"receipt_group_types": ["Public"]}"#).await;
    assert_eq!(changed.json()["App"]["receipt_group_types"], json!(["Public"]));
    assert_eq!(app.engine().app_info(SDKAPPID).expect("the app").receipt_group_types, vec!["Public".to_owned()]);

    // Signing out ends the session.
    let signed_out = http(app.addr, "DELETE", "/console/api/session", &[GUARD, ("Cookie", cookie.as_str())], "").await;
    assert_eq!(signed_out.status, 204);
    assert_eq!(console_rest(&app, &cookie, "tincan/get_app", "{}").await.status, 401);
    app.stop().await;
}

#[tokio::test]
async fn only_the_first_apps_administrator_manages_other_apps_and_a_rotation_ends_other_sessions() {
    let app = spawn_app().await;
    let root = cookie_of(&sign_in(&app, SDKAPPID, &user_sig("administrator")).await);
    let created = console_rest(&app, &root, "tincan/create_app", r#"{"Plan": "Pro"}"#).await.json();
    let other_app = created["App"]["sdkappid"].as_u64().expect("a new SDKAppID");

    // The first app's administrator acts on the new app with `?app=`.
    let other_info = console_rest(&app, &root, &format!("tincan/get_app?app={other_app}"), "{}").await.json();
    assert_eq!(other_info["App"]["plan"], json!("Pro"));

    // The new app's administrator signs in and may not reach the first app.
    let admin = tincan_proto::UserId::parse("administrator").expect("a valid identifier");
    let other_sig = app.engine().user_sig(other_app, &admin, 3600).expect("a UserSig");
    let other_session = sign_in(&app, other_app, &other_sig).await;
    assert_eq!(other_session.json()["ManagesAllApps"], json!(false));
    let other = cookie_of(&other_session);
    let reach = console_rest(&app, &other, &format!("tincan/get_app?app={SDKAPPID}"), "{}").await;
    assert_eq!(reach.status, 403);
    let second = cookie_of(&sign_in(&app, other_app, &other_sig).await);

    // One of the new app's sessions rotates its key: it carries on, the other one ends.
    let rotated = console_rest(&app, &other, "tincan/rotate_key", "{}").await.json();
    assert_eq!(rotated["ErrorCode"], json!(0));
    assert_eq!(console_rest(&app, &other, "tincan/get_app", "{}").await.status, 200);
    assert_eq!(console_rest(&app, &second, "tincan/get_app", "{}").await.status, 401);
    assert_eq!(sign_in(&app, other_app, &other_sig).await.status, 401);

    // A rotation made elsewhere (here, through the engine, as the CLI's REST call would) ends
    // every session of that app at its next call.
    app.engine().rotate_key(other_app).await.expect("the key rotates");
    assert_eq!(console_rest(&app, &other, "tincan/get_app", "{}").await.status, 401);
    assert_eq!(console_rest(&app, &root, "tincan/get_app", "{}").await.status, 200);
    app.stop().await;
}
