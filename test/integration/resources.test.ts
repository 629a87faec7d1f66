// Resources through a real MCP Client against the sandbox: every export and subtitle format read with its
// MIME type, the JSON views, unknown URIs rejected as protocol errors, completion of ids and formats, the
// listing of recent completed cuts, and a subscription that hears a cut change state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { ProtocolError } from "@modelcontextprotocol/client";
import { FIXTURE_M4A, connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, uploadAndCut, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let conn: Connected;
let ws: Workspace;
let assetId: string;
let cutId: string;
let audioCutId: string;
const MISSING = "00000000-0000-4000-8000-000000000000";

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-res-");
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
  ({ assetId, cutId } = await uploadAndCut(conn, sb, ws.media));
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

describe("resources", () => {
  it("reads every export and subtitle format with its MIME type", async () => {
    const expected: Record<string, [string, (t: string) => boolean]> = {
      "export/edl": ["text/plain", (t) => t.includes("FCM:")],
      "export/xmeml": ["application/xml", (t) => t.includes("<xmeml")],
      "export/fcpxml": ["application/xml", (t) => t.includes("<fcpxml")],
      "export/otio": ["application/json", (t) => (JSON.parse(t) as { OTIO_SCHEMA: string }).OTIO_SCHEMA.startsWith("Timeline")],
      "subtitle/srt": ["application/x-subrip", (t) => /^1\r?\n\d\d:\d\d:\d\d,\d{3} --> /.test(t)],
      "subtitle/vtt": ["text/vtt", (t) => t.startsWith("WEBVTT")],
    };
    for (const [suffix, [mime, check]] of Object.entries(expected)) {
      const uri = `roughy://cuts/${cutId}/${suffix}`;
      const r = await conn.client.readResource({ uri });
      expect(r.contents).toHaveLength(1);
      const content = r.contents[0] as { uri: string; mimeType: string; text: string };
      expect(content.uri).toBe(uri);
      expect(content.mimeType, suffix).toBe(mime);
      expect(check(content.text), suffix).toBe(true);
    }
  });

  it("reads JSON views of an asset and a cut", async () => {
    const asset = await conn.client.readResource({ uri: `roughy://assets/${assetId}` });
    const a = asset.contents[0] as { mimeType: string; text: string };
    expect(a.mimeType).toBe("application/json");
    expect((JSON.parse(a.text) as { id: string; state: string }).state).toBe("ready");
    const cut = await conn.client.readResource({ uri: `roughy://cuts/${cutId}` });
    expect((JSON.parse((cut.contents[0] as { text: string }).text) as { state: string }).state).toBe("completed");
    const project = JSON.parse(((await conn.client.readResource({ uri: `roughy://assets/${assetId}` })).contents[0] as { text: string }).text) as { project_id: string };
    const p = await conn.client.readResource({ uri: `roughy://projects/${project.project_id}` });
    expect((JSON.parse((p.contents[0] as { text: string }).text) as { id: string }).id).toBe(project.project_id);
  });

  it("rejects unknown URIs and formats as protocol errors; a missing id is resource-not-found", async () => {
    for (const uri of [
      `roughy://cuts/${cutId}/export/pdf`,
      `roughy://cuts/${cutId}/subtitle/ass`,
      "roughy://cuts/not-a-uuid",
      `roughy://things/${cutId}`,
      `https://example.com/cuts/${cutId}`,
      `roughy://cuts/${cutId}/export/edl?foo=1`,
    ]) {
      const error = await conn.client.readResource({ uri }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, uri).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code, uri).toBe(-32602);
      // The agent reads the server's message as written: no "MCP error <code>:" prefix, once or twice.
      expect((error as ProtocolError).message, uri).toMatch(/^Unknown resource URI /);
      expect((error as ProtocolError).message, uri).not.toMatch(/MCP error/);
    }
    const missing = await conn.client.readResource({ uri: `roughy://cuts/${MISSING}` }).then(
      () => null,
      (e: unknown) => e,
    );
    // The 2026-07-28 spec's resource-not-found: -32602 with the URI in data (the SDK sends it on both eras).
    expect((missing as ProtocolError).code).toBe(-32602);
    expect((missing as ProtocolError).data).toEqual({ uri: `roughy://cuts/${MISSING}` });
  });

  it("lists recent completed cuts' exports and subtitles, and the templates", async () => {
    const { resources } = await conn.client.listResources();
    const uris = resources.map((r) => r.uri);
    for (const f of ["edl", "xmeml", "fcpxml", "otio"]) expect(uris).toContain(`roughy://cuts/${cutId}/export/${f}`);
    for (const f of ["srt", "vtt"]) expect(uris).toContain(`roughy://cuts/${cutId}/subtitle/${f}`);
    const { resourceTemplates } = await conn.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(
      expect.arrayContaining(["roughy://cuts/{cut_id}/export/{format}", "roughy://cuts/{cut_id}/subtitle/{format}", "roughy://renders/{render_id}"]),
    );
  });

  it("completes cut ids and formats", async () => {
    const ids = await conn.client.complete({
      ref: { type: "ref/resource", uri: "roughy://cuts/{cut_id}/export/{format}" },
      argument: { name: "cut_id", value: cutId.slice(0, 4) },
    });
    expect(ids.completion.values).toContain(cutId);
    const formats = await conn.client.complete({
      ref: { type: "ref/resource", uri: "roughy://cuts/{cut_id}/export/{format}" },
      argument: { name: "format", value: "f" },
    });
    expect(formats.completion.values).toEqual(["fcpxml"]);
    const subs = await conn.client.complete({
      ref: { type: "ref/resource", uri: "roughy://cuts/{cut_id}/subtitle/{format}" },
      argument: { name: "format", value: "" },
    });
    expect(subs.completion.values).toEqual(["srt", "vtt"]);
  });

  it("a subscription to a cut hears when it changes state, and stops on unsubscribe", async () => {
    // The sandbox holds the cut in processing until the subscription is in place, so it is certainly still
    // running when the client subscribes, however fast the machine.
    await copyFile(FIXTURE_M4A, path.join(ws.dir, "second.m4a"));
    const up = await conn.call("upload_media", { path: path.join(ws.dir, "second.m4a"), confirm_cost: true, wait_seconds: 50 });
    expect(up.isError, textOf(up)).toBeFalsy();
    const secondAsset = (up.structuredContent as { asset: { id: string } }).asset.id;
    expect((await sb.control("POST", "/sandbox/holds", { cuts: true })).status).toBe(200);
    const created = await conn.call("create_cut", { asset_id: secondAsset });
    expect(created.isError, textOf(created)).toBeFalsy();
    const cut = (created.structuredContent as { cut: { id: string; state: string } }).cut;
    audioCutId = cut.id;
    const uri = `roughy://cuts/${cut.id}`;
    const updates: string[] = [];
    let announceListChanged: () => void = () => {};
    const listChanged = new Promise<void>((resolve) => (announceListChanged = resolve));
    conn.client.setNotificationHandler("notifications/resources/list_changed", () => announceListChanged());
    let resolveUpdate: () => void = () => {};
    const heard = new Promise<void>((resolve) => (resolveUpdate = resolve));
    conn.client.setNotificationHandler("notifications/resources/updated", (n) => {
      updates.push(n.params.uri);
      resolveUpdate();
    });
    await conn.client.subscribeResource({ uri });
    const before = JSON.parse(((await conn.client.readResource({ uri })).contents[0] as { text: string }).text) as { state: string };
    expect(["pending", "processing"]).toContain(before.state);
    await sb.control("DELETE", "/sandbox/holds");
    await heard;
    expect(updates).toContain(uri);
    // Completion also tells the client that resources/list changed; by then the cut reads completed.
    await listChanged;
    const after = JSON.parse(((await conn.client.readResource({ uri })).contents[0] as { text: string }).text) as { state: string };
    expect(after.state).toBe("completed");
    expect((await conn.client.listResources()).resources.map((r) => r.uri)).toContain(`roughy://cuts/${cut.id}/subtitle/vtt`);
    await conn.client.unsubscribeResource({ uri });
    const bad = await conn.client.subscribeResource({ uri: "roughy://nothing/here" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(ProtocolError);
  });

  it("a cut completed by a tool, without any subscription, announces resources/list_changed once", async () => {
    const other = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
    try {
      let listChanged = 0;
      let announced: () => void = () => {};
      const firstAnnounced = new Promise<void>((resolve) => (announced = resolve));
      other.client.setNotificationHandler("notifications/resources/list_changed", () => {
        listChanged++;
        announced();
      });
      // list_changed goes only to a client that has a list to refresh.
      await other.client.listResources();
      // Without a script: a cut this asset does not have yet, so it is new and completes during the call.
      const made = await other.call("create_cut", { asset_id: assetId, wait_seconds: 50 });
      expect(made.isError, textOf(made)).toBeFalsy();
      const cut = (made.structuredContent as { cut: { id: string; state: string } }).cut;
      expect(cut.state).toBe("completed");
      await firstAnnounced;
      expect(listChanged).toBe(1);
      expect((await other.client.listResources()).resources.map((r) => r.uri)).toContain(`roughy://cuts/${cut.id}/subtitle/vtt`);
      // The same cut seen complete again (wait) is not news.
      const again = await other.call("roughy_wait", { kind: "cut", id: cut.id, wait_seconds: 0 });
      expect(again.isError, textOf(again)).toBeFalsy();
      expect(listChanged).toBe(1);
    } finally {
      await other.close();
    }
  });

  it("an audio-only cut needs frame_rate for frame-based formats, as a tool argument or a URI query", async () => {
    const state = JSON.parse(((await conn.client.readResource({ uri: `roughy://cuts/${audioCutId}` })).contents[0] as { text: string }).text) as { state: string };
    expect(state.state).toBe("completed");
    const without = await conn.call("export_cut", { cut_id: audioCutId, format: "edl" });
    expect(without.isError).toBe(true);
    expect(textOf(without)).toContain("frame_rate_required");
    expect(textOf(without)).toContain("e.g. 25, 29.97 or 30");
    const withRate = await conn.call("export_cut", { cut_id: audioCutId, format: "edl", frame_rate: 25 });
    expect(withRate.isError, textOf(withRate)).toBeFalsy();
    expect((withRate.structuredContent as { uri: string }).uri).toBe(`roughy://cuts/${audioCutId}/export/edl?frame_rate=25`);
    const read = await conn.client.readResource({ uri: `roughy://cuts/${audioCutId}/export/xmeml?frame_rate=25` });
    expect((read.contents[0] as { text: string }).text).toContain("<xmeml");
    const bad = await conn.client.readResource({ uri: `roughy://cuts/${audioCutId}/export/edl` }).then(
      () => null,
      (e: unknown) => e as ProtocolError,
    );
    expect(bad?.message).toContain("frame_rate");
  });
});
