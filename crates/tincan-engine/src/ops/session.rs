//! Login, heartbeat, logout and the replay of missed events.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tincan_proto::api::{self, login, logout, ping};
use tincan_proto::frame::encode_push;
use tincan_proto::push;
use tincan_proto::{ApiError, ErrorCode, UserId};
use tincan_store::{AccountRecord, MessageRecord, UserEventRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, Session};
use crate::hub::OutFrame;
use crate::ops::common::{conv_state_for, message_views};
use crate::ops::handle;
use crate::render;
use crate::state::{Account, AppState, read, write};

impl Engine {
    /// Logs a user in with a UserSig (TIM `TIMLogin`); creates the account at its first login.
    pub async fn login(&self, request: &login::Request) -> Result<(Session, login::Response), ApiError> {
        let app = self.app(request.sdkappid).ok_or_else(|| {
            ApiError::new(
                ErrorCode::SDKAPPID_NOT_FOUND,
                format!("SDKAppID {} does not exist on this server", request.sdkappid),
            )
        })?;
        let identifier = UserId::parse(&request.identifier)?;
        let key = read(&app.settings).secret_key.clone();
        let now = self.now();
        tincan_usersig::verify(&key, request.sdkappid, identifier.as_str(), &request.user_sig, now)
            .map_err(|err| ApiError::new(ErrorCode(err.code()), err.to_string()))?;
        let account = self.ensure_account(&app, &identifier).await?;
        self.metrics().logins.fetch_add(1, Ordering::Relaxed);
        let response = login::Response {
            tiny_id: account.tiny_id,
            pos: self.metrics().head_pos.load(Ordering::SeqCst),
            server_time: now,
            heartbeat_interval_ms: u64::try_from(self.heartbeat_interval().as_millis()).unwrap_or(u64::MAX),
        };
        let session = Session {
            app,
            account,
            device: None,
            platform: request.platform,
            app_admin: false,
            rest: false,
            skip_before_send: false,
            skip_after_send: false,
        };
        Ok((session, response))
    }

    /// A session for the REST API of app `sdkappid`, acting as `user` (the app's administrator
    /// when `None`), with no device of its own: its changes reach every device of its user.
    ///
    /// `as_admin` lifts group membership and role checks, as TIM's REST API does; without it
    /// the session has exactly the rights of `user`. The administrator's account is created on
    /// first use; other users must exist (70107 otherwise).
    pub async fn rest_session(
        &self,
        sdkappid: u64,
        user: Option<&UserId>,
        as_admin: bool,
    ) -> Result<Session, ApiError> {
        let app = self.app(sdkappid).ok_or_else(|| {
            ApiError::new(ErrorCode::SDKAPPID_NOT_FOUND, format!("SDKAppID {sdkappid} does not exist on this server"))
        })?;
        let admin = app.settings().admin_identifier.clone();
        let account = match user {
            None => self.ensure_account(&app, &admin).await?,
            Some(user) if *user == admin => self.ensure_account(&app, &admin).await?,
            Some(user) => app.account(user).ok_or_else(|| {
                ApiError::new(ErrorCode::ACCOUNT_NOT_FOUND, format!("account {user} does not exist; import it first"))
            })?,
        };
        Ok(Session {
            app,
            account,
            device: None,
            platform: 0,
            app_admin: as_admin,
            rest: true,
            skip_before_send: false,
            skip_after_send: false,
        })
    }

    /// The account of `user`, created (durably) if it does not exist yet.
    pub(crate) async fn ensure_account(&self, app: &AppState, user: &UserId) -> Result<Arc<Account>, ApiError> {
        if let Some(account) = app.account(user) {
            return Ok(account);
        }
        user.check_not_reserved()?;
        let committing = self.commit(
            || write(&app.accounts),
            |accounts| {
                if let Some(account) = accounts.get(user) {
                    return Ok(Decision::Nothing(account.clone()));
                }
                let tiny_id = self.inner.next_tiny_id.fetch_add(1, Ordering::Relaxed);
                let created_at = self.now();
                let account = Arc::new(Account::new(user.clone(), tiny_id, created_at, false));
                accounts.insert(user.clone(), account.clone());
                let record = AccountRecord {
                    sdkappid: app.sdkappid,
                    user: user.clone(),
                    tiny_id,
                    created_at,
                    receipt_private: false,
                };
                Ok(Decision::write(vec![WriteOp::PutAccount(record)], Tell::Nobody, account))
            },
        );
        Ok(committing.await?.durable().await?.0)
    }

