// Small behaviours shared by every page; the Content-Security-Policy allows no inline script or
// inline handler (hx-on), so they live here and are switched on by data attributes.
(function () {
  "use strict";
  // A search box inside a bigger form: Enter filters (htmx) instead of submitting the whole form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest && event.target.closest("[data-enter-filters]")) {
      event.preventDefault();
    }
  });
})();
