// The consent page: one form, no script, asking for the Roughy key once (none with --sandbox). Every value
// put into the HTML is escaped; the pending request travels as a sealed field, so it cannot be altered.

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = "body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}input{width:100%;padding:.5rem;margin:.5rem 0}button{padding:.5rem 1rem}.error{color:#b00020}";

export function consentPage(o: { request: string; clientName: string | null; redirectHost: string; needsKey: boolean; error?: string }): string {
  const who = o.clientName ? `${escape(o.clientName)} (${escape(o.redirectHost)})` : escape(o.redirectHost);
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Connect to Roughy</title><style>${STYLE}</style></head><body>
<h1>Connect to Roughy</h1>
<p>${who} asks to use Roughy on your behalf: upload footage, make rough cuts and renders, which spend your credits.</p>
${o.error ? `<p class="error" role="alert">${escape(o.error)}</p>` : ""}
<form method="post" action="/authorize">
<input type="hidden" name="request" value="${escape(o.request)}">
${o.needsKey ? '<label>Your Roughy API key<input type="password" name="roughy_key" autocomplete="off" required></label>' : "<p>Sandbox: no key needed; credits are simulated.</p>"}
<button type="submit">Allow</button>
</form></body></html>`;
}

export function errorPage(title: string, message: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head><body><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`;
}
