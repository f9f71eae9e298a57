//! Rich media: uploads, image, file, sound and video messages, and their signed download URLs.

use std::io::Cursor;

use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::{Value, json};
use tincan_proto::enums::ConvType;
use tincan_proto::{Elem, ErrorCode, Message};
use tincan_sdk::media::MediaType;
use tincan_testkit::{KEY, SDKAPPID, TestApp, spawn_app, user_sig, wait_for};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{WAIT, message_of};

/// A PNG of `width` by `height` pixels.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image =
        image::RgbaImage::from_fn(width, height, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn elem(value: Value) -> Elem {
    serde_json::from_value(value).unwrap()
}

fn message(elem_value: Value) -> Message {
    Message { message_elem_array: vec![elem(elem_value)], ..Message::default() }
}

fn key<'a>(elem: &'a Elem, name: &str) -> &'a Value {
    elem.0.get(name).unwrap_or_else(|| panic!("{name} missing from {:?}", elem.0))
}

fn text_key<'a>(elem: &'a Elem, name: &str) -> &'a str {
    key(elem, name).as_str().unwrap()
}

/// One raw HTTP request; answers the status, the content type and the body.
async fn http(app: &TestApp, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    let (status, head, body) = tincan_testkit::http_exchange(app.addr, method, path, &[], body).await;
    let content_type = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-type: ").map(str::to_owned))
        .unwrap_or_default();
    (status, content_type, body)
}

/// The path and query of a URL this server gave.
fn path_of(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap();
    &rest[rest.find('/').unwrap()..]
}

fn code_of(body: &[u8]) -> u64 {
    serde_json::from_slice::<Value>(body).unwrap()["code"].as_u64().unwrap()
}

#[tokio::test]
async fn an_image_message_carries_three_sizes_that_the_peer_downloads() {
    // Goal: an uploaded image becomes a message with TIM's image keys (original, large and
    // thumbnail, with their sizes), the sender's local path is not passed on, and the peer
    // downloads each size with the right content type.
    let app = spawn_app().await;
    let (_bob, mut bob_events) = app.client("bob").await;
    let (alice, _alice_events) = app.client("alice").await;
    let picture = png(1000, 500);
    let uploaded = alice.upload(MediaType::Image, "cat.png", &picture).await.unwrap();
    let id = uploaded["id"].as_str().unwrap().to_owned();
    assert_eq!(uploaded["content_type"], "image/png");
    assert_eq!(uploaded["size"], picture.len());
    let sent = alice
        .send_message(
            "bob",
            ConvType::C2C,
            message(json!({"elem_type": 1, "image_elem_orig_id": id, "image_elem_orig_path": "/home/alice/cat.png"})),
        )
        .await
        .unwrap();
    let image = &sent.message_elem_array[0];
    assert!(!image.0.contains_key("image_elem_orig_path"), "the local path is not kept: {:?}", image.0);
    assert_eq!(key(image, "image_elem_format"), 3, "PNG");
    assert_eq!(
        (key(image, "image_elem_orig_pic_width"), key(image, "image_elem_orig_pic_height")),
        (&json!(1000), &json!(500))
    );
    assert_eq!(key(image, "image_elem_orig_pic_size"), picture.len());
    assert_eq!(
        (key(image, "image_elem_large_pic_width"), key(image, "image_elem_large_pic_height")),
        (&json!(720), &json!(360))
    );
    assert_eq!(
        (key(image, "image_elem_thumb_pic_width"), key(image, "image_elem_thumb_pic_height")),
        (&json!(198), &json!(99))
    );
    let received = wait_for(&mut bob_events, WAIT, message_of).await;
    let theirs = &received.message.message_elem_array[0];
    assert_eq!(text_key(theirs, "image_elem_thumb_url"), text_key(image, "image_elem_thumb_url"));
    let (status, content_type, orig) = http(&app, "GET", path_of(text_key(theirs, "image_elem_orig_url")), b"").await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    assert_eq!(orig, picture);
    for (url_key, width, height) in [("image_elem_large_url", 720, 360), ("image_elem_thumb_url", 198, 99)] {
        let (status, _, bytes) = http(&app, "GET", path_of(text_key(theirs, url_key)), b"").await;
        assert_eq!(status, 200, "{url_key}");
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (width, height), "{url_key}");
        let size = key(theirs, &url_key.replace("_url", "_pic_size")).as_u64().unwrap();
        assert_eq!(size, bytes.len() as u64);
    }
    // The SDK downloads the same bytes.
    let (bob, _) = app.client("bob").await;
    assert_eq!(bob.download(text_key(theirs, "image_elem_orig_url")).await.unwrap(), picture);
    app.stop().await;
}

