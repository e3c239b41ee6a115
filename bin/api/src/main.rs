//! # mosaic-api
//!
//! The HTTP shell: a poem + poem-openapi server that parses requests into
//! domain values, calls the application service of `mosaic-ports`, and maps
//! results and errors to JSON responses in the project's error body. It also
//! serves the web app from `web/`. No SQL and no policy decisions live here.
//! Filled in by the HTTP API issue; until then it only says so.

fn main() {
    eprintln!("mosaic-api: the HTTP server is not built yet (see the HTTP API issue).");
    std::process::exit(2);
}
