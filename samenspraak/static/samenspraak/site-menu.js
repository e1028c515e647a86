/* The menu button of a phone-sized page (base.html, app.css): opens and closes the menu;
 * Escape closes it and puts the focus back on the button. Wider screens never show the
 * button, and without this script noscript.css shows the menu as it is. */
(() => {
  "use strict";
  const toggle = document.querySelector(".site-menu-toggle");
  const menu = document.getElementById("site-menu");
  if (!toggle || !menu) return;
  const open = () => toggle.getAttribute("aria-expanded") === "true";
  toggle.addEventListener("click", () => toggle.setAttribute("aria-expanded", String(!open())));
  document.querySelector(".site-header")?.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !open() || getComputedStyle(toggle).display === "none") return;
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  });
})();
