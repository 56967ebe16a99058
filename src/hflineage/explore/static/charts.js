// Draws every <script type="application/json" class="plotly-figure"> block on the page with
// plotly.js (served from /static/plotly.min.js): no inline script, nothing from another site.
(function () {
  "use strict";
  var config = {responsive: true, displaylogo: false, showLink: false, plotlyServerURL: "",
                showSendToCloud: false, showEditInChartStudio: false};
  function draw(block) {
    var figure = JSON.parse(block.textContent);
    var chart = document.getElementById(block.id + "-chart");
    if (!chart) {
      chart = document.createElement("div");
      chart.className = "plotly-chart";
      chart.id = block.id + "-chart";
      block.parentNode.insertBefore(chart, block);
    }
    window.Plotly.newPlot(chart, figure.data || [], figure.layout || {}, config);
  }
  function drawIn(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("script.plotly-figure").forEach(draw);
  }
  function drawAll() { drawIn(document); }
  window.hflineageCharts = drawIn;  // for content swapped in later (dashboard.js)
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
