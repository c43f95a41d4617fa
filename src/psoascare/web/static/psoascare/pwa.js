/* PsoasCare on every page: installs the service worker (/sw.js), asks it to keep the offline set, forgets it
 * all at log-out, and runs the outbox: records made offline (a guided session) wait in this browser, each
 * with its own key, until the server has them. The server stores a key once, so a record sent twice (the
 * reply was lost, two tabs flushed at once) is still one record. Nothing is dropped unless the server
 * refuses it for good, and then the page says so.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const user = script ? script.dataset.user || "" : "";
  const OUTBOX = "psoascare-outbox";

  // --- the outbox ----------------------------------------------------------------------------------

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = window.crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs https; this does not
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (error) { return []; }
  }

  function store(items) {
    localStorage.setItem(OUTBOX, JSON.stringify(items)); // throws when storage is off: the caller says so
  }

  function remove(key) { store(load().filter((item) => item.key !== key)); }

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  const REFUSED = [400, 403, 404, 409, 410, 413, 422]; // the server will never take it: keeping it blocks the rest

  function request(item) {
    const headers = { "X-CSRFToken": csrfToken(), "Idempotency-Key": item.key };
    if (item.form) {
      // A Today form kept offline: posted as the form would have been, with the time it was made.
      const form = new URLSearchParams({ ...item.form, made_at: item.made_at });
      return fetch(item.url, { method: "POST", credentials: "same-origin", headers, body: form, redirect: "manual" });
    }
    headers["Content-Type"] = "application/json";
    return fetch(item.url, { method: "POST", credentials: "same-origin", headers, body: JSON.stringify(item.body) });
  }

  async function post(item) {
    let response;
    try {
      response = await request(item);
    } catch (offline) {
      return { outcome: "offline" };
    }
    if (item.form && response.type === "opaqueredirect") return { outcome: "saved", body: {} }; // back to Today
    const body = item.form ? {} : await response.json().catch(() => ({}));
    if (response.ok) return { outcome: "saved", body };
    if (REFUSED.includes(response.status)) return { outcome: "refused", error: body.error || `the server answered ${response.status}` };
    return { outcome: "offline" }; // 5xx, a proxy's error page: try again later
  }

  function announce(item, result) {
    window.dispatchEvent(new CustomEvent("psoascare-outbox", { detail: { key: item.key, ...result } }));
  }

  let flushing = null;

  async function flushNow() {
    for (const item of load()) {
      if (item.user !== user) continue; // another person's record waits for them to log in here again
      const result = await post(item);
      if (result.outcome === "offline") break;
      remove(item.key);
      announce(item, result);
      if (result.outcome === "refused") showNote(`A record kept on this device was not accepted: ${result.error}`);
    }
    showWaiting();
  }

  function flush() {
    if (!user) return Promise.resolve();
    if (!flushing) flushing = flushNow().finally(() => { flushing = null; });
    return flushing;
  }

  /** Keeps the record first, then tries to send it: {outcome: "saved"|"queued"|"refused", body, error}. */
  async function send(url, body, label) {
    const item = { key: newKey(), url, body, user, label: label || "record", queued_at: new Date().toISOString() };
    try { store([...load(), item]); } catch (error) { return post(item); } // no storage: at least try once
    await (flushing || Promise.resolve());
    const result = await post(item);
    if (result.outcome === "offline") { showWaiting(); return { outcome: "queued", key: item.key }; }
    remove(item.key);
    showWaiting();
    return { ...result, key: item.key };
  }

  function waiting() { return load().filter((item) => item.user === user && user); }

  function note() {
    let element = document.getElementById("outbox-note");
    if (!element) {
      const main = document.getElementById("main");
      if (!main) return null;
      element = document.createElement("p");
      element.id = "outbox-note";
      element.className = "outbox-note";
      element.setAttribute("role", "status");
      main.prepend(element);
    }
    return element;
  }

  function showNote(text) {
    const element = note();
    if (element) { element.textContent = text; element.hidden = false; }
  }

  function showWaiting() {
    const count = waiting().length;
    document.documentElement.dataset.outbox = String(count);
    const element = document.getElementById("outbox-note");
    if (count) showNote(`${count} record${count === 1 ? "" : "s"} kept on this device, sent when you are back online.`);
    else if (element && element.textContent.includes("kept on this device, sent")) element.hidden = true;
  }

  window.PsoasCareOutbox = { send, flush, waiting };

  // --- Today offline ---------------------------------------------------------------------------------
  // A tick made with no connection is kept with the time it was made (it counts for that day). Pain is not:
  // a score can call for the safety questions before the next exercise, which needs the server.

  function isForm(form, path) { return form instanceof HTMLFormElement && new URL(form.action).pathname === path; }

  function markKept(form, text) {
    const button = form.querySelector("button[type=submit]");
    if (!button) return;
    button.textContent = text || "Kept on this device";
    button.disabled = true;
  }

  window.addEventListener("psoascare-outbox", (event) => {
    // A kept tick reached the server: say so where it was ticked (a reload shows it as done).
    for (const form of document.querySelectorAll("form")) {
      if (form.dataset.outboxKey === event.detail.key) markKept(form, event.detail.outcome === "saved" ? "Sent" : "Not accepted");
    }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (navigator.onLine || !user) return;
    if (isForm(form, "/today/pain/")) {
      event.preventDefault();
      showNote("Pain needs a connection: the app checks your score against the safety questions before your next " +
        "exercise. Please record it when you are back online.");
    } else if (isForm(form, "/today/tick/")) {
      event.preventDefault();
      const fields = {};
      for (const [name, value] of new FormData(form)) if (name !== "csrfmiddlewaretoken") fields[name] = String(value);
      const item = { key: newKey(), url: form.action, form: fields, made_at: new Date().toISOString(), user, label: "tick" };
      try { store([...load(), item]); } catch (error) { showNote("This browser keeps nothing offline: please tick it again online."); return; }
      form.dataset.outboxKey = item.key;
      markKept(form);
      showWaiting();
    }
  });

  function markWaitingTicks() {
    const today = new Date().toDateString();
    for (const item of waiting()) {
      if (!item.form || new Date(item.made_at).toDateString() !== today) continue;
      for (const form of document.querySelectorAll("form")) {
        if (!isForm(form, new URL(item.url).pathname)) continue;
        const key = form.querySelector("input[name=item_key]");
        if (key && key.value === item.form.item_key) { form.dataset.outboxKey = item.key; markKept(form); }
      }
    }
  }
  window.addEventListener("online", () => { flush(); keepOfflineSet(); });

  // --- the service worker ----------------------------------------------------------------------------

  // On every page load while online: the worker checks the list (a page that left it, such as the player
  // while the safety gate is shut, leaves the device at once) and fetches pages again only now and then.
  function keepOfflineSet() {
    if (!("serviceWorker" in navigator) || !navigator.onLine) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage("keep-offline-set");
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "offline-ready") document.documentElement.dataset.offline = "ready";
    });
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(keepOfflineSet).catch(() => {
      document.documentElement.dataset.offline = "unavailable"; // e.g. plain http on another host
    });
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.action.endsWith("/accounts/logout/")) return;
      if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("forget");
    });
  }

  showWaiting();
  markWaitingTicks();
  if (navigator.onLine) flush();
})();
