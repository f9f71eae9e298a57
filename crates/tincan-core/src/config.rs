//! An app's plan, its receipt settings and its webhooks.

use tincan_proto::enums::GroupType;
use tincan_proto::{ApiError, ErrorCode};

/// The app's plan, as TIM sells them; read receipts need `Ultimate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Plan {
    /// TIM's Standard edition.
    Standard,
    /// TIM's Pro edition.
    Pro,
    /// TIM's Ultimate (Flagship) edition: read receipts and Community groups.
    Ultimate,
}

impl Plan {
    /// Every plan, cheapest first.
    pub const ALL: [Plan; 3] = [Plan::Standard, Plan::Pro, Plan::Ultimate];

    /// Whether the plan includes read receipts.
    pub fn includes_receipts(self) -> bool {
        self == Plan::Ultimate
    }

    /// The plan's name (`Standard`, `Pro`, `Ultimate`).
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Standard => "Standard",
            Plan::Pro => "Pro",
            Plan::Ultimate => "Ultimate",
        }
    }

    /// Parses a plan name, any case.
    pub fn parse(name: &str) -> Option<Plan> {
        Plan::ALL.into_iter().find(|plan| plan.as_str().eq_ignore_ascii_case(name))
    }
}

/// Group types that can ever carry receipts; AVChatRoom never can.
pub const RECEIPT_CAPABLE_GROUP_TYPES: [GroupType; 4] =
    [GroupType::WORK, GroupType::PUBLIC, GroupType::MEETING, GroupType::COMMUNITY];

/// The largest group for which receipts are allowed by default: the largest group type's cap.
pub const RECEIPT_GROUP_MEMBERS_MAX_DEFAULT: u32 = 100_000;
/// The default coalescing window for receipt pushes to a sender, in milliseconds: below what a
/// person notices; a sender in a busy group gets one push per window.
pub const RECEIPT_COALESCE_WINDOW_MS_DEFAULT: u32 = 20;
/// The longest coalescing window an app may set, in milliseconds.
pub const RECEIPT_COALESCE_WINDOW_MS_MAX: u32 = 10_000;

