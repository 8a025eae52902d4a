// The report's script. It runs before Chart.js so that an error anywhere,
// Chart.js included, lands in #mb-errors, which the browser test reads; the
// charts are drawn once the whole page (and Chart.js) has loaded.
"use strict";
window.addEventListener("error", function (e) {
  var box = document.getElementById("mb-errors");
  if (box) box.textContent += (e.message || "script error") + "\n";
});

(function () {
  var palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#843c39", "#7b4173"];

  // One colour per series label throughout the page, in order of first
  // appearance, so that an implementation keeps its colour from chart to chart.
  var colorOf = {};
  var colors = 0;
  function colorFor(label) {
    if (!Object.prototype.hasOwnProperty.call(colorOf, label)) colorOf[label] = palette[colors++ % palette.length];
    return colorOf[label];
  }

  function dataset(d) {
    var color = colorFor(d.label);
    return {
      label: d.label,
      data: d.points,
      borderColor: color,
      backgroundColor: color,
      borderDash: d.invalid ? [6, 4] : [],
      // A marker set (the history's change points) is points only, larger.
      pointStyle: d.marker ? "triangle" : d.invalid ? "crossRot" : "circle",
      pointRadius: d.marker ? 7 : 3,
      showLine: !d.marker,
      tension: 0,
    };
  }

  function axis(title, log) {
    return { type: log ? "logarithmic" : "linear", title: { display: true, text: title } };
  }

  function config(spec) {
    var base = {
      animation: false,
      responsive: false,
      // Below the plot the legend wraps into rows, so a long series name is
      // never cut off (at the right it had a fixed width); a click on an entry
      // hides or shows that series.
      plugins: { legend: { position: "bottom" }, title: { display: true, text: spec.title } },
    };
    if (spec.type === "bar") {
      base.scales = { y: axis(spec.ylabel, false) };
      return { type: "bar", data: { labels: spec.labels, datasets: spec.datasets.map(dataset) }, options: base };
    }
    base.scales = { x: axis(spec.xlabel, spec.logx), y: axis(spec.ylabel, spec.logy) };
    // Named positions (the history's commits): x is an index into xticks.
    if (spec.xticks) {
      base.scales.x.ticks = {
        stepSize: 1,
        autoSkip: true,
        callback: function (v) { return Number.isInteger(v) && v >= 0 && v < spec.xticks.length ? spec.xticks[v] : ""; },
      };
    }
    return { type: "line", data: { datasets: spec.datasets.map(dataset) }, options: base };
  }

  // A chart counts as rendered when its canvas holds drawn pixels, not merely
  // when Chart.js returned.
  function drawn(canvas) {
    var ctx = canvas.getContext("2d");
    var px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (var i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
    return false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = JSON.parse(document.getElementById("mb-data").textContent);
    var charts = data.charts || [];
    var rendered = 0;
    charts.forEach(function (spec, i) {
      var canvas = document.getElementById("chart-" + i);
      if (!canvas) throw new Error("no canvas for chart " + i);
      new Chart(canvas.getContext("2d"), config(spec));
      if (drawn(canvas)) rendered += 1;
    });
    document.body.setAttribute("data-charts-expected", String(charts.length));
    document.body.setAttribute("data-charts-rendered", String(rendered));
  });
})();
