//! OPML import and export, including files written the way other readers
//! write them, and a round trip.

use outpost_feeds::opml::{OpmlEntry, read_opml, write_opml};

#[test]
fn round_trip_keeps_folders_titles_and_urls() {
    let entries = vec![
        OpmlEntry {
            url: "https://asiaplustj.info/ru/rss".into(),
            title: Some("Asia-Plus".into()),
            html_url: Some("https://asiaplustj.info/".into()),
            folder: vec!["Region".into(), "Tajikistan".into()],
        },
        OpmlEntry {
            url: "https://tolonews.com/rss.xml?a=1&b=2".into(),
            title: Some("TOLOnews <English> & \"more\"".into()),
            html_url: None,
            folder: vec!["Region".into(), "Afghanistan".into()],
        },
        OpmlEntry {
            url: "https://eurasianet.org/rss".into(),
            title: Some("Eurasianet".into()),
            html_url: None,
            folder: vec!["Region".into()],
        },
        OpmlEntry {
            url: "https://news.un.org/feed/rss.xml".into(),
            title: Some("UN News".into()),
            html_url: None,
            folder: vec![],
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
    assert_eq!(entries[0].folder, vec!["Afghanistan".to_string()]);
    assert_eq!(entries[0].title.as_deref(), Some("Khaama Press"));
    assert_eq!(entries[1].title.as_deref(), Some("Kun.uz"));
    assert!(entries[1].folder.is_empty());
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
            folder: vec![s.folder.clone()],
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
