#!/usr/bin/env python3
"""Writes N RSS 2.0 feeds of M items each, the same bytes on every run.

The feeds imitate the regional press Outpost watches: titles and
descriptions in English, Russian, Tajik, Dari/Persian, Pashto and Uzbek,
HTML in the descriptions, RFC 822 dates, and about one item in thirty that
the benchmark's "Border" watchlist matches. Feed i is served at
http://127.0.0.1:{base_port + i % sites}/feeds/{i:05d}.xml, so the feeds
are spread over `sites` origins as a real source list is spread over many
websites (the fetchers limit concurrency per origin).

Outputs, in OUT (default bench/out/poll):
  feeds/NNNNN.xml  the feeds
  feeds.opml       every feed, foldered by language (for `outpost sources import`)
  urls.txt         every feed URL, one a line (for `newsboat -u`)
"""

import argparse
import email.utils
import os
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape, quoteattr

# The newest item of every feed is published here; older items step back.
EPOCH = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)

PLACES = {
    "en": ["Panj", "Khorog", "Ishkashim", "Darvaz", "Shurobod", "Kunduz", "Badakhshan", "Takhar",
           "Dushanbe", "Kulob", "Rushan", "Mazar-i-Sharif"],
    "ru": ["Пяндж", "Хорог", "Ишкашим", "Дарваз", "Шуробод", "Кундуз", "Бадахшан", "Тахар",
           "Душанбе", "Куляб"],
    "tg": ["Панҷ", "Хоруғ", "Ишкошим", "Дарвоз", "Шуроб", "Кундуз", "Бадахшон", "Кӯлоб"],
    "fa": ["پنج", "خاروغ", "اشکاشم", "درواز", "کندز", "بدخشان", "تخار", "شیرخان بندر"],
    "ps": ["پنج", "کندز", "بدخشان", "تخار", "شیرخان بندر", "خواهان"],
    "uz": ["Termiz", "Hayraton", "Surxondaryo", "Denov", "Sherobod", "Qumqo'rg'on"],
}

# Ordinary news, matched by nothing in the benchmark's watchlist.
TITLES = {
    "en": [
        "Officials in {p} report {n} new cases of seasonal flu",
        "{p} farmers expect a late cotton harvest after {n} days of rain",
        "Road between {p} and the capital reopens after {n}-hour closure",
        "Regional governor visits {p} to open {n} new schools",
        "Electricity exports resume as {n} MW line to {p} is repaired",
        "Customs post at {p} processes {n} trucks in a week",
        "Drought threatens wheat crop around {p}, agency warns",
        "Uzbek and Kyrgyz delegations discuss water sharing in {p}",
    ],
    "ru": [
        "В {p} зафиксировано {n} случаев сезонного гриппа",
        "Дорогу на {p} открыли после {n}-часового перекрытия",
        "Губернатор посетил {p} и открыл {n} новых школ",
        "Засуха угрожает урожаю пшеницы в районе {p}",
        "Таможенный пост {p} за неделю оформил {n} грузовиков",
        "Экспорт электроэнергии возобновлён: линия на {p} отремонтирована",
    ],
    "tg": [
        "Дар {p} {n} ҳолати зуком ба қайд гирифта шуд",
        "Роҳи {p} пас аз {n} соат боз карда шуд",
        "Раиси вилоят дар {p} {n} мактаби навро ифтитоҳ кард",
        "Хушксолӣ ба ҳосили гандум дар {p} таҳдид мекунад",
    ],
    "fa": [
        "مقامات در {p} از {n} مورد جدید آنفلوانزا خبر دادند",
        "جاده {p} پس از {n} ساعت بازگشایی شد",
        "خشکسالی محصول گندم در {p} را تهدید می‌کند",
        "گمرک {p} در یک هفته {n} کامیون را ترخیص کرد",
    ],
    "ps": [
        "په {p} کې د زکام {n} نوې پېښې ثبت شوې",
        "د {p} سړک له {n} ساعتونو وروسته پرانیستل شو",
        "وچکالي د {p} د غنمو حاصل ګواښي",
    ],
    "uz": [
        "{p}da {n} ta yangi gripp holati qayd etildi",
        "{p} yo'li {n} soatlik yopilishdan so'ng ochildi",
        "Qurg'oqchilik {p} atrofidagi bug'doy hosiliga tahdid solmoqda",
        "{p} bojxona posti bir haftada {n} ta yuk mashinasini rasmiylashtirdi",
    ],
}

