/* City monitor: clicking a city on the national map opens its page. */
(function () {
  "use strict";
  function hook() {
    if (typeof echarts === "undefined") { return; }
    var els = document.querySelectorAll("[data-map='cn-resource']");
    for (var i = 0; i < els.length; i++) {
      var chart = echarts.getInstanceByDom(els[i]);
      if (!chart || els[i].getAttribute("data-click")) { continue; }
      els[i].setAttribute("data-click", "1");
      chart.on("click", function (p) {
        if (p.data && p.data.code) { window.location.href = "/cities/" + p.data.code; }
      });
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var n = 0;
    var t = setInterval(function () { hook(); n += 1; if (n > 40) { clearInterval(t); } }, 250);
  });
})();
