//! TIM's history rules turned into a plan the store can run.
//!
//! TIM's `TIMMsgGetMsgList` rules:
//! - an anchor message (`last_msg`) excludes itself; an anchor seq (`last_msg_seq`, groups only)
//!   includes itself; when both are given the message wins;
//! - with no anchor, a time range (`time_begin`, `time_period`) positions the page, otherwise
//!   the newest message does (backwards); tincan starts a forward page without an anchor at the
//!   oldest message the user may see;
//! - a seq list (`message_seq_array`, groups only) returns exactly those messages;
//! - `is_forward` pages towards newer messages (oldest first), otherwise towards older ones
//!   (newest first).
//!
//! A member only sees a group's messages after it joined, except in Meeting groups, which show
//! their history to newcomers (TIM's rule); the engine passes that floor in.

use tincan_proto::{ApiError, limits};

/// A history request, with the anchor message already resolved to its seq.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRequest {
    /// Whether the conversation is a group.
    pub is_group: bool,
    /// The seq of the anchor message (`last_msg`), excluded from the result.
    pub anchor_message_seq: Option<u64>,
    /// The anchor seq (`last_msg_seq`), included in the result; 0 means none.
    pub anchor_seq: u64,
    /// Page size; 0 means the default.
    pub count: u32,
    /// Towards newer messages.
    pub forward: bool,
    /// Start of a time range, in seconds; 0 means none.
    pub time_begin: u64,
    /// Length of the time range, in seconds; 0 means unbounded.
    pub time_period: u64,
    /// Exactly these seqs (groups only).
    pub seqs: Vec<u64>,
    /// Only messages whose first element has one of these types.
    pub elem_types: Vec<i32>,
    /// Messages up to and including this seq are not visible to the user.
    pub floor_seq: u64,
}

/// What the store runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryPlan {
    /// Exactly these seqs, in this order (those above the floor).
    Seqs(Vec<u64>),
    /// A walk along the conversation.
    Scan(Scan),
}

/// A walk along a conversation's messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan {
    /// Towards newer messages (ascending seq) or older ones (descending).
    pub forward: bool,
    /// Only seqs strictly above this.
    pub after_seq: u64,
    /// Only seqs strictly below this.
    pub before_seq: u64,
    /// Only messages sent in this inclusive range of seconds.
    pub time_range: Option<(u64, u64)>,
    /// Only messages whose first element has one of these types (empty: all).
    pub elem_types: Vec<i32>,
    /// How many messages.
    pub count: u32,
}

/// Turns a request into a plan, rejecting what TIM's rules forbid.
pub fn plan(request: &HistoryRequest) -> Result<HistoryPlan, ApiError> {
    if !request.is_group && request.anchor_seq != 0 {
        return Err(ApiError::invalid_parameter(
            "msg_getmsglist_param_last_msg_seq is for group conversations; use msg_getmsglist_param_last_msg in C2C",
        ));
    }
    if !request.seqs.is_empty() {
        if !request.is_group {
            return Err(ApiError::invalid_parameter(
                "msg_getmsglist_param_message_seq_array is for group conversations",
            ));
        }
        if request.seqs.len() > limits::HISTORY_SEQS_MAX {
            return Err(ApiError::invalid_parameter(format!(
                "msg_getmsglist_param_message_seq_array has {} seqs; at most {} are allowed",
                request.seqs.len(),
                limits::HISTORY_SEQS_MAX
            )));
        }
        let seqs = request.seqs.iter().copied().filter(|seq| *seq > request.floor_seq).collect();
        return Ok(HistoryPlan::Seqs(seqs));
    }
    let count = match request.count {
        0 => limits::HISTORY_PAGE_DEFAULT,
        n => n.min(limits::HISTORY_PAGE_MAX),
    };
    let time_range = (request.time_begin != 0).then(|| {
        let end = match request.time_period {
            0 => u64::MAX,
            period => request.time_begin.saturating_add(period),
        };
        (request.time_begin, end)
    });
    let (mut after_seq, mut before_seq) = (request.floor_seq, u64::MAX);
    let anchor = match (request.anchor_message_seq, request.anchor_seq) {
        (Some(seq), _) => Some((seq, false)),
        (None, 0) => None,
        (None, seq) => Some((seq, true)),
    };
    if let Some((seq, inclusive)) = anchor {
        if request.forward {
            let bound = if inclusive { seq.saturating_sub(1) } else { seq };
            after_seq = after_seq.max(bound);
        } else {
            before_seq = if inclusive { seq.saturating_add(1) } else { seq };
        }
    }
    Ok(HistoryPlan::Scan(Scan {
        forward: request.forward,
        after_seq,
        before_seq,
        time_range,
        elem_types: request.elem_types.clone(),
        count,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> HistoryRequest {
        HistoryRequest {
            is_group: true,
            anchor_message_seq: None,
            anchor_seq: 0,
            count: 0,
            forward: false,
            time_begin: 0,
            time_period: 0,
            seqs: Vec::new(),
            elem_types: Vec::new(),
            floor_seq: 0,
        }
    }

    fn scan(request: &HistoryRequest) -> Scan {
        match plan(request).unwrap() {
            HistoryPlan::Scan(scan) => scan,
            other => panic!("expected a scan, got {other:?}"),
        }
    }

    #[test]
    fn anchors_follow_tim() {
        let newest = scan(&request());
        assert_eq!((newest.after_seq, newest.before_seq, newest.count), (0, u64::MAX, 20));

        let by_message = scan(&HistoryRequest { anchor_message_seq: Some(10), ..request() });
        assert_eq!(by_message.before_seq, 10, "a message anchor excludes itself");
        let by_seq = scan(&HistoryRequest { anchor_seq: 10, ..request() });
        assert_eq!(by_seq.before_seq, 11, "a seq anchor includes itself");
        let both = scan(&HistoryRequest { anchor_message_seq: Some(7), anchor_seq: 10, ..request() });
        assert_eq!(both.before_seq, 7, "the message wins");

        let forward = scan(&HistoryRequest { anchor_message_seq: Some(10), forward: true, ..request() });
        assert_eq!((forward.after_seq, forward.before_seq), (10, u64::MAX));
        let forward_seq = scan(&HistoryRequest { anchor_seq: 10, forward: true, ..request() });
        assert_eq!(forward_seq.after_seq, 9);
    }

    #[test]
    fn floors_time_ranges_and_limits() {
        let floored = scan(&HistoryRequest { floor_seq: 5, anchor_seq: 3, forward: true, ..request() });
        assert_eq!(floored.after_seq, 5, "nothing before the join");
        let timed = scan(&HistoryRequest { time_begin: 100, time_period: 50, count: 500, ..request() });
        assert_eq!((timed.time_range, timed.count), (Some((100, 150)), 100));
        let open = scan(&HistoryRequest { time_begin: 100, ..request() });
        assert_eq!(open.time_range, Some((100, u64::MAX)));
        assert_eq!(
            plan(&HistoryRequest { seqs: vec![1, 6, 9], floor_seq: 5, ..request() }).unwrap(),
            HistoryPlan::Seqs(vec![6, 9])
        );
    }

    #[test]
    fn group_only_parameters_are_refused_in_c2c() {
        let c2c = HistoryRequest { is_group: false, ..request() };
        assert!(plan(&HistoryRequest { anchor_seq: 3, ..c2c.clone() }).unwrap_err().desc.contains("last_msg_seq"));
        assert!(plan(&HistoryRequest { seqs: vec![1], ..c2c }).unwrap_err().desc.contains("message_seq_array"));
    }
}
