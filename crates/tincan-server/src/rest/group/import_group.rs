//! `POST /v4/group_open_http_svc/import_group`: a group as it was in another system, with the
//! time it was created there; no webhook reports it, and its members come with
//! `import_group_member`.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::api::create_group;
use tincan_proto::ids::blank_as_none;
use tincan_proto::{ApiError, GroupId, UserId};

use super::{
    parse_apply_join_option, parse_group_type, parse_invite_join_option, requested_member_cap, rest_type_name,
};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "Owner_Account", default, deserialize_with = "blank_as_none")]
    owner: Option<UserId>,
    #[serde(rename = "Type")]
    group_type: String,
    #[serde(rename = "GroupId", default, deserialize_with = "blank_as_none")]
    group_id: Option<GroupId>,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Introduction", default)]
    introduction: Option<String>,
    #[serde(rename = "Notification", default)]
    notification: Option<String>,
    #[serde(rename = "FaceUrl", default)]
    face_url: Option<String>,
    #[serde(rename = "MaxMemberCount", alias = "MaxMemberNum", default)]
    max_member_count: Option<u32>,
    #[serde(rename = "ApplyJoinOption", default)]
    apply_join_option: Option<String>,
    #[serde(rename = "InviteJoinOption", default)]
    invite_join_option: Option<String>,
    /// Seconds; now when absent.
    #[serde(rename = "CreateTime", default)]
    create_time: Option<u64>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Type")]
    group_type: &'static str,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let group_type = parse_group_type(&body.group_type)?;
    let add_option =
        body.apply_join_option.as_deref().filter(|it| !it.is_empty()).map(parse_apply_join_option).transpose()?;
    let request = create_group::Request {
        create_group_param_group_name: body.name,
        create_group_param_group_id: body.group_id,
        create_group_param_group_type: group_type,
        create_group_param_group_member_array: Vec::new(),
        create_group_param_notification: body.notification.unwrap_or_default(),
        create_group_param_introduction: body.introduction.unwrap_or_default(),
        create_group_param_face_url: body.face_url.unwrap_or_default(),
        create_group_param_add_option: add_option,
        create_group_param_approve_option: body
            .invite_join_option
            .as_deref()
            .filter(|it| !it.is_empty())
            .map(parse_invite_join_option)
            .transpose()?,
        create_group_param_max_member_num: requested_member_cap(body.max_member_count, group_type)?.unwrap_or(0),
    };
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let created_at = body.create_time.filter(|time| *time != 0);
    let created = engine.import_group(&session, body.owner, request, created_at).await?;
    Ok(Answer { group_id: created.create_group_result_groupid, group_type: rest_type_name(group_type) })
}
