//! The architecture invariants of ARCHITECTURE.md as a test, after
//! rust-analyzer's tidy test: each check greps the tree for what the
//! invariants forbid and reports every offence as `file:line: what`.
//!
//! Each check is a function over one file's text, so the unit tests at the
//! bottom prove, on small strings, that it can fail.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

// ----- the invariants over the tree -------------------------------------

const THIS_FILE: &str = "crates/outpost-engine/tests/tidy.rs";

/// Only `outpost-store` contains SQL.
#[test]
fn sql_lives_only_in_the_store() {
    let root = repo_root();
    let mut found = Vec::new();
    for file in files(&root, &["rs"]) {
        let name = rel(&root, &file);
        // This file's own unit tests hold SQL on purpose, as checker input.
        if name.starts_with("crates/outpost-store/") || name == THIS_FILE {
            continue;
        }
        found.extend(sql_in_rust(&rel(&root, &file), &read(&file)));
    }
    assert_clean("SQL outside outpost-store", found);
}

/// The shells (the CLI and the Tauri commands) call the engine only: they
/// never open or hold the store.
#[test]
fn the_shells_reach_the_archive_through_the_engine() {
    let root = repo_root();
    let mut found = Vec::new();
    for dir in ["crates/outpost-cli/src", "src-tauri/src"] {
        for file in files(&root.join(dir), &["rs"]) {
            found.extend(store_in_shell(&rel(&root, &file), &read(&file)));
        }
    }
    assert_clean("a shell reaching the store", found);
}

/// `outpost-core` does no IO and never reads the clock.
#[test]
fn the_core_does_no_io_and_reads_no_clock() {
    let root = repo_root();
    let core = root.join("crates/outpost-core");
    let mut found = Vec::new();
    for file in files(&core.join("src"), &["rs"]) {
        found.extend(io_in_core(&rel(&root, &file), &read(&file)));
    }
    let manifest = core.join("Cargo.toml");
    found.extend(io_crates_in_manifest(
        &rel(&root, &manifest),
        &read(&manifest),
    ));
    assert_clean("IO or clock in outpost-core", found);
}

/// Only `src-tauri` depends on `tauri`.
#[test]
fn only_the_shell_depends_on_tauri() {
    let root = repo_root();
    let mut found = Vec::new();
    for file in files(&root, &["toml"]) {
        let name = rel(&root, &file);
        if name.ends_with("Cargo.toml") && name != "src-tauri/Cargo.toml" {
            found.extend(tauri_in_manifest(&name, &read(&file)));
        }
    }
    assert_clean("tauri outside src-tauri", found);
}

/// The commands and events of `src-tauri`, `ui/src/lib/ipc.ts` and the UI
/// test mock are the same names.
#[test]
fn tauri_names_agree_between_shell_ui_and_mock() {
    let root = repo_root();
    let mut shell = Surface::default();
    for file in files(&root.join("src-tauri/src"), &["rs"]) {
        shell.add_rust(&rel(&root, &file), &read(&file));
    }
    let ipc_path = "ui/src/lib/ipc.ts";
    let ipc = Surface::from_ipc(ipc_path, &read(&root.join(ipc_path)));
    let mock_path = "ui/src/test/mock-ipc.ts";
    let mut mock = Surface::from_mock(mock_path, &read(&root.join(mock_path)));
    // Events the UI's tests and preview fire must be events the shell sends.
    for file in files(&root.join("ui/src"), &["ts", "svelte"]) {
        let name = rel(&root, &file);
        mock.events.extend(named(&UI_EMIT, &name, &read(&file)));
    }
    let mut found = Vec::new();
    let (handler_at, fns_at) = ("the generate_handler! list", "the #[tauri::command] fns");
    let (shell_at, mock_at) = ("src-tauri", mock_path);
    found.extend(compare("command", &shell.handler, &shell.commands, fns_at));
    found.extend(compare(
        "command",
        &shell.commands,
        &shell.handler,
        handler_at,
    ));
    found.extend(compare("command", &shell.handler, &ipc.commands, ipc_path));
    found.extend(compare(
        "command",
        &ipc.commands,
        &shell.handler,
        handler_at,
    ));
    found.extend(compare("command", &shell.handler, &mock.commands, mock_at));
    found.extend(compare(
        "command",
        &mock.commands,
        &shell.handler,
        handler_at,
    ));
    found.extend(compare("event", &shell.events, &ipc.events, ipc_path));
    found.extend(compare("event", &ipc.events, &shell.events, shell_at));
    found.extend(compare("event", &mock.events, &shell.events, shell_at));
    assert!(
        shell.handler.len() > 10 && mock.commands.len() > 10 && shell.events.len() > 2,
        "the name scanners found too little: {:?} {:?} {:?}",
        shell.handler.keys(),
        mock.commands.keys(),
        shell.events.keys()
    );
    assert_clean("Tauri names out of step", found);
}

