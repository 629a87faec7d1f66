// Shared fixture set-up for the server's integration tests: a temp dir the server is allowed to read (with the
// fixture video copied in, and the upload store kept inside it so resume state never leaks between files),
// and the steps that turn the fixture into a cut whose words are known (upload, attach the true transcript, cut).

import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/client";
import type { RoughyClient } from "../../src/client/index.js";
import { follow } from "../../src/progress/follow.js";
import { FIXTURE_M4A, FIXTURE_MP4, FIXTURE_SCRIPT, FIXTURE_TRUTH, textOf, type Connected, type TestSandbox } from "./mcp-harness.js";

export type Workspace = {
  dir: string;
  /** The fixture video's copy inside `dir` (copied unless `copyMedia: false`). */
  media: string;
  /** Removes the dir and puts ROUGHY_UPLOAD_STORE back as it was. */
  close(): Promise<void>;
};

export async function startWorkspace(prefix: string, options: { copyMedia?: boolean } = {}): Promise<Workspace> {
  const savedStore = process.env.ROUGHY_UPLOAD_STORE;
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  process.env.ROUGHY_UPLOAD_STORE = path.join(dir, ".uploads.json");
  const media = path.join(dir, "interview.mp4");
  if (options.copyMedia !== false) await copyFile(FIXTURE_MP4, media);
  return {
    dir,
    media,
    async close() {
      await rm(dir, { recursive: true, force: true });
      if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
      else process.env.ROUGHY_UPLOAD_STORE = savedStore;
    },
  };
}

/** Gives an asset the fixture's ground-truth words, so that a cut of it is fast and deterministic. */
export async function attachTruth(sb: TestSandbox, assetId: string): Promise<void> {
  const truth = JSON.parse(await readFile(FIXTURE_TRUTH, "utf8")) as { words: unknown[] };
  const r = await sb.control("PUT", `/sandbox/assets/${assetId}/transcript`, { words: truth.words });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
}

/** A prepared asset of the fixture audio in a new project, with its true words attached (the MCP Tasks tests). */
export async function readyAsset(sb: TestSandbox, api: RoughyClient, projectName: string): Promise<string> {
  const project = await api.projects.create({ name: projectName });
  const uploaded = await api.uploads.uploadFile({ path: FIXTURE_M4A, projectId: project.id });
  await attachTruth(sb, uploaded.asset.id);
  await follow(api, "asset", uploaded.asset.id, { timeoutMs: 60_000 });
  return uploaded.asset.id;
}

/** Uploads `media` through upload_media, attaches the true words and cuts it to the fixture script with create_cut. */
export async function uploadAndCut(conn: Connected, sb: TestSandbox, media: string): Promise<{ assetId: string; cutId: string; cut: CallToolResult }> {
  const up = await conn.call("upload_media", { path: media, confirm_cost: true, wait_seconds: 50 });
  expect(up.isError, textOf(up)).toBeFalsy();
  const assetId = (up.structuredContent as { asset: { id: string } }).asset.id;
  await attachTruth(sb, assetId);
  const cut = await conn.call("create_cut", { asset_id: assetId, script: await readFile(FIXTURE_SCRIPT, "utf8"), wait_seconds: 50 });
  expect(cut.isError, textOf(cut)).toBeFalsy();
  return { assetId, cutId: (cut.structuredContent as { cut: { id: string } }).cut.id, cut };
}
