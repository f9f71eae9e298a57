//! The media quota: `tincan serve --media-quota-mb N` caps the bytes of uploaded media each app
//! stores, every size of every upload counted, across concurrent uploads and restarts.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use tincan_proto::{ErrorCode, UserId};
use tincan_sdk::media::MediaType;
use tincan_sdk::{Client, ClientConfig};

const SDKAPPID: u64 = 1_400_000_001;
const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const MIB: usize = 1 << 20;

/// A child process, ended when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `tincan serve` on `port` with `quota_mb` (none when `None`); returns once it listens.
fn serve(data: &Path, port: u16, quota_mb: Option<u64>) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tincan"));
    command
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
        .arg(data)
        .args(["--sdkappid", &SDKAPPID.to_string(), "--key", KEY])
        .env_remove("TINCAN_MEDIA_QUOTA_MB")
        .env_remove("TINCAN_PUBLIC_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(quota_mb) = quota_mb {
        command.args(["--media-quota-mb", &quota_mb.to_string()]);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines.by_ref().take(40).map_while(Result::ok).any(|line| line.contains("ws://"));
    assert!(listening, "tincan serve did not start");
    std::thread::spawn(move || for _ in lines {});
    Process(child)
}

async fn client(port: u16, user: &str) -> Client {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let sig = tincan_usersig::generate(KEY, SDKAPPID, user, now, 86_400);
    let config = ClientConfig::new(format!("ws://127.0.0.1:{port}/ws"), SDKAPPID, UserId::parse(user).unwrap(), sig);
    Client::connect(config).await.unwrap().0
}

async fn upload_file(client: &Client, bytes: usize) -> Result<(), tincan_proto::ApiError> {
    client.upload(MediaType::File, "notes.bin", &vec![7u8; bytes]).await.map(|_| ())
}

#[tokio::test]
async fn an_apps_uploads_stop_at_its_quota_exactly_and_the_count_survives_a_restart() {
    // Goal: with a 1 MiB quota, uploads fit until the app's stored bytes would pass it, from
    // whichever user; a refusal is 7005 naming the quota and stores nothing; concurrent uploads
    // never pass it together; a failed upload gives its bytes back; a restart counts what is
    // stored again; without the flag nothing is limited.
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = serve(data.path(), port, Some(1));
    let alice = client(port, "alice").await;
    let bob = client(port, "bob").await;

    upload_file(&alice, 600_000).await.unwrap();
    let refused = upload_file(&alice, 600_000).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::FILE_TOO_LARGE, "{refused:?}");
    assert!(refused.desc.contains("quota") && refused.desc.contains("600000"), "{}", refused.desc);
    // The quota is the app's, not the user's: bob's upload counts against the same bytes.
    upload_file(&bob, 400_000).await.unwrap();
    let left = MIB - 1_000_000; // 48,576 bytes
    assert!(upload_file(&bob, left + 1).await.is_err());

    // Eight uploads of 10,000 bytes at once: exactly four fit in what is left.
    let mut uploads = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = alice.clone();
        uploads.spawn(async move { upload_file(&client, 10_000).await });
    }
    let mut fitted = 0;
    while let Some(done) = uploads.join_next().await {
        match done.unwrap() {
            Ok(()) => fitted += 1,
            Err(err) => assert_eq!(err.code, ErrorCode::FILE_TOO_LARGE, "{err:?}"),
        }
    }
    assert_eq!(fitted, 4, "uploads that fit in {left} bytes");
    let left = left - 40_000; // 8,576 bytes

    // An image the server cannot read is refused for that, and its bytes are given back.
    let unreadable = alice.upload(MediaType::Image, "broken.png", &vec![1u8; 8_000]).await.unwrap_err();
    assert_eq!(unreadable.code, ErrorCode::MEDIA_INVALID_IMAGE, "{unreadable:?}");
    upload_file(&alice, 8_000).await.unwrap();
    let left = left - 8_000; // 576 bytes

    drop((alice, bob));
    drop(server);
    let server = serve(data.path(), port, Some(1));
    let alice = client(port, "alice").await;
    let refused = upload_file(&alice, left + 1).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::FILE_TOO_LARGE, "after a restart: {refused:?}");
    upload_file(&alice, left).await.unwrap();
    assert!(upload_file(&alice, 1).await.is_err(), "the quota is used to the byte");

    drop(alice);
    drop(server);
    let _server = serve(data.path(), port, None);
    let alice = client(port, "alice").await;
    upload_file(&alice, 600_000).await.unwrap();
}
