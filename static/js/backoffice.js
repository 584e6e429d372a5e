// Behaviours of the back-office pages, loaded by templates/base.html; no inline script (CSP).
// htmx polls (hx-trigger="every Ns") marked data-poll rest while the tab is hidden: every request is
// skipped, or all but one in data-hidden-every. Done here rather than in hx-trigger filters
// ("[document.visibilityState...]"), which htmx evaluates as code and the Content-Security-Policy forbids.
document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  if (!elt.hasAttribute("data-poll") || document.visibilityState === "visible") return;
  var every = parseInt(elt.getAttribute("data-hidden-every") || "0", 10);
  var skipped = parseInt(elt.getAttribute("data-skipped") || "0", 10) + 1;
  if (every && skipped >= every) {
    elt.setAttribute("data-skipped", "0");
    return;
  }
  elt.setAttribute("data-skipped", String(skipped));
  event.preventDefault();
});

// A form with data-confirm asks before it is sent (an inline onsubmit would be blocked by the CSP).
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
