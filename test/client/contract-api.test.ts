// The client against the sandbox: one test per documented behaviour of the plain JSON endpoints, their
// error paths, and the client's resilience to injected faults.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  NotFoundError,
  paginate,
  RoughyClient,
  ServerError,
  TimeoutError,
  ValidationError,
} from "../../src/client/index.js";
import { startHarness, UNKNOWN_ID, type Harness, failure } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe("health, auth, account", () => {
  it("answers liveness and readiness without a key", async () => {
    const c = new RoughyClient({ apiKey: "sk_wrong", baseUrl: h.sb.baseUrl });
    expect(await c.health.live()).toEqual({ ok: true, status: 200 });
    expect((await c.health.ready()).ok).toBe(true);
    await c.close();
  });

  it("refuses a missing key with 401 unauthenticated in the envelope", async () => {
    const r = await fetch(`${h.sb.baseUrl}/v1/credits`);
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });

  it("refuses a wrong key as AuthenticationError with a request id, never echoing the key", async () => {
    const c = h.newClient({ apiKey: "sk_not_the_right_key_42" });
    const err = await failure(c.credits.get());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe("unauthenticated");
    expect(err.status).toBe(401);
    expect(err.requestId).toBeTruthy();
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain("sk_not_the_right_key_42");
  });

  it("reads the credit balance and the user", async () => {
    const credits = await h.client.credits.get();
    expect(credits.balance).toBe(120);
    expect(credits.currency).toBe("credits");
    const me = await h.client.users.me();
    expect(typeof me.id).toBe("string");
    const ledger = await h.client.credits.ledger();
    expect(ledger).toMatchObject({ limit: 20, offset: 0 });
  });
});

describe("projects and pagination", () => {
  it("creates, reads, lists newest first, paginates, deletes", async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await h.client.projects.create({ name: `p${i}`, description: i === 0 ? "first" : null }));
    expect(made[0]).toMatchObject({ name: "p0", description: "first" });
    expect((await h.client.projects.get(made[2]!.id)).name).toBe("p2");

    const page = await h.client.projects.list({ limit: 2, offset: 1 });
    expect(page.limit).toBe(2);
    expect(page.offset).toBe(1);
    expect(page.total).toBeGreaterThanOrEqual(5);
    expect(page.items.map((p) => p.name)).toEqual(["p3", "p2"]);

    const names: string[] = [];
    for await (const p of paginate((q) => h.client.projects.list(q), { pageSize: 2 })) names.push(p.name);
    expect(names.slice(0, 5)).toEqual(["p4", "p3", "p2", "p1", "p0"]);

    await h.client.projects.delete(made[4]!.id);
    expect(await failure(h.client.projects.get(made[4]!.id))).toBeInstanceOf(NotFoundError);
  });

  it("rejects limit 0 and 101 with validation_error naming query.limit", async () => {
    for (const limit of [0, 101]) {
      const err = await failure(h.client.projects.list({ limit }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.status).toBe(422);
      expect(err.code).toBe("validation_error");
      expect(err.fields.map((f) => f.field)).toContain("query.limit");
    }
  });

  it("rejects a malformed id with validation_error naming path.…", async () => {
    const err = await failure(h.client.assets.get("not-a-uuid"));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.code).toBe("validation_error");
    expect(err.fields.some((f) => f.field.startsWith("path."))).toBe(true);
  });

  it("answers an unknown asset with NotFoundError", async () => {
    const err = await failure(h.client.assets.get(UNKNOWN_ID));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.code).toBe("not_found");
    expect(err.requestId).toBeTruthy();
  });

  it("answers a cut or render list filtered on nothing with 404", async () => {
    expect(await failure(h.client.cuts.list({ asset_id: UNKNOWN_ID }))).toBeInstanceOf(NotFoundError);
    expect(await failure(h.client.renders.list({ asset_id: UNKNOWN_ID }))).toBeInstanceOf(NotFoundError);
  });

  it("rejects a script of 100001 characters with validation_error naming body.script", async () => {
    const err = await failure(h.client.cuts.create({ asset_id: UNKNOWN_ID, script: "a".repeat(100_001) }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fields.map((f) => f.field)).toContain("body.script");
  });
});

describe("webhooks", () => {
  it("creates (secret shown once), lists and deletes an endpoint", async () => {
    const wh = await h.client.webhooks.create({ url: "http://127.0.0.1:9/hook", events: ["cut.completed", "render.completed"] });
    expect(wh.secret).toBeTruthy();
    expect(wh.events).toEqual(["cut.completed", "render.completed"]);
    const listed = await h.client.webhooks.list();
    const again = listed.items.find((w) => w.id === wh.id);
    expect(again).toBeDefined();
    expect(again?.secret ?? null).toBeNull();
    await h.client.webhooks.delete(wh.id);
    expect((await h.client.webhooks.list()).items.some((w) => w.id === wh.id)).toBe(false);
  });
});

describe("resilience to injected faults", () => {
  it("retries a GET after an injected 503, waiting out Retry-After", async () => {
    await h.fault({ path: "/v1/credits", method: "GET", count: 1, status: 503, retry_after: 1 });
    const t0 = Date.now();
    expect((await h.client.credits.get()).balance).toBeTypeOf("number");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it("does not retry a project create on 503, but does on 429 (honouring Retry-After)", async () => {
    const before = (await h.client.projects.list()).total;
    await h.fault({ path: "/v1/projects", method: "POST", count: 1, status: 503, retry_after: 1 });
    const err = await failure(h.client.projects.create({ name: "once" }));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.retryAfter).toBe(1);
    expect((await h.client.projects.list()).total).toBe(before);

    await h.fault({ path: "/v1/projects", method: "POST", count: 1, status: 429, retry_after: 1 });
    const t0 = Date.now();
    await h.client.projects.create({ name: "after-429" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect((await h.client.projects.list()).total).toBe(before + 1);
  });

  it("retries a GET whose connection was dropped", async () => {
    await h.fault({ path: "/v1/users/me", method: "GET", count: 2, drop: true });
    expect((await h.client.users.me()).id).toBeTruthy();
  });

  it("gives up with a TimeoutError when an answer takes longer than timeoutMs", async () => {
    const c = h.newClient({ timeoutMs: 300, maxRetries: 0 });
    await h.fault({ path: "/v1/credits", method: "GET", count: 1, delay_ms: 3000 });
    const t0 = Date.now();
    const err = await failure(c.credits.get());
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.code).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(2500);
    await h.control("DELETE", "/sandbox/faults");
  });
});

describe("state on disk", () => {
  it("keeps projects across a sandbox restart on the same data dir", async () => {
    const p = await h.client.projects.create({ name: "survivor" });
    await h.restart();
    const c = h.newClient();
    expect((await c.projects.get(p.id)).name).toBe("survivor");
  });
});
