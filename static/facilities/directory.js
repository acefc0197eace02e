// Enhancements for the directory pages; everything works without them.
// - a Leaflet map of the results (beside the list, which stays the full source of truth),
// - "use my location" to sort by distance (only offered when the browser has geolocation),
// - short URLs and one history entry per search for the live search (htmx).
(function () {
  "use strict";
  let map = null;
  let layer = null;

  function markerData() {
    const data = document.getElementById("map-markers");
    return data ? JSON.parse(data.textContent) : [];
  }

  function popup(marker) {
    const link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.name;
    return link;
  }

  function drawMap() {
    const element = document.getElementById("results-map");
    if (!element || !window.L || !element.dataset.tileUrl) return;
    const markers = markerData();
    element.hidden = markers.length === 0;
    if (element.hidden) return;
    if (!map) {
      map = L.map(element, { scrollWheelZoom: false });
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
      layer = L.layerGroup().addTo(map);
    }
    layer.clearLayers();
    const bounds = [];
    markers.forEach(function (m) {
      L.marker([m.lat, m.lng], { title: m.name, alt: m.name }).bindPopup(popup(m)).addTo(layer);
      bounds.push([m.lat, m.lng]);
    });
    map.invalidateSize();
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }

  function offerLocation() {
    const button = document.getElementById("use-location");
    const form = document.getElementById("search-form");
    if (!button || !form || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      const status = document.getElementById("location-status");
      status.textContent = button.dataset.waiting || "…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
          form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(5);
          form.querySelector("[name=sort]").value = "distance";
          status.textContent = "";
          form.requestSubmit();
        },
        function () {
          status.textContent = button.dataset.denied || "";
        },
        { timeout: 10000, maximumAge: 300000 }
      );
    });
  }

  function drawServiceMap() {
    const element = document.getElementById("service-map");
    if (!element || !window.L || !element.dataset.tileUrl) return;
    const lat = parseFloat(element.dataset.lat);
    const lng = parseFloat(element.dataset.lng);
    element.hidden = false;
    const single = L.map(element, { scrollWheelZoom: false }).setView([lat, lng], 16);
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(single);
    L.marker([lat, lng], { title: element.dataset.name, alt: element.dataset.name }).addTo(single);
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawMap();
    offerLocation();
    drawServiceMap();
  });
  // The results are swapped whole, so a screen reader hears the new count from a region that stays.
  function announceCount() {
    const status = document.getElementById("results-status");
    const title = document.getElementById("results-title");
    if (status && title) status.textContent = title.textContent;
  }

  document.addEventListener("htmx:afterSettle", function () {
    drawMap();
    announceCount();
  });

  // Empty fields stay out of the URL (the view redirects such URLs when a form is sent without JS).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    const data = event.detail.formData;
    const empty = [];
    data.forEach(function (value, key) {
      if (typeof value === "string" && value.trim() === "") empty.push(key);
    });
    empty.forEach(function (key) { data.delete(key); });
  });

  // One history entry per search. The first live update while typing starts the entry of the new
  // search; later keystrokes replace it, and submitting (or changing a filter) settles it without a
  // second entry. So Back returns to the previous search, never to half-typed words.
  let typing = false;
  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    const trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    const live = Boolean(trigger && trigger.type === "input");
    const same = event.detail.history.path === location.pathname + location.search;
    event.detail.history.type = typing || same ? "replace" : "push";
    typing = live;
  });
  // Back and Forward load the page again from the server, which fills the form from the URL: the
  // words and filters of that search, exactly as without JavaScript. (htmx's own snapshot would
  // bring back old results beside an emptied search box.)
  if (window.htmx) {
    htmx.config.historyCacheSize = 0;
    htmx.config.refreshOnHistoryMiss = true;
  }
})();
