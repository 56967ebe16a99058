var nodes, edges, network;
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lineage-data").textContent);
  function tip(markup) {
    // Every Hub value in this markup was HTML-escaped when the page was built.
    var div = document.createElement("div");
    div.className = "hfl-tip";
    div.innerHTML = markup;
    return div;
  }
  data.nodes.concat(data.edges).forEach(function (item) {
    if (item.title) { item.title = tip(item.title); }
  });
  nodes = new vis.DataSet(data.nodes);
  edges = new vis.DataSet(data.edges);
  network = new vis.Network(document.getElementById("graph"), {nodes: nodes, edges: edges}, data.options);

  if (data.link) {
    network.on("doubleClick", function (ev) {
      var n = ev.nodes.length ? nodes.get(ev.nodes[0]) : null;
      if (n && n.hfid) {
        window.location.href = data.link + n.hfid.split("/").map(encodeURIComponent).join("/");
      }
    });
  }

  function drawn() {
    network.once("afterDrawing", function () {
      window.hflineageDrawnMs = performance.now();
      document.body.dataset.drawn = "1";
    });
    network.redraw();
  }
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      drawn();
    });
  } else {
    drawn();
  }

  var hiddenRelations = {};
  var org = "";
  function apply() {
    nodes.update(nodes.get().map(function (n) {
      var byRelation = n.kind !== "focus" && hiddenRelations[n.relation] === true;
      var byOrg = org !== "" && (n.kind === "model" || n.kind === "stub") && n.org !== org;
      return {id: n.id, hidden: byRelation || byOrg};
    }));
    edges.update(edges.get().map(function (e) {
      return {id: e.id, hidden: hiddenRelations[e.relation] === true};
    }));
  }
  Array.prototype.forEach.call(document.querySelectorAll("input.rel"), function (box) {
    box.addEventListener("change", function () {
      hiddenRelations[box.value] = !box.checked;
      apply();
    });
  });
  var orgSelect = document.getElementById("org");
  if (orgSelect) {
    orgSelect.addEventListener("change", function () { org = orgSelect.value; apply(); });
  }
  document.getElementById("find").addEventListener("change", function (ev) {
    var wanted = ev.target.value.trim().toLowerCase();
    var hit = nodes.get({filter: function (n) { return n.id === wanted || (n.hfid || "").toLowerCase() === wanted; }});
    if (hit.length) {
      network.selectNodes([hit[0].id]);
      network.focus(hit[0].id, {scale: 1.2, animation: false});
    }
  });
  document.getElementById("reset").addEventListener("click", function () {
    hiddenRelations = {};
    org = "";
    Array.prototype.forEach.call(document.querySelectorAll("input.rel"), function (box) { box.checked = true; });
    if (orgSelect) { orgSelect.value = ""; }
    apply();
    network.unselectAll();
    network.fit();
  });
})();
