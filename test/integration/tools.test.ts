// Every tool through a real MCP Client (in-memory transport) against a real sandbox on a loopback port, in
// remote mode (an API key), on its happy and error paths: the full flow from estimate to download, input
// errors that name the argument, API errors that say what to do next, and file-access refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Progress } from "@modelcontextprotocol/client";
import { FIXTURE_MP4, FIXTURE_SCRIPT, FIXTURE_TRUTH, connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
let conn: Connected;
let work: string;
let outside: string;
let media: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;
const MISSING = "00000000-0000-4000-8000-000000000000";

const ids: { asset?: string; cut?: string; render?: string; project?: string } = {};

beforeAll(async () => {
  sb = await startTestSandbox();
  work = await mkdtemp(path.join(tmpdir(), "roughy-mcp-work-"));
  outside = await mkdtemp(path.join(tmpdir(), "roughy-mcp-outside-"));
  process.env.ROUGHY_UPLOAD_STORE = path.join(work, ".uploads.json");
  media = path.join(work, "interview.mp4");
  await copyFile(FIXTURE_MP4, media);
  await copyFile(FIXTURE_MP4, path.join(outside, "interview.mp4"));
  await writeFile(path.join(work, "tiny.mp4"), "x".repeat(10));
  await writeFile(path.join(work, "notes.mp4"), "this is not media at all, just text that is long enough to pass the size check.\n".repeat(3));
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [work] });
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await rm(work, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

describe("the flow, step by step", () => {
  it("get_credits: balance, ledger and account", async () => {
    const r = await conn.call("get_credits", {});
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as { balance: number; mode: string; ledger: unknown[] };
    expect(data.balance).toBeGreaterThan(0);
    expect(data.mode).toBe("remote");
    expect(textOf(r)).toMatch(/Balance: \d+/);
  });

  it("estimate_cost: duration, credits and balance of a local file", async () => {
    const r = await conn.call("estimate_cost", { path: media });
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as { duration_seconds: number; credits: number; media_type: string; enough: boolean };
    expect(data.duration_seconds).toBeGreaterThan(30);
    expect(data.duration_seconds).toBeLessThan(33);
    expect(data.credits).toBe(1);
    expect(data.media_type).toBe("video");
    expect(data.enough).toBe(true);
  });

  it("estimate_cost refuses files outside the allowed dirs, tiny files and non-media", async () => {
    const out = await conn.call("estimate_cost", { path: path.join(outside, "interview.mp4") });
    expect(out.isError).toBe(true);
    expect(textOf(out)).toContain("outside the allowed directories");
    expect(textOf(out)).toContain(work.split(path.sep).pop());
    const escape = await conn.call("estimate_cost", { path: path.join(work, "..", path.basename(outside), "interview.mp4") });
    expect(escape.isError).toBe(true);
    expect(textOf(escape)).toContain("outside the allowed directories");
    const tiny = await conn.call("estimate_cost", { path: path.join(work, "tiny.mp4") });
    expect(tiny.isError).toBe(true);
    expect(textOf(tiny)).toContain("at least 64 bytes");
    const text = await conn.call("estimate_cost", { path: "notes.mp4" });
    expect(text.isError).toBe(true);
    expect(textOf(text)).toMatch(/No reader could open the file as audio or video \(tried .*\)\..*Nothing was uploaded or charged/);
  });

  it("upload_media without a way to ask states cost and balance, and uploads nothing", async () => {
    const r = await conn.call("upload_media", { path: media, project_name: "it" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/costs 1 credit\(s\); the balance is \d+/);
    expect(textOf(r)).toContain("confirm_cost: true");
    const tiny = await conn.call("upload_media", { path: "tiny.mp4", confirm_cost: true });
    expect(textOf(tiny)).toContain("at least 64 bytes");
    const dir = await conn.call("upload_media", { path: work, confirm_cost: true });
    expect(textOf(dir)).toContain("not a regular file");
    const assets = await conn.call("roughy_list", { kind: "assets" });
    expect((assets.structuredContent as { total: number }).total).toBe(0);
  });

  it("upload_media with confirm_cost uploads with progress and waits until ready", async () => {
    const progress: Progress[] = [];
    const r = await conn.call("upload_media", { path: media, project_name: "it", confirm_cost: true, wait_seconds: 50 }, { progress });
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as { asset: { id: string; state: string; cuttable: boolean }; project_id: string; project_created: boolean; credits: number };
    expect(data.asset.state).toBe("ready");
    expect(data.asset.cuttable).toBe(true);
    expect(data.project_created).toBe(true);
    expect(textOf(r)).toContain("create_cut");
    expect(progress.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
    ids.asset = data.asset.id;
    ids.project = data.project_id;
    // A second upload reuses the project by name.
    const truth = JSON.parse(await readFile(FIXTURE_TRUTH, "utf8")) as { words: unknown[] };
    const put = await sb.control("PUT", `/sandbox/assets/${ids.asset}/transcript`, { words: truth.words });
    expect(put.status).toBeLessThan(300);
  });

  it("create_cut with a script completes with kept segments; a repeat returns the same cut", async () => {
    const script = await readFile(FIXTURE_SCRIPT, "utf8");
    const r = await conn.call("create_cut", { asset_id: ids.asset, script, wait_seconds: 50 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as {
      cut: { id: string; state: string; has_script: boolean };
      created: boolean;
      segments: { count: number; kept_seconds: number; source_seconds: number | null; segments: { start: number; end: number }[] } | null;
    };
    expect(data.cut.state).toBe("completed");
    expect(data.created).toBe(true);
    expect(data.cut.has_script).toBe(true);
    expect(data.segments).not.toBeNull();
    expect(data.segments!.count).toBeGreaterThan(1);
    expect(data.segments!.segments.length).toBe(data.segments!.count);
    // Filler, the abandoned take and the aside are gone: well under the ~31.7 s source.
    expect(data.segments!.kept_seconds).toBeLessThan(28);
    expect(data.segments!.kept_seconds).toBeGreaterThan(10);
    for (const s of data.segments!.segments) expect(s.end).toBeGreaterThan(s.start);
    ids.cut = data.cut.id;

    const again = await conn.call("create_cut", { asset_id: ids.asset, script });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect((again.structuredContent as { created: boolean; cut: { id: string } }).created).toBe(false);
    expect((again.structuredContent as { cut: { id: string } }).cut.id).toBe(ids.cut);
    expect(textOf(again)).toContain("already had cut");
  });

  it("export_cut: every format, inline when small in both the text and structuredContent, with its roughy:// URI", async () => {
    for (const format of ["edl", "xmeml", "fcpxml", "otio", "srt", "vtt"]) {
      const r = await conn.call("export_cut", { cut_id: ids.cut, format });
      expect(r.isError, `${format}: ${textOf(r)}`).toBeFalsy();
      const data = r.structuredContent as { bytes: number; inline: boolean; saved_to: string | null; uri: string; text: string | null; next_step: string };
      expect(data.bytes).toBeGreaterThan(20);
      // Small files come inline; larger ones (the OTIO export, ~27 KB here; xmeml with a clip item per channel) go
      // over the 8 KB limit to disk.
      expect(data.inline, format).toBe(data.bytes <= 8 * 1024);
      if (format === "edl" || format === "srt") expect(data.inline, format).toBe(true);
      if (format === "otio") expect(data.inline, format).toBe(false);
      expect(data.uri).toMatch(format === "srt" || format === "vtt" ? /\/subtitle\// : /\/export\//);
      expect(textOf(r)).toContain(data.uri);
      expect(data.next_step).toMatch(/create_render|editor/);
      // No resource blocks: LangChain's adapter turns them into file blocks its chat models refuse.
      expect(r.content.every((c) => c.type === "text"), format).toBe(true);
      if (data.inline) {
        expect(Buffer.byteLength(data.text!, "utf8")).toBe(data.bytes);
        expect(textOf(r)).toContain(data.text!);
      } else {
        expect(data.text).toBeNull();
        expect((await stat(data.saved_to!)).size).toBe(data.bytes);
        expect(path.dirname(data.saved_to!)).toBe(await realpath(work));
        expect(textOf(r)).toContain(data.saved_to!);
      }
    }
    const vtt = await conn.call("export_cut", { cut_id: ids.cut, format: "vtt" });
    expect((vtt.structuredContent as { text: string }).text.startsWith("WEBVTT")).toBe(true);
  });

  it("export_cut save_to writes the file, refuses to overwrite, and overwrites on request", async () => {
    const target = path.join(work, "cut.edl");
    const first = await conn.call("export_cut", { cut_id: ids.cut, format: "edl", save_to: target });
    expect(first.isError, textOf(first)).toBeFalsy();
    expect((await readFile(target, "utf8")).length).toBe((first.structuredContent as { bytes: number }).bytes);
    const again = await conn.call("export_cut", { cut_id: ids.cut, format: "edl", save_to: target });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toContain("overwrite: true");
    const forced = await conn.call("export_cut", { cut_id: ids.cut, format: "xmeml", save_to: target, overwrite: true });
    expect(forced.isError, textOf(forced)).toBeFalsy();
    expect(await readFile(target, "utf8")).toContain("<xmeml");
    const outsideTarget = await conn.call("export_cut", { cut_id: ids.cut, format: "edl", save_to: path.join(outside, "cut.edl") });
    expect(outsideTarget.isError).toBe(true);
    expect(textOf(outsideTarget)).toContain("outside the allowed directories");
  });

  it("create_render renders the cut with progress; download_render saves it without clobbering", async () => {
    const progress: Progress[] = [];
    const r = await conn.call("create_render", { asset_id: ids.asset, cut_id: ids.cut, output: "m4a", wait_seconds: 50 }, { progress });
    expect(r.isError, textOf(r)).toBeFalsy();
    const render = (r.structuredContent as { render: { id: string; state: string; cut_id: string | null } }).render;
    expect(render.state).toBe("completed");
    expect(render.cut_id).toBe(ids.cut);
    expect(textOf(r)).toContain("download_render");
    ids.render = render.id;

    const d = await conn.call("download_render", { render_id: ids.render });
    expect(d.isError, textOf(d)).toBeFalsy();
    const saved = (d.structuredContent as { saved_to: string; bytes: number }).saved_to;
    expect(path.dirname(saved)).toBe(await realpath(work));
    expect((await stat(saved)).size).toBe((d.structuredContent as { bytes: number }).bytes);
    const again = await conn.call("download_render", { render_id: ids.render });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toContain("already exists");
    const forced = await conn.call("download_render", { render_id: ids.render, overwrite: true });
    expect(forced.isError, textOf(forced)).toBeFalsy();
  });

  it("cancel_render on a finished render explains the conflict", async () => {
    const r = await conn.call("cancel_render", { render_id: ids.render });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/conflict/i);
    expect(textOf(r)).toMatch(/request id/);
    expect(textOf(r)).not.toContain("{");
  });

  it("cancel_render stops a render in progress", async () => {
    const started = await conn.call("create_render", { asset_id: ids.asset, output: "mp4" });
    const id = (started.structuredContent as { render: { id: string } }).render.id;
    const r = await conn.call("cancel_render", { render_id: id });
    // The render may finish first on a fast machine; either answer is a clear one.
    if (r.isError) expect(textOf(r)).toMatch(/conflict/i);
    else expect((r.structuredContent as { render: { state: string } }).render.state).toBe("canceled");
  });

  it("get: every kind, with the next step; a completed cut shows its segments", async () => {
    for (const [kind, id] of [
      ["project", ids.project],
      ["asset", ids.asset],
      ["cut", ids.cut],
      ["render", ids.render],
    ] as const) {
      const r = await conn.call("roughy_get", { kind, id });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect((r.structuredContent as { item: { id: string } }).item.id).toBe(id);
      expect(textOf(r)).toContain("Next:");
    }
    const cut = await conn.call("roughy_get", { kind: "cut", id: ids.cut });
    expect((cut.structuredContent as { segments: { count: number } }).segments.count).toBeGreaterThan(1);
  });

  it("list: every kind, paging with 'N more, call with offset=…', and filters checked", async () => {
    for (const kind of ["projects", "assets", "cuts", "renders", "webhooks", "ledger"]) {
      const r = await conn.call("roughy_list", { kind });
      expect(r.isError, `${kind}: ${textOf(r)}`).toBeFalsy();
    }
    const renders = await conn.call("roughy_list", { kind: "renders", asset_id: ids.asset, limit: 1 });
    const data = renders.structuredContent as { items: unknown[]; total: number; next_offset: number | null };
    expect(data.items.length).toBe(1);
    expect(data.total).toBe(2);
    expect(data.next_offset).toBe(1);
    expect(textOf(renders)).toContain("1 more, call with offset=1");
    const ledger = await conn.call("roughy_list", { kind: "ledger" });
    expect((ledger.structuredContent as { items: { kind: string }[] }).items.some((e) => e.kind === "charge")).toBe(true);
    const wrong = await conn.call("roughy_list", { kind: "projects", asset_id: ids.asset });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toContain("asset_id cannot filter projects");
    const none = await conn.call("roughy_list", { kind: "cuts", asset_id: MISSING });
    expect(none.isError).toBe(true);
    expect(textOf(none)).toContain("Not found");
  });

  it("create_project, create_webhook and delete", async () => {
    const p = await conn.call("create_project", { name: "Second", description: "for the test" });
    expect(p.isError, textOf(p)).toBeFalsy();
    const projectId = (p.structuredContent as { project: { id: string } }).project.id;
    const w = await conn.call("create_webhook", { url: "http://127.0.0.1:9/hook", events: ["cut.completed"] });
    expect(w.isError, textOf(w)).toBeFalsy();
    const hook = w.structuredContent as { webhook: { id: string }; secret: string | null };
    expect(hook.secret).toBeTruthy();
    const listed = await conn.call("roughy_list", { kind: "webhooks" });
    expect((listed.structuredContent as { items: { id: string }[] }).items.map((i) => i.id)).toContain(hook.webhook.id);
    for (const [kind, id] of [
      ["webhook", hook.webhook.id],
      ["project", projectId],
    ] as const) {
      const d = await conn.call("roughy_delete", { kind, id });
      expect(d.isError, textOf(d)).toBeFalsy();
    }
    const gone = await conn.call("roughy_get", { kind: "project", id: projectId });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toContain("roughy_list kind=projects");
  });
});

describe("errors an agent can act on", () => {
  it("a bad id names the argument and the tool that gives it", async () => {
    const r = await conn.call("create_cut", { asset_id: "my-video" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("asset_id");
    expect(textOf(r)).toContain("upload_media");
    expect(textOf(r)).not.toContain("invalid_string");
  });

  it("a missing argument and a wrong enum are named; an undeclared argument and a null optional one are ignored", async () => {
    const missing = await conn.call("export_cut", { format: "edl" });
    expect(textOf(missing)).toContain("cut_id is required");
    const badEnum = await conn.call("export_cut", { cut_id: MISSING, format: "pdf" });
    expect(textOf(badEnum)).toMatch(/format must be one of edl, xmeml/);
    const unknown = await conn.call("get_credits", { verbose: true, ledger_limit: null });
    expect(unknown.isError, textOf(unknown)).toBeFalsy();
    expect((unknown.structuredContent as { ledger: unknown[] }).ledger.length).toBeLessThanOrEqual(10);
    const wait = await conn.call("create_cut", { asset_id: MISSING, wait_seconds: 600 });
    expect(textOf(wait)).toContain("wait_seconds");
  });

  it("not found names the id and the list call that shows valid ones", async () => {
    const r = await conn.call("create_cut", { asset_id: MISSING });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(`asset_id ${MISSING}`);
    expect(textOf(r)).toContain("roughy_list kind=assets");
    expect(textOf(r)).toMatch(/request id \S+/);
  });

  it("export of a cut that is not completed says to wait", async () => {
    // A different script is a new cut; ask for its export at once, before it can complete.
    const created = await conn.call("create_cut", { asset_id: ids.asset, script: "Thanks for having me." });
    const cutId = (created.structuredContent as { cut: { id: string; state: string } }).cut;
    if (cutId.state !== "completed") {
      const r = await conn.call("export_cut", { cut_id: cutId.id, format: "edl" });
      if (r.isError) expect(textOf(r)).toContain("roughy_wait with kind=cut");
    }
  });

  it("delete removes a cut: its renders and exports are gone", async () => {
    const d = await conn.call("roughy_delete", { kind: "cut", id: ids.cut });
    expect(d.isError, textOf(d)).toBeFalsy();
    const r = await conn.call("roughy_get", { kind: "render", id: ids.render });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("roughy_list kind=renders");
    const e = await conn.call("export_cut", { cut_id: ids.cut, format: "otio" });
    expect(e.isError).toBe(true);
    expect(textOf(e)).toContain("Not found");
  });

  it("create_project, create_webhook, create_render, download_render and get: their error paths", async () => {
    const noName = await conn.call("create_project", { name: "" });
    expect(noName.isError).toBe(true);
    expect(textOf(noName)).toContain("name");
    const badUrl = await conn.call("create_webhook", { url: "ftp://example.com/x", events: ["cut.completed"] });
    expect(textOf(badUrl)).toContain("url: must be an http(s) URL");
    const badEvent = await conn.call("create_webhook", { url: "http://127.0.0.1:9/x", events: ["cut.done"] });
    expect(textOf(badEvent)).toContain("events.0 must be one of");
    const badOutput = await conn.call("create_render", { asset_id: ids.asset, output: "avi" });
    expect(textOf(badOutput)).toContain("output must be one of mp4, mov, m4a, mp3");
    const missingRender = await conn.call("download_render", { render_id: MISSING });
    expect(textOf(missingRender)).toContain("roughy_list kind=renders");
    const started = await conn.call("create_render", { asset_id: ids.asset, output: "mp3" });
    const renderId = (started.structuredContent as { render: { id: string; state: string } }).render;
    if (renderId.state !== "completed") {
      const early = await conn.call("download_render", { render_id: renderId.id });
      // Either it is still running (told to wait) or it finished in the meantime (saved).
      if (early.isError) expect(textOf(early)).toContain("not completed");
    }
    const escape = await conn.call("download_render", { render_id: renderId.id, save_to: "../escape.mp3" });
    expect(escape.isError).toBe(true);
    expect(textOf(escape)).toContain("outside the allowed directories");
    const badKind = await conn.call("roughy_get", { kind: "job", id: MISSING });
    expect(textOf(badKind)).toContain("kind must be one of project, asset, cut, render");
  });

  it("list keeps a full page under the 20,000-character answer cap and says where to go on", async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => sb.control("POST", "/v1/projects", { name: `Project ${i} ${"x".repeat(150)}`, description: "d".repeat(300) })),
    );
    const r = await conn.call("roughy_list", { kind: "projects", limit: 100 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const size = JSON.stringify({ content: r.content, structuredContent: r.structuredContent }).length;
    expect(size).toBeLessThanOrEqual(20_000);
    const data = r.structuredContent as { items: unknown[]; total: number; next_offset: number | null };
    expect(data.items.length).toBeGreaterThan(5);
    expect(data.items.length).toBeLessThan(100);
    expect(data.next_offset).toBe(data.items.length);
    expect(textOf(r)).toContain(`more, call with offset=${data.items.length}`);
  });

  it("a backend that is down gives a short generic error and logs the detail", async () => {
    const down = await connect({ allowDirs: [work] });
    try {
      const r = await down.call("get_credits", {});
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("connection_error");
      expect(textOf(r)).toContain("retry");
      expect(textOf(r)).not.toContain("ECONNREFUSED");
      expect(down.logs.join("\n")).toContain("get_credits failed");
    } finally {
      await down.close();
    }
  });
});
