// Content charts with Chart.js (vendored, no CDN). Data sits in <script type="application/json"> blocks,
// so no value is ever spliced into code.

// A post's metric snapshots over time: one line per count the exports reported.
function gaungHistoryChart(canvasId, dataId) {
  var canvas = document.getElementById(canvasId);
  var source = document.getElementById(dataId);
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = ["#1f5f99", "#1a7f4b", "#8a94a6", "#c0392b", "#d68910", "#7d3c98", "#117a65"];
  var names = Object.keys(data.series);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels.map(function (t) { return t.slice(0, 16).replace("T", " "); }),
      datasets: names.map(function (name, i) {
        return {label: name, data: data.series[name], borderColor: colours[i % colours.length],
                backgroundColor: colours[i % colours.length], spanGaps: false, tension: 0};
      })
    },
    options: {animation: false, responsive: true, scales: {y: {beginAtZero: true}},
              plugins: {legend: {position: "bottom"}}}
  });
}

// Medians with their 95% bootstrap interval: a floating bar from low to high, a dot at the median.
// Groups with one post have no bar (no interval), only the dot.
function gaungIntervalChart(canvasId, dataId, labels) {
  var canvas = document.getElementById(canvasId);
  var source = document.getElementById(dataId);
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var names = data.labels.map(function (label, i) { return label + " (n=" + data.n[i] + ")"; });
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: names,
      datasets: [
        {label: labels.interval, data: data.interval, backgroundColor: "rgba(31,95,153,0.25)",
         borderColor: "#1f5f99", borderWidth: 1, barPercentage: 0.5},
        {type: "line", label: labels.median, data: data.median, showLine: false, pointRadius: 4,
         pointStyle: "rectRot", borderColor: "#0b2e4f", backgroundColor: "#0b2e4f"}
      ]
    },
    options: {indexAxis: "y", animation: false, responsive: true,
              scales: {x: {beginAtZero: true}}, plugins: {legend: {position: "bottom"}}}
  });
}
