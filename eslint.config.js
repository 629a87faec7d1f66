// Lint config: typescript-eslint's recommended rules, plus a guard for the one architectural rule
// that the type checker cannot see (client and sandbox never import each other).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
    files: ["src/client/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/sandbox/**", "**/sandbox", "**/media-tools/**", "**/media-tools"], message: "The client never imports the sandbox or the media tools." }, { group: ["@modelcontextprotocol/*"], message: "The client is a library of its own, free of MCP." }] }],
    },
  },
  {
    files: ["src/sandbox/**/*.ts"],
    rules: {
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
