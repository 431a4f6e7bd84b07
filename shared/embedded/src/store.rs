//! The embedded store: one redb file in a data directory, holding the table and the queue,
//! written by one writer thread ([`crate::writer`]).

use std::path::Path;
use std::sync::Arc;

use redb::Database;

use crate::error::EmbeddedError;
use crate::queue::RedbQueue;
use crate::table::RedbTable;
use crate::writer::{Shared, StoreOptions, WriteTables};

pub(crate) const FILE_NAME: &str = "motcua.redb";

/// The embedded table and queue, sharing one redb file in a data directory.
///
/// Dropping the store and every adapter taken from it stops the writer thread and closes the
/// file, so the same directory can be opened again.
pub struct EmbeddedStore {
    table: Arc<RedbTable>,
    queue: Arc<RedbQueue>,
}

impl EmbeddedStore {
    /// Opens (or creates) the store in `data_dir` with default options.
    pub fn open(data_dir: impl AsRef<Path>) -> Result<EmbeddedStore, EmbeddedError> {
        EmbeddedStore::open_with(data_dir, StoreOptions::default())
    }

    /// Opens (or creates) the store in `data_dir`. Fails when the directory cannot be created,
    /// the file is not a redb database, or it is already open (in this process or another).
    pub fn open_with(data_dir: impl AsRef<Path>, options: StoreOptions) -> Result<EmbeddedStore, EmbeddedError> {
        let dir = data_dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| EmbeddedError::io(dir, e))?;
        let db = Database::create(dir.join(FILE_NAME)).map_err(redb::Error::from)?;
        let txn = db.begin_write().map_err(redb::Error::from)?;
        WriteTables::open(&txn)?;
        txn.commit().map_err(redb::Error::from)?;
        let shared = Arc::new(Shared::start(db, options)?);
        Ok(EmbeddedStore { table: Arc::new(RedbTable::new(shared.clone())), queue: Arc::new(RedbQueue::new(shared)) })
    }

    pub fn table(&self) -> Arc<RedbTable> {
        self.table.clone()
    }

    pub fn queue(&self) -> Arc<RedbQueue> {
        self.queue.clone()
    }
}
