//! Administration: apps, their keys and configuration, and admin credentials.
//!
//! Each app's secret key is kept in the database and, for the operator and the CLI, in
//! `<data>/apps/<sdkappid>.key` (readable by its owner only).

use std::path::PathBuf;
use std::sync::Arc;

use tincan_core::config::{AppConfig, Plan};
use tincan_proto::enums::GroupType;
use tincan_proto::{ApiError, ErrorCode, UserId};
use tincan_store::{AppRecord, WriteOp};

use crate::commit::{Decision, Tell};
use crate::engine::{Engine, PinnedApp, StartError};
use crate::state::{AppSettings, AppState, read, write};

/// The administrator identifier of a new app (TIM's default).
pub const DEFAULT_ADMIN_IDENTIFIER: &str = tincan_proto::ids::DEFAULT_ADMIN_USER;

/// What the engine did at start, for the operator.
#[derive(Clone, Debug)]
pub struct StartReport {
    /// The default app (the first one).
    pub default_app: AppInfo,
    /// Whether it was created by this start.
    pub created_default_app: bool,
    /// Where its key is kept.
    pub key_file: PathBuf,
}

/// An app as the admin API shows it (never with its key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppInfo {
    /// The SDKAppID.
    pub sdkappid: u64,
    /// The administrator's identifier.
    pub admin_identifier: UserId,
    /// `Standard`, `Pro` or `Ultimate`.
    pub plan: String,
    /// Group types whose messages may ask for receipts (`Work`, `Public`, `Meeting`, `Community`).
    pub receipt_group_types: Vec<String>,
    /// The coalescing window of receipt pushes, in milliseconds.
    pub receipt_coalesce_window_ms: u32,
    /// The largest group allowed receipts.
    pub receipt_group_members_max: u32,
    /// Where webhooks go; empty: none.
    pub callback_url: String,
    /// The webhook commands enabled (TIM's names).
    pub callback_commands: Vec<String>,
    /// Whether C2C messages need the two users to be friends.
    pub c2c_requires_friendship: bool,
    /// Whether a blocked sender's C2C message fails with 20007 (else it looks sent).
    pub blocked_send_fails: bool,
    /// The app's revoke time limit in seconds; 0: the server's.
    pub revoke_time_limit_secs: u32,
    /// When it was created, in seconds.
    pub created_at: u64,
    /// Whether its administrator manages the server: lists and creates apps, and reaches any
    /// app from the console.
    pub root: bool,
}

/// SDKAppIDs an app may have: TIM's are ten-digit numbers below 2^32 (1400000000 and up), and
/// TIM's clients keep them in 32-bit fields; 0 is no app.
pub const SDKAPPID_RANGE: std::ops::RangeInclusive<u64> = 1..=u32::MAX as u64;

/// A change to an app's configuration; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppConfigChange {
    /// The plan.
    pub plan: Option<String>,
    /// Group types enabled for receipts, by name.
    pub receipt_group_types: Option<Vec<String>>,
    /// The coalescing window, in milliseconds.
    pub receipt_coalesce_window_ms: Option<u32>,
    /// The largest group allowed receipts.
    pub receipt_group_members_max: Option<u32>,
    /// Where webhooks go (`""` turns them off).
    pub callback_url: Option<String>,
    /// The webhook commands to enable, replacing the current set.
    pub callback_commands: Option<Vec<String>>,
    /// Whether C2C messages need the two users to be friends.
    pub c2c_requires_friendship: Option<bool>,
    /// Whether a blocked sender's C2C message fails with 20007.
    pub blocked_send_fails: Option<bool>,
    /// The revoke time limit in seconds (0: the server's).
    pub revoke_time_limit_secs: Option<u32>,
}