/// The webhook commands tincan sends (TIM's names), in the order the documentation lists them.
pub const CALLBACK_COMMANDS: [&str; 33] = [
    CALLBACK_C2C_BEFORE_SEND,
    CALLBACK_C2C_AFTER_SEND,
    CALLBACK_C2C_AFTER_MSG_REPORT,
    CALLBACK_C2C_AFTER_MSG_WITHDRAW,
    CALLBACK_C2C_AFTER_MSG_READ_RECEIPT,
    CALLBACK_GROUP_BEFORE_SEND,
    CALLBACK_GROUP_AFTER_SEND,
    CALLBACK_GROUP_AFTER_READ_RECEIPT,
    CALLBACK_STATE_CHANGE,
    CALLBACK_PROFILE_PORTRAIT_SET,
    CALLBACK_GROUP_AFTER_RECALL_MSG,
    CALLBACK_GROUP_AFTER_CREATE,
    CALLBACK_GROUP_AFTER_NEW_MEMBER,
    CALLBACK_GROUP_AFTER_MEMBER_EXIT,
    CALLBACK_GROUP_AFTER_FULL,
    CALLBACK_GROUP_AFTER_DESTROYED,
    CALLBACK_GROUP_AFTER_INFO_CHANGED,
    CALLBACK_GROUP_AFTER_OWNER_CHANGED,
    CALLBACK_GROUP_AFTER_MEMBER_FIELD_CHANGED,
    CALLBACK_GROUP_BEFORE_CREATE,
    CALLBACK_GROUP_BEFORE_APPLY_JOIN,
    CALLBACK_GROUP_BEFORE_INVITE_JOIN,
    CALLBACK_GROUP_AFTER_ATTR_CHANGED,
    CALLBACK_GROUP_SEND_MSG_EXCEPTION,
    CALLBACK_GROUP_MEMBER_STATE_CHANGE,
    CALLBACK_SNS_PREV_FRIEND_ADD,
    CALLBACK_SNS_PREV_FRIEND_RESPONSE,
    CALLBACK_SNS_FRIEND_ADD,
    CALLBACK_SNS_FRIEND_DELETE,
    CALLBACK_SNS_BLACKLIST_ADD,
    CALLBACK_SNS_BLACKLIST_DELETE,
    CALLBACK_FOLLOW_ADD,
    CALLBACK_FOLLOW_DELETE,
];
/// Before a client's friend add is decided; the answer may refuse it user by user.
pub const CALLBACK_SNS_PREV_FRIEND_ADD: &str = "Sns.CallbackPrevFriendAdd";
/// Before a client's answer to a friend request is decided; the answer may refuse it.
pub const CALLBACK_SNS_PREV_FRIEND_RESPONSE: &str = "Sns.CallbackPrevFriendResponse";
/// After friendships were made (by an add, an import or an accepted request).
pub const CALLBACK_SNS_FRIEND_ADD: &str = "Sns.CallbackFriendAdd";
/// After friendships ended.
pub const CALLBACK_SNS_FRIEND_DELETE: &str = "Sns.CallbackFriendDelete";
/// After users were blocked.
pub const CALLBACK_SNS_BLACKLIST_ADD: &str = "Sns.CallbackBlackListAdd";
/// After users were unblocked.
pub const CALLBACK_SNS_BLACKLIST_DELETE: &str = "Sns.CallbackBlackListDelete";
/// After a user followed users.
pub const CALLBACK_FOLLOW_ADD: &str = "Follow.CallbackAfterFollowAdd";
/// After a user stopped following users.
pub const CALLBACK_FOLLOW_DELETE: &str = "Follow.CallbackAfterFollowDelete";
/// A device of a user logged in, logged out or lost its connection.
pub const CALLBACK_STATE_CHANGE: &str = "State.StateChange";
/// After a user's profile changed.
pub const CALLBACK_PROFILE_PORTRAIT_SET: &str = "Profile.CallbackPortraitSet";
/// After a C2C message is revoked (by its sender, or by the administrator through REST).
pub const CALLBACK_C2C_AFTER_MSG_WITHDRAW: &str = "C2C.CallbackAfterMsgWithDraw";
/// After a group message is revoked.
pub const CALLBACK_GROUP_AFTER_RECALL_MSG: &str = "Group.CallbackAfterRecallMsg";
/// After a group is created.
pub const CALLBACK_GROUP_AFTER_CREATE: &str = "Group.CallbackAfterCreateGroup";
/// After members join a group (invited, added, or accepted).
pub const CALLBACK_GROUP_AFTER_NEW_MEMBER: &str = "Group.CallbackAfterNewMemberJoin";
/// After members leave a group (quit or removed).
pub const CALLBACK_GROUP_AFTER_MEMBER_EXIT: &str = "Group.CallbackAfterMemberExit";
/// After a join fills a group to its member cap.
pub const CALLBACK_GROUP_AFTER_FULL: &str = "Group.CallbackAfterGroupFull";
/// After a group is dismissed.
pub const CALLBACK_GROUP_AFTER_DESTROYED: &str = "Group.CallbackAfterGroupDestroyed";
/// After a group's profile changes.
pub const CALLBACK_GROUP_AFTER_INFO_CHANGED: &str = "Group.CallbackAfterGroupInfoChanged";
/// After a group is handed to a new owner.
pub const CALLBACK_GROUP_AFTER_OWNER_CHANGED: &str = "Group.CallbackAfterChangeGroupOwner";
/// After a member's name card or custom fields change.
pub const CALLBACK_GROUP_AFTER_MEMBER_FIELD_CHANGED: &str = "Group.CallbackAfterMemberFieldChanged";
/// Before a group is created; the answer may refuse it.
pub const CALLBACK_GROUP_BEFORE_CREATE: &str = "Group.CallbackBeforeCreateGroup";
/// Before a user's request to join a group is decided; the answer may refuse it.
pub const CALLBACK_GROUP_BEFORE_APPLY_JOIN: &str = "Group.CallbackBeforeApplyJoinGroup";
/// Before invited or added users join a group; the answer may refuse the call or some of them.
pub const CALLBACK_GROUP_BEFORE_INVITE_JOIN: &str = "Group.CallbackBeforeInviteJoinGroup";
/// After a group's custom attributes change.
pub const CALLBACK_GROUP_AFTER_ATTR_CHANGED: &str = "Group.CallbackAfterGroupAttrChanged";
/// After a group message was refused (a bad message, a muted sender, the before-send webhook's
/// refusal, a store that cannot write).
pub const CALLBACK_GROUP_SEND_MSG_EXCEPTION: &str = "Group.CallbackSendMsgException";
/// After members of an AVChatRoom group come online in it or go offline (by joining or
/// quitting, or as their last connection opens or closes).
pub const CALLBACK_GROUP_MEMBER_STATE_CHANGE: &str = "Group.CallbackOnMemberStateChange";
/// Before a C2C message is stored; the answer may refuse or change it.
pub const CALLBACK_C2C_BEFORE_SEND: &str = "C2C.CallbackBeforeSendMsg";
/// After a C2C message is stored.
pub const CALLBACK_C2C_AFTER_SEND: &str = "C2C.CallbackAfterSendMsg";
/// After a user marks a C2C conversation read.
pub const CALLBACK_C2C_AFTER_MSG_REPORT: &str = "C2C.CallbackAfterMsgReport";
/// After a user sends read receipts for C2C messages (from a device, or through REST
/// `c2c_msg_read_receipt`).
pub const CALLBACK_C2C_AFTER_MSG_READ_RECEIPT: &str = "C2C.CallbackAfterMsgReadReceipt";
/// Before a group message is stored; the answer may refuse or change it.
pub const CALLBACK_GROUP_BEFORE_SEND: &str = "Group.CallbackBeforeSendMsg";
/// After a group message is stored.
pub const CALLBACK_GROUP_AFTER_SEND: &str = "Group.CallbackAfterSendMsg";
/// After a member sends read receipts for group messages.
pub const CALLBACK_GROUP_AFTER_READ_RECEIPT: &str = "Group.CallbackAfterReadReceipt";
/// The longest webhook URL accepted.
pub const CALLBACK_URL_BYTES_MAX: usize = 2_048;

