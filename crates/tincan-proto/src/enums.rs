//! TIM's numeric enumerations.
//!
//! Each is an open newtype over its wire number with named constants, so that a value from a
//! newer peer still parses and can be rejected with a clear message where it matters.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! open_enum {
    ($(#[doc = $doc:literal])* $name:ident : $repr:ty { $($(#[doc = $vdoc:literal])* $variant:ident = $value:literal,)* }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $repr);

        impl $name {
            $($(#[doc = $vdoc])* pub const $variant: $name = $name($value);)*

            /// The named values, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name($value),)*];

            /// Whether this value is one of the named ones.
            pub fn is_known(self) -> bool {
                Self::KNOWN.contains(&self)
            }

            /// The constant's name, when the value is a named one.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some(stringify!($variant)),)*
                    _ => None,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => write!(f, "{}::{}", stringify!($name), name),
                    None => write!(f, "{}({})", stringify!($name), self.0),
                }
            }
        }
    };
}

open_enum! {
    /// `TIMConvType`: the kind of a conversation.
    ConvType: u32 {
        /// `kTIMConv_Invalid`.
        INVALID = 0,
        /// `kTIMConv_C2C`: one-to-one.
        C2C = 1,
        /// `kTIMConv_Group`.
        GROUP = 2,
    }
}

open_enum! {
    /// `TIMGroupType`, with TIM's native numbers.
    GroupType: u32 {
        /// `kTIMGroup_Public`: Public group (cap 2,000).
        PUBLIC = 0,
        /// `kTIMGroup_Private`: Work group (cap 200).
        WORK = 1,
        /// `kTIMGroup_ChatRoom`: Meeting group (cap 6,000).
        MEETING = 2,
        /// `kTIMGroup_AVChatRoom`: live-stream group (no cap, no receipts, no history).
        AV_CHAT_ROOM = 4,
        /// `kTIMGroup_Community`: Community group (cap 100,000).
        COMMUNITY = 5,
    }
}

impl GroupType {
    /// The REST API's string for this type (`"Public"`, `"Private"`, ...).
    pub fn rest_name(self) -> Option<&'static str> {
        Some(match self {
            GroupType::PUBLIC => "Public",
            GroupType::WORK => "Private",
            GroupType::MEETING => "ChatRoom",
            GroupType::AV_CHAT_ROOM => "AVChatRoom",
            GroupType::COMMUNITY => "Community",
            _ => return None,
        })
    }

    /// The product name shown to people (`"Work"`, `"Meeting"`, ...).
    pub fn product_name(self) -> Option<&'static str> {
        Some(match self {
            GroupType::PUBLIC => "Public",
            GroupType::WORK => "Work",
            GroupType::MEETING => "Meeting",
            GroupType::AV_CHAT_ROOM => "AVChatRoom",
            GroupType::COMMUNITY => "Community",
            _ => return None,
        })
    }

    /// Parses either the REST string (`"Private"`) or the product name (`"Work"`), any case.
    pub fn from_name(name: &str) -> Option<GroupType> {
        Self::KNOWN.iter().copied().find(|group_type| {
            group_type.rest_name().is_some_and(|it| it.eq_ignore_ascii_case(name))
                || group_type.product_name().is_some_and(|it| it.eq_ignore_ascii_case(name))
        })
    }
}

open_enum! {
    /// `TIMGroupMemberRole`, with the native header's numbers (200/300/400).
    MemberRole: u32 {
        /// `kTIMMemberRole_None`: not set (the default when inviting).
        NONE = 0,
        /// `kTIMMemberRole_Normal`.
        NORMAL = 200,
        /// `kTIMMemberRole_Admin`.
        ADMIN = 300,
        /// `kTIMMemberRole_Owner`.
        OWNER = 400,
    }
}

open_enum! {
    /// `TIMElemType`: the kind of a message element.
    ElemType: i32 {
        /// `kTIMElem_Text`.
        TEXT = 0,
        /// `kTIMElem_Image`.
        IMAGE = 1,
        /// `kTIMElem_Sound`.
        SOUND = 2,
        /// `kTIMElem_Custom`.
        CUSTOM = 3,
        /// `kTIMElem_File`.
        FILE = 4,
        /// `kTIMElem_GroupTips`: made by the server only.
        GROUP_TIPS = 5,
        /// `kTIMElem_Face`.
        FACE = 6,
        /// `kTIMElem_Location`.
        LOCATION = 7,
        /// `kTIMElem_GroupReport`: made by the server only.
        GROUP_REPORT = 8,
        /// `kTIMElem_Video`.
        VIDEO = 9,
        /// `kTIMElem_Merge`.
        MERGE = 12,
    }
}

open_enum! {
    /// `TIMMsgStatus`.
    MsgStatus: u32 {
        /// `kTIMMsg_Sending`.
        SENDING = 1,
        /// `kTIMMsg_SendSucc`.
        SEND_SUCC = 2,
        /// `kTIMMsg_SendFail`.
        SEND_FAIL = 3,
        /// `kTIMMsg_Deleted`.
        DELETED = 4,
        /// `kTIMMsg_Revoked`.
        REVOKED = 6,
    }
}

open_enum! {
    /// `TIMConvEvent`: what happened to a conversation.
    ConvEvent: u32 {
        /// `kTIMConvEvent_Add`.
        ADD = 0,
        /// `kTIMConvEvent_Del`.
        DEL = 1,
        /// `kTIMConvEvent_Update`.
        UPDATE = 2,
        /// `kTIMConvEvent_Start`.
        START = 3,
        /// `kTIMConvEvent_Finish`.
        FINISH = 4,
    }
}

open_enum! {
    /// `TIMGroupMessageReadMembersFilter`: which member list to page through.
    ReadMembersFilter: u32 {
        /// `TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ`.
        READ = 0,
        /// `TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_UNREAD`.
        UNREAD = 1,
    }
}

open_enum! {
    /// `TIMGroupMemberInfo` invite/delete outcome (`HandleGroupMemberResult`).
    HandleMemberResult: u32 {
        /// Failed.
        FAILED = 0,
        /// Done.
        SUCCEEDED = 1,
        /// Already a member (invite) or not a member (delete).
        ALREADY_MEMBER = 2,
        /// Invited and waiting for approval.
        INVITED = 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_type_names_round_trip() {
        assert_eq!(GroupType::from_name("Private"), Some(GroupType::WORK));
        assert_eq!(GroupType::from_name("work"), Some(GroupType::WORK));
        assert_eq!(GroupType::from_name("ChatRoom"), Some(GroupType::MEETING));
        assert_eq!(GroupType::from_name("Meeting"), Some(GroupType::MEETING));
        assert_eq!(GroupType::from_name("nope"), None);
        assert_eq!(GroupType::COMMUNITY.rest_name(), Some("Community"));
    }

    #[test]
    fn unknown_values_still_parse() {
        let value: ConvType = serde_json::from_str("7").unwrap();
        assert!(!value.is_known());
        assert_eq!(format!("{value:?}"), "ConvType(7)");
        assert_eq!(format!("{:?}", ConvType::C2C), "ConvType::C2C");
    }
}
