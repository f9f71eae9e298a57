// A minimal Vite build of the test app. Nothing is loaded from elsewhere at run time except what
// Tencent's kit itself links to (avatars, emoji), which the test blocks and reports.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 10_000,
    rollupOptions: {
      onwarn(warning, warn) {
        // Tencent's component library marks its modules "use client" for React servers; a
        // browser bundle has no use for it.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
});
