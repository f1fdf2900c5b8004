import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Node's `process` is there when Vite loads this file; declared here so the
// UI does not need the whole of @types/node for one variable.
declare const process: { env: Record<string, string | undefined> };

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
    include: ["src/**/*.test.ts"],
    benchmark: { include: ["bench/**/*.bench.ts"] },
  },
});
