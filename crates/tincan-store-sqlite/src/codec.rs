//! How domain values map to columns.

use rusqlite::Row;
use tincan_core::config::{AppConfig, Plan};
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::group::CustomFields;
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{GroupId, UserId};
use tincan_store::{AppRecord, MessageRecord, MessageRevision, StoreError, StoreResult};

/// `conv_type` of a C2C conversation.
pub(crate) const CONV_C2C: i64 = 1;
/// `conv_type` of a group.
pub(crate) const CONV_GROUP: i64 = 2;

/// The columns of `message`, in the order [`message_from_row`] reads them.
pub(crate) const MESSAGE_COLUMNS: &str = "sdkappid, conv_type, conv_key, seq, pos, msg_id, sender, rand, client_time, \
     server_time, need_receipt, excluded, priority, platform, first_elem_type, body, cloud_custom, custom_int, \
     custom_str, receipt_read_at, receipt_private, revoked_by, revoke_reason, version, revised_pos, supports_extensions";

/// SQLite integers are signed; positions, seqs and times above `i64::MAX` never occur, and a
/// bound of `u64::MAX` ("no bound") becomes `i64::MAX`.
pub(crate) fn to_sql(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A number whose whole 64-bit range matters (a client's random number, its clock), kept as
/// the same bits in SQLite's signed integer; no SQL compares it.
pub(crate) fn bits_to_sql(value: u64) -> i64 {
    i64::from_ne_bytes(value.to_ne_bytes())
}

/// The reverse of [`bits_to_sql`].
pub(crate) fn bits_from_sql(value: i64) -> u64 {
    u64::from_ne_bytes(value.to_ne_bytes())
}

/// The reverse of [`to_sql`]; a negative stored value is corruption.
pub(crate) fn from_sql(value: i64) -> StoreResult<u64> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value} where a count was expected")))
}

/// A conversation's two columns.
pub(crate) fn conv_columns(conv: &ConvKey) -> (i64, String) {
    match conv {
        ConvKey::C2c(pair) => (CONV_C2C, format!("{}\n{}", pair.low(), pair.high())),
        ConvKey::Group(group_id) => (CONV_GROUP, group_id.as_str().to_owned()),
    }
}

/// A conversation from its two columns.
pub(crate) fn conv_from_columns(conv_type: i64, conv_key: &str) -> StoreResult<ConvKey> {
    match conv_type {
        CONV_C2C => {
            let (low, high) = conv_key
                .split_once('\n')
                .ok_or_else(|| StoreError::Corrupt(format!("C2C key {conv_key:?} has no separator")))?;
            let pair =
                C2cPair::new(parse_user(low)?, parse_user(high)?).map_err(|err| StoreError::Corrupt(err.desc))?;
            Ok(ConvKey::C2c(pair))
        }
        CONV_GROUP => Ok(ConvKey::Group(parse_group(conv_key)?)),
        other => Err(StoreError::Corrupt(format!("conversation type {other}"))),
    }
}

pub(crate) fn parse_user(text: &str) -> StoreResult<UserId> {
    UserId::parse(text).map_err(|err| StoreError::Corrupt(err.desc))
}

pub(crate) fn parse_group(text: &str) -> StoreResult<GroupId> {
    GroupId::parse(text).map_err(|err| StoreError::Corrupt(err.desc))
}

pub(crate) fn group_type_from_sql(value: i64) -> StoreResult<GroupType> {
    u32::try_from(value).map(GroupType).map_err(|_| StoreError::Corrupt(format!("group type {value}")))
}

pub(crate) fn role_from_sql(value: i64) -> StoreResult<MemberRole> {
    u32::try_from(value).map(MemberRole).map_err(|_| StoreError::Corrupt(format!("member role {value}")))
}

pub(crate) fn u32_from_sql(value: i64) -> StoreResult<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("value {value} does not fit 32 bits")))
}

/// The receipt-enabled group types as stored: their numbers, comma-separated.
pub(crate) fn group_types_to_sql(types: &[GroupType]) -> String {
    types.iter().map(|group_type| group_type.0.to_string()).collect::<Vec<_>>().join(",")
}

fn group_types_from_sql(text: &str) -> StoreResult<Vec<GroupType>> {
    text.split(',')
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<u32>().map(GroupType).map_err(|_| StoreError::Corrupt(format!("group type list {text:?}")))
        })
        .collect()
}

/// Webhook command names as stored: one text, names separated by commas.
pub(crate) fn commands_to_sql(commands: &[String]) -> String {
    commands.join(",")
}

fn commands_from_sql(text: &str) -> Vec<String> {
    text.split(',').filter(|name| !name.is_empty()).map(str::to_owned).collect()
}

