//! The gazetteer: the region's places, people and organisations, each with
//! its names in every script Outpost reads.
//!
//! The data is `crates/outpost-core/data/gazetteer.tsv`, built by
//! `scripts/gazetteer/build.py` from GeoNames (CC BY 4.0, see
//! `crates/outpost-core/data/GEONAMES-LICENSE.md`) and curated rows (districts, rivers, border
//! crossings, people, organisations). It is compiled into the binary and
//! parsed once, on first use.
//!
//! * [`lookup`]`(normalised) -> Option<&Entry>` — the first entity with that
//!   name; [`lookup_all`] every one (`panj` is a town, a district and a
//!   river). The argument is a name normalised by
//!   [`crate::normalize::normalize`] (`хоруғ`, `khorog`, `amu darya`).
//! * [`Entry`]: a stable `id` (`geonames:1221328`, `river:panj`,
//!   `org:csto`), its [`Kind`], ISO country code, every name as written, the
//!   names that are also ordinary words or common names (`ambiguous`: `پنج`
//!   is "five") and the `context` words that make those count.
//! * [`country`]`(code)` — the country's entry, whose `context` holds the
//!   prefixes that name it or its people in each script (`tajik*`,
//!   `таджик*`, `тоҷик*`, `تاجیک*`).
//!
//! Watchlist variants ([`crate::variants`]) and story joining read it.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::normalize::normalize;

/// What an entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Country,
    Region,
    Province,
    District,
    Place,
    River,
    Area,
    Crossing,
    Person,
    Org,
}

impl Kind {
    fn parse(s: &str) -> Kind {
        match s {
            "country" => Kind::Country,
            "region" => Kind::Region,
            "province" => Kind::Province,
            "district" => Kind::District,
            "river" => Kind::River,
            "area" => Kind::Area,
            "crossing" => Kind::Crossing,
            "person" => Kind::Person,
            "org" => Kind::Org,
            _ => Kind::Place,
        }
    }

    pub fn is_place(self) -> bool {
        !matches!(self, Kind::Person | Kind::Org)
    }
}

/// One entity of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable across rebuilds: `geonames:<id>` for GeoNames places, else
    /// `<kind>:<name>`.
    pub id: String,
    pub kind: Kind,
    /// ISO 3166 alpha-2, empty for organisations of no one country.
    pub country: String,
    /// Every name as written, the primary one first.
    pub names: Vec<String>,
    /// Normalised names that are also ordinary words or common names.
    pub ambiguous: Vec<String>,
    /// Normalised words, and prefixes ending in `*`, that make an ambiguous
    /// name count when the text has one of them.
    pub context: Vec<String>,
    /// Whether the row was curated (its names are all true variants) rather
    /// than taken from GeoNames alone (whose alternate names include old and
    /// unrelated names).
    pub curated: bool,
}

impl Entry {
    /// The normalised forms of every name.
    pub fn normalised_names(&self) -> impl Iterator<Item = String> + '_ {
        self.names
            .iter()
            .map(|n| normalize(n))
            .filter(|n| !n.is_empty())
    }

    pub fn is_ambiguous(&self, normalised: &str) -> bool {
        self.ambiguous.iter().any(|a| a == normalised)
    }
}

struct Gazetteer {
    entries: Vec<Entry>,
    by_name: HashMap<String, Vec<u32>>,
    by_id: HashMap<String, u32>,
    /// Every ambiguous name, also as typed with Russian letters.
    ambiguous: std::collections::HashSet<String>,
}

static DATA: &str = include_str!("../data/gazetteer.tsv");

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| parse(DATA));

fn parse(data: &str) -> Gazetteer {
    let mut entries = Vec::new();
    for line in data.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let col = |i: usize| cols.get(i).copied().unwrap_or("");
        let list = |s: &str| -> Vec<String> {
            s.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        let id = col(0).to_string();
        entries.push(Entry {
            curated: !id.starts_with("geonames:") || !col(4).is_empty() || !col(5).is_empty(),
            kind: Kind::parse(col(1)),
            country: col(2).to_string(),
            names: list(col(3)),
            ambiguous: list(col(4)).iter().map(|a| normalize(a)).collect(),
            context: list(col(5))
                .iter()
                .map(|c| match c.strip_suffix('*') {
                    Some(stem) => format!("{}*", normalize(stem)),
                    None => normalize(c),
                })
                .collect(),
            id,
        });
    }
    let mut by_name: HashMap<String, Vec<u32>> = HashMap::new();
    let mut by_id = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        by_id.insert(entry.id.clone(), i as u32);
        for name in entry.normalised_names() {
            let list = by_name.entry(name).or_default();
            if !list.contains(&(i as u32)) {
                list.push(i as u32);
            }
        }
    }
    // Curated entries first: their names are all true variants.
    for list in by_name.values_mut() {
        list.sort_by_key(|&i| (!entries[i as usize].curated, i));
    }
    let ambiguous = entries
        .iter()
        .flat_map(|e| e.ambiguous.iter())
        .flat_map(|a| [a.clone(), crate::variants::fold_tajik(a)])
        .collect();
    Gazetteer {
        entries,
        by_name,
        by_id,
        ambiguous,
    }
}

/// The first entity (curated ones first) with this normalised name.
pub fn lookup(normalised: &str) -> Option<&'static Entry> {
    lookup_all(normalised).into_iter().next()
}

/// Every entity with this normalised name.
pub fn lookup_all(normalised: &str) -> Vec<&'static Entry> {
    let g = &*GAZETTEER;
    g.by_name
        .get(normalised)
        .map(|list| list.iter().map(|&i| &g.entries[i as usize]).collect())
        .unwrap_or_default()
}

/// The entity with this id.
pub fn get(id: &str) -> Option<&'static Entry> {
    let g = &*GAZETTEER;
    g.by_id.get(id).map(|&i| &g.entries[i as usize])
}

/// The country's entry (`TJ`, `AF` …).
pub fn country(code: &str) -> Option<&'static Entry> {
    get(&format!("country:{code}"))
}

/// Whether a normalised name is some entity's ambiguous name (an ordinary
/// word or common name), as written or typed with Russian letters.
pub fn is_ambiguous_name(normalised: &str) -> bool {
    GAZETTEER.ambiguous.contains(normalised)
}

/// Every entity.
pub fn entries() -> &'static [Entry] {
    &GAZETTEER.entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_every_script_reach_one_entity() {
        let khorog = lookup("khorog").expect("Khorog is in the gazetteer");
        assert_eq!(khorog.id, "geonames:1221328");
        assert_eq!(khorog.country, "TJ");
        for name in ["хоруғ", "хорог", "khorugh", "خاروغ"] {
            assert!(lookup_all(name).contains(&khorog), "{name}");
        }
        let kulob = lookup("kulob").unwrap();
        assert!(kulob.names.iter().any(|n| n == "Куляб"));
        let csto = lookup("одкб").unwrap();
        assert_eq!(csto.id, "org:csto");
        assert_eq!(csto.kind, Kind::Org);
        assert!(lookup_all("panj").len() >= 2);
        assert!(lookup("پنج").unwrap().is_ambiguous("پنج"));
        assert!(
            country("TJ")
                .unwrap()
                .context
                .iter()
                .any(|c| c == "таджик*")
        );
        assert!(lookup("amu darya").is_some());
    }

    #[test]
    fn the_data_stays_modest() {
        assert!(DATA.len() < 400 * 1024, "{} bytes", DATA.len());
        assert!(entries().len() > 500);
    }
}