# News the watchlist '"Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)'
# matches; only English, since the query is written in English.
BORDER_TITLES = [
    "Clashes reported on the Tajik-Afghan border near {p}",
    "Tajik-Afghan border crossing at {p} closed for {n} days",
    "Tajik and Afghan officials meet in {p} over border security",
    "Tajik guards detain {n} Afghan nationals near {p}",
]

SENTENCES = {
    "en": [
        "Local residents said the situation in {p} remained calm on {d}.",
        "The ministry did not respond to a request for comment.",
        "According to the regional administration, {n} people were affected.",
        "Observers say the decision could affect trade in the coming months.",
        "A spokesperson promised a full report within {n} days.",
        "Prices at the {p} bazaar rose by about {n} percent over the month.",
    ],
    "ru": [
        "По словам местных жителей, обстановка в {p} остаётся спокойной.",
        "В министерстве на запрос не ответили.",
        "По данным администрации района, пострадали {n} человек.",
        "Наблюдатели считают, что решение скажется на торговле.",
        "Цены на рынке {p} за месяц выросли примерно на {n} процентов.",
    ],
    "tg": [
        "Сокинони {p} мегӯянд, ки вазъ ором аст.",
        "Вазорат ба дархости мо посух надод.",
        "Ба гуфтаи маъмурияти ноҳия, {n} нафар осеб диданд.",
        "Нархҳо дар бозори {p} тақрибан {n} фоиз боло рафтанд.",
    ],
    "fa": [
        "ساکنان محلی می‌گویند وضعیت در {p} آرام است.",
        "وزارت به درخواست اظهار نظر پاسخ نداد.",
        "به گفته اداره محلی، {n} نفر آسیب دیدند.",
        "قیمت‌ها در بازار {p} حدود {n} درصد افزایش یافت.",
    ],
    "ps": [
        "سیمه ییزو اوسېدونکو وویل چې په {p} کې وضعیت ارام دی.",
        "وزارت د نظر غوښتنې ته ځواب ورنکړ.",
        "د ولسوالۍ د ادارې په وینا، {n} کسان اغېزمن شوي.",
    ],
    "uz": [
        "Mahalliy aholining aytishicha, {p}dagi vaziyat tinch.",
        "Vazirlik izoh so'roviga javob bermadi.",
        "Tuman hokimligi ma'lumotlariga ko'ra, {n} kishi jabrlangan.",
        "{p} bozorida narxlar bir oyda taxminan {n} foizga oshdi.",
    ],
}

FEED_NAMES = {
    "en": "Frontier Monitor",
    "ru": "Вести Памира",
    "tg": "Хабарҳои Хатлон",
    "fa": "خبرگزاری بدخشان",
    "ps": "د کندز خبرونه",
    "uz": "Surxon Axborot",
}
LANGS = list(FEED_NAMES)
# One item in BORDER_EVERY (in English feeds, which are a sixth of all
# feeds) is border news; in other languages a few English wire items carry it.
BORDER_EVERY = 6


def feed_url(i, base_port, sites):
    return f"http://127.0.0.1:{base_port + i % sites}/feeds/{i:05d}.xml"


def fill(rng, template, lang):
    return template.format(
        p=rng.choice(PLACES[lang]),
        n=rng.randint(2, 400),
        d=f"{rng.randint(1, 28)} November",
    )


