// Progressive enhancement of the hub form (the form works without it: 「行を追加」 submits, 削除 is a
// checkbox, coordinates can be typed). No inline script: the Content-Security-Policy forbids it.
(function () {
  "use strict";

  // --- rows of the hours and staff formsets ---
  function enhanceRow(row, addButton) {
    var box = row.querySelector(".row-delete input[type=checkbox]");
    if (!box || box.dataset.enhanced) return;
    box.dataset.enhanced = "1";
    var label = box.closest("label");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = label.textContent.trim();
    button.addEventListener("click", function () {
      box.checked = true; // posted with the form: the server drops the row
      row.hidden = true;
      addButton.focus();
    });
    label.hidden = true;
    label.parentNode.appendChild(button);
  }

  document.querySelectorAll("[data-add-row]").forEach(function (addButton) {
    var prefix = addButton.dataset.addRow;
    var rows = document.querySelector('[data-formset="' + prefix + '"]');
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-row");
    if (!rows || !total || !template) return;
    rows.querySelectorAll("[data-row]").forEach(function (row) { enhanceRow(row, addButton); });
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.querySelector("[data-row]");
      rows.appendChild(row);
      total.value = index + 1;
      enhanceRow(row, addButton);
      var first = row.querySelector("select, input");
      if (first) first.focus();
    });
  });

  // --- the place picker: a click on the map fills the coordinates, typed ones move the marker ---
  var element = document.getElementById("place-map");
  if (!element || typeof L === "undefined") return;
  var lat = document.getElementById(element.dataset.latInput);
  var lng = document.getElementById(element.dataset.lngInput);
  if (!lat || !lng) return;
  element.hidden = false;
  var map = L.map(element).setView(
    [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)],
    parseInt(element.dataset.zoom, 10)
  );
  L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
  var marker = null;
  function place(point) {
    if (marker) marker.setLatLng(point);
    else marker = L.marker(point).addTo(map);
  }
  function typed() {
    var point = [parseFloat(lat.value), parseFloat(lng.value)];
    if (!isNaN(point[0]) && !isNaN(point[1])) place(point);
  }
  typed();
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lng.value = event.latlng.lng.toFixed(6);
    place(event.latlng);
  });
  lat.addEventListener("change", typed);
  lng.addEventListener("change", typed);
})();
