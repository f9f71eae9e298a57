//! How domain values map to columns.
//!
//! Numbers are bigints: positions, seqs and times keep their value (they never pass
//! `i64::MAX`), and numbers whose whole 64-bit range matters (a client's random number, its
//! clock, mark bits) keep their bits. Text a user typed is stored as its UTF-8 bytes (`bytea`),
//! since PostgreSQL's text cannot hold U+0000; identifiers and text the server makes are text.

use tincan_core::config::{AppConfig, Plan};
use tincan_core::conv::{C2cPair, ConvKey};
use tincan_core::group::CustomFields;
use tincan_proto::enums::{GroupType, MemberRole};
use tincan_proto::{GroupId, UserId};
use tincan_store::{AppRecord, MessageRecord, MessageRevision, StoreError, StoreResult};
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, ToSql};

/// A statement parameter, owned, so that a call can move to the store's runtime.
pub(crate) type Param = Box<dyn ToSql + Sync + Send>;

/// Builds a `Vec<Param>`.
macro_rules! params {
    ($($value:expr),* $(,)?) => { vec![$(Box::new($value) as $crate::codec::Param),*] };
}
pub(crate) use params;

/// `conv_type` of a C2C conversation.
pub(crate) const CONV_C2C: i64 = 1;
/// `conv_type` of a group.
pub(crate) const CONV_GROUP: i64 = 2;

/// The columns of `message`, in the order [`message_from_row`] reads them.
pub(crate) const MESSAGE_COLUMNS: &str = "sdkappid, conv_type, conv_key, seq, pos, msg_id, sender, rand, client_time, \
     server_time, need_receipt, excluded, priority, platform, first_elem_type, body, cloud_custom, custom_int, \
     custom_str, receipt_read_at, receipt_private, revoked_by, revoke_reason, version, revised_pos, supports_extensions";

/// A count, position or time as a bigint; `u64::MAX` ("no bound") becomes `i64::MAX`.
pub(crate) fn int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A 64-bit number kept as the same bits; no SQL compares it.
pub(crate) fn bits(value: u64) -> i64 {
    i64::from_ne_bytes(value.to_ne_bytes())
}

/// The reverse of [`bits`].
pub(crate) fn bits_from(value: i64) -> u64 {
    u64::from_ne_bytes(value.to_ne_bytes())
}

/// The reverse of [`int`]; a negative stored value is corruption.
pub(crate) fn uint(value: i64) -> StoreResult<u64> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value} where a count was expected")))
}

/// A 32-bit number stored as a bigint.
pub(crate) fn u32_from(value: i64) -> StoreResult<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("value {value} does not fit 32 bits")))
}

/// Text a user typed, as its bytes.
pub(crate) fn bytes(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// The reverse of [`bytes`].
pub(crate) fn text_from(bytes: Vec<u8>) -> StoreResult<String> {
    String::from_utf8(bytes).map_err(|_| StoreError::Corrupt("stored text is not UTF-8".to_owned()))
}

/// Column `index` of `row`.
pub(crate) fn get<'a, T: FromSql<'a>>(row: &'a Row, index: usize) -> StoreResult<T> {
    row.try_get(index).map_err(|err| StoreError::Backend {
        context: format!("reading column {index} of a row"),
        source: Box::new(err),
    })
}

/// A bigint column holding a count, position or time.
pub(crate) fn get_uint(row: &Row, index: usize) -> StoreResult<u64> {
    uint(get(row, index)?)
}

/// A bigint column holding a 32-bit number.
pub(crate) fn get_u32(row: &Row, index: usize) -> StoreResult<u32> {
    u32_from(get(row, index)?)
}

/// A bytea column holding text a user typed.
pub(crate) fn get_typed(row: &Row, index: usize) -> StoreResult<String> {
    text_from(get(row, index)?)
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

/// The conversation in columns `index` and `index + 1`.
pub(crate) fn get_conv(row: &Row, index: usize) -> StoreResult<ConvKey> {
    let conv_type: i64 = get(row, index)?;
    let conv_key: &str = get(row, index + 1)?;
    conv_from_columns(conv_type, conv_key)
}

pub(crate) fn parse_user(text: &str) -> StoreResult<UserId> {
    UserId::parse(text).map_err(|err| StoreError::Corrupt(err.desc))
}

pub(crate) fn parse_group(text: &str) -> StoreResult<GroupId> {
    GroupId::parse(text).map_err(|err| StoreError::Corrupt(err.desc))
}

/// A text column holding a user ID.
pub(crate) fn get_user(row: &Row, index: usize) -> StoreResult<UserId> {
    parse_user(get(row, index)?)
}

/// A text column holding a group ID.
pub(crate) fn get_group(row: &Row, index: usize) -> StoreResult<GroupId> {
    parse_group(get(row, index)?)
}

pub(crate) fn group_type_from(value: i64) -> StoreResult<GroupType> {
    u32::try_from(value).map(GroupType).map_err(|_| StoreError::Corrupt(format!("group type {value}")))
}

pub(crate) fn role_from(value: i64) -> StoreResult<MemberRole> {
    u32::try_from(value).map(MemberRole).map_err(|_| StoreError::Corrupt(format!("member role {value}")))
}

/// The receipt-enabled group types as stored: their numbers, comma-separated.
pub(crate) fn group_types_to_text(types: &[GroupType]) -> String {
    types.iter().map(|group_type| group_type.0.to_string()).collect::<Vec<_>>().join(",")
}

fn group_types_from_text(text: &str) -> StoreResult<Vec<GroupType>> {
    text.split(',')
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<u32>().map(GroupType).map_err(|_| StoreError::Corrupt(format!("group type list {text:?}")))
        })
        .collect()
}

