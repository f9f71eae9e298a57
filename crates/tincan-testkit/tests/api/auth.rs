//! Login with UserSig: Tencent's own generator is accepted, every bad sig gets its 700xx code.

use std::process::Command;

use tincan_proto::ErrorCode;
use tincan_proto::UserId;
use tincan_sdk::{Client, ClientConfig};
use tincan_testkit::{KEY, SDKAPPID, spawn_app};

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

async fn login_code(app: &tincan_testkit::TestApp, sdkappid: u64, user: &str, user_sig: String) -> Option<ErrorCode> {
    let config = ClientConfig::new(app.ws_url(), sdkappid, UserId::parse(user).unwrap(), user_sig);
    Client::connect(config).await.err().map(|err| err.code)
}

#[tokio::test]
async fn every_bad_usersig_gets_its_code() {
    // Goal: expired, tampered, wrong-app and wrong-identifier sigs are refused with TIM's codes,
    // and a good one logs in (creating the account).
    let app = spawn_app().await;
    let good = tincan_usersig::generate(KEY, SDKAPPID, "alice", now(), 3600);
    assert_eq!(login_code(&app, SDKAPPID, "alice", good.clone()).await, None);
    let expired = tincan_usersig::generate(KEY, SDKAPPID, "alice", now() - 7200, 3600);
    assert_eq!(login_code(&app, SDKAPPID, "alice", expired).await, Some(ErrorCode::USERSIG_EXPIRED));
    let other_key = tincan_usersig::generate("not-the-key-of-this-app-at-all", SDKAPPID, "alice", now(), 3600);
    assert_eq!(login_code(&app, SDKAPPID, "alice", other_key).await, Some(ErrorCode::USERSIG_KEY_MISMATCH));
    assert_eq!(login_code(&app, SDKAPPID, "bob", good.clone()).await, Some(ErrorCode::USERSIG_IDENTIFIER_MISMATCH));
    let other_app = tincan_usersig::generate(KEY, SDKAPPID + 1, "alice", now(), 3600);
    assert_eq!(login_code(&app, SDKAPPID, "alice", other_app).await, Some(ErrorCode::USERSIG_SDKAPPID_MISMATCH));
    assert_eq!(login_code(&app, SDKAPPID + 1, "alice", good.clone()).await, Some(ErrorCode::SDKAPPID_NOT_FOUND));
    let mut tampered = good.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let code = login_code(&app, SDKAPPID, "alice", String::from_utf8(tampered).unwrap()).await.unwrap();
    assert!([ErrorCode::USERSIG_MALFORMED, ErrorCode::USERSIG_KEY_MISMATCH].contains(&code), "{code:?}");
    assert_eq!(login_code(&app, SDKAPPID, "alice", String::new()).await, Some(ErrorCode::USERSIG_EMPTY));
    app.stop().await;
}