/// What an app's administrator can change while the server runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppConfig {
    /// The plan.
    pub plan: Plan,
    /// Group types whose messages may ask for receipts.
    pub receipt_group_types: Vec<GroupType>,
    /// How long receipt pushes to one sender for one conversation are gathered before one push
    /// with the current counts goes out; 0 sends each at once.
    pub receipt_coalesce_window_ms: u32,
    /// The largest group (in members) whose messages may ask for receipts.
    pub receipt_group_members_max: u32,
    /// Where webhooks go (`http://` or `https://`); empty: no webhooks.
    pub callback_url: String,
    /// The webhook commands enabled, by TIM's names ([`CALLBACK_COMMANDS`]).
    pub callback_commands: Vec<String>,
    /// Whether a C2C message needs the two users to be friends (TIM's console setting
    /// "relationship check for one-to-one messages"; off by default, as TIM's).
    pub c2c_requires_friendship: bool,
    /// Whether a C2C message from a user the receiver blocks fails with 20007; off, the sender
    /// is answered as if it was sent (TIM's default) and the receiver never sees it.
    pub blocked_send_fails: bool,
    /// How long after sending a sender may revoke its message, in seconds (TIM's console
    /// setting); 0: the server's limit (`tincan serve --revoke-time-limit`).
    pub revoke_time_limit_secs: u32,
}

impl AppConfig {
    /// The configuration of a new app: Ultimate, receipts for Work, Public and Meeting groups,
    /// a 20 ms coalescing window and no size limit below the largest group type's cap.
    pub fn new_app_default() -> AppConfig {
        AppConfig {
            plan: Plan::Ultimate,
            receipt_group_types: vec![GroupType::WORK, GroupType::PUBLIC, GroupType::MEETING],
            receipt_coalesce_window_ms: RECEIPT_COALESCE_WINDOW_MS_DEFAULT,
            receipt_group_members_max: RECEIPT_GROUP_MEMBERS_MAX_DEFAULT,
            callback_url: String::new(),
            callback_commands: Vec::new(),
            c2c_requires_friendship: false,
            blocked_send_fails: false,
            revoke_time_limit_secs: 0,
        }
    }

    /// The URL to send `command` to, if webhooks are on for it.
    pub fn callback_for(&self, command: &str) -> Option<&str> {
        let enabled = !self.callback_url.is_empty() && self.callback_commands.iter().any(|it| it == command);
        enabled.then_some(self.callback_url.as_str())
    }

