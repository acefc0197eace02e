// Progressive enhancement: the tables above carry the same facts without JavaScript.
(function () {
  var element = document.getElementById("hub-map");
  var data = document.getElementById("hub-markers");
  if (!element || !data || typeof L === "undefined") return;
  var markers = JSON.parse(data.textContent);
  if (!markers.length) return;
  element.textContent = "";
  var map = L.map(element);
  L.tileLayer(document.currentScript ? document.currentScript.dataset.tiles : element.dataset.tiles, {
    maxZoom: 18,
    attribution: "&copy; OpenStreetMap contributors",
  }).addTo(map);
  var bounds = [];
  markers.forEach(function (m) {
    var marker = L.marker([m.lat, m.lng], { title: m.name, alt: m.name }).addTo(map);
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name + "（" + m.type + "）";
    marker.bindPopup(link);
    bounds.push([m.lat, m.lng]);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
})();
