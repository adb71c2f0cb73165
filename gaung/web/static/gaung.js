// Loaded once in <head>. With hx-boost only the <body> content is swapped, so anything read from the
// body's own attributes would go stale after a boosted login: read the CSRF token from the current page.
document.addEventListener("htmx:configRequest", function (event) {
  var holder = document.getElementById("gaung-csrf");
  if (holder && holder.dataset.token) {
    event.detail.headers["X-CSRF-Token"] = holder.dataset.token;
  }
});