/// Only the types the UI receives derive `TS`: each is declared in
/// `typescript_bindings` and so reaches `ui/src/lib/bindings.ts`.
#[test]
fn only_ui_payload_types_derive_ts() {
    let root = repo_root();
    let api = read(&root.join("crates/outpost-engine/src/api.rs"));
    let declared = named(&DECL, "crates/outpost-engine/src/api.rs", &api);
    let mut found = Vec::new();
    for file in files(&root.join("crates"), &["rs"]) {
        let name = rel(&root, &file);
        if name.contains("/src/") {
            found.extend(ts_outside_bindings(&name, &read(&file), &declared));
        }
    }
    assert!(declared.len() > 10, "no bindings list found in api.rs");
    assert_clean("TS derived on a type the UI never receives", found);
}

/// A document cited in a comment exists in the repository.
#[test]
fn cited_documents_exist_in_the_repository() {
    let root = repo_root();
    let all: Vec<PathBuf> = files(&root, &[]);
    let exists = |from: &str, cited: &str| resolves(&root, &all, from, cited);
    let mut found = Vec::new();
    for file in &all {
        let name = rel(&root, file);
        if name == THIS_FILE {
            continue;
        }
        if let Some(comments) = comments_of(&name, &read(file)) {
            found.extend(cited_documents(&name, &comments, &exists));
        }
    }
    assert_clean("documents cited but not in the repository", found);
}

// ----- one offence -------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Violation {
    file: String,
    line: usize,
    what: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.what)
    }
}

fn at(file: &str, line: usize, what: impl Into<String>) -> Violation {
    Violation {
        file: file.to_string(),
        line,
        what: what.into(),
    }
}

fn assert_clean(invariant: &str, found: Vec<Violation>) {
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        list.is_empty(),
        "{invariant} (see ARCHITECTURE.md, Architecture invariants):\n{}",
        list.join("\n")
    );
}

// ----- the checks, one file at a time -----------------------------------

static SQL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\bSELECT\s+\S|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bCREATE\s+(VIRTUAL\s+)?(TABLE|INDEX|TRIGGER)\b|\bPRAGMA\s+\w+",
    )
    .unwrap()
});

/// SQL in a Rust string literal.
fn sql_in_rust(file: &str, src: &str) -> Vec<Violation> {
    let lexed = lex_rust(src);
    let mut out = Vec::new();
    for (line, text) in &lexed.strings {
        for m in SQL.find_iter(text) {
            let line = line + text[..m.start()].matches('\n').count();
            out.push(at(
                file,
                line,
                format!("SQL `{}` outside outpost-store", m.as_str()),
            ));
        }
    }
    out
}

static CORE_IO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\bUtc::now\b|\bLocal::now\b|\bSystemTime\b|\bInstant::now\b|\bstd::fs\b|\bstd::net\b|\bstd::process\b|\breqwest\b|\brusqlite\b|\btokio\b",
    )
    .unwrap()
});

