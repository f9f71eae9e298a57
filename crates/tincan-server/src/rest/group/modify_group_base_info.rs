//! `POST /v4/group_open_http_svc/modify_group_base_info`: changes a group's profile (name,
//! introduction, notification, face URL, member cap, join and invite options, mute-all, custom
//! fields); the members learn of it from one group tips message.

use serde::Deserialize;
use tincan_engine::{Engine, ProfileChange};
use tincan_proto::{ApiError, GroupId};

use super::{DefinedData, parse_apply_join_option, parse_invite_join_option, parse_on_off, requested_member_cap};
use crate::rest::{Caller, Empty};

/// The request: every key but `GroupId` may be left out, and stays as it is.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
    #[serde(rename = "Name", default)]
    name: Option<String>,
    #[serde(rename = "Introduction", default)]
    introduction: Option<String>,
    #[serde(rename = "Notification", default)]
    notification: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    face_url: Option<String>,
    #[serde(rename = "MaxMemberNum", alias = "MaxMemberCount", default)]
    max_member_num: Option<u32>,
    #[serde(rename = "ApplyJoinOption", default)]
    apply_join_option: Option<String>,
    #[serde(rename = "InviteJoinOption", default)]
    invite_join_option: Option<String>,
    #[serde(rename = "ShutUpAllMember", alias = "MuteAllMember", default)]
    shut_up_all_member: Option<String>,
    #[serde(rename = "AppDefinedData", default)]
    app_defined_data: Option<Vec<DefinedData>>,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Empty, ApiError> {
    let max_member_num = match body.max_member_num.filter(|it| *it != 0) {
        Some(requested) => {
            let group_type = engine.group_summary(caller.sdkappid, &body.group_id)?.group_type;
            requested_member_cap(Some(requested), group_type)?
        }
        None => None,
    };
    let change = ProfileChange {
        name: body.name,
        introduction: body.introduction,
        notification: body.notification,
        face_url: body.face_url,
        max_member_num,
        add_option: body.apply_join_option.as_deref().map(parse_apply_join_option).transpose()?,
        approve_option: body.invite_join_option.as_deref().map(parse_invite_join_option).transpose()?,
        shutup_all: body
            .shut_up_all_member
            .as_deref()
            .map(|value| parse_on_off("ShutUpAllMember", value))
            .transpose()?,
        custom: body.app_defined_data.map(DefinedData::fields),
        ..ProfileChange::default()
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    engine.modify_group_profile(&session, &body.group_id, change).await?;
    Ok(Empty {})
}
