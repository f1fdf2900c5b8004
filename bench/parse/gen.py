#!/usr/bin/env python3
"""Writes N feeds of M items each, deterministically, for the parse benchmark.

The mix is what Outpost polls: RSS 2.0 (some in windows-1251), Atom 1.0 and
RSS 1.0, with HTML descriptions, entities, dates and links.
Usage: gen.py OUT_DIR N M
"""
import random
import sys
from pathlib import Path
from xml.sax.saxutils import escape

WORDS_EN = "border guards crossing Tajik Afghan province district clash village road aid convoy river Panj Khorog Kabul Dushanbe security officials reported".split()
WORDS_RU = "граница пограничники переход таджикско-афганской провинция район столкновение село дорога помощь колонна река Пяндж Хорог Кабул Душанбе".split()


def sentence(rng, words, n):
    return " ".join(rng.choice(words) for _ in range(n)).capitalize()


def rss2(rng, i, m, words):
    items = []
    for j in range(m):
        title = sentence(rng, words, 8)
        body = f"<p>{sentence(rng, words, 30)} &amp; <b>{sentence(rng, words, 5)}</b></p><p><a href=\"/news/{i}/{j}/more\">more</a> <img src=\"img/{j}.jpg\"></p>"
        day = 1 + (j % 28)
        items.append(
            f"<item><title>{escape(title)}</title><link>https://news{i}.example.tj/news/{j}</link>"
            f"<guid isPermaLink=\"false\">n{i}-{j}</guid><description>{escape(body)}</description>"
            f"<pubDate>Tue, {day:02d} Mar 2024 09:{j % 60:02d}:00 +0500</pubDate><author>desk@news{i}.example.tj (Desk)</author></item>"
        )
    return (
        f"<rss version=\"2.0\"><channel><title>News {i}</title><link>https://news{i}.example.tj/</link>"
        f"<description>Feed {i}</description><language>ru</language>{''.join(items)}</channel></rss>"
    )


def atom(rng, i, m, words):
    entries = []
    for j in range(m):
        title = sentence(rng, words, 8)
        body = f"<p>{sentence(rng, words, 30)}</p><p><em>{sentence(rng, words, 6)}</em></p>"
        entries.append(
            f"<entry><title type=\"text\">{escape(title)}</title><link rel=\"alternate\" href=\"https://atom{i}.example.af/p/{j}\"/>"
            f"<id>tag:atom{i}.example.af,2024:{j}</id><updated>2024-03-{1 + j % 28:02d}T09:{j % 60:02d}:00Z</updated>"
            f"<published>2024-03-{1 + j % 28:02d}T08:00:00+04:30</published><author><name>Reporter {j % 7}</name></author>"
            f"<summary type=\"html\">{escape(body)}</summary></entry>"
        )
    return (
        f"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom {i}</title><id>tag:atom{i}.example.af,2024:feed</id>"
        f"<updated>2024-03-05T09:05:00Z</updated><link rel=\"alternate\" href=\"https://atom{i}.example.af/\"/>{''.join(entries)}</feed>"
    )


def rdf(rng, i, m, words):
    items = []
    for j in range(m):
        items.append(
            f"<item rdf:about=\"https://rdf{i}.example.uz/{j}\"><title>{escape(sentence(rng, words, 8))}</title>"
            f"<link>https://rdf{i}.example.uz/{j}</link><description>{escape(sentence(rng, words, 30))}</description>"
            f"<dc:date>2024-03-{1 + j % 28:02d}T09:00:00+05:00</dc:date></item>"
        )
    return (
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        f"<channel rdf:about=\"https://rdf{i}.example.uz/\"><title>RDF {i}</title><link>https://rdf{i}.example.uz/</link>"
        f"<description>RDF feed</description></channel>{''.join(items)}</rdf:RDF>"
    )


def main():
    out, n, m = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("feed-*.xml"):
        old.unlink()
    rng = random.Random(20240305)
    for i in range(n):
        kind = i % 4
        words = WORDS_RU if i % 2 == 0 else WORDS_EN
        if kind == 0:
            doc, enc = rss2(rng, i, m, words), "windows-1251"
        elif kind == 1:
            doc, enc = rss2(rng, i, m, words), "utf-8"
        elif kind == 2:
            doc, enc = atom(rng, i, m, words), "utf-8"
        else:
            doc, enc = rdf(rng, i, m, words), "utf-8"
        data = f"<?xml version=\"1.0\" encoding=\"{enc}\"?>\n{doc}\n".encode(enc)
        (out / f"feed-{i:04d}.xml").write_bytes(data)


if __name__ == "__main__":
    main()
