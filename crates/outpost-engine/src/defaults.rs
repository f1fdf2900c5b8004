//! What a fresh archive starts with: the regional source pack (from
//! `outpost-feeds`) and example watchlists written as an analyst would.

use outpost_core::{NewWatchlist, Severity};

/// Example watchlists for the Tajik–Afghan border and the region. Each query
/// spells the event in the languages it is reported in: English, Russian,
/// Tajik and Dari.
pub fn example_watchlists() -> Vec<NewWatchlist> {
    let w = |name: &str, severity, color: &str, query: &str| NewWatchlist {
        name: name.to_string(),
        query: query.to_string(),
        severity,
        notify: true,
        scope_sources: vec![],
        scope_langs: vec![],
        color: Some(color.to_string()),
    };
    vec![
        w(
            "Tajik–Afghan border",
            Severity::High,
            "#d9822b",
            concat!(
                r#""Tajik-Afghan border" OR "Afghan-Tajik border" OR (Tajik* NEAR/3 Afghan*) "#,
                r#"OR (таджикско-афганск* NEAR/2 границ*) OR (границ* NEAR/5 Афганистан*) "#,
                r#"OR (сарҳад* NEAR/4 Афғонистон*) OR (مرز* NEAR/4 تاجیکستان)"#
            ),
        ),
        w(
            "Attacks on foreign nationals",
            Severity::Critical,
            "#c23030",
            concat!(
                r#"(attack* OR killed OR kill OR gunmen OR shot OR ambush* OR kidnap*) NEAR/8 "#,
                r#"(foreigner* OR "foreign nationals" OR Chinese OR tourist* OR cyclist*) "#,
                r#"OR ((нападени* OR убит* OR обстрел* OR похищ*) NEAR/8 (иностран* OR китайск* OR турист*))"#
            ),
        ),
        w(
            "Russian and CSTO deployments",
            Severity::Medium,
            "#2b6cb0",
            concat!(
                r#"CSTO OR ОДКБ OR "201st base" OR "201-я база" OR "201-й базы" "#,
                r#"OR (Russian NEAR/3 (troops OR base OR deployment OR exercises)) "#,
                r#"OR (российск* NEAR/3 (военн* OR баз* OR учени*))"#
            ),
        ),
        w(
            "Dushanbe–Kabul diplomacy",
            Severity::Medium,
            "#2f855a",
            concat!(
                r#"(Dushanbe NEAR/10 Kabul) OR (Tajikistan NEAR/6 Taliban) "#,
                r#"OR (Душанбе NEAR/10 Кабул*) OR (Таджикистан* NEAR/6 талиб*) "#,
                r#"OR (Тоҷикистон NEAR/6 Толибон)"#
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use outpost_core::matcher::{Document, Matcher};
    use outpost_core::query::Query;

    fn matcher() -> Matcher {
        Matcher::new(example_watchlists().iter().enumerate().map(|(i, w)| {
            (
                i as i64 + 1,
                Query::parse(&w.query).unwrap_or_else(|e| panic!("{}: {e}", w.name)),
            )
        }))
    }

    fn hits(title: &str, body: &str) -> Vec<i64> {
        let doc = Document {
            title,
            body,
            lang: None,
            source: None,
        };
        let mut ids: Vec<i64> = matcher()
            .match_document(&doc)
            .into_iter()
            .map(|h| h.watchlist)
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn every_example_parses_and_catches_its_story() {
        assert_eq!(hits("Clashes on the Tajik–Afghan border", ""), vec![1]);
        assert_eq!(
            hits("Перестрелка на таджикско-афганской границе", ""),
            vec![1]
        );
        assert_eq!(
            hits("Ситуация на границе с Афганистаном обострилась", ""),
            vec![1]
        );
        assert_eq!(
            hits("Gunmen kill five Chinese workers in Badakhshan", ""),
            vec![2]
        );
        assert_eq!(hits("ОДКБ проведет учения", ""), vec![3]);
        assert_eq!(hits("Tajikistan hosts Taliban delegation", ""), vec![4]);
        assert_eq!(
            hits("Uzbekistan opens a new rail terminal in Termez", ""),
            Vec::<i64>::new()
        );
    }
}
