// The hosts the suite drives, in the order it runs them: the libraries first (quick), then the CLIs.
import { inspectorHost } from "./inspector.mjs";
import { aiSdkHost } from "./ai-sdk.mjs";
import { langchainHost } from "./langchain.mjs";
import { mastraHost } from "./mastra.mjs";
import { openaiAgentsHost } from "./openai-agents.mjs";
import { genaiHost } from "./genai.mjs";
import { claudeCodeHost } from "./claude-code.mjs";
import { codexHost } from "./codex.mjs";
import { geminiCliHost } from "./gemini-cli.mjs";
import { slowUploadHost } from "./slow-upload.mjs";

export const HOSTS = [inspectorHost, aiSdkHost, langchainHost, mastraHost, openaiAgentsHost, genaiHost, slowUploadHost, claudeCodeHost, codexHost, geminiCliHost];
