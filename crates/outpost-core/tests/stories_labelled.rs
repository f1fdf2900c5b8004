//! Story joining measured on a labelled set: events each reported 2–4
//! times in English, Russian, Tajik, Dari and Uzbek, and unrelated reports
//! naming the same places (`tests/data/stories_labelled.txt`). The reports
//! go through the story index in time order as the engine places them; a
//! pair of reports is joined when they end in one story.
//!
//! Run `cargo test -p outpost-core --test stories_labelled -- --nocapture`
//! for the figures.

use chrono::{Duration, TimeZone, Utc};
use outpost_core::story::{self, StoryCandidate, StoryIndex};

struct Report {
    event: String,
    lang: String,
    hours: i64,
    title: String,
    lead: String,
}

fn reports() -> Vec<Report> {
    let text = include_str!("data/stories_labelled.txt");
    let mut event = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(id) = line.strip_prefix("== ") {
            event = id.to_string();
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, " | ").collect();
        let [head, title, lead] = parts[..] else {
            panic!("a report line is 'LANG HOURS | TITLE | LEAD': {line}")
        };
        let (lang, hours) = head.split_once(' ').expect("LANG HOURS");
        out.push(Report {
            event: event.clone(),
            lang: lang.to_string(),
            hours: hours.trim().parse().expect("HOURS is a number"),
            title: title.to_string(),
            lead: lead.to_string(),
        });
    }
    out
}

/// The story each report ends in, placed in time order as the engine does.
fn place(reports: &[Report]) -> Vec<i64> {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 14, 6, 0, 0).unwrap();
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&i| reports[i].hours);
    let mut index = StoryIndex::default();
    let mut story_of = vec![0; reports.len()];
    for i in order {
        let r = &reports[i];
        let at = t0 + Duration::hours(r.hours);
        let sig = story::signature(&r.title, &r.lead);
        story_of[i] = match index.assign(&sig, at, story::default_window()) {
            Some(id) => {
                index.joined(id, at);
                id
            }
            None => {
                let id = index.len() as i64 + 1;
                index.push(StoryCandidate {
                    id,
                    signature: sig,
                    last_seen: at,
                });
                id
            }
        };
    }
    story_of
}

fn keys(r: &Report) -> Vec<String> {
    story::signature(&r.title, &r.lead).keys
}

#[test]
fn reports_of_one_event_join_across_languages_and_others_stay_apart() {
    let reports = reports();
    let events: std::collections::BTreeSet<&str> = reports
        .iter()
        .filter(|r| r.event.starts_with('E'))
        .map(|r| r.event.as_str())
        .collect();
    let langs: std::collections::BTreeSet<&str> = reports.iter().map(|r| r.lang.as_str()).collect();
    assert!(events.len() >= 30, "the set needs at least 30 events");
    assert!(langs.len() >= 5, "the set needs five languages: {langs:?}");

    let story = place(&reports);
    let (mut same, mut same_joined, mut diff, mut diff_joined) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for i in 0..reports.len() {
        for j in i + 1..reports.len() {
            let joined = story[i] == story[j];
            if reports[i].event == reports[j].event {
                same += 1;
                same_joined += usize::from(joined);
                if !joined {
                    misses.push(format!(
                        "apart: {} [{}] {:?} / [{}] {:?}",
                        reports[i].event,
                        reports[i].lang,
                        keys(&reports[i]),
                        reports[j].lang,
                        keys(&reports[j])
                    ));
                }
            } else {
                diff += 1;
                diff_joined += usize::from(joined);
                if joined {
                    misses.push(format!(
                        "joined: {} {} / {} {}",
                        reports[i].event, reports[i].title, reports[j].event, reports[j].title
                    ));
                }
            }
        }
    }
    let same_rate = same_joined as f64 / same as f64;
    let diff_rate = diff_joined as f64 / diff as f64;
    println!(
        "stories_labelled: {} reports, {} events; same-event pairs joined {same_joined}/{same} = {:.1}%; \
         different-event pairs joined {diff_joined}/{diff} = {:.2}%",
        reports.len(),
        events.len(),
        same_rate * 100.0,
        diff_rate * 100.0
    );
    for m in &misses {
        println!("  {m}");
    }
    assert!(same_rate >= 0.90, "same-event pairs joined: {same_rate:.3}");
    assert!(
        diff_rate <= 0.02,
        "different-event pairs joined: {diff_rate:.4}"
    );
}
