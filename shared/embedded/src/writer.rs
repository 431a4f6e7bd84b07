//! The shared redb file's tables and the single writer thread that applies every write of
//! the table and the queue with group commit.
//!
//! redb allows one write transaction at a time and each commit is an fsync. Instead of making
//! callers queue for the write lock, the writer thread takes every write request waiting,
//! applies them one after another inside one transaction (each request sees the effects of
//! the earlier ones, and a request whose checks fail writes nothing), commits once, then
//! answers them all. A request is answered only after its commit is durable.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;

use redb::{Database, ReadTransaction, ReadableDatabase, TableDefinition, WriteTransaction};
use tokio::sync::oneshot;

use crate::error::EmbeddedError;

pub(crate) const ITEMS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("items");
/// Index entries (gsi1pk, gsi1sk, pk, sk).
pub(crate) const GSI1: TableDefinition<(&str, &str, &str, &str), ()> = TableDefinition::new("gsi1");
/// Index entries (gsi2pk, gsi2sk, pk, sk).
pub(crate) const GSI2: TableDefinition<(&str, &str, &str, &str), ()> = TableDefinition::new("gsi2");
/// Queue messages as JSON under (queue, sequence number).
pub(crate) const MESSAGES: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("queue_messages");
/// When each message becomes visible: (queue, visible_at in ms, sequence number).
pub(crate) const VISIBLE: TableDefinition<(&str, u64, u64), ()> = TableDefinition::new("queue_visible");
/// Named counters (the message sequence).
pub(crate) const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");

/// Tuning of the embedded store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Deliveries without acknowledgement after which a message moves to `<queue>-dlq`.
    pub max_receives: u32,
    /// Most write requests applied in one group-commit transaction.
    pub max_batch: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { max_receives: 5, max_batch: 512 }
    }
}

/// Every table, opened once per group-commit transaction.
pub(crate) struct WriteTables<'t> {
    pub items: redb::Table<'t, (&'static str, &'static str), &'static [u8]>,
    pub gsi1: redb::Table<'t, (&'static str, &'static str, &'static str, &'static str), ()>,
    pub gsi2: redb::Table<'t, (&'static str, &'static str, &'static str, &'static str), ()>,
    pub messages: redb::Table<'t, (&'static str, u64), &'static [u8]>,
    pub visible: redb::Table<'t, (&'static str, u64, u64), ()>,
    pub counters: redb::Table<'t, &'static str, u64>,
}

impl<'t> WriteTables<'t> {
    pub(crate) fn open(txn: &'t WriteTransaction) -> Result<WriteTables<'t>, redb::Error> {
        Ok(WriteTables {
            items: txn.open_table(ITEMS)?,
            gsi1: txn.open_table(GSI1)?,
            gsi2: txn.open_table(GSI2)?,
            messages: txn.open_table(MESSAGES)?,
            visible: txn.open_table(VISIBLE)?,
            counters: txn.open_table(COUNTERS)?,
        })
    }
}

/// A write request waiting for the writer thread.
trait Pending: Send {
    /// Applies the request; an error means the whole transaction must be abandoned.
    fn apply(&mut self, tables: &mut WriteTables<'_>) -> Result<(), redb::Error>;
    /// Answers the caller once the transaction is committed (or has failed).
    fn finish(self: Box<Self>, committed: Result<(), &str>);
}

struct Job<T, F> {
    work: Option<F>,
    output: Option<T>,
    reply: oneshot::Sender<Result<T, EmbeddedError>>,
}

impl<T, F> Pending for Job<T, F>
where
    T: Send,
    F: for<'t> FnOnce(&mut WriteTables<'t>) -> Result<T, redb::Error> + Send,
{
    fn apply(&mut self, tables: &mut WriteTables<'_>) -> Result<(), redb::Error> {
        if let Some(work) = self.work.take() {
            self.output = Some(work(tables)?);
        }
        Ok(())
    }

    fn finish(self: Box<Self>, committed: Result<(), &str>) {
        let result = match (committed, self.output) {
            (Ok(()), Some(output)) => Ok(output),
            (Ok(()), None) => Err(EmbeddedError::Write("request was not applied".into())),
            (Err(reason), _) => Err(EmbeddedError::Write(reason.to_string())),
        };
        // The caller may have gone away (cancelled future): nothing to answer then.
        let _ = self.reply.send(result);
    }
}

/// The database and its writer thread, shared by the table and the queue.
pub(crate) struct Shared {
    db: Arc<Database>,
    sender: Option<mpsc::Sender<Box<dyn Pending>>>,
    writer: Option<JoinHandle<()>>,
    pub(crate) options: StoreOptions,
}

impl Shared {
    pub(crate) fn start(db: Database, options: StoreOptions) -> Result<Shared, EmbeddedError> {
        let db = Arc::new(db);
        let (sender, receiver) = mpsc::channel::<Box<dyn Pending>>();
        let writer_db = db.clone();
        let max_batch = options.max_batch.max(1);
        let writer = std::thread::Builder::new()
            .name("redb-writer".into())
            .spawn(move || run_writer(&writer_db, &receiver, max_batch))
            .map_err(|e| EmbeddedError::Task(format!("cannot start the writer thread: {e}")))?;
        Ok(Shared { db, sender: Some(sender), writer: Some(writer), options })
    }

