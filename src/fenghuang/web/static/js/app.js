/* Fenghuang page script: draws ECharts charts from JSON data islands.
 * No inline scripts (CSP script-src 'self'): each chart is
 *   <div class="chart" data-chart="ID" [data-map="NAME" data-geo="/url"]></div>
 *   <script type="application/json" id="ID">{ ...ECharts option... }</script>
 * Map charts fetch their GeoJSON from this server and register it first.
 */
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
  var charts = [];
  var registered = {};

  function optionFor(el) {
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src) { return null; }
    var opt = JSON.parse(src.textContent);
    opt.textStyle = Object.assign({ fontFamily: FONT }, opt.textStyle || {});
    opt.animation = false;
    return opt;
  }

  function draw(el) {
    if (el.getAttribute("data-drawn")) { return; }
    var opt = optionFor(el);
    if (!opt || typeof echarts === "undefined") { return; }
    el.setAttribute("data-drawn", "1");
    var mapName = el.getAttribute("data-map");
    var geoUrl = el.getAttribute("data-geo");
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    if (mapName && geoUrl && !registered[mapName]) {
      fetch(geoUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          echarts.registerMap(mapName, geo);
          registered[mapName] = true;
          chart.setOption(opt);
          el.setAttribute("data-ready", "1");
        })
        .catch(function (err) {
          el.setAttribute("data-ready", "error");
          el.setAttribute("data-error", String(err));
        });
    } else {
      chart.setOption(opt);
      el.setAttribute("data-ready", "1");
    }
  }

  function drawAll(root) {
    var els = (root || document).querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) { draw(els[i]); }
  }

  function confirmForms(root) {
    var forms = (root || document).querySelectorAll("form[data-confirm]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (ev) {
        if (!window.confirm(this.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
    confirmForms(document);
    if (typeof htmx !== "undefined") {
      htmx.onLoad(function (el) { drawAll(el); });
    }
    var t = null;
    window.addEventListener("resize", function () {
      clearTimeout(t);
      t = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
    });
  });
})();
