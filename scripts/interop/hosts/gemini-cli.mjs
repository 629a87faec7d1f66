// Gemini CLI headless (`gemini -p`, --yolo so tool calls run without a person), with a settings.json in a
// private HOME (API-key auth, the server, no usage statistics or update checks) and the model API at the
// mock through GOOGLE_GEMINI_BASE_URL, which its @google/genai client reads. Gemini models are told to set
// wait_for_previous on dependent calls, so the scripted agent does on every call.

import fs from "node:fs";
import path from "node:path";
import { PROMPT, runCliHost } from "./cli-common.mjs";

export const geminiCliHost = {
  id: "gemini-cli",
  cli: true,
  packages: ["@google/gemini-cli"],
  async run(ctx) {
    await runCliHost(ctx, {
      id: "gemini-cli",
      extraArgs: { wait_for_previous: true },
      // Gemini CLI checks arguments against the schema itself and refuses a null before the server sees it.
      nullOptional: false,
      launch: ({ mockUrl, home }) => {
        const dir = path.join(home, ".gemini");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
          path.join(dir, "settings.json"),
          JSON.stringify({
            security: { auth: { selectedType: "gemini-api-key" }, folderTrust: { enabled: false } },
            mcpServers: { roughy: { command: ctx.server.command, args: ctx.server.args, env: ctx.server.env, cwd: ctx.work, trust: true, timeout: 120_000 } },
            privacy: { usageStatisticsEnabled: false },
            telemetry: { enabled: false },
            general: { disableAutoUpdate: true, disableUpdateNag: true },
          }),
        );
        return {
          command: process.execPath,
          args: [path.join(ctx.clis, "node_modules/@google/gemini-cli/bundle/gemini.js"), "-p", PROMPT, "--yolo", "-m", "gemini-2.5-flash"],
          env: { PATH: process.env.PATH, HOME: home, GEMINI_API_KEY: "interop-mock-key", GOOGLE_GEMINI_BASE_URL: mockUrl, GEMINI_CLI_NO_RELAUNCH: "true", NO_BROWSER: "true" },
        };
      },
    });
  },
};
