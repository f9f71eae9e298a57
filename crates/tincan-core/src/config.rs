//! An app's plan and its receipt settings.

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
/// The default coalescing window for receipt pushes to a sender, in milliseconds.
pub const RECEIPT_COALESCE_WINDOW_MS_DEFAULT: u32 = 100;
/// The longest coalescing window an app may set, in milliseconds.
pub const RECEIPT_COALESCE_WINDOW_MS_MAX: u32 = 10_000;

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
}

impl AppConfig {
    /// The configuration of a new app: Ultimate, receipts for Work, Public and Meeting groups,
    /// a 100 ms coalescing window and no size limit below the largest group type's cap.
    pub fn new_app_default() -> AppConfig {
        AppConfig {
            plan: Plan::Ultimate,
            receipt_group_types: vec![GroupType::WORK, GroupType::PUBLIC, GroupType::MEETING],
            receipt_coalesce_window_ms: RECEIPT_COALESCE_WINDOW_MS_DEFAULT,
            receipt_group_members_max: RECEIPT_GROUP_MEMBERS_MAX_DEFAULT,
        }
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
}
