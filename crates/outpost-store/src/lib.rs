//! The SQLite archive. The only crate in Outpost that contains SQL.