/// The clock or IO in the code (not the comments) of a core source file.
fn io_in_core(file: &str, src: &str) -> Vec<Violation> {
    let lexed = lex_rust(src);
    lexed
        .code
        .lines()
        .enumerate()
        .flat_map(|(i, line)| {
            CORE_IO
                .find_iter(line)
                .map(move |m| at(file, i + 1, format!("`{}` in outpost-core", m.as_str())))
                .collect::<Vec<_>>()
        })
        .collect()
}

static STORE_USE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bStore::\w+|\.store\(\)|\bStore\s*[,}]").unwrap());

/// The store opened, held or imported in a shell's code.
fn store_in_shell(file: &str, src: &str) -> Vec<Violation> {
    lex_rust(src)
        .code
        .lines()
        .enumerate()
        .flat_map(|(i, line)| {
            STORE_USE
                .find_iter(line)
                .map(move |m| {
                    at(
                        file,
                        i + 1,
                        format!(
                            "`{}` in a shell; call the engine",
                            m.as_str().trim_end_matches([',', '}']).trim()
                        ),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

static DECL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(\w+)::decl\(").unwrap());
static TS_DERIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"#\[derive\([^\]]*\bTS\b[^\]]*\)\]\s*(?:#\[[^\]]*\]\s*)*pub\s+(?:struct|enum)\s+(\w+)",
    )
    .unwrap()
});

/// A `TS` derive on a type that the bindings do not declare.
fn ts_outside_bindings(
    file: &str,
    src: &str,
    declared: &BTreeMap<String, String>,
) -> Vec<Violation> {
    let code = lex_rust(src).code;
    named(&TS_DERIVE, file, &code)
        .into_iter()
        .filter(|(name, _)| !declared.contains_key(name))
        .map(|(name, place)| {
            let line = place
                .rsplit_once(':')
                .map_or(0, |(_, l)| l.parse().unwrap_or(0));
            at(
                file,
                line,
                format!("`{name}` derives TS but is not in typescript_bindings"),
            )
        })
        .collect()
}

static IO_CRATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^\s*\[?(?:[\w.-]*dependencies\.)?"?(reqwest|rusqlite|tokio|tauri[\w-]*)"?\s*[=\].]"#,
    )
    .unwrap()
});

/// An IO crate among the core's dependencies.
fn io_crates_in_manifest(file: &str, toml: &str) -> Vec<Violation> {
    manifest_deps(toml, &IO_CRATE)
        .into_iter()
        .map(|(line, name)| at(file, line, format!("outpost-core depends on `{name}`")))
        .collect()
}

static TAURI_DEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*\[?(?:[\w.-]*dependencies\.)?"?(tauri[\w-]*)"?\s*[=\].]"#).unwrap()
});

/// A `tauri` crate in a manifest (the shell's own is not scanned).
fn tauri_in_manifest(file: &str, toml: &str) -> Vec<Violation> {
    manifest_deps(toml, &TAURI_DEP)
        .into_iter()
        .map(|(line, name)| at(file, line, format!("`{name}` outside src-tauri")))
        .collect()
}

fn manifest_deps(toml: &str, re: &Regex) -> Vec<(usize, String)> {
    toml.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#'))
        .filter_map(|(i, l)| re.captures(l).map(|c| (i + 1, c[1].to_string())))
        .collect()
}

/// Command and event names with the place each is named.
#[derive(Default)]
struct Surface {
    /// `#[tauri::command]` functions.
    commands: BTreeMap<String, String>,
    /// The `generate_handler!` list (the shell only).
    handler: BTreeMap<String, String>,
    events: BTreeMap<String, String>,
}

