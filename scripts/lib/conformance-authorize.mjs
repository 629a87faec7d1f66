#!/usr/bin/env node
// Runs the conformance suite's authorization-server scenarios (metadata endpoint, authorization code grant)
// against the HTTP mode's own OAuth, unattended. The code-grant scenario prints an authorization URL for a
// person to open and waits for the redirect to its loopback callback; here this script is that person: it
// registers a public client for the callback (RFC 7591), opens the URL, submits the consent form (with
// --sandbox the page asks for no key) and follows the redirect, so the suite then checks the code and the
// token exchange itself.
//
// Usage: node scripts/lib/conformance-authorize.mjs <node22> <suite index.js> <issuer> <resource> <out dir>
// Prints the suite's output; exits with the suite's exit code.

/* global fetch, URLSearchParams */
import { spawn } from "node:child_process";
import net from "node:net";
import { createInterface } from "node:readline";

const [node22, suite, issuer, resource, outDir] = process.argv.slice(2);
if (!outDir) {
  process.stderr.write("usage: conformance-authorize.mjs <node22> <suite> <issuer> <resource> <out dir>\n");
  process.exit(2);
}

/** A loopback port nothing listens on right now, for the suite's callback server. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

const unescapeHtml = (text) => text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));

/** What a person does in the browser: open the page, press Allow, let the browser follow the redirect. */
async function consent(authorizeUrl) {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  const request = /name="request" value="([^"]*)"/.exec(html)?.[1];
  if (!page.ok || !request) throw new Error(`the authorization page answered ${page.status} without a consent form`);
  const allowed = await fetch(new URL("/authorize", authorizeUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request: unescapeHtml(request) }).toString(),
    redirect: "manual",
  });
  const to = allowed.headers.get("location");
  if (allowed.status !== 302 || !to) throw new Error(`consent answered ${allowed.status} without a redirect`);
  await (await fetch(to)).text();
}

const port = await freePort();
const registered = await fetch(`${issuer}/register`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ client_name: "MCP conformance", redirect_uris: [`http://127.0.0.1:${port}/callback`], token_endpoint_auth_method: "none" }),
});
const client = await registered.json();
if (!registered.ok || typeof client.client_id !== "string") throw new Error(`registration answered ${registered.status}: ${JSON.stringify(client)}`);

const child = spawn(node22, [suite, "authorization", "--url", issuer, "--client-id", client.client_id, "--resource", resource, "--port", String(port), "-o", outDir], {
  stdio: ["ignore", "pipe", "inherit"],
});
// The suite prints the URL, then starts listening for the callback and says so: consent is given once both
// have been seen, so the redirect never reaches a port that is not listening yet.
const authorizePrefix = `${issuer}/authorize?`;
let authorizeUrl = null;
let listening = false;
createInterface({ input: child.stdout }).on("line", (line) => {
  process.stdout.write(`${line}\n`);
  if (line.startsWith(authorizePrefix)) authorizeUrl = line.trim();
  if (line.startsWith("Callback server started")) listening = true;
  if (authorizeUrl && listening) {
    const url = authorizeUrl;
    authorizeUrl = null;
    listening = false;
    consent(url).catch((error) => {
      process.stderr.write(`conformance-authorize: ${error.message}\n`);
      child.kill();
    });
  }
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
