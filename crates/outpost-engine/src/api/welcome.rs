//! The first run's Welcome screen: what a freshly seeded archive offers
//! (region packs, languages, example watchlists) and the analyst's choice.
//! The packs are the folders of the sources the archive was seeded with, so
//! a pack added to the defaults shows up without a change here.

use std::collections::BTreeMap;

use super::*;

/// The settings key that records the Welcome screen was answered.
const WELCOME_DONE_KEY: &str = "welcome_done";

/// Sources of one folder of the default set ("Tajikistan", "Afghanistan").
#[derive(Debug, Clone, Serialize, TS)]
pub struct SourcePack {
    /// The folder name, which is also the pack's name.
    pub id: String,
    pub sources: u32,
    /// The languages of its sources, sorted.
    pub langs: Vec<String>,
}

/// A language the seeded sources are written in, with how many.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LangChoice {
    pub lang: String,
    pub sources: u32,
}

/// An example watchlist the archive starts with.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExampleWatchlist {
    pub id: WatchlistId,
    pub name: String,
    pub query: String,
}

/// What the Welcome screen offers; `needed` is false once it was answered,
/// and for an archive that was not seeded (`--no-seed`, or an old archive).
#[derive(Debug, Clone, Serialize, TS)]
pub struct WelcomeOffer {
    pub needed: bool,
    pub packs: Vec<SourcePack>,
    pub langs: Vec<LangChoice>,
    pub watchlists: Vec<ExampleWatchlist>,
}

/// The analyst's choice: the packs, languages and example watchlists to
/// keep. A source is kept when both its pack and its language are chosen.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct WelcomeChoice {
    pub packs: Vec<String>,
    pub langs: Vec<String>,
    pub watchlists: Vec<WatchlistId>,
}

/// The folder a source without one is grouped under.
const NO_FOLDER: &str = "Other";

pub fn welcome(engine: &Engine) -> Result<WelcomeOffer> {
    let store = engine.store();
    // (The guard is held for the reads below only; nothing here calls back
    // into the engine.)
    let needed = store.is_seeded()? && store.get_setting(WELCOME_DONE_KEY)?.is_none();
    if !needed {
        return Ok(WelcomeOffer {
            needed,
            packs: vec![],
            langs: vec![],
            watchlists: vec![],
        });
    }
    let mut packs: BTreeMap<String, SourcePack> = BTreeMap::new();
    let mut langs: BTreeMap<String, u32> = BTreeMap::new();
    for s in store.list_sources()? {
        let folder = s.folder.clone().unwrap_or_else(|| NO_FOLDER.to_string());
        let pack = packs.entry(folder.clone()).or_insert_with(|| SourcePack {
            id: folder,
            sources: 0,
            langs: vec![],
        });
        pack.sources += 1;
        if let Some(l) = &s.lang {
            if !pack.langs.contains(l) {
                pack.langs.push(l.clone());
                pack.langs.sort();
            }
            *langs.entry(l.clone()).or_default() += 1;
        }
    }
    Ok(WelcomeOffer {
        needed,
        packs: packs.into_values().collect(),
        langs: langs
            .into_iter()
            .map(|(lang, sources)| LangChoice { lang, sources })
            .collect(),
        watchlists: store
            .list_watchlists()?
            .into_iter()
            .map(|w| ExampleWatchlist {
                id: w.id,
                name: w.name,
                query: w.query,
            })
            .collect(),
    })
}

/// Removes what was not chosen and records that the screen was answered.
/// Returns how many sources were kept.
pub fn apply_welcome(engine: &Engine, choice: WelcomeChoice) -> Result<u32> {
    // Lists first, each under a short lock: removing a source goes through
    // the engine, which takes the store's lock itself.
    let sources = engine.store().list_sources()?;
    let watchlists = engine.store().list_watchlists()?;
    let mut kept = 0;
    for s in sources {
        let folder = s.folder.as_deref().unwrap_or(NO_FOLDER);
        let lang_ok = s.lang.as_ref().is_none_or(|l| choice.langs.contains(l));
        if choice.packs.iter().any(|p| p == folder) && lang_ok {
            kept += 1;
        } else {
            engine.remove_source(s.id)?;
        }
    }
    for w in watchlists {
        if !choice.watchlists.contains(&w.id) {
            let now = engine.now();
            engine.store().remove_watchlist(w.id, now)?;
        }
    }
    engine.store().set_setting(WELCOME_DONE_KEY, "1")?;
    Ok(kept)
}
