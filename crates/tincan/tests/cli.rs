//! The `tincan` binary as a user runs it: serve, then the CLI against it; a crash (SIGKILL)
//! loses nothing that was acknowledged. The CLI's readable lines and `--json`, the banner's
//! commands run as printed, and errors that are one line saying what to do.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn tincan(data: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tincan"));
    command
        .env("TINCAN_DATA", data)
        .env("TINCAN_SERVER", format!("127.0.0.1:{port}"))
        .env_remove("TINCAN_KEY")
        .env_remove("TINCAN_SDKAPPID")
        .env_remove("TINCAN_LISTEN");
    command
}

/// The lines of the banner that are commands: those indented by four spaces.
fn banner_commands(banner: &str) -> Vec<String> {
    banner.lines().filter_map(|line| line.strip_prefix("    ")).map(str::to_owned).collect()
}

/// A shell running one command line as printed, with none of tincan's environment variables,
/// so that the line has to say everything itself.
fn shell(line: &str, dir: &Path) -> Command {
    let mut command = Command::new("sh");
    // `exec`, so that the command is the shell's process and stops when the test kills it.
    command.arg("-c").arg(format!("exec {line}")).current_dir(dir);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("TINCAN_") {
            command.env_remove(name);
        }
    }
    command
}

/// The lines a child prints, read on a thread so that a test can wait for one with a deadline.
struct Lines {
    receiver: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Lines {
    fn of(child: &mut Child) -> Lines {
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Lines { receiver, seen: Vec::new() }
    }

    /// Waits up to 20 s for the line `expected`; fails showing every line seen.
    fn expect(&mut self, expected: &str) {
        self.expect_that(expected, |line| line == expected);
    }

    /// Waits up to 20 s for a line that `matches`; fails showing every line seen.
    fn expect_that(&mut self, what: &str, matches: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.receiver.recv_timeout(left) {
                Ok(line) => {
                    let found = matches(&line);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => panic!("no line {what:?}; saw:\n{}", self.seen.join("\n")),
            }
        }
    }
}

/// A child process that is killed when the test ends, passing or failing, so that no server or
/// tail outlives it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Deref for Running {
    type Target = Child;

    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Running {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

/// Runs a command that must fail as an ordinary error: exit status 1 and one line on stderr,
/// `tincan: ...`, with no backtrace even though RUST_BACKTRACE asks for them. Returns the line.
fn fail(command: &mut Command) -> String {
    let output = command.env("RUST_BACKTRACE", "1").output().expect("the command runs");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{command:?} should fail with 1: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{command:?} printed more than one line: {stderr}");
    assert!(stderr.starts_with("tincan: "), "{stderr}");
    assert!(!stderr.contains("backtrace") && !stderr.contains("panicked"), "{stderr}");
    stderr.trim_end().to_owned()
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
fn serve(data: &Path, port: u16) -> (Running, String) {
    serve_with(tincan(data, port).args(["serve", "--listen", &format!("127.0.0.1:{port}")]), port)
}

/// Starts a prepared `tincan serve`, waits until /healthz answers on `port`, and reads the banner
/// to its last line.
fn serve_with(command: &mut Command, port: u16) -> (Running, String) {
    let mut child = Running(command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("tincan serve starts"));
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if http_get(port, "/healthz").is_some_and(|answer| answer.starts_with("HTTP/1.1 200")) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // The banner ends with the two commands to try.
    let mut commands_left = None;
    while commands_left != Some(0) {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.starts_with("  try it") {
            commands_left = Some(2);
        } else if let Some(left) = commands_left.as_mut() {
            *left -= 1;
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
    let created = run(tincan(data.path(), port).args([
        "group",
        "create",
        "--as",
        "alice",
        "--name",
        "crew",
        "--members",
        "bob",
        "--json",
    ]));
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let group_id = created["create_group_result_groupid"].as_str().unwrap().to_owned();
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
    assert_eq!(members, "alice  owner  offline\nbob  member  online\n", "bob asks, so bob is online");
    let members =
        run(tincan(data.path(), port).args(["group", "members", "--as", "bob", "--group", &group_id, "--json"]));
    assert_eq!(members.lines().count(), 2, "{members}");
    assert!(members.contains("\"group_member_info_member_role\":400"), "{members}");

    // App configuration changes while the server runs.
    let config = run(tincan(data.path(), port).args([
        "app",
        "config",
        "--json",
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
    assert_eq!(
        shown,
        format!(
            "app {sdkappid} on the Ultimate plan, administrator \"administrator\"\n  \
             read receipts in groups: Work, Community (groups of at most 100000 members)\n  \
             receipt pushes gathered for: 50 ms\n  \
             webhooks: http://127.0.0.1:9/im-callback for C2C.CallbackAfterSendMsg, Group.CallbackAfterReadReceipt\n"
        )
    );
    let config = run(tincan(data.path(), port).args([
        "app",
        "config",
        "--plan",
        "Pro",
        "--receipt-group-members-max",
        "500",
        "--json",
    ]));
    assert!(config.contains("\"Pro\"") && config.contains("\"receipt_group_members_max\": 500"), "{config}");
    run(tincan(data.path(), port).args(["app", "config", "--plan", "Ultimate"]));
    let private = run(tincan(data.path(), port).args(["privacy", "--user", "bob", "--private", "true"]));
    assert_eq!(private, "bob's reads are private now: no one is told what bob has read\n");

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
        assert!(history.contains(&format!("alice → bob: durable {index}\n")), "message {index} survived: {history}");
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

#[test]
fn the_banners_commands_run_as_printed_and_print_readable_lines() {
    // The quickstart as the banner tells it: bob tails and sends receipts, alice sends asking for
    // one; each command is run by a shell exactly as printed, with no TINCAN_* variables set.
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut server, banner) = serve(data.path(), port);
    let commands = banner_commands(&banner);
    assert_eq!(commands.len(), 3, "{banner}");
    let here = std::env::current_dir().unwrap();
    let (usersig, tail, send) = (&commands[0], &commands[1], &commands[2]);
    assert!(usersig.contains(" usersig --user administrator"), "{usersig}");
    assert!(tail.contains(&format!(" --server 127.0.0.1:{port}")), "a port that is not the default is named: {tail}");

    let sig = run(&mut shell(usersig, &here));
    let key_file = std::fs::read_dir(data.path().join("apps")).unwrap().next().unwrap().unwrap().path();
    let sdkappid: u64 = key_file.file_stem().unwrap().to_str().unwrap().parse().unwrap();
    let key = std::fs::read_to_string(&key_file).unwrap().trim().to_owned();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    tincan_usersig::verify(&key, sdkappid, "administrator", sig.trim(), now).expect("the banner's UserSig verifies");

    let mut bob = Running(shell(tail, &here).stdout(Stdio::piped()).spawn().unwrap());
    let mut bob_lines = Lines::of(&mut bob);
    bob_lines.expect("bob is online and listening (Ctrl-C stops)");
    let sent = run(&mut shell(send, &here));
    assert_eq!(sent, "sent: alice → bob: hello bob  (asks for a read receipt)\n");
    bob_lines.expect("alice → bob: hello bob  (asks for a read receipt)");
    bob_lines.expect("read receipt sent to alice");

    // alice sees the receipt in her history; bob sees that he sent one.
    let history = run(tincan(data.path(), port).args(["history", "--as", "alice", "--with", "bob"]));
    assert_eq!(history, "alice → bob: hello bob  (read by bob)\n");
    let history = run(tincan(data.path(), port).args(["history", "--as", "bob", "--with", "alice"]));
    assert_eq!(history, "alice → bob: hello bob  (asks for a read receipt; you sent one)\n");
    let json = run(tincan(data.path(), port).args(["history", "--as", "alice", "--with", "bob", "--json"]));
    let message: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(message["message_receipt_peer_read"], true, "{json}");
    assert_eq!(message["text_elem_content"], serde_json::Value::Null);
    assert_eq!(message["message_elem_array"][0]["text_elem_content"], "hello bob");

    // alice tailing sees bob's receipt as words, naming the message.
    let mut alice = tincan(data.path(), port)
        .args(["tail", "--as", "alice", "--seconds", "20"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut alice_lines = Lines::of(&mut alice);
    alice_lines.expect("alice is online and listening (Ctrl-C stops)");
    run(tincan(data.path(), port).args(["send", "--as", "alice", "--to", "bob", "--receipt", "second"]));
    alice_lines.expect("alice → bob: second  (asks for a read receipt; not read yet)");
    bob_lines.expect("read receipt sent to alice");
    alice_lines.expect("read by bob: \"second\"");
    alice.kill().unwrap();
    alice.wait().unwrap();

    // With --json, tail prints TIM's objects and says when it sent a receipt.
    bob.kill().unwrap();
    bob.wait().unwrap();
    let mut bob = Running(
        tincan(data.path(), port)
            .args(["tail", "--as", "bob", "--send-receipts", "--json", "--seconds", "20"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut bob_json = Lines::of(&mut bob);
    bob_json.expect_that("synced", |line| line.starts_with(r#"{"event":"synced","pos":"#));
    let sent =
        run(tincan(data.path(), port).args(["send", "--as", "alice", "--to", "bob", "--receipt", "third", "--json"]));
    let sent: serde_json::Value = serde_json::from_str(sent.trim()).unwrap();
    let receipt_line = serde_json::json!({"event": "receipt_sent_here", "data": {
        "conv_id": "alice", "conv_type": 1, "msg_ids": [sent["message_msg_id"]], "seqs": [sent["message_seq"]],
    }});
    bob_json.expect(&receipt_line.to_string());
    assert!(bob_json.seen.iter().any(|line| line.contains(r#""text_elem_content":"third""#)), "{:?}", bob_json.seen);
    bob.kill().unwrap();
    bob.wait().unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn the_banner_names_the_binary_as_the_shell_finds_it() {
    // Started from the directory above `target/`, the banner's commands start with the binary's
    // path below it; with the binary's directory on PATH, with `tincan`.
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_tincan")).canonicalize().unwrap();
    let root = exe.parent().unwrap().parent().unwrap().parent().unwrap();
    let relative = exe.strip_prefix(root).unwrap().display().to_string();
    let data = tempfile::tempdir().unwrap();

    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let (mut server, banner) =
        serve_with(tincan(data.path(), port).args(["serve", "--listen", &listen]).current_dir(root), port);
    for command in banner_commands(&banner) {
        assert!(command.starts_with(&format!("{relative} ")), "{command}");
    }
    server.kill().unwrap();
    server.wait().unwrap();

    let path = std::env::join_paths(
        std::iter::once(exe.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let (mut server, banner) =
        serve_with(tincan(data.path(), port).args(["serve", "--listen", &listen]).env("PATH", path), port);
    for command in banner_commands(&banner) {
        assert!(command.starts_with("tincan "), "{command}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn errors_are_one_line_that_says_what_to_do() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();

    // No key files: where they come from and the flag that points there.
    let empty = tempfile::tempdir().unwrap();
    let line = fail(tincan(empty.path(), port).args(["usersig", "--user", "alice"]));
    assert!(line.contains("no app key in") && line.contains("--data") && line.contains("TINCAN_DATA"), "{line}");

    // No server.
    let (mut server, _) = serve(data.path(), port);
    let nowhere = free_port();
    let line = fail(tincan(data.path(), nowhere).args(["send", "--as", "alice", "--to", "bob", "hi"]));
    assert!(line.starts_with(&format!("tincan: no tincan server answers at 127.0.0.1:{nowhere}")), "{line}");
    assert!(line.contains("start one with `tincan serve`"), "{line}");
    for args in [["app", "show"].as_slice(), ["account", "import", "carol"].as_slice()] {
        let line = fail(tincan(data.path(), nowhere).args(args));
        assert!(line.contains("start one with `tincan serve`"), "{line}");
    }

    // The port taken.
    let line = fail(tincan(data.path(), port).args(["serve", "--listen", &format!("127.0.0.1:{port}")]));
    assert!(line.contains("in use") && line.contains("--listen"), "{line}");

    // A wrong key is about the key, not about the UserSig made with it.
    for args in [["app", "show"].as_slice(), ["send", "--as", "alice", "--to", "bob", "hi"].as_slice()] {
        let line = fail(tincan(data.path(), port).args(args).args(["--key", "not-the-key"]));
        assert!(line.contains("does not accept the key given with --key"), "{line}");
        assert!(!line.to_lowercase().contains("usersig"), "{line}");
    }

    // An account that never logged in: the invite says so, and how to create it.
    run(tincan(data.path(), port).args(["tail", "--as", "bob", "--seconds", "0"]));
    let created = run(tincan(data.path(), port).args([
        "group",
        "create",
        "--as",
        "alice",
        "--name",
        "crew",
        "--id",
        "crew",
        "--members",
        "bob",
    ]));
    assert_eq!(created, "created group crew (\"crew\", Work): owner alice, members bob\n");
    let output = tincan(data.path(), port)
        .args(["group", "invite", "--as", "alice", "--group", "crew", "bob", "carol"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        "bob: already a member\ncarol: not added: there is no account carol (accounts exist once imported or once they \
         first log in); create it with `tincan account import carol`, or log in as carol once\n"
    );
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "tincan: 1 of 2 users not added to group crew\n");
    let output = tincan(data.path(), port)
        .args(["group", "invite", "--as", "alice", "--group", "crew", "carol"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), stdout.lines().nth(1).unwrap().to_owned() + "\n");
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "tincan: 1 of 1 users not added to group crew\n");
    let line = fail(
        tincan(data.path(), port).args(["group", "invite", "--as", "alice", "--group", "crew", "carol", "--json"]),
    );
    assert!(line.contains("there is no account carol") && line.contains("tincan account import carol"), "{line}");
    let line = fail(tincan(data.path(), port).args([
        "group",
        "create",
        "--as",
        "alice",
        "--name",
        "later",
        "--members",
        "carol,dave",
    ]));
    assert!(
        line.contains("there are no accounts carol, dave") && line.contains("tincan account import carol dave"),
        "{line}"
    );
    let imported = run(tincan(data.path(), port).args(["account", "import", "carol", "bob"]));
    assert_eq!(imported, "carol: account created\nbob: already an account\n");
    let invited = run(tincan(data.path(), port).args(["group", "invite", "--as", "alice", "--group", "crew", "carol"]));
    assert_eq!(invited, "carol: added\n");
    let invited =
        run(tincan(data.path(), port).args(["group", "invite", "--as", "alice", "--group", "crew", "carol", "--json"]));
    assert_eq!(
        invited.trim(),
        r#"[{"group_invite_member_result_identifier":"carol","group_invite_member_result_result":2}]"#
    );

    // A group ID without --group, and a user ID with it.
    let line = fail(tincan(data.path(), port).args(["send", "--as", "alice", "--to", "crew", "hi"]));
    assert!(line.contains("crew is a group, not a user; add --group"), "{line}");
    let line = fail(tincan(data.path(), port).args(["history", "--as", "alice", "--with", "crew"]));
    assert!(line.contains("add --group"), "{line}");
    let line = fail(tincan(data.path(), port).args(["send", "--as", "alice", "--to", "bob", "--group", "hi"]));
    assert!(line.contains("there is no group bob") && line.contains("leave out --group"), "{line}");
    let line = fail(tincan(data.path(), port).args(["send", "--as", "alice", "--to", "nobody", "hi"]));
    assert!(line.contains("there is no account nobody") && line.contains("tincan account import nobody"), "{line}");
    server.kill().unwrap();
    server.wait().unwrap();
}
