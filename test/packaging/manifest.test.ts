// The MCP bundle manifest (.mcpb), checked with the bundle tool's own validation and its own variable
// substitution, so that what a desktop host does with the manifest is what we test.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import {
  getMcpConfigForManifest,
  MANIFEST_SCHEMAS,
  LATEST_MANIFEST_VERSION,
  validateManifest,
} from "@anthropic-ai/mcpb/node";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MANIFEST_PATH = path.join(ROOT, "manifest.json");

type UserConfigOption = { type: string; sensitive?: boolean; required?: boolean; default?: unknown };
type Manifest = {
  manifest_version: string;
  name: string;
  version: string;
  server: { type: string; entry_point: string; mcp_config: { command: string; args: string[]; env: Record<string, string> } };
  user_config: Record<string, UserConfigOption>;
  compatibility?: { runtimes?: { node?: string } };
};

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

const manifest = readJson<Manifest>(MANIFEST_PATH);
const pkg = readJson<{ name: string; version: string; bin: Record<string, string> }>(path.join(ROOT, "package.json"));

// The host's substitution, as the bundle tool implements it.
async function resolvedConfig(userConfig: Record<string, unknown>) {
  return getMcpConfigForManifest({
    manifest: manifest as never,
    extensionPath: "/ext/roughy",
    systemDirs: { HOME: "/home/u", DESKTOP: "/home/u/Desktop", DOCUMENTS: "/home/u/Documents", DOWNLOADS: "/home/u/Downloads" },
    userConfig: userConfig as never,
    pathSeparator: "/",
  });
}

describe("manifest.json (MCP bundle)", () => {
  it("passes the bundle tool's validation (what `mcpb validate` runs)", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      expect(validateManifest(MANIFEST_PATH)).toBe(true);
    } finally {
      log.mockRestore();
    }
  });

  it("parses with the strict schema of its manifest_version, a version the installed tool knows", () => {
    const versions = Object.keys(MANIFEST_SCHEMAS);
    expect(versions).toContain(manifest.manifest_version);
    // 0.4 only adds the Python "uv" server type and is marked experimental; a node bundle stays on 0.3.
    expect(Number(manifest.manifest_version)).toBeLessThanOrEqual(Number(LATEST_MANIFEST_VERSION));
    const schema = MANIFEST_SCHEMAS[manifest.manifest_version as keyof typeof MANIFEST_SCHEMAS];
    const result = schema.safeParse(manifest);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it("is rejected by the same schema when a user_config option is malformed (the check is live)", () => {
    const schema = MANIFEST_SCHEMAS[manifest.manifest_version as keyof typeof MANIFEST_SCHEMAS];
    const broken = structuredClone(manifest) as unknown as { user_config: Record<string, Record<string, unknown>> };
    delete broken.user_config.api_key!.title;
    expect(schema.safeParse(broken).success).toBe(false);
    const unknownKey = { ...structuredClone(manifest), server_typo: true };
    expect(schema.safeParse(unknownKey).success).toBe(false);
  });

  it("agrees with package.json: name, version, entry point", () => {
    expect(manifest.name).toBe(pkg.name);
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.server.type).toBe("node");
    expect(manifest.server.entry_point).toBe(pkg.bin["roughy-mcp"]);
    expect(manifest.server.mcp_config.command).toBe("node");
    expect(manifest.server.mcp_config.args).toEqual([`\${__dirname}/${manifest.server.entry_point}`]);
  });

  it("marks the API key sensitive and optional, and every user_config option is wired to the server", () => {
    const apiKey = manifest.user_config.api_key;
    expect(apiKey).toMatchObject({ type: "string", sensitive: true, required: false });
    const wiring = JSON.stringify(manifest.server.mcp_config);
    for (const key of Object.keys(manifest.user_config)) expect(wiring).toContain(`\${user_config.${key}}`);
    for (const match of wiring.matchAll(/\$\{user_config\.([^}]+)\}/g)) {
      expect(Object.keys(manifest.user_config)).toContain(match[1]);
    }
    expect(manifest.server.mcp_config.env.ROUGHY_API_KEY).toBe("${user_config.api_key}");
  });

  it("resolves, with nothing configured, to an empty key (the sandbox) and never to a literal placeholder", async () => {
    const config = await resolvedConfig({});
    expect(config).toBeDefined();
    expect(config!.args).toEqual(["/ext/roughy/dist/cli.js"]);
    expect(config!.env?.ROUGHY_API_KEY).toBe("");
    expect(config!.env?.ROUGHY_BASE_URL).toBe("");
    // A default is not itself substituted (a "${HOME}" default would reach the server verbatim), so every
    // optional option defaults to "" and the server treats an empty variable as unset.
    expect(config!.env?.ROUGHY_ALLOWED_DIRS).toBe("");
    expect(JSON.stringify(config)).not.toContain("${");
  });

  it("resolves the user's key, base URL and folder into the server's environment", async () => {
    const config = await resolvedConfig({
      api_key: "sk_test_abc",
      base_url: "https://roughy-api-staging.fly.dev",
      allowed_directories: "/media/footage",
    });
    expect(config!.env).toEqual({
      ROUGHY_API_KEY: "sk_test_abc",
      ROUGHY_BASE_URL: "https://roughy-api-staging.fly.dev",
      ROUGHY_ALLOWED_DIRS: "/media/footage",
    });
  });
});