#[tokio::test]
async fn file_sound_and_video_messages_carry_urls_and_sizes() {
    // Goal: file, sound and video elements name their uploads and come back with TIM's URL and
    // size keys; a group member downloads them, and the file keeps its name.
    let app = spawn_app().await;
    let (owner, _owner_events) = app.client("owner").await;
    let (member, mut member_events) = app.client("member").await;
    let group = crate::helpers::create_group(&owner, tincan_proto::enums::GroupType::WORK, &["member"]).await;
    let document = b"%PDF-1.4 a small document".to_vec();
    let file_id =
        owner.upload(MediaType::File, "report.pdf", &document).await.unwrap()["id"].as_str().unwrap().to_owned();
    let voice = vec![7u8; 5_000];
    let sound_id =
        owner.upload(MediaType::Sound, "voice.aac", &voice).await.unwrap()["id"].as_str().unwrap().to_owned();
    let clip = vec![9u8; 20_000];
    let video_id = owner.upload(MediaType::Video, "clip.mp4", &clip).await.unwrap()["id"].as_str().unwrap().to_owned();
    let snapshot = png(320, 240);
    let snapshot_id =
        owner.upload(MediaType::Image, "clip.png", &snapshot).await.unwrap()["id"].as_str().unwrap().to_owned();
    let sent = owner
        .send_message(
            &group,
            ConvType::GROUP,
            Message {
                message_elem_array: vec![
                    elem(json!({"elem_type": 4, "file_elem_file_id": file_id})),
                    elem(json!({"elem_type": 2, "sound_elem_file_id": sound_id, "sound_elem_file_time": 3})),
                    elem(json!({"elem_type": 9, "video_elem_video_id": video_id, "video_elem_image_id": snapshot_id, "video_elem_video_duration": 2})),
                ],
                ..Message::default()
            },
        )
        .await
        .unwrap();
    let elems = &sent.message_elem_array;
    assert_eq!(text_key(&elems[0], "file_elem_file_name"), "report.pdf");
    assert_eq!(key(&elems[0], "file_elem_file_size"), document.len());
    assert_eq!(key(&elems[1], "sound_elem_file_size"), voice.len());
    assert_eq!(key(&elems[1], "sound_elem_file_time"), 3);
    assert_eq!(key(&elems[2], "video_elem_video_size"), clip.len());
    assert_eq!(
        (key(&elems[2], "video_elem_image_width"), key(&elems[2], "video_elem_image_height")),
        (&json!(320), &json!(240))
    );
    let received = wait_for(&mut member_events, WAIT, message_of).await;
    let theirs = &received.message.message_elem_array;
    for (elem, url_key, expected) in [
        (&theirs[0], "file_elem_url", &document),
        (&theirs[1], "sound_elem_url", &voice),
        (&theirs[2], "video_elem_video_url", &clip),
        (&theirs[2], "video_elem_image_url", &snapshot),
    ] {
        assert_eq!(&member.download(text_key(elem, url_key)).await.unwrap(), expected, "{url_key}");
    }
    app.stop().await;
}

