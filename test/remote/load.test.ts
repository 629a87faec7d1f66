// Load on the HTTP mode, small enough for every run: 50 concurrent tool calls from one client and 10
// clients at once. Every call must be answered, correctly and exactly once (each creates a project with a
// unique name, so a dropped or doubled call shows in the list). RSS before and after is printed; the
// 2 GiB upload and the bigger figures are in bench/load.ts.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServerHandle } from "../../src/http/server.js";
import { startTestSandbox, type TestSandbox } from "../helpers/mcp-harness.js";
import { connectRemote, dataOf } from "./helpers.js";

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function projectNames(sb: TestSandbox): Promise<string[]> {
  const names: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await sb.control("GET", `/v1/projects?limit=100&offset=${offset}`)).body as { items: { name: string }[]; total: number };
    names.push(...page.items.map((p) => p.name));
    if (offset + 100 >= page.total) return names;
  }
}

describe("remote mode under load", () => {
  let sb: TestSandbox;
  let server: HttpServerHandle;

  beforeAll(async () => {
    sb = await startTestSandbox();
    server = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl });
  });
  afterAll(async () => {
    await server?.close();
    await sb?.close();
  });

  it("answers 50 concurrent calls from one client and 10 clients at once, each exactly once", async () => {
    const rssBefore = process.memoryUsage().rss;

    const one = await connectRemote(server.url, sb.sandbox.apiKey);
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0 ? one.call("create_project", { name: `burst-${i}` }) : one.call("get_credits", { ledger_limit: 1 }),
        ),
      );
      results.forEach((r, i) => {
        if (i % 2 === 0) expect(dataOf<{ project: { name: string } }>(r).project.name).toBe(`burst-${i}`);
        else expect(typeof dataOf<{ balance: number }>(r).balance).toBe("number");
      });
    } finally {
      await one.close();
    }

    const clients = await Promise.all(Array.from({ length: 10 }, () => connectRemote(server.url, sb.sandbox.apiKey)));
    try {
      const perClient = await Promise.all(
        clients.map(async (c, n) => {
          const tools = await c.client.listTools();
          const made = await Promise.all(Array.from({ length: 5 }, (_, i) => c.call("create_project", { name: `client-${n}-${i}` })));
          const credits = await c.call("get_credits", { ledger_limit: 0 });
          return { tools: tools.tools.length, made: made.map((r) => dataOf<{ project: { name: string } }>(r).project.name), credits: dataOf<{ balance: number }>(credits) };
        }),
      );
      for (const [n, r] of perClient.entries()) {
        expect(r.tools).toBeGreaterThanOrEqual(15);
        expect(r.made).toEqual(Array.from({ length: 5 }, (_, i) => `client-${n}-${i}`));
        expect(typeof r.credits.balance).toBe("number");
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }

    const expected = [
      ...Array.from({ length: 25 }, (_, k) => `burst-${k * 2}`),
      ...Array.from({ length: 10 }, (_, n) => Array.from({ length: 5 }, (_, i) => `client-${n}-${i}`)).flat(),
    ].sort();
    expect((await projectNames(sb)).sort()).toEqual(expected);
    // One key, one cached client, however many requests.
    expect(server.cachedClients()).toBe(1);

    const rssAfter = process.memoryUsage().rss;
    console.log(`remote load: 50 concurrent + 10 clients x 7 requests; RSS ${mb(rssBefore)} -> ${mb(rssAfter)} (test process, sandbox included)`);
  });
});
