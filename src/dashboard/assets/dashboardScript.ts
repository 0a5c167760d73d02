/**
 * The dashboard's only script, served as `/assets/dashboard.js`: live
 * refresh, added on top of pages that work without it. Every
 * `data-refresh-seconds` seconds it fetches the page again and swaps the
 * content of each `[data-live]` element (figures, charts, message lists),
 * never the forms around them; it waits while focus is inside one, while
 * the tab is hidden or while the user paused it (the button it shows, for
 * WCAG 2.2.2). A failed refresh says so once, in a status line a screen
 * reader announces, and the next one tries again.
 */
export const DASHBOARD_SCRIPT = `"use strict";
(function () {
  var main = document.getElementById("main");
  if (!main || !main.dataset.refreshSeconds) return;
  var seconds = Number(main.dataset.refreshSeconds);
  if (!(seconds > 0)) return;
  var paused = false;
  var failing = false;
  var button = document.querySelector("[data-pause]");
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  status.className = "note";
  document.querySelector("footer.bottom").appendChild(status);
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      paused = !paused;
      button.setAttribute("aria-pressed", String(paused));
      button.textContent = paused ? "Resume live updates" : "Pause live updates";
      if (!paused) schedule();
    });
  }
  function focusInsideLive() {
    var active = document.activeElement;
    return active && active !== document.body && active.closest && active.closest("[data-live]") && active.matches("input, select, textarea, button");
  }
  function refresh() {
    if (paused) return;
    if (document.hidden || focusInsideLive()) return schedule();
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 10000);
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" }, signal: controller.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("the dashboard answered " + response.status);
        return response.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        fresh.querySelectorAll("[data-live][id]").forEach(function (element) {
          var current = document.getElementById(element.id);
          if (current && current.hasAttribute("data-live")) {
            current.innerHTML = element.innerHTML;
            if (element.hasAttribute("datetime")) current.setAttribute("datetime", element.getAttribute("datetime"));
          }
        });
        if (failing) status.textContent = "Live updates work again.";
        failing = false;
      })
      .catch(function (error) {
        if (!failing) status.textContent = "Live update failed (" + (error && error.message ? error.message : error) + "); the figures shown may be old. Trying again.";
        failing = true;
      })
      .finally(function () {
        clearTimeout(timer);
        schedule();
      });
  }
  var pending = null;
  function schedule() {
    if (pending !== null) clearTimeout(pending);
    pending = paused ? null : setTimeout(function () { pending = null; refresh(); }, seconds * 1000);
  }
  schedule();
})();
`;
