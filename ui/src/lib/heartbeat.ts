// The shell's one periodic check, and the only timer that runs for as long
// as the app does. It beats only while the window shows: hidden or
// minimised, no timer is pending at all, and showing the window again (or
// focusing it) beats at once. The next beat is scheduled after the last
// one finished, so a slow backend never piles calls up.

/** What the heartbeat needs of the page; the unit tests pass a fake. */
export interface Page {
  readonly visibilityState: DocumentVisibilityState;
  addEventListener(type: "visibilitychange", listener: () => void): void;
  removeEventListener(type: "visibilitychange", listener: () => void): void;
}

export interface Focus {
  addEventListener(type: "focus", listener: () => void): void;
  removeEventListener(type: "focus", listener: () => void): void;
}

/**
 * Calls `beat` now and then every `delayMs()` while `page` is visible, and
 * at once when it becomes visible or `focus` fires. Returns the stop
 * function.
 */
export function startHeartbeat(
  beat: () => Promise<void>,
  delayMs: () => number,
  page: Page = document,
  focus: Focus = window,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;
  let again = false;
  let stopped = false;

  const clear = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const schedule = () => {
    clear();
    if (!stopped && page.visibilityState !== "hidden") timer = setTimeout(run, delayMs());
  };
  const run = async () => {
    timer = null;
    if (stopped || page.visibilityState === "hidden") return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      await beat();
    } catch {
      // The beat reports its own errors; the next one tries again.
    } finally {
      inFlight = false;
    }
    if (again) {
      again = false;
      void run();
    } else {
      schedule();
    }
  };
  const wake = () => {
    clear();
    void run();
  };
  page.addEventListener("visibilitychange", wake);
  focus.addEventListener("focus", wake);
  void run();
  return () => {
    stopped = true;
    clear();
    page.removeEventListener("visibilitychange", wake);
    focus.removeEventListener("focus", wake);
  };
}
