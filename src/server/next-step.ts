// Some hosts show the model only structuredContent (Codex, Claude Code when both are present), others only
// the text (LangChain, Mastra): each must carry what the agent needs, above all what to do next. Every
// tool's summary ends with its next step; structuredContent gets the same sentence as `next_step`.

import { z } from "zod";

export const NEXT_STEP_FIELD = "next_step";

/** The summary's next step: what follows its last "Next: ", else the last sentence of its last line. */
export function nextStepOf(summary: string): string {
  const at = summary.lastIndexOf("Next: ");
  if (at >= 0) return summary.slice(at + "Next: ".length).trim();
  const lines = summary.trim().split("\n");
  const sentences = (lines[lines.length - 1] ?? "").split(/(?<=[.!?])\s+/);
  return sentences[sentences.length - 1] ?? "";
}

/** A tool's output shape with `next_step`, unless it has one of its own. */
export function withNextStep(shape: z.ZodRawShape): z.ZodRawShape {
  return NEXT_STEP_FIELD in shape ? shape : { ...shape, [NEXT_STEP_FIELD]: z.string() };
}

/** structuredContent with `next_step` filled from the summary where the handler did not set it. */
export function withNextStepData(data: Record<string, unknown>, summary: string): Record<string, unknown> {
  return typeof data[NEXT_STEP_FIELD] === "string" ? data : { ...data, [NEXT_STEP_FIELD]: nextStepOf(summary) };
}
