//! How domain values map to columns.

use rusqlite::types::FromSql;
use rusqlite::{Connection, Params, Row};
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

/// One row of a query's answer, read column by column; `what` names the rows in errors.
pub(crate) struct Columns<'a, 'r> {
    row: &'a Row<'r>,
    what: &'static str,
}

impl<'a, 'r> Columns<'a, 'r> {
    pub(crate) fn new(row: &'a Row<'r>, what: &'static str) -> Columns<'a, 'r> {
        Columns { row, what }
    }

    pub(crate) fn get<T: FromSql>(&self, index: usize) -> StoreResult<T> {
        self.row.get(index).map_err(crate::backend(self.what))
    }

    pub(crate) fn text(&self, index: usize) -> StoreResult<String> {
        self.get(index)
    }

    pub(crate) fn flag(&self, index: usize) -> StoreResult<bool> {
        Ok(self.get::<i64>(index)? != 0)
    }

    pub(crate) fn u64(&self, index: usize) -> StoreResult<u64> {
        from_sql(self.get(index)?)
    }

    pub(crate) fn u32(&self, index: usize) -> StoreResult<u32> {
        u32_from_sql(self.get(index)?)
    }

    pub(crate) fn user(&self, index: usize) -> StoreResult<UserId> {
        parse_user(&self.text(index)?)
    }

    pub(crate) fn group(&self, index: usize) -> StoreResult<GroupId> {
        parse_group(&self.text(index)?)
    }

    /// A conversation from its type at `index` and its key at `index + 1`.
    pub(crate) fn conv(&self, index: usize) -> StoreResult<ConvKey> {
        conv_from_columns(self.get(index)?, &self.text(index + 1)?)
    }
}

/// Runs a query and reads every row of its answer with `read`; `what` names the rows in errors.
pub(crate) fn collect_rows<T>(
    connection: &Connection,
    sql: &str,
    params: impl Params,
    what: &'static str,
    mut read: impl FnMut(&Columns<'_, '_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut statement = connection.prepare_cached(sql).map_err(crate::backend(what))?;
    let mut rows = statement.query(params).map_err(crate::backend(what))?;
    let mut read_rows = Vec::new();
    while let Some(row) = rows.next().map_err(crate::backend(what))? {
        read_rows.push(read(&Columns::new(row, what))?);
    }
    Ok(read_rows)
}

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
/// callback_commands, root, c2c_requires_friendship, blocked_send_fails, revoke_time_limit.
pub(crate) fn app_from_row(columns: &Columns<'_, '_>) -> StoreResult<AppRecord> {
    let plan = columns.text(3)?;
    let plan = Plan::parse(&plan).ok_or_else(|| StoreError::Corrupt(format!("plan {plan:?}")))?;
    Ok(AppRecord {
        sdkappid: columns.u64(0)?,
        secret_key: columns.text(1)?,
        admin_identifier: columns.user(2)?,
        config: AppConfig {
            plan,
            receipt_group_types: group_types_from_sql(&columns.text(4)?)?,
            receipt_coalesce_window_ms: columns.u32(5)?,
            receipt_group_members_max: columns.u32(6)?,
            callback_url: columns.text(8)?,
            callback_commands: commands_from_sql(&columns.text(9)?),
            c2c_requires_friendship: columns.flag(11)?,
            blocked_send_fails: columns.flag(12)?,
            revoke_time_limit_secs: columns.u32(13)?,
        },
        created_at: columns.u64(7)?,
        root: columns.flag(10)?,
    })
}

/// Reads a message row selected with [`MESSAGE_COLUMNS`].
pub(crate) fn message_from_row(columns: &Columns<'_, '_>) -> StoreResult<MessageRecord> {
    Ok(MessageRecord {
        sdkappid: columns.u64(0)?,
        conv: columns.conv(1)?,
        seq: columns.u64(3)?,
        pos: columns.u64(4)?,
        msg_id: columns.text(5)?,
        sender: columns.user(6)?,
        rand: bits_from_sql(columns.get(7)?),
        client_time: bits_from_sql(columns.get(8)?),
        server_time: columns.u64(9)?,
        need_receipt: columns.flag(10)?,
        excluded_from_unread: columns.flag(11)?,
        priority: columns.u32(12)?,
        platform: columns.u32(13)?,
        first_elem_type: i32::try_from(columns.get::<i64>(14)?)
            .map_err(|_| StoreError::Corrupt("element type".to_owned()))?,
        body: columns.text(15)?,
        cloud_custom: columns.text(16)?,
        custom_int: columns.get(17)?,
        custom_str: columns.text(18)?,
        receipt_read_at: columns.u64(19)?,
        receipt_private: columns.flag(20)?,
        revision: MessageRevision {
            revoked_by: columns.get::<Option<String>>(21)?.map(|user| parse_user(&user)).transpose()?,
            revoke_reason: columns.text(22)?,
            version: columns.u64(23)?,
            pos: columns.u64(24)?,
        },
        supports_extensions: columns.flag(25)?,
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
