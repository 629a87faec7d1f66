// The request pipeline on the wire: error envelope and X-Request-Id everywhere, auth, validation fields,
// routing errors, pagination, health, users and credits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectEnvelope, type Harness, start } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await start({ startingBalance: 42 });
});
afterAll(async () => {
  await h.sb.close();
});

describe("sandbox request pipeline", () => {
  it("answers health without a key, and everything else needs the bearer key", async () => {
    const live = await fetch(h.url("/health"));
    expect(live.status).toBe(200);
    expect(live.headers.get("x-request-id")).toMatch(/^req_/);
    expect((await fetch(h.url("/health/ready"))).status).toBe(200);

    const none = await fetch(h.url("/v1/credits"));
    const body = (await none.json()) as { error: { code: string } };
    expect(none.status).toBe(401);
    expect(body.error.code).toBe("unauthenticated");
    expect(none.headers.get("x-request-id")).toMatch(/^req_/);
    expect(JSON.stringify(body)).not.toContain(h.sb.apiKey);

    const wrong = await h.req("GET", "/v1/credits", undefined, { authorization: "Bearer sk_wrong" });
    expectEnvelope(wrong, 401, "unauthenticated");
    expect((await h.req("GET", "/v1/credits")).json).toEqual({ balance: 42, currency: "credits" });
  });

  it("keeps every error in the one envelope with a distinct request id", async () => {
    const unknown = await h.req("GET", "/v1/nope");
    expectEnvelope(unknown, 404, "not_found");
    const method = await h.req("PUT", "/v1/projects");
    expectEnvelope(method, 405, "bad_request");
    const malformed = await h.req("POST", "/v1/projects", "{not json", { "content-type": "application/json" });
    expectEnvelope(malformed, 400, "bad_request");
    expect(malformed.json.error.fields).toBeUndefined();
    const badId = await h.req("GET", "/v1/projects/not-a-uuid");
    expectEnvelope(badId, 422, "validation_error");
    expect(badId.json.error.fields).toEqual([{ field: "path.project_id", message: expect.any(String) }]);
    const missing = await h.req("GET", "/v1/projects/00000000-0000-4000-8000-000000000000");
    expectEnvelope(missing, 404, "not_found");
    expect(new Set([unknown, method, malformed, badId, missing].map((r) => r.headers.get("x-request-id"))).size).toBe(5);
  });

  it("names invalid fields rooted at body. and query.", async () => {
    const r = await h.req("POST", "/v1/projects", { name: "", description: 5 });
    expectEnvelope(r, 422, "validation_error");
    expect(r.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["body.description", "body.name"]);
    const asset = await h.req("POST", "/v1/assets", { size_bytes: 10 });
    expect(asset.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["body.project_id", "body.size_bytes"]);
    expect(asset.json.error.fields.find((f: { field: string }) => f.field === "body.size_bytes").message).toBe("Upload-Length must be at least 64 bytes.");
    for (const q of ["limit=0", "limit=101", "limit=x", "offset=-1"]) {
      const page = await h.req("GET", `/v1/projects?${q}`);
      expectEnvelope(page, 422, "validation_error");
      expect(page.json.error.fields[0].field).toBe(`query.${q.split("=")[0]}`);
    }
  });

  it("paginates newest first with the total of all matches", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.req("POST", "/v1/projects", { name: `p${i}` })).json.id);
    const first = await h.req("GET", "/v1/projects?limit=2");
    expect(first.json.total).toBeGreaterThanOrEqual(5);
    expect(first.json.limit).toBe(2);
    expect(first.json.offset).toBe(0);
    expect(first.json.items.map((p: { id: string }) => p.id)).toEqual([ids[4], ids[3]]);
    const second = await h.req("GET", "/v1/projects?limit=2&offset=2");
    expect(second.json.items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    expect((await h.req("GET", "/v1/projects")).json.limit).toBe(20);
  });

  it("creates, reads and deletes a project, and serves the user", async () => {
    const created = await h.req("POST", "/v1/projects", { name: "Interview", description: "d" });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toContain(`/v1/projects/${created.json.id}`);
    expect(created.json).toEqual({ id: expect.any(String), name: "Interview", description: "d", created_at: expect.stringMatching(/Z$/) });
    expect((await h.req("GET", `/v1/projects/${created.json.id}`)).json.name).toBe("Interview");
    expect((await h.req("DELETE", `/v1/projects/${created.json.id}`)).status).toBe(204);
    expectEnvelope(await h.req("GET", `/v1/projects/${created.json.id}`), 404, "not_found");
    const me = await h.req("GET", "/v1/users/me");
    expect(me.json).toEqual({ id: expect.any(String), email: expect.any(String), name: expect.any(String), created_at: expect.any(String) });
  });

  it("injects faults: status with Retry-After, delay, dropped connection; and clears them", async () => {
    expect((await h.req("POST", "/sandbox/faults", { path: "/v1/credits", method: "GET", count: 1, status: 503, retry_after: 3 })).status).toBe(201);
    const faulted = await h.req("GET", "/v1/credits");
    expectEnvelope(faulted, 503, "upstream_unavailable");
    expect(faulted.headers.get("retry-after")).toBe("3");
    expect((await h.req("GET", "/v1/credits")).status).toBe(200);

    await h.req("POST", "/sandbox/faults", { path: "/v1/credits", count: 1, delay_ms: 300 });
    const t0 = Date.now();
    expect((await h.req("GET", "/v1/credits")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);

    await h.req("POST", "/sandbox/faults", { path: "/v1/credits", count: 1, drop: true });
    await expect(fetch(h.url("/v1/credits"), { headers: h.auth })).rejects.toThrow();

    await h.req("POST", "/sandbox/faults", { path: "/v1/", count: 5, status: 429 });
    expect((await h.req("DELETE", "/sandbox/faults")).status).toBe(204);
    expect((await h.req("GET", "/v1/credits")).status).toBe(200);
    expectEnvelope(await h.req("POST", "/sandbox/faults", { path: "x", count: 1 }), 422, "validation_error");
  });
});
