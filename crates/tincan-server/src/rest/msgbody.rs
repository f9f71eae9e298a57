//! TIM's REST message body (`MsgBody: [{"MsgType": "TIMTextElem", "MsgContent": {...}}]`) to
//! and from the client's element objects (`{"elem_type": 0, "text_elem_content": ...}`).
//!
//! Each element type is a table of (REST key, client key, JSON kind); images are the one shape
//! that differs (one REST array of three sizes against flat client keys). A message sent over
//! REST reads back over REST with the same keys and values; `Download_Flag` keys, which say how
//! TIM's own storage serves a file, are not kept and read back as 2 (download by URL).

use serde_json::{Map, Value, json};
use tincan_proto::enums::ElemType;
use tincan_proto::message::Elem;
use tincan_proto::{ApiError, ErrorCode};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Number,
}

type Table = &'static [(&'static str, &'static str, Kind)];

const TEXT: Table = &[("Text", "text_elem_content", Kind::Text)];
const CUSTOM: Table = &[
    ("Data", "custom_elem_data", Kind::Text),
    ("Desc", "custom_elem_desc", Kind::Text),
    ("Ext", "custom_elem_ext", Kind::Text),
    ("Sound", "custom_elem_sound", Kind::Text),
];
const FACE: Table = &[("Index", "face_elem_index", Kind::Integer), ("Data", "face_elem_buf", Kind::Text)];
const LOCATION: Table = &[
    ("Desc", "location_elem_desc", Kind::Text),
    ("Latitude", "location_elem_latitude", Kind::Number),
    ("Longitude", "location_elem_longitude", Kind::Number),
];
const SOUND: Table = &[
    ("Url", "sound_elem_url", Kind::Text),
    ("UUID", "sound_elem_file_id", Kind::Text),
    ("Size", "sound_elem_file_size", Kind::Integer),
    ("Second", "sound_elem_file_time", Kind::Integer),
];
const FILE: Table = &[
    ("Url", "file_elem_url", Kind::Text),
    ("UUID", "file_elem_file_id", Kind::Text),
    ("FileSize", "file_elem_file_size", Kind::Integer),
    ("FileName", "file_elem_file_name", Kind::Text),
];
const VIDEO: Table = &[
    ("VideoUrl", "video_elem_video_url", Kind::Text),
    ("VideoUUID", "video_elem_video_id", Kind::Text),
    ("VideoSize", "video_elem_video_size", Kind::Integer),
    ("VideoSecond", "video_elem_video_duration", Kind::Integer),
    ("VideoFormat", "video_elem_video_type", Kind::Text),
    ("ThumbUrl", "video_elem_image_url", Kind::Text),
    ("ThumbUUID", "video_elem_image_id", Kind::Text),
    ("ThumbSize", "video_elem_image_size", Kind::Integer),
    ("ThumbWidth", "video_elem_image_width", Kind::Integer),
    ("ThumbHeight", "video_elem_image_height", Kind::Integer),
    ("ThumbFormat", "video_elem_image_type", Kind::Text),
];
const IMAGE: Table = &[("UUID", "image_elem_orig_id", Kind::Text), ("ImageFormat", "image_elem_format", Kind::Integer)];
/// `ImageInfoArray` entries by `Type` (1 original, 2 large, 3 thumbnail) and the client keys'
/// size prefix.
const IMAGE_SIZES: &[(u64, &str)] = &[(1, "orig"), (2, "large"), (3, "thumb")];

/// The element types REST messages carry: REST name, client type and key table.
const TYPES: &[(&str, ElemType, Table)] = &[
    ("TIMTextElem", ElemType::TEXT, TEXT),
    ("TIMCustomElem", ElemType::CUSTOM, CUSTOM),
    ("TIMFaceElem", ElemType::FACE, FACE),
    ("TIMLocationElem", ElemType::LOCATION, LOCATION),
    ("TIMSoundElem", ElemType::SOUND, SOUND),
    ("TIMFileElem", ElemType::FILE, FILE),
    ("TIMVideoFileElem", ElemType::VIDEO, VIDEO),
    ("TIMImageElem", ElemType::IMAGE, IMAGE),
];

fn kind_fits(kind: Kind, value: &Value) -> bool {
    match kind {
        Kind::Text => value.is_string(),
        Kind::Integer => value.is_i64() || value.is_u64(),
        Kind::Number => value.is_number(),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "a string",
        Kind::Integer => "an integer",
        Kind::Number => "a number",
    }
}

