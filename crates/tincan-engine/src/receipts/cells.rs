//! The receipt states of group messages kept in memory: made when a message asking for
//! receipts is sent, read back from the store when one that was let go is used again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tincan_core::receipts::GroupReceipt;
use tincan_proto::{ApiError, GroupId, UserId};
use tincan_store::MessageRecord;

use crate::engine::Engine;
use crate::state::{AppState, GroupState, ReceiptCell, lock};

/// Keeps `cell` in the group (see [`GroupState::keep_receipt`]), counting the cells it lets go.
pub(crate) fn keep_receipt(
    engine: &Engine,
    group: &mut GroupState,
    seq: u64,
    cell: Arc<ReceiptCell>,
) -> Arc<ReceiptCell> {
    let (cell, evicted) = group.keep_receipt(seq, cell, engine.inner.receipt_cells_per_group);
    engine.metrics().receipt_cells_evicted.fetch_add(evicted, Ordering::Relaxed);
    cell
}

/// A receipt cell for a message just sent, or one read back from the store (whose state then
/// replaces the empty one).
pub(crate) fn new_receipt_cell(
    sdkappid: u64,
    group_id: &GroupId,
    seq: u64,
    sender: &UserId,
    msg_id: &str,
    sender_index: Option<u32>,
    index_bound: u32,
) -> Arc<ReceiptCell> {
    Arc::new(ReceiptCell {
        sdkappid,
        group_id: group_id.clone(),
        seq,
        sender: sender.clone(),
        msg_id: msg_id.to_owned(),
        state: Mutex::new(GroupReceipt::new(sender_index, index_bound)),
        version: AtomicU64::new(0),
    })
}

/// The receipt cells of `records` (all of one group), loaded from the store on first use;
/// `None` for messages that did not ask for receipts.
pub(crate) async fn receipt_cells(
    engine: &Engine,
    app: &AppState,
    group_id: &GroupId,
    records: &[MessageRecord],
) -> Result<Vec<Option<Arc<ReceiptCell>>>, ApiError> {
    let Some(state) = app.group(group_id) else { return Ok(vec![None; records.len()]) };
    let mut cells: Vec<Option<Arc<ReceiptCell>>> = Vec::with_capacity(records.len());
    let mut missing = Vec::new();
    {
        let state = lock(&state);
        for (position, record) in records.iter().enumerate() {
            let cell = if record.need_receipt { state.receipts.get(&record.seq).cloned() } else { None };
            if record.need_receipt && cell.is_none() {
                missing.push(position);
            }
            cells.push(cell);
        }
    }
    for position in missing {
        let record = &records[position];
        cells[position] = load_receipt_cell(engine, app, &state, group_id, record).await?;
    }
    Ok(cells)
}

/// The receipt state of `record` read back from the store and kept in `state`, unless another
/// call kept one meanwhile (that one wins); `None` if the store has none.
async fn load_receipt_cell(
    engine: &Engine,
    app: &AppState,
    state: &Mutex<GroupState>,
    group_id: &GroupId,
    record: &MessageRecord,
) -> Result<Option<Arc<ReceiptCell>>, ApiError> {
    loop {
        let trims = lock(state).receipts_trims;
        let (sdkappid, stored_group, seq) = (app.sdkappid, group_id.clone(), record.seq);
        let Some(stored) = engine.read_store(move |reader| reader.group_receipt(sdkappid, &stored_group, seq)).await?
        else {
            return Ok(None);
        };
        let receipt =
            GroupReceipt::restore(stored.sender_index, stored.index_bound, &stored.readers, &stored.private_readers)
                .map_err(|err| crate::engine::internal(format!("a stored receipt bitmap does not decode: {err}")))?;
        let mut state = lock(state);
        if let Some(cell) = state.receipts.get(&seq) {
            return Ok(Some(cell.clone()));
        }
        if state.receipts_trims != trims {
            // A cell made and stored while this read ran may have been let go since: what was
            // read may be older than what it stored. Read again.
            continue;
        }
        let cell = new_receipt_cell(app.sdkappid, group_id, seq, &record.sender, &record.msg_id, None, 0);
        *lock(&cell.state) = receipt;
        return Ok(Some(keep_receipt(engine, &mut state, seq, cell)));
    }
}
