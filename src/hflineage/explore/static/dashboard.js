// The dashboard's live filters: a change puts the filters in the URL (so the view can be shared)
// and redraws every section group from /api/dashboard without reloading; groups still being
// computed are fetched again until none is pending. HTML comes from the server, escaped there.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var groups = document.getElementById("dashboard-groups");
  var errorBox = document.getElementById("dashboard-error");
  var POLL_MS = 1000;
  var timer = null;
  var generation = 0;

  function queryOf() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") { params.append(name, String(value).trim()); }
    });
    return params.toString();
  }

  function fillForm(search) {
    var params = new URLSearchParams(search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) { return; }
      if (el.type === "checkbox") { el.checked = params.get(el.name) === "true"; }
      else { el.value = params.get(el.name) || ""; }
    });
  }

  function swap(section, shown) {
    var old = document.getElementById("group-" + section.key);
    if (!old) { return; }
    if (old.dataset.status === "ready" && section.status === "ready" &&
        old.dataset.shown === shown) { return; }
    if (window.Plotly) { old.querySelectorAll(".js-plotly-plot").forEach(window.Plotly.purge); }
    var holder = document.createElement("div");
    holder.innerHTML = section.html;
    var fresh = holder.firstElementChild;
    fresh.dataset.shown = shown;
    old.replaceWith(fresh);
    if (window.hflineageCharts) { window.hflineageCharts(fresh); }
    if (window.hflineageTables) { window.hflineageTables(fresh); }
  }

  function refresh() {
    clearTimeout(timer);
    var query = queryOf();
    var mine = ++generation;
    groups.dataset.query = query;
    groups.setAttribute("aria-busy", "true");
    fetch(form.dataset.api + (query ? "?" + query : ""), {headers: {Accept: "application/json"}})
      .then(function (r) { return r.json().then(function (body) { return [r.status, body]; }); })
      .then(function (answer) {
        if (mine !== generation) { return; }
        var status = answer[0], body = answer[1];
        if (status !== 200) {
          errorBox.textContent = body.error || ("error " + status);
          errorBox.hidden = false;
          groups.removeAttribute("aria-busy");
          if (status === 503) { timer = setTimeout(refresh, 5 * POLL_MS); }  // Neo4j away
          return;
        }
        errorBox.hidden = true;
        document.getElementById("dashboard-filters").textContent = body.filters;
        document.getElementById("dashboard-version").textContent = body.versionText;
        document.getElementById("dashboard-pending").textContent = body.pending ?
          body.pending + " section group" + (body.pending === 1 ? "" : "s") + " still computing." : "";
        groups.dataset.version = body.version;
        body.sections.forEach(function (section) {
          swap(section, body.version + "?" + query);
        });
        if (body.pending) { timer = setTimeout(refresh, POLL_MS); }
        else { groups.removeAttribute("aria-busy"); }
      })
      .catch(function (e) {
        if (mine !== generation) { return; }
        errorBox.textContent = "The explorer did not answer: " + e;
        errorBox.hidden = false;
        timer = setTimeout(refresh, 5 * POLL_MS);
      });
  }

  function changed() {
    var query = queryOf();
    var url = location.pathname + (query ? "?" + query : "");
    if (url !== location.pathname + location.search) { history.pushState(null, "", url); }
    document.querySelectorAll("nav.dashboards a").forEach(function (a) {
      a.search = query ? "?" + query : "";
    });
    groups.dataset.query = "";
    refresh();
  }

  form.addEventListener("change", changed);
  form.addEventListener("submit", function (e) { e.preventDefault(); changed(); });
  window.addEventListener("popstate", function () { fillForm(location.search); changed(); });
  groups.dataset.query = queryOf();
  Array.prototype.forEach.call(groups.children, function (g) {
    g.dataset.shown = groups.dataset.version + "?" + groups.dataset.query;
  });
  if (document.querySelector("#dashboard-groups [data-status=pending]")) {
    timer = setTimeout(refresh, POLL_MS);
  }
})();
