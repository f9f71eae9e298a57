//! An image upload's three sizes, as TIM gives them: the original, a large size and a
//! thumbnail, each scaled to fit a square of [`limits::MEDIA_IMAGE_LARGE_PX`] and
//! [`limits::MEDIA_IMAGE_THUMB_PX`] pixels (an image already smaller keeps its size).

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, imageops::FilterType};
use serde_json::{Value, json};
use tincan_proto::limits;

use super::store::Variant;

/// TIM's `TIMImageFormat`.
const FORMAT_JPG: i32 = 1;
const FORMAT_GIF: i32 = 2;
const FORMAT_PNG: i32 = 3;
const FORMAT_UNKNOWN: i32 = 255;

/// An image's format and its three sizes: width, height and bytes of each.
#[derive(Clone, Debug)]
pub(super) struct ImageInfo {
    pub(super) format: i32,
    sizes: [(u32, u32, u64); 3],
}

impl ImageInfo {
    pub(super) fn size(&self, variant: Variant) -> (u32, u32, u64) {
        match variant {
            Variant::Orig => self.sizes[0],
            Variant::Large => self.sizes[1],
            Variant::Thumb => self.sizes[2],
        }
    }

    /// The content type of the large size and the thumbnail: JPEG for a JPEG, PNG otherwise.
    pub(super) fn derived_type(&self) -> &'static str {
        if self.format == FORMAT_JPG { "image/jpeg" } else { "image/png" }
    }

    pub(super) fn to_json(&self) -> Value {
        json!({"format": self.format, "sizes": self.sizes.iter().map(|(w, h, n)| json!([w, h, n])).collect::<Vec<_>>()})
    }

    pub(super) fn from_json(value: &Value) -> Option<ImageInfo> {
        let format = i32::try_from(value.get("format")?.as_i64()?).ok()?;
        let list = value.get("sizes")?.as_array()?;
        let mut sizes = [(0, 0, 0); 3];
        for (slot, item) in sizes.iter_mut().zip(list) {
            let item = item.as_array()?;
            let width = u32::try_from(item.first()?.as_u64()?).ok()?;
            let height = u32::try_from(item.get(1)?.as_u64()?).ok()?;
            *slot = (width, height, item.get(2)?.as_u64()?);
        }
        Some(ImageInfo { format, sizes })
    }
}

/// What an image upload makes.
pub(super) struct Derived {
    pub(super) info: ImageInfo,
    pub(super) content_type: &'static str,
    pub(super) large: Vec<u8>,
    pub(super) thumb: Vec<u8>,
}

/// Reads an image (JPEG, PNG, GIF or WebP) and makes its large size and thumbnail; the error
/// says what was wrong.
pub(super) fn derive(bytes: &[u8]) -> Result<Derived, String> {
    let format = image::guess_format(bytes).map_err(|_| "the upload is not an image".to_owned())?;
    let (tim_format, content_type) = match format {
        ImageFormat::Jpeg => (FORMAT_JPG, "image/jpeg"),
        ImageFormat::Png => (FORMAT_PNG, "image/png"),
        ImageFormat::Gif => (FORMAT_GIF, "image/gif"),
        ImageFormat::WebP => (FORMAT_UNKNOWN, "image/webp"),
        other => return Err(format!("{other:?} images are not accepted; send JPEG, PNG, GIF or WebP")),
    };
    let original =
        image::load_from_memory_with_format(bytes, format).map_err(|err| format!("the image cannot be read: {err}"))?;
    let encode = |side: u32| -> Result<(u32, u32, Vec<u8>), String> {
        let scaled = if original.width() > side || original.height() > side {
            original.resize(side, side, FilterType::Triangle)
        } else {
            original.clone()
        };
        let mut out = Cursor::new(Vec::new());
        let written = if tim_format == FORMAT_JPG {
            DynamicImage::ImageRgb8(scaled.to_rgb8()).write_to(&mut out, ImageFormat::Jpeg)
        } else {
            scaled.write_to(&mut out, ImageFormat::Png)
        };
        written.map_err(|err| format!("the image cannot be scaled: {err}"))?;
        Ok((scaled.width(), scaled.height(), out.into_inner()))
    };
    let (large_w, large_h, large) = encode(limits::MEDIA_IMAGE_LARGE_PX)?;
    let (thumb_w, thumb_h, thumb) = encode(limits::MEDIA_IMAGE_THUMB_PX)?;
    let sizes = [
        (original.width(), original.height(), bytes.len() as u64),
        (large_w, large_h, large.len() as u64),
        (thumb_w, thumb_h, thumb.len() as u64),
    ];
    Ok(Derived { info: ImageInfo { format: tim_format, sizes }, content_type, large, thumb })
}
