// Which backend the server talks to, from the environment: an API key (or a key file) means the configured
// API; empty values (an unfilled bundle setting) count as unset; the key never appears in an answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { backendConfigFromEnv } from "../../src/server/backend.js";
import { connect, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
let dir: string;

beforeAll(async () => {
  sb = await startTestSandbox();
  dir = await mkdtemp(path.join(tmpdir(), "roughy-mcp-backend-"));
});
afterAll(async () => {
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("backend selection", () => {
  it("reads the mode from the environment; empty strings are unset", () => {
    expect(backendConfigFromEnv({}).mode).toBe("sandbox");
    expect(backendConfigFromEnv({ ROUGHY_API_KEY: "", ROUGHY_BASE_URL: "" }).mode).toBe("sandbox");
    expect(backendConfigFromEnv({ ROUGHY_API_KEY: "sk_x" })).toMatchObject({ mode: "remote", apiKey: "sk_x" });
    expect(backendConfigFromEnv({ ROUGHY_API_KEY_FILE: "/k" })).toMatchObject({ mode: "remote", apiKeyFile: "/k" });
    expect(backendConfigFromEnv({ ROUGHY_SANDBOX_DIR: "/d" })).toMatchObject({ mode: "sandbox", sandboxDataDir: "/d" });
  });

  it("ROUGHY_API_KEY_FILE: the key is read at first use and never shown", async () => {
    const keyFile = path.join(dir, "key");
    await writeFile(keyFile, `${sb.sandbox.apiKey}\n`);
    const conn = await connect({ server: { backend: undefined, env: { ROUGHY_API_KEY_FILE: keyFile, ROUGHY_BASE_URL: sb.sandbox.baseUrl } } });
    try {
      const r = await conn.call("get_credits", {});
      expect(r.isError, textOf(r)).toBeFalsy();
      expect((r.structuredContent as { mode: string }).mode).toBe("remote");
      expect(JSON.stringify(r)).not.toContain(sb.sandbox.apiKey);
    } finally {
      await conn.close();
    }
  });

  it("ROUGHY_API_KEY_FILE that cannot be read is a configuration error the agent sees, not an internal error", async () => {
    const missing = path.join(dir, "no-such-key");
    const conn = await connect({ server: { backend: undefined, env: { ROUGHY_API_KEY_FILE: missing, ROUGHY_BASE_URL: sb.sandbox.baseUrl } } });
    try {
      const r = await conn.call("get_credits", {});
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain(`ROUGHY_API_KEY_FILE (${missing}) cannot be read (ENOENT)`);
      expect(textOf(r)).not.toContain("internal error");
      // Not a server fault: nothing for the log.
      expect(conn.logs.join("\n")).not.toContain("get_credits failed");
    } finally {
      await conn.close();
    }
  });

  it("a wrong key answers unauthenticated without echoing the key", async () => {
    const conn = await connect({ server: { backend: undefined, env: { ROUGHY_API_KEY: "sk_wrong_key_123456", ROUGHY_BASE_URL: sb.sandbox.baseUrl } } });
    try {
      const r = await conn.call("get_credits", {});
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("unauthenticated");
      expect(textOf(r)).toContain("ROUGHY_API_KEY");
      expect(textOf(r)).not.toContain("sk_wrong_key_123456");
    } finally {
      await conn.close();
    }
  });
});
