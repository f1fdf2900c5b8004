//! tauri.conf.json lives at the repository root (the product's fixed layout),
//! so tauri-build runs from there; `generate_context!` in main.rs names the
//! same file relative to this crate.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    println!(
        "cargo:rerun-if-changed={}",
        root.join("tauri.conf.json").display()
    );
    println!("cargo:rerun-if-changed=capabilities");
    std::env::set_current_dir(&root).expect("repository root is readable");
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*"),
    )
    .expect("tauri-build failed");
}
