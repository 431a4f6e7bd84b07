//! Online backups of the embedded runtime (security issue, item 10): a consistent copy of the
//! database taken from one read transaction — redb's snapshot, so writes go on meanwhile —
//! then the object files. Objects are written before any record refers to them and only
//! objects no record holds are ever deleted, so every object the copied records refer to is
//! there when the files are copied after the snapshot. A backup directory is a data directory:
//! restoring is copying it into place.

use std::path::Path;

use redb::{Database, ReadTransaction, ReadableTable, TableDefinition};

use crate::error::EmbeddedError;
use crate::store::{EmbeddedStore, FILE_NAME};
use crate::writer::{COUNTERS, GSI1, GSI2, ITEMS, MESSAGES, VISIBLE};

/// What a backup holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackupCounts {
    /// Table items (dossiers, accounts, ledger…).
    pub items: u64,
    /// Object files (uploaded components and results).
    pub files: u64,
    pub bytes: u64,
}

impl EmbeddedStore {
    /// Writes a consistent copy of the database to `dest` (a new directory) while the store
    /// keeps serving; returns the number of items copied.
    pub async fn snapshot_to(&self, dest: &Path) -> Result<u64, EmbeddedError> {
        std::fs::create_dir_all(dest).map_err(|e| EmbeddedError::io(dest, e))?;
        let file = dest.join(FILE_NAME);
        if file.exists() {
            return Err(EmbeddedError::Config(format!("{} already exists", file.display())));
        }
        self.table().shared().read(move |txn| copy_database(txn, &file)).await
    }
}

fn copy_database(txn: &ReadTransaction, file: &Path) -> Result<u64, EmbeddedError> {
    let out = Database::create(file).map_err(redb::Error::from)?;
    let write = out.begin_write().map_err(redb::Error::from)?;
    let items = copy(txn, &write, ITEMS)?;
    copy(txn, &write, GSI1)?;
    copy(txn, &write, GSI2)?;
    copy(txn, &write, MESSAGES)?;
    copy(txn, &write, VISIBLE)?;
    copy(txn, &write, COUNTERS)?;
    write.commit().map_err(redb::Error::from)?;
    Ok(items)
}

/// Copies one table of the snapshot into the new file; returns its row count.
fn copy<K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &ReadTransaction,
    write: &redb::WriteTransaction,
    definition: TableDefinition<K, V>,
) -> Result<u64, EmbeddedError> {
    let from = txn.open_table(definition).map_err(redb::Error::from)?;
    let mut to = write.open_table(definition).map_err(redb::Error::from)?;
    let mut rows = 0;
    for row in from.iter().map_err(redb::Error::from)? {
        let (key, value) = row.map_err(redb::Error::from)?;
        to.insert(key.value(), value.value()).map_err(redb::Error::from)?;
        rows += 1;
    }
    Ok(rows)
}

/// Copies the files under `from` into `to` (same relative paths), skipping `skip` (a
/// directory name at the top, such as temporary uploads); returns files and bytes copied.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<(u64, u64), EmbeddedError> {
    let (mut files, mut bytes) = (0, 0);
    if !from.exists() {
        return Ok((0, 0));
    }
    for entry in std::fs::read_dir(from).map_err(|e| EmbeddedError::io(from, e))? {
        let entry = entry.map_err(|e| EmbeddedError::io(from, e))?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if entry.file_type().map_err(|e| EmbeddedError::io(&source, e))?.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| EmbeddedError::io(&target, e))?;
            let (f, b) = copy_tree(&source, &target, &[])?;
            (files, bytes) = (files + f, bytes + b);
        } else {
            std::fs::create_dir_all(to).map_err(|e| EmbeddedError::io(to, e))?;
            bytes += std::fs::copy(&source, &target).map_err(|e| EmbeddedError::io(&source, e))?;
            files += 1;
        }
    }
    Ok((files, bytes))
}
