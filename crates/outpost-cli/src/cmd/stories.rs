//! `outpost stories split|join`: the analyst's corrections of story joining,
//! the same use cases as the reader's buttons.

use std::process::ExitCode;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Take a wrongly joined report (an article id) out of its story
    Split { article: i64 },
    /// Join the second story into the first
    Join { keep: i64, other: i64 },
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let engine = ctx.quiet_engine()?;
    match args.cmd {
        Cmd::Split { article } => {
            let story = outpost_engine::api::split_story_article(&engine, article)?;
            println!("article {article} is now alone in story {story}");
        }
        Cmd::Join { keep, other } => {
            outpost_engine::api::join_stories(&engine, keep, other)?;
            println!("story {other} joined into story {keep}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
