// The widgets of the executed notebooks (sp/cs toggles, nglview views), replayed from their saved state with no
// kernel and no network. The two large bundles — nglview's module and @jupyter-widgets/html-manager's embed-amd.js —
// are stored gzip-compressed in base64 (_static/packed/*.js, written by book/build.py: 5.9 MB less per site) and
// inflated here with the browser's DecompressionStream. nglview's module is handed to RequireJS as a blob: URL,
// then embed-amd.js starts and renders every widget view of the page.
(function () {
  "use strict";
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  var packed = (window.__ti10cu2_packed = window.__ti10cu2_packed || {});

  function script(src, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement("script");
      Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
      el.onload = resolve;
      el.onerror = function () { reject(new Error("could not load " + src)); };
      el.src = src;
      document.head.appendChild(el);
    });
  }

  async function inflate(name) {
    await script(here + "packed/" + name + ".js");
    var bytes = Uint8Array.from(atob(packed[name]), function (c) { return c.charCodeAt(0); });
    delete packed[name];
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    var text = await new Response(stream).text();
    return URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  }

  async function start() {
    if (!document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]')) return;
    // nglview's webpack runtime finds its "public path" from the page's first <script src>, read when RequireJS
    // runs its factory (no currentScript then): give it an inert first script (type text/plain is never fetched)
    var marker = document.createElement("script");
    marker.type = "text/plain";
    marker.src = here + "nglview/";
    document.head.insertBefore(marker, document.head.firstChild);
    window.require.config({ paths: { "nglview-js-widgets": await inflate("nglview") } });
    await script(await inflate("embed-amd"), { "data-jupyter-widgets-cdn": here + "no-widget-cdn/" });
  }

  function run() { start().catch(function (err) { console.error("ti10cu2 widgets:", err); }); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
