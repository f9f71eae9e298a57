//! What the engine asks of the keeper of uploaded content: a kernel-level interface that
//! `engine` holds in its configuration and the program (the server) implements, apart from
//! [`super::link_message`], which drives it and so stands above `engine`.

use tincan_proto::message::Elem;
use tincan_proto::{ApiError, Conv, UserId};

/// What an upload was for: TIM's four element types that carry content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    /// `kTIMElem_Image`.
    Image,
    /// `kTIMElem_Sound`.
    Sound,
    /// `kTIMElem_File`.
    File,
    /// `kTIMElem_Video` (the video itself, or its snapshot image).
    Video,
}

/// The keeper of uploaded content, as the engine needs it when a message is sent.
pub trait MediaLinker: Send + Sync {
    /// Fills in element `elem`'s URLs and sizes for content `id`, which `key` names, signed for
    /// `conv` of app `sdkappid` with `app_key`; refuses with 4001 when `sender` did not upload
    /// `id` as one of `kinds`.
    #[allow(clippy::too_many_arguments)]
    fn link(
        &self,
        sdkappid: u64,
        app_key: &str,
        sender: &UserId,
        conv: &Conv,
        key: &str,
        id: &str,
        kinds: &[MediaKind],
        elem: &mut Elem,
    ) -> Result<(), ApiError>;

    /// Whether `url` points at this server's media (a URL only an upload may give).
    fn is_own_url(&self, url: &str) -> bool;
}