/// Converts a REST `MsgBody` to client elements; `invalid` is the service's code for a bad body.
pub(crate) fn from_rest(body: &Value, invalid: ErrorCode) -> Result<Vec<Elem>, ApiError> {
    let bad = |desc: String| ApiError::new(invalid, desc);
    let items = body.as_array().ok_or_else(|| bad("MsgBody must be an array of elements".to_owned()))?;
    if items.is_empty() {
        return Err(bad("MsgBody is empty; a message needs at least one element".to_owned()));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let msg_type = item
                .get("MsgType")
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("MsgBody[{index}].MsgType is missing or not a string")))?;
            let content = item
                .get("MsgContent")
                .and_then(Value::as_object)
                .ok_or_else(|| bad(format!("MsgBody[{index}].MsgContent is missing or not an object")))?;
            let (_, elem_type, table) = TYPES.iter().find(|(name, _, _)| *name == msg_type).ok_or_else(|| {
                bad(format!("MsgBody[{index}].MsgType {msg_type:?} is not an element type tincan knows"))
            })?;
            let mut elem = Map::new();
            elem.insert("elem_type".to_owned(), json!(elem_type.0));
            for (rest_key, client_key, kind) in *table {
                let Some(value) = content.get(*rest_key) else { continue };
                if !kind_fits(*kind, value) {
                    return Err(bad(format!(
                        "MsgBody[{index}].MsgContent.{rest_key} must be {}, got {value}",
                        kind_name(*kind)
                    )));
                }
                elem.insert((*client_key).to_owned(), value.clone());
            }
            if *elem_type == ElemType::TEXT && !elem.contains_key("text_elem_content") {
                return Err(bad(format!("MsgBody[{index}].MsgContent.Text is required for a TIMTextElem")));
            }
            if *elem_type == ElemType::IMAGE {
                image_from_rest(content, &mut elem)
                    .map_err(|desc| bad(format!("MsgBody[{index}].MsgContent.{desc}")))?;
            }
            Ok(Elem(elem))
        })
        .collect()
}

fn image_from_rest(content: &Map<String, Value>, elem: &mut Map<String, Value>) -> Result<(), String> {
    let Some(infos) = content.get("ImageInfoArray") else { return Ok(()) };
    let infos = infos.as_array().ok_or_else(|| "ImageInfoArray must be an array".to_owned())?;
    for (index, info) in infos.iter().enumerate() {
        let size_type = info.get("Type").and_then(Value::as_u64).unwrap_or(0);
        let (_, prefix) = IMAGE_SIZES
            .iter()
            .find(|(number, _)| *number == size_type)
            .ok_or_else(|| format!("ImageInfoArray[{index}].Type must be 1, 2 or 3"))?;
        for (rest_key, suffix, kind) in [
            ("Size", "pic_size", Kind::Integer),
            ("Width", "pic_width", Kind::Integer),
            ("Height", "pic_height", Kind::Integer),
            ("URL", "url", Kind::Text),
        ] {
            let Some(value) = info.get(rest_key) else { continue };
            if !kind_fits(kind, value) {
                return Err(format!("ImageInfoArray[{index}].{rest_key} must be {}, got {value}", kind_name(kind)));
            }
            elem.insert(format!("image_elem_{prefix}_{suffix}"), value.clone());
        }
    }
    Ok(())
}

