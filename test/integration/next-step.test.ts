// Every tool's successful answer says what to do next as a field, `next_step`, and its text carries the same
// step: hosts that show the model only structuredContent (Codex, Claude Code) and hosts that show only the
// text (LangChain, Mastra) both learn it. Nothing parses it back out of the text any more, so a tool that
// forgot it would fail here (and its output schema check would refuse the answer).
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { TOOL_LIST } from "../../src/tools/index.js";
import { APP_TOOLS } from "../../src/app/register-app.js";
import { FIXTURE_SCRIPT, textOf } from "../helpers/mcp-harness.js";
import { uploadAndCut } from "../helpers/workspace.js";
import { useToolHarness, whileHeld } from "../helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-next-step-");

it("every tool's answer carries next_step as a field, and its text ends with the same step", async () => {
  const answers = new Map<string, CallToolResult>();
  const call = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const r = await h.conn.call(name, args);
    expect(r.isError, `${name}: ${textOf(r)}`).toBeFalsy();
    answers.set(name, r);
    return r.structuredContent as Record<string, unknown>;
  };

  await call("get_credits", {});
  await call("estimate_cost", { path: h.ws.media });
  const project = (await call("create_project", { name: "next steps" })).project as { id: string };
  const { assetId, cutId, cut } = await uploadAndCut(h.conn, h.sb, h.ws.media);
  answers.set("create_cut", cut);
  await call("upload_media", { path: h.ws.media, project_id: project.id, confirm_cost: true, wait_seconds: 50 });
  await call("export_cut", { cut_id: cutId, format: "edl" });
  const render = (await call("create_render", { asset_id: assetId, cut_id: cutId, output: "m4a", wait_seconds: 50 })).render as { id: string };
  await call("download_render", { render_id: render.id });
  await call("roughy_wait", { kind: "render", id: render.id, wait_seconds: 0 });
  await call("roughy_get", { kind: "cut", id: cutId });
  await call("roughy_list", { kind: "assets" });
  await call("cut_timeline", { cut_id: cutId });
  await call("cut_audio", { cut_id: cutId });
  const hook = (await call("create_webhook", { url: "http://127.0.0.1:9/hook", events: ["cut.completed"] })).webhook as { id: string };
  await call("roughy_delete", { kind: "webhook", id: hook.id });
  // A held render is certainly still running when it is canceled.
  await whileHeld(h, { renders: true }, async () => {
    const held = (await call("create_render", { asset_id: assetId, output: "mp3" })).render as { id: string };
    await call("cancel_render", { render_id: held.id });
  });
  await call("cut_to_script", { asset_id: assetId, script: await readFile(FIXTURE_SCRIPT, "utf8"), render: "none", exports: ["srt"], output_dir: h.ws.dir, wait_seconds: 50 });

  // Every tool the server has, the app-only ones included, answered above.
  expect([...answers.keys()].sort()).toEqual([...TOOL_LIST, ...APP_TOOLS].map((t) => t.name).sort());
  for (const [name, r] of answers) {
    const step = (r.structuredContent as { next_step?: unknown }).next_step;
    expect(typeof step, name).toBe("string");
    expect((step as string).length, name).toBeGreaterThan(5);
    expect(textOf(r), name).toContain(step as string);
  }
  // Steps that depend on the item's state come from the kinds table: a canceled render is started again.
  expect((answers.get("cancel_render")!.structuredContent as { next_step: string }).next_step).toBe(`create_render asset_id=${assetId} again if you still need the file.`);
  expect((answers.get("roughy_delete")!.structuredContent as { next_step: string }).next_step).toContain("roughy_list kind=webhooks");
  expect((answers.get("create_project")!.structuredContent as { next_step: string }).next_step).toContain(`project_id=${project.id}`);
});
