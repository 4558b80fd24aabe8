/* global window, document */
// 마을 콘솔 charts: draws every <canvas data-chart="stacked"> with Chart.js (served by the app, /console/charts/chart.js)
// from the JSON block it names. Each series has its own pattern — solid, stripes, dots, cross — as well as its own
// shade, the legend shows the patterns, and every bar segment carries its number, so nothing depends on colour.
(function () {
  'use strict';
  var INK = ['#14532d', '#9a3412', '#1e3a8a', '#6b21a8'];

  function pattern(kind, ink) {
    var size = 10;
    var c = document.createElement('canvas');
    c.width = size;
    c.height = size;
    var g = c.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, size, size);
    g.fillStyle = ink;
    g.strokeStyle = ink;
    g.lineWidth = 2;
    if (kind === 'solid') {
      g.fillRect(0, 0, size, size);
    } else if (kind === 'stripes') {
      g.beginPath();
      g.moveTo(0, size);
      g.lineTo(size, 0);
      g.moveTo(-size / 2, size / 2);
      g.lineTo(size / 2, -size / 2);
      g.moveTo(size / 2, size + size / 2);
      g.lineTo(size + size / 2, size / 2);
      g.stroke();
    } else if (kind === 'dots') {
      g.beginPath();
      g.arc(size / 2, size / 2, 2.2, 0, Math.PI * 2);
      g.fill();
    } else {
      g.beginPath();
      g.moveTo(0, 0);
      g.lineTo(size, size);
      g.moveTo(size, 0);
      g.lineTo(0, size);
      g.stroke();
    }
    return g.createPattern(c, 'repeat');
  }

  // Each segment's number, written on it (dark on light patterns, light on solid), when it is wide enough to hold it.
  var valueLabels = {
    id: 'maeulValueLabels',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = 'bold 12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      chart.data.datasets.forEach(function (ds, di) {
        var meta = chart.getDatasetMeta(di);
        if (meta.hidden) return;
        meta.data.forEach(function (bar, i) {
          var v = ds.data[i];
          if (!v) return;
          var w = Math.abs(bar.x - bar.base);
          var text = String(v);
          if (w < ctx.measureText(text).width + 8) return;
          var x = (bar.x + bar.base) / 2;
          ctx.fillStyle = ds.maeulPattern === 'solid' ? '#ffffff' : '#000000';
          if (ds.maeulPattern !== 'solid') {
            var tw = ctx.measureText(text).width + 6;
            ctx.fillStyle = '#ffffff';
            ctx.fillRect(x - tw / 2, bar.y - 8, tw, 16);
            ctx.fillStyle = '#000000';
          }
          ctx.fillText(text, x, bar.y);
        });
      });
      ctx.restore();
    },
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute('data-source'));
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var datasets = data.series.map(function (s, i) {
      var ink = INK[i % INK.length];
      return {
        label: s.label,
        data: s.values,
        backgroundColor: pattern(s.pattern, ink),
        borderColor: ink,
        borderWidth: 1.5,
        maeulPattern: s.pattern,
      };
    });
    new window.Chart(canvas, {
      type: 'bar',
      data: { labels: data.categories, datasets: datasets },
      plugins: [valueLabels],
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: true },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 28, boxHeight: 14 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ': ' + item.raw + data.unit;
              },
            },
          },
        },
      },
    });
    canvas.setAttribute('data-drawn', 'true');
  }

  function start() {
    var canvases = document.querySelectorAll('canvas[data-chart="stacked"]');
    for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
