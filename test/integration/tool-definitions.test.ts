// The tool list as a client sees it: file, key and tool name agree (create-cut.ts -> create_cut), every
// tool sets all four annotations and a short description, and the whole tools/list answer stays small
// enough to leave an agent's context for the work (under 24,000 bytes, about 6,000 tokens).
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOLS } from "../../src/tools/index.js";
import { connect, type Connected } from "../helpers/mcp-harness.js";

const MAX_DESCRIPTION = 600;
const MAX_TOOLS_LIST_BYTES = 24_000;

let conn: Connected;
beforeAll(async () => {
  conn = await connect();
});
afterAll(async () => {
  await conn.close();
});

describe("tool definitions", () => {
  it("file, key and name agree, and the file exports the definition", async () => {
    for (const [key, def] of Object.entries(TOOLS)) {
      expect(def.name).toBe(key);
      const file = path.resolve("src/tools", `${key.replace(/_/g, "-")}.ts`);
      expect(existsSync(file), `${file} for ${key}`).toBe(true);
      const mod = (await import(file)) as Record<string, unknown>;
      expect(Object.values(mod), `${file} exports ${key}`).toContain(def);
    }
  });

  it("every tool sets all four annotations, a title and a short description", () => {
    for (const def of Object.values(TOOLS)) {
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
    expect(TOOLS.delete.annotations.destructiveHint).toBe(true);
    expect(TOOLS.get.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(TOOLS.list.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
  });

  it("tools/list shows every tool with its schemas and stays under the size budget", async () => {
    const { tools } = await conn.client.listTools();
    const names = tools.map((t) => t.name);
    for (const key of Object.keys(TOOLS)) expect(names).toContain(key);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.annotations?.openWorldHint, tool.name).toBeTypeOf("boolean");
    }
    const bytes = Buffer.byteLength(JSON.stringify({ tools }), "utf8");
    console.log(`tools/list: ${tools.length} tools, ${bytes} bytes`);
    expect(bytes).toBeLessThan(MAX_TOOLS_LIST_BYTES);
  });
});
