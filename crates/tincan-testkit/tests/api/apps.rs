//! Apps on one server: which app's administrator manages the others, and the SDKAppIDs an app
//! may have.

use serde_json::{Value, json};
use tincan_proto::UserId;
use tincan_sdk::admin::AdminClient;
use tincan_testkit::{SDKAPPID, TestApp, spawn_app};

fn admin_of(app: &TestApp, sdkappid: u64) -> AdminClient {
    let admin = UserId::parse(tincan_engine::DEFAULT_ADMIN_IDENTIFIER).unwrap();
    AdminClient { sdkappid, user_sig: app.engine().user_sig(sdkappid, &admin, 3600).unwrap(), ..app.admin() }
}

async fn code_of(client: &AdminClient, command: &str, body: Value) -> u64 {
    let answer = client.call_raw("tincan", command, &body.to_string()).await.unwrap();
    answer["ErrorCode"].as_u64().unwrap()
}

#[tokio::test]
async fn the_root_app_stays_root_whatever_apps_are_created_until_it_hands_the_role_on() {
    // Goal: an app created with a smaller SDKAppID in the same second as the first app does not
    // take over the server (it used to, by sorting first); the root role moves only by an
    // explicit transfer, and both the role and its transfer survive a restart.
    let app = spawn_app().await;
    let root = app.admin();
    let created = root.call("tincan", "create_app", &json!({"Plan": "Ultimate", "SdkAppId": 1000})).await.unwrap();
    assert_eq!(created["App"]["root"], json!(false));
    let newcomer = admin_of(&app, 1000);
    assert_eq!(code_of(&newcomer, "list_apps", json!({})).await, 70403);
    assert_eq!(code_of(&newcomer, "create_app", json!({})).await, 70403);
    let apps = root.call("tincan", "list_apps", &json!({})).await.unwrap();
    assert_eq!(apps["Apps"][0]["sdkappid"], json!(SDKAPPID), "the root app is listed first: {apps}");
    assert_eq!(apps["Apps"][0]["root"], json!(true));

    let app = app.restart().await;
    let (root, newcomer) = (app.admin(), admin_of(&app, 1000));
    assert_eq!(code_of(&root, "list_apps", json!({})).await, 0, "still root after a restart");
    assert_eq!(code_of(&newcomer, "list_apps", json!({})).await, 70403);
    // Only the root app's administrator may hand the role on.
    assert_eq!(code_of(&newcomer, "transfer_root", json!({"SdkAppId": 1000})).await, 70403);
    let moved = root.call("tincan", "transfer_root", &json!({"SdkAppId": 1000})).await.unwrap();
    assert_eq!(moved["App"]["root"], json!(true));
    assert_eq!(code_of(&root, "list_apps", json!({})).await, 70403);
    assert_eq!(code_of(&newcomer, "list_apps", json!({})).await, 0);

    let app = app.restart().await;
    assert_eq!(code_of(&app.admin(), "list_apps", json!({})).await, 70403, "the transfer survives a restart");
    assert_eq!(code_of(&admin_of(&app, 1000), "list_apps", json!({})).await, 0);
    assert!(app.engine().is_root(1000) && !app.engine().is_root(SDKAPPID));
    app.stop().await;
}

#[tokio::test]
async fn an_sdkappid_outside_tims_range_is_refused() {
    let app = spawn_app().await;
    let root = app.admin();
    for sdkappid in [json!(0), json!(4_294_967_296u64), json!(u64::MAX)] {
        let answer = root.call_raw("tincan", "create_app", &json!({"SdkAppId": sdkappid}).to_string()).await.unwrap();
        assert_eq!(answer["ErrorCode"], json!(70402), "{sdkappid}: {answer}");
        assert!(answer["ErrorInfo"].as_str().unwrap().contains("outside 1..=4294967295"), "{answer}");
    }
    let apps = root.call("tincan", "list_apps", &json!({})).await.unwrap();
    assert_eq!(apps["Apps"].as_array().unwrap().len(), 1, "nothing was created: {apps}");
    let highest = root.call("tincan", "create_app", &json!({"SdkAppId": 4_294_967_295u64})).await.unwrap();
    assert_eq!(highest["App"]["sdkappid"], json!(4_294_967_295u64));
    app.stop().await;
}
