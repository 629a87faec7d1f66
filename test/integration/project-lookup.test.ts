// Finding a project by name walks every page: with more projects than one page of the API (100), the one
// named is older than the first page holds, and upload_media, cut_to_script and the operation itself must
// reuse it rather than create a duplicate. A real sandbox, a real MCP client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { RoughyClient, MemoryResumeStore, paginate, type Project } from "../../src/client/index.js";
import { findOrCreateProject } from "../../src/operations/projects.js";
import { FIXTURE_MP4, connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, type Workspace } from "../helpers/workspace.js";

const NAME = "the oldest project";
let test: TestSandbox;
let api: RoughyClient;
let conn: Connected;
let ws: Workspace;
let work: string;
let target: Project;

async function named(name: string): Promise<Project[]> {
  const all: Project[] = [];
  for await (const p of paginate((q) => api.projects.list(q))) if (p.name === name) all.push(p);
  return all;
}

beforeAll(async () => {
  ws = await startWorkspace("roughy-projects-", { copyMedia: false });
  work = ws.dir;
  test = await startTestSandbox();
  api = new RoughyClient({ apiKey: test.sandbox.apiKey, baseUrl: test.sandbox.baseUrl, resumeStore: new MemoryResumeStore() });
  target = await api.projects.create({ name: NAME });
  // 104 newer projects push the one named off the first page (lists are newest first).
  for (let i = 0; i < 104; i++) await api.projects.create({ name: `filler ${i}` });
  conn = await connect({ sandbox: test.sandbox, allowDirs: [work] });
});

afterAll(async () => {
  await conn?.close();
  await test?.close();
  await ws?.close();
});

describe("find or create a project by name, over every page", () => {
  it("the name is beyond the first page of 100", async () => {
    const first = await api.projects.list({ limit: 100 });
    expect(first.total).toBe(105);
    expect(first.items.some((p) => p.id === target.id)).toBe(false);
  });

  it("the operation finds it on a later page and creates nothing", async () => {
    const found = await findOrCreateProject(api, NAME);
    expect(found).toMatchObject({ created: false, project: { id: target.id } });
    expect((await api.projects.list({ limit: 1 })).total).toBe(105);
  });

  it("upload_media with project_name reuses it", async () => {
    const media = path.join(work, "upload.mp4");
    await copyFile(FIXTURE_MP4, media);
    const result = await conn.call("upload_media", { path: media, project_name: NAME, confirm_cost: true });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ project_id: target.id, project_created: false });
    expect(await named(NAME)).toHaveLength(1);
  });

  it("the cut_to_script job with project_name reuses it", async () => {
    const media = path.join(work, "job.mp4");
    await copyFile(FIXTURE_MP4, media);
    const result = await conn.call("cut_to_script", { file_path: media, project_name: NAME, confirm_cost: true, exports: [], render: "none", wait_seconds: 0 });
    expect(result.isError, textOf(result)).toBeFalsy();
    const id = (result.structuredContent as { id: string }).id;
    let waited;
    do waited = await conn.server.jobs.wait<{ project_id: string | null; project_created: boolean }>(id, { timeoutMs: 50_000 });
    while (waited?.timedOut);
    expect(waited?.job.status, JSON.stringify(waited?.job.error)).toBe("completed");
    expect(waited?.job.detail).toMatchObject({ project_id: target.id, project_created: false });
    expect(await named(NAME)).toHaveLength(1);
  });

  it("an unknown name is created once", async () => {
    const made = await findOrCreateProject(api, "brand new");
    expect(made.created).toBe(true);
    const again = await findOrCreateProject(api, "brand new");
    expect(again).toMatchObject({ created: false, project: { id: made.project.id } });
  });
});
