//! `mosaic-api`: reads the configuration and runs the server.
fn main() {}