static COMMAND_FN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"#\[tauri::command[^\]]*\]\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+(\w+)")
        .unwrap()
});
static HANDLER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"generate_handler!\s*\[([^\]]*)\]").unwrap());
static RUST_EMIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\.emit(?:_to|_filter)?\(\s*(?:[^"(),]+,\s*)?"([^"]+)""#).unwrap()
});
static IPC_CALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\b(?:call|invoke)\s*(?:<.*?>)?\(\s*"(\w+)""#).unwrap());
static IPC_LISTEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\blisten\s*(?:<.*?>)?\(\s*"([^"]+)""#).unwrap());
static MOCK_CASE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bcase\s+"(\w+)"\s*:"#).unwrap());
static UI_EMIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"\bemit\(\s*"([^"]+)""#).unwrap());

impl Surface {
    fn add_rust(&mut self, file: &str, src: &str) {
        self.commands.extend(named(&COMMAND_FN, file, src));
        for c in HANDLER.captures_iter(src) {
            let list = c.get(1).unwrap();
            let mut offset = list.start();
            for item in list.as_str().split(',') {
                let name = item.trim().rsplit("::").next().unwrap_or("").trim();
                if !name.is_empty() {
                    let line = line_of(src, offset + item.find(name).unwrap_or(0));
                    self.handler
                        .insert(name.to_string(), format!("{file}:{line}"));
                }
                offset += item.len() + 1;
            }
        }
        self.events.extend(named(&RUST_EMIT, file, src));
    }

    fn from_ipc(file: &str, src: &str) -> Surface {
        Surface {
            commands: named(&IPC_CALL, file, src),
            events: named(&IPC_LISTEN, file, src),
            ..Surface::default()
        }
    }

    fn from_mock(file: &str, src: &str) -> Surface {
        Surface {
            commands: named(&MOCK_CASE, file, src),
            events: named(&UI_EMIT, file, src),
            ..Surface::default()
        }
    }
}

/// Each first capture of `re` in `src`, with where it is.
fn named(re: &Regex, file: &str, src: &str) -> BTreeMap<String, String> {
    re.captures_iter(src)
        .map(|c| {
            let m = c.get(1).unwrap();
            (
                m.as_str().to_string(),
                format!("{file}:{}", line_of(src, m.start())),
            )
        })
        .collect()
}

/// Every name in `have` that `want` lacks, reported where `have` names it.
fn compare(
    kind: &str,
    have: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
    want_at: &str,
) -> Vec<Violation> {
    have.iter()
        .filter(|(name, _)| !want.contains_key(*name))
        .map(|(name, place)| {
            let (file, line) = place.rsplit_once(':').unwrap();
            at(
                file,
                line.parse().unwrap(),
                format!("{kind} `{name}` is missing from {want_at}"),
            )
        })
        .collect()
}

static CITED_DOC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\w./:-]*[\w-]\.md\b").unwrap());
static OUTSIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s(`'])((?:\.\./)*shared/[\w./-]+|/work/[\w./-]+)").unwrap()
});

/// Documents cited in comments that `exists(file, cited)` cannot find, and
/// paths that point outside the repository.
fn cited_documents(
    file: &str,
    comments: &[(usize, String)],
    exists: &dyn Fn(&str, &str) -> bool,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for (line, text) in comments {
        for m in CITED_DOC.find_iter(text) {
            let cited = m.as_str().trim_end_matches('.');
            if cited.contains("://") {
                continue;
            }
            if !exists(file, cited) {
                let line = line + text[..m.start()].matches('\n').count();
                out.push(at(
                    file,
                    line,
                    format!("cites `{cited}`, which is not in the repository"),
                ));
            }
        }
        for c in OUTSIDE.captures_iter(text) {
            let m = c.get(1).unwrap();
            let line = line + text[..m.start()].matches('\n').count();
            out.push(at(
                file,
                line,
                format!("cites `{}`, outside the repository", m.as_str()),
            ));
        }
    }
    out
}

/// Whether `cited`, named in `from`, is a file of the repository: beside
/// `from`, from the root, or (a bare name) anywhere in the tree.
fn resolves(root: &Path, all: &[PathBuf], from: &str, cited: &str) -> bool {
    let dir = Path::new(from).parent().unwrap_or(Path::new(""));
    let inside = |p: &Path| normalise(p).is_some_and(|p| root.join(p).is_file());
    if inside(&dir.join(cited)) || inside(Path::new(cited)) {
        return true;
    }
    !cited.contains('/')
        && all
            .iter()
            .any(|f| f.file_name().is_some_and(|n| n == cited))
}

/// `a/b/../c` as `a/c`; `None` when the path climbs out of the root.
fn normalise(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The comments of a source file, by its kind; `None` for files that are
/// not code.
fn comments_of(file: &str, src: &str) -> Option<Vec<(usize, String)>> {
    let ext = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let base = Path::new(file)
        .file_name()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let lines = |marks: &[&str], trailing: &str| -> Vec<(usize, String)> {
        src.lines()
            .enumerate()
            .filter_map(|(i, l)| {
                let t = l.trim_start();
                if marks.iter().any(|m| t.starts_with(m)) {
                    Some((i + 1, t.to_string()))
                } else {
                    l.find(trailing).map(|at| (i + 1, l[at..].to_string()))
                }
            })
            .collect()
    };
    match ext {
        "rs" => Some(lex_rust(src).comments),
        "ts" | "js" | "svelte" | "css" => Some(lines(&["//", "/*", "*", "<!--"], " // ")),
        "sh" | "py" | "toml" => Some(lines(&["#"], " # ")),
        _ if base == "Makefile" => Some(lines(&["#"], " # ")),
        _ => None,
    }
}

// ----- a small Rust lexer: strings, comments and the code between ---------

struct Lexed {
    /// String literal contents with the line each starts on.
    strings: Vec<(usize, String)>,
    /// Comments with the line each starts on.
    comments: Vec<(usize, String)>,
    /// The source with strings and comments blanked, lines kept.
    code: String,
}

fn lex_rust(src: &str) -> Lexed {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Lexed {
        strings: Vec::new(),
        comments: Vec::new(),
        code: String::with_capacity(src.len()),
    };
    let mut line = 1;
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    // Appends a skipped stretch as blanks, keeping its newlines.
    let blank = |out: &mut Lexed, text: &[char], line: &mut usize| {
        for &c in text {
            if c == '\n' {
                *line += 1;
                out.code.push('\n');
            } else {
                out.code.push(' ');
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            out.comments.push((line, chars[i..end].iter().collect()));
            blank(&mut out, &chars[i..end], &mut line);
            i = end;
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            let mut j = i;
            while j < chars.len() {
                if chars[j] == '/' && chars.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            out.comments.push((line, chars[i..j].iter().collect()));
            blank(&mut out, &chars[i..j], &mut line);
            i = j;
        } else if c == 'r'
            && (i == 0
                || !ident(chars[i - 1])
                || (chars[i - 1] == 'b' && (i < 2 || !ident(chars[i - 2]))))
            && matches!(next, Some('"') | Some('#'))
        {
            let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.code.push(c);
                i += 1;
                continue;
            }
            let start = i + 2 + hashes;
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let mut j = start;
            while j < chars.len() && !chars[j..].starts_with(&close) {
                j += 1;
            }
            out.strings
                .push((line, chars[start..j.min(chars.len())].iter().collect()));
            let end = (j + close.len()).min(chars.len());
            blank(&mut out, &chars[i..end], &mut line);
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = j.min(chars.len());
            out.strings.push((line, chars[i + 1..end].iter().collect()));
            let end = (end + 1).min(chars.len());
            blank(&mut out, &chars[i..end], &mut line);
            i = end;
        } else if c == '\'' && next == Some('\\') {
            let end = chars[i + 2..]
                .iter()
                .position(|&c| c == '\'')
                .map_or(chars.len(), |p| i + 3 + p);
            blank(&mut out, &chars[i..end], &mut line);
            i = end;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            blank(&mut out, &chars[i..i + 3], &mut line);
            i += 3;
        } else {
            if c == '\n' {
                line += 1;
            }
            out.code.push(c);
            i += 1;
        }
    }
    out
}

// ----- the tree ------------------------------------------------------------

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Folders that are built, installed or generated, not written.
const SKIP: &[&str] = &[
    "target",
    "node_modules",
    "dist",
    ".git",
    "artifacts",
    ".svelte-kit",
];

/// Every file under `dir` with one of `exts` (all files for none), in a
/// stable order.
fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                if !SKIP.contains(&name.as_str()) {
                    stack.push(p);
                }
            } else if exts.is_empty()
                || p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| exts.contains(&x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The file's text; binary files read as empty.
fn read(p: &Path) -> String {
    std::fs::read(p)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset].matches('\n').count() + 1
}

// ----- the checks can fail ----------------------------------------------

mod checks {
    use super::*;

    fn lines(v: &[Violation]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn sql_in_a_string_is_found_with_its_line() {
        let src = "fn f() {\n    // SELECT in a comment is fine\n    let q = \"x\";\n    c.execute(\n        \"DELETE FROM articles\n         WHERE id = 1\", []);\n    let r = r#\"\nINSERT INTO t VALUES (1)\"#;\n    let u = \"UPDATE sources SET x = 1\";\n}\n";
        assert_eq!(
            lines(&sql_in_rust("a.rs", src)),
            [
                "a.rs:5: SQL `DELETE FROM` outside outpost-store",
                "a.rs:8: SQL `INSERT INTO` outside outpost-store",
                "a.rs:9: SQL `UPDATE sources SET` outside outpost-store",
            ]
        );
        assert!(sql_in_rust("b.rs", "let s = \"select the source\"; // SELECT x").is_empty());
    }

    #[test]
    fn the_lexer_tells_lifetimes_from_chars() {
        let lexed = lex_rust(
            "fn f<'a>(x: &'a str) -> char { let q = '\"'; let e = '\\''; \"CREATE TABLE t\" }",
        );
        assert_eq!(lexed.strings, [(1, "CREATE TABLE t".to_string())]);
        assert!(lexed.code.contains("&'a str"));
    }

    #[test]
    fn clock_and_io_in_the_core_are_found() {
        let src = "//! Never calls Utc::now.\nuse std::fs;\nfn t() { let n = chrono::Utc::now(); }\nconst S: &str = \"Instant::now\";\n";
        assert_eq!(
            lines(&io_in_core("core.rs", src)),
            [
                "core.rs:2: `std::fs` in outpost-core",
                "core.rs:3: `Utc::now` in outpost-core"
            ]
        );
        let toml = "[dependencies]\nserde = \"1\"\nrusqlite.workspace = true\n# reqwest = \"1\"\n";
        assert_eq!(
            lines(&io_crates_in_manifest("Cargo.toml", toml)),
            ["Cargo.toml:3: outpost-core depends on `rusqlite`"]
        );
    }

    #[test]
    fn the_store_in_a_shell_is_found() {
        let src = "use outpost_store::{SearchHit, Store, StoreError};\nfn f() { let s = Store::open(p); e.store().stats(); }\n// Store::open in a comment\nfn g(e: StoreError) {}\n";
        assert_eq!(
            lines(&store_in_shell("cmd.rs", src)),
            [
                "cmd.rs:1: `Store` in a shell; call the engine",
                "cmd.rs:2: `Store::open` in a shell; call the engine",
                "cmd.rs:2: `.store()` in a shell; call the engine",
            ]
        );
    }

    #[test]
    fn ts_on_a_type_the_ui_never_sees_is_found() {
        let src = "#[derive(Debug, TS)]\npub enum Severity { Low }\n\n#[derive(Clone, Serialize, TS)]\n#[serde(rename_all = \"lowercase\")]\npub struct Article {}\n#[derive(Debug)]\npub struct Plain;\n";
        let declared = named(&DECL, "api.rs", "let d = [Severity::decl(&cfg)];");
        assert_eq!(
            lines(&ts_outside_bindings("model.rs", src, &declared)),
            ["model.rs:6: `Article` derives TS but is not in typescript_bindings"]
        );
    }

    #[test]
    fn tauri_in_a_manifest_is_found() {
        let toml = "[workspace]\nmembers = [\"src-tauri\"]\n[dependencies]\ntauri = \"2\"\n[dev-dependencies.tauri-plugin-dialog]\nversion = \"2\"\n";
        assert_eq!(
            lines(&tauri_in_manifest("crates/x/Cargo.toml", toml)),
            [
                "crates/x/Cargo.toml:4: `tauri` outside src-tauri",
                "crates/x/Cargo.toml:5: `tauri-plugin-dialog` outside src-tauri",
            ]
        );
    }

    #[test]
    fn command_and_event_names_out_of_step_are_found() {
        let rust = "tauri::generate_handler![\n    app_info,\n    commands::poll_now,\n]\n#[tauri::command]\nasync fn app_info() {}\n#[tauri::command]\nfn poll_now() { app.emit(\"poll:progress\", p); app.emit(\n \"alerts:new\", x); }\n#[tauri::command]\nfn orphan() {}\n";
        let mut shell = Surface::default();
        shell.add_rust("commands.rs", rust);
        assert_eq!(shell.handler["poll_now"], "commands.rs:3");
        assert_eq!(
            lines(&compare(
                "command",
                &shell.commands,
                &shell.handler,
                "the list"
            )),
            ["commands.rs:11: command `orphan` is missing from the list"]
        );
        let ipc = Surface::from_ipc(
            "ipc.ts",
            "export const a = () => call<Array<X>>(\"app_info\");\nexport const p = () => call<void>(\"poll_nowww\", {});\nconst l = () => backend.listen<P>(\"poll:progress\", h);\n",
        );
        assert_eq!(
            lines(&compare("command", &shell.handler, &ipc.commands, "ipc.ts")),
            ["commands.rs:3: command `poll_now` is missing from ipc.ts"]
        );
        assert_eq!(
            lines(&compare("event", &shell.events, &ipc.events, "ipc.ts")),
            ["commands.rs:9: event `alerts:new` is missing from ipc.ts"]
        );
        let mock = Surface::from_mock(
            "mock.ts",
            "switch (cmd) {\n  case \"app_info\":\n    this.emit(\"open-alert\", 1);\n}\n",
        );
        assert_eq!(
            lines(&compare("event", &mock.events, &shell.events, "src-tauri")),
            ["mock.ts:3: event `open-alert` is missing from src-tauri"]
        );
        assert_eq!(
            lines(&compare(
                "command",
                &shell.handler,
                &mock.commands,
                "mock.ts"
            )),
            ["commands.rs:3: command `poll_now` is missing from mock.ts"]
        );
    }

    #[test]
    fn documents_cited_outside_the_repository_are_found() {
        let src = "//! See ARCHITECTURE.md and DESIGN.md §4.\n/// Per ../shared/STYLE.md, and https://example.org/x.md.\nfn f() { let s = \"NOPE.md\"; }\n";
        let comments = comments_of("crates/a/src/lib.rs", src).unwrap();
        let exists = |_: &str, cited: &str| cited == "ARCHITECTURE.md";
        assert_eq!(
            lines(&cited_documents("crates/a/src/lib.rs", &comments, &exists)),
            [
                "crates/a/src/lib.rs:1: cites `DESIGN.md`, which is not in the repository",
                "crates/a/src/lib.rs:2: cites `../shared/STYLE.md`, which is not in the repository",
                "crates/a/src/lib.rs:2: cites `../shared/STYLE.md`, outside the repository",
            ]
        );
        let sh = comments_of(
            "bench/x/run.sh",
            "# See README.md beside this file.\necho a.md\n",
        )
        .unwrap();
        assert_eq!(sh, [(1, "# See README.md beside this file.".to_string())]);
    }

    #[test]
    fn cited_paths_resolve_inside_the_repository_only() {
        let root = repo_root();
        let all = files(&root, &["md"]);
        assert!(resolves(
            &root,
            &all,
            "crates/outpost-engine/src/lib.rs",
            "ARCHITECTURE.md"
        ));
        assert!(resolves(
            &root,
            &all,
            "crates/outpost-engine/src/lib.rs",
            "../../../README.md"
        ));
        assert!(!resolves(
            &root,
            &all,
            "crates/outpost-engine/src/lib.rs",
            "../../../../README.md"
        ));
        assert!(!resolves(&root, &all, "src/lib.rs", "NOT-A-DOCUMENT.md"));
    }
}