/// Webhook command names as stored: one text, names separated by commas.
pub(crate) fn commands_to_text(commands: &[String]) -> String {
    commands.join(",")
}

fn commands_from_text(text: &str) -> Vec<String> {
    text.split(',').filter(|name| !name.is_empty()).map(str::to_owned).collect()
}

/// Reads an `app` row: sdkappid, secret_key, admin_identifier, plan, receipt_group_types,
/// receipt_coalesce_window_ms, receipt_group_members_max, created_at, callback_url,
/// callback_commands, root, c2c_requires_friendship, blocked_send_fails, revoke_time_limit.
pub(crate) fn app_from_row(row: &Row) -> StoreResult<AppRecord> {
    let plan: String = get(row, 3)?;
    let plan = Plan::parse(&plan).ok_or_else(|| StoreError::Corrupt(format!("plan {plan:?}")))?;
    let types: &str = get(row, 4)?;
    let commands: &str = get(row, 9)?;
    Ok(AppRecord {
        sdkappid: get_uint(row, 0)?,
        secret_key: get_typed(row, 1)?,
        admin_identifier: get_user(row, 2)?,
        config: AppConfig {
            plan,
            receipt_group_types: group_types_from_text(types)?,
            receipt_coalesce_window_ms: get_u32(row, 5)?,
            receipt_group_members_max: get_u32(row, 6)?,
            callback_url: get_typed(row, 8)?,
            callback_commands: commands_from_text(commands),
            c2c_requires_friendship: get(row, 11)?,
            blocked_send_fails: get(row, 12)?,
            revoke_time_limit_secs: get_u32(row, 13)?,
        },
        created_at: get_uint(row, 7)?,
        root: get(row, 10)?,
    })
}

/// Reads a message row selected with [`MESSAGE_COLUMNS`].
pub(crate) fn message_from_row(row: &Row) -> StoreResult<MessageRecord> {
    let revoked_by: Option<&str> = get(row, 21)?;
    Ok(MessageRecord {
        sdkappid: get_uint(row, 0)?,
        conv: get_conv(row, 1)?,
        seq: get_uint(row, 3)?,
        pos: get_uint(row, 4)?,
        msg_id: get(row, 5)?,
        sender: get_user(row, 6)?,
        rand: bits_from(get(row, 7)?),
        client_time: bits_from(get(row, 8)?),
        server_time: get_uint(row, 9)?,
        need_receipt: get(row, 10)?,
        excluded_from_unread: get(row, 11)?,
        priority: get_u32(row, 12)?,
        platform: get_u32(row, 13)?,
        first_elem_type: i32::try_from(get::<i64>(row, 14)?)
            .map_err(|_| StoreError::Corrupt("element type".to_owned()))?,
        body: get(row, 15)?,
        cloud_custom: get_typed(row, 16)?,
        custom_int: get(row, 17)?,
        custom_str: get_typed(row, 18)?,
        receipt_read_at: get_uint(row, 19)?,
        receipt_private: get(row, 20)?,
        revision: MessageRevision {
            revoked_by: revoked_by.map(parse_user).transpose()?,
            revoke_reason: get_typed(row, 22)?,
            version: get_uint(row, 23)?,
            pos: get_uint(row, 24)?,
        },
        supports_extensions: get(row, 25)?,
    })
}

/// Conversation group names as one column: one per line (a name has no control characters).
pub(crate) fn names_to_text(names: &[String]) -> String {
    names.join("\n")
}

/// The reverse of [`names_to_text`].
pub(crate) fn names_from_text(text: &str) -> Vec<String> {
    if text.is_empty() { Vec::new() } else { text.split('\n').map(str::to_owned).collect() }
}

/// Custom fields as bytes: each key and value as its length in bytes, `:`, and the text itself,
/// as the embedded store writes them; no fields is the empty value.
pub(crate) fn custom_to_bytes(fields: &CustomFields) -> Vec<u8> {
    let mut text = String::new();
    for (key, value) in fields {
        for part in [key, value] {
            text.push_str(&part.len().to_string());
            text.push(':');
            text.push_str(part);
        }
    }
    text.into_bytes()
}

/// The reverse of [`custom_to_bytes`].
pub(crate) fn custom_from_bytes(bytes: Vec<u8>) -> StoreResult<CustomFields> {
    let text = text_from(bytes)?;
    let corrupt = || StoreError::Corrupt(format!("custom fields {text:?} are not length-prefixed pairs"));
    let mut fields = CustomFields::new();
    let mut rest = text.as_str();
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