    /// Runs `work` in the next group-commit transaction and returns its output once that
    /// transaction is durable. `work` must check before it writes: when it returns a value
    /// that means "refused", it must not have written anything.
    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T, EmbeddedError>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&mut WriteTables<'t>) -> Result<T, redb::Error> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn Pending> = Box::new(Job { work: Some(work), output: None, reply });
        let sender = self.sender.as_ref().ok_or(EmbeddedError::WriterStopped)?;
        sender.send(job).map_err(|_| EmbeddedError::WriterStopped)?;
        answer.await.map_err(|_| EmbeddedError::WriterStopped)?
    }

    /// Runs `read` on a snapshot on the calling thread: for a point read (a read transaction
    /// and one B-tree lookup, microseconds from the page cache), where the hop to the blocking
    /// pool and back cost more than the read (perf on the public lookup: a third of its time
    /// in thread switches).
    pub(crate) fn read_here<T>(
        &self,
        read: impl FnOnce(&ReadTransaction) -> Result<T, EmbeddedError>,
    ) -> Result<T, EmbeddedError> {
        let txn = self.db.begin_read().map_err(redb::Error::from)?;
        read(&txn)
    }

    /// Runs `read` on a snapshot, on the blocking pool (queries: many items to read and decode).
    pub(crate) async fn read<T, F>(&self, read: F) -> Result<T, EmbeddedError>
    where
        T: Send + 'static,
        F: FnOnce(&ReadTransaction) -> Result<T, EmbeddedError> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let txn = db.begin_read().map_err(redb::Error::from)?;
            read(&txn)
        })
        .await?
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // Closing the channel ends the writer loop once it has answered what it holds.
        self.sender.take();
        if let Some(writer) = self.writer.take() {
            if writer.join().is_err() {
                tracing::error!("the redb writer thread panicked");
            }
        }
    }
}

fn run_writer(db: &Database, receiver: &mpsc::Receiver<Box<dyn Pending>>, max_batch: usize) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < max_batch {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = match catch_unwind(AssertUnwindSafe(|| commit_batch(db, &mut batch))) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err("a write request panicked".to_string()),
        };
        if let Err(reason) = &outcome {
            tracing::error!(reason = %reason, requests = batch.len(), "group commit failed");
        }
        for job in batch {
            job.finish(outcome.as_ref().map(|_| ()).map_err(String::as_str));
        }
    }
}

fn commit_batch(db: &Database, batch: &mut [Box<dyn Pending>]) -> Result<(), redb::Error> {
    let txn = db.begin_write()?;
    {
        let mut tables = WriteTables::open(&txn)?;
        for job in batch.iter_mut() {
            job.apply(&mut tables)?;
        }
    }
    txn.commit()?;
    Ok(())
}
