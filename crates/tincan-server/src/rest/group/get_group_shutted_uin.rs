//! `POST /v4/group_open_http_svc/get_group_shutted_uin`: the members muted now, with when each
//! mute ends.

use serde::{Deserialize, Serialize};
use tincan_engine::Engine;
use tincan_proto::{ApiError, GroupId};

use crate::rest::Caller;

/// The request.
#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(rename = "GroupId")]
    group_id: GroupId,
}

/// The answer, under both of TIM's names for it.
#[derive(Serialize)]
pub(super) struct Answer {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "ShuttedUinList")]
    shutted: Vec<Shutted>,
    #[serde(rename = "MutedAccountList")]
    muted: Vec<Muted>,
}

#[derive(Serialize)]
struct Shutted {
    #[serde(rename = "Member_Account")]
    member: String,
    #[serde(rename = "ShuttedUntil")]
    until: u64,
}

#[derive(Serialize)]
struct Muted {
    #[serde(rename = "Member_Account")]
    member: String,
    #[serde(rename = "MutedUntil")]
    until: u64,
}

pub(super) async fn handle(engine: &Engine, caller: &Caller, body: Body) -> Result<Answer, ApiError> {
    let session = engine.rest_session(caller.sdkappid, None, true).await?;
    let muted = engine.muted_group_members(&session, &body.group_id)?;
    Ok(Answer {
        group_id: body.group_id.as_str().to_owned(),
        shutted: muted
            .iter()
            .map(|(user, until)| Shutted { member: user.as_str().to_owned(), until: *until })
            .collect(),
        muted: muted.into_iter().map(|(user, until)| Muted { member: user.as_str().to_owned(), until }).collect(),
    })
}
