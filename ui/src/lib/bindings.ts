// Generated from the Rust types by `cargo test -p outpost-app bindings`
// (UPDATE_BINDINGS=1 rewrites it). Do not edit by hand.

export type AppInfo = { version: string; db_path: string };
