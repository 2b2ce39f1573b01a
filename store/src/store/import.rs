//! [`Store::import_rows`]: rows brought over from another database.

use super::Store;
use crate::error::Result;
use crate::import::{ImportBatch, ImportWritten};

impl Store {
    /// Writes `batch` in one transaction, each row only if its key is not
    /// stored yet (task id, task and sequence, node, action id; build data by
    /// node, task, date and generator), so importing the same rows twice adds
    /// nothing the second time. Identity keys are stored as their SHA-256.
    /// Returns how many rows of each kind were added.
    pub async fn import_rows(&self, batch: &ImportBatch) -> Result<ImportWritten> {
        batch.validate()?;
        if batch.is_empty() {
            return Ok(ImportWritten::default());
        }
        dispatch!(self.import_rows(batch))
    }
}