impl AppInfo {
    fn new(sdkappid: u64, settings: &AppSettings) -> AppInfo {
        let config = &settings.config;
        AppInfo {
            sdkappid,
            admin_identifier: settings.admin_identifier.clone(),
            plan: config.plan.as_str().to_owned(),
            receipt_group_types: config
                .receipt_group_types
                .iter()
                .map(|group_type| group_type.product_name().map_or_else(|| group_type.0.to_string(), str::to_owned))
                .collect(),
            receipt_coalesce_window_ms: config.receipt_coalesce_window_ms,
            receipt_group_members_max: config.receipt_group_members_max,
            callback_url: config.callback_url.clone(),
            callback_commands: config.callback_commands.clone(),
            c2c_requires_friendship: config.c2c_requires_friendship,
            blocked_send_fails: config.blocked_send_fails,
            revoke_time_limit_secs: config.revoke_time_limit_secs,
            created_at: settings.created_at,
            root: settings.root,
        }
    }
}

/// Refuses an SDKAppID outside [`SDKAPPID_RANGE`].
fn check_sdkappid(sdkappid: u64) -> Result<(), ApiError> {
    if SDKAPPID_RANGE.contains(&sdkappid) {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(format!(
            "SDKAppID {sdkappid} is outside {}..={}",
            SDKAPPID_RANGE.start(),
            SDKAPPID_RANGE.end()
        )))
    }
}

