//! Start at login: an XDG autostart entry (`$XDG_CONFIG_HOME/autostart/
//! outpost.desktop`, by default `~/.config/autostart/outpost.desktop`) that
//! launches the app hidden in the tray (`--minimized`). The Settings toggle
//! writes or removes the file; its presence is the setting, so removing it by
//! hand turns autostart off too.

use std::io;
use std::path::{Path, PathBuf};

/// The file name of the entry inside the autostart directory.
pub const FILE_NAME: &str = "outpost.desktop";

/// `$XDG_CONFIG_HOME/autostart`, or `~/.config/autostart` when that is unset.
pub fn default_dir() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("autostart"))
}

/// Whether the entry exists in `dir`.
pub fn is_enabled(dir: &Path) -> bool {
    dir.join(FILE_NAME).is_file()
}

/// Writes the entry (enabled) or removes it (disabled). `exe` is the program
/// to start; `db` is passed on when the app was started on a non-default
/// archive, so login opens the same one.
pub fn set_enabled(dir: &Path, enabled: bool, exe: &Path, db: Option<&Path>) -> io::Result<()> {
    let file = dir.join(FILE_NAME);
    if enabled {
        std::fs::create_dir_all(dir)?;
        // Written beside and renamed (the engine's atomic writer), so a
        // crash never leaves half an entry.
        outpost_engine::transfer::write_new(&file, entry(exe, db).as_bytes(), true)
            .map_err(io::Error::other)
    } else {
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// The text of the entry (Desktop Entry Specification 1.5).
pub fn entry(exe: &Path, db: Option<&Path>) -> String {
    let mut exec = quote_arg(&exe.to_string_lossy());
    if let Some(db) = db {
        exec.push_str(" --db ");
        exec.push_str(&quote_arg(&db.to_string_lossy()));
    }
    exec.push_str(" --minimized");
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Name=Outpost\n\
         Comment=Start Outpost at login, in the tray, and keep polling news sources\n\
         Exec={exec}\n\
         Icon=outpost-app\n\
         Terminal=false\n\
         X-GNOME-Autostart-enabled=true\n"
    )
}

/// Quotes one argument of an `Exec` line. The specification reserves
/// spaces, quotes and shell characters: such an argument is put in double
/// quotes with `"`, `` ` ``, `$` and `\` escaped by a backslash; a `%` is
/// doubled because it introduces field codes. The desktop-file parser then
/// unescapes the string value once more, so backslashes are doubled again.
fn quote_arg(arg: &str) -> String {
    let arg = arg.replace('%', "%%");
    let reserved = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\''
                    | '\\'
                    | '>'
                    | '<'
                    | '~'
                    | '|'
                    | '&'
                    | ';'
                    | '$'
                    | '*'
                    | '?'
                    | '#'
                    | '('
                    | ')'
                    | '`'
            )
    };
    if !arg.chars().any(reserved) {
        return arg;
    }
    let mut out = String::from("\"");
    for c in arg.chars() {
        match c {
            '"' | '`' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\\\\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 16 (autostart): the entry starts the app hidden in the tray, on
    // the same archive, and turning the toggle off removes it.
    #[test]
    fn toggle_writes_and_removes_the_entry() {
        let dir = std::env::temp_dir().join(format!("outpost-autostart-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!is_enabled(&dir));
        set_enabled(
            &dir,
            true,
            Path::new("/usr/bin/outpost-app"),
            Some(Path::new("/home/a b/x.db")),
        )
        .unwrap();
        assert!(is_enabled(&dir));
        let text = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
        assert!(
            text.contains("Exec=/usr/bin/outpost-app --db \"/home/a b/x.db\" --minimized\n"),
            "{text}"
        );
        assert!(text.starts_with("[Desktop Entry]\nType=Application\n"));
        set_enabled(&dir, false, Path::new("/usr/bin/outpost-app"), None).unwrap();
        assert!(!is_enabled(&dir));
        // Turning it off twice is not an error.
        set_enabled(&dir, false, Path::new("/usr/bin/outpost-app"), None).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn exec_arguments_are_quoted_per_the_specification() {
        assert_eq!(quote_arg("/opt/outpost"), "/opt/outpost");
        assert_eq!(quote_arg("/a b/$x"), "\"/a b/\\$x\"");
        assert_eq!(quote_arg("50%"), "50%%");
    }
}
