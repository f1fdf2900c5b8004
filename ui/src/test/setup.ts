// jsdom lacks a few browser APIs the UI touches; minimal stand-ins keep the
// components honest without pretending to lay anything out.
if (!Element.prototype.scrollIntoView) {
  Element.prototype.scrollIntoView = function scrollIntoView() {};
}

// Svelte's bind:clientHeight observes size changes; jsdom has no layout, so
// there is nothing to observe and the list falls back to a default height.
if (!("ResizeObserver" in globalThis)) {
  class NoLayoutResizeObserver {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = NoLayoutResizeObserver;
}
