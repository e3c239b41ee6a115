//! The OpenAPI document is committed (`bin/api/openapi.json`): the web
//! client's types are generated from it, so a change to the API must show up
//! as a change to that file in review. This test fails when they differ.
//! To accept a deliberate change: `MOSAIC_UPDATE_OPENAPI=1 cargo nextest run
//! -p mosaic-api --test openapi_document`, then commit the file.

use std::path::Path;

#[test]
fn committed_openapi_document_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = format!("{}\n", mosaic_api::openapi_json());
    if std::env::var_os("MOSAIC_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "bin/api/openapi.json is out of date with the code; regenerate it with \
         MOSAIC_UPDATE_OPENAPI=1 cargo nextest run -p mosaic-api --test openapi_document"
    );
}
