//! Conformance suites: one set of behavioural tests per port, run unchanged against every
//! adapter (embedded redb / filesystem, and AWS DynamoDB / S3 / SQS on a local moto server).
//!
//! Each port has a module of `pub async fn` cases that take the adapter and panic with a
//! clear message when it misbehaves, and a macro that expands into one `#[tokio::test]` per
//! case:
//!
//! ```ignore
//! // tests/conformance.rs of an adapter crate (needs `tokio` with `macros` and
//! // `rt-multi-thread` as a dev-dependency, and motcua-ports with feature `conformance`)
//! motcua_ports::table_conformance_tests!(async { my_adapter::Dynamo::for_tests().await });
//! motcua_ports::queue_conformance_tests!(async { build_queue().await }, max_receives = 5);
//! motcua_ports::object_store_conformance_tests!(async { build_store().await });
//! ```
//!
//! The build expression is evaluated afresh in every test and may return the adapter as an
//! `Arc<Adapter>` / `Arc<dyn Port>`, or a tuple `(adapter, guard)` whose guard (temporary
//! directory, server task, …) lives as long as the test. Every case works under its own
//! random key prefix, queue names or object keys, so all cases may share one backend.
//!
//! Backend notes for the AWS adapters run against moto:
//! - moto does not check presigned URL signatures or expiry, nor what a signature binds
//!   (Content-Type, Content-Length), nor the `x-amz-checksum-sha256` of an upload: use the
//!   `signatures_unchecked, signed_headers_unchecked` arm of
//!   [`object_store_conformance_tests!`](crate::object_store_conformance_tests), which leaves out
//!   the expiry, tampering and refused-upload cases (the embedded store runs them all; the S3
//!   adapter checks offline that its upload URLs sign those headers).
//! - the queue cases use fresh queue names (`<name>` and `<name>-dlq`): an adapter whose
//!   backend needs queues created ahead must create them on first use in its test build.
//! - GSI reads are consistent on moto; on real DynamoDB they are eventually consistent and
//!   the index cases may flake.

pub mod object_store;
pub mod queue;
pub mod table;

use std::fmt::Debug;
use std::sync::Arc;

use crate::{ObjectStore, Queue, Table};

/// Something a conformance macro can run a case on: the adapter, or the adapter with a guard.
pub trait TableFixture: Send + 'static {
    fn table(&self) -> Arc<dyn Table>;
}

impl<T: Table + 'static> TableFixture for Arc<T> {
    fn table(&self) -> Arc<dyn Table> {
        self.clone()
    }
}

impl TableFixture for Arc<dyn Table> {
    fn table(&self) -> Arc<dyn Table> {
        self.clone()
    }
}

impl<A: TableFixture, G: Send + 'static> TableFixture for (A, G) {
    fn table(&self) -> Arc<dyn Table> {
        self.0.table()
    }
}

/// See [`TableFixture`].
pub trait QueueFixture: Send + 'static {
    fn queue(&self) -> Arc<dyn Queue>;
}

impl<T: Queue + 'static> QueueFixture for Arc<T> {
    fn queue(&self) -> Arc<dyn Queue> {
        self.clone()
    }
}

impl QueueFixture for Arc<dyn Queue> {
    fn queue(&self) -> Arc<dyn Queue> {
        self.clone()
    }
}

impl<A: QueueFixture, G: Send + 'static> QueueFixture for (A, G) {
    fn queue(&self) -> Arc<dyn Queue> {
        self.0.queue()
    }
}

/// See [`TableFixture`].
pub trait ObjectStoreFixture: Send + 'static {
    fn object_store(&self) -> Arc<dyn ObjectStore>;
}

impl<T: ObjectStore + 'static> ObjectStoreFixture for Arc<T> {
    fn object_store(&self) -> Arc<dyn ObjectStore> {
        self.clone()
    }
}

impl ObjectStoreFixture for Arc<dyn ObjectStore> {
    fn object_store(&self) -> Arc<dyn ObjectStore> {
        self.clone()
    }
}

impl<A: ObjectStoreFixture, G: Send + 'static> ObjectStoreFixture for (A, G) {
    fn object_store(&self) -> Arc<dyn ObjectStore> {
        self.0.object_store()
    }
}

/// A name no other case (nor another run against the same backend) uses.
pub fn unique(tag: &str) -> String {
    format!("cf-{tag}-{}", uuid::Uuid::new_v4().simple())
}

/// Unwraps a port result, panicking with what the case was doing.
#[track_caller]
pub(crate) fn must<T, E: Debug>(result: Result<T, E>, doing: &str) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("{doing}: unexpected error {error:?}"),
    }
}

/// Expands one `#[tokio::test]` per named case; used by the port macros.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases {
    ($build:expr, $module:ident, $fixture:ident, $getter:ident;
     ref: [$($ref_case:ident),* $(,)?];
     arc: [$($arc_case:ident),* $(,)?]) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $ref_case() {
                let fixture = $build.await;
                let adapter = $crate::conformance::$fixture::$getter(&fixture);
                $crate::conformance::$module::$ref_case(&*adapter).await;
            }
        )*
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $arc_case() {
                let fixture = $build.await;
                let adapter = $crate::conformance::$fixture::$getter(&fixture);
                $crate::conformance::$module::$arc_case(adapter).await;
            }
        )*
    };
}