#[tokio::test]
async fn content_not_uploaded_by_the_sender_is_refused_and_nothing_is_sent() {
    // Goal: a message naming someone else's upload, an unknown ID, an upload of another type,
    // or a URL of this server's media without its upload fails with 4001 and is not stored.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (mallory, _mallory_events) = app.client("mallory").await;
    let (_bob, mut bob_events) = app.client("bob").await;
    let id = alice.upload(MediaType::Image, "a.png", &png(10, 10)).await.unwrap()["id"].as_str().unwrap().to_owned();
    let file_id = mallory.upload(MediaType::File, "f.bin", b"bytes").await.unwrap()["id"].as_str().unwrap().to_owned();
    let mine = alice
        .send_message("bob", ConvType::C2C, message(json!({"elem_type": 1, "image_elem_orig_id": id})))
        .await
        .unwrap();
    let alices_url = text_key(&mine.message_elem_array[0], "image_elem_orig_url").to_owned();
    let _ = wait_for(&mut bob_events, WAIT, message_of).await;
    for (attempt, why) in [
        (json!({"elem_type": 1, "image_elem_orig_id": id}), "another user's upload"),
        (json!({"elem_type": 1, "image_elem_orig_id": "00000000000000000000000000000000"}), "an unknown ID"),
        (json!({"elem_type": 1, "image_elem_orig_id": file_id}), "a file named as an image"),
        (json!({"elem_type": 1, "image_elem_orig_url": alices_url}), "another user's URL"),
    ] {
        let err = mallory.send_message("bob", ConvType::C2C, message(attempt)).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::MEDIA_NOT_UPLOADED, "{why}: {}", err.desc);
        assert!(err.desc.contains("message_elem_array[0]"), "{why}: {}", err.desc);
    }
    let pushes = tincan_testkit::drain(&mut bob_events, std::time::Duration::from_millis(300)).await;
    assert!(pushes.iter().all(|event| message_of(event).is_none()), "a refused message reached bob");
    app.stop().await;
}

fn signed(id: &str, variant: &str, conv: &str, expires: u64) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(format!("tincan-media\n{SDKAPPID}\n{id}\n{variant}\n{conv}\n{expires}").as_bytes());
    let sign: String = mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
    format!("/media/{SDKAPPID}/{id}/{variant}?conv={}&expires={expires}&sign={sign}", conv.replace(':', "%3A"))
}

#[tokio::test]
async fn download_urls_need_a_valid_signature_and_expire() {
    // Goal: a URL whose signature was altered, whose conversation or size was changed, or
    // whose time has passed is refused with 403; the same URL correctly signed and in time works
    // (so the refusals are about the signature and the time).
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let _bob = app.client("bob").await;
    let id = alice.upload(MediaType::File, "x.txt", b"secret").await.unwrap()["id"].as_str().unwrap().to_owned();
    let sent = alice
        .send_message("bob", ConvType::C2C, message(json!({"elem_type": 4, "file_elem_file_id": id})))
        .await
        .unwrap();
    let url = path_of(text_key(&sent.message_elem_array[0], "file_elem_url")).to_owned();
    assert_eq!(http(&app, "GET", &url, b"").await.0, 200);
    let last = url.chars().last().unwrap();
    let altered = format!("{}{}", &url[..url.len() - 1], if last == '0' { '1' } else { '0' });
    let (status, _, body) = http(&app, "GET", &altered, b"").await;
    assert_eq!(status, 403, "an altered signature");
    assert!(String::from_utf8_lossy(&body).contains("signature"), "{}", String::from_utf8_lossy(&body));
    assert_eq!(http(&app, "GET", &url.replace("c2c%3Abob", "c2c%3Amallory"), b"").await.0, 403, "another conversation");
    assert_eq!(http(&app, "GET", &url.replace("/orig?", "/thumb?"), b"").await.0, 403, "another size");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(http(&app, "GET", &signed(&id, "orig", "c2c:bob", now + 60), b"").await.0, 200);
    let (status, _, body) = http(&app, "GET", &signed(&id, "orig", "c2c:bob", now - 1), b"").await;
    assert_eq!(status, 403, "an expired URL");
    assert!(String::from_utf8_lossy(&body).contains("expired"));
    app.stop().await;
}

