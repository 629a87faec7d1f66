import { describe, expect, it, vi, afterEach } from "vitest";
import { createProgressSink, phaseScale, type ProgressNotification } from "../../src/progress/sink.js";

function collect() {
  const sent: ProgressNotification["params"][] = [];
  return { sent, send: (n: ProgressNotification) => void sent.push(n.params) };
}

afterEach(() => vi.useRealTimers());

describe("createProgressSink", () => {
  it("sends nothing without a progress token", () => {
    const { sent, send } = collect();
    const sink = createProgressSink({ sendNotification: send, minIntervalMs: 0 });
    sink.report("a", 1, 10);
    sink.report("b", 10, 10);
    sink.flush();
    expect(sent).toEqual([]);
  });

  it("sends notifications/progress with the token, total and message", () => {
    const notes: ProgressNotification[] = [];
    const sink = createProgressSink({ progressToken: "t1", sendNotification: (n) => void notes.push(n), minIntervalMs: 0 });
    sink.report("Uploading", 5, 10);
    expect(notes).toEqual([
      { method: "notifications/progress", params: { progressToken: "t1", progress: 5, total: 10, message: "Uploading" } },
    ]);
  });

  it("drops reports that do not increase progress", () => {
    const { sent, send } = collect();
    const sink = createProgressSink({ progressToken: 7, sendNotification: send, minIntervalMs: 0 });
    sink.report("one", 3, 10);
    sink.report("one", 3, 10);
    sink.report("back", 2, 10);
    sink.report("two", 4, 10);
    expect(sent.map((p) => p.progress)).toEqual([3, 4]);
    expect(sent.map((p) => p.message)).toEqual(["one", "two"]);
  });

  it("lets a message without a number through by creeping forward, below total", () => {
    const { sent, send } = collect();
    const sink = createProgressSink({ progressToken: 1, sendNotification: send, minIntervalMs: 0 });
    sink.report("Uploaded", 50, 100);
    sink.report("Preparing");
    sink.report("Preparing"); // same message again: nothing new to say
    sink.report("Cutting");
    expect(sent.map((p) => p.message)).toEqual(["Uploaded", "Preparing", "Cutting"]);
    const values = sent.map((p) => p.progress);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
    expect(values[2]!).toBeLessThan(100);
    expect(sent[1]!.total).toBe(100);
  });

  it("rate-limits: holds reports inside the interval, sends only the newest, final goes at once", () => {
    vi.useFakeTimers();
    const { sent, send } = collect();
    const sink = createProgressSink({ progressToken: "r", sendNotification: send, minIntervalMs: 100, now: () => Date.now() });
    sink.report("p1", 1, 100);
    for (let i = 2; i <= 40; i++) sink.report(`p${i}`, i, 100);
    expect(sent.map((p) => p.progress)).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(sent.map((p) => p.progress)).toEqual([1, 40]);
    sink.report("p41", 41, 100);
    sink.report("done", 100, 100);
    expect(sent.map((p) => p.progress)).toEqual([1, 40, 100]);
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(3);
  });

  it("stops sending after abort, and survives a failing transport", async () => {
    const controller = new AbortController();
    let calls = 0;
    const sink = createProgressSink({
      progressToken: "x",
      signal: controller.signal,
      minIntervalMs: 0,
      sendNotification: () => {
        calls++;
        return Promise.reject(new Error("transport closed"));
      },
    });
    sink.report("a", 1);
    controller.abort();
    sink.report("b", 2);
    // Settles the rejected send: a failing transport must not surface as an unhandled rejection.
    await sink.flush();
    expect(calls).toBe(1);
  });
});

describe("phaseScale", () => {
  it("maps phases onto one increasing 0..100 scale", () => {
    const { sent, send } = collect();
    const sink = createProgressSink({ progressToken: "p", sendNotification: send, minIntervalMs: 0 });
    const scale = phaseScale(sink, { upload: 50, prepare: 20, cut: 10, render: 20 });
    const upload = scale.phase("upload");
    upload.report("Uploading 0%", 0, 1000);
    upload.report("Uploading 50%", 500, 1000);
    upload.report("Uploading 100%", 1000, 1000);
    scale.phase("prepare").report("Preparing media");
    scale.phase("cut").report("Cut processing");
    const render = scale.phase("render");
    render.report("Rendering 50%", 50, 100);
    render.report("Rendering 40%", 40, 100); // never back
    scale.done("Done");
    const values = sent.map((p) => p.progress);
    // "Preparing media" lands on the upload's end (50) and creeps just past it.
    expect(values[0]).toBe(0);
    expect(values.slice(1, 3)).toEqual([25, 50]);
    expect(values[3]).toBeGreaterThan(50);
    expect(values[3]).toBeLessThan(51);
    expect(values.slice(4)).toEqual([70, 90, 100]);
    expect(sent.every((p) => p.total === 100)).toBe(true);
    expect(sent.map((p) => p.message)).toEqual(["Uploading 0%", "Uploading 50%", "Uploading 100%", "Preparing media", "Cut processing", "Rendering 50%", "Done"]);
  });
});
