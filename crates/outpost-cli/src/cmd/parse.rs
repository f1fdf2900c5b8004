//! `outpost parse FILE [--content-type CT] [--url URL]`: reads a feed file
//! the way a fetched feed is read and prints it as one JSON object.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The feed file (RSS, RDF, Atom or JSON Feed; any character set)
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The HTTP Content-Type the feed was served with; its charset takes
    /// precedence over the XML declaration
    #[arg(long, value_name = "CT")]
    content_type: Option<String>,

    /// The feed's URL; relative links resolve against it
    #[arg(long, value_name = "URL")]
    url: Option<String>,
}

/// Prints the parsed feed and exits 0 when anything was read (warnings are
/// in the JSON); prints `error: …` and exits 1 when nothing could be.
pub fn run(_ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let base = args
        .url
        .as_deref()
        .map(|u| {
            outpost_feeds::Url::parse(u).with_context(|| {
                format!("--url '{u}' is not an absolute URL (e.g. https://example.org/feed.xml)")
            })
        })
        .transpose()?;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    match outpost_feeds::parse(&bytes, args.content_type.as_deref(), base.as_ref()) {
        Ok(feed) => {
            let mut out = std::io::stdout().lock();
            let json = serde_json::to_string(&feed).context("writing the JSON to stdout")?;
            writeln!(out, "{}", super::json_text(&json)).context("writing the JSON to stdout")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!(
                "error: {}: {}",
                super::safe(&args.file.display().to_string()),
                super::safe(&e.to_string())
            );
            Ok(ExitCode::from(1))
        }
    }
}
