//! Unit and property tests, anchored on vectors made by Tencent's own generators.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit as _, Mac as _};
use proptest::prelude::*;

use crate::codec::{MAX_INFLATED_BYTES, MAX_SIG_CHARS, pack, unpack, zlib_stored};
use crate::{
    DEFAULT_EXPIRE_SECONDS, UserSigClaims, VerifyError, content_to_sign, decode, document_json, generate,
    generate_with_userbuf, hmac_sha256, verify,
};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP: u64 = 1_400_000_000;

/// Made by Python's `json.dumps` + `zlib.compress` (level 6) for `xiaojun`, time 1700000000.
const PYTHON_SIG: &str = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__";

/// A third-party sig for identifier `0` whose creator used milliseconds for the times.
const THIRD_PARTY_SIG: &str = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwjDB4pTsxIKCzBQlK0MTAyiAyKRWFGQWpQLFTU1NjZAlSjJzwcJmlpaGBkZIEsWZ6UCTk1yzzF0DvFP93TP0XaK0fVLLnP0isoKLfErSs7K0c5wtXFMMSjOLvCIiQ22VagHjLDB3";

/// A stored (level-0) zlib variant with userbuf `abc`, identifier `0`, millisecond times.
const STORED_USERBUF_SIG: &str = "eAEBwAA--3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoiMCIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAwMDAsIlRMUy50aW1lIjoxNTY5OTEwMjAwMDAwLCJUTFMudXNlcmJ1ZiI6IllXSmoiLCJUTFMuc2lnIjoic1d0YmwyK2xrdjFEY29CRjJZMklXakdCNDRLb0RnRElGeGRoendWWG8yUT0ifR54Nug_";

/// Returns the standard-base64 HMAC of the signed text, as it appears in `TLS.sig`.
fn sig_b64(key: &str, content: &str) -> String {
    STANDARD.encode(hmac_sha256(key, content).finalize().into_bytes())
}

/// Packs a hand-written JSON document into a sig, for crafting malformed or forged inputs.
fn pack_json(json: &serde_json::Value) -> String {
    pack(json.to_string().as_bytes())
}

/// Builds a sig whose JSON claims `json_identifier` but whose HMAC covers `signed_identifier`.
fn forge(json_identifier: &str, signed_identifier: &str, time: u64, expire: u64) -> String {
    let content = content_to_sign(signed_identifier, APP, time, expire, None);
    let sig = sig_b64(KEY, &content);
    pack(document_json(json_identifier, APP, time, expire, None, &sig).as_bytes())
}

/// A well-formed document for `alice`, to be altered field by field by the error tests.
fn alice_document() -> serde_json::Value {
    let content = content_to_sign("alice", APP, 1_700_000_000, 86_400, None);
    serde_json::json!({
        "TLS.ver": "2.0",
        "TLS.identifier": "alice",
        "TLS.sdkappid": APP,
        "TLS.expire": 86_400,
        "TLS.time": 1_700_000_000_u64,
        "TLS.sig": sig_b64(KEY, &content),
    })
}

