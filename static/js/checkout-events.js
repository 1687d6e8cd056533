/* Pushes each [data-checkout-event] the server wrote (once per event) to the dataLayer, on
   load and after htmx swaps. Object keys (ecommerce, modes) are cleared first, as GA4 asks:
   Tag Manager would merge them into the last event's. */
(function () {
  function push() {
    var layer = (window.dataLayer = window.dataLayer || []);
    document.querySelectorAll("[data-checkout-event]").forEach(function (marker) {
      var event = JSON.parse(marker.getAttribute("data-checkout-event")), reset = {}, key;
      marker.remove();
      for (key in event) if (typeof event[key] == "object") reset[key] = null;
      if (Object.keys(reset).length) layer.push(reset);
      layer.push(event);
    });
  }
  push();
  document.addEventListener("htmx:afterSettle", push);
})();
