/* Samenspraak: a form that has been sent is not sent again by a second click.
 *
 * A double click on "Add" while the next page loads would post the form twice, and a form
 * that adds something (an action point, an agreement) would add it twice. Once a form is
 * posted, further submits of it are ignored for ten seconds (enough for the page to load;
 * after that a form that stayed, say after a download, works again) and again when the
 * page comes back from the back/forward cache. Forms whose submit a script takes over
 * (htmx, the live room) are left alone: they call preventDefault first.
 */
"use strict";

(() => {
  const GUARD_MS = 10000;

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    const sent = Number(form.dataset.sentAt || 0);
    if (sent && Date.now() - sent < GUARD_MS) {
      event.preventDefault();
      return;
    }
    form.dataset.sentAt = String(Date.now());
  });

  // A long list of tick boxes (_field.html) gets a filter: what does not match the typed
  // text hides, except what is ticked. The filter has no name, so it is never sent; Enter
  // in it does not send the form either. A list that a script fills (the live console's
  // owners) says from how many boxes on its filter shows (data-from); the filter follows
  // the list as it changes.
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  for (const filter of document.querySelectorAll(".choices-filter[data-filter]")) {
    const list = document.getElementById(filter.dataset.filter);
    const input = filter.querySelector("input");
    const count = filter.querySelector("[aria-live]");
    if (!list || !input || !count) continue;
    const from = Number(filter.dataset.from || 0);
    const apply = () => {
      const choices = [...list.querySelectorAll("label.choice")];
      filter.hidden = choices.length < from;
      const wanted = filter.hidden ? "" : fold(input.value.trim());
      let shown = 0;
      for (const choice of choices) {
        const ticked = choice.querySelector("input")?.checked;
        const visible = !wanted || ticked || fold(choice.textContent).includes(wanted);
        choice.hidden = !visible;
        if (visible) shown += 1;
      }
      count.textContent = wanted
        ? filter.dataset.countText.replace("{shown}", shown).replace("{total}", choices.length)
        : "";
    };
    input.addEventListener("input", apply);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    if (from) new MutationObserver(apply).observe(list, { childList: true });
    apply();
  }

  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll("form[data-sent-at]")) delete form.dataset.sentAt;
  });
})();
