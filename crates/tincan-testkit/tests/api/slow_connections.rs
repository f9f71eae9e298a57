//! Connections that never authenticate: silent sockets, half-sent requests, bodies that never
//! come, idle kept-alive connections and WebSockets that never log in are closed within the
//! time limit; past the connection caps new connections are refused cleanly while `/healthz`
//! still answers and logged-in users are served.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tincan_proto::enums::ConvType;
use tincan_server::ConnectionLimits;
use tincan_testkit::{TestApp, spawn_app_limited};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{WAIT, message_of};

const LIMIT: Duration = Duration::from_millis(1_000);

fn limits(connections_max: usize, unauthenticated_max: usize) -> ConnectionLimits {
    ConnectionLimits { connections_max, unauthenticated_max, handshake_timeout: LIMIT }
}

/// Reads until the server closes the connection; returns what it sent, or panics after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> String {
    let mut received = Vec::new();
    let reading = async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(within, reading).await.expect("the server closes the connection in time");
    String::from_utf8_lossy(&received).into_owned()
}

/// One request on a new connection, the answer read to its end.
async fn request(addr: SocketAddr, text: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(text.as_bytes()).await.unwrap();
    read_until_closed(&mut stream, WAIT).await
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
}

fn rest_path(app: &TestApp, command: &str) -> String {
    let admin = app.admin();
    format!(
        "/v4/{command}?sdkappid={}&identifier={}&usersig={}&random=1&contenttype=json",
        admin.sdkappid, admin.identifier, admin.user_sig
    )
}

#[tokio::test]
async fn every_stage_before_authentication_is_timed_out() {
    let app = spawn_app_limited(limits(1_000, 1_000)).await;
    let started = Instant::now();
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    let mut half_head = TcpStream::connect(app.addr).await.unwrap();
    half_head.write_all(b"GET /healthz HTTP/1.1\r\nHost: te").await.unwrap();
    // A body that declares a million bytes and sends ten.
    let mut short_body = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\n\r\n{{\"a\": 123",
        rest_path(&app, "im_open_login_svc/account_check")
    );
    short_body.write_all(head.as_bytes()).await.unwrap();
    // A kept-alive connection that goes quiet after one answer.
    let mut kept_alive = TcpStream::connect(app.addr).await.unwrap();
    kept_alive.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").await.unwrap();
    // A WebSocket that never logs in.
    let (mut not_logged_in, _) = tokio_tungstenite::connect_async(app.ws_url()).await.unwrap();

    assert_eq!(read_until_closed(&mut silent, LIMIT * 4).await, "");
    read_until_closed(&mut half_head, LIMIT * 4).await;
    let answer = read_until_closed(&mut short_body, LIMIT * 4).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert!(answer.contains(r#""ErrorCode":60008"#), "a body that never came is answered in TIM's envelope: {answer}");
    let answer = read_until_closed(&mut kept_alive, LIMIT * 4).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK") && answer.ends_with("ok\n"), "{answer}");
    use futures_util::StreamExt;
    let closed = tokio::time::timeout(LIMIT * 4, async { while let Some(Ok(_)) = not_logged_in.next().await {} }).await;
    assert!(closed.is_ok(), "a WebSocket that never logged in was left open");
    assert!(started.elapsed() < LIMIT * 4, "all closed within the limit and a margin: {:?}", started.elapsed());
    app.stop().await;
}

#[tokio::test]
async fn past_the_caps_new_connections_are_refused_cleanly_and_healthz_still_answers() {
    // Goal: connections that never authenticate fill the cap; the server refuses new ones with
    // a clear answer instead of hanging, `/healthz` answers, users already logged in are served,
    // and once the silent connections time out new users log in again.
    let app = spawn_app_limited(limits(60, 20)).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (_bob, mut bob_events) = app.client("bob").await;
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(TcpStream::connect(app.addr).await.unwrap());
    }
    // Let the server take them all before the next ones.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let health = request(app.addr, &get("/healthz")).await;
    assert!(health.starts_with("HTTP/1.1 200 OK"), "{health}");
    let refused = request(app.addr, &get("/console")).await;
    assert!(refused.starts_with("HTTP/1.1 503 "), "{refused}");
    assert!(refused.contains(r#""ErrorCode":65001"#), "{refused}");
    assert!(app.try_client("carol").await.is_err(), "a new login past the cap is refused");
    alice.send_text("bob", ConvType::C2C, "still served", false).await.unwrap();
    tincan_testkit::wait_for(&mut bob_events, WAIT, message_of).await;

    // The silent ones are closed by the time limit; new users get in again.
    for mut stream in silent {
        read_until_closed(&mut stream, LIMIT * 4).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_carol, _carol_events) = app.client("carol").await;
    let metrics = request(app.addr, &get("/metrics")).await;
    let refused_total = metrics
        .lines()
        .find_map(|line| line.strip_prefix("tincan_http_connections_refused_total "))
        .and_then(|value| value.trim().parse::<u64>().ok())
        .expect("the refusals are counted");
    assert!(refused_total >= 2, "{refused_total}");
    app.stop().await;
}

#[tokio::test]
async fn oversized_requests_are_answered_in_tims_envelope() {
    let app = spawn_app_limited(limits(1_000, 1_000)).await;
    // A body over the limit, in a service with its own code and in one without.
    for (command, size, code) in [
        ("im_open_login_svc/account_check", 2_100_000, 70402),
        ("openim/sendmsg", 2_100_000, 93000),
        ("openim/sendmsg", 10_000_000, 93000),
    ] {
        let body = format!("{{\"pad\": \"{}\"}}", "x".repeat(size));
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            rest_path(&app, command),
            body.len()
        );
        let answer = request(app.addr, &(head + &body)).await;
        assert!(answer.starts_with("HTTP/1.1 200 "), "{command} {size}: {}", &answer[..answer.len().min(300)]);
        assert!(answer.contains(&format!(r#""ErrorCode":{code}"#)), "{command} {size}: {answer}");
        assert!(answer.contains("the limit is 2097152 bytes"), "{answer}");
    }
    // A query string of 200 KB.
    let path = format!("{}&pad={}", rest_path(&app, "im_open_login_svc/account_check"), "y".repeat(200_000));
    let head = format!("POST {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{{}}");
    let answer = request(app.addr, &head).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{}", &answer[..answer.len().min(300)]);
    assert!(answer.contains(r#""ErrorCode":60002"#), "{answer}");
    // And the server goes on.
    assert!(request(app.addr, &get("/healthz")).await.starts_with("HTTP/1.1 200 OK"));
    app.stop().await;
}
