//! A full disk: writes are refused with 7012 and `/healthz` says 503 while reads go on, nothing
//! acknowledged is lost, and once space is freed the server writes again by itself.
//!
//! The data directory is a real 16 MiB tmpfs, filled up with a file; mounting it needs root,
//! which the test command has (a run without it says so and checks nothing).

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tincan_proto::ErrorCode;
use tincan_proto::enums::ConvType;
use tincan_testkit::{TestApp, spawn_app_in};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A tmpfs mounted on a fresh directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let uid = Command::new("id").arg("-u").output().unwrap();
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            eprintln!("full_disk: not root, so no tmpfs can be mounted; this test checks nothing here");
            return None;
        }
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "mounting a tmpfs as root failed");
        Some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// Writes zeros to `path` until the disk is full.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.sync_all();
}

async fn health(app: &TestApp) -> String {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test]
async fn a_full_disk_refuses_writes_keeps_reads_and_recovers_by_itself() {
    let Some(disk) = SmallDisk::mount("16m") else { return };
    let data = disk.path().join("data");
    let app = spawn_app_in(&data).await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let mut acknowledged = Vec::new();
    for index in 0..20 {
        acknowledged.push(alice.send_text("bob", ConvType::C2C, &format!("before {index}"), false).await.unwrap());
    }
    fill(&disk.path().join("filler"));

    // Sends go on until the store cannot take one; from then on every write is refused at once.
    let padding = "x".repeat(4_000);
    let mut held = Vec::new();
    let mut refused = None;
    for index in 0..5_000 {
        let alice_sending = alice.clone();
        let text = format!("during {index} {padding}");
        let mut send = tokio::spawn(async move { alice_sending.send_text("bob", ConvType::C2C, &text, false).await });
        match tokio::time::timeout(Duration::from_secs(2), &mut send).await {
            Ok(Ok(Ok(message))) => acknowledged.push(message),
            Ok(Ok(Err(err))) => {
                refused = Some(err);
                break;
            }
            Ok(Err(panic)) => panic!("a send panicked: {panic}"),
            // Held by the writer, which keeps trying it; it finishes once the disk has room.
            Err(_) => held.push(send),
        }
    }
    let refused = refused.expect("the full disk refused a write");
    assert_eq!(refused.code, ErrorCode::SDK_INTERNAL_ERROR, "{}", refused.desc);
    assert!(refused.desc.contains("cannot write now"), "{}", refused.desc);
    let answer = health(&app).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    // Reads go on.
    let history = bob.get_message_list("alice", ConvType::C2C, Default::default()).await.unwrap();
    assert!(!history.is_empty());
    assert!(alice.send_text("bob", ConvType::C2C, "refused", false).await.is_err());

    // Space comes back; so does service, without a restart.
    std::fs::remove_file(disk.path().join("filler")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        match alice.send_text("bob", ConvType::C2C, "after", false).await {
            Ok(message) => break message,
            Err(err) => {
                assert!(Instant::now() < deadline, "writes did not come back: {}", err.desc);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    acknowledged.push(after);
    for send in held {
        if let Ok(message) = send.await.unwrap() {
            acknowledged.push(message);
        }
    }
    assert!(health(&app).await.starts_with("HTTP/1.1 200"));

    // Everything acknowledged is there, once, and still after a restart.
    let app = app.restart().await;
    let (alice, _alice_events) = app.client("alice").await;
    let mut stored = Vec::new();
    let mut params =
        tincan_proto::api::get_message_list::GetMsgListParams { msg_getmsglist_param_count: 100, ..Default::default() };
    loop {
        let page = alice.get_message_list("bob", ConvType::C2C, params.clone()).await.unwrap();
        let Some(oldest) = page.last().cloned() else { break };
        stored.extend(page.iter().map(|message| message.message_msg_id.clone()));
        params.msg_getmsglist_param_last_msg = Some(oldest);
    }
    let unique: std::collections::BTreeSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "a message is stored twice");
    for message in &acknowledged {
        assert!(unique.contains(&message.message_msg_id), "acknowledged message {} is lost", message.message_msg_id);
    }
    app.stop().await;
    drop(disk);
}
