//! `ui/src/lib/bindings.ts` must be exactly what the Rust types generate.
//! Regenerate with `UPDATE_BINDINGS=1 cargo test -p outpost-engine --test bindings`.

#[test]
fn typescript_bindings_are_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
    let generated = outpost_engine::api::typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write bindings.ts");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p outpost-engine --test bindings` and commit it"
    );
}
