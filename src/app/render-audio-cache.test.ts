// The cut_audio cache on real temporary files: one download per render however many chunks are read (and however
// many calls ask at once), least recently used files dropped by count and by bytes, failed or canceled downloads
// not kept; and the duration it reports for the fixture's m4a against ffprobe's reading.
import { execFileSync } from "node:child_process";
import { copyFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURE_M4A } from "../../test/helpers/mcp-harness.js";
import { RenderAudioCache, type Fetcher } from "./render-audio-cache.js";

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

async function readAll(cache: RenderAudioCache, id: string, fetch: Fetcher): Promise<{ text: string; path: string }> {
  const { audio, file } = await cache.open(id, fetch, live);
  try {
    return { text: (await file.readFile()).toString("utf8"), path: audio.path };
  } finally {
    await file.close();
  }
}

describe("RenderAudioCache", () => {
  it("downloads a render once, for sequential and simultaneous readers", async () => {
    const cache = new RenderAudioCache({ maxFiles: 4, maxBytes: 1e6 });
    const a = source("render a");
    expect((await readAll(cache, "a", a)).text).toBe("render a");
    expect((await readAll(cache, "a", a)).text).toBe("render a");
    const b = source("render b");
    const both = await Promise.all([readAll(cache, "b", b), readAll(cache, "b", b), readAll(cache, "b", b)]);
    expect(both.map((r) => r.text)).toEqual(["render b", "render b", "render b"]);
    expect([a.calls, b.calls]).toEqual([1, 1]);
    expect(cache.usage()).toEqual({ files: 2, bytes: 16 });
  });

  it("drops the least recently used file when over the count", async () => {
    const cache = new RenderAudioCache({ maxFiles: 2, maxBytes: 1e6 });
    const [a, b, c] = [source("a"), source("b"), source("c")];
    const pathA = (await readAll(cache, "a", a)).path;
    const pathB = (await readAll(cache, "b", b)).path;
    await readAll(cache, "a", a); // a is now the most recent
    await readAll(cache, "c", c);
    // The file goes in the background; a kept file would keep this loop going until the test times out.
    while (existsSync(pathB)) await new Promise((resolve) => setImmediate(resolve));
    expect(existsSync(pathA)).toBe(true);
    await readAll(cache, "b", b);
    expect([a.calls, b.calls, c.calls]).toEqual([1, 2, 1]);
  });

  it("drops files when over the bytes, but keeps the one just fetched even when it alone is over", async () => {
    const cache = new RenderAudioCache({ maxFiles: 10, maxBytes: 10 });
    await readAll(cache, "a", source("12345"));
    await readAll(cache, "b", source("12345"));
    expect(cache.usage()).toEqual({ files: 2, bytes: 10 });
    const big = await readAll(cache, "c", source("x".repeat(30)));
    expect(big.text).toBe("x".repeat(30));
    expect(cache.usage()).toEqual({ files: 1, bytes: 30 });
  });

  it("keeps no failed download, and a reader whose download was another call's canceled one fetches its own", async () => {
    const cache = new RenderAudioCache({ maxFiles: 4, maxBytes: 1e6 });
    await expect(cache.open("a", async () => Promise.reject(new Error("network")), live)).rejects.toThrow("network");
    const a = source("a");
    expect((await readAll(cache, "a", a)).text).toBe("a");
    expect(a.calls).toBe(1);

    let release: (() => void) | undefined;
    const first = new AbortController();
    const canceled = cache.open(
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
    expect((await waiting).text).toBe("b");
    expect(b.calls).toBe(1);
  });

  it("reports an m4a's duration as ffprobe reads it, and none for a file that is not mp4", async () => {
    const cache = new RenderAudioCache({ maxFiles: 4, maxBytes: 1e8 });
    const probed = Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", FIXTURE_M4A], { encoding: "utf8" }).trim());
    const m4a = await cache.open("m4a", (dest) => copyFile(FIXTURE_M4A, dest), live);
    await m4a.file.close();
    expect(m4a.audio.durationSeconds).not.toBeNull();
    expect(Math.abs(m4a.audio.durationSeconds! - probed)).toBeLessThan(0.002);
    const text = await cache.open("text", (dest) => writeFile(dest, "not an mp4 file at all"), live);
    await text.file.close();
    expect(text.audio.durationSeconds).toBeNull();
    expect(path.dirname(text.audio.path)).toBe(path.dirname(m4a.audio.path));
  });
});