    /// Checks a configuration before it is applied.
    pub fn validate(&self) -> Result<(), ApiError> {
        for group_type in &self.receipt_group_types {
            if !RECEIPT_CAPABLE_GROUP_TYPES.contains(group_type) {
                let name = group_type.product_name().map(str::to_owned).unwrap_or_else(|| group_type.0.to_string());
                return Err(ApiError::invalid_parameter(format!(
                    "group type {name} can never carry read receipts; allowed: Work, Public, Meeting, Community"
                )));
            }
        }
        if self.receipt_coalesce_window_ms > RECEIPT_COALESCE_WINDOW_MS_MAX {
            return Err(ApiError::invalid_parameter(format!(
                "receipt_coalesce_window_ms is {}; the most is {}",
                self.receipt_coalesce_window_ms, RECEIPT_COALESCE_WINDOW_MS_MAX
            )));
        }
        if self.receipt_group_members_max == 0 {
            return Err(ApiError::invalid_parameter("receipt_group_members_max must be at least 1"));
        }
        if !self.callback_url.is_empty() {
            let scheme_ok = self.callback_url.starts_with("http://") || self.callback_url.starts_with("https://");
            if !scheme_ok
                || self.callback_url.len() > CALLBACK_URL_BYTES_MAX
                || self.callback_url.contains(char::is_whitespace)
            {
                return Err(ApiError::invalid_parameter(format!(
                    "callback_url {:?} must be an http:// or https:// URL of at most {CALLBACK_URL_BYTES_MAX} bytes without spaces",
                    self.callback_url
                )));
            }
        }
        for command in &self.callback_commands {
            if !CALLBACK_COMMANDS.contains(&command.as_str()) {
                return Err(ApiError::invalid_parameter(format!(
                    "callback command {command:?} is not one tincan sends; these are: {}",
                    CALLBACK_COMMANDS.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// Whether a message in a C2C conversation may ask for receipts.
    pub fn check_c2c_receipt_request(&self) -> Result<(), ApiError> {
        self.check_plan()
    }

    /// Whether a message in a group of `group_type` with `n_members` members may ask for receipts.
    pub fn check_group_receipt_request(&self, group_type: GroupType, n_members: u64) -> Result<(), ApiError> {
        self.check_plan()?;
        if !self.receipt_group_types.contains(&group_type) {
            let name = group_type.product_name().unwrap_or("this");
            return Err(ApiError::new(
                ErrorCode::RECEIPT_GROUP_TYPE_DISABLED,
                format!("read receipts are not enabled for {name} groups in this app's configuration"),
            ));
        }
        if n_members > u64::from(self.receipt_group_members_max) {
            return Err(ApiError::new(
                ErrorCode::RECEIPT_GROUP_TOO_LARGE,
                format!(
                    "the group has {n_members} members; this app allows read receipts in groups of at most {}",
                    self.receipt_group_members_max
                ),
            ));
        }
        Ok(())
    }

    /// Whether the plan allows receipt calls at all.
    pub fn check_plan(&self) -> Result<(), ApiError> {
        if self.plan.includes_receipts() {
            return Ok(());
        }
        Err(ApiError::new(
            ErrorCode::INTERFACE_NOT_SUPPORT,
            format!("the app's plan is {}; read receipts need the Ultimate plan", self.plan.as_str()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_gating() {
        let mut config = AppConfig::new_app_default();
        assert!(config.validate().is_ok());
        assert!(config.check_group_receipt_request(GroupType::WORK, 10).is_ok());
        let err = config.check_group_receipt_request(GroupType::COMMUNITY, 10).unwrap_err();
        assert_eq!(err.code, ErrorCode::RECEIPT_GROUP_TYPE_DISABLED);
        assert!(err.desc.contains("Community"), "{}", err.desc);
        config.receipt_group_members_max = 5;
        assert_eq!(
            config.check_group_receipt_request(GroupType::WORK, 6).unwrap_err().code,
            ErrorCode::RECEIPT_GROUP_TOO_LARGE
        );
        config.plan = Plan::Pro;
        let err = config.check_c2c_receipt_request().unwrap_err();
        assert_eq!(err.code, ErrorCode::INTERFACE_NOT_SUPPORT);
        assert!(err.desc.contains("Ultimate"), "{}", err.desc);
    }

    #[test]
    fn av_chat_room_can_never_be_enabled() {
        let mut config = AppConfig::new_app_default();
        config.receipt_group_types.push(GroupType::AV_CHAT_ROOM);
        assert_eq!(config.validate().unwrap_err().code, ErrorCode::INVALID_PARAMETERS);
        config.receipt_group_types = vec![GroupType::COMMUNITY];
        assert!(config.validate().is_ok());
    }

    #[test]
    fn plan_names() {
        assert_eq!(Plan::parse("ultimate"), Some(Plan::Ultimate));
        assert_eq!(Plan::parse("Gold"), None);
    }

    #[test]
    fn webhook_settings_are_checked_and_looked_up_by_command() {
        let mut config = AppConfig::new_app_default();
        assert_eq!(config.callback_for(CALLBACK_C2C_AFTER_SEND), None, "no webhooks by default");
        config.callback_url = "http://127.0.0.1:9/hook".to_owned();
        config.callback_commands = vec![CALLBACK_C2C_AFTER_SEND.to_owned()];
        assert!(config.validate().is_ok());
        assert_eq!(config.callback_for(CALLBACK_C2C_AFTER_SEND), Some("http://127.0.0.1:9/hook"));
        assert_eq!(config.callback_for(CALLBACK_GROUP_AFTER_SEND), None);
        config.callback_commands.push("C2C.CallbackTeleport".to_owned());
        assert!(config.validate().unwrap_err().desc.contains("C2C.CallbackTeleport"));
        config.callback_commands.pop();
        config.callback_url = "ftp://example.invalid/".to_owned();
        assert!(config.validate().unwrap_err().desc.contains("callback_url"));
    }
}
