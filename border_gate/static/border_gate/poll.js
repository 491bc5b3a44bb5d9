// Refresh a fragment without reloading the page: <div data-poll-url="..." data-poll-seconds="15">.
// Without JavaScript the page has a refresh link and a <noscript> meta refresh instead.
(function () {
  document.querySelectorAll("[data-poll-url]").forEach(function (el) {
    var seconds = parseInt(el.getAttribute("data-poll-seconds") || "15", 10);
    setInterval(function () {
      if (document.hidden) return;
      fetch(el.getAttribute("data-poll-url"), {headers: {"HX-Request": "true"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) el.innerHTML = html; })
        .catch(function () {});
    }, seconds * 1000);
  });
})();
