// Builds the cut timeline view into one self-contained HTML file (scripts and styles inlined), the form
// MCP Apps hosts load into a sandboxed iframe with no network: dist/app/cut-timeline.html.
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { viteSingleFile } from "vite-plugin-singlefile";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// zod re-exports every locale through one barrel (`z.locales`), which bundles some 300 KB of messages in
// languages the view never shows; only English is used (zod's default), so the barrel keeps just that.
function englishOnlyZod(): Plugin {
  const id = "\0zod-locales-en";
  return {
    name: "roughy-zod-locales-en",
    enforce: "pre",
    resolveId(source, importer) {
      if (source === "../locales/index.js" && importer && /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(importer)) return id;
      return null;
    },
    load(loaded) {
      return loaded === id ? `export { default as en } from "zod/v4/locales/en.js";` : null;
    },
  };
}

export default defineConfig({
  root: here("."),
  base: "./",
  logLevel: "warn",
  plugins: [englishOnlyZod(), viteSingleFile({ removeViteModuleLoader: true })],
  build: {
    outDir: process.env.ROUGHY_APP_OUT_DIR ?? here("../dist/app"),
    // dist/app also holds the compiled server side of the app (tsc): never empty it.
    emptyOutDir: false,
    target: "es2022",
    // Browsers with light-dark(): lowered for older ones, it follows the OS preference (prefers-color-scheme),
    // not the color-scheme the host's theme sets, and a dark host got the light theme's text colours.
    cssTarget: ["chrome123", "edge123", "firefox120", "safari17.5"],
    reportCompressedSize: false,
    rollupOptions: {
      input: here("cut-timeline.html"),
      // zod's sources carry /* @__PURE__ */ notes in places Rollup ignores: harmless, and not ours to fix.
      onwarn(warning, warn) {
        if (warning.code === "INVALID_ANNOTATION" && warning.id?.includes("node_modules")) return;
        warn(warning);
      },
    },
  },
});
