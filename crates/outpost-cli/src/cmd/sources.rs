//! `outpost sources`: add, list, import, export, enable, disable, remove.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use outpost_core::{PageSelectors, SourceKind, SourceSettings};
use outpost_engine::{NewSourceRequest, transfer};

use super::{Ctx, ProgressLine, parse_interval, print_json, runtime, safe, short_time};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the `add` variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Add a feed by its URL or by a site URL (the feed is discovered); with
    /// --kind, a Telegram channel (t.me/NAME, @NAME), a page read with CSS
    /// selectors, or a GDELT query (in English)
    Add {
        /// The address; for --kind gdelt, the query
        url: String,
        /// feed (default), telegram, page or gdelt
        #[arg(long, default_value = "feed", value_parser = parse_kind)]
        kind: SourceKind,
        /// GDELT: the DOC 2.0 endpoint [default: the public one]
        #[arg(long)]
        endpoint: Option<String>,
        /// Page: CSS selector of each item
        #[arg(long)]
        item: Option<String>,
        /// Page: CSS selector of the title within an item
        #[arg(long)]
        title: Option<String>,
        /// Page: CSS selector of the link within an item
        #[arg(long)]
        link: Option<String>,
        /// Page: CSS selector of the date within an item
        #[arg(long)]
        date: Option<String>,
        /// Page: strftime format of the date, when it is no usual form
        #[arg(long)]
        date_format: Option<String>,
        /// Page: IANA zone of dates written without one [default: UTC]
        #[arg(long)]
        tz: Option<String>,
        /// Page: CSS selector of the body within an item
        #[arg(long)]
        body: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// How often to poll: 15m, 1h, 90s
        #[arg(long, value_parser = parse_interval)]
        interval: Option<u32>,
        /// Language code of the source: en, ru, tg, fa, ps, uz
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        folder: Option<String>,
        /// A tag; repeat for several
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
    /// Change how a source is polled: a fixed interval, back to learning
    /// its rhythm, or priority (polled at its floor while active)
    #[command(group(clap::ArgGroup::new("change")
        .required(true)
        .multiple(true)
        .args(["interval", "adaptive", "priority", "no_priority"])))]
    Edit {
        id: i64,
        /// Poll at this fixed interval: 15m, 1h, 90s
        #[arg(long, value_parser = parse_interval, conflicts_with = "adaptive")]
        interval: Option<u32>,
        /// Drop the fixed interval: poll as often as the source publishes
        #[arg(long)]
        adaptive: bool,
        /// Poll at the source's floor while it is active
        #[arg(long, conflicts_with = "no_priority")]
        priority: bool,
        /// Back to the ordinary share of the request budget
        #[arg(long)]
        no_priority: bool,
    },
    /// List sources with their health
    List {
        #[arg(long)]
        json: bool,
    },
    /// Import sources from an OPML file (folders are kept)
    Import { file: PathBuf },
    /// Export sources as OPML (to stdout without --out)
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
    /// Remove a source; its alerted and saved articles stay
    Remove { id: i64 },
    /// Resume polling a source
    Enable { id: i64 },
    /// Stop polling a source
    Disable { id: i64 },
    /// Load the default regional source pack
    Defaults,
    /// Add a source pack by name: `telegram` (public channels of regional
    /// outlets, unverified until first read) or `default`
    AddPack { name: String },
    /// Accept a feed's move to another host: the address it redirects to
    /// for good becomes the source's address
    AcceptMove { id: i64 },
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let engine = match args.command {
        Command::List { .. } | Command::Export { .. } => ctx.read_engine()?,
        Command::Remove { .. }
        | Command::Edit { .. }
        | Command::Enable { .. }
        | Command::Disable { .. }
        | Command::AcceptMove { .. } => ctx.existing_engine()?,
        Command::Add { .. }
        | Command::Import { .. }
        | Command::Defaults
        | Command::AddPack { .. } => ctx.quiet_engine()?,
    };
    match args.command {
        Command::Add {
            url,
            kind,
            endpoint,
            item,
            title,
            link,
            date,
            date_format,
            tz,
            body,
            name,
            interval,
            lang,
            folder,
            tags,
        } => {
            let page_flags = [&item, &title, &link, &date, &date_format, &tz, &body];
            if kind != SourceKind::Page && page_flags.iter().any(|f| f.is_some()) {
                anyhow::bail!(
                    "--item, --title, --link, --date, --date-format, --tz and --body are for --kind page"
                );
            }
            if kind != SourceKind::Gdelt && endpoint.is_some() {
                anyhow::bail!("--endpoint is for --kind gdelt");
            }
            let mut settings = SourceSettings::default();
            let url = match kind {
                SourceKind::Gdelt => {
                    settings.gdelt_query = Some(url);
                    endpoint.unwrap_or_default()
                }
                SourceKind::Page => {
                    settings.page = Some(PageSelectors {
                        item: item.unwrap_or_default(),
                        title: title.unwrap_or_default(),
                        link: link.unwrap_or_default(),
                        date,
                        date_format,
                        tz,
                        body,
                    });
                    url
                }
                _ => url,
            };
            let req = NewSourceRequest {
                kind: Some(kind),
                settings,
                url,
                name,
                interval_secs: interval,
                lang,
                folder,
                tags,
            };
            let source = runtime()?.block_on(engine.add_source(req))?;
            println!(
                "added source {}: {} <{}>",
                source.id,
                safe(&source.name),
                safe(&outpost_feeds::address::redact_url(&source.url))
            );
        }
        Command::List { json } => {
            let sources = outpost_engine::moves::listed_sources(&engine)?;
            let health = outpost_engine::health::assess_sources(&engine, &sources)?;
            if json {
                print_json(&sources)?;
            } else if sources.is_empty() {
                println!("No sources yet. Add one with: outpost sources add URL");
            } else {
                let header = [
                    "id",
                    "on",
                    "name",
                    "last success",
                    "next fetch",
                    "items",
                    "last error",
                ];
                println!(
                    "{:>4}  {:<3}  {:<28}  {:<16}  {:<16}  {:>6}  {}",
                    header[0], header[1], header[2], header[3], header[4], header[5], header[6]
                );
                for s in sources {
                    let name: String = safe(&s.name).chars().take(28).collect();
                    // The health notes say shortly what is wrong and what to
                    // do; the full error stays in `--json` and the log.
                    let assessed = health.get(&s.id);
                    let mut notes: Vec<String> = assessed
                        .map(|a| a.notes.iter().map(|n| n.message.clone()).collect())
                        .unwrap_or_default();
                    if assessed.is_some_and(|a| a.unverified) {
                        notes.push("unverified".into());
                    }
                    let error = s
                        .disabled_reason
                        .clone()
                        .or_else(|| (!notes.is_empty()).then(|| notes.join("; ")))
                        .unwrap_or_default();
                    println!(
                        "{:>4}  {:<3}  {:<28}  {:<16}  {:<16}  {:>6}  {}",
                        s.id,
                        if s.enabled { "yes" } else { "no" },
                        name,
                        short_time(s.health.last_success_at),
                        short_time(s.health.next_fetch_at),
                        s.health.items_seen,
                        safe(&error)
                    );
                }
            }
        }
        Command::Import { file } => {
            let progress = ProgressLine::new("importing");
            let summary = transfer::import_opml(&engine, &file, |done, total| {
                progress.update(done as u64, total as u64, None)
            })?;
            progress.finish();
            println!(
                "imported {} sources, skipped {} already present",
                summary.added, summary.skipped
            );
            for e in &summary.errors {
                eprintln!("warning: {}", safe(e));
            }
        }
        Command::Export { out, force } => {
            let opml = transfer::export_opml(&engine)?;
            match out {
                Some(path) => {
                    transfer::write_new(&path, opml.as_bytes(), force)
                        .map_err(|e| with_force_hint(e, force))?;
                    eprintln!("wrote {}", path.display());
                }
                None => print!("{}", xml_safe(&opml)),
            }
        }
        Command::Edit {
            id,
            interval,
            adaptive,
            priority,
            no_priority,
        } => {
            let fixed = adaptive.then_some(false);
            let priority = match (priority, no_priority) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            let s = engine.set_source_schedule(id, interval, fixed, priority)?;
            let how = if s.interval_fixed {
                format!(
                    "every {} (fixed)",
                    outpost_core::schedule::human(chrono::Duration::seconds(i64::from(
                        s.interval_secs
                    )))
                )
            } else {
                "as often as it publishes".to_string()
            };
            println!(
                "source {id} is polled {how}{}",
                if s.priority { ", priority" } else { "" }
            );
        }
        Command::Remove { id } => {
            let removed = engine.remove_source(id)?;
            println!("removed source {id} ({removed} articles no longer needed were deleted)");
        }
        Command::AcceptMove { id } => {
            let source = engine.accept_move(id)?;
            println!(
                "source {id} now polls {}",
                outpost_feeds::address::redact_url(&source.url)
            );
        }
        Command::Enable { id } => {
            engine.set_source_enabled(id, true, None)?;
            println!("source {id} enabled");
        }
        Command::Disable { id } => {
            engine.set_source_enabled(id, false, Some("disabled by the analyst"))?;
            println!("source {id} disabled");
        }
        Command::Defaults => {
            let added = engine.add_default_sources()?;
            println!("added {added} default sources");
        }
        Command::AddPack { name } => {
            let added = engine.add_source_pack(&name)?;
            println!("added {added} sources of the {} pack", safe(name.trim()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_kind(s: &str) -> Result<SourceKind, String> {
    s.parse()
        .map_err(|e: outpost_core::UnknownValue| e.to_string())
}

/// OPML for a terminal: control characters other than newlines and tabs
/// become XML character references, which a terminal shows as text and an
/// OPML reader decodes to the same characters (Hardening 2, item 10).
fn xml_safe(xml: &str) -> std::borrow::Cow<'_, str> {
    let raw = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
    if !xml.chars().any(raw) {
        return xml.into();
    }
    xml.chars()
        .map(|c| {
            if raw(c) {
                format!("&#x{:x};", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// An existing output file: say how to replace it.
pub fn with_force_hint(e: outpost_engine::EngineError, force: bool) -> anyhow::Error {
    match e {
        outpost_engine::EngineError::FileExists { path } if !force => {
            anyhow::anyhow!("{path} already exists; pass --force to replace it")
        }
        other => other.into(),
    }
}
