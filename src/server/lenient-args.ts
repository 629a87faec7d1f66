// What hosts and models actually send: Gemini CLI adds `wait_for_previous` to every call, other hosts make
// optional fields nullable and models fill them with null. Refusing either breaks a whole session for an
// argument that changes nothing, so undeclared arguments are dropped and null for an optional argument
// means "not given". A null for a required argument is left for validation to name.

import { z } from "zod";

export type LenientArgs = { args: Record<string, unknown>; ignored: string[] };

export function lenientArgs(input: Record<string, unknown>, shape: z.ZodRawShape): LenientArgs {
  const args: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const field = shape[key];
    if (!field) {
      ignored.push(key);
      continue;
    }
    if (value === null && z.safeParse(field, undefined).success && !z.safeParse(field, null).success) continue;
    args[key] = value;
  }
  return { args, ignored };
}
