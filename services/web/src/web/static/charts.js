// Orga web: the campaign dashboards' charts (Pix Orga « Activité » and « Résultats »).
// Each `<canvas data-chart="…" data-values='…'>` names its chart and holds its data as JSON (an
// attribute: htmx drops every `<script>` of a swapped page, a JSON data block included). Every
// chart has a table alternative on the page: the canvas is a picture of that table.
(function () {
  "use strict";

  var BLUE = "#000091";
  var GREEN = "#18753c";
  var COLORS = { STARTED: "#0063cb", TO_SHARE: "#b34000", SHARED: GREEN };

  function frenchDay(day) {
    var p = String(day).split("-");
    return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : String(day);
  }

  // Both series on the same days: a cumulative count keeps its last value on days it has none.
  function timeline(data) {
    var days = {};
    data.series.forEach(function (s) { s.points.forEach(function (p) { days[p.day] = true; }); });
    var labels = Object.keys(days).sort();
    var datasets = data.series.map(function (s, index) {
      var byDay = {};
      s.points.forEach(function (p) { byDay[p.day] = p.count; });
      var last = 0;
      var values = labels.map(function (d) {
        if (Object.prototype.hasOwnProperty.call(byDay, d)) { last = byDay[d]; }
        return last;
      });
      var color = index === 0 ? BLUE : GREEN;
      return {
        label: s.label, data: values, borderColor: color, backgroundColor: color,
        stepped: true, pointRadius: 3, fill: false
      };
    });
    return {
      type: "line",
      data: { labels: labels.map(frenchDay), datasets: datasets },
      options: {
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    };
  }

  function statuses(data) {
    return {
      type: "doughnut",
      data: {
        labels: data.map(function (s) { return s.label; }),
        datasets: [{
          data: data.map(function (s) { return s.count; }),
          backgroundColor: data.map(function (s) { return COLORS[s.status] || BLUE; })
        }]
      },
      options: { plugins: { legend: { position: "bottom" } } }
    };
  }

  function distribution(data) {
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: "Participants", data: data.counts, backgroundColor: BLUE }]
      },
      options: {
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } }
      }
    };
  }

  var BUILDERS = { timeline: timeline, statuses: statuses, distribution: distribution };

  function draw(root) {
    if (!window.Chart) { return; }
    // Charts of a page htmx swapped out: free them.
    Object.values(window.Chart.instances || {}).forEach(function (chart) {
      if (!document.body.contains(chart.canvas)) { chart.destroy(); }
    });
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var name = canvas.dataset.chart;
      if (window.Chart.getChart(canvas) || !BUILDERS[name]) { return; }
      var data;
      try { data = JSON.parse(canvas.dataset.values || "null"); } catch (e) { return; }
      if (!data) { return; }
      var config = BUILDERS[name](data);
      config.options.responsive = true;
      config.options.animation = reduced ? false : { duration: 400 };
      new window.Chart(canvas, config);
    });
  }

  document.addEventListener("htmx:afterSettle", function () { draw(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
