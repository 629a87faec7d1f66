// The cut_audio cache on real files: one download per render however many chunks are read (and however many
// calls ask at once), nothing left on disk by name once a file is in, least recently used files dropped by
// count and by bytes (a held one stays readable), failed or canceled downloads not kept; and the duration it
// reports for the fixture's m4a against ffprobe's reading.
import { execFileSync } from "node:child_process";
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_M4A } from "../../test/helpers/mcp-harness.js";
import { RenderAudioCache, type Fetcher } from "./render-audio-cache.js";

let parent: string;
beforeAll(async () => {
  parent = await mkdtemp(path.join(tmpdir(), "roughy-mcp-cache-test-"));
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

const cacheOf = (maxFiles: number, maxBytes: number) => new RenderAudioCache({ maxFiles, maxBytes }, () => parent);

/** A fetcher that writes `content` and counts its calls, for one render id. */
function source(content: string | Buffer): Fetcher & { calls: number } {
  const f = Object.assign(
    async (dest: string) => {
      f.calls += 1;
      await writeFile(dest, content);
    },
    { calls: 0 },
  );
  return f;
}

const live = new AbortController().signal;

async function readAll(cache: RenderAudioCache, id: string, fetch: Fetcher): Promise<string> {
  const lease = await cache.lease(id, fetch, live);
  try {
    return (await lease.read(0, lease.bytes)).toString("utf8");
  } finally {
    await lease.release();
  }
}

describe("RenderAudioCache", () => {
  it("downloads a render once, for sequential and simultaneous readers, and leaves no file by name", async () => {
    const cache = cacheOf(4, 1e6);
    const a = source("render a");
    expect(await readAll(cache, "a", a)).toBe("render a");
    expect(await readAll(cache, "a", a)).toBe("render a");
    const b = source("render b");
    expect(await Promise.all([readAll(cache, "b", b), readAll(cache, "b", b), readAll(cache, "b", b)])).toEqual(["render b", "render b", "render b"]);
    expect([a.calls, b.calls]).toEqual([1, 1]);
    expect(cache.usage()).toEqual({ files: 2, bytes: 16 });
    // Held open without a name: a killed process leaves nothing behind.
    expect(await readdir(parent)).toEqual([]);
  });

  it("reads ranges, short at the end", async () => {
    const cache = cacheOf(4, 1e6);
    const lease = await cache.lease("r", source("0123456789"), live);
    expect((await lease.read(3, 4)).toString()).toBe("3456");
    expect((await lease.read(8, 4)).toString()).toBe("89");
    await lease.release();
  });

  it("drops the least recently used file when over the count; one still being read stays readable", async () => {
    const cache = cacheOf(2, 1e6);
    const [a, b, c] = [source("aaa"), source("bbb"), source("ccc")];
    await readAll(cache, "a", a);
    const held = await cache.lease("b", b, live);
    await readAll(cache, "a", a); // a is now more recent than b
    await readAll(cache, "c", c); // b goes
    expect(cache.usage()).toEqual({ files: 2, bytes: 6 });
    expect((await held.read(0, 3)).toString()).toBe("bbb");
    await held.release();
    expect(await readAll(cache, "a", a)).toBe("aaa");
    expect(await readAll(cache, "b", b)).toBe("bbb");
    expect([a.calls, b.calls, c.calls]).toEqual([1, 2, 1]);
  });

  it("drops files when over the bytes, but keeps the one just fetched even when it alone is over", async () => {
    const cache = cacheOf(10, 10);
    await readAll(cache, "a", source("12345"));
    await readAll(cache, "b", source("12345"));
    expect(cache.usage()).toEqual({ files: 2, bytes: 10 });
    expect(await readAll(cache, "c", source("x".repeat(30)))).toBe("x".repeat(30));
    expect(cache.usage()).toEqual({ files: 1, bytes: 30 });
  });

  it("keeps no failed download, and a reader whose download was another call's canceled one fetches its own", async () => {
    const cache = cacheOf(4, 1e6);
    await expect(cache.lease("a", async () => Promise.reject(new Error("network")), live)).rejects.toThrow("network");
    const a = source("a");
    expect(await readAll(cache, "a", a)).toBe("a");
    expect(a.calls).toBe(1);

    let release: (() => void) | undefined;
    const first = new AbortController();
    const canceled = cache.lease(
      "b",
      () =>
        new Promise((_, reject) => {
          release = () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
        }),
      first.signal,
    );
    const b = source("b");
    const waiting = readAll(cache, "b", b);
    while (!release) await new Promise((resolve) => setImmediate(resolve));
    first.abort();
    release();
    await expect(canceled).rejects.toThrow("aborted");
    expect(await waiting).toBe("b");
    expect(b.calls).toBe(1);
    expect(await readdir(parent)).toEqual([]);
  });

  it("reports an m4a's duration as ffprobe reads it, and none for a file that is not media", async () => {
    const cache = cacheOf(4, 1e8);
    const probed = Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", FIXTURE_M4A], { encoding: "utf8" }).trim());
    const m4a = await cache.lease("m4a", (dest) => copyFile(FIXTURE_M4A, dest), live);
    await m4a.release();
    expect(m4a.durationSeconds).not.toBeNull();
    expect(Math.abs(m4a.durationSeconds! - probed)).toBeLessThan(0.002);
    const text = await cache.lease("text", (dest) => writeFile(dest, "not an mp4 file at all"), live);
    await text.release();
    expect(text.durationSeconds).toBeNull();
  });
});
