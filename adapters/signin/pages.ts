/**
 * The pages a person sees in the browser after a sign-in from chat: done, or why not and
 * what to do. Plain HTML, no script, nothing from the URL echoed back unescaped.
 */
import type { ServerResponse } from 'node:http';

export interface Page {
  readonly status: number;
  readonly title: string;
  readonly message: string;
}

const esc = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** `code` spans of the catalogue's messages, as the chat shows them. */
const withCode = (text: string): string => esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');

export function sendPage(res: ServerResponse, page: Page): void {
  const doc = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>elevate: ${esc(page.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1b1b}h1{font-size:1.4rem}code{background:#f1f1f1;padding:0 .2em}</style>
</head>
<body>
<h1>${esc(page.title)}</h1>
<p>${withCode(page.message)}</p>
</body>
</html>
`;
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(doc),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-frame-options': 'DENY',
  });
  res.end(doc);
}