/// Runs the [`table`] suite: one `#[tokio::test]` per case.
///
/// `table_conformance_tests!(async { build().await })`, where `build` returns an
/// `Arc<impl Table>` or `(Arc<impl Table>, guard)`.
#[macro_export]
macro_rules! table_conformance_tests {
    ($build:expr $(,)?) => {
        $crate::__conformance_cases! { $build, table, TableFixture, table;
            ref: [
                put_get_delete,
                put_replaces_whole_item,
                put_not_exists_condition,
                put_exists_condition,
                put_attr_equals_condition,
                delete_conditions,
                query_primary_begins_with_and_between,
                query_gsi1_and_gsi2,
                query_descending,
                pagination_visits_every_item_once,
                items_without_gsi_attributes_are_absent_from_index,
                index_follows_updates_and_deletes,
                transact_is_all_or_nothing,
                transact_applies_every_op,
                transact_rejects_two_ops_on_one_item,
                add_creates_and_adds,
                expired_ttl_hides_item,
                expired_item_counts_as_absent_for_conditions,
                integers_and_json_values_round_trip,
                vietnamese_text_round_trips,
            ];
            arc: [
                concurrent_increments_yield_distinct_values,
                concurrent_not_exists_puts_have_one_winner,
            ]
        }
    };
}

/// Runs the [`queue`] suite: one `#[tokio::test]` per case.
///
/// `queue_conformance_tests!(async { build().await })` assumes the adapter dead-letters after
/// 5 receives; pass `max_receives = N` when it is configured otherwise.
#[macro_export]
macro_rules! queue_conformance_tests {
    ($build:expr $(,)?) => {
        $crate::queue_conformance_tests!($build, max_receives = 5);
    };
    ($build:expr, max_receives = $max:expr $(,)?) => {
        $crate::__conformance_cases! { $build, queue, QueueFixture, queue;
            ref: [
                send_receive_ack,
                received_message_is_invisible_until_visibility_expires,
                release_makes_message_visible_at_once,
                batch_send_of_ten_and_receive_max,
                depth_counts_waiting_and_in_flight,
                ack_with_stale_or_unknown_receipt_is_harmless,
            ];
            arc: [
                four_consumers_drain_200_messages_exactly_once,
            ]
        }

        #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn dead_letter_after_max_receives() {
            let fixture = $build.await;
            let adapter = $crate::conformance::QueueFixture::queue(&fixture);
            $crate::conformance::queue::dead_letter_after_max_receives(&*adapter, $max).await;
        }
    };
}

/// Runs the [`object_store`] suite: one `#[tokio::test]` per case.
///
/// - `object_store_conformance_tests!(async { build().await })`: every case.
/// - `object_store_conformance_tests!(async { build().await }, signatures_unchecked)`: for a
///   backend that does not check presigned signatures or expiry; leaves out
///   `presigned_urls_expire` and `tampered_signatures_are_refused`.
/// - `object_store_conformance_tests!(async { build().await }, signatures_unchecked,
///   signed_headers_unchecked)`: for a backend that also lets an upload differ from what its URL
///   signed (moto: Content-Type, Content-Length and `x-amz-checksum-sha256` are not enforced);
///   leaves out `presigned_put_refuses_wrong_content_type`, `presigned_put_refuses_wrong_length`
///   and `presigned_put_refuses_wrong_sha256` as well.
///
/// Presigned URLs are called over real HTTP (reqwest), so the adapter's URLs must reach a
/// server running during the test.
#[macro_export]
macro_rules! object_store_conformance_tests {
    ($build:expr $(,)?) => {
        $crate::object_store_conformance_tests!($build, signatures_unchecked);
        $crate::__conformance_cases! { $build, object_store, ObjectStoreFixture, object_store;
            ref: [
                presigned_urls_expire,
                tampered_signatures_are_refused,
            ];
            arc: []
        }
    };
    ($build:expr, signatures_unchecked $(,)?) => {
        $crate::object_store_conformance_tests!($build, signatures_unchecked, signed_headers_unchecked);
        $crate::__conformance_cases! { $build, object_store, ObjectStoreFixture, object_store;
            ref: [
                presigned_put_refuses_wrong_content_type,
                presigned_put_refuses_wrong_length,
                presigned_put_refuses_wrong_sha256,
            ];
            arc: []
        }
    };
    ($build:expr, signatures_unchecked, signed_headers_unchecked $(,)?) => {
        $crate::__conformance_cases! { $build, object_store, ObjectStoreFixture, object_store;
            ref: [
                put_get_head_delete,
                keys_with_slashes_are_independent,
                presigned_put_stores_matching_upload,
                presigned_get_serves_bytes_and_filename,
            ];
            arc: []
        }
    };
}
