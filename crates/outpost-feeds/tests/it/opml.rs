//! OPML import and export, including files written the way other readers
//! write them, and a round trip.

use outpost_feeds::opml::{MAX_FOLDER_DEPTH, OpmlEntry, OpmlError, read_opml, write_opml};

#[test]
fn round_trip_keeps_folders_titles_and_urls() {
    let entries = vec![
        OpmlEntry {
            url: "https://asiaplustj.info/ru/rss".into(),
            title: Some("Asia-Plus".into()),
            html_url: Some("https://asiaplustj.info/".into()),
            folder: Some("Region/Tajikistan".into()),
            ..OpmlEntry::default()
        },
        OpmlEntry {
            url: "https://tolonews.com/rss.xml?a=1&b=2".into(),
            title: Some("TOLOnews <English> & \"more\"".into()),
            html_url: None,
            folder: Some("Region/Afghanistan".into()),
            ..OpmlEntry::default()
        },
        OpmlEntry {
            url: "https://eurasianet.org/rss".into(),
            title: Some("Eurasianet".into()),
            html_url: None,
            folder: Some("Region".into()),
            ..OpmlEntry::default()
        },
        OpmlEntry {
            url: "https://news.un.org/feed/rss.xml".into(),
            title: Some("UN News".into()),
            html_url: None,
            folder: None,
            ..OpmlEntry::default()
        },
    ];
    let xml = write_opml("Outpost sources", &entries).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(
        xml.contains("xmlUrl=\"https://tolonews.com/rss.xml?a=1&amp;b=2\""),
        "{xml}"
    );
    let back = read_opml(xml.as_bytes()).unwrap();
    assert_eq!(back, entries);
    // One folder outline per distinct folder, not one per feed.
    assert_eq!(xml.matches("text=\"Region\"").count(), 1, "{xml}");
}

#[test]
fn reads_what_other_readers_export() {
    // Feedly/Inoreader style: folders with text and title, type="rss",
    // a BOM, comments and OPML 1.0.
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(
        br#"<?xml version="1.0" encoding="UTF-8"?>
<!-- exported -->
<opml version="1.0">
  <head><title>Feeds</title><dateCreated>Tue, 05 Mar 2024 09:05:00 GMT</dateCreated></head>
  <body>
    <outline text="Afghanistan" title="Afghanistan">
      <outline type="rss" text="Khaama Press" title="Khaama Press" xmlUrl="https://www.khaama.com/feed/" htmlUrl="https://www.khaama.com"/>
    </outline>
    <outline type="rss" text="Kun.uz" xmlUrl="https://kun.uz/news/rss"/>
  </body>
</opml>"#,
    );
    let entries = read_opml(&bytes).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].folder.as_deref(), Some("Afghanistan"));
    assert_eq!(entries[0].title.as_deref(), Some("Khaama Press"));
    assert_eq!(entries[1].title.as_deref(), Some("Kun.uz"));
    assert_eq!(entries[1].folder, None);
}

#[test]
fn exported_opml_is_read_back_by_the_default_pack_round_trip() {
    let pack = outpost_feeds::defaults::default_sources();
    let entries: Vec<OpmlEntry> = pack
        .iter()
        .map(|s| OpmlEntry {
            url: s.url.to_string(),
            title: Some(s.name.clone()),
            html_url: None,
            folder: Some(s.folder.clone()),
            ..OpmlEntry::default()
        })
        .collect();
    let xml = write_opml("Default pack", &entries).unwrap();
    assert_eq!(read_opml(xml.as_bytes()).unwrap(), entries);
}

#[test]
fn broken_opml_says_what_is_wrong() {
    let err = read_opml(b"<opml version=\"2.0\"><body><outline").unwrap_err();
    assert!(err.to_string().starts_with("the file is not OPML"), "{err}");
}

// Hardening 2, smaller ones: the OPML round trip lost interval, language
// and tags, re-enabled disabled sources, and split a folder named `A/B`.
#[test]
fn round_trip_keeps_interval_language_tags_disabled_and_slashed_folders() {
    let entries = vec![
        OpmlEntry {
            url: "https://example.tj/a.xml".into(),
            title: Some("A".into()),
            folder: Some("A/B".into()),
            interval_secs: Some(3600),
            language: Some("tg".into()),
            tags: vec!["border".into(), "a, b".into()],
            disabled: true,
            ..OpmlEntry::default()
        },
        OpmlEntry {
            url: "https://example.tj/b.xml".into(),
            title: Some("B".into()),
            folder: Some("A".into()),
            ..OpmlEntry::default()
        },
    ];
    let xml = write_opml("Outpost sources", &entries).unwrap();
    assert!(xml.contains("outpost:interval=\"3600\""), "{xml}");
    assert!(xml.contains("xmlns:outpost="), "{xml}");
    assert_eq!(read_opml(xml.as_bytes()).unwrap(), entries);
    // Other readers still see nested folders: A holds B's outline and feed b.
    assert_eq!(xml.matches("text=\"A\"").count(), 2, "{xml}");
}

// Hardening 2, item 4: 10,000 levels of nested outlines crashed the import
// (a recursive reader overflowed the stack). Past the bound the file is
// refused with a sentence; at the bound it is read.
#[test]
fn outline_nesting_is_bounded() {
    let nest = |n: usize| {
        format!(
            "<opml version=\"2.0\"><body>{}<outline text=\"f\" xmlUrl=\"https://e.tj/f\"/>{}</body></opml>",
            "<outline text=\"x\">".repeat(n),
            "</outline>".repeat(n)
        )
    };
    let at = read_opml(nest(MAX_FOLDER_DEPTH - 1).as_bytes()).unwrap();
    assert_eq!(
        at[0].folder.as_deref().unwrap().split('/').count(),
        MAX_FOLDER_DEPTH - 1
    );
    for n in [MAX_FOLDER_DEPTH, 10_000, 100_000] {
        let err = read_opml(nest(n).as_bytes()).unwrap_err();
        assert!(matches!(err, OpmlError::TooDeep), "{n}: {err}");
        assert!(err.to_string().contains("levels deep"), "{err}");
    }
}

// Hardening 2, item 4: `sources add --folder` with 30,000 levels wrote an
// OPML that import could not read. The engine now refuses such a folder;
// one already in an archive is exported so that import can read the file
// (and reports that entry's folder with a sentence).
#[test]
fn a_folder_past_the_bound_is_written_so_that_import_can_read_it() {
    let deep = vec!["x"; 30_000].join("/");
    let err = outpost_feeds::opml::check_folder(&deep).unwrap_err();
    assert!(err.contains("30000 levels"), "{err}");
    let entries = vec![OpmlEntry {
        url: "https://e.tj/f".into(),
        title: Some("F".into()),
        folder: Some(deep),
        ..OpmlEntry::default()
    }];
    let xml = write_opml("t", &entries).unwrap();
    // Readable: the nesting stops at the bound, the name is whole.
    assert_eq!(read_opml(xml.as_bytes()).unwrap(), entries);
    let ok = vec!["x"; MAX_FOLDER_DEPTH - 1].join("/");
    let entries = vec![OpmlEntry {
        url: "https://e.tj/f".into(),
        title: Some("F".into()),
        folder: Some(ok),
        ..OpmlEntry::default()
    }];
    let xml = write_opml("t", &entries).unwrap();
    assert_eq!(read_opml(xml.as_bytes()).unwrap(), entries);
}