def item(rng, feed, k, lang, link_base):
    border = rng.randrange(BORDER_EVERY if lang == "en" else BORDER_EVERY * 6) == 0
    if border:
        title = fill(rng, rng.choice(BORDER_TITLES), "en")
        text_lang = "en"
    else:
        title = fill(rng, rng.choice(TITLES[lang]), lang)
        text_lang = lang
    paras = []
    for _ in range(rng.randint(2, 4)):
        pool = SENTENCES[text_lang]
        sents = [fill(rng, t, text_lang) for t in rng.sample(pool, rng.randint(2, min(4, len(pool))))]
        paras.append("<p>" + escape(" ".join(sents)) + "</p>")
    if border:
        paras.insert(0, "<p><strong>" + escape(fill(rng, rng.choice(BORDER_TITLES), "en"))
                     + "</strong></p>")
    desc = "".join(paras)
    published = EPOCH - timedelta(hours=feed % 24, minutes=k * 47 + rng.randint(0, 40))
    link = f"{link_base}/{feed:05d}/{k:04d}.html"
    return (
        "<item>"
        f"<title>{escape(title)}</title>"
        f"<link>{escape(link)}</link>"
        f'<guid isPermaLink="false">bench-{feed:05d}-{k:04d}</guid>'
        f"<pubDate>{email.utils.format_datetime(published)}</pubDate>"
        f"<description>{escape(desc)}</description>"
        "</item>\n"
    )


def feed_xml(i, items, lang, url):
    rng = random.Random(f"outpost-poll-bench/{i}")
    link_base = url.rsplit("/feeds/", 1)[0] + "/articles"
    title = f"{FEED_NAMES[lang]} {i:05d}"
    body = "".join(item(rng, i, k, lang, link_base) for k in range(items))
    newest = email.utils.format_datetime(EPOCH - timedelta(hours=i % 24))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0"><channel>\n'
        f"<title>{escape(title)}</title>"
        f"<link>{escape(link_base)}</link>"
        f"<description>{escape(title)}</description>"
        f"<language>{lang}</language>"
        f"<lastBuildDate>{newest}</lastBuildDate>\n"
        f"{body}"
        "</channel></rss>\n"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("feeds", type=int, nargs="?", default=1000)
    ap.add_argument("items", type=int, nargs="?", default=50)
    ap.add_argument("--out", default="bench/out/poll")
    ap.add_argument("--base-port", type=int, default=18700)
    ap.add_argument("--sites", type=int, default=0,
                    help="how many origins (ports) to spread the feeds over [default: feeds/10]")
    a = ap.parse_args()
    if a.feeds < 1 or a.items < 1:
        sys.exit("gen.py: feeds and items must be at least 1")
    sites = a.sites or max(1, a.feeds // 10)
    feeds_dir = os.path.join(a.out, "feeds")
    # A smaller run after a bigger one must not leave extra feeds behind.
    shutil.rmtree(feeds_dir, ignore_errors=True)
    os.makedirs(feeds_dir)
    opml = {lang: [] for lang in LANGS}
    urls = []
    total_bytes = 0
    for i in range(a.feeds):
        lang = LANGS[i % len(LANGS)]
        url = feed_url(i, a.base_port, sites)
        xml = feed_xml(i, a.items, lang, url).encode()
        total_bytes += len(xml)
        with open(os.path.join(feeds_dir, f"{i:05d}.xml"), "wb") as f:
            f.write(xml)
        urls.append(url)
        opml[lang].append(
            f'      <outline type="rss" text={quoteattr(f"{FEED_NAMES[lang]} {i:05d}")} '
            f'xmlUrl={quoteattr(url)}/>\n'
        )
    with open(os.path.join(a.out, "urls.txt"), "w") as f:
        f.write("".join(u + "\n" for u in urls))
    with open(os.path.join(a.out, "feeds.opml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
                "  <head><title>Outpost poll benchmark</title></head>\n  <body>\n")
        for lang, outlines in opml.items():
            if outlines:
                f.write(f'    <outline text="bench-{lang}">\n{"".join(outlines)}    </outline>\n')
        f.write("  </body>\n</opml>\n")
    print(f"gen.py: {a.feeds} feeds x {a.items} items over {sites} origins, "
          f"{total_bytes / 1e6:.1f} MB of XML in {feeds_dir}")


if __name__ == "__main__":
    main()
