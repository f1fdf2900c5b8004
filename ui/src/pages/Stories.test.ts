import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../App.svelte";
import { callsOf, fresh } from "../test/helpers";

// Issue 14, section 2: the analyst splits a wrongly joined report out of its
// story, and joins two stories, from the reader.
describe("Stories in the reader", () => {
  it("splits a report out of its story and joins two stories", async () => {
    const { mock, store } = fresh({ alerts: 120 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(store.groups.length).toBeGreaterThan(5));
    const multi = store.groups.find((g) => g.members.length > 1)!;
    expect(multi).toBeDefined();
    const story = multi.lead.story_id!;
    const before = store.groups.length;
    await store.open(store.groups.indexOf(multi));
    const outsider = multi.members[multi.members.length - 1]!;

    // Split: the report leaves the story and becomes a row of its own.
    await fireEvent.click(await screen.findByTestId(`story-split-${outsider.article_id}`));
    expect(callsOf(mock, "split_story_article")).toEqual([{ article: outsider.article_id }]);
    await waitFor(() => expect(store.groups.length).toBe(before + 1));
    const apart = store.groups.find((g) => g.members.some((m) => m.id === outsider.id))!;
    expect(apart.lead.story_id).not.toBe(story);
    expect(apart.members).toHaveLength(1);

    // Join: pick the split-out story, open the first story, join them back.
    await store.open(store.groups.indexOf(apart));
    await fireEvent.click(await screen.findByTestId("story-pick"));
    expect(store.joinFrom?.story).toBe(apart.lead.story_id);
    await store.open(store.groups.findIndex((g) => g.lead.story_id === story));
    const join = await screen.findByTestId("story-join");
    expect(join.textContent).toContain(outsider.title);
    await fireEvent.click(join);
    expect(callsOf(mock, "join_stories")).toEqual([{ keep: story, other: apart.lead.story_id }]);
    await waitFor(() => expect(store.groups.length).toBe(before));
    expect(store.joinFrom).toBeNull();
    const joined = store.groups.find((g) => g.lead.story_id === story)!;
    expect(joined.members.map((m) => m.id)).toContain(outsider.id);
  });
});
