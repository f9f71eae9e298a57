//! Generation and verification of Tencent's TLSSigAPIv2 UserSig.
//!
//! A UserSig is an HMAC-SHA256 over a fixed text (identifier, SDKAppID, issue time,
//! validity and optional userbuf), wrapped in a small JSON document that is
//! zlib-compressed and encoded in Tencent's URL-friendly base64 variant. This crate
//! produces sigs that Tencent's own generators accept and accepts the sigs they make.
//! It is pure: no I/O and no clock, so the current time is always an argument.
//!
//! # Layout
//!
//! - `lib.rs`: the public API ([`generate`], [`generate_with_userbuf`], [`decode`],
//!   [`verify`]), the text that is signed, and the JSON document.
//! - `codec.rs`: the transport layers (zlib and the base64 variant), with size caps.
//! - `error.rs`: [`VerifyError`] and its Tencent server codes.
//! - `tests.rs`: unit and property tests, including vectors made by Tencent's generators.
//!
//! # Example
//!
//! ```
//! let key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
//! let sig = tincan_usersig::generate(key, 1_400_000_000, "alice", 1_700_000_000, 86_400);
//! let claims = tincan_usersig::verify(key, 1_400_000_000, "alice", &sig, 1_700_000_100)?;
//! assert_eq!(claims.identifier, "alice");
//! # Ok::<(), tincan_usersig::VerifyError>(())
//! ```

mod codec;
mod error;
#[cfg(test)]
mod tests;

use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

pub use error::VerifyError;

use codec::{base64_std, base64_std_decode, pack, unpack};
use error::malformed;

/// The validity Tencent's generators use when none is given: 180 days, in seconds.
pub const DEFAULT_EXPIRE_SECONDS: u64 = 15_552_000;

/// The document version written into `TLS.ver`.
const VERSION: &str = "2.0";

/// The fields a UserSig carries, as decoded from its JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSigClaims {
    /// The user the sig was issued for (`TLS.identifier`).
    pub identifier: String,
    /// The application the sig was issued for (`TLS.sdkappid`).
    pub sdkappid: u64,
    /// When the sig was issued, in UNIX seconds (`TLS.time`).
    pub time: u64,
    /// How long the sig stays valid after `time`, in seconds (`TLS.expire`).
    pub expire: u64,
    /// The opaque userbuf bytes (`TLS.userbuf`, base64-decoded), when the sig carries one.
    pub userbuf: Option<Vec<u8>>,
}

impl UserSigClaims {
    /// Returns the UNIX time after which the sig is expired (`time + expire`, saturating).
    #[must_use]
    pub fn expires_at(&self) -> u64 {
        self.time.saturating_add(self.expire)
    }
}

/// Generates a UserSig for `identifier` in app `sdkappid`, issued at `time` (UNIX seconds)
/// and valid for `expire` seconds.
#[must_use]
pub fn generate(key: &str, sdkappid: u64, identifier: &str, time: u64, expire: u64) -> String {
    generate_inner(key, sdkappid, identifier, time, expire, None)
}

/// Generates a UserSig like [`generate`] that also carries `userbuf`, which is signed too.
#[must_use]
pub fn generate_with_userbuf(
    key: &str,
    sdkappid: u64,
    identifier: &str,
    time: u64,
    expire: u64,
    userbuf: &[u8],
) -> String {
    generate_inner(key, sdkappid, identifier, time, expire, Some(userbuf))
}

/// Decodes a UserSig without checking its key, app, user or expiry; meant for diagnostics.
pub fn decode(user_sig: &str) -> Result<UserSigClaims, VerifyError> {
    decode_document(user_sig).map(|doc| doc.claims)
}

