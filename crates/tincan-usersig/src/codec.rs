//! The transport layers of a UserSig: Tencent's base64 variant around a zlib stream.
//!
//! Encoding is `zlib(json)` → standard base64 → `+`→`*`, `/`→`-`, `=`→`_`;
//! decoding reverses it with a cap on both the input length and the inflated size.

use std::io::Write as _;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use flate2::write::ZlibEncoder;
use flate2::{Compression, Decompress, FlushDecompress, Status};

use crate::error::{VerifyError, malformed};

/// The largest inflated JSON document accepted; real sigs are a few hundred bytes,
/// and the cap keeps a zlib bomb from allocating more than this.
pub(crate) const MAX_INFLATED_BYTES: usize = 16 * 1024;

/// The longest sig string accepted; base64 of a stored zlib stream of
/// [`MAX_INFLATED_BYTES`] fits well inside it, so nothing legitimate is refused.
pub(crate) const MAX_SIG_CHARS: usize = 32 * 1024;

/// A standard-alphabet decoder that tolerates missing padding and non-zero trailing bits,
/// because Python's `base64.b64decode` (used by Tencent's reference code) accepts those too,
/// and the HMAC, not the encoding, is what protects the content.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Encodes bytes as standard base64 with padding, the form used inside the JSON document.
pub(crate) fn base64_std(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard base64 leniently (see [`LENIENT_STANDARD`]), for the fields inside the document.
pub(crate) fn base64_std_decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    LENIENT_STANDARD.decode(text)
}

/// Compresses a JSON document and wraps it in Tencent's URL-friendly base64 variant.
pub(crate) fn pack(json: &[u8]) -> String {
    let compressed = zlib_compress(json);
    STANDARD
        .encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            other => other,
        })
        .collect()
}

/// Reverses [`pack`]: undoes the character substitution, base64-decodes and inflates.
pub(crate) fn unpack(user_sig: &str) -> Result<Vec<u8>, VerifyError> {
    // Surrounding whitespace is a copy-and-paste artefact, never part of a sig.
    let user_sig = user_sig.trim_ascii();
    if user_sig.is_empty() {
        return Err(VerifyError::Empty);
    }
    if user_sig.len() > MAX_SIG_CHARS {
        return Err(malformed(format!(
            "it is {} characters long, more than the {MAX_SIG_CHARS} allowed",
            user_sig.len()
        )));
    }
    // The standard characters are left as they are, as Tencent's own decoder does,
    // so a sig that went through plain base64 somewhere still decodes.
    let standard: String = user_sig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            other => other,
        })
        .collect();
    let compressed =
        LENIENT_STANDARD.decode(standard.as_bytes()).map_err(|e| malformed(format!("not valid base64 ({e})")))?;
    inflate_capped(&compressed, MAX_INFLATED_BYTES)
}

/// Compresses with zlib at the default level, as Tencent's generators do.
fn zlib_compress(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    match encoder.write_all(data).and_then(|()| encoder.finish()) {
        Ok(compressed) => compressed,
        // Writing into a Vec cannot fail, but rather than panic on the impossible we fall
        // back to an uncompressed zlib stream, which every inflater accepts.
        Err(_) => zlib_stored(data),
    }
}

/// Builds an RFC 1950 stream of uncompressed (stored) deflate blocks by hand.
pub(crate) fn zlib_stored(data: &[u8]) -> Vec<u8> {
    // 0x78 0x01: deflate with a 32 KiB window, fastest level, and a valid header check.
    let mut out = vec![0x78, 0x01];
    let mut chunks = data.chunks(usize::from(u16::MAX)).peekable();
    if chunks.peek().is_none() {
        // An empty input still needs one final, empty block.
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let is_final = chunks.peek().is_none();
        out.push(u8::from(is_final));
        // Chunks are at most u16::MAX bytes long, so the conversion cannot saturate.
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// Computes the Adler-32 checksum that closes a zlib stream.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1_u32, 0_u32);
    for &byte in data {
        a = (a + u32::from(byte)) % MOD;
        b = (b + a) % MOD;
    }
    (b << 16) | a
}

/// Inflates a complete zlib stream, refusing truncated or corrupt streams and any
/// output larger than `cap` bytes.
fn inflate_capped(input: &[u8], cap: usize) -> Result<Vec<u8>, VerifyError> {
    let mut inflater = Decompress::new(true);
    // One byte of headroom lets us tell "exactly cap bytes" from "more than cap bytes".
    let mut out = Vec::with_capacity(cap.saturating_add(1));
    loop {
        let consumed =
            usize::try_from(inflater.total_in()).map_err(|_| malformed("zlib stream position overflowed"))?;
        let rest = input.get(consumed..).unwrap_or_default();
        let before = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|e| malformed(format!("not a valid zlib stream ({e})")))?;
        if out.len() > cap {
            return Err(malformed(format!("the inflated document is larger than {cap} bytes")));
        }
        match status {
            Status::StreamEnd => return Ok(out),
            Status::Ok | Status::BufError => {
                if (inflater.total_in(), inflater.total_out()) == before {
                    // No progress with all input offered means the stream was cut short
                    // (a full output buffer was ruled out by the cap check above).
                    return Err(malformed("the zlib stream is truncated"));
                }
            }
        }
    }
}
