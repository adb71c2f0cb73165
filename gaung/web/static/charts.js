// Stacked daily tone bars with Chart.js (vendored in ./vendor, no CDN: the office may be offline).
// The data sits in a <script type="application/json"> block, so no value is ever spliced into code.
function gaungToneChart(canvasId, dataId, labels) {
  var canvas = document.getElementById(canvasId);
  var source = document.getElementById(dataId);
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var series = [["positive", "#1a7f4b"], ["neutral", "#8a94a6"], ["negative", "#c0392b"]];
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: series.map(function (s) {
        return {label: labels[s[0]], data: data[s[0]], backgroundColor: s[1], stack: "tone"};
      })
    },
    options: {
      animation: false,
      responsive: true,
      scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}},
      plugins: {legend: {position: "bottom"}}
    }
  });
}
