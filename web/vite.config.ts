// Builds the home page, the console and the chat client into dist/, which the tincan binary embeds.
// File names carry no content hash so that a rebuild of unchanged sources changes nothing in
// dist/ (it is committed); the server gives each file an entity tag instead.
// The chat client is an app of TIM's Web SDK, the package in packages/tincan-chat: `tincan-chat`
// names its TypeScript sources, which are built into chat.js with the client, so that building
// the pages needs no step in the package (tsconfig.json's `paths` says the same to tsc).
import { resolve } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/web/",
  resolve: {
    alias: {
      "tincan-chat": resolve(import.meta.dirname, "../packages/tincan-chat/src/index.ts"),
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      input: {
        home: resolve(import.meta.dirname, "index.html"),
        console: resolve(import.meta.dirname, "console.html"),
        chat: resolve(import.meta.dirname, "chat.html"),
      },
      output: {
        entryFileNames: "assets/[name].js",
        chunkFileNames: "assets/[name].js",
        assetFileNames: "assets/[name][extname]",
      },
    },
  },
});
