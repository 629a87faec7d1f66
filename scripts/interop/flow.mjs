// The session every host is put through, as a scripted agent: list, credits, estimate, upload, wait, cut to
// a script, wait, export, render, wait, download, credits. The agent reads ids only from what reached it
// (text or JSON, however the host passed the tool result on), so a host that drops them stops the flow.
// Also the checks that read what a host sent the model: tool declarations and tool results.

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** The first id that follows `word` closely in `text` ("asset 1234-…", {"asset":{"id":"1234-…"}}, asset_id=…). */
export function idAfter(word, text) {
  const m = new RegExp(`${word}(?:_id)?\\W{0,12}(?:id\\W{0,6})?(${UUID})`, "i").exec(text);
  return m ? m[1] : null;
}

/** The logical tool names of the flow: after the renames of issue 11, with the old name as a fallback. */
export const NAMES = {
  credits: ["get_credits"],
  estimate: ["estimate_cost"],
  upload: ["upload_media"],
  wait: ["roughy_wait", "wait"],
  cut: ["create_cut"],
  export: ["export_cut"],
  render: ["create_render"],
  download: ["download_render"],
};

/** The name a host gave our tool (hosts prefix: mcp__roughy__x, roughy__x, roughy_x, mcp_roughy_x). */
export function hostName(tools, candidates) {
  for (const logical of candidates) {
    const found = tools.find((t) => t.name === logical) ?? tools.find((t) => t.name.endsWith(`__${logical}`) || t.name.endsWith(`_${logical}`));
    if (found) return found.name;
  }
  return null;
}

export function isFlowRequest(tools) {
  return tools.some((t) => t.name && t.name.endsWith("estimate_cost"));
}

/**
 * The scripted agent. `extraArgs` are added to every call (Gemini models are told to set wait_for_previous on
 * dependent calls). Returns {call: {name, args}} or {text}; a text starting "FAILED" ends the flow early
 * and says why.
 */
export function makeAgent({ media, script, saveDir, extraArgs = {}, nullOptional = true }) {
  const plan = [
    // null for an optional argument and an argument the schema does not declare (issue 11, item 1).
    { key: "credits", args: () => ({ ...(nullOptional ? { ledger_limit: null } : {}), wait_for_previous: true }), ok: (t) => /balance/i.test(t) },
    { key: "estimate", args: () => ({ path: media }), ok: (t) => /credit/i.test(t) },
    { key: "upload", args: () => ({ path: media, confirm_cost: true, wait_seconds: 0 }), ok: (t, s) => Boolean((s.asset = idAfter("asset", t))) },
    { key: "wait", args: (s) => ({ kind: "asset", id: s.asset, wait_seconds: 50 }), until: (t) => /state\W{1,6}ready\b|\bnow ready\b|Asset ready to cut/.test(t), ok: (t) => /asset/i.test(t) },
    { key: "cut", args: (s) => ({ asset_id: s.asset, script, wait_seconds: 50 }), ok: (t, s) => Boolean((s.cut = idAfter("cut", t))) },
    { key: "wait", args: (s) => ({ kind: "cut", id: s.cut, wait_seconds: 50 }), until: (t) => /completed/.test(t), ok: (t) => /cut/i.test(t) },
    { key: "export", args: (s) => ({ cut_id: s.cut, format: "srt" }), ok: (t) => /srt/i.test(t) },
    { key: "render", args: (s) => ({ asset_id: s.asset, cut_id: s.cut, output: "mp3", wait_seconds: 50 }), ok: (t, s) => Boolean((s.render = idAfter("render", t))) },
    { key: "wait", args: (s) => ({ kind: "render", id: s.render, wait_seconds: 50 }), until: (t) => /completed/.test(t), ok: (t) => /render/i.test(t) },
    { key: "download", args: (s) => ({ render_id: s.render, save_to: `${saveDir}/interop-render.mp3`, overwrite: true }), ok: (t) => /saved|bytes/i.test(t) },
    { key: "credits", args: () => ({}), ok: (t) => /balance/i.test(t) },
  ];
  return function agent({ tools, results }) {
    const state = {};
    let step = 0;
    let repeats = 0;
    for (const r of results) {
      const current = plan[step];
      if (!current) break;
      if (r.error || !current.ok(r.text, state)) return { text: `FAILED at ${current.key} (step ${step + 1}): ${r.text.slice(0, 600)}` };
      if (current.until && !current.until(r.text) && repeats < 6) {
        repeats += 1;
        continue;
      }
      repeats = 0;
      step += 1;
      // A wait for something the previous answer already shows final is skipped, as a model would.
      if (plan[step]?.key === "wait" && plan[step].until(r.text) && plan[step - 1].key !== "wait") step += 1;
    }
    const next = plan[step];
    if (!next) return { text: "DONE: the whole session went through." };
    const name = hostName(tools, NAMES[next.key]);
    if (!name) return { text: `FAILED: no tool for ${next.key} among ${tools.map((t) => t.name).join(", ")}` };
    return { call: { name, args: { ...next.args(state), ...extraArgs } } };
  };
}

