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
