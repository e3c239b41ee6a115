# Formatting, lints, then every Rust test (unit, property, contract,
# integration) in one nextest run, and the documentation examples.
step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

step "cargo nextest"
cargo nextest run --workspace --all-features --no-fail-fast

step "doc tests"
cargo test --workspace --all-features --doc --quiet
