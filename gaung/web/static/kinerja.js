// Kinerja: capaian per indicator per month with Chart.js (vendored, no CDN). Data and translated labels sit
// in <script type="application/json"> blocks, so no value is ever spliced into code.
function gaungCapaianChart(canvasId, dataId, labelsId) {
  var canvas = document.getElementById(canvasId);
  var source = document.getElementById(dataId);
  var names = document.getElementById(labelsId);
  if (!canvas || !source || !names || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var labels = JSON.parse(names.textContent);
  var colours = ["#1f5f99", "#1a7f4b", "#d68910", "#c0392b", "#7d3c98"];
  var keys = Object.keys(data.series);
  var datasets = keys.map(function (key, i) {
    return {label: labels.series[key] || key, data: data.series[key], borderColor: colours[i % colours.length],
            backgroundColor: colours[i % colours.length], spanGaps: false, tension: 0};
  });
  // the 100% line: capaian at target
  datasets.push({label: labels.target, data: data.labels.map(function () { return 100; }), borderColor: "#8a94a6",
                 borderDash: [6, 4], pointRadius: 0, backgroundColor: "#8a94a6"});
  new Chart(canvas, {
    type: "line",
    data: {labels: data.labels, datasets: datasets},
    options: {animation: false, responsive: true, scales: {y: {beginAtZero: true, ticks: {callback: function (v) { return v + "%"; }}}},
              plugins: {legend: {position: "bottom"}}}
  });
}
