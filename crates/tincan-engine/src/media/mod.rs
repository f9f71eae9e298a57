//! Rich media in messages: the engine's side of uploaded content.
//!
//! Content is uploaded to the server's edge, which keeps it (`tincan-server`'s `media`); a
//! message names it by the ID the upload answered (`image_elem_orig_id`, `file_elem_file_id`,
//! `sound_elem_file_id`, `video_elem_video_id`, `video_elem_image_id`). Before a message is
//! stored, [`link_message`] asks the [`MediaLinker`] the program handed in whether the sender
//! uploaded that content, and fills in the element's download URLs and sizes, signed for the
//! message's conversation; a sender's local `*_path` keys are dropped so that no peer sees them.

use tincan_proto::{ApiError, Conv, ErrorCode, Message, UserId};

use crate::engine::Engine;
use crate::state::read;

pub(crate) mod linker;

pub use linker::{MediaKind, MediaLinker};

/// The keys of an element that name uploaded content: the ID key, and the kinds of upload it
/// accepts.
const ID_KEYS: &[(i32, &str, &[MediaKind])] = &[
    (1, "image_elem_orig_id", &[MediaKind::Image]),
    (2, "sound_elem_file_id", &[MediaKind::Sound]),
    (4, "file_elem_file_id", &[MediaKind::File, MediaKind::Image, MediaKind::Sound, MediaKind::Video]),
    (9, "video_elem_video_id", &[MediaKind::Video]),
    (9, "video_elem_image_id", &[MediaKind::Image]),
];

/// The local paths a sender's element may carry, never passed on.
const PATH_KEYS: &[&str] = &[
    "image_elem_orig_path",
    "sound_elem_file_path",
    "file_elem_file_path",
    "video_elem_video_path",
    "video_elem_image_path",
];

/// Links every content-carrying element of `message`, sent by `sender` to `conv`.
pub(crate) fn link_message(
    engine: &Engine,
    sdkappid: u64,
    sender: &UserId,
    conv: &Conv,
    message: &mut Message,
) -> Result<(), ApiError> {
    let Some(linker) = engine.inner.media.as_ref() else { return Ok(()) };
    let Some(app) = engine.app(sdkappid) else { return Ok(()) };
    let app_key = read(&app.settings).secret_key.clone();
    for (index, elem) in message.message_elem_array.iter_mut().enumerate() {
        let Some(elem_type) = elem.elem_type() else { continue };
        let mut linked = false;
        for (of_type, key, kinds) in ID_KEYS {
            if *of_type != elem_type.0 {
                continue;
            }
            let Some(id) = elem.0.get(*key).and_then(|it| it.as_str()).map(str::to_owned) else { continue };
            if id.is_empty() {
                continue;
            }
            linker
                .link(sdkappid, &app_key, sender, conv, key, &id, kinds, elem)
                .map_err(|err| ApiError::new(err.code, format!("message_elem_array[{index}].{key}: {}", err.desc)))?;
            linked = true;
        }
        if !linked {
            // Without an upload's ID, a URL of this server's media was not given to this sender
            // for this conversation.
            let own = elem
                .0
                .iter()
                .find(|(key, value)| key.ends_with("_url") && value.as_str().is_some_and(|url| linker.is_own_url(url)));
            if let Some((key, _)) = own {
                return Err(ApiError::new(
                    ErrorCode::MEDIA_NOT_UPLOADED,
                    format!(
                        "message_elem_array[{index}].{key} is a URL of this server's media; name the upload by its ID instead"
                    ),
                ));
            }
        }
        if ID_KEYS.iter().any(|(of_type, _, _)| *of_type == elem_type.0) {
            for key in PATH_KEYS {
                elem.0.remove(*key);
            }
        }
    }
    Ok(())
}

impl Engine {
    /// Whether content that `owner` uploaded to app `sdkappid` may still be served for `conv`:
    /// the owner's account exists, and so do the conversation's peer (C2C) or group.
    pub fn media_visible(&self, sdkappid: u64, owner: &UserId, conv: &Conv) -> bool {
        let Some(app) = self.app(sdkappid) else { return false };
        if app.account(owner).is_none() {
            return false;
        }
        match conv {
            Conv::C2c(peer) => app.account(peer).is_some(),
            Conv::Group(group) => app.group(group).is_some(),
        }
    }

    /// Checks a user's UserSig as a login does, for the media endpoints; the account must exist.
    pub fn verify_user(&self, sdkappid: u64, user: &UserId, user_sig: &str) -> Result<(), ApiError> {
        let app = self.app(sdkappid).ok_or_else(|| {
            ApiError::new(ErrorCode::SDKAPPID_NOT_FOUND, format!("SDKAppID {sdkappid} does not exist on this server"))
        })?;
        let key = read(&app.settings).secret_key.clone();
        tincan_usersig::verify(&key, sdkappid, user.as_str(), user_sig, self.now())
            .map_err(|err| ApiError::new(ErrorCode(err.code()), err.to_string()))?;
        if app.account(user).is_none() {
            return Err(ApiError::new(
                ErrorCode::ACCOUNT_NOT_FOUND,
                format!("account {user} does not exist; log in first"),
            ));
        }
        Ok(())
    }

    /// The secret key of app `sdkappid`, which signs its media URLs.
    pub fn media_key(&self, sdkappid: u64) -> Option<String> {
        self.app(sdkappid).map(|app| read(&app.settings).secret_key.clone())
    }
}
