//! The system tests, in one test binary (one link instead of fourteen: CI's disk and time).
//! Each module drives the whole application the way a client or a user would; `common` is the
//! harness. `MOTCUA_TEST_BACKEND=aws` runs them on the AWS adapters (against moto),
//! `MOTCUA_TEST_REGIME=2025` under the 2025 regime.

mod common;

mod authorization;
mod aws_bootstrap;
mod aws_request_budget;
mod bad_input;
mod calendar_api;
mod citizen_and_officer_flow;
mod durability_and_concurrency;
mod generated_data;
mod inbox_index;
mod item_size;
mod lambda_handlers;
mod national_connections;
mod officer_workflow;
mod online_payment;
mod openapi_contract;
mod permissions;
mod phone_messages;
mod population_registry;
mod postal_delivery;
mod signed_results;
mod single_sign_on;
mod statistics_report;
mod template_routes;
mod user_admin;
