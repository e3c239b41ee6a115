# Rust tools the suites use.
step "toolchain"
command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
