// Bad arguments sent to EVERY tool the server lists (so a new tool is covered without editing this file):
// wrong types, missing required fields, unknown keys, malformed and unknown ids, unknown enum values, numbers
// out of range, overlong scripts, NUL bytes in paths, 1 MB strings and odd Unicode. Each must answer with
// isError and a message that names the argument (or, for an unknown id, the id and the list call that shows
// valid ones), never a raw exception, zod dump or API JSON; and the server must answer a cheap call after it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tool } from "@modelcontextprotocol/client";
import { connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, type Workspace } from "../helpers/workspace.js";

type Prop = { type?: string; enum?: string[]; description?: string; maxLength?: number; minimum?: number; maximum?: number; items?: Prop };
type Expect = "names-arg" | "not-found" | "no-crash";
type Case = { tool: string; what: string; args: Record<string, unknown>; arg: string; expect: Expect };

const UNKNOWN_ID = "6f1d3c2a-9b8e-4c7d-a5f4-3e2d1c0b9a88";
const MB = "a".repeat(1024 * 1024);
const ODD_UNICODE: Record<string, string> = {
  rtl: "\u202Eevil\u202Cname.mp4",
  emoji: "🎬🎞️👩‍👩‍👧‍👦 interview",
  "lone surrogate": "x\uD800y\uDC00z",
  "zero-width": "inter\u200Bview\u200D\uFEFF",
};
const PATH_ARGS = new Set(["path", "save_to", "file_path", "script_path", "output_dir"]);

let sb: TestSandbox;
let conn: Connected;
let ws: Workspace;
let tools: Tool[];

/** Where a path names something to write, odd but valid names (emoji, RTL marks) are legitimate. */
const WRITE_PATH_ARGS = new Set(["save_to", "output_dir"]);

function isId(name: string, p: Prop): boolean {
  return p.type === "string" && (name === "id" || (name.endsWith("_id") && name !== "cancel_job_id") || /UUID/.test(p.description ?? ""));
}

/** Per-tool context so that the argument under test is what the tool trips on. */
function overrides(tool: string, arg: string): Record<string, unknown> {
  // list: a filter must suit the kind listed (asset_id filters cuts, cut_id renders, project_id assets).
  // An offset past the end is judged against projects, of which beforeAll made one.
  if (tool === "roughy_list") return { kind: arg === "asset_id" ? "cuts" : arg === "cut_id" ? "renders" : arg === "offset" ? "projects" : "assets" };
  // cut_to_script needs a source; an unknown asset keeps it from starting anything.
  // output_dir is checked once the source is known: give a real file (its cost is agreed; a bad output_dir
  // stops the call before anything is uploaded).
  if (tool === "cut_to_script" && arg === "output_dir") return { file_path: "interview.mp4" };
  if (tool === "cut_to_script" && arg !== "asset_id" && arg !== "file_path") return { asset_id: UNKNOWN_ID };
  return {};
}

/** Valid-looking values for the required arguments, so that one bad argument is the only problem. */
function baseline(tool: Tool, media: string): Record<string, unknown> {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, Prop>;
  const out: Record<string, unknown> = {};
  for (const name of tool.inputSchema.required ?? []) {
    const p = props[name]!;
    if (p.enum) out[name] = p.enum[0];
    else if (p.type === "array") out[name] = p.items?.enum ? [p.items.enum[0]] : ["x"];
    else if (isId(name, p)) out[name] = UNKNOWN_ID;
    else if (PATH_ARGS.has(name)) out[name] = media;
    else if (name === "url") out[name] = "http://127.0.0.1:9/hook";
    else if (p.type === "string") out[name] = "valid name";
    else if (p.type === "number" || p.type === "integer") out[name] = p.minimum ?? 1;
    else if (p.type === "boolean") out[name] = false;
  }
  // Tools that check cost or other inputs before the argument under test: agree to the cost.
  if ("confirm_cost" in props) out.confirm_cost = true;
  return out;
}

function wrongType(p: Prop): unknown {
  if (p.type === "string") return 12345;
  if (p.type === "array") return "not-an-array";
  if (p.type === "boolean") return "yes";
  return "ten";
}