#[tokio::test]
async fn uploads_are_checked_for_credentials_size_and_type() {
    // Goal: an upload needs a valid UserSig; an image past 28 MB or a file past 100 MB is
    // refused with 7005, a picture the server cannot read with 4004, an unknown type with 6017.
    let app = spawn_app().await;
    let _alice = app.client("alice").await;
    let sig = user_sig("alice");
    let upload = |kind: &str, sig: &str| {
        format!("/media/upload?sdkappid={SDKAPPID}&identifier=alice&usersig={sig}&type={kind}&name=n")
    };
    let (status, _, body) = http(&app, "POST", &upload("file", "not-a-sig"), b"x").await;
    assert_eq!(status, 401);
    assert_eq!(code_of(&body), 70003);
    let (status, _, body) = http(&app, "POST", &upload("image", &sig), &vec![0u8; 28 * 1024 * 1024 + 1]).await;
    assert_eq!((status, code_of(&body)), (413, 7005), "an image past 28 MB");
    let (status, _, body) = http(&app, "POST", &upload("sound", &sig), &vec![0u8; 28 * 1024 * 1024 + 1]).await;
    assert_eq!((status, code_of(&body)), (413, 7005), "a sound past 28 MB");
    let (status, _, _) = http(&app, "POST", &upload("file", &sig), &vec![0u8; 28 * 1024 * 1024 + 1]).await;
    assert_eq!(status, 200, "a file of 28 MB is fine");
    let (status, _, body) = http(&app, "POST", &upload("image", &sig), b"plain text, not a picture").await;
    assert_eq!((status, code_of(&body)), (400, 4004));
    let (status, _, body) = http(&app, "POST", &upload("movie", &sig), b"x").await;
    assert_eq!((status, code_of(&body)), (400, 6017));
    // The SDK refuses a file past 100 MB before sending a byte.
    let (alice, _) = app.client("alice").await;
    let err = alice.upload(MediaType::File, "big", &vec![0u8; 100 * 1024 * 1024 + 1]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::FILE_TOO_LARGE);
    app.stop().await;
}

#[tokio::test]
async fn content_of_a_deleted_account_is_not_served() {
    // Goal: once the uploader's account is deleted, the URLs its messages carried stop working.
    let app = spawn_app().await;
    let (alice, _alice_events) = app.client("alice").await;
    let (bob, _bob_events) = app.client("bob").await;
    let id = alice.upload(MediaType::File, "x.txt", b"gone soon").await.unwrap()["id"].as_str().unwrap().to_owned();
    let sent = alice
        .send_message("bob", ConvType::C2C, message(json!({"elem_type": 4, "file_elem_file_id": id})))
        .await
        .unwrap();
    let url = text_key(&sent.message_elem_array[0], "file_elem_url").to_owned();
    assert_eq!(bob.download(&url).await.unwrap(), b"gone soon");
    app.admin()
        .call("im_open_login_svc", "account_delete", &json!({"DeleteItem": [{"UserID": "alice"}]}))
        .await
        .unwrap();
    let err = bob.download(&url).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::MEDIA_NOT_UPLOADED, "{}", err.desc);
    app.stop().await;
}

#[tokio::test]
async fn a_page_served_elsewhere_may_upload() {
    // Goal: a web app served from another origin uploads from the browser: the preflight is
    // answered for any origin, and so is the upload, refused or stored (the UserSig authenticates).
    let app = spawn_app().await;
    let _alice = app.client("alice").await;
    let raw = |request: String| async move {
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).to_ascii_lowercase()
    };
    let path = format!(
        "/media/upload?sdkappid={SDKAPPID}&identifier=alice&usersig={}&type=file&name=a.txt",
        user_sig("alice")
    );
    let preflight = raw(format!(
        "OPTIONS {path} HTTP/1.1\r\nHost: {}\r\nOrigin: http://app.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n",
        app.addr
    ))
    .await;
    assert!(preflight.starts_with("http/1.1 204"), "{preflight}");
    for line in [
        "access-control-allow-origin: *",
        "access-control-allow-methods: post",
        "access-control-allow-headers: content-type",
    ] {
        assert!(preflight.contains(line), "{line} missing from {preflight}");
    }
    let stored = raw(format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nOrigin: http://app.example\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
        app.addr
    ))
    .await;
    assert!(stored.starts_with("http/1.1 200") && stored.contains("access-control-allow-origin: *"), "{stored}");
    let refused = raw(format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nOrigin: http://app.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
        path.replace("usersig=", "usersig=x"),
        app.addr
    ))
    .await;
    assert!(refused.starts_with("http/1.1 401") && refused.contains("access-control-allow-origin: *"), "{refused}");
    app.stop().await;
}
