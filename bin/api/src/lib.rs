//! # mosaic-api
//!
//! The HTTP shell: a poem + poem-openapi server that parses requests into
//! domain values, calls the application service of `mosaic-ports`, and maps
//! results and errors to JSON responses in the project's error body. It also
//! serves the web app from `web/dist`. No SQL and no policy decisions live
//! here: handlers parse, call one use case, and answer.
//!
//! [`startup::Application`] binds a port (0 in tests) and runs until
//! stopped; `main` only reads the configuration and calls it.

pub mod allow;
pub mod api;
pub mod auth;
pub mod client_address;
pub mod connections;
pub mod dto;
pub mod error;
pub mod health;
pub mod jobs;
pub mod local_media;
pub mod metrics;
pub mod middleware;
pub mod openapi_document;
pub mod rate_limit;
pub mod security_headers;
pub mod sign_in;
pub mod startup;
pub mod state;
pub mod wiring;

pub use openapi_document::openapi_json;
pub use startup::{Application, metrics_routes, routes};
pub use state::{AppState, Readiness};
