// The only list of tools. The server registers exactly these; the definitions test checks that each
// file, key and tool name agree.

import type { AnyToolDefinition } from "./define-tool.js";
import { getCredits } from "./get-credits.js";
import { cutToScript } from "./cut-to-script.js";
import { wait } from "./wait.js";

export const TOOLS = {
  get_credits: getCredits,
  cut_to_script: cutToScript,
  wait: wait,
} satisfies Record<string, AnyToolDefinition>;

export const TOOL_LIST: readonly AnyToolDefinition[] = Object.values(TOOLS);