/// Reads an `app` row: sdkappid, secret_key, admin_identifier, plan, receipt_group_types,
/// receipt_coalesce_window_ms, receipt_group_members_max, created_at, callback_url,
/// callback_commands, root, revoke_time_limit.
pub(crate) fn app_from_row(row: &Row<'_>) -> StoreResult<AppRecord> {
    let get_i64 = |index: usize| -> StoreResult<i64> { row.get(index).map_err(crate::backend("reading an app")) };
    let get_text = |index: usize| -> StoreResult<String> { row.get(index).map_err(crate::backend("reading an app")) };
    let (sdkappid, secret_key, admin, plan, types) =
        (get_i64(0)?, get_text(1)?, get_text(2)?, get_text(3)?, get_text(4)?);
    let (window, members_max, created_at) = (get_i64(5)?, get_i64(6)?, get_i64(7)?);
    let (callback_url, callback_commands) = (get_text(8)?, get_text(9)?);
    let root = get_i64(10)? != 0;
    let revoke_time_limit_secs = u32_from_sql(get_i64(11)?)?;
    let plan = Plan::parse(&plan).ok_or_else(|| StoreError::Corrupt(format!("plan {plan:?}")))?;
    Ok(AppRecord {
        sdkappid: from_sql(sdkappid)?,
        secret_key,
        admin_identifier: parse_user(&admin)?,
        config: AppConfig {
            plan,
            receipt_group_types: group_types_from_sql(&types)?,
            receipt_coalesce_window_ms: u32_from_sql(window)?,
            receipt_group_members_max: u32_from_sql(members_max)?,
            callback_url,
            callback_commands: commands_from_sql(&callback_commands),
            revoke_time_limit_secs,
        },
        created_at: from_sql(created_at)?,
        root,
    })
}

/// Reads a message row selected with [`MESSAGE_COLUMNS`].
pub(crate) fn message_from_row(row: &Row<'_>) -> StoreResult<MessageRecord> {
    let get_i64 = |index: usize| -> StoreResult<i64> { row.get(index).map_err(crate::backend("reading a message")) };
    let get_text =
        |index: usize| -> StoreResult<String> { row.get(index).map_err(crate::backend("reading a message")) };
    Ok(MessageRecord {
        sdkappid: from_sql(get_i64(0)?)?,
        conv: conv_from_columns(get_i64(1)?, &get_text(2)?)?,
        seq: from_sql(get_i64(3)?)?,
        pos: from_sql(get_i64(4)?)?,
        msg_id: get_text(5)?,
        sender: parse_user(&get_text(6)?)?,
        rand: bits_from_sql(get_i64(7)?),
        client_time: bits_from_sql(get_i64(8)?),
        server_time: from_sql(get_i64(9)?)?,
        need_receipt: get_i64(10)? != 0,
        excluded_from_unread: get_i64(11)? != 0,
        priority: u32_from_sql(get_i64(12)?)?,
        platform: u32_from_sql(get_i64(13)?)?,
        first_elem_type: i32::try_from(get_i64(14)?).map_err(|_| StoreError::Corrupt("element type".to_owned()))?,
        body: get_text(15)?,
        cloud_custom: get_text(16)?,
        custom_int: get_i64(17)?,
        custom_str: get_text(18)?,
        receipt_read_at: from_sql(get_i64(19)?)?,
        receipt_private: get_i64(20)? != 0,
        revision: MessageRevision {
            revoked_by: row
                .get::<_, Option<String>>(21)
                .map_err(crate::backend("reading a message"))?
                .map(|user| parse_user(&user))
                .transpose()?,
            revoke_reason: get_text(22)?,
            version: from_sql(get_i64(23)?)?,
            pos: from_sql(get_i64(24)?)?,
        },
        supports_extensions: get_i64(25)? != 0,
    })
}

/// Conversation group names as one column: one per line (a name has no control characters).
pub(crate) fn names_to_sql(names: &[String]) -> String {
    names.join("\n")
}

/// The reverse of [`names_to_sql`].
pub(crate) fn names_from_sql(text: &str) -> Vec<String> {
    if text.is_empty() { Vec::new() } else { text.split('\n').map(str::to_owned).collect() }
}

/// Custom fields as text: each key and value as its length in bytes, `:`, and the text itself,
/// so that no character needs escaping; no fields is the empty text.
pub(crate) fn custom_to_sql(fields: &CustomFields) -> String {
    let mut text = String::new();
    for (key, value) in fields {
        for part in [key, value] {
            text.push_str(&part.len().to_string());
            text.push(':');
            text.push_str(part);
        }
    }
    text
}

/// The reverse of [`custom_to_sql`].
pub(crate) fn custom_from_sql(text: &str) -> StoreResult<CustomFields> {
    let corrupt = || StoreError::Corrupt(format!("custom fields {text:?} are not length-prefixed pairs"));
    let mut fields = CustomFields::new();
    let mut rest = text;
    let take = |rest: &mut &str| -> StoreResult<String> {
        let (length, tail) = rest.split_once(':').ok_or_else(corrupt)?;
        let length: usize = length.parse().map_err(|_| corrupt())?;
        let part = tail.get(..length).ok_or_else(corrupt)?;
        *rest = &tail[length..];
        Ok(part.to_owned())
    };
    while !rest.is_empty() {
        let key = take(&mut rest)?;
        let value = take(&mut rest)?;
        fields.insert(key, value);
    }
    Ok(fields)
}