#[tokio::test]
async fn a_usersig_from_tencents_python_generator_logs_in() {
    // Goal: a UserSig made by the `tls-sig-api-v2` package from PyPI with the app's key is
    // accepted. `scripts/test` installs the package and sets TINCAN_TEST_PYTHON.
    let python = std::env::var("TINCAN_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script =
        format!("import TLSSigAPIv2; print(TLSSigAPIv2.TLSSigAPIv2({SDKAPPID}, '{KEY}').gen_sig('py-user', 3600))");
    let output = Command::new(&python).args(["-c", &script]).output().expect("python runs");
    assert!(
        output.status.success(),
        "the tls-sig-api-v2 package is needed (run scripts/test, which installs it): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let user_sig = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let app = spawn_app().await;
    assert_eq!(login_code(&app, SDKAPPID, "py-user", user_sig).await, None, "the Python-made sig logs in");
    app.stop().await;
}

#[tokio::test]
async fn a_client_that_closes_leaves_the_closed_connection_to_the_server() {
    // Goal: `Client::close` ends the connection as RFC 6455 asks of a client: the server ends
    // the TCP connection first and keeps it in TIME_WAIT, and the client's port is free at once.
    // A client that opens and closes connections quickly from one address (the benchmark's load
    // generator, an app that reconnects often) would otherwise run out of ports.
    let app = spawn_app().await;
    let from = "127.0.0.93";
    let port = app.addr.port();
    for _ in 0..5 {
        let mut config = app.config("alice");
        config.local_ip = Some(from.parse().unwrap());
        let (client, _events) = Client::connect(config).await.expect("a loopback address connects");
        client.close().await;
    }
    let ours = |socket: &TcpEntry| {
        (socket.local.0 == from && socket.remote.1 == port) || (socket.remote.0 == from && socket.local.1 == port)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let sockets = loop {
        let sockets: Vec<TcpEntry> = tcp_sockets().into_iter().filter(ours).collect();
        if sockets.iter().all(|socket| socket.state == TIME_WAIT) || std::time::Instant::now() > deadline {
            break sockets;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let on_client = sockets.iter().filter(|socket| socket.local.0 == from).count();
    let on_server = sockets.iter().filter(|socket| socket.local.1 == port && socket.state == TIME_WAIT).count();
    assert_eq!((on_client, on_server), (0, 5), "{sockets:?}");
    app.stop().await;
}

/// The state of a TCP connection in TIME_WAIT, as /proc/net/tcp writes it.
const TIME_WAIT: u8 = 0x06;

/// One line of /proc/net/tcp: the local and remote address and port, and the state.
#[derive(Debug)]
struct TcpEntry {
    local: (String, u16),
    remote: (String, u16),
    state: u8,
}

/// The machine's IPv4 TCP sockets.
fn tcp_sockets() -> Vec<TcpEntry> {
    // An address is the IPv4 address as a little-endian hex word, a colon, the port in hex.
    let address = |text: &str| {
        let (ip, port) = text.split_once(':').expect("address:port");
        let ip = u32::from_str_radix(ip, 16).expect("a hex address");
        (std::net::Ipv4Addr::from(ip.swap_bytes()).to_string(), u16::from_str_radix(port, 16).expect("a hex port"))
    };
    std::fs::read_to_string("/proc/net/tcp")
        .expect("/proc/net/tcp")
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            TcpEntry {
                local: address(fields[1]),
                remote: address(fields[2]),
                state: u8::from_str_radix(fields[3], 16).expect("a hex state"),
            }
        })
        .collect()
}

#[tokio::test]
async fn a_client_connects_from_the_local_address_it_is_given() {
    // Goal: `ClientConfig::local_ip` is where the connection comes from (the benchmark spreads
    // connections over loopback addresses with it): another loopback address works, and an
    // address this machine does not have fails the connection, naming it.
    let app = spawn_app().await;
    let mut config = app.config("alice");
    config.local_ip = Some("127.0.0.7".parse().unwrap());
    let (client, _events) = Client::connect(config).await.expect("a loopback address connects");
    client.logout().await.unwrap();
    let mut config = app.config("alice");
    config.local_ip = Some("192.0.2.1".parse().unwrap());
    let err = Client::connect(config).await.err().expect("an address the machine lacks cannot connect");
    assert_eq!(err.code, ErrorCode::NET_DISCONNECTED, "{err:?}");
    assert!(err.desc.contains("cannot connect from 192.0.2.1"), "{}", err.desc);
    // A wss:// URL is refused rather than sent in plain text (TLS is a proxy's job).
    let mut config = app.config("alice");
    config.url = config.url.replacen("ws://", "wss://", 1);
    config.local_ip = Some("127.0.0.7".parse().unwrap());
    let err = Client::connect(config).await.err().expect("wss:// is not spoken in plain text");
    assert!(err.desc.contains("only ws:// URLs"), "{}", err.desc);
    app.stop().await;
}
