// Offline after the first visit: every file of the page (and the district's trust bundle and
// void list) is cached when fetched; the network is asked first, the cache answers when it
// cannot be reached. /status/ answers are never cached: offline the page says it could not
// check for voids, and uses the signed void list it keeps with its date.
"use strict";

const CACHE = "kiosk-verify-v1";
const FILES = ["./", "verify.js", "style.css", "trust.json", "voids.json"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(FILES.map((f) => cache.add(new Request(f, { cache: "no-cache" })).catch(() => null)))
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith(new URL("./", self.location).pathname)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request.mode === "navigate" ? "./" : request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.open(CACHE).then((cache) =>
          cache.match(request.mode === "navigate" ? "./" : request, { ignoreSearch: true })
        ).then((hit) => hit || Response.error())
      )
  );
});