/// Asserts that `result` is a `Malformed` error (code 70003) and returns its reason.
fn expect_malformed(result: Result<UserSigClaims, VerifyError>) -> String {
    match result {
        Err(VerifyError::Malformed(reason)) => reason,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn content_matches_tencent_layout() {
    assert_eq!(
        content_to_sign("xiaojun", APP, 1_700_000_000, 15_552_000, None),
        "TLS.identifier:xiaojun\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\n"
    );
    assert_eq!(
        content_to_sign("xiaojun", APP, 1_700_000_000, 15_552_000, Some("YWJj")),
        "TLS.identifier:xiaojun\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\nTLS.userbuf:YWJj\n"
    );
}

#[test]
fn hmac_matches_reference_vectors() {
    let plain = content_to_sign("xiaojun", APP, 1_700_000_000, 15_552_000, None);
    assert_eq!(sig_b64(KEY, &plain), "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=");
    let with_userbuf = content_to_sign("xiaojun", APP, 1_700_000_000, 15_552_000, Some("YWJj"));
    assert_eq!(sig_b64(KEY, &with_userbuf), "QjT201xPkXk/aM1e+y0vakZb0K2iPrFue++0s5y6bFM=");
}

#[test]
fn hmac_key_handling_matches_the_hmac_crate_for_all_key_lengths() {
    // Our block-key shortcut must equal plain HMAC for short, block-sized and long keys.
    for len in [0, 1, 32, 63, 64, 65, 200] {
        let key = "k".repeat(len);
        let mut reference =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
        reference.update(b"content");
        assert_eq!(
            hmac_sha256(&key, "content").finalize().into_bytes(),
            reference.finalize().into_bytes(),
            "key length {len}"
        );
    }
}

#[test]
fn generated_document_has_tencent_field_order() {
    let sig = generate(KEY, APP, "xiaojun", 1_700_000_000, 15_552_000);
    let json = unpack(&sig).expect("own sig unpacks");
    assert_eq!(
        String::from_utf8(json).expect("JSON is UTF-8"),
        r#"{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"TLS.expire":15552000,"TLS.time":1700000000,"TLS.sig":"LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="}"#
    );
    let sig = generate_with_userbuf(KEY, APP, "xiaojun", 1_700_000_000, 15_552_000, b"abc");
    let json = unpack(&sig).expect("own sig unpacks");
    assert_eq!(
        String::from_utf8(json).expect("JSON is UTF-8"),
        r#"{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"TLS.expire":15552000,"TLS.time":1700000000,"TLS.userbuf":"YWJj","TLS.sig":"QjT201xPkXk/aM1e+y0vakZb0K2iPrFue++0s5y6bFM="}"#
    );
}

#[test]
fn python_sig_verifies_until_it_expires() {
    let claims = verify(KEY, APP, "xiaojun", PYTHON_SIG, 1_700_000_100).expect("valid sig");
    assert_eq!(
        claims,
        UserSigClaims {
            identifier: "xiaojun".to_owned(),
            sdkappid: APP,
            time: 1_700_000_000,
            expire: DEFAULT_EXPIRE_SECONDS,
            userbuf: None,
        }
    );
    assert_eq!(claims.expires_at(), 1_715_552_000);
    // The last second of validity is still valid; the next one is not.
    assert!(verify(KEY, APP, "xiaojun", PYTHON_SIG, 1_715_552_000).is_ok());
    let err = verify(KEY, APP, "xiaojun", PYTHON_SIG, 1_715_552_001).expect_err("expired");
    assert_eq!(err, VerifyError::Expired { expired_at: 1_715_552_000 });
    assert_eq!(err.code(), 70001);
    assert_eq!(err.to_string(), "UserSig expired at 1715552000 (UNIX seconds); generate a new one");
}

#[test]
fn third_party_millisecond_sig_verifies() {
    let claims = decode(THIRD_PARTY_SIG).expect("decodes");
    assert_eq!(claims.identifier, "0");
    assert_eq!(claims.sdkappid, APP);
    assert_eq!(claims.time, 1_569_910_200_000);
    assert_eq!(claims.expire, 15_552_000_000);
    assert_eq!(claims.userbuf, None);
    let content = content_to_sign("0", APP, claims.time, claims.expire, None);
    assert_eq!(sig_b64(KEY, &content), "bEj7EPKeOGh/DZ+LevCNXjSrLtgjj+lC8Ed0uirJXYU=");
    assert_eq!(verify(KEY, APP, "0", THIRD_PARTY_SIG, 1_569_910_200_001), Ok(claims));
}

#[test]
fn stored_zlib_sig_with_userbuf_verifies() {
    let claims = verify(KEY, APP, "0", STORED_USERBUF_SIG, 1_569_910_200_001).expect("valid");
    assert_eq!(claims.userbuf.as_deref(), Some(&b"abc"[..]));
    assert_eq!(claims.time, 1_569_910_200_000);
    let content = content_to_sign("0", APP, claims.time, claims.expire, Some("YWJj"));
    assert_eq!(sig_b64(KEY, &content), "sWtbl2+lkv1DcoBF2Y2IWjGB44KoDgDIFxdhzwVXo2Q=");
}

#[test]
fn generate_round_trips_with_and_without_userbuf() {
    let sig = generate(KEY, APP, "alice", 1_700_000_000, 86_400);
    let claims = verify(KEY, APP, "alice", &sig, 1_700_000_000).expect("valid");
    assert_eq!(claims.userbuf, None);
    assert_eq!(decode(&sig), Ok(claims));

    let sig = generate_with_userbuf(KEY, APP, "alice", 1_700_000_000, 86_400, &[0, 255, 7]);
    let claims = verify(KEY, APP, "alice", &sig, 1_700_000_000).expect("valid");
    assert_eq!(claims.userbuf, Some(vec![0, 255, 7]));
}

#[test]
fn empty_userbuf_is_signed_like_pythons() {
    // Python signs `TLS.userbuf:\n` for `b""`, because only `None` omits the line.
    let sig = generate_with_userbuf(KEY, APP, "alice", 1_700_000_000, 86_400, b"");
    let json = String::from_utf8(unpack(&sig).expect("unpacks")).expect("UTF-8");
    let content = content_to_sign("alice", APP, 1_700_000_000, 86_400, Some(""));
    assert!(json.contains(r#""TLS.userbuf":"""#), "{json}");
    assert!(json.contains(&sig_b64(KEY, &content)), "{json}");
    let claims = verify(KEY, APP, "alice", &sig, 1_700_000_000).expect("valid");
    assert_eq!(claims.userbuf, Some(Vec::new()));
}

#[test]
fn non_ascii_and_json_special_identifiers_round_trip() {
    for identifier in ["小军", "quote\"back\\slash", "tab\tnew\nline", "emoji 🙂"] {
        let sig = generate(KEY, APP, identifier, 1_700_000_000, 60);
        let claims = verify(KEY, APP, identifier, &sig, 1_700_000_000).expect("valid");
        assert_eq!(claims.identifier, identifier);
    }
}

#[test]
fn generated_sigs_use_only_the_tencent_alphabet() {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '*' | '-' | '_');
    for identifier in ["a", "xiaojun", "小军", "user-with-a-rather-long-identifier-1234567890"] {
        for expire in [0, 1, DEFAULT_EXPIRE_SECONDS, u64::MAX] {
            let plain = generate(KEY, APP, identifier, 1_700_000_000, expire);
            let with_buf = generate_with_userbuf(KEY, APP, identifier, 1_700_000_000, expire, b"\xff\xfe");
            for sig in [plain, with_buf] {
                assert!(sig.chars().all(allowed), "{sig}");
            }
        }
    }
}

#[test]
fn string_numbers_and_numeric_identifiers_are_accepted() {
    let content = content_to_sign("42", APP, 1_700_000_000, 86_400, None);
    let sig = pack_json(&serde_json::json!({
        "TLS.ver": "2.0",
        "TLS.identifier": 42,
        "TLS.sdkappid": "1400000000",
        "TLS.expire": "86400",
        "TLS.time": "1700000000",
        "TLS.userbuf": null,
        "TLS.sig": sig_b64(KEY, &content),
    }));
    let claims = verify(KEY, APP, "42", &sig, 1_700_000_000).expect("valid");
    assert_eq!(claims.identifier, "42");
    assert_eq!(claims.expire, 86_400);
}

#[test]
fn whitespace_around_a_sig_is_ignored() {
    let sig = format!(" {PYTHON_SIG}\n");
    assert!(verify(KEY, APP, "xiaojun", &sig, 1_700_000_100).is_ok());
}

#[test]
fn empty_sig_is_70002() {
    for sig in ["", "   ", "\n"] {
        let err = decode(sig).expect_err("empty");
        assert_eq!(err, VerifyError::Empty);
        assert_eq!(err.code(), 70002);
        assert_eq!(err.to_string(), "UserSig is empty");
        assert_eq!(verify(KEY, APP, "alice", sig, 0), Err(VerifyError::Empty));
    }
}

#[test]
fn garbage_is_malformed() {
    let reason = expect_malformed(verify(KEY, APP, "alice", "not base64 at all!", 0));
    assert!(reason.contains("base64"), "{reason}");
    let err = decode("%%%").expect_err("garbage");
    assert_eq!(err.code(), 70003);
    assert!(err.to_string().starts_with("UserSig is malformed: not valid base64"));
}

#[test]
fn base64_that_is_not_zlib_is_malformed() {
    // "hello world" in Tencent's base64 variant.
    let reason = expect_malformed(decode("aGVsbG8gd29ybGQ_"));
    assert!(reason.contains("zlib"), "{reason}");
}

#[test]
fn truncated_or_corrupted_zlib_is_malformed() {
    let full = STANDARD
        .decode(PYTHON_SIG.replace('*', "+").replace('-', "/").replace('_', "="))
        .expect("reference sig is base64");
    for cut in [2, full.len() / 2, full.len() - 1] {
        let truncated = pack_raw(&full[..cut]);
        let reason = expect_malformed(decode(&truncated));
        assert!(reason.contains("zlib"), "cut at {cut}: {reason}");
    }
    // Flipping a bit of the Adler-32 trailer must be caught, not silently accepted.
    let mut corrupt = full.clone();
    if let Some(last) = corrupt.last_mut() {
        *last ^= 1;
    }
    let reason = expect_malformed(decode(&pack_raw(&corrupt)));
    assert!(reason.contains("zlib"), "{reason}");
}

/// Encodes raw bytes in Tencent's base64 variant without compressing them.
fn pack_raw(bytes: &[u8]) -> String {
    STANDARD.encode(bytes).replace('+', "*").replace('/', "-").replace('=', "_")
}

#[test]
fn zlib_that_is_not_json_is_malformed() {
    let reason = expect_malformed(decode(&pack(b"this is not json")));
    assert!(reason.contains("not valid JSON"), "{reason}");
    let reason = expect_malformed(decode(&pack(b"[1, 2, 3]")));
    assert!(reason.contains("not a JSON object"), "{reason}");
}

#[test]
fn missing_fields_are_malformed() {
    for field in ["TLS.sig", "TLS.identifier", "TLS.sdkappid", "TLS.time", "TLS.expire"] {
        let mut doc = alice_document();
        doc.as_object_mut().expect("object").remove(field);
        let reason = expect_malformed(verify(KEY, APP, "alice", &pack_json(&doc), 1_700_000_000));
        assert_eq!(reason, format!("{field} is missing"));
    }
    // TLS.ver is optional: the HMAC is what decides.
    let mut doc = alice_document();
    doc.as_object_mut().expect("object").remove("TLS.ver");
    assert!(verify(KEY, APP, "alice", &pack_json(&doc), 1_700_000_000).is_ok());
}

#[test]
fn mistyped_fields_are_malformed() {
    let cases = [
        ("TLS.sig", serde_json::json!(12), "TLS.sig is not a string"),
        ("TLS.sig", serde_json::json!("***"), "TLS.sig is not valid base64"),
        ("TLS.identifier", serde_json::json!(["a"]), "TLS.identifier is not a string"),
        ("TLS.sdkappid", serde_json::json!(-1), "TLS.sdkappid is not a non-negative integer"),
        ("TLS.sdkappid", serde_json::json!("+14"), "TLS.sdkappid is not a non-negative integer"),
        ("TLS.time", serde_json::json!(1.5), "TLS.time is not a non-negative integer"),
        ("TLS.time", serde_json::json!(""), "TLS.time is not a non-negative integer"),
        ("TLS.expire", serde_json::json!(true), "TLS.expire is not a non-negative integer"),
        ("TLS.expire", serde_json::json!("99999999999999999999"), "TLS.expire is not a non-negative integer"),
        ("TLS.userbuf", serde_json::json!(5), "TLS.userbuf is not a string"),
        ("TLS.userbuf", serde_json::json!("!!"), "TLS.userbuf is not valid base64"),
        ("TLS.ver", serde_json::json!("1.0"), "TLS.ver is \"1.0\", but only version 2.0 is supported"),
    ];
    for (field, value, expected) in cases {
        let mut doc = alice_document();
        doc.as_object_mut().expect("object").insert(field.to_owned(), value);
        let reason = expect_malformed(decode(&pack_json(&doc)));
        assert!(reason.starts_with(expected), "{field}: {reason}");
    }
}

#[test]
fn wrong_sdkappid_is_70014() {
    let sig = generate(KEY, APP, "alice", 1_700_000_000, 86_400);
    let err = verify(KEY, APP + 1, "alice", &sig, 1_700_000_000).expect_err("wrong app");
    assert_eq!(err, VerifyError::SdkAppIdMismatch);
    assert_eq!(err.code(), 70014);
    assert!(err.to_string().contains("SDKAppID"));
}

#[test]
fn wrong_identifier_is_70013() {
    let sig = generate(KEY, APP, "alice", 1_700_000_000, 86_400);
    let err = verify(KEY, APP, "bob", &sig, 1_700_000_000).expect_err("wrong user");
    assert_eq!(err, VerifyError::IdentifierMismatch);
    assert_eq!(err.code(), 70013);
    assert!(err.to_string().contains("identifier"));
}

#[test]
fn expired_is_70001_and_saturates() {
    let sig = generate(KEY, APP, "alice", 1_700_000_000, 86_400);
    assert_eq!(verify(KEY, APP, "alice", &sig, 1_700_086_401), Err(VerifyError::Expired { expired_at: 1_700_086_400 }));
    // time + expire overflows u64: that must mean "never", not wrap to the past.
    let sig = generate(KEY, APP, "alice", u64::MAX - 5, u64::MAX);
    assert!(verify(KEY, APP, "alice", &sig, u64::MAX).is_ok());
}

#[test]
fn checks_run_in_tencent_order() {
    // A sig wrong in every way reports the app first, then the user, then expiry, then HMAC.
    let sig = generate("another key", APP, "alice", 1_700_000_000, 10);
    let late = 1_800_000_000;
    assert_eq!(verify(KEY, APP + 1, "bob", &sig, late), Err(VerifyError::SdkAppIdMismatch));
    assert_eq!(verify(KEY, APP, "bob", &sig, late), Err(VerifyError::IdentifierMismatch));
    assert_eq!(verify(KEY, APP, "alice", &sig, late), Err(VerifyError::Expired { expired_at: 1_700_000_010 }));
    assert_eq!(verify(KEY, APP, "alice", &sig, 1_700_000_000), Err(VerifyError::SignatureMismatch));
}

#[test]
fn wrong_key_is_70009() {
    let sig = generate(KEY, APP, "alice", 1_700_000_000, 86_400);
    let err = verify("not the key", APP, "alice", &sig, 1_700_000_000).expect_err("wrong key");
    assert_eq!(err, VerifyError::SignatureMismatch);
    assert_eq!(err.code(), 70009);
    assert!(err.to_string().contains("secret key"));
    let err = verify("not the key", APP, "xiaojun", PYTHON_SIG, 1_700_000_100).expect_err("key");
    assert_eq!(err, VerifyError::SignatureMismatch);
}

#[test]
fn tampered_sig_bytes_are_70009() {
    let original = alice_document();
    let sig_text = original["TLS.sig"].as_str().expect("string").to_owned();
    let mut raw = STANDARD.decode(&sig_text).expect("base64");
    for index in [0, 15, raw.len() - 1] {
        raw[index] ^= 0x01;
        let mut doc = original.clone();
        doc["TLS.sig"] = serde_json::Value::String(STANDARD.encode(&raw));
        assert_eq!(
            verify(KEY, APP, "alice", &pack_json(&doc), 1_700_000_000),
            Err(VerifyError::SignatureMismatch),
            "byte {index}"
        );
        raw[index] ^= 0x01;
    }
    // A truncated HMAC must not verify as a prefix match.
    let mut doc = original.clone();
    doc["TLS.sig"] = serde_json::Value::String(STANDARD.encode(&raw[..16]));
    assert_eq!(verify(KEY, APP, "alice", &pack_json(&doc), 1_700_000_000), Err(VerifyError::SignatureMismatch));
    // The untouched document does verify, so the failures above are due to the tampering.
    assert!(verify(KEY, APP, "alice", &pack_json(&original), 1_700_000_000).is_ok());
}

#[test]
fn tampered_claims_are_70009() {
    // Extending the validity, or adding or changing a userbuf, invalidates the HMAC.
    let mut doc = alice_document();
    doc["TLS.expire"] = serde_json::json!(86_400 * 365);
    assert_eq!(verify(KEY, APP, "alice", &pack_json(&doc), 1_700_000_000), Err(VerifyError::SignatureMismatch));
    let mut doc = alice_document();
    doc["TLS.userbuf"] = serde_json::json!("YWJj");
    assert_eq!(verify(KEY, APP, "alice", &pack_json(&doc), 1_700_000_000), Err(VerifyError::SignatureMismatch));
    let sig = generate_with_userbuf(KEY, APP, "alice", 1_700_000_000, 86_400, b"abc");
    let mut doc: serde_json::Value = serde_json::from_slice(&unpack(&sig).expect("unpacks")).expect("JSON");
    doc["TLS.userbuf"] = serde_json::json!("YWJk");
    assert_eq!(verify(KEY, APP, "alice", &pack_json(&doc), 1_700_000_000), Err(VerifyError::SignatureMismatch));
}

#[test]
fn identifier_swapped_after_signing_is_70009() {
    // The JSON says "alice" but the HMAC was computed over "mallory".
    let sig = forge("alice", "mallory", 1_700_000_000, 86_400);
    assert_eq!(decode(&sig).expect("decodes").identifier, "alice");
    assert_eq!(verify(KEY, APP, "alice", &sig, 1_700_000_000), Err(VerifyError::SignatureMismatch));
    // The forged sig is not usable as mallory's either: the JSON names alice.
    assert_eq!(verify(KEY, APP, "mallory", &sig, 1_700_000_000), Err(VerifyError::IdentifierMismatch));
    // Same helper with matching identifiers verifies, so the helper itself is sound.
    assert!(verify(KEY, APP, "alice", &forge("alice", "alice", 1_700_000_000, 60), 1_700_000_000).is_ok());
}

#[test]
fn zip_bomb_is_capped() {
    // Highly compressible input far beyond the cap inflates only up to the cap.
    let bomb = pack(&vec![b' '; 10 * MAX_INFLATED_BYTES]);
    assert!(bomb.len() < 1024, "the bomb should be small: {}", bomb.len());
    let reason = expect_malformed(decode(&bomb));
    assert!(reason.contains("larger than 16384 bytes"), "{reason}");
    // A document of exactly the cap is still inflated (and then rejected as JSON).
    let reason = expect_malformed(decode(&pack(&vec![b'x'; MAX_INFLATED_BYTES])));
    assert!(reason.contains("not valid JSON"), "{reason}");
}

#[test]
fn overlong_input_is_rejected_before_decoding() {
    let long = "A".repeat(MAX_SIG_CHARS + 1);
    let reason = expect_malformed(decode(&long));
    assert!(reason.contains("characters long"), "{reason}");
}

#[test]
fn stored_zlib_fallback_is_valid_zlib() {
    use std::io::Read as _;
    for len in [0, 1, 300, 65_535, 65_536, 140_000] {
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&zlib_stored(&data)[..])
            .read_to_end(&mut inflated)
            .expect("stored stream inflates");
        assert_eq!(inflated, data, "length {len}");
    }
    // And a sig whose document is stored rather than compressed verifies.
    let json = unpack(&generate(KEY, APP, "alice", 1_700_000_000, 60)).expect("unpacks");
    let stored = pack_raw(&zlib_stored(&json));
    assert!(verify(KEY, APP, "alice", &stored, 1_700_000_000).is_ok());
}

#[test]
fn error_codes_match_tencent() {
    let cases = [
        (VerifyError::Expired { expired_at: 1 }, 70001),
        (VerifyError::Empty, 70002),
        (VerifyError::Malformed("x".to_owned()), 70003),
        (VerifyError::SignatureMismatch, 70009),
        (VerifyError::IdentifierMismatch, 70013),
        (VerifyError::SdkAppIdMismatch, 70014),
    ];
    for (error, code) in cases {
        assert_eq!(error.code(), code, "{error:?}");
    }
}

/// Replaces the byte at `index` (modulo the length) with a different printable ASCII byte.
fn change_one_char(identifier: &str, index: usize, replacement: u8) -> String {
    let mut bytes = identifier.as_bytes().to_vec();
    let index = index % bytes.len();
    let original = bytes[index];
    bytes[index] = match replacement {
        r if r != original => r,
        b'~' => b' ',
        r => r + 1,
    };
    String::from_utf8(bytes).expect("still ASCII")
}

proptest! {
    #[test]
    fn generate_then_verify_round_trips(
        identifier in "[ -~]{1,32}",
        sdkappid in any::<u64>(),
        time in any::<u64>(),
        expire in any::<u64>(),
        index in any::<usize>(),
        replacement in 0x20_u8..=0x7e,
    ) {
        let sig = generate(KEY, sdkappid, &identifier, time, expire);
        let now = time.saturating_add(expire);
        let claims = verify(KEY, sdkappid, &identifier, &sig, now);
        prop_assert_eq!(
            claims,
            Ok(UserSigClaims { identifier: identifier.clone(), sdkappid, time, expire, userbuf: None })
        );
        let other = change_one_char(&identifier, index, replacement);
        prop_assert_ne!(&other, &identifier);
        prop_assert_eq!(
            verify(KEY, sdkappid, &other, &sig, now),
            Err(VerifyError::IdentifierMismatch)
        );
        // Forging the JSON to name the other user must still fail, on the HMAC.
        let content = content_to_sign(&identifier, sdkappid, time, expire, None);
        let forged = pack(
            document_json(&other, sdkappid, time, expire, None, &sig_b64(KEY, &content)).as_bytes(),
        );
        prop_assert_eq!(
            verify(KEY, sdkappid, &other, &forged, now),
            Err(VerifyError::SignatureMismatch)
        );
    }

    #[test]
    fn userbuf_round_trips(
        identifier in "[ -~]{1,32}",
        userbuf in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let sig = generate_with_userbuf(KEY, APP, &identifier, 1_700_000_000, 60, &userbuf);
        let claims = verify(KEY, APP, &identifier, &sig, 1_700_000_000);
        prop_assert_eq!(claims.map(|c| c.userbuf), Ok(Some(userbuf)));
    }

    #[test]
    fn decoding_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = decode(&text);
    }
}