// ---- checks on what reached the model ----

/** Schema keywords some provider refuses (issue 11, item 2). Returns the offending paths. */
export function providerRejects(schema, at = "") {
  const bad = [];
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
    if (!node || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node)) {
      if (k === "exclusiveMinimum" || k === "exclusiveMaximum") bad.push(`${where}.${k}`);
      if (k === "format" && typeof v === "string" && v !== "date-time" && v !== "enum") bad.push(`${where}.format=${v}`);
      if (k === "type" && Array.isArray(v)) bad.push(`${where}.type=[${v.join(",")}]`);
      if (k === "properties" && v && typeof v === "object") {
        for (const [name, sub] of Object.entries(v)) walk(sub, `${where}.${name}`);
      } else walk(v, where);
    }
  };
  walk(schema, at);
  return bad;
}

/** Enum values a lossy converter would drop: each must also be named in the property's description. */
export function enumsNotDescribed(schema) {
  const missing = [];
  const props = schema?.properties ?? {};
  for (const [name, prop] of Object.entries(props)) {
    const values = prop?.enum ?? prop?.items?.enum;
    if (!Array.isArray(values)) continue;
    const text = `${prop.description ?? ""}`;
    const absent = values.filter((v) => !text.includes(String(v)));
    if (absent.length > 0) missing.push(`${name}: ${absent.join(",")}`);
  }
  return missing;
}

/** Runs the declaration checks on the tools of the first flow request a host sent. */
export function declarationChecks(host, requests, check, { appsHost = false } = {}) {
  const first = requests[0];
  if (!first) return check(`${host}: tools reached the model`, false, "no model request carried the tools");
  // The suite's second server (other-server.mjs) says "a note" in every description: not ours to judge.
  const ours = first.tools.filter((t) => !/ a note$/.test(t.description ?? "")).filter((t) => /estimate_cost|upload_media|create_cut|export_cut|create_render|download_render|get_credits|cut_to_script|create_project|create_webhook|cancel_render|wait|get|list|delete|cut_timeline|cut_audio/.test(t.name));
  const rejected = ours.flatMap((t) => providerRejects(t.schema, t.name));
  check(`${host}: declarations inside every provider's subset (item 2)`, rejected.length === 0, rejected.join("; "));
  const undescribed = ours.flatMap((t) => enumsNotDescribed(t.schema).map((m) => `${t.name}.${m}`));
  check(`${host}: enum values named in descriptions (item 2)`, undescribed.length === 0, undescribed.join("; "));
  const appOnly = ours.filter((t) => t.name.endsWith("cut_timeline") || t.name.endsWith("cut_audio"));
  // A host that declares MCP Apps is told about the app-only tools and must keep them from the model itself.
  check(`${host}: app-only cut_timeline and cut_audio kept from the model (item 10)${appsHost ? " [MCP Apps host: its own job]" : ""}`, appOnly.length === 0 || appsHost, appOnly.map((t) => t.name).join(", "));
  // Hosts prefix with the server's name (mcp__roughy__, mcp_roughy_, roughy_): what counts is the tool's own name.
  const anchor = ours.find((t) => t.name.endsWith("estimate_cost"));
  const prefix = anchor ? anchor.name.slice(0, anchor.name.length - "estimate_cost".length) : "";
  const generic = ours.filter((t) => ["get", "list", "delete", "wait"].includes(t.name.slice(prefix.length)));
  check(`${host}: tool names say they are Roughy's (item 9)`, generic.length === 0, generic.map((t) => t.name).join(", "));
}

/** Checks on the tool results the model read, step by step (items 3, 4 and the flow itself). */
export function resultChecks(host, requests, check, { export: exportRequired = true } = {}) {
  const last = requests[requests.length - 1];
  const results = last?.results ?? [];
  const done = last?.decision?.text ?? "";
  check(`${host}: whole session (list, credits, estimate, upload, wait, cut, export, render, download, credits)`, /^DONE/.test(done), done.slice(0, 400) || "no final turn");
  const first = results[0];
  check(`${host}: undeclared argument and null ignored (item 1)`, Boolean(first) && /balance/i.test(first.text) && !/invalid arguments|unknown argument|expected number/i.test(first.text), first?.text.slice(0, 300) ?? "no result");
  const withoutNext = results.filter((r) => !/next/i.test(r.text));
  check(`${host}: every answer that reached the model names the next step (item 4)`, results.length > 0 && withoutNext.length === 0, withoutNext.map((r) => `${r.name}: ${r.text.slice(0, 160)}`).join(" | "));
  if (exportRequired) {
    const exported = results.find((r) => r.name.endsWith("export_cut"));
    check(`${host}: the inline SRT reached the model (item 4)`, Boolean(exported) && /\d\d:\d\d:\d\d,\d\d\d --> /.test(exported.text), exported ? exported.text.slice(0, 300) : "no export result");
  }
}
