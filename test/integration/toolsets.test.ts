// --toolsets and --read-only: tools/list shows only the chosen groups (or only tools that change nothing),
// a hidden tool called by name is refused with the reason and does nothing, and an unknown toolset name
// stops the server at start-up with a message listing the valid names.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import path from "node:path";
import { RoughyClient } from "../../src/client/index.js";
import { createServer } from "../../src/server/create-server.js";
import { TOOLS } from "../../src/tools/index.js";
import { TOOLSETS } from "../../src/server/toolsets.js";
import { connect, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.close();
});

async function listed(server: NonNullable<Parameters<typeof connect>[0]>["server"]): Promise<string[]> {
  const conn = await connect({ sandbox: sb.sandbox, server });
  try {
    return (await conn.client.listTools()).tools.map((t) => t.name).sort();
  } finally {
    await conn.close();
  }
}

describe("toolsets", () => {
  it("every tool declares known toolsets", () => {
    for (const def of Object.values(TOOLS)) {
      expect(def.toolsets?.length, def.name).toBeGreaterThan(0);
      for (const set of def.toolsets ?? []) expect(TOOLSETS, def.name).toContain(set);
    }
  });

  it("the default lists every tool; a selection lists only its groups", async () => {
    const all = await listed({});
    for (const name of Object.keys(TOOLS)) expect(all).toContain(name);

    const cuts = await listed({ toolsets: "cuts,renders" });
    for (const name of ["create_cut", "export_cut", "create_render", "download_render", "cancel_render", "roughy_get", "roughy_list", "roughy_wait"]) expect(cuts).toContain(name);
    for (const name of ["upload_media", "cut_to_script", "create_webhook", "get_credits", "create_project", "estimate_cost"]) expect(cuts).not.toContain(name);

    // roughy_delete cannot delete a render (a render is canceled): --toolsets renders does not offer it.
    const renders = await listed({ toolsets: "renders" });
    expect(renders).toContain("cancel_render");
    expect(renders).not.toContain("roughy_delete");

    const env = await listed({ env: { ROUGHY_TOOLSETS: " Webhooks " } });
    expect(env).toContain("create_webhook");
    expect(env).not.toContain("create_cut");
  });

  it("a tool outside the enabled toolsets is refused by name, saying which toolset to add", async () => {
    const conn = await connect({ sandbox: sb.sandbox, server: { toolsets: ["credits"] } });
    try {
      const r = await conn.call("create_webhook", { url: "https://example.com/hook", events: ["cut.completed"] });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("webhooks toolset");
      expect((await conn.call("get_credits", {})).isError).toBeFalsy();
    } finally {
      await conn.close();
    }
  });

  it("get, list, delete and wait keep to the enabled toolsets' kinds", async () => {
    const api = new RoughyClient({ apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl });
    const hook = await api.webhooks.create({ url: "https://example.com/keep", events: ["cut.completed"] });
    const conn = await connect({ sandbox: sb.sandbox, server: { toolsets: "cuts" } });
    try {
      const del = await conn.call("roughy_delete", { kind: "webhook", id: hook.id });
      expect(del.isError).toBe(true);
      expect(textOf(del)).toContain("webhooks toolset");
      expect((await api.webhooks.list()).items.map((w) => w.id)).toContain(hook.id);
      const listed = await conn.call("roughy_list", { kind: "webhooks" });
      expect(listed.isError).toBe(true);
      const cuts = await conn.call("roughy_list", { kind: "cuts" });
      expect(cuts.isError, textOf(cuts)).toBeFalsy();
    } finally {
      await conn.close();
    }
  });

  it("an unknown toolset is a start-up error listing the valid names", async () => {
    expect(() => createServer({ toolsets: "cuts,bogus" })).toThrow(/Unknown toolset "bogus".*Valid toolsets: projects, assets, cuts, renders, credits, webhooks, jobs/);
    // The command a client launches: exits non-zero with the message on stderr, before speaking MCP.
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("src/cli.ts"), "--toolsets", "cuts,bogus"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('Unknown toolset "bogus"');
    expect(stderr).toContain("projects, assets, cuts, renders, credits, webhooks, jobs");
    expect(stdout).toBe("");
  });
});

describe("read-only", () => {
  it("lists only tools with readOnlyHint: true (flag or ROUGHY_READ_ONLY=1)", async () => {
    for (const server of [{ readOnly: true }, { env: { ROUGHY_READ_ONLY: "1" } }]) {
      const names = await listed(server);
      expect(names).toEqual(expect.arrayContaining(["roughy_get", "roughy_list", "roughy_wait", "estimate_cost", "get_credits"]));
      for (const name of names) {
        const def = (TOOLS as Record<string, { annotations: { readOnlyHint: boolean } }>)[name];
        if (def) expect(def.annotations.readOnlyHint, name).toBe(true);
      }
      expect(names).not.toContain("upload_media");
      expect(names).not.toContain("roughy_delete");
    }
  });

  it("the instructions say which tools there are when limited, and nothing extra otherwise", async () => {
    const limited = await connect({ sandbox: sb.sandbox, server: { readOnly: true } });
    const full = await connect({ sandbox: sb.sandbox });
    try {
      expect(limited.client.getInstructions()).toMatch(/limited \(--toolsets \/ --read-only\) to: .*get_credits/);
      expect(limited.client.getInstructions()).not.toMatch(/to: .*upload_media/);
      expect(full.client.getInstructions()).not.toContain("limited");
    } finally {
      await limited.close();
      await full.close();
    }
  });

  it("refuses a write called by name, and nothing is changed", async () => {
    const api = new RoughyClient({ apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl });
    const before = (await api.projects.list()).total;
    const conn = await connect({ sandbox: sb.sandbox, server: { readOnly: true } });
    try {
      const r = await conn.call("create_project", { name: "should not exist" });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("read-only");
      expect((await api.projects.list()).total).toBe(before);
      const ok = await conn.call("roughy_list", { kind: "projects" });
      expect(ok.isError, textOf(ok)).toBeFalsy();
    } finally {
      await conn.close();
    }
  });
});
