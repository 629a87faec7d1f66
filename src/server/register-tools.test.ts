// The wrapper's pure parts: the answer cap and the tools/list entry (no bytes that tell a model nothing).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { capResult, MAX_RESULT_CHARS, toolListing } from "./register-tools.js";
import { defineTool } from "../tools/define-tool.js";

describe("capResult", () => {
  it("leaves small answers alone and shortens long text to fit, saying so", () => {
    const small = capResult({ content: [{ type: "text", text: "ok" }] });
    expect(small.content[0]).toEqual({ type: "text", text: "ok" });
    const big = capResult({ content: [{ type: "text", text: "a".repeat(50_000) }], structuredContent: { n: 1 } });
    expect(JSON.stringify({ content: big.content, structuredContent: big.structuredContent }).length).toBeLessThanOrEqual(MAX_RESULT_CHARS);
    expect((big.content[0] as { text: string }).text).toMatch(/characters cut to keep the answer short\)$/);
  });
});

describe("toolListing", () => {
  const tool = defineTool({
    name: "demo",
    title: "Demo",
    description: "d",
    inputSchema: { id: z.string().describe("an id"), n: z.number().optional() },
    outputSchema: { item: z.object({ a: z.string(), b: z.number().nullable() }) },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async handler() {
      return { data: { item: { a: "x", b: null }, next_step: "n" }, summary: "s. Next: n" };
    },
  });

  it("keeps the input contract (required, descriptions) and drops $schema and closed-object noise", () => {
    const entry = toolListing(tool);
    const text = JSON.stringify(entry);
    expect(text).not.toContain("$schema");
    expect(entry.inputSchema).toMatchObject({ type: "object", required: ["id"], properties: { id: { type: "string", description: "an id" } } });
    expect(JSON.stringify(entry.outputSchema)).not.toContain("additionalProperties");
    expect(JSON.stringify(entry.outputSchema)).not.toContain("required");
    // Only the hints that differ from the spec's defaults are listed: the same meaning for a client.
    expect(entry.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
  });

  it("lists output fields with their types only (nullable as [type, null]) and input schemas without string lengths or exclusive bounds", () => {
    const entry = toolListing(
      defineTool({
        name: "demo2",
        title: "Demo",
        description: "d",
        annotations: tool.annotations,
        inputSchema: { id: z.string().min(1), tag: z.string().min(2), fps: z.number().positive().max(240).optional(), kind: z.enum(["a", "b"]).describe("which") },
        outputSchema: { item: z.object({ a: z.string() }).nullable(), pick: z.enum(["x", "y"]).nullable() },
        handler: async () => ({ data: { item: null, pick: null, next_step: "n" }, summary: "s. Next: n" }),
      }),
    );
    expect((entry.outputSchema?.properties as Record<string, unknown>).item).toEqual({ type: ["object", "null"] });
    expect((entry.outputSchema?.properties as Record<string, unknown>).next_step).toEqual({ type: "string" });
    expect(entry.inputSchema.properties?.id).toEqual({ type: "string" });
    expect(entry.inputSchema.properties?.tag).toEqual({ type: "string" });
    // exclusiveMinimum 0 is listed as minimum 0; the handler's schema still refuses 0.
    expect(entry.inputSchema.properties?.fps).toEqual({ type: "number", minimum: 0, maximum: 240 });
    // A converter that drops `enum` still leaves the values in the description.
    expect(entry.inputSchema.properties?.kind).toEqual({ type: "string", enum: ["a", "b"], description: "which (one of a, b)" });
  });
});