    /// Events of the session's user after `after_pos`, at most `limit`, as push frames in
    /// position order; returns them, the position the replay reached, and whether more follow.
    ///
    /// The replay reads the user's own events and each group's messages separately, while the
    /// writer goes on committing. So that a page never carries the device past an event it did
    /// not include, the page ends at a horizon: the head committed before any read (everything
    /// at or below it is visible to the reads), lowered to the last position of any source the
    /// page limit cut short. Everything of the user at or below the position returned has been
    /// replayed; everything above it comes in a later page or live.
    pub async fn replay(
        &self,
        session: &Session,
        after_pos: u64,
        limit: usize,
    ) -> Result<(Vec<OutFrame>, u64, bool), ApiError> {
        let sdkappid = session.app.sdkappid;
        let user = session.user().clone();
        let committed = self.metrics().head_pos.load(Ordering::SeqCst).max(after_pos);
        let (user_events, spans) = {
            let user = user.clone();
            self.read_store(move |reader| {
                Ok((
                    reader.user_events(sdkappid, &user, after_pos, limit)?,
                    reader.memberships_since(sdkappid, &user, after_pos)?,
                ))
            })
            .await?
        };
        let mut horizon = committed;
        if user_events.len() >= limit {
            horizon = horizon.min(user_events.last().map_or(after_pos, |event| event.pos));
        }
        let mut items: Vec<Item> = user_events.into_iter().map(Item::User).collect();
        for span in spans {
            // A group with nothing after the position has nothing to replay.
            if span.leave_seq.is_none()
                && let Some(state) = session.app.group(&span.group_id)
                && crate::state::lock(&state).quiet_since(after_pos)
            {
                continue;
            }
            let range = (span.join_seq, span.leave_seq.unwrap_or(u64::MAX));
            let group_id = span.group_id.clone();
            let messages = self
                .read_store(move |reader| reader.group_messages_after(sdkappid, &group_id, after_pos, range, limit))
                .await?;
            if messages.len() >= limit {
                horizon = horizon.min(messages.last().map_or(after_pos, |message| message.pos));
            }
            items.extend(messages.into_iter().map(Item::GroupMessage));
            let group_id = span.group_id.clone();
            let revised = self
                .read_store(move |reader| reader.group_revisions_after(sdkappid, &group_id, after_pos, range, limit))
                .await?;
            if revised.len() >= limit {
                horizon = horizon.min(revised.last().map_or(after_pos, |message| message.revision.pos));
            }
            items.extend(revised.into_iter().map(Item::GroupRevision));
        }
        items.retain(|item| item.pos() <= horizon);
        items.sort_by_key(Item::pos);
        // Paired with the dispatcher's check: one stream, each position once, in order.
        debug_assert!(items.windows(2).all(|pair| pair[0].pos() < pair[1].pos()), "a replay repeats a position");
        let more = horizon < committed;
        let mut frames = Vec::with_capacity(items.len());
        for item in items {
            if let Some(frame) = self.replay_frame(session, item).await? {
                frames.push(frame);
            }
        }
        Ok((frames, horizon, more))
    }

    async fn replay_frame(&self, session: &Session, item: Item) -> Result<Option<OutFrame>, ApiError> {
        let (pos, record) = match item {
            Item::User(event) if event.kind == crate::events::REVISION => {
                let Some(conv) = event.conv.clone() else { return Ok(None) };
                let (sdkappid, seq) = (session.app.sdkappid, event.seq);
                let Some(record) = self.read_store(move |reader| reader.message_by_seq(sdkappid, &conv, seq)).await?
                else {
                    return Ok(None);
                };
                return Ok(revision_frame(&record, event.pos, session));
            }
            Item::GroupRevision(record) => return Ok(revision_frame(&record, record.revision.pos, session)),
            Item::User(event) if event.kind == push::MESSAGE => {
                let Some(conv) = event.conv.clone() else { return Ok(None) };
                let (sdkappid, seq) = (session.app.sdkappid, event.seq);
                let Some(record) = self.read_store(move |reader| reader.message_by_seq(sdkappid, &conv, seq)).await?
                else {
                    return Ok(None);
                };
                (event.pos, record)
            }
            Item::User(event) => {
                return Ok(Some(OutFrame {
                    pos: event.pos,
                    text: encode_push(crate::events::static_kind(&event.kind), event.pos, &event.payload),
                }));
            }
            Item::GroupMessage(record) => (record.pos, record),
        };
        let views = message_views(self, session, &record.conv, std::slice::from_ref(&record)).await?;
        let conv = conv_state_for(session, &record.conv);
        let text =
            crate::dispatch::message_frame(&session.app, self.metrics(), &record, session.user(), &views[0], conv)
                .ok_or_else(|| crate::engine::internal(format!("message {} does not encode", record.msg_id)))?;
        Ok(Some(OutFrame { pos, text }))
    }
}

/// The push of `record`'s latest revision at `pos` for the session's user, with the user's
/// conversation state now.
fn revision_frame(record: &MessageRecord, pos: u64, session: &Session) -> Option<OutFrame> {
    let conv = conv_state_for(session, &record.conv);
    let sender = render::sender_profile(&session.app, record);
    let text = crate::dispatch::revision_frame(record, pos, session.user(), conv, sender.as_deref())?;
    Some(OutFrame { pos, text })
}

enum Item {
    User(UserEventRecord),
    GroupMessage(MessageRecord),
    GroupRevision(MessageRecord),
}

impl Item {
    fn pos(&self) -> u64 {
        match self {
            Item::User(event) => event.pos,
            Item::GroupMessage(message) => message.pos,
            Item::GroupRevision(message) => message.revision.pos,
        }
    }
}

pub(crate) async fn ping(
    engine: &Engine,
    _session: &Session,
    _request: ping::Request,
) -> Result<ping::Response, ApiError> {
    Ok(ping::Response { server_time: engine.now() })
}

pub(crate) async fn logout(
    _engine: &Engine,
    session: &Session,
    _request: logout::Request,
) -> Result<tincan_proto::api::Empty, ApiError> {
    // The user is "not logged in" rather than offline once this connection closes.
    crate::state::lock(&session.account.profile).logged_out = true;
    Ok(tincan_proto::api::Empty {})
}

handle!(api::ping::Request => ping);
handle!(api::logout::Request => logout);
