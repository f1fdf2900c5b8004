//! The analyst's corrections of story joining: split a wrongly joined report
//! out of its story, and join two stories that are one event.

use outpost_core::{ArticleId, StoryId, story};
use outpost_store::NewStory;

use crate::engine::Engine;
use crate::error::{EngineError, Result};

/// Takes an article out of its story into a story of its own, with its
/// alerts; returns the new story. A later report may join either story as
/// usual.
pub fn split_story_article(engine: &Engine, article_id: ArticleId) -> Result<StoryId> {
    let store = engine.store();
    let article = store.get_article(article_id)?;
    let Some(current) = article.story_id else {
        return Err(EngineError::invalid(format!(
            "article {article_id} is in no story; only a report of a story can be split out of it"
        )));
    };
    if store.get_story(current)?.article_count < 2 {
        return Err(EngineError::invalid(format!(
            "article {article_id} is the only report of its story; there is nothing to split it from"
        )));
    }
    let body = if article.text.trim().is_empty() {
        &article.summary
    } else {
        &article.text
    };
    let sig = story::signature(&article.title, body);
    Ok(store.split_article(
        article_id,
        &NewStory {
            first_seen: article.published.unwrap_or(article.fetched_at),
            title: article.title.clone(),
            simhash: sig.simhash,
            tokens: sig.keys,
        },
    )?)
}

/// Joins story `other` into story `keep`: one story, whose notification
/// memory is the higher of the two per watchlist, so the join itself never
/// notifies. Returns `keep`.
pub fn join_stories(engine: &Engine, keep: StoryId, other: StoryId) -> Result<StoryId> {
    if keep == other {
        return Err(EngineError::invalid(format!(
            "story {keep} cannot be joined with itself; pick two different stories"
        )));
    }
    engine.store().join_stories(keep, other)?;
    Ok(keep)
}
