// One way for tests to call the sandbox's own controls (/sandbox/*) and raw endpoints with its key: the
// client harness and the MCP harness both use it, so a change to how controls are called is made once.
export interface ControlTarget {
  baseUrl: string;
  apiKey: string;
}

export async function sandboxControl(sb: ControlTarget, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sb.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${sb.apiKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}