fn random_key(engine: &Engine) -> String {
    let bytes = engine.inner.random.bytes32();
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn app_record(sdkappid: u64, settings: &AppSettings) -> WriteOp {
    WriteOp::PutApp(AppRecord {
        sdkappid,
        secret_key: settings.secret_key.clone(),
        admin_identifier: settings.admin_identifier.clone(),
        config: settings.config.clone(),
        created_at: settings.created_at,
        root: settings.root,
    })
}

impl Engine {
    /// Where an app's key file is.
    pub fn key_file(&self, sdkappid: u64) -> PathBuf {
        self.inner.data_dir.join("apps").join(format!("{sdkappid}.key"))
    }

    fn write_key_file(&self, sdkappid: u64, key: &str) -> Result<PathBuf, ApiError> {
        let path = self.key_file(sdkappid);
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, format!("{key}\n"))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
            Ok(())
        };
        write().map_err(|err| crate::engine::internal(format!("writing {}: {err}", path.display())))?;
        Ok(path)
    }

    pub(crate) async fn ensure_default_app(&self, pinned: Option<PinnedApp>) -> Result<StartReport, StartError> {
        let fail = |err: ApiError| StartError(format!("setting up the default app: {}", err.desc));
        if let Some(pinned) = &pinned {
            check_sdkappid(pinned.sdkappid).map_err(fail)?;
        }
        let root = self.root_app();
        let (default_app, created) = match (&pinned, root) {
            (Some(pinned), _) => match self.app(pinned.sdkappid) {
                Some(app) => {
                    if read(&app.settings).secret_key != pinned.key {
                        self.set_key(pinned.sdkappid, pinned.key.clone()).await.map_err(fail)?;
                    }
                    (
                        self.app_info(pinned.sdkappid)
                            .ok_or_else(|| StartError("the pinned app vanished".to_owned()))?,
                        false,
                    )
                }
                None => (
                    self.create_app(Some(pinned.sdkappid), Some(pinned.key.clone()), Plan::Ultimate)
                        .await
                        .map_err(fail)?,
                    true,
                ),
            },
            (None, Some(root)) => (root, false),
            (None, None) => (self.create_app(None, None, Plan::Ultimate).await.map_err(fail)?, true),
        };
        let key = self.app(default_app.sdkappid).map(|app| read(&app.settings).secret_key.clone()).unwrap_or_default();
        let key_file = self.write_key_file(default_app.sdkappid, &key).map_err(fail)?;
        Ok(StartReport { default_app, created_default_app: created, key_file })
    }

    /// Every app: the root app first, then by creation time and SDKAppID.
    pub fn apps(&self) -> Vec<AppInfo> {
        let apps = read(&self.inner.shared.apps);
        let mut list: Vec<AppInfo> =
            apps.values().map(|app| AppInfo::new(app.sdkappid, &read(&app.settings))).collect();
        list.sort_by_key(|app| (!app.root, app.created_at, app.sdkappid));
        list
    }

    /// The app whose administrator manages the server.
    pub fn root_app(&self) -> Option<AppInfo> {
        self.apps().into_iter().next().filter(|app| app.root)
    }

    /// Whether `sdkappid` is the root app.
    pub fn is_root(&self, sdkappid: u64) -> bool {
        self.app(sdkappid).is_some_and(|app| app.settings().root)
    }

    /// Makes `to` the root app in place of `from` (which must be root), in one durable write.
    pub async fn transfer_root(&self, from: u64, to: u64) -> Result<AppInfo, ApiError> {
        let from_app = self.app_or_error(from)?;
        let to_app = self.app_or_error(to)?;
        if from == to {
            return self.app_info(to).ok_or_else(|| crate::engine::internal("an app vanished".to_owned()));
        }
        // Both under the apps' write lock, so that two transfers cannot interleave.
        let lock = || (write(&self.inner.shared.apps), write(&from_app.settings), write(&to_app.settings));
        let committing = self.commit(lock, |(_apps, from_settings, to_settings)| {
            if !from_settings.root {
                return Err(ApiError::new(ErrorCode::ADMIN_REQUIRED, format!("SDKAppID {from} is not the root app")));
            }
            Arc::make_mut(from_settings).root = false;
            Arc::make_mut(to_settings).root = true;
            let ops = vec![app_record(from, from_settings), app_record(to, to_settings)];
            Ok(Decision::write(ops, Tell::Nobody, ()))
        });
        committing
            .await?
            .durable_or_undo(|()| {
                Arc::make_mut(&mut write(&from_app.settings)).root = true;
                Arc::make_mut(&mut write(&to_app.settings)).root = false;
            })
            .await?;
        self.app_info(to).ok_or_else(|| crate::engine::internal("an app vanished".to_owned()))
    }

    /// One app.
    pub fn app_info(&self, sdkappid: u64) -> Option<AppInfo> {
        self.app(sdkappid).map(|app| AppInfo::new(sdkappid, &read(&app.settings)))
    }

    /// Creates an app (TIM's console "create application"); returns it and writes its key file.
    pub async fn create_app(
        &self,
        sdkappid: Option<u64>,
        key: Option<String>,
        plan: Plan,
    ) -> Result<AppInfo, ApiError> {
        let key = key.unwrap_or_else(|| random_key(self));
        if key.len() < 16 {
            return Err(ApiError::invalid_parameter("a secret key must be at least 16 characters"));
        }
        if let Some(sdkappid) = sdkappid {
            check_sdkappid(sdkappid)?;
        }
        let mut config = AppConfig::new_app_default();
        config.plan = plan;
        let mut settings = AppSettings {
            secret_key: key.clone(),
            admin_identifier: UserId::default_admin(),
            config,
            created_at: self.now(),
            root: false,
        };
        let committing = self.commit(
            || write(&self.inner.shared.apps),
            |apps| {
                // The server's first app is root; no later app becomes root by being created.
                settings.root = apps.is_empty();
                let sdkappid = match sdkappid {
                    Some(sdkappid) if apps.contains_key(&sdkappid) => {
                        return Err(ApiError::invalid_parameter(format!("SDKAppID {sdkappid} already exists")));
                    }
                    Some(sdkappid) => sdkappid,
                    None => loop {
                        let candidate = 1_400_000_000 + self.random_u64() % 100_000_000;
                        if !apps.contains_key(&candidate) {
                            break candidate;
                        }
                    },
                };
                let op = app_record(sdkappid, &settings);
                apps.insert(sdkappid, Arc::new(AppState::new(sdkappid, settings)));
                Ok(Decision::write(vec![op], Tell::Nobody, sdkappid))
            },
        );
        let (sdkappid, _) = committing
            .await?
            .durable_or_undo(|sdkappid| {
                write(&self.inner.shared.apps).remove(sdkappid);
            })
            .await?;
        self.write_key_file(sdkappid, &key)?;
        self.app_info(sdkappid).ok_or_else(|| crate::engine::internal("a new app vanished".to_owned()))
    }

    pub(crate) fn app_or_error(&self, sdkappid: u64) -> Result<Arc<AppState>, ApiError> {
        self.app(sdkappid).ok_or_else(|| {
            ApiError::new(ErrorCode::APP_NOT_FOUND, format!("SDKAppID {sdkappid} does not exist on this server"))
        })
    }

    /// Changes an app's configuration; it applies to the next request, without a restart.
    pub async fn update_app_config(&self, sdkappid: u64, change: &AppConfigChange) -> Result<AppInfo, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let mut config = app.settings().config.clone();
        if let Some(plan) = &change.plan {
            config.plan = Plan::parse(plan).ok_or_else(|| {
                ApiError::invalid_parameter(format!("plan {plan:?} is not Standard, Pro or Ultimate"))
            })?;
        }
        if let Some(names) = &change.receipt_group_types {
            let mut types = Vec::with_capacity(names.len());
            for name in names {
                let group_type = GroupType::from_name(name).ok_or_else(|| {
                    ApiError::invalid_parameter(format!(
                        "group type {name:?} is not Work, Public, Meeting, Community or AVChatRoom"
                    ))
                })?;
                if !types.contains(&group_type) {
                    types.push(group_type);
                }
            }
            config.receipt_group_types = types;
        }
        if let Some(window) = change.receipt_coalesce_window_ms {
            config.receipt_coalesce_window_ms = window;
        }
        if let Some(members_max) = change.receipt_group_members_max {
            config.receipt_group_members_max = members_max;
        }
        if let Some(url) = &change.callback_url {
            config.callback_url = url.trim().to_owned();
        }
        if let Some(limit) = change.revoke_time_limit_secs {
            config.revoke_time_limit_secs = limit;
        }
        if let Some(commands) = &change.callback_commands {
            let mut unique: Vec<String> = Vec::with_capacity(commands.len());
            for command in commands {
                if !unique.contains(command) {
                    unique.push(command.clone());
                }
            }
            config.callback_commands = unique;
        }
        if let Some(required) = change.c2c_requires_friendship {
            config.c2c_requires_friendship = required;
        }
        if let Some(fails) = change.blocked_send_fails {
            config.blocked_send_fails = fails;
        }
        config.validate()?;
        self.change_settings(&app, |settings| settings.config = config.clone()).await?;
        self.app_info(sdkappid).ok_or_else(|| crate::engine::internal("an app vanished".to_owned()))
    }

    /// Replaces an app's key with a new random one; UserSigs made with the old key stop working.
    pub async fn rotate_key(&self, sdkappid: u64) -> Result<PathBuf, ApiError> {
        self.set_key(sdkappid, random_key(self)).await
    }

    async fn set_key(&self, sdkappid: u64, key: String) -> Result<PathBuf, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        self.change_settings(&app, |settings| settings.secret_key = key.clone()).await?;
        self.write_key_file(sdkappid, &key)
    }

    async fn change_settings(&self, app: &AppState, change: impl FnOnce(&mut AppSettings)) -> Result<(), ApiError> {
        let committing = self.commit(
            || write(&app.settings),
            |settings| {
                change(Arc::make_mut(settings));
                Ok(Decision::write(vec![app_record(app.sdkappid, settings)], Tell::Nobody, ()))
            },
        );
        committing.await?.durable().await?;
        Ok(())
    }

    /// A UserSig for `user` of the app, valid for `expire_seconds`.
    pub fn user_sig(&self, sdkappid: u64, user: &UserId, expire_seconds: u64) -> Result<String, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let key = read(&app.settings).secret_key.clone();
        Ok(tincan_usersig::generate(&key, sdkappid, user.as_str(), self.now(), expire_seconds))
    }

    /// Checks an administrator's credentials (REST API and admin endpoints).
    pub fn verify_admin(&self, sdkappid: u64, identifier: &str, user_sig: &str) -> Result<(), ApiError> {
        let app = self.app(sdkappid).ok_or_else(|| {
            ApiError::new(
                ErrorCode::REST_INVALID_SDKAPPID,
                format!("SDKAppID {sdkappid} does not exist on this server"),
            )
        })?;
        let settings = app.settings();
        if identifier != settings.admin_identifier.as_str() {
            return Err(ApiError::new(
                ErrorCode::REST_ADMIN_REQUIRED,
                format!("identifier {identifier:?} is not the app's administrator ({})", settings.admin_identifier),
            ));
        }
        tincan_usersig::verify(&settings.secret_key, sdkappid, identifier, user_sig, self.now())
            .map(|_| ())
            .map_err(|err| ApiError::new(ErrorCode(err.code()), err.to_string()))
    }

    /// Sets whether a user's reads are private (an administrator's override of the user's own
    /// setting).
    pub async fn set_user_receipt_privacy(&self, sdkappid: u64, user: &UserId, private: bool) -> Result<(), ApiError> {
        let app = self.app_or_error(sdkappid)?;
        crate::ops::receipts::set_account_privacy(self, &app, user, private).await
    }

    /// Accounts of an app whose identifier contains `needle`, at most `limit`, sorted.
    pub fn search_accounts(&self, sdkappid: u64, needle: &str, limit: usize) -> Result<Vec<String>, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let accounts = read(&app.accounts);
        let mut found: Vec<String> = accounts
            .keys()
            .filter(|user| user.as_str().contains(needle))
            .map(|user| user.as_str().to_owned())
            .collect();
        found.sort();
        found.truncate(limit);
        Ok(found)
    }

    /// Kicks every device of a user off the server.
    pub fn kick_user(&self, sdkappid: u64, user: &UserId) {
        let reason = ApiError::new(ErrorCode::LOGIN_KICKED_OFF, "logged out by the administrator");
        self.hub().kick_user(sdkappid, user, &reason);
    }

    /// Users online in an app.
    pub fn n_online_users(&self, sdkappid: u64) -> usize {
        self.hub().n_online_users(sdkappid)
    }

    /// Whether an account exists.
    pub fn account_exists(&self, sdkappid: u64, user: &UserId) -> bool {
        self.app(sdkappid).is_some_and(|app| app.account(user).is_some())
    }

    /// Creates accounts without a login (TIM's `account_import` and `multiaccount_import`);
    /// existing ones are left as they are. One durable write for the whole list.
    pub async fn import_accounts(&self, sdkappid: u64, users: &[UserId]) -> Result<(), ApiError> {
        let app = self.app_or_error(sdkappid)?;
        for user in users {
            user.check_not_reserved()?;
        }
        let committing = self.commit(
            || write(&app.accounts),
            |accounts| {
                let now = self.now();
                let mut ops = Vec::new();
                for user in users {
                    if accounts.contains_key(user) {
                        continue;
                    }
                    let tiny_id = self.inner.next_tiny_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    accounts
                        .insert(user.clone(), Arc::new(crate::state::Account::new(user.clone(), tiny_id, now, false)));
                    ops.push(WriteOp::PutAccount(tincan_store::AccountRecord {
                        sdkappid,
                        user: user.clone(),
                        tiny_id,
                        created_at: now,
                        receipt_private: false,
                    }));
                }
                if ops.is_empty() {
                    return Ok(Decision::Nothing(()));
                }
                Ok(Decision::write(ops, Tell::Nobody, ()))
            },
        );
        committing.await?.durable().await.map(|_| ())
    }

    /// Bytes a group message's receipt bitmaps take in the store (for the benchmark and the
    /// console), or `None` if the message has no receipt information.
    pub async fn receipt_storage_bytes(
        &self,
        sdkappid: u64,
        group_id: &tincan_proto::GroupId,
        seq: u64,
    ) -> Result<Option<usize>, ApiError> {
        self.app_or_error(sdkappid)?;
        let group_id = group_id.clone();
        let stored = self.read_store(move |reader| reader.group_receipt(sdkappid, &group_id, seq)).await?;
        Ok(stored.map(|record| record.readers.len() + record.private_readers.len()))
    }

    /// The groups of an app, for the console.
    pub fn group_ids(&self, sdkappid: u64) -> Result<Vec<String>, ApiError> {
        let app = self.app_or_error(sdkappid)?;
        let groups = read(&app.groups);
        let mut ids: Vec<String> = groups.keys().map(|id| id.as_str().to_owned()).collect();
        ids.sort();
        Ok(ids)
    }
}
