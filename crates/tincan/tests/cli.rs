//! The `tincan` binary as a user runs it: serve, then the CLI against it; a crash (SIGKILL)
//! loses nothing that was acknowledged.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn tincan(data: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tincan"));
    command
        .env("TINCAN_DATA", data)
        .env("TINCAN_SERVER", format!("127.0.0.1:{port}"))
        .env_remove("TINCAN_KEY")
        .env_remove("TINCAN_SDKAPPID");
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

/// Starts `tincan serve` and waits until /healthz answers; returns the child and what it printed.
fn serve(data: &Path, port: u16) -> (Child, String) {
    let mut child = tincan(data, port)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tincan serve starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if http_get(port, "/healthz").is_some_and(|answer| answer.starts_with("HTTP/1.1 200")) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    for _ in 0..9 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        banner.push_str(&line);
    }
    (child, banner)
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("the command runs");
    assert!(output.status.success(), "{:?} failed: {}", command, String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn serve_then_use_every_cli_command_and_survive_a_crash() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut server, banner) = serve(data.path(), port);
    // The banner names the default app, where its key is, and the URLs.
    assert!(banner.contains("SDKAppID 14"), "{banner}");
    assert!(banner.contains("(created now)"), "{banner}");
    assert!(banner.contains("administrator"), "{banner}");
    assert!(banner.contains(".key"), "{banner}");
    assert!(banner.contains(&format!("ws://127.0.0.1:{port}/ws")), "{banner}");
    assert!(banner.contains("/metrics"), "{banner}");
    let key_file = std::fs::read_dir(data.path().join("apps")).unwrap().next().unwrap().unwrap().path();
    let sdkappid: u64 = key_file.file_stem().unwrap().to_str().unwrap().parse().unwrap();
    let key = std::fs::read_to_string(&key_file).unwrap().trim().to_owned();

    // usersig prints a sig that verifies with the app's key.
    let sig = run(tincan(data.path(), port).args(["usersig", "--user", "alice"]));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    tincan_usersig::verify(&key, sdkappid, "alice", sig.trim(), now).expect("the printed UserSig verifies");

    // tail as bob (sending receipts), send as alice.
    let tail = tincan(data.path(), port)
        .args(["tail", "--as", "bob", "--seconds", "4", "--send-receipts"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    run(tincan(data.path(), port).args(["send", "--as", "alice", "--to", "bob", "--receipt", "hello from the cli"]));
    let tail_output = tail.wait_with_output().unwrap();
    let tail_text = String::from_utf8(tail_output.stdout).unwrap();
    assert!(tail_text.contains("hello from the cli"), "{tail_text}");

    // Groups.
    let group_id =
        run(tincan(data.path(), port).args(["group", "create", "--as", "alice", "--name", "crew", "--members", "bob"]))
            .trim()
            .to_owned();
    assert!(group_id.starts_with("@TGS#"), "{group_id}");
    run(tincan(data.path(), port).args([
        "send",
        "--as",
        "alice",
        "--to",
        &group_id,
        "--group",
        "--receipt",
        "crew message",
    ]));
    let members = run(tincan(data.path(), port).args(["group", "members", "--as", "bob", "--group", &group_id]));
    assert_eq!(members.lines().count(), 2, "{members}");

    // App configuration changes while the server runs.
    let config = run(tincan(data.path(), port).args([
        "app",
        "config",
        "--receipt-group-types",
        "Work,Community",
        "--coalesce-ms",
        "50",
        "--callback-url",
        "http://127.0.0.1:9/im-callback",
        "--callback-commands",
        "C2C.CallbackAfterSendMsg,Group.CallbackAfterReadReceipt",
    ]));
    assert!(config.contains("Community") && config.contains("\"receipt_coalesce_window_ms\": 50"), "{config}");
    assert!(
        config.contains("http://127.0.0.1:9/im-callback") && config.contains("Group.CallbackAfterReadReceipt"),
        "{config}"
    );
    let shown = run(tincan(data.path(), port).args(["app", "show"]));
    assert!(shown.contains("Community"), "{shown}");
    let config =
        run(tincan(data.path(), port).args(["app", "config", "--plan", "Pro", "--receipt-group-members-max", "500"]));
    assert!(config.contains("\"Pro\"") && config.contains("\"receipt_group_members_max\": 500"), "{config}");
    run(tincan(data.path(), port).args(["app", "config", "--plan", "Ultimate"]));
    run(tincan(data.path(), port).args(["privacy", "--user", "bob", "--private", "true"]));

    // Acknowledged messages survive SIGKILL.
    for index in 0..5 {
        run(tincan(data.path(), port).args(["send", "--as", "alice", "--to", "bob", &format!("durable {index}")]));
    }
    let metrics = http_get(port, "/metrics").unwrap();
    assert!(metrics.contains("tincan_messages_total 7"), "{metrics}");
    server.kill().unwrap();
    server.wait().unwrap();
    let (mut server, banner) = serve(data.path(), port);
    assert!(!banner.contains("(created now)"), "the default app is kept: {banner}");
    let history = run(tincan(data.path(), port).args(["history", "--as", "bob", "--with", "alice", "--count", "10"]));
    for index in 0..5 {
        assert!(history.contains(&format!("durable {index}")), "message {index} survived the crash: {history}");
    }
    assert_eq!(history.lines().count(), 6);
    let config = run(tincan(data.path(), port).args(["app", "show"]));
    assert!(config.contains("Community"), "configuration survived: {config}");
    assert!(config.contains("C2C.CallbackAfterSendMsg"), "webhook settings survived: {config}");
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn serve_takes_pinned_credentials_from_flags_and_environment() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = tincan(data.path(), port)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--sdkappid", "1400000123"])
        .env("TINCAN_KEY", "a-pinned-key-of-enough-length")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    let mut second = String::new();
    stdout.read_line(&mut first).unwrap();
    stdout.read_line(&mut second).unwrap();
    assert!(second.contains("SDKAppID 1400000123"), "{second}");
    let key = std::fs::read_to_string(data.path().join("apps/1400000123.key")).unwrap();
    assert_eq!(key.trim(), "a-pinned-key-of-enough-length");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn serve_takes_its_address_and_app_from_the_environment() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = tincan(data.path(), port)
        .arg("serve")
        .env("TINCAN_LISTEN", format!("127.0.0.1:{port}"))
        .env("TINCAN_SDKAPPID", "1400000456")
        .env("TINCAN_KEY", "another-pinned-key-of-enough-length")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    for _ in 0..2 {
        stdout.read_line(&mut banner).unwrap();
    }
    assert!(banner.contains("SDKAppID 1400000456"), "{banner}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !http_get(port, "/healthz").is_some_and(|answer| answer.starts_with("HTTP/1.1 200")) {
        assert!(Instant::now() < deadline, "nothing answers on TINCAN_LISTEN's port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
