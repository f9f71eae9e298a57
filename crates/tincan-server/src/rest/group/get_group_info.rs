//! `POST /v4/group_open_http_svc/get_group_info`: groups' profiles (with their members unless a
//! filter leaves them out); each group is answered with its own code, so a group that does not
//! exist, or an entry that is not a group ID, fails alone.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::ids::ListedId;
use tincan_proto::{ApiError, GroupId, limits};

use super::{GroupInfo, INVALID, MemberInfo};
use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupIdList")]
    group_ids: Vec<ListedId<GroupId>>,
    #[serde(rename = "ResponseFilter", default)]
    filter: Option<ResponseFilter>,
}

#[derive(Deserialize)]
struct ResponseFilter {
    #[serde(rename = "MemberInfoFilter", default)]
    member_info_filter: Option<Vec<String>>,
}

/// The answer.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupInfo")]
    group_info: Vec<Item>,
}

/// One group's answer.
#[derive(Serialize)]
#[serde(untagged)]
enum Item {
    Found(Box<GroupInfo>),
    Failed {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "ErrorCode")]
        error_code: u32,
        #[serde(rename = "ErrorInfo")]
        error_info: String,
    },
}

pub(super) fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    if body.group_ids.is_empty() || body.group_ids.len() > limits::GROUP_INFO_PER_CALL_MAX {
        return Err(ApiError::new(
            INVALID,
            format!(
                "GroupIdList has {} entries; between 1 and {} are allowed",
                body.group_ids.len(),
                limits::GROUP_INFO_PER_CALL_MAX
            ),
        ));
    }
    // TIM answers the member list unless a filter leaves it out.
    let with_members = body.filter.as_ref().is_none_or(|filter| filter.member_info_filter.is_some());
    let mut group_info = Vec::with_capacity(body.group_ids.len());
    for listed in &body.group_ids {
        let summary = match listed.valid() {
            Ok(group_id) => engine.group_summary(caller.sdkappid, group_id).map(|summary| (group_id, summary)),
            Err(error) => Err(error.clone()),
        };
        let item = match summary {
            Ok((group_id, summary)) => {
                let mut info = GroupInfo::new(summary);
                info.error_code = Some(0);
                info.error_info = Some(String::new());
                if with_members {
                    let (members, _) = engine.group_member_page(caller.sdkappid, group_id, 0, usize::MAX)?;
                    info.member_list = Some(members.into_iter().map(MemberInfo::new).collect());
                }
                Item::Found(Box::new(info))
            }
            Err(err) => {
                Item::Failed { group_id: listed.as_str().to_owned(), error_code: err.code.0, error_info: err.desc }
            }
        };
        group_info.push(item);
    }
    Ok(Answer { group_info })
}
