//! `im_open_login_svc` and the REST envelope over HTTP: every error path of the envelope, and
//! accounts imported, checked, deleted and kicked.

use serde_json::{Value, json};
use tincan_proto::enums::{ConvType, GroupType};
use tincan_sdk::admin::post;
use tincan_testkit::{KEY, SDKAPPID, spawn_app, user_sig};

use crate::helpers::{WAIT, create_group};

#[tokio::test]
async fn accounts_are_imported_checked_and_deleted() {
    let app = spawn_app().await;
    let admin = app.admin();
    admin.call("im_open_login_svc", "account_import", &json!({"Identifier": "legacy"})).await.unwrap();
    admin.call("im_open_login_svc", "account_import", &json!({"UserID": "dora", "Nick": "Dora"})).await.unwrap();
    let check = admin
        .call(
            "im_open_login_svc",
            "account_check",
            &json!({"CheckItem": [{"UserID": "legacy"}, {"UserID": "dora"}, {"UserID": "nobody"}]}),
        )
        .await
        .unwrap();
    let statuses: Vec<(&str, &str)> = check["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| (item["UserID"].as_str().unwrap(), item["AccountStatus"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, vec![("legacy", "Imported"), ("dora", "Imported"), ("nobody", "NotImported")]);

    // Dora owns a group with a member and is online; deleting her logs her out, hands the group
    // on and leaves her messages where they are.
    let (dora, mut dora_events) = app.client("dora").await;
    let (eve, _eve_events) = app.client("eve").await;
    let group_id = create_group(&dora, GroupType::PUBLIC, &["eve"]).await;
    dora.send_text("eve", ConvType::C2C, "keep this", false).await.unwrap();
    let deleted = admin
        .call("im_open_login_svc", "account_delete", &json!({"DeleteItem": [{"UserID": "dora"}, {"UserID": "nobody"}]}))
        .await
        .unwrap();
    assert_eq!(deleted["ResultItem"][0], json!({"ResultCode": 0, "ResultInfo": "", "UserID": "dora"}));
    assert_eq!(deleted["ResultItem"][1]["ResultCode"], 70107);
    let kicked = tincan_testkit::wait_for(&mut dora_events, WAIT, |event| match event {
        tincan_sdk::Event::Ended(err) => Some(err.clone()),
        _ => None,
    })
    .await;
    assert_eq!(kicked.code.0, 6208);
    let check =
        admin.call("im_open_login_svc", "account_check", &json!({"CheckItem": [{"UserID": "dora"}]})).await.unwrap();
    assert_eq!(check["ResultItem"][0]["AccountStatus"], "NotImported");
    let info = admin.call("group_open_http_svc", "get_group_info", &json!({"GroupIdList": [group_id]})).await.unwrap();
    assert_eq!(info["GroupInfo"][0]["Owner_Account"], "eve");
    assert_eq!(info["GroupInfo"][0]["MemberNum"], 1);
    let history = eve.get_message_list("dora", ConvType::C2C, Default::default()).await;
    assert!(history.is_err(), "dora no longer exists, so her conversation cannot be named");

    // The deletion is durable, and the account can come back.
    let app = app.restart().await;
    let admin = app.admin();
    let check =
        admin.call("im_open_login_svc", "account_check", &json!({"CheckItem": [{"UserID": "dora"}]})).await.unwrap();
    assert_eq!(check["ResultItem"][0]["AccountStatus"], "NotImported");
    admin.call("im_open_login_svc", "account_import", &json!({"UserID": "dora"})).await.unwrap();
    let check =
        admin.call("im_open_login_svc", "account_check", &json!({"CheckItem": [{"UserID": "dora"}]})).await.unwrap();
    assert_eq!(check["ResultItem"][0]["AccountStatus"], "Imported");
}

/// A raw REST call with a query string as given.
async fn raw(app: &tincan_testkit::TestApp, path: &str, body: &str) -> Value {
    let (status, text) = post(&app.addr.to_string(), path, body).await.expect("the server answers");
    assert_eq!(status, 200, "REST always answers HTTP 200: {text}");
    serde_json::from_str(&text).expect("the answer is JSON")
}

#[tokio::test]
async fn every_envelope_error_has_tims_code_and_changes_nothing() {
    let app = spawn_app().await;
    let sig = user_sig("administrator");
    let good = format!("sdkappid={SDKAPPID}&identifier=administrator&usersig={sig}&random=1&contenttype=json");
    let import = "/v4/im_open_login_svc/account_import";
    let body = json!({"UserID": "zed"}).to_string();
    let cases: Vec<(String, &str, u64)> = vec![
        (format!("{import}?identifier=administrator&usersig={sig}"), "sdkappid", 60012),
        (format!("{import}?sdkappid=abc&identifier=administrator&usersig={sig}"), "abc", 60006),
        (format!("{import}?sdkappid=1400999999&identifier=administrator&usersig={sig}"), "1400999999", 60006),
        (format!("{import}?sdkappid={SDKAPPID}&usersig={sig}"), "identifier", 60004),
        (format!("{import}?sdkappid={SDKAPPID}&identifier=bob&usersig={}", user_sig("bob")), "administrator", 60010),
        (format!("{import}?sdkappid={SDKAPPID}&identifier=administrator"), "usersig", 70002),
        (format!("{import}?sdkappid={SDKAPPID}&identifier=administrator&usersig=garbage"), "", 70003),
        (format!("/v4/im_open_login_svc/no_such_command?{good}"), "no_such_command", 60002),
        (format!("/v4/no_such_service/account_import?{good}"), "no_such_service", 60002),
    ];
    for (path, mentions, code) in cases {
        let answer = raw(&app, &path, &body).await;
        assert_eq!(answer["ActionStatus"], "FAIL", "{path}: {answer}");
        assert_eq!(answer["ErrorCode"], code, "{path}: {answer}");
        assert!(answer["ErrorInfo"].as_str().unwrap().contains(mentions), "{path}: {answer}");
    }
    // A UserSig made with another key for the right app and user.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let forged = tincan_usersig::generate(&KEY.replace('0', "1"), SDKAPPID, "administrator", now, 3_600);
    let answer =
        raw(&app, &format!("{import}?sdkappid={SDKAPPID}&identifier=administrator&usersig={forged}"), &body).await;
    assert!(answer["ErrorCode"].as_u64().unwrap() >= 70001, "{answer}");
    let body_cases: Vec<(&str, &str, u64)> = vec![
        ("{not json", "not valid JSON", 60003),
        ("[1, 2]", "JSON object", 60003),
        (r#"{"Nick": "no id"}"#, "UserID", 70402),
        (r#"{"UserID": 42}"#, "UserID", 70402),
        (r#"{"UserID": "an-identifier-far-longer-than-thirty-two-bytes"}"#, "an-identifier-far-longer", 70402),
    ];
    for (text, mentions, code) in body_cases {
        let answer = raw(&app, &format!("{import}?{good}"), text).await;
        assert_eq!(answer["ErrorCode"], code, "{text}: {answer}");
        assert!(answer["ErrorInfo"].as_str().unwrap().contains(mentions), "{text}: {answer}");
    }
    let check = app
        .admin()
        .call("im_open_login_svc", "account_check", &json!({"CheckItem": [{"UserID": "zed"}]}))
        .await
        .unwrap();
    assert_eq!(check["ResultItem"][0]["AccountStatus"], "NotImported", "no refused call created the account");
}

/// One HTTP/1.1 request as written, without a `Content-Type`; the answer's JSON body.
async fn bare_request(app: &tincan_testkit::TestApp, method: &str, path: &str, body: &str) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.expect("the server listens");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        app.addr,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).unwrap_or_else(|err| panic!("{err}: {body}"))
}

/// PyPI's `timsdk` sends `account_check` as a GET with a JSON body and `get_appid_group_list`
/// as a GET without one; `tencentcloud-sdk-python-im` sends bodies without a `Content-Type`.
/// All are answered as TIM's POSTs are.
#[tokio::test]
async fn get_requests_and_bodies_without_a_content_type_are_answered() {
    let app = spawn_app().await;
    let query = format!(
        "sdkappid={SDKAPPID}&identifier=administrator&usersig={}&random=7&contenttype=json",
        user_sig("administrator")
    );
    let import = format!("/v4/im_open_login_svc/account_import?{query}");
    let answer = bare_request(&app, "POST", &import, r#"{"UserID": "gus"}"#).await;
    assert_eq!(answer, json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}));
    let check = format!("/v4/im_open_login_svc/account_check?{query}");
    let answer = bare_request(&app, "GET", &check, r#"{"CheckItem": [{"UserID": "gus"}]}"#).await;
    assert_eq!(answer["ResultItem"][0]["AccountStatus"], "Imported", "{answer}");
    let groups = format!("/v4/group_open_http_svc/get_appid_group_list?{query}");
    let answer = bare_request(&app, "GET", &groups, "").await;
    assert_eq!((&answer["ActionStatus"], &answer["TotalCount"]), (&json!("OK"), &json!(0)), "{answer}");
}
