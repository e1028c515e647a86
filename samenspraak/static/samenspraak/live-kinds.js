/* Samenspraak live room: the interaction kinds beyond rounds, notes and positions —
 * themes (clustering), dot voting, card draw, pairs, World Café tables, the consent check,
 * what is captured, and the review of open action points while the room waits.
 *
 * live.js owns the connection and the state; it calls `SamenspraakLiveKinds(api)` once and
 * then `apply(event)` for every event and `render(context)` after every change. Like
 * live.js, this file has no texts of its own (they come from #live-text) and sets user
 * text only with textContent. Lists are updated in place, keyed by id, so a button that
 * was just pressed keeps the keyboard focus.
 */
"use strict";

window.SamenspraakLiveKinds = (api) => {
  const { $, t, act, show, setText, element, nameOf, VIEW, LANG } = api;
  const state = () => api.state();
  const NOTE_KINDS = new Set(["writing", "feedback_3xw", "actions", "tables"]);
  const console_ = VIEW === "facilitator";

  // --- Small helpers ---------------------------------------------------------------------

  /* Keep `list`'s children in the order of `items`, reusing the node of each key. */
  function syncList(list, items, key, create, update) {
    if (!list) return;
    const known = new Map([...list.children].map((node) => [node.dataset.key, node]));
    const wanted = items.map((item) => {
      const id = String(key(item));
      let node = known.get(id);
      if (!node) {
        node = create(item);
        node.dataset.key = id;
      }
      update(node, item);
      return node;
    });
    const same =
      list.children.length === wanted.length && wanted.every((node, i) => list.children[i] === node);
    if (!same) list.replaceChildren(...wanted);
  }

  /* Fill a <select> with options, keeping the chosen value when it still exists. */
  function syncSelect(select, options) {
    if (!select) return;
    const signature = JSON.stringify(options);
    if (select.dataset.options === signature) return;
    const chosen = select.value;
    select.dataset.options = signature;
    select.replaceChildren(
      ...options.map(([value, label]) => {
        const option = element("option", "", label);
        option.value = String(value);
        return option;
      }),
    );
    if (options.some(([value]) => String(value) === chosen)) select.value = chosen;
  }

  function localized(texts) {
    if (!texts || typeof texts !== "object") return texts || "";
    return texts[LANG.slice(0, 2)] || texts.nl || "";
  }

  function names(ids) {
    return ids.map((id) => nameOf(id)).join(", ");
  }

  function phaseAt(i) {
    return (state().phases || [])[i];
  }

  function sourcePhase(index) {
    for (let i = index - 1; i >= 0; i -= 1) {
      if (NOTE_KINDS.has(phaseAt(i)?.kind)) return i;
    }
    return null;
  }

  // --- Events ----------------------------------------------------------------------------

  function apply(event) {
    const s = state();
    switch (event.kind) {
      case "clusters":
        s.clusters = event.clusters || [];
        if (event.placed) {
          const note = s.notes.find((n) => n.id === event.placed.note);
          if (note) note.cluster = event.placed.cluster;
        }
        for (const id of event.unplaced || []) {
          const note = s.notes.find((n) => n.id === id);
          if (note) note.cluster = null;
        }
        return true;
      case "votes": {
        const key = String(event.phase);
        const before = s.votes[key] || {};
        const next = { ...before, placed: event.placed, voters: event.voters, revealed: event.revealed };
        if ("totals" in event) next.totals = event.totals;
        s.votes[key] = next;
        return true;
      }
      case "my_votes": {
        const key = String(event.phase);
        s.votes[key] = { ...(s.votes[key] || {}), mine: event.dots || {} };
        return true;
      }
      case "cards":
        s.cards[String(event.phase)] = { deck: event.deck, cards: event.cards || [] };
        for (const deck of s.decks || []) {
          if (deck.id === event.deck) deck.left = Math.max(0, deck.left - event.cards.length);
        }
        if (console_) api.requestSync(); // the decks' counts
        return true;
      case "groups":
        s.groups[String(event.phase)] = { groups: event.groups, switched: event.switched };
        return true;
      case "tables": {
        const key = String(event.phase);
        const before = s.tables[key];
        s.tables[key] = {
          schedule: event.schedule,
          round: event.round,
          hosts: event.hosts,
          size: event.size,
        };
        // Another round is another table: its notes come with a fresh state.
        if (VIEW === "participant" && (!before || before.round !== event.round)) api.requestSync();
        for (const tables of event.schedule || []) {
          for (const table of tables) {
            if (table.some((id) => !api.knows(id))) api.requestSync();
          }
        }
        return true;
      }
      case "agreement": {
        const known = s.agreements.find((a) => a.id === event.agreement.id);
        if (known) Object.assign(known, event.agreement);
        else s.agreements.push({ ...event.agreement });
        return true;
      }
      case "my_support": {
        const known = s.agreements.find((a) => a.id === event.agreement);
        if (known) {
          known.answered = true;
          known.myAnswer = event.answer;
        }
        return true;
      }
      case "captured":
        if (event.insight) s.captured.insights.push(event.insight);
        if (event.action) s.captured.actions.push(event.action);
        return true;
      default:
        return false;
    }
  }

  function takeState(s) {
    s.clusters = s.clusters || [];
    s.votes = s.votes || {};
    s.cards = s.cards || {};
    s.decks = s.decks || [];
    s.groups = s.groups || {};
    s.tables = s.tables || {};
    s.agreements = s.agreements || [];
    s.captured = s.captured || { insights: [], actions: [] };
    s.review = s.review || [];
  }

  // --- Review (before the first phase) ---------------------------------------------------

  // A due date as people write it ("1 maart 2027"); the server sends the ISO date.
  const longDate = new Intl.DateTimeFormat(LANG, { dateStyle: "long", timeZone: "UTC" });

  function actionText(item) {
    const parts = [item.text];
    if (item.owners && item.owners.length) parts.push(t("owners", { names: item.owners.join(", ") }));
    if (item.due) {
      const due = t("due", { date: longDate.format(new Date(`${item.due}T00:00:00Z`)) });
      parts.push(item.overdue ? `${due} (${t("overdue")})` : due);
    }
    return parts.join(" — ");
  }

  function renderReview(waiting) {
    const items = state().review || [];
    show($("live-review"), waiting && items.length > 0);
    syncList(
      $("live-review-list"),
      items,
      (item) => item.id,
      () => element("li"),
      (node, item) => setText(node, actionText(item) + (item.session ? ` (${item.session})` : "")),
    );
  }

  // --- Themes ----------------------------------------------------------------------------

  function themeNotes(index) {
    const source = sourcePhase(index);
    return source === null ? [] : state().notes.filter((n) => n.phase === source);
  }

  function renderThemes(phase, index, active) {
    const clustering = active && phase.kind === "clustering";
    // The room sees the themes once it sees the notes; the console at once.
    const source = sourcePhase(index);
    const shown = console_ || (source !== null && api.visibleToRoom(source));
    show($("live-themes"), clustering && shown);
    if (!clustering || !shown) return;
    const clusters = state().clusters.filter((c) => c.phase <= index);
    const notes = themeNotes(index);
    const groups = [
      ...clusters.map((c) => ({ id: c.id, title: c.title, notes: notes.filter((n) => n.cluster === c.id) })),
    ]; // the notes not in a theme yet stay in the list of notes (live.js)
    syncList(
      $("live-theme-list"),
      groups,
      (group) => group.id,
      () => {
        const item = element("li", "live-theme");
        item.append(element("h3", "live-theme__title"), element("ul", "live-notes"));
        return item;
      },
      (node, group) => {
        setText(node.querySelector("h3"), t("themeCount", { title: group.title, count: group.notes.length }));
        node.querySelector("ul").replaceChildren(
          ...group.notes.map((note) => {
            const li = element("li", "live-note");
            li.append(element("span", "live-note__text", note.text));
            if (note.author) li.append(element("span", "live-note__author", note.author));
            return li;
          }),
        );
      },
    );
    if (!console_) return;
    syncSelect(
      $("live-cluster-note"),
      notes.map((n) => [n.id, n.text.length > 80 ? `${n.text.slice(0, 80)}…` : n.text]),
    );
    syncSelect($("live-cluster-theme"), [
      ["", t("noTheme")],
      ...clusters.map((c) => [c.id, c.title]),
    ]);
    show($("live-cluster-form"), notes.length > 0);
  }

  // --- Dot voting ------------------------------------------------------------------------

  function voteOptions(index) {
    const clusters = state().clusters.filter((c) => c.phase <= index);
    if (clusters.length) return clusters.map((c) => ({ target: `c${c.id}`, label: c.title }));
    return themeNotes(index)
      .slice()
      .sort((a, b) => a.text.localeCompare(b.text))
      .map((n) => ({ target: `n${n.id}`, label: n.text }));
  }

  function renderVotes(phase, index, settings, me, active) {
    const voting = active && phase.kind === "dot_voting";
    show($("live-vote"), voting);
    if (!voting) return;
    const votes = state().votes[String(index)] || {};
    const mine = votes.mine || {};
    const budget = settings.dots_per_person || 3;
    const used = Object.values(mine).reduce((a, b) => a + b, 0);
    const canVote = Boolean(me) && !me.leads && !votes.revealed && VIEW !== "projector";
    const totals = votes.totals || null;
    const most = totals ? Math.max(1, ...Object.values(totals)) : 1;
    setText($("live-dots-left"), t("dotsLeft", { left: budget - used, budget }));
    show($("live-dots-left"), canVote);
    const dots = t("dotCount", { count: votes.placed || 0 });
    setText($("live-dots-placed"), t("dotsPlaced", { dots, people: t("personCount", { count: votes.voters || 0 }) }));
    show($("live-vote-hidden"), !totals);
    let options = voteOptions(index);
    if (votes.revealed && totals) {
      // Voting is closed: the most dots first (while people vote, nothing moves).
      options = options.slice().sort((a, b) => (totals[b.target] || 0) - (totals[a.target] || 0));
    }
    show($("live-vote-empty"), options.length === 0);
    // The console may add options (themes) when there are none, or only themes so far.
    show(
      $("live-option-form"),
      console_ && !votes.revealed && options.every((option) => option.target.startsWith("c")),
    );
    syncList(
      $("live-vote-list"),
      options,
      (option) => option.target,
      (option) => {
        const item = element("li", "live-vote-option");
        item.append(element("span", "live-vote-option__label"), element("span", "live-vote-option__mine"));
        const buttons = element("div", "actions");
        for (const [action, key] of [
          ["vote.add", "addDot"],
          ["vote.remove", "removeDot"],
        ]) {
          const button = element("button", `button${action === "vote.remove" ? " button--secondary" : ""}`, t(key));
          button.type = "button";
          button.dataset.vote = action;
          button.append(element("span", "visually-hidden", ` (${option.label})`));
          button.addEventListener("click", () => act(action, { target: option.target }));
          buttons.append(button);
        }
        item.append(buttons);
        const bar = element("span", "live-bar");
        bar.setAttribute("aria-hidden", "true");
        bar.append(element("span", "live-bar__fill w-0"));
        item.append(element("span", "live-vote-option__total"), bar);
        return item;
      },
      (node, option) => {
        setText(node.querySelector(".live-vote-option__label"), option.label);
        const count = mine[option.target] || 0;
        setText(node.querySelector(".live-vote-option__mine"), canVote ? t("yourDots", { count }) : "");
        show(node.querySelector(".actions"), canVote);
        node.querySelector('[data-vote="vote.add"]').disabled = used >= budget;
        node.querySelector('[data-vote="vote.remove"]').disabled = count === 0;
        const total = totals ? totals[option.target] || 0 : null;
        setText(node.querySelector(".live-vote-option__total"), total === null ? "" : t("dotCount", { count: total }));
        show(node.querySelector(".live-bar"), total !== null);
        const step = total ? Math.round((total / most) * 20) * 5 : 0;
        node.querySelector(".live-bar__fill").className = `live-bar__fill w-${step}`;
      },
    );
  }

  // --- Cards -----------------------------------------------------------------------------

  function renderCards(phase, index, active) {
    const drawing = active && phase.kind === "card_draw";
    show($("live-cards"), drawing);
    if (!drawing) return;
    const shown = state().cards[String(index)];
    const cards = (shown && shown.cards) || [];
    show($("live-cards-none"), cards.length === 0);
    syncList(
      $("live-card-list"),
      cards,
      (card) => card.id,
      () => {
        const item = element("li", "live-card");
        item.append(element("span", "live-card__theme"), element("span", "live-card__text"));
        return item;
      },
      (node, card) => {
        setText(node.querySelector(".live-card__theme"), localized(card.theme));
        setText(node.querySelector(".live-card__text"), localized(card.text));
      },
    );
    if (console_) {
      syncSelect(
        $("live-deck"),
        (state().decks || []).map((d) => [d.id, t("deckOption", { name: d.name, left: d.left, count: d.cards })]),
      );
    }
  }

  // --- Pairs -----------------------------------------------------------------------------

  function renderGroups(phase, index, settings, me, active) {
    const pairs = active && phase.kind === "pairs";
    show($("live-groups"), pairs);
    if (!pairs) return;
    // Named for the groups the phase makes (pairs may end with one trio, no more).
    const trios = settings.group_size === 3;
    setText($("live-groups-heading"), t(trios ? "trios" : "pairs"));
    setText($("live-groups-none"), t(trios ? "triosNone" : "pairsNone"));
    setText(document.querySelector('button[data-action="pairs.form"]'), t(trios ? "formTrios" : "formPairs"));
    const formed = state().groups[String(index)];
    const groups = (formed && formed.groups) || [];
    const speaker = (group) => group[formed && formed.switched ? 1 : 0];
    show($("live-groups-none"), groups.length === 0);
    const mine = me ? groups.find((g) => g.includes(me.id)) : null;
    setText($("live-my-group"), mine ? t("yourGroup", { names: names(mine.filter((id) => id !== me.id)) }) : "");
    show($("live-my-group"), Boolean(mine));
    const roles = settings.switch_roles !== false;
    setText(
      $("live-my-role"),
      mine && roles ? (speaker(mine) === me.id ? t("youSpeak") : t("youListen", { name: nameOf(speaker(mine)) })) : "",
    );
    show($("live-my-role"), Boolean(mine) && roles);
    const all = VIEW !== "participant" || !mine;
    show($("live-group-list"), all && groups.length > 0);
    syncList(
      $("live-group-list"),
      all ? groups : [],
      (group) => group.join("-"),
      () => element("li"),
      (node, group) =>
        setText(node, names(group) + (roles ? ` — ${t("speaksNow", { name: nameOf(speaker(group)) })}` : "")),
    );
  }

  // --- World Café ------------------------------------------------------------------------

  function renderTables(phase, index, me, active) {
    const cafe = active && phase.kind === "tables";
    show($("live-tables"), cafe);
    if (!cafe) return;
    const seating = state().tables[String(index)];
    show($("live-tables-none"), !seating);
    const rounds = seating ? seating.schedule.length : 0;
    const round = seating ? seating.round : 0;
    const tables = seating ? seating.schedule[round] : [];
    const hosts = (seating && seating.hosts) || [];
    const describe = (table, number) => {
      const host = table.find((id) => hosts.includes(id));
      const others = table.filter((id) => id !== host);
      const words = { table: number + 1, host: host === undefined ? "" : nameOf(host), names: names(others) };
      if (host === undefined) return t(others.length ? "tableWith" : "tableEmpty", words);
      return t(others.length ? "tableWithHost" : "tableHostOnly", words);
    };
    setText($("live-table-round"), seating ? t("roundOf", { round: round + 1, rounds }) : "");
    const mineAt = me ? tables.findIndex((table) => table.includes(me.id)) : -1;
    if (mineAt >= 0) {
      const table = tables[mineAt];
      const host = table.find((id) => hosts.includes(id));
      const others = table.filter((id) => id !== me.id && id !== host);
      const words = { round: round + 1, table: mineAt + 1, names: names(others) };
      let text = t(others.length ? "yourTable" : "yourTableAlone", words);
      if (host === me.id) text += ` ${t("youHost")}`;
      else if (host !== undefined) text += ` ${t("hostIs", { name: nameOf(host) })}`;
      setText($("live-my-table"), text);
      const node = $("live-my-table");
      node.dataset.round = String(round + 1); // for scripts and tests: the text is translated
      node.dataset.table = String(mineAt + 1);
      node.dataset.host = host === me.id ? "yes" : "no";
    }
    show($("live-my-table"), mineAt >= 0);
    const all = VIEW !== "participant";
    show($("live-table-list"), all && tables.length > 0);
    syncList(
      $("live-table-list"),
      all ? tables : [],
      (table) => `${round}-${table.join("-")}`,
      () => element("li"),
      (node, table) => setText(node, describe(table, tables.indexOf(table))),
    );
  }

  // --- Consent check ---------------------------------------------------------------------

  function renderConsent(phase, settings, me, active) {
    const checks = state().agreements.filter((a) => a.checked);
    const consentPhase = active && phase.kind === "consent";
    const open = checks.filter((a) => a.open);
    const shown = consentPhase ? checks : open;
    show($("live-consent"), active && (consentPhase || open.length > 0));
    if (console_) show($("live-consent-form"), consentPhase && open.length === 0);
    else show($("live-consent-none"), consentPhase && shown.length === 0);
    syncList(
      $("live-consent-list"),
      shown.slice().reverse(),
      (a) => a.id,
      (a) => {
        const template = $("live-consent-template");
        const item = template.content.firstElementChild.cloneNode(true);
        item.querySelectorAll("input[type=radio]").forEach((radio) => {
          radio.name = `consent-${a.id}`;
        });
        const reason = item.querySelector("textarea");
        reason.id = `consent-${a.id}-reason`;
        item.querySelector("[data-slot=reason-label]").setAttribute("for", reason.id);
        item.querySelector("form").addEventListener("submit", (event) => {
          event.preventDefault();
          const chosen = item.querySelector("input[type=radio]:checked");
          if (!chosen) {
            api.showError(t("chooseAnswer"));
            return;
          }
          act("consent.answer", { agreement: a.id, answer: chosen.value, reason: reason.value.trim() });
        });
        item.querySelector("[data-slot=close]")?.addEventListener("click", () => act("consent.close", { agreement: a.id }));
        return item;
      },
      (node, a) => {
        setText(node.querySelector("[data-slot=text]"), a.text);
        const c = a.counts || {};
        setText(
          node.querySelector("[data-slot=counts]"),
          t("consentCounts", { agree: c.agree || 0, concern: c.concern || 0, objection: c.objection || 0 }),
        );
        setText(
          node.querySelector("[data-slot=status]"),
          a.open ? t(a.anonymous ? "checkOpenAnonymous" : "checkOpen") : t(a.status === "adopted" ? "adopted" : "notAdopted"),
        );
        const canAnswer = a.open && Boolean(me) && !a.answered && VIEW !== "projector";
        show(node.querySelector("form"), canAnswer);
        node.querySelector("[data-slot=reason-help]").hidden = settings.reasons_required === false;
        show(node.querySelector("[data-slot=answered]"), a.open && Boolean(a.answered));
        show(node.querySelector("[data-slot=close]"), console_ && a.open);
        const reasons = node.querySelector("[data-slot=reasons]");
        if (reasons) {
          const list = a.reasons || [];
          show(reasons, console_ && !a.open && list.length > 0);
          reasons.querySelector("ul").replaceChildren(
            ...list.map((r) =>
              element("li", "", `${t(r.answer)}: ${r.reason || "—"}${r.name ? ` (${r.name})` : ""}`),
            ),
          );
        }
      },
    );
  }

  // --- Captured --------------------------------------------------------------------------

  function renderCaptured(started) {
    const captured = state().captured;
    const agreements = state().agreements.filter((a) => !a.open && a.status === "adopted");
    const any = captured.insights.length + captured.actions.length + agreements.length > 0;
    show($("live-captured"), started && any);
    show($("live-captured-insights"), captured.insights.length > 0);
    syncList($("live-captured-insight-list"), captured.insights, (i) => i.id, () => element("li"), (node, i) => setText(node, i.text));
    show($("live-captured-agreements"), agreements.length > 0);
    syncList($("live-captured-agreement-list"), agreements, (a) => a.id, () => element("li"), (node, a) => setText(node, a.text));
    show($("live-captured-actions"), captured.actions.length > 0);
    syncList($("live-captured-action-list"), captured.actions, (a) => a.id, () => element("li"), (node, a) => setText(node, actionText(a)));
    if (console_) {
      const owners = $("live-capture-owners-list");
      const staff = (state().participants || []).filter((p) => !p.guest);
      syncList(
        owners,
        staff,
        (p) => p.id,
        (p) => {
          const label = element("label", "choice");
          const box = element("input");
          box.type = "checkbox";
          box.value = String(p.id);
          box.name = "owner";
          label.append(box, element("span"));
          return label;
        },
        (node, p) => setText(node.querySelector("span"), p.name),
      );
      const kind = $("live-capture-kind")?.value;
      show($("live-capture-action-fields"), kind === "action");
      show($("live-capture"), started && state().status !== "ended");
      show($("live-jump-capture"), !$("live-capture").hidden);
    }
  }

  // --- Console input ---------------------------------------------------------------------

  if (console_) {
    // A theme (clustering) and an option to vote on (voting) are both clusters.
    for (const [form, input] of [
      ["live-theme-form", "live-theme-title"],
      ["live-option-form", "live-option-title"],
    ]) {
      $(form)?.addEventListener("submit", (event) => {
        event.preventDefault();
        const field = $(input);
        const title = field.value.trim();
        if (!title) {
          api.showError(t("emptyNote"));
          field.focus();
          return;
        }
        act("cluster.create", { title });
        field.value = "";
      });
    }
    $("live-cluster-form")?.addEventListener("submit", (event) => {
      event.preventDefault();
      const note = $("live-cluster-note").value;
      const theme = $("live-cluster-theme").value;
      if (!note) return;
      act("note.cluster", { note, cluster: theme ? Number(theme) : null });
    });
    $("live-draw")?.addEventListener("click", () => {
      const deck = Number($("live-deck")?.value);
      if (deck) act("card.draw", { deck });
    });
    $("live-consent-form")?.addEventListener("submit", (event) => {
      event.preventDefault();
      const field = $("live-consent-text");
      const text = field.value.trim();
      if (!text) {
        api.showError(t("emptyNote"));
        field.focus();
        return;
      }
      act("consent.propose", { text });
      field.value = "";
    });
    $("live-capture-kind")?.addEventListener("change", () => api.render());
    $("live-capture-form")?.addEventListener("submit", (event) => {
      event.preventDefault();
      const field = $("live-capture-text");
      const text = field.value.trim();
      if (!text) {
        api.showError(t("emptyNote"));
        field.focus();
        return;
      }
      const kind = $("live-capture-kind").value;
      if (kind === "action") {
        const owners = [...document.querySelectorAll("#live-capture-owners-list input:checked")].map((box) =>
          Number(box.value),
        );
        if (!owners.length) {
          api.showError(t("chooseOwner"));
          return;
        }
        act("capture.action", { text, owners, due: $("live-capture-due").value || null });
        document.querySelectorAll("#live-capture-owners-list input:checked").forEach((box) => {
          box.checked = false;
        });
        $("live-capture-due").value = "";
        // The next action point starts from the whole list (forms.js filters it).
        const filter = $("live-capture-owners-filter");
        if (filter && filter.value) {
          filter.value = "";
          filter.dispatchEvent(new Event("input"));
        }
      } else {
        act(kind === "agreement" ? "capture.agreement" : "capture.insight", { text });
      }
      field.value = "";
      field.focus();
    });
  }

  // --- Render ----------------------------------------------------------------------------

  function render({ phase, index, settings, me, ended }) {
    const active = Boolean(phase) && !ended;
    renderReview(!phase && !ended);
    renderThemes(phase, index, active);
    renderVotes(phase, index, settings, me, active);
    renderCards(phase, index, active);
    renderGroups(phase, index, settings, me, active);
    renderTables(phase, index, me, active);
    renderConsent(phase, settings, me, active);
    renderCaptured(index >= 0);
  }

  return { apply, takeState, render };
};