/// Verifies that `user_sig` was made with `key` for `identifier` in app `sdkappid` and has
/// not expired at `now` (UNIX seconds), returning its claims.
///
/// Checks run in Tencent's order: decoding, SDKAppID, identifier, expiry, then the HMAC.
pub fn verify(
    key: &str,
    sdkappid: u64,
    identifier: &str,
    user_sig: &str,
    now: u64,
) -> Result<UserSigClaims, VerifyError> {
    let doc = decode_document(user_sig)?;
    let claims = &doc.claims;
    if claims.sdkappid != sdkappid {
        return Err(VerifyError::SdkAppIdMismatch);
    }
    if claims.identifier != identifier {
        return Err(VerifyError::IdentifierMismatch);
    }
    let expired_at = claims.expires_at();
    if now > expired_at {
        return Err(VerifyError::Expired { expired_at });
    }
    // The userbuf line is rebuilt from the string the generator signed, not from
    // re-encoded bytes, so a non-canonical base64 userbuf still verifies.
    let content =
        content_to_sign(&claims.identifier, claims.sdkappid, claims.time, claims.expire, doc.userbuf_b64.as_deref());
    // `verify_slice` compares in constant time, so timing does not leak the expected HMAC.
    hmac_sha256(key, &content).verify_slice(&doc.sig).map_err(|_| VerifyError::SignatureMismatch)?;
    Ok(doc.claims)
}

/// A decoded document: the public claims plus what is needed to check the HMAC.
struct Document {
    /// The claims that the caller sees.
    claims: UserSigClaims,
    /// `TLS.userbuf` exactly as it appeared in the document, when present.
    userbuf_b64: Option<String>,
    /// `TLS.sig`, base64-decoded.
    sig: Vec<u8>,
}

/// Generates a sig with or without a userbuf; the userbuf line is signed only when present.
fn generate_inner(
    key: &str,
    sdkappid: u64,
    identifier: &str,
    time: u64,
    expire: u64,
    userbuf: Option<&[u8]>,
) -> String {
    let userbuf_b64 = userbuf.map(base64_std);
    let content = content_to_sign(identifier, sdkappid, time, expire, userbuf_b64.as_deref());
    let sig = base64_std(&hmac_sha256(key, &content).finalize().into_bytes());
    let json = document_json(identifier, sdkappid, time, expire, userbuf_b64.as_deref(), &sig);
    pack(json.as_bytes())
}

/// Builds the exact text that is HMAC'd: one `TLS.<name>:<value>` line per field, in
/// Tencent's order, each ending in `\n`, with the userbuf line only when there is a userbuf.
fn content_to_sign(identifier: &str, sdkappid: u64, time: u64, expire: u64, userbuf_b64: Option<&str>) -> String {
    let mut content =
        format!("TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n");
    if let Some(userbuf_b64) = userbuf_b64 {
        content.push_str("TLS.userbuf:");
        content.push_str(userbuf_b64);
        content.push('\n');
    }
    content
}

