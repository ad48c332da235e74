//! The API's integration tests: one binary, one [`support::TestApp`] that runs the real
//! router in process against SQLite (a temporary directory) or PostgreSQL (a fresh schema
//! on the server named by `LUOSHI_TEST_POSTGRES`).

mod authz;
mod batch;
mod forms;
mod page_authz;
mod pages;
mod queues;
mod review;
mod server;
mod support;
mod workflow;