/// Converts client elements to a REST `MsgBody`; element types REST has no name for (group
/// tips) are left out.
pub(crate) fn to_rest(elems: &[Elem]) -> Value {
    let items = elems
        .iter()
        .filter_map(|elem| {
            let elem_type = elem.elem_type()?;
            let (name, _, table) = TYPES.iter().find(|(_, it, _)| *it == elem_type)?;
            let mut content = Map::new();
            for (rest_key, client_key, _) in *table {
                if let Some(value) = elem.0.get(*client_key) {
                    content.insert((*rest_key).to_owned(), value.clone());
                }
            }
            match elem_type {
                ElemType::SOUND | ElemType::FILE => {
                    content.insert("Download_Flag".to_owned(), json!(2));
                }
                ElemType::VIDEO => {
                    content.insert("VideoDownloadFlag".to_owned(), json!(2));
                    content.insert("ThumbDownloadFlag".to_owned(), json!(2));
                }
                ElemType::IMAGE => {
                    let infos: Vec<Value> = IMAGE_SIZES
                        .iter()
                        .filter_map(|(number, prefix)| {
                            let mut info = Map::new();
                            for (rest_key, suffix) in
                                [("Size", "pic_size"), ("Width", "pic_width"), ("Height", "pic_height"), ("URL", "url")]
                            {
                                if let Some(value) = elem.0.get(&format!("image_elem_{prefix}_{suffix}")) {
                                    info.insert(rest_key.to_owned(), value.clone());
                                }
                            }
                            if info.is_empty() {
                                return None;
                            }
                            info.insert("Type".to_owned(), json!(number));
                            Some(Value::Object(info))
                        })
                        .collect();
                    content.insert("ImageInfoArray".to_owned(), Value::Array(infos));
                }
                _ => {}
            }
            Some(json!({"MsgType": name, "MsgContent": content}))
        })
        .collect();
    Value::Array(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVALID: ErrorCode = ErrorCode::GROUP_INVALID_PARAMETERS;

    fn round_trip(body: Value) {
        let elems = from_rest(&body, INVALID).unwrap();
        for (index, elem) in elems.iter().enumerate() {
            elem.validate_for_send(index).unwrap();
        }
        assert_eq!(to_rest(&elems), body);
    }

    #[test]
    fn every_element_type_reads_back_as_it_was_sent() {
        round_trip(json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]));
        round_trip(
            json!([{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "d", "Desc": "n", "Ext": "e", "Sound": "s"}}]),
        );
        round_trip(json!([{"MsgType": "TIMFaceElem", "MsgContent": {"Index": 3, "Data": "smile"}}]));
        round_trip(
            json!([{"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "here", "Latitude": 29.5, "Longitude": -113.25}}]),
        );
        round_trip(
            json!([{"MsgType": "TIMSoundElem", "MsgContent": {"Url": "http://x/a.m4a", "UUID": "u1", "Size": 62351, "Second": 4, "Download_Flag": 2}}]),
        );
        round_trip(
            json!([{"MsgType": "TIMFileElem", "MsgContent": {"Url": "http://x/f", "UUID": "u2", "FileSize": 10, "FileName": "f.txt", "Download_Flag": 2}}]),
        );
        round_trip(json!([{"MsgType": "TIMVideoFileElem", "MsgContent": {
            "VideoUrl": "http://x/v.mp4", "VideoUUID": "v", "VideoSize": 100, "VideoSecond": 5, "VideoFormat": "mp4",
            "ThumbUrl": "http://x/t.jpg", "ThumbUUID": "t", "ThumbSize": 10, "ThumbWidth": 64, "ThumbHeight": 48,
            "ThumbFormat": "JPG", "VideoDownloadFlag": 2, "ThumbDownloadFlag": 2}}]));
        round_trip(
            json!([{"MsgType": "TIMImageElem", "MsgContent": {"UUID": "img", "ImageFormat": 1, "ImageInfoArray": [
            {"Type": 1, "Size": 1000, "Width": 200, "Height": 100, "URL": "http://x/o.jpg"},
            {"Type": 2, "Size": 500, "Width": 100, "Height": 50, "URL": "http://x/l.jpg"},
            {"Type": 3, "Size": 50, "Width": 20, "Height": 10, "URL": "http://x/t.jpg"}]}}]),
        );
        round_trip(json!([
            {"MsgType": "TIMTextElem", "MsgContent": {"Text": "two"}},
            {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1, "Data": "elements"}}
        ]));
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        let desc = |body: Value| from_rest(&body, INVALID).unwrap_err().desc;
        assert!(desc(json!({"MsgType": "TIMTextElem"})).contains("array"));
        assert!(desc(json!([])).contains("empty"));
        assert!(desc(json!([{"MsgContent": {"Text": "x"}}])).contains("MsgBody[0].MsgType"));
        assert!(desc(json!([{"MsgType": "TIMHologramElem", "MsgContent": {}}])).contains("TIMHologramElem"));
        assert!(desc(json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": 5}}])).contains("Text must be a string"));
        assert!(desc(json!([{"MsgType": "TIMTextElem", "MsgContent": {}}])).contains("Text is required"));
        assert!(
            desc(json!([{"MsgType": "TIMFaceElem", "MsgContent": {"Index": "one"}}]))
                .contains("Index must be an integer")
        );
        let err =
            from_rest(&json!([{"MsgType": "TIMImageElem", "MsgContent": {"ImageInfoArray": [{"Type": 9}]}}]), INVALID)
                .unwrap_err();
        assert_eq!(err.code, INVALID);
        assert!(err.desc.contains("ImageInfoArray[0].Type"), "{}", err.desc);
    }
}
