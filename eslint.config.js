// Lint config: typescript-eslint's recommended rules, plus the architecture the type checker cannot see:
// client and sandbox never import each other; no import cycle anywhere in src/ (dynamic import() included);
// and each folder of the MCP half imports only the layers below it (LAYERS).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

// Lowest first. A folder may import from the folders listed before it, never after: vocabulary is the leaf
// every part shares; operations is what tools and jobs both do with the client; server wires it all up and
// http serves it remotely. media-tools (which ffmpeg/ffprobe run) and secrets.ts (what to redact) are leaves
// like vocabulary: files, server and http use them, and the sandbox uses media-tools too. client and sandbox
// stand apart (rules below), cli.ts sits on top.
const LAYERS = [
  ["vocabulary", "media-tools", "secrets.ts"],
  ["files", "progress"],
  ["operations"],
  ["jobs"],
  ["tools"],
  ["prompts"],
  ["resources"],
  ["app"],
  ["server"],
  ["http"],
];

/** import-x/no-restricted-paths zones: each layer's folders against every folder in a higher layer. */
function layerZones() {
  const zones = [];
  LAYERS.forEach((layer, i) => {
    const higher = LAYERS.slice(i + 1).flat();
    for (const folder of layer) {
      for (const above of higher) {
        zones.push({ target: `./src/${folder}`, from: `./src/${above}`, message: `src/${folder} sits below src/${above} (LAYERS in eslint.config.js).` });
      }
    }
  });
  // Files and progress reach no backend but through their callers.
  // The leaves import nothing else of ours.
  for (const leaf of ["vocabulary", "media-tools", "secrets.ts"]) {
    for (const other of ["client", "sandbox", "vocabulary", "media-tools", "secrets.ts", "exports"]) {
      if (other !== leaf) zones.push({ target: `./src/${leaf}`, from: `./src/${other}`, message: `src/${leaf} is a leaf: it imports nothing else of ours.` });
    }
  }
  zones.push({ target: "./src/files", from: "./src/sandbox", message: "Files never reach a backend." });
  return zones;
}

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "test/fixtures/", ".cache/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", AbortController: "readonly", AbortSignal: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", structuredClone: "readonly", performance: "readonly", setImmediate: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
      // no-cycle follows the imports of each imported file, which it must parse as TypeScript too.
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/extensions": [".ts", ".js"],
    },
    rules: {
      // Dynamic import() counts: a lazily loaded cycle is still a cycle.
      "import-x/no-cycle": ["error", { allowUnsafeDynamicCyclicDependency: false }],
      "import-x/no-restricted-paths": ["error", { zones: layerZones() }],
    },
  },
  {
    files: ["src/client/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/sandbox/**", "**/sandbox", "**/media-tools/**", "**/media-tools"], message: "The client never imports the sandbox or the media tools." }, { group: ["@modelcontextprotocol/*"], message: "The client is a library of its own, free of MCP." }] }],
    },
  },
  {
    files: ["src/sandbox/**/*.ts"],
    rules: {
      // Known: lifecycle.ts <-> workers.ts. The sandbox has its own owners; drop this line once it is gone.
      "import-x/no-cycle": "off",
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/client/**", "**/client"], message: "The sandbox never imports the client: each reads the contract on its own." }] }],
    },
  },
  {
    files: ["src/media-tools/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["../*", "!./*"], message: "src/media-tools is a leaf: it imports nothing else of ours." }] }],
    },
  },
  {
    files: ["src/tools/**/*.ts", "src/resources/**/*.ts", "src/progress/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/sandbox/**", "**/sandbox"], message: "Tools and resources reach any backend only through the client." }] }],
    },
  },
);
