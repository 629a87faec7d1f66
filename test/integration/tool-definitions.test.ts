// The tool list as a client sees it: file, key and tool name agree (create-cut.ts -> create_cut), every
// tool sets all four annotations and a short description, and the whole tools/list answer stays small
// enough to leave an agent's context for the work (at most 14 KB with the output schemas, about 3,600 tokens),
// with input schemas inside what every model provider accepts. The app-only tools (cut_timeline, listed only to
// hosts with MCP Apps and kept out of the model's list there) are held to the same rules.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { TOOLS } from "../../src/tools/index.js";
import { APP_TOOLS } from "../../src/app/register-app.js";
import { connect, type Connected } from "../helpers/mcp-harness.js";

const MAX_DESCRIPTION = 600;
const MAX_TOOLS_LIST_BYTES = 14 * 1024;

const ALL = [...Object.values(TOOLS), ...APP_TOOLS];

let conn: Connected;
/** A host with MCP Apps: its tools/list also has the app-only tools. */
let apps: Connected;
beforeAll(async () => {
  conn = await connect();
  apps = await connect({ capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [RESOURCE_MIME_TYPE] } } } });
});
afterAll(async () => {
  await conn.close();
  await apps.close();
});

const appOnly = (tool: { _meta?: Record<string, unknown> }): boolean => JSON.stringify((tool._meta?.ui as { visibility?: unknown } | undefined)?.visibility) === '["app"]';

describe("tool definitions", () => {
  it("file, key and name agree, and the file exports the definition", async () => {
    for (const [key, def] of Object.entries(TOOLS)) {
      expect(def.name).toBe(key);
      const file = path.resolve("src/tools", `${key.replace(/_/g, "-")}.ts`);
      expect(existsSync(file), `${file} for ${key}`).toBe(true);
      const mod = (await import(file)) as Record<string, unknown>;
      expect(Object.values(mod), `${file} exports ${key}`).toContain(def);
    }
    // App tools live with their view in src/app, one file each: cut_timeline -> cut-timeline-tool.ts.
    for (const def of APP_TOOLS) {
      const file = path.resolve("src/app", `${def.name.replace(/_/g, "-")}-tool.ts`);
      expect(existsSync(file), `${file} for ${def.name}`).toBe(true);
      expect(Object.values((await import(file)) as Record<string, unknown>), `${file} exports ${def.name}`).toContain(def);
      expect(Object.keys(TOOLS)).not.toContain(def.name);
    }
  });

  it("every tool, app-only ones included, sets all four annotations, a title and a short description", () => {
    for (const def of ALL) {
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
        expect(typeof def.annotations[hint], `${def.name}.${hint}`).toBe("boolean");
      }
      expect(def.title.length).toBeGreaterThan(0);
      expect(def.description.length, def.name).toBeLessThanOrEqual(MAX_DESCRIPTION);
      // A read-only tool cannot be destructive.
      if (def.annotations.readOnlyHint) expect(def.annotations.destructiveHint, def.name).toBe(false);
    }
  });

  it("honest annotations where it matters", () => {
    expect(TOOLS.upload_media.annotations.readOnlyHint).toBe(false);
    expect(TOOLS.roughy_delete.annotations.destructiveHint).toBe(true);
    expect(TOOLS.roughy_get.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(TOOLS.roughy_list.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
  });

  it("tools/list shows every tool with its schemas and stays under the size budget", async () => {
    const { tools } = await conn.client.listTools();
    const names = tools.map((t) => t.name);
    for (const key of Object.keys(TOOLS)) expect(names).toContain(key);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      // The spec's defaults are left out (openWorldHint true, readOnlyHint false): the meaning is the same.
      expect(tool.annotations, tool.name).toBeDefined();
    }
    const bytes = Buffer.byteLength(JSON.stringify({ tools }), "utf8");
    console.log(`tools/list: ${tools.length} tools, ${bytes} bytes`);
    expect(bytes).toBeLessThanOrEqual(MAX_TOOLS_LIST_BYTES);
  });

  it("a host with MCP Apps also lists the app-only tools, with schemas and visibility app; what its model sees stays in the budget", async () => {
    const { tools } = await apps.client.listTools();
    for (const def of APP_TOOLS) {
      const listed = tools.find((t) => t.name === def.name);
      expect(listed, def.name).toBeDefined();
      expect(listed!.inputSchema.type).toBe("object");
      expect(listed!.outputSchema?.type, def.name).toBe("object");
      expect(appOnly(listed!), def.name).toBe(true);
      expect((listed!._meta?.ui as { resourceUri?: string }).resourceUri).toMatch(/^ui:\/\//);
    }
    const forModel = tools.filter((t) => !appOnly(t));
    expect(forModel.map((t) => t.name).sort()).toEqual(Object.keys(TOOLS).sort());
    const bytes = Buffer.byteLength(JSON.stringify({ tools: forModel }), "utf8");
    console.log(`tools/list with MCP Apps: ${tools.length} tools, ${Buffer.byteLength(JSON.stringify({ tools }), "utf8")} bytes (${bytes} for the model)`);
    expect(bytes).toBeLessThanOrEqual(MAX_TOOLS_LIST_BYTES);
  });

  it("input schemas stay inside every provider's subset, and each enum's values are also in its description", async () => {
    const { tools } = await apps.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(ALL.map((t) => t.name).sort());
    const problems: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "properties" && value && typeof value === "object") {
          for (const [name, sub] of Object.entries(value)) walk(sub, `${where}.${name}`);
          continue;
        }
        // Gemini's API refuses these keywords for the whole request; OpenAI strict mode refuses most formats.
        if (key === "exclusiveMinimum" || key === "exclusiveMaximum") problems.push(`${where}.${key}`);
        if (key === "format" && value !== "date-time") problems.push(`${where}.format=${String(value)}`);
        if (key === "type" && Array.isArray(value)) problems.push(`${where}.type=[${value.join(",")}]`);
        walk(value, `${where}.${key}`);
      }
    };
    for (const tool of tools) {
      walk(tool.inputSchema, tool.name);
      for (const [name, prop] of Object.entries((tool.inputSchema.properties ?? {}) as Record<string, { enum?: unknown[]; items?: { enum?: unknown[] }; description?: string }>)) {
        const values = prop.enum ?? prop.items?.enum ?? [];
        const missing = values.filter((v) => !(prop.description ?? "").includes(String(v)));
        if (missing.length > 0) problems.push(`${tool.name}.${name}: ${missing.join(",")} not in the description`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("what the listing loosens, the handler still checks: exclusive bounds and URLs are refused with the argument named", async () => {
    const zero = await conn.call("export_cut", { cut_id: "6f1d3c2a-9b8e-4c7d-a5f4-3e2d1c0b9a88", format: "edl", frame_rate: 0 });
    expect(zero.isError).toBe(true);
    expect(zero.content.map((c) => (c.type === "text" ? c.text : "")).join("")).toContain("frame_rate");
    const url = await conn.call("create_webhook", { url: "not a url", events: ["cut.completed"] });
    expect(url.isError).toBe(true);
    expect(url.content.map((c) => (c.type === "text" ? c.text : "")).join("")).toContain("url");
  });
});
