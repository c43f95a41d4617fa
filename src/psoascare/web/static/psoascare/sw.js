/* PsoasCare's service worker, served as /sw.js (scope: the whole site) by psoascare.web.pwa.
 *
 * It keeps the lesson, Today and the client's assigned routine's player, with their files, so they open
 * without a connection. Pages: the network first (always the latest when online), the kept copy when
 * offline or while the server answers 5xx. Files under /static/ and /figures/: the kept copy at once,
 * refreshed in the background.
 * It never handles a POST: a session recorded offline waits in the page's outbox (pwa.js) instead.
 * Which pages to keep comes from /offline/urls.json, asked with the person's cookies; a page that leaves
 * that list (the safety gate shut, another routine) or that the server no longer serves is dropped.
 */
"use strict";

const VERSION = "1";
const PAGES = "psoascare-pages-v" + VERSION;
const FILES = "psoascare-files-v" + VERSION;
const LIST_URL = "/offline/urls.json";
const KEPT_PAGES = ["/today/", "/learn/", "/routines/"]; // the only pages ever kept (never the clinic's)
const FILE_PREFIXES = ["/static/", "/figures/"];

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("psoascare-") && name !== PAGES && name !== FILES) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function isFile(url) { return FILE_PREFIXES.some((prefix) => url.pathname.startsWith(prefix)); }

function isKeptPage(url) {
  return KEPT_PAGES.some((prefix) => url.pathname.startsWith(prefix)) && !url.pathname.startsWith("/routines/clinic/");
}

function pageKey(url) { return url.origin + url.pathname + url.search; }

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // records go straight to the server; the page queues what fails
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isFile(url)) event.respondWith(fileFirstFromCache(request));
  else if (request.mode === "navigate" && isKeptPage(url)) event.respondWith(pageFromNetwork(request, url));
});

function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

async function pageFromNetwork(request, url) {
  const pages = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (keepable(response)) await pages.put(pageKey(url), response.clone());
    else if (response.status >= 500) return (await pages.match(pageKey(url))) || response; // server down: as offline
    else await pages.delete(pageKey(url)); // logged out, the gate shut, gone: no stale copy stays
    return response;
  } catch (offline) {
    const kept = await pages.match(pageKey(url));
    return kept || offlinePage();
  }
}

async function fileFirstFromCache(request) {
  const files = await caches.open(FILES);
  const kept = await files.match(request, { ignoreVary: true });
  const fresh = fetch(request).then(async (response) => {
    if (keepable(response)) await files.put(request, response.clone());
    return response;
  });
  if (kept) {
    fresh.catch(() => null); // offline: the kept copy is the answer
    return kept;
  }
  return fresh;
}

function offlinePage() {
  const html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Offline · PsoasCare</title>" +
    "<link rel=\"stylesheet\" href=\"/static/psoascare/site.css\"></head><body><main id=\"main\">" +
    "<h1>You are offline</h1><p>This page was not kept on this device. Today, the lesson and your routine's " +
    "player work offline once you have opened Today with a connection.</p><p><a href=\"/today/\">Today</a> · " +
    "<a href=\"/learn/psoas/\">The lesson</a></p></main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// Files and pictures a kept page uses, found in its HTML (src, href and srcset on this site).
function assetsIn(html) {
  const found = new Set();
  for (const match of html.matchAll(/\b(?:src|href)="([^"]+)"/g)) found.add(match[1]);
  for (const match of html.matchAll(/\bsrcset="([^"]+)"/g)) {
    for (const candidate of match[1].split(",")) found.add(candidate.trim().split(/\s+/)[0]);
  }
  const urls = [];
  for (const raw of found) {
    let url;
    try { url = new URL(raw.replace(/&amp;/g, "&"), self.location.origin); } catch (error) { continue; }
    if (url.origin === self.location.origin && isFile(url)) urls.push(url.href);
  }
  return urls;
}

async function keepOne(url, pages, files) {
  const target = new URL(url, self.location.origin);
  let response;
  try { response = await fetch(target.href, { credentials: "same-origin", cache: "no-cache" }); } catch (offline) { return []; }
  if (isFile(target)) {
    if (keepable(response)) await files.put(target.href, response);
    return [];
  }
  if (response.status >= 500) return []; // the server is down for now: the kept copy stays
  if (!keepable(response)) { await pages.delete(pageKey(target)); return []; }
  await pages.put(pageKey(target), response.clone());
  return assetsIn(await response.text());
}

let lastKept = { list: "", at: 0 }; // the last full keep (lost when the browser stops the worker: then one more)
const KEEP_AGAIN_MS = 10 * 60 * 1000;

// Asked on every page load while online: the list is one small request, and a page that left it (the safety
// gate shut) leaves the device at once; the pages and files themselves are fetched again only when the list
// changed or every ten minutes.
async function keepOfflineSet() {
  const answer = await fetch(LIST_URL, { credentials: "same-origin", cache: "no-store" });
  if (!answer.ok) throw new Error("the list of pages to keep did not come: " + answer.status);
  const wanted = (await answer.json()).urls.map((url) => new URL(url, self.location.origin).href);
  const pages = await caches.open(PAGES);
  const files = await caches.open(FILES);
  for (const request of await pages.keys()) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/routines/") && !wanted.includes(pageKey(url))) await pages.delete(request);
  }
  const list = JSON.stringify(wanted);
  if (list === lastKept.list && Date.now() - lastKept.at < KEEP_AGAIN_MS) return wanted.length;
  const assets = new Set();
  for (const url of wanted) for (const asset of await keepOne(url, pages, files)) assets.add(asset);
  for (const asset of assets) if (!wanted.includes(asset)) await keepOne(asset, pages, files);
  lastKept = { list, at: Date.now() };
  return wanted.length;
}

self.addEventListener("message", (event) => {
  const reply = (message) => { if (event.source) event.source.postMessage(message); };
  if (event.data === "keep-offline-set") {
    event.waitUntil(keepOfflineSet().then(
      (count) => reply({ type: "offline-ready", count }),
      (error) => reply({ type: "offline-failed", reason: String(error) }),
    ));
  } else if (event.data === "forget") {
    // Logging out: nothing of this person's stays on the device (their unsent records stay in the outbox).
    lastKept = { list: "", at: 0 };
    event.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(FILES)]).then(() => reply({ type: "forgotten" })));
  }
});
