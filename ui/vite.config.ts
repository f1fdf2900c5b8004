import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Node's `process` is there when Vite loads this file; declared here so the
// UI does not need the whole of @types/node for one variable.
declare const process: { env: Record<string, string | undefined> };

// Vitest 5's reporter calls Map.groupBy (Node 21+); the project's machines run
// Node 20, where a failing test would otherwise crash the report. This file is
// loaded in the main process before any reporting, so the shim lives here.
const MapWithGroupBy = Map as unknown as { groupBy?: unknown };
if (typeof MapWithGroupBy.groupBy !== "function") {
  MapWithGroupBy.groupBy = <K, V>(items: Iterable<V>, key: (v: V, i: number) => K): Map<K, Array<V>> => {
    const out = new Map<K, Array<V>>();
    let i = 0;
    for (const v of items) {
      const k = key(v, i++);
      const list = out.get(k);
      if (list) list.push(v);
      else out.set(k, [v]);
    }
    return out;
  };
}

// The app is served from the embedded bundle (no dev server in tests), so the
// build must be self-contained: no remote assets, no inline scripts. Only
// index.html is an entry: preview.html (the mock-backed dev page) is served by
// the dev server and never built into dist/.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.ts"],
  },
});
