// Vite builds the app into graph/static/web (committed; `learnql serve` serves it at /). LEARNQL_WEB_OUT builds
// elsewhere (tests/graph/test_web_bundle.py rebuilds into a temporary folder and compares). `npm run dev` serves
// the source with hot reload and proxies /graphql (HTTP and WebSocket) to a `learnql serve` at LEARNQL_API
// (http://127.0.0.1:8000 by default).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const api = process.env.LEARNQL_API ?? "http://127.0.0.1:8000";
const outDir = process.env.LEARNQL_WEB_OUT ?? fileURLToPath(new URL("../../graph/static/web", import.meta.url));

export default defineConfig({
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    modulePreload: { polyfill: false }, // no inline script: the page's CSP allows scripts from 'self' only
    assetsInlineLimit: 0,
  },
  server: {
    fs: { allow: [".", "../typescript/src"] },
    proxy: { "/graphql": { target: api, ws: true, changeOrigin: false } },
  },
});
