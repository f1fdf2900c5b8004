import { describe, expect, it } from "vitest";
import { spansOf } from "../test/mock-ipc";
import type { Span } from "./bindings";
import { byteOffsetsToIndices, markTermsInDom, rangesFor, segment, spansToRanges } from "./spans";

const enc = new TextEncoder();

/** The reference conversion: decode the byte prefix and count UTF-16 units. */
function viaDecoder(text: string, byte: number): number {
  return new TextDecoder().decode(enc.encode(text).subarray(0, byte)).length;
}

describe("byte offsets to string indices", () => {
  it("matches TextDecoder on Cyrillic, Persian, Tajik and astral text", () => {
    for (const text of [
      "На таджикско-афганской границе убиты пять иностранцев",
      "کشته شدن پنج تبعه خارجی در نزدیکی مرز تاجیکستان",
      "Дар марзи Тоҷикистону Афғонистон панҷ шаҳрванди хориҷӣ",
      "Alert 🚨 near the border 🇹🇯 today",
    ]) {
      const bytes = enc.encode(text);
      // Every character boundary: where a TextEncoder prefix ends.
      const boundaries: Array<number> = [];
      let b = 0;
      for (const ch of text) {
        boundaries.push(b);
        b += enc.encode(ch).length;
      }
      boundaries.push(bytes.length);
      const got = byteOffsetsToIndices(text, boundaries);
      expect(got).toEqual(boundaries.map((x) => viaDecoder(text, x)));
    }
  });

  it("snaps an offset inside a character to its start and clamps past the end", () => {
    const text = "граница";
    // "г" is 2 bytes: offset 1 is inside it.
    expect(byteOffsetsToIndices(text, [1, 2, 3, 999])).toEqual([0, 1, 1, text.length]);
  });

  it("turns matcher spans into the right substrings", () => {
    const title = "کشته شدن پنج تبعه خارجی در نزدیکی مرز تاجیکستان";
    const spans = spansOf(title, ["مرز", "خارجی"], "title");
    // Byte offsets differ from string indices for Persian (2 bytes a letter).
    expect(spans[0]!.start).not.toBe(title.indexOf("خارجی"));
    const ranges = spansToRanges(title, spans, "title");
    expect(ranges.map((r) => title.slice(r.start, r.end))).toEqual(["خارجی", "مرز"]);
  });

  it("keeps title and body spans apart", () => {
    const text = "Граница закрыта: граница";
    const spans: Array<Span> = [
      ...spansOf(text, ["граница"], "title"),
      { field: "body", start: 0, end: 14, text: "Граница" },
    ];
    expect(spansToRanges(text, spans, "title")).toHaveLength(2);
    expect(spansToRanges(text, spans, "body")).toEqual([{ start: 0, end: 7 }]);
  });

  it("falls back to finding the span text when offsets do not fit the shown text", () => {
    const summary = "Изъято более 200 кг гашиша на участке границы.";
    const spans: Array<Span> = [{ field: "body", start: 500, end: 514, text: "границы" }];
    const r = rangesFor(summary, spans, "body");
    expect(r.map((x) => summary.slice(x.start, x.end))).toEqual(["границы"]);
  });
});

describe("segments", () => {
  it("merges overlapping ranges and rebuilds the text", () => {
    const text = "Taliban deploy forces to Badakhshan border posts";
    const parts = segment(text, [
      { start: 25, end: 35 },
      { start: 30, end: 42 },
    ]);
    expect(parts.map((p) => p.text).join("")).toBe(text);
    expect(parts.filter((p) => p.mark).map((p) => p.text)).toEqual(["Badakhshan border"]);
  });
});

describe("marking terms in sanitised HTML", () => {
  it("wraps matches in text nodes without parsing any text as HTML", () => {
    const root = document.createElement("div");
    root.innerHTML = "<p>Пограничники &lt;b&gt;границы&lt;/b&gt; и <a href='https://x.org'>граница</a></p>";
    const n = markTermsInDom(root, ["границ"]);
    expect(n).toBe(2);
    expect(root.querySelectorAll("b")).toHaveLength(0);
    expect(root.textContent).toBe("Пограничники <b>границы</b> и граница");
    expect([...root.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["границ", "границ"]);
    expect(root.querySelector("a mark")).not.toBeNull();
  });

  it("is case-insensitive for Cyrillic and leaves existing marks alone", () => {
    const root = document.createElement("div");
    root.innerHTML = "<p>ГРАНИЦА и граница</p>";
    expect(markTermsInDom(root, ["граница"])).toBe(2);
    expect(markTermsInDom(root, ["граница"])).toBe(0);
  });
});
