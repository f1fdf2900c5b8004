// Shared set-up for component tests: a fresh fake backend and fresh stores.
import { fireEvent } from "@testing-library/svelte";
import { resetShortcutGuard } from "../lib/keys";
import { AlertsStore } from "../lib/stores/alerts.svelte";
import { app } from "../lib/stores/app.svelte";
import { installMockBackend, type MockBackend, type MockOptions } from "./mock-ipc";

export function fresh(opts: MockOptions = {}): { mock: MockBackend; store: AlertsStore } {
  app.reset();
  resetShortcutGuard();
  const mock = installMockBackend({ now: new Date(), ...opts });
  return { mock, store: new AlertsStore() };
}

/** Presses a single-key shortcut the way the window sees it. */
export async function press(key: string, target: Window | Element = window): Promise<void> {
  await fireEvent.keyDown(target, { key });
}

export function callsOf(mock: MockBackend, cmd: string): Array<Record<string, unknown>> {
  return mock.calls.filter((c) => c.cmd === cmd).map((c) => c.args ?? {});
}
