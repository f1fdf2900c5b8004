import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { app } from "../lib/stores/app.svelte";
import { callsOf, fresh } from "../test/helpers";
import Saved from "./Saved.svelte";

describe("Saved page", () => {
  it("exports the selected saved alerts in the chosen format", async () => {
    const { mock } = fresh({ alerts: 200 });
    const saved = mock.alerts.filter((a) => a.state === "saved");
    expect(saved.length).toBeGreaterThan(2);
    render(Saved);
    await waitFor(() => expect(screen.getByTestId("saved-table")).toBeTruthy());
    expect(screen.getByTestId("saved-count").textContent).toContain(`${saved.length} saved`);
    await fireEvent.click(screen.getByTestId(`saved-check-${saved[0]!.id}`));
    await fireEvent.click(screen.getByTestId(`saved-check-${saved[2]!.id}`));
    await fireEvent.change(screen.getByTestId("export-format"), { target: { value: "md" } });
    expect(screen.getByTestId("export-button").textContent).toContain("Export 2 selected");
    await fireEvent.click(screen.getByTestId("export-button"));
    await waitFor(() => expect(callsOf(mock, "export_alerts")).toHaveLength(1));
    expect(callsOf(mock, "export_alerts")[0]!.req).toEqual({
      format: "md",
      path: "/home/analyst/outpost-export/outpost-saved.md",
      alert_ids: [saved[0]!.id, saved[2]!.id],
    });
    await waitFor(() => expect(app.notice?.message).toBe("Exported 2 alerts to /home/analyst/outpost-export/outpost-saved.md."));
  });

  it("exports all saved alerts when none is selected", async () => {
    const { mock } = fresh({ alerts: 100 });
    render(Saved);
    await waitFor(() => expect(screen.getByTestId("saved-table")).toBeTruthy());
    await fireEvent.click(screen.getByTestId("export-button"));
    await waitFor(() => expect(callsOf(mock, "export_alerts")).toHaveLength(1));
    expect((callsOf(mock, "export_alerts")[0]!.req as { alert_ids: unknown }).alert_ids).toBeNull();
  });

  it("has a clear empty state", async () => {
    fresh({ alerts: 0 });
    render(Saved);
    expect((await screen.findByTestId("saved-empty")).textContent).toContain("Nothing saved yet");
  });
});