/// Starts an HMAC-SHA256 over `content` keyed with the UTF-8 bytes of `key`.
fn hmac_sha256(key: &str, content: &str) -> Hmac<Sha256> {
    // HMAC turns any key into one block: longer keys are hashed, shorter ones zero-padded.
    // Doing that step here lets us use the infallible block-sized constructor instead of
    // handling an error from `new_from_slice` that can never happen.
    let mut block_key = hmac::digest::Key::<Hmac<Sha256>>::default();
    let key = key.as_bytes();
    if key.len() > block_key.len() {
        let hashed = Sha256::digest(key);
        block_key[..hashed.len()].copy_from_slice(&hashed);
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let mut mac = Hmac::<Sha256>::new(&block_key);
    mac.update(content.as_bytes());
    mac
}

/// Writes the JSON document with fields in the order Tencent's generators use.
fn document_json(
    identifier: &str,
    sdkappid: u64,
    time: u64,
    expire: u64,
    userbuf_b64: Option<&str>,
    sig_b64: &str,
) -> String {
    // serde_json's `Map` sorts its keys, so the object is assembled by hand; every string
    // still goes through serde_json so escaping is correct. Displaying a `Value` cannot fail.
    let string = |s: &str| Value::String(s.to_owned()).to_string();
    let mut json = format!(
        "{{\"TLS.ver\":{},\"TLS.identifier\":{},\"TLS.sdkappid\":{sdkappid},\"TLS.expire\":{expire},\"TLS.time\":{time}",
        string(VERSION),
        string(identifier),
    );
    if let Some(userbuf_b64) = userbuf_b64 {
        json.push_str(",\"TLS.userbuf\":");
        json.push_str(&string(userbuf_b64));
    }
    json.push_str(",\"TLS.sig\":");
    json.push_str(&string(sig_b64));
    json.push('}');
    json
}

/// Unpacks and parses a sig into its document, checking every field's presence and type.
fn decode_document(user_sig: &str) -> Result<Document, VerifyError> {
    let json = unpack(user_sig)?;
    let value: Value =
        serde_json::from_slice(&json).map_err(|e| malformed(format!("the document is not valid JSON ({e})")))?;
    let Value::Object(fields) = value else {
        return Err(malformed("the document is not a JSON object"));
    };
    check_version(&fields)?;
    let userbuf_b64 = match fields.get("TLS.userbuf") {
        // Some generators write an explicit null for "no userbuf".
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(malformed("TLS.userbuf is not a string")),
    };
    let userbuf = userbuf_b64
        .as_deref()
        .map(|s| base64_std_decode(s).map_err(|e| malformed(format!("TLS.userbuf is not valid base64 ({e})"))))
        .transpose()?;
    let sig = match fields.get("TLS.sig") {
        None => return Err(malformed("TLS.sig is missing")),
        Some(Value::String(s)) => {
            base64_std_decode(s).map_err(|e| malformed(format!("TLS.sig is not valid base64 ({e})")))?
        }
        Some(_) => return Err(malformed("TLS.sig is not a string")),
    };
    Ok(Document {
        claims: UserSigClaims {
            identifier: identifier_field(&fields)?,
            sdkappid: integer_field(&fields, "TLS.sdkappid")?,
            time: integer_field(&fields, "TLS.time")?,
            expire: integer_field(&fields, "TLS.expire")?,
            userbuf,
        },
        userbuf_b64,
        sig,
    })
}

/// Rejects documents of another version; a missing `TLS.ver` is tolerated because the
/// HMAC check will catch anything that is not really a v2 sig.
fn check_version(fields: &Map<String, Value>) -> Result<(), VerifyError> {
    match fields.get("TLS.ver") {
        None => Ok(()),
        Some(Value::String(v)) if v == VERSION => Ok(()),
        Some(Value::Number(n)) if n.as_f64() == Some(2.0) => Ok(()),
        Some(other) => Err(malformed(format!("TLS.ver is {other}, but only version {VERSION} is supported"))),
    }
}

/// Reads `TLS.identifier`, accepting a JSON number too because the signed text is just
/// its decimal form (Tencent's generators stringify whatever identifier they are given).
fn identifier_field(fields: &Map<String, Value>) -> Result<String, VerifyError> {
    match fields.get("TLS.identifier") {
        None => Err(malformed("TLS.identifier is missing")),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(malformed("TLS.identifier is not a string")),
    }
}

/// Reads a non-negative integer field given either as a JSON number or as a decimal string,
/// since some generators emit the numeric fields as strings.
fn integer_field(fields: &Map<String, Value>, name: &str) -> Result<u64, VerifyError> {
    let parsed = match fields.get(name) {
        None => return Err(malformed(format!("{name} is missing"))),
        Some(Value::Number(n)) => n.as_u64(),
        // `u64::from_str` would also take a leading `+`, which no generator writes.
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        Some(_) => None,
    };
    parsed.ok_or_else(|| malformed(format!("{name} is not a non-negative integer")))
}
