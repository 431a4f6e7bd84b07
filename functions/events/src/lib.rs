//! Function `events`: the background side of the product on AWS. `motcua-events` consumes the
//! events queue (notifications; partial batch failures so only failed records are retried)
//! and `motcua-outbox-relay` re-publishes outbox entries stranded by a crash between commit
//! and publish. The logic lives in `motcua_core::events`; the embedded runtime runs the same
//! logic in its worker task.
