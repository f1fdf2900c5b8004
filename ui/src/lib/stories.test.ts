import { describe, expect, it } from "vitest";
import { MockBackend } from "../test/mock-ipc";
import type { AlertRow } from "./bindings";
import { StoryGrouper, groupAlerts } from "./stories";

function row(id: number, story: number | null, source: string, storySources = 1): AlertRow {
  return {
    id,
    watchlist_id: 1,
    watchlist_name: "Border incidents",
    severity: "high",
    color: "#d9480f",
    article_id: 100 + id,
    title: `Alert ${id}`,
    url: null,
    source_name: source,
    lang: "en",
    published: null,
    created_at: "2026-11-26T10:00:00Z",
    state: "new",
    saved: false,
    story_id: story,
    story_sources: storySources,
    awaiting_confirmation: null,
    note: null,
    tags: [],
  };
}

describe("story grouping", () => {
  it("folds alerts of one story into the newest, counting distinct sources", () => {
    const groups = groupAlerts([row(5, 9, "Asia-Plus"), row(4, null, "TOLOnews"), row(3, 9, "BBC Persian"), row(2, 9, "Asia-Plus")]);
    expect(groups.map((g) => g.lead.id)).toEqual([5, 4]);
    expect(groups[0]!.members.map((m) => m.id)).toEqual([5, 3, 2]);
    expect(groups[0]!.sources).toBe(2);
    expect(groups[1]!.sources).toBe(1);
  });

  it("trusts the backend's story_sources when the other reports are not loaded", () => {
    expect(groupAlerts([row(1, 3, "Eurasianet", 4)])[0]!.sources).toBe(4);
  });

  it("puts a live alert of a known story on top with its group", () => {
    const g = new StoryGrouper();
    g.add([row(5, null, "A"), row(4, 7, "B")]);
    g.prepend([row(6, 7, "C")]);
    expect(g.groups.map((x) => x.lead.id)).toEqual([6, 5]);
    expect(g.groups[0]!.sources).toBe(2);
  });

  it("the fake backend's data contains multi-source stories", () => {
    const m = new MockBackend({ alerts: 200 });
    expect(groupAlerts(m.alerts).some((g) => g.sources > 1)).toBe(true);
  });
});
