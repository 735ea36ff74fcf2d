// Draws every chart whose spec sits in a <script type="application/json" class="plotly-spec">.
// plotly.js is loaded once per site from assets/plotly.min.js; nothing is fetched from a network.
(function () {
  "use strict";
  function draw() {
    var specs = document.querySelectorAll("script.plotly-spec");
    for (var i = 0; i < specs.length; i++) {
      var el = specs[i];
      var target = document.getElementById(el.getAttribute("data-target"));
      if (!target || typeof Plotly === "undefined") { continue; }
      var spec = JSON.parse(el.textContent);
      Plotly.newPlot(target, spec.data, spec.layout, spec.config);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