function casesFor(tool: Tool, media: string): Case[] {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, Prop>;
  const base = baseline(tool, media);
  const cases: Case[] = [];
  const add = (what: string, arg: string, args: Record<string, unknown>, expect: Expect = "names-arg") => {
    // Input that may be legitimate (free text) must not go on to spend credits: no agreement to the cost.
    if (expect === "no-crash" && args.confirm_cost === true && arg !== "confirm_cost") args = { ...args, confirm_cost: undefined };
    cases.push({ tool: tool.name, what, arg, args, expect });
  };
  const withArg = (name: string, value: unknown) => ({ ...base, ...overrides(tool.name, name), [name]: value });

  // Hosts add arguments of their own (Gemini CLI: wait_for_previous) and models send null for optional ones:
  // both are ignored, so these only must not crash (and, without a confirmed cost, not spend).
  add("unknown argument", "api_key", withArg("api_key", "sk_live_x"), "no-crash");
  for (const name of tool.inputSchema.required ?? []) {
    const rest = { ...base };
    delete rest[name];
    add("missing required", name, rest);
  }
  for (const [name, p] of Object.entries(props)) {
    add("wrong type", name, withArg(name, wrongType(p)));
    add("null", name, withArg(name, null), (tool.inputSchema.required ?? []).includes(name) ? "names-arg" : "no-crash");
    if (p.enum) {
      add("unknown enum value", name, withArg(name, "definitely_not_a_value"));
      add("enum, odd case", name, withArg(name, String(p.enum[0]).toUpperCase() + "\u200B"));
    }
    if (p.type === "array" && p.items?.enum) add("unknown enum item", name, withArg(name, ["definitely_not_a_value"]));
    if (p.type === "number" || p.type === "integer") {
      add("negative", name, withArg(name, -1));
      // A huge value under a schema without a real maximum (an offset) is legal until the data says otherwise;
      // list checks it against the total.
      const bounded = p.maximum !== undefined && p.maximum < 1e15;
      add("huge", name, withArg(name, 1e15), bounded || tool.name === "roughy_list" ? "names-arg" : "no-crash");
      if (p.type === "integer") add("fraction", name, withArg(name, 2.5));
    }
    if (isId(name, p)) {
      add("malformed UUID", name, withArg(name, "not-a-uuid"));
      add("UUID with a trailing newline", name, withArg(name, `${UNKNOWN_ID}\n`));
      add("path traversal as id", name, withArg(name, "../../v1/credits"));
      add("unknown id", name, withArg(name, "6f1d3c2a-0000-4c7d-a5f4-000000000001"), "not-found");
    }
    if (p.type === "string" && !p.enum) {
      if (PATH_ARGS.has(name)) add("NUL byte in a path", name, withArg(name, `${ws.media}\0.txt`));
      add("1 MB string", name, withArg(name, MB), isId(name, p) || PATH_ARGS.has(name) || p.maxLength !== undefined || name === "url" ? "names-arg" : "no-crash");
      for (const [label, s] of Object.entries(ODD_UNICODE)) {
        // Free text (names, scripts, descriptions) may legitimately hold any of these: it must not crash.
        const strict = isId(name, p) || (PATH_ARGS.has(name) && !WRITE_PATH_ARGS.has(name)) || name === "url";
        add(`odd Unicode (${label})`, name, withArg(name, s), strict ? "names-arg" : "no-crash");
      }
    }
    if (name === "script") add("script over 100000 characters", name, withArg(name, "word ".repeat(20_001)));
  }
  return cases;
}

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-badin-");
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
  tools = (await conn.client.listTools()).tools;
  expect((await conn.call("create_project", { name: "bad-input" })).isError).toBeFalsy();
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

/** What must never reach an agent: stack traces, zod's JSON issue dumps, the API's error envelope. */
function assertClean(text: string, where: string): void {
  expect(text, where).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(text, where).not.toMatch(/"code"\s*:|"expected"\s*:|"error"\s*:\s*\{|ZodError|TypeError|SyntaxError|undefined is not/);
  expect(text, where).not.toContain("internal error");
  expect(text.length, where).toBeLessThan(4_000);
}

describe("bad input to every tool", () => {
  it("every case answers isError naming the argument; the server keeps answering", async () => {
    expect(tools.length).toBeGreaterThanOrEqual(15);
    const media = ws.media;
    const cases = tools.flatMap((t) => casesFor(t, media));
    const counts: Record<Expect, number> = { "names-arg": 0, "not-found": 0, "no-crash": 0 };
    const problems: string[] = [];
    for (const c of cases) {
      const where = `${c.tool} / ${c.arg}: ${c.what}`;
      const r = await conn.call(c.tool, c.args);
      const text = textOf(r);
      counts[c.expect]++;
      try {
        assertClean(text, where);
        if (c.expect === "names-arg") {
          expect(r.isError, `${where} -> ${text.slice(0, 300)}`).toBe(true);
          expect(text, where).toContain(c.arg);
        } else if (c.expect === "not-found") {
          expect(r.isError, `${where} -> ${text.slice(0, 300)}`).toBe(true);
          expect(text, where).toMatch(/not found|does not exist|no such|unknown/i);
          expect(text, where).toMatch(/\b(roughy_)?list\b|create_|upload_media/);
        }
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message.split("\n")[0]} :: ${text.slice(0, 200)}`);
      }
      // A cheap call after every case: the server is still there and still sane.
      const ping = await conn.call("get_credits", { ledger_limit: 0 });
      if (ping.isError) problems.push(`${where}: get_credits failed afterwards: ${textOf(ping)}`);
    }
    console.log(`bad-input cases: ${cases.length} over ${tools.length} tools`, counts);
    expect(problems, problems.join("\n")).toEqual([]);
    // Nothing bad input did cost anything: no asset was created, no credit spent.
    const assets = await conn.call("roughy_list", { kind: "assets" });
    expect((assets.structuredContent as { total: number }).total).toBe(0);
  });
});
