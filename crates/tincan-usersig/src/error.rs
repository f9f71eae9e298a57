//! The verification error type and its Tencent server error codes.

/// Why a UserSig was rejected; each variant maps to the Tencent IM server code in [`VerifyError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// 70001: the sig has expired.
    #[error("UserSig expired at {expired_at} (UNIX seconds); generate a new one")]
    Expired {
        /// The UNIX time after which the sig stopped being valid (`TLS.time + TLS.expire`).
        expired_at: u64,
    },
    /// 70002: the sig is empty.
    #[error("UserSig is empty")]
    Empty,
    /// 70003: the sig cannot be decoded (bad base64, bad zlib, bad JSON, missing or mistyped fields).
    #[error("UserSig is malformed: {0}")]
    Malformed(String),
    /// 70013: the sig was made for another identifier.
    #[error("UserSig was issued for a different identifier than the one it is used with")]
    IdentifierMismatch,
    /// 70014: the sig was made for another SDKAppID.
    #[error("UserSig was issued for a different SDKAppID than this application's")]
    SdkAppIdMismatch,
    /// 70009: the HMAC does not verify with this app's key (tampered, or the wrong key).
    #[error(
        "UserSig signature does not verify with this application's secret key (tampered, or made with another key)"
    )]
    SignatureMismatch,
}

impl VerifyError {
    /// Returns the Tencent IM server error code that this rejection corresponds to.
    #[must_use]
    pub fn code(&self) -> u32 {
        match self {
            Self::Expired { .. } => 70001,
            Self::Empty => 70002,
            Self::Malformed(_) => 70003,
            Self::SignatureMismatch => 70009,
            Self::IdentifierMismatch => 70013,
            Self::SdkAppIdMismatch => 70014,
        }
    }
}

/// Builds a [`VerifyError::Malformed`] from anything displayable, so call sites stay one line.
pub(crate) fn malformed(reason: impl std::fmt::Display) -> VerifyError {
    VerifyError::Malformed(reason.to_string())
}
