//! Rich media kept in an S3-compatible object store: `tincan serve` with `TINCAN_MEDIA_S3_*`
//! set, against a real S3 server process (`moto_server`, from PyPI's `moto[server]`, which
//! `scripts/test` installs and names in `TINCAN_TEST_S3_SERVER`), reached through the
//! `object_store` crate. Without `TINCAN_TEST_S3_SERVER` the test says so and checks nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;
use tincan_proto::enums::ConvType;
use tincan_proto::{Elem, Message, UserId};
use tincan_sdk::media::MediaType;
use tincan_sdk::{Client, ClientConfig};

const SDKAPPID: u64 = 1_400_000_001;
const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

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

fn http(address: &str, head: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// Starts `tincan serve` on `port` with the S3 store at `s3`; returns once it prints its banner.
fn serve(data: &std::path::Path, port: u16, s3: &str) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tincan"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
        .arg(data)
        .args(["--sdkappid", &SDKAPPID.to_string(), "--key", KEY])
        .env("TINCAN_MEDIA_S3_ENDPOINT", format!("http://{s3}"))
        .env("TINCAN_MEDIA_S3_BUCKET", "media")
        .env("TINCAN_MEDIA_S3_ACCESS_KEY_ID", "test")
        .env("TINCAN_MEDIA_S3_SECRET_ACCESS_KEY", "test")
        .env_remove("TINCAN_PUBLIC_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
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

#[tokio::test]
async fn uploads_live_in_the_object_store_and_survive_a_restart() {
    // Goal: with an S3-compatible store configured, uploads go to the bucket (not the data
    // directory), messages carry their URLs, peers download them, and after a restart the
    // server finds them again in the bucket.
    let Ok(binary) = std::env::var("TINCAN_TEST_S3_SERVER") else {
        eprintln!("TINCAN_TEST_S3_SERVER is not set: the S3 store is not tested (scripts/test sets it)");
        return;
    };
    let s3_port = free_port();
    let _s3 = Process(
        Command::new(binary)
            .args(["-H", "127.0.0.1", "-p", &s3_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the S3 server starts"),
    );
    let s3 = format!("127.0.0.1:{s3_port}");
    for attempt in 0.. {
        if TcpStream::connect(&s3).is_ok() {
            break;
        }
        assert!(attempt < 300, "the S3 server does not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    let created =
        http(&s3, &format!("PUT /media HTTP/1.1\r\nHost: {s3}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    assert!(created.starts_with("HTTP/1.1 200"), "{created}");
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = serve(data.path(), port, &s3);
    let alice = client(port, "alice").await;
    let bob = client(port, "bob").await;
    let document = vec![42u8; 300_000];
    let id = alice.upload(MediaType::File, "data.bin", &document).await.unwrap()["id"].as_str().unwrap().to_owned();
    let elem: Elem = serde_json::from_value(json!({"elem_type": 4, "file_elem_file_id": id})).unwrap();
    let sent = alice
        .send_message("bob", ConvType::C2C, Message { message_elem_array: vec![elem], ..Message::default() })
        .await
        .unwrap();
    let url = sent.message_elem_array[0].0["file_elem_url"].as_str().unwrap().to_owned();
    assert_eq!(bob.download(&url).await.unwrap(), document);
    assert!(!data.path().join("media").exists(), "nothing is kept in the data directory");
    let listing = http(&s3, &format!("GET /media?list-type=2 HTTP/1.1\r\nHost: {s3}\r\nConnection: close\r\n\r\n"));
    assert!(listing.contains(&format!("{id}.orig")) && listing.contains(&format!("{id}.json")), "{listing}");
    drop((alice, bob, server));
    let _server = serve(data.path(), port, &s3);
    let bob = client(port, "bob").await;
    assert_eq!(bob.download(&url).await.unwrap(), document, "the upload is found again after a restart");
}
