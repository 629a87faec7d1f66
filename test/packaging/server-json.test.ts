// server.json for the official MCP registry. No installed package ships the registry's JSON schema, so this
// is a structural check written from server.schema.json (2025-12-11, modelcontextprotocol/registry,
// docs/reference/server-json) and its official-registry requirements, plus the cross-checks the registry
// makes at publish time (npm package's mcpName must equal the server name).

import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

// A version range is rejected by the registry; so is "latest" for a package.
const VERSION_RANGE = /^[\^~<>=]|\.x($|\.)|\*|\s-\s|\|\|/;
const exactVersion = z
  .string()
  .min(1)
  .max(255)
  .refine((v) => !VERSION_RANGE.test(v), "must be an exact version, not a range");

const input = z.object({
  description: z.string().optional(),
  isRequired: z.boolean().optional(),
  isSecret: z.boolean().optional(),
  format: z.enum(["string", "number", "boolean", "filepath"]).optional(),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  value: z.string().optional(),
  choices: z.array(z.string()).optional(),
});
const keyValueInput = input.extend({ name: z.string().min(1) });
const argument = z.union([
  input.extend({ type: z.literal("positional"), valueHint: z.string().optional(), isRepeated: z.boolean().optional() })
    .refine((a) => a.value !== undefined || a.valueHint !== undefined, "positional needs value or valueHint"),
  input.extend({ type: z.literal("named"), name: z.string().min(1), isRepeated: z.boolean().optional() }),
]);
const urlTemplate = z.string().regex(/^(https?:\/\/\S+|\{[a-zA-Z_][a-zA-Z0-9_]*\}\S*)$/);
const localTransport = z.union([
  z.object({ type: z.literal("stdio") }),
  z.object({ type: z.literal("streamable-http"), url: urlTemplate, headers: z.array(keyValueInput).optional() }),
  z.object({ type: z.literal("sse"), url: urlTemplate, headers: z.array(keyValueInput).optional() }),
]);
const packageSchema = z.object({
  registryType: z.string().min(1),
  registryBaseUrl: z.url().optional(),
  identifier: z.string().min(1),
  version: exactVersion.refine((v) => v !== "latest", "must not be 'latest'").optional(),
  fileSha256: z.string().regex(/^[a-f0-9]{64}$/).optional(),
  runtimeHint: z.string().optional(),
  runtimeArguments: z.array(argument).optional(),
  packageArguments: z.array(argument).optional(),
  environmentVariables: z.array(keyValueInput).optional(),
  transport: localTransport,
});
const serverSchema = z.object({
  $schema: z.url().optional(),
  name: z.string().min(3).max(200).regex(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/),
  title: z.string().min(1).max(100).optional(),
  description: z.string().min(1).max(100),
  version: exactVersion,
  websiteUrl: z.url().optional(),
  repository: z.object({ url: z.url(), source: z.string().min(1), id: z.string().optional(), subfolder: z.string().optional() }).optional(),
  packages: z.array(packageSchema).optional(),
  remotes: z.array(z.unknown()).optional(),
  icons: z.array(z.object({ src: z.url(), mimeType: z.string().optional(), sizes: z.array(z.string()).optional() })).optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});

type Server = z.infer<typeof serverSchema>;

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));
}

function sourceText(dir: string): string {
  let text = "";
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) text += sourceText(full);
    else if (entry.endsWith(".ts") && !entry.endsWith(".test.ts")) text += readFileSync(full, "utf8");
  }
  return text;
}

const raw = readJson("server.json");
const pkg = readJson("package.json") as { name: string; version: string; mcpName?: string };

describe("server.json (official MCP registry)", () => {
  it("has the registry's shape", () => {
    const result = serverSchema.safeParse(raw);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect((raw as Server).$schema).toBe(SCHEMA_URL);
  });

  it("the structural check rejects what the registry rejects", () => {
    const server = raw as Server;
    const bad: unknown[] = [
      { ...server, name: "roughy-mcp" }, // no namespace
      { ...server, description: "x".repeat(101) },
      { ...server, version: "^0.1.0" },
      { ...server, packages: [{ ...server.packages![0], version: "latest" }] },
      { ...server, packages: [{ ...server.packages![0], transport: { type: "websocket" } }] },
    ];
    for (const candidate of bad) expect(serverSchema.safeParse(candidate).success).toBe(false);
  });

  it("names the npm package as package.json does (mcpName proves ownership at publish)", () => {
    const server = raw as Server;
    expect(pkg.mcpName).toBe(server.name);
    expect(server.name.startsWith("io.github.")).toBe(true);
    expect(server.version).toBe(pkg.version);
    const npm = server.packages!.find((p) => p.registryType === "npm");
    expect(npm).toBeDefined();
    expect(npm!.identifier).toBe(pkg.name);
    expect(npm!.version).toBe(pkg.version);
    expect(npm!.registryBaseUrl).toBe("https://registry.npmjs.org");
    expect(npm!.transport).toEqual({ type: "stdio" });
  });

  it("declares the key secret and optional, and only variables that the server reads", () => {
    const vars = (raw as Server).packages![0]!.environmentVariables ?? [];
    const key = vars.find((v) => v.name === "ROUGHY_API_KEY");
    expect(key).toMatchObject({ isSecret: true, isRequired: false });
    for (const v of vars) if (v.name !== "ROUGHY_API_KEY") expect(v.isSecret ?? false).toBe(false);
    const src = sourceText(path.join(ROOT, "src"));
    const unread = vars.map((v) => v.name).filter((name) => !src.includes(name));
    expect(unread, "variables that nothing in src/ reads").toEqual([]);
  });

  it("offers the same settings as the bundle manifest", () => {
    const manifest = readJson("manifest.json") as { server: { mcp_config: { env: Record<string, string> } } };
    const names = ((raw as Server).packages![0]!.environmentVariables ?? []).map((v) => v.name).sort();
    expect(Object.keys(manifest.server.mcp_config.env).sort()).toEqual(names);
  });
});
