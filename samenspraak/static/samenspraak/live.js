/* Samenspraak live room: one script for the participant's phone, the facilitator's console
 * and the projector. Protocol: docs/live-protocol.md.
 *
 * - Keeps the last `state`, applies `event`s in `seq` order and asks for `sync` on a gap.
 * - Reconnects by itself (1 s, 2 s, 4 s … at most 15 s) and resends unacknowledged actions
 *   with their original id (the server treats a repeat as a replay).
 * - Every visible text comes from the page (#live-text data attributes and the template;
 *   {name} marks are filled in); user text is only ever set with textContent.
 */
"use strict";

(() => {
  const root = document.getElementById("live-room");
  if (!root || !root.dataset.ws) return;

  const VIEW = root.dataset.view || "participant"; // participant | facilitator | projector
  const WS_PATH = root.dataset.ws;
  const TEXT = (document.getElementById("live-text") || root).dataset;
  // The work form's roles in the page's language (a role the page does not know: its key).
  const ROLE_NAMES = Object.fromEntries(
    [...document.querySelectorAll("#live-role-names [data-role]")].map((node) => [node.dataset.role, node.textContent]),
  );
  const LANG = document.documentElement.lang || "nl";
  const WRITING = new Set(["writing", "feedback_3xw", "actions", "tables"]);
  const SHOWS_EARLIER_NOTES = new Set(["clustering", "dot_voting"]);
  const FINAL_CLOSE = new Set([4401, 4403, 4404]);
  const MAX_DELAY = 15000;
  const PING_EVERY = 25000;
  const PONG_WITHIN = 10000;
  const SYNC_EVERY = 10000; // console and projector: joining sends no event, so look again
  const ALERT_FOR = 10000;

  const percent = new Intl.NumberFormat(LANG, { style: "percent", maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(LANG, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });

  let state = null;
  let lastSeq = -1;
  let timerBase = { left: null, at: 0, paused: false };
  let ws = null;
  let ready = false; // a socket is open and its first `state` has arrived
  let syncing = false;
  let attempt = 0;
  let retryTimer = null;
  let stopped = false;
  let lastHeard = 0;
  let alertTimer = null;
  const pending = new Map(); // action id -> message, until acknowledged or refused
  const rows = new Map(); // console: participant id -> <li>
  // The other interaction kinds (live-kinds.js): themes, votes, cards, pairs, tables,
  // consent, capture, review. It reads the state and acts through this small interface.
  const kinds = window.SamenspraakLiveKinds
    ? window.SamenspraakLiveKinds({
        $: (id) => document.getElementById(id),
        t: (...args) => t(...args),
        act: (...args) => act(...args),
        show: (...args) => show(...args),
        setText: (...args) => setText(...args),
        element: (...args) => element(...args),
        nameOf: (id) => nameOf(id),
        knows: (id) => knows(id),
        showError: (message) => showError(message),
        requestSync: () => requestSync(),
        visibleToRoom: (index) => visibleToRoom(index),
        render: () => render(),
        state: () => state,
        VIEW,
        LANG,
      })
    : null;

  // --- Small helpers ---------------------------------------------------------------------

  const $ = (id) => document.getElementById(id);

  function t(key, params = {}) {
    // A count of one takes the singular where there is one (`dotCountOne`: "1 stip");
    // Dutch and English have the same plural rule.
    let text = (params.count === 1 && TEXT[`${key}One`]) || TEXT[key] || "";
    for (const [name, value] of Object.entries(params)) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }

  function show(node, visible) {
    if (node) node.hidden = !visible;
  }

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16)); // insecure contexts lack randomUUID
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function widthClass(prefix, share) {
    const step = Math.max(0, Math.min(100, Math.round((share || 0) * 20) * 5));
    return `${prefix}-${step}`;
  }

  // --- Connection ------------------------------------------------------------------------

  function setStatus(kind) {
    const node = $("live-status");
    if (!node) return;
    node.dataset.state = kind;
    setText(node, t(kind));
  }

  function showError(message) {
    const node = $("live-alert");
    if (!node || !message) return;
    node.textContent = message;
    clearTimeout(alertTimer);
    alertTimer = setTimeout(() => {
      node.textContent = "";
    }, ALERT_FOR);
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function requestSync() {
    if (!ready || syncing) return;
    syncing = true;
    send({ type: "sync" });
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped || ws) return;
    if (navigator.onLine === false) {
      setStatus("reconnecting"); // the `online` event brings us back
      return;
    }
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + WS_PATH;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      scheduleReconnect();
      return;
    }
    ws = socket;
    ready = false;
    syncing = false;
    socket.addEventListener("message", (event) => {
      if (socket === ws) receive(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (socket === ws) closed(event.code);
    });
  }

  function drop() {
    // Forget the current socket (its late events are ignored) and close it.
    const socket = ws;
    ws = null;
    ready = false;
    if (socket) {
      try {
        socket.close();
      } catch {
        /* already closing */
      }
    }
  }

  function closed(code) {
    ws = null;
    ready = false;
    if (FINAL_CLOSE.has(code)) {
      stopped = true;
      setStatus("closed");
      return;
    }
    setStatus("reconnecting");
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (stopped || retryTimer) return;
    const delay = Math.min(MAX_DELAY, 1000 * 2 ** attempt);
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (stopped) return;
    attempt = 0;
    if (!ws) connect();
  }

  window.addEventListener("offline", () => {
    drop();
    clearTimeout(retryTimer);
    retryTimer = null;
    if (!stopped) setStatus("reconnecting");
  });
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNow();
  });

  // A socket can die without a close (a phone that slept): ping, and give up on silence.
  setInterval(() => {
    if (!ready) return;
    const asked = Date.now();
    send({ type: "ping" });
    setTimeout(() => {
      if (ready && lastHeard < asked) {
        drop();
        setStatus("reconnecting");
        scheduleReconnect();
      }
    }, PONG_WITHIN);
  }, PING_EVERY);

  if (VIEW !== "participant") setInterval(requestSync, SYNC_EVERY);

  // --- Messages --------------------------------------------------------------------------

  function receive(data) {
    lastHeard = Date.now();
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!message || typeof message !== "object") return;
    switch (message.type) {
      case "state":
        takeState(message);
        break;
      case "event":
        takeEvent(message);
        break;
      case "ack":
        pending.delete(message.id);
        render();
        break;
      case "error":
        if (message.id) {
          restoreNote(pending.get(message.id));
          pending.delete(message.id);
        }
        showError(message.message);
        if (message.reason === "stale_phase") requestSync();
        render();
        break;
      case "access.revoked":
        stopped = true;
        setStatus("closed");
        break;
      default:
        break; // pong and anything newer
    }
  }

  function restoreNote(action) {
    // A refused note goes back into the empty field, so its text is not lost.
    const field = $("live-note-text");
    if (!action || action.action !== "note.add" || !field || field.value.trim()) return;
    if (state && action.phase === state.phase_index) field.value = action.payload.text;
  }

  function takeState(message) {
    const first = !ready;
    // Anonymous notes carry no author, so a new state cannot say which were ours: keep
    // them from the state we had (in memory only; gone when the page reloads).
    const ours = state ? state.notes.filter((n) => n.yours) : [];
    state = message;
    state.notes = state.notes || [];
    for (const note of ours) {
      const known = state.notes.find((n) => n.id === note.id);
      if (known) Object.assign(known, { yours: true, action: note.action });
      else state.notes.push(note);
    }
    state.note_counts = state.note_counts || {};
    state.revealed = state.revealed || [];
    state.speaking = state.speaking || {};
    if (kinds) kinds.takeState(state);
    lastSeq = message.seq;
    setTimer(message.timer);
    ready = true;
    syncing = false;
    attempt = 0;
    setStatus("connected");
    if (first) {
      // Only now, with the new state in hand, resend what was never acknowledged.
      for (const action of pending.values()) send(action);
    }
    render();
  }

  function takeEvent(message) {
    if (!state) return;
    if (message.seq < lastSeq) return; // already part of the state we hold
    if (message.seq > lastSeq + 1) {
      requestSync(); // a gap: replace the state rather than guess
      return;
    }
    lastSeq = message.seq; // several events may share one seq
    applyEvent(message);
    render();
  }

  function upsertNote(note) {
    const known = state.notes.find((n) => n.id === note.id);
    if (known) {
      const yours = known.yours || note.yours;
      Object.assign(known, note);
      if (yours) known.yours = true;
    } else {
      state.notes.push({ ...note });
    }
  }

  function knows(id) {
    return (state.participants || []).some((p) => p.id === id);
  }

  function applyEvent(event) {
    switch (event.kind) {
      case "phase": {
        const before = state.phase_index;
        state.phase_index = event.index;
        state.status = event.status;
        state.timer = event.timer;
        setTimer(event.timer);
        if (event.index !== before) {
          // The new phase's speaking order and positions come with the event.
          state.speaking = event.speaking || {};
          state.positions = { distribution: {}, count: 0, ...(event.positions || {}), mine: null };
          state.dilemma = event.dilemma || {};
          state.polls = event.polls || [];
          // Going back may return to a round that already ran: fetch its order.
          if (event.index < before) requestSync();
        }
        break;
      }
      case "note":
        upsertNote(event);
        break;
      case "note_withdrawn":
        state.notes = state.notes.filter((n) => n.id !== event.id);
        break;
      case "note_count":
        state.note_counts[String(event.phase)] = event.count;
        break;
      case "revealed":
        if (!state.revealed.includes(event.phase)) state.revealed.push(event.phase);
        for (const note of event.notes || []) upsertNote(note);
        break;
      case "speaking":
        if (event.phase === state.phase_index) state.speaking = event.state || {};
        for (const id of [...(event.state?.order || []), ...(event.state?.queue || [])]) {
          if (!knows(id)) requestSync();
        }
        break;
      case "talk":
        state.talk = event.talk;
        if (event.talk?.talking != null && !knows(event.talk.talking)) requestSync();
        break;
      case "roles": {
        const person = (state.participants || []).find((p) => p.id === event.participant);
        if (person) person.roles = event.roles;
        else requestSync();
        if (state.me && state.me.id === event.participant) state.me.roles = event.roles;
        break;
      }
      case "positions":
        if (event.phase === state.phase_index) {
          state.positions = { ...(state.positions || {}), distribution: event.distribution, count: event.count };
        }
        break;
      case "dilemma":
        // Worded or reworded; `fresh`: the next dilemma, everyone chooses again.
        if (event.phase === state.phase_index) {
          state.dilemma = event.dilemma || {};
          state.polls = event.polls || [];
          const mine = event.fresh ? null : (state.positions || {}).mine ?? null;
          state.positions = { distribution: {}, count: 0, ...(event.positions || {}), mine };
        }
        break;
      case "my_position":
        if (event.phase === state.phase_index) state.positions = { ...(state.positions || {}), mine: event.value };
        break;
      case "joined": {
        // A new seat, or one that now leads the room (its holder opened the console or
        // became the facilitator) or no longer does (its holder stopped facilitating).
        const known = (state.participants || []).find((p) => p.id === event.participant.id);
        if (known) Object.assign(known, event.participant);
        else state.participants.push(event.participant);
        if (state.me && state.me.id === event.participant.id) Object.assign(state.me, event.participant);
        break;
      }
      case "left":
        // The seat is gone (its holder deleted their account); the changed orders, tables
        // and talk shares come in the same seq.
        state.participants = (state.participants || []).filter((p) => p.id !== event.participant);
        break;
      case "ended":
        state.status = "ended";
        state.timer = { ...(state.timer || {}), paused: true };
        break;
      default:
        if (!kinds || !kinds.apply(event)) requestSync(); // a kind this script does not know
    }
  }

  function act(action, payload = {}) {
    if (!state || VIEW === "projector") return;
    // A double click must not move two phases or two speakers on: while the same action is
    // still unacknowledged, a repeat is ignored (notes excepted: two may be meant).
    if (action !== "note.add") {
      const same = JSON.stringify(payload);
      for (const waiting of pending.values()) {
        if (waiting.action === action && JSON.stringify(waiting.payload) === same) return;
      }
    }
    const message = {
      type: "action",
      id: uuid(),
      action,
      payload,
      phase: state.phase_index,
    };
    pending.set(message.id, message);
    if (ready) send(message);
    render();
  }

  // --- Timer -----------------------------------------------------------------------------

  function setTimer(timer) {
    timerBase = {
      left: timer && typeof timer.seconds_left === "number" ? timer.seconds_left : null,
      running: timer && typeof timer.running === "number" ? timer.running : null,
      at: performance.now(),
      paused: Boolean(timer && timer.paused),
    };
    tick();
  }

  function sinceTimer() {
    return timerBase.paused ? 0 : (performance.now() - timerBase.at) / 1000;
  }

  function secondsLeft() {
    if (timerBase.left === null) return null;
    return Math.floor(timerBase.left - sinceTimer());
  }

  function clockText(seconds) {
    const shown = Math.max(0, seconds);
    return `${String(Math.floor(shown / 60)).padStart(2, "0")}:${String(shown % 60).padStart(2, "0")}`;
  }

  function tickTurn() {
    // A round's time per person, counted from when the floor went to whoever has it,
    // on the phase's clock (a pause stops it too). Shown, never enforced.
    const line = $("live-turn-time");
    if (!line) return;
    const phase = phaseAt(state.phase_index);
    const speaking = state.speaking || {};
    const limit = phase && phase.kind === "round" ? ((phase.settings || {}).seconds_per_person ?? 60) : 0;
    const holder = floorHolder(speaking);
    const on =
      state.status !== "ended" &&
      limit > 0 &&
      holder !== null &&
      typeof speaking.turn_at === "number" &&
      timerBase.running !== null;
    show(line, on);
    if (!on) return;
    const left = Math.floor(limit - (timerBase.running + sinceTimer() - speaking.turn_at));
    const name = nameOf(holder);
    setText(line, left > 0 ? t("turnTime", { name, time: clockText(left) }) : t("turnOver", { name }));
    line.classList.toggle("is-over", left <= 0);
  }

  let timeWasUp = null; // null until the first tick with a state
  function tick() {
    const clock = $("live-timer");
    if (!clock) return;
    if (state) {
      tickTurn();
      const phase = phaseAt(state.phase_index);
      if (phase && phase.kind === "feedback_3xw" && state.status !== "ended") {
        renderNotePrompts(phase, state.phase_index, true); // the next question's minutes
      }
    }
    const left = state && state.status === "ended" ? null : secondsLeft();
    if (left === null) {
      setText(clock, "--:--");
      show($("live-time-up"), false);
      if (state) timeWasUp = false;
      return;
    }
    setText(clock, clockText(left));
    clock.classList.toggle("is-over", left <= 0);
    const up = left <= 0 && !timerBase.paused;
    show($("live-time-up"), up);
    // Said once when the phase's time runs out here: not when it already had on arrival,
    // nor again when a pause ends.
    if (up && timeWasUp === false) say([t("timeUpNews")]);
    if (!timerBase.paused) timeWasUp = up;
  }

  setInterval(tick, 1000);

  // --- Rendering -------------------------------------------------------------------------

  function nameOf(id) {
    const person = (state.participants || []).find((p) => p.id === id);
    return person ? person.name : "…";
  }

  function fillList(list, items, build) {
    if (!list) return;
    list.replaceChildren(...items.map(build));
  }

  function noteItem(note, withAuthor) {
    const item = element("li", "live-note");
    item.append(element("span", "live-note__text", note.text));
    const question = promptOf(note);
    if (question) item.append(element("span", "live-note__prompt", question));
    if (withAuthor && note.author) item.append(element("span", "live-note__author", note.author));
    return item;
  }

  function captureButton(note) {
    // In a phase for action points: a note proposed by someone becomes one in the capture
    // form (text filled in; the facilitator picks owners and a date, then saves it).
    const button = element("button", "button button--secondary live-note__capture", t("captureAsAction"));
    button.type = "button";
    button.append(element("span", "visually-hidden", `: ${note.text}`));
    button.addEventListener("click", () => {
      const kind = $("live-capture-kind");
      const text = $("live-capture-text");
      if (!kind || !text) return;
      kind.value = "action";
      kind.dispatchEvent(new Event("change"));
      text.value = note.text;
      text.focus();
    });
    return button;
  }

  // --- 3xW feedback: a note answers one of the phase's questions ---------------------------

  function promptOf(note) {
    const phase = typeof note.phase === "number" ? phaseAt(note.phase) : null;
    return phase && typeof note.prompt === "number" ? (phase.prompts || [])[note.prompt] || "" : "";
  }

  function byPrompt(notes) {
    // The three lists: the notes of each question together, in the order of the questions.
    const rank = (note) => (typeof note.prompt === "number" ? note.prompt : Infinity);
    return [...notes].sort((a, b) => rank(a) - rank(b));
  }

  let promptWindow = null; // [phase index, question] the choice was last set for

  function currentQuestion(phase, count) {
    // Two minutes (the phase's minutes_per_w) per question, on the phase's clock.
    const perQuestion = ((phase.settings || {}).minutes_per_w || 2) * 60;
    if (timerBase.running === null) return 0;
    return Math.min(count - 1, Math.floor((timerBase.running + sinceTimer()) / perQuestion));
  }

  function renderNotePrompts(phase, index, writing) {
    const box = $("live-note-prompt");
    if (!box) return;
    const questions = phase && phase.kind === "feedback_3xw" ? phase.prompts || [] : [];
    show(box, writing && questions.length > 1);
    if (!writing || questions.length < 2) return;
    const options = $("live-note-prompt-options");
    if (options.dataset.phase !== String(index)) {
      options.dataset.phase = String(index);
      options.replaceChildren(
        ...questions.map((question, i) => {
          const label = element("label", "live-note-prompt__option");
          const radio = element("input");
          radio.type = "radio";
          radio.name = "prompt";
          radio.value = String(i);
          label.append(radio, ` ${question}`);
          return label;
        }),
      );
    }
    // The question whose minutes run now is chosen, until one picks another.
    const now = currentQuestion(phase, questions.length);
    if (!promptWindow || promptWindow[0] !== index || promptWindow[1] !== now) {
      promptWindow = [index, now];
      const radio = options.querySelector(`input[value="${now}"]`);
      if (radio) radio.checked = true;
    }
  }

  function chosenPrompt() {
    const box = $("live-note-prompt");
    if (!box || box.hidden) return null;
    const chosen = box.querySelector("input[name=prompt]:checked");
    return chosen ? Number(chosen.value) : null;
  }

  function render() {
    if (!state) return;
    const focused = document.activeElement;
    const hadFocus = Boolean(focused) && focused !== document.body && root.contains(focused);

    const phases = state.phases || [];
    const index = state.phase_index;
    const phase = index >= 0 && index < phases.length ? phases[index] : null;
    const ended = state.status === "ended";
    const settings = (phase && phase.settings) || {};
    const me = VIEW === "projector" ? null : state.me;
    // The participants list is fresh in every state; `me` may carry roles from connect time.
    const meListed = me && (state.participants || []).find((p) => p.id === me.id);
    const myRoles = (meListed && meListed.roles) || (me && me.roles) || [];
    const silent = Boolean(phase) && (phase.silent || []).some((role) => myRoles.includes(role));

    // A phone names its holder's role (case owner, table host …) all session long.
    const roleNames = myRoles.map((role) => ROLE_NAMES[role] || role);
    setText(
      $("live-your-role"),
      roleNames.length > 1
        ? t("yourRoles", { roles: roleNames.join(", ") })
        : t("yourRole", { role: roleNames[0] || "" }),
    );
    show($("live-your-role"), VIEW === "participant" && roleNames.length > 0 && !ended);

    setText($("live-title"), (state.session && state.session.title) || $("live-title")?.textContent);

    // Before the start: the ground rules.
    show($("live-waiting"), !phase && !ended);
    fillList($("live-rules"), state.ground_rules || [], (rule) => element("li", "", rule));
    show($("live-ended"), ended);
    // After the end nobody joins, and the console has nothing left to run.
    for (const id of ["live-join", "live-controls", "live-end-panel"]) show($(id), !ended);
    root.classList.toggle("is-running", Boolean(phase) && !ended); // the projector's layout

    // The phase: title, prompts, timer.
    show($("live-phase"), Boolean(phase) && !ended);
    if (phase) {
      setText($("live-phase-count"), t("phaseOf", { number: index + 1, total: phases.length }));
      setText($("live-phase-title"), phase.title);
      setText($("live-purpose"), phase.purpose || ""); // what the phase is for, in a line
      show($("live-purpose"), Boolean(phase.purpose));
      fillList($("live-prompts"), phase.prompts || [], (line) => element("li", "", line));
      show($("live-paused"), Boolean(state.timer && state.timer.paused));
      const guidance = phase.guidance || "";
      setText($("live-guidance"), guidance);
      show($("live-guidance-box"), Boolean(guidance));
    }
    tick();

    renderSpeaking(phase, settings, me, silent, ended);
    renderNotes(phase, index, settings, me, silent, ended);
    renderTalk();
    renderPositions(phase, settings, me, silent, ended);
    if (kinds) kinds.render({ phase, index, settings, me, silent, ended });
    if (VIEW === "facilitator") renderConsole(phase, index, phases, settings, ended);
    const body = root.querySelector(".projector__body");
    if (body) {
      // The projector puts the panels the phase shows beside it, if any (see app.css); a
      // count of notes alone stays under it.
      const beside = [...body.querySelectorAll(":scope > section:not(#live-phase)")].some(
        (part) => !part.hidden,
      );
      root.classList.toggle("has-beside", Boolean(phase) && !ended && beside);
    }

    const shown = (id) => ($(id) && !$(id).hidden ? $(id).textContent : "");
    announce({
      index,
      phase,
      total: phases.length,
      ended,
      myTurn: Boolean(shown("live-your-turn")),
      paused: Boolean(phase) && !ended && Boolean(state.timer && state.timer.paused),
      seat: shown("live-my-group") || shown("live-my-table"), // one's pair or table
      dilemma: shown("live-dilemma"),
    });

    // A button that just disappeared (Start, Pass, Show the notes …) must not strand the
    // focus on the page's body: move it to the phase (or the title).
    if (
      hadFocus &&
      (!root.contains(focused) || focused.closest("[hidden]") || focused.disabled)
    ) {
      const row = focused.closest(".live-person");
      const twin =
        row && row.isConnected && row.querySelector('button[data-action^="talk."]:not([hidden])');
      const phaseShown = $("live-phase") && !$("live-phase").hidden;
      (twin || floorButton(focused) || (phaseShown ? $("live-phase-title") : $("live-title")))?.focus();
    }
  }

  // What someone else changed reaches a screen reader without moving the focus (WCAG
  // 4.1.3): a new phase, a pause and its end, one's own turn, one's pair or table, a
  // dilemma worded or reworded, the end; and tick() says when the phase's time is up. Not from the first state after
  // connecting: the page itself is read then. Cleared first, so that the same
  // words said twice are heard twice; news that follows within the pause (a phase, then
  // one's turn in it) is said with it, not instead of it.
  let heard = null;
  let unsaid = [];
  let saying = null;
  function announce(now) {
    const before = heard;
    heard = now;
    if (!before) return;
    const news = [];
    if (now.ended && !before.ended) news.push(t("sessionEnded"));
    else if (now.phase && now.index !== before.index) {
      news.push(`${t("phaseOf", { number: now.index + 1, total: now.total })}: ${now.phase.title}`);
    }
    if (now.paused && !before.paused) news.push(t("pausedNews"));
    else if (before.paused && !now.paused && now.index === before.index && !now.ended) {
      news.push(t("resumedNews"));
    }
    if (now.myTurn && !before.myTurn) news.push(t("yourTurn"));
    if (now.seat && now.seat !== before.seat) news.push(now.seat);
    if (now.dilemma && now.dilemma !== before.dilemma) news.push(now.dilemma);
    say(news);
  }

  function say(news) {
    const region = $("live-announce");
    if (!region || !news.length) return;
    unsaid.push(...news.map((part) => (/[.!?]$/.test(part) ? part : `${part}.`)));
    region.textContent = "";
    window.clearTimeout(saying);
    saying = window.setTimeout(() => {
      setText(region, unsaid.join(" "));
      unsaid = [];
    }, 100);
  }

  function stillToSpeak(speaking) {
    // Those in a round's order who have neither spoken nor passed, in order.
    const finished = [...(speaking.done || []), ...(speaking.passed || [])];
    return (speaking.order || []).filter((id) => !finished.includes(id));
  }

  function floorHolder(speaking) {
    // In free order whoever the console gave the floor to; else the next in line.
    if (speaking.free) return speaking.current ?? null;
    return stillToSpeak(speaking)[0] ?? null;
  }

  function floorButton(focused) {
    // The raised hands are drawn anew with each change: the same hand's "Give the floor"
    // if it is still up, else the next hand's.
    if (focused.dataset.action === "hand.give") {
      const hands = '#live-queue-list button[data-action="hand.give"]';
      const same = `${hands}[data-participant="${focused.dataset.participant}"]`;
      return document.querySelector(same) || document.querySelector(hands);
    }
    // The order of a free round is drawn anew with each change: the same person's "Give
    // the floor" if they are still to speak, else "End the turn" for whoever has it now.
    if (focused.dataset.action !== "turn.give") return null;
    const same = `#live-order button[data-participant="${focused.dataset.participant}"]`;
    const end = '#live-controls button[data-action="turn.next"]';
    return document.querySelector(same) || root.querySelector(`${end}:not([hidden])`);
  }

  function giveButton(action, id) {
    // "Give the floor" to someone in a free round's order or with a hand up, named for
    // a screen reader.
    const give = element("button", "button button--secondary live-turn__give", t("giveFloor"));
    give.type = "button";
    give.dataset.action = action;
    give.dataset.participant = String(id);
    give.append(element("span", "visually-hidden", ` (${nameOf(id)})`));
    return give;
  }

  function renderSpeaking(phase, settings, me, silent, ended) {
    const speaking = state.speaking || {};
    const order = speaking.order || [];
    const done = speaking.done || [];
    const passed = speaking.passed || [];
    const queue = speaking.queue || [];
    const waiting = stillToSpeak(speaking);
    const free = Boolean(speaking.free);
    const current = floorHolder(speaking);
    const active = Boolean(phase) && !ended;

    show($("live-silent"), active && silent);

    // Round order with who is still to speak.
    show($("live-round"), active && order.length > 0);
    setText($("live-round-heading"), t(free ? "freeOrder" : "speakingOrder"));
    $("live-order")?.classList.toggle("live-order--free", free); // no order: no numbers
    const giving = free && active && VIEW === "facilitator" && state.facilitator;
    fillList($("live-order"), order, (id) => {
      let kind = "waiting";
      if (done.includes(id)) kind = "done";
      else if (passed.includes(id)) kind = "passed";
      else if (id === current) kind = "now";
      const item = element("li", `live-turn live-turn--${kind}`);
      const name = nameOf(id) + (me && id === me.id ? ` ${t("you")}` : "");
      item.append(element("span", "live-turn__name", name));
      const label = { now: "turnNow", done: "turnDone", passed: "turnPassed", waiting: "turnWaiting" };
      item.append(element("span", "live-turn__state", t(label[kind])));
      if (kind === "now") item.setAttribute("aria-current", "step");
      if (giving && kind === "waiting") item.append(giveButton("turn.give", id));
      return item;
    });

    // Raised hands; on the console each with the button that gives them the word.
    show($("live-queue"), active && queue.length > 0);
    const chairing = active && VIEW === "facilitator" && state.facilitator;
    fillList($("live-queue-list"), queue, (id) => {
      const item = element("li", "live-turn", nameOf(id) + (me && id === me.id ? ` ${t("you")}` : ""));
      if (chairing) item.append(giveButton("hand.give", id));
      return item;
    });

    // Own buttons: hand in a dialogue, pass on one's own turn (in free order: while still
    // to speak).
    const myTurn = active && me && current === me.id;
    show($("live-your-turn"), Boolean(myTurn) && !silent);
    const mayPass = free ? active && me && waiting.includes(me.id) : myTurn;
    const canPass = Boolean(mayPass) && !silent && settings.pass_allowed !== false;
    show($("live-pass"), canPass);
    const handPhase =
      active && me && !me.leads && !silent && phase.kind === "dialogue" && settings.hand_queue !== false;
    const hand = $("live-hand");
    if (hand) {
      const raised = Boolean(me) && queue.includes(me.id);
      hand.dataset.action = raised ? "hand.lower" : "hand.raise";
      setText(hand, t(raised ? "lowerHand" : "raiseHand"));
      hand.classList.toggle("button--secondary", raised);
      show(hand, Boolean(handPhase));
    }
    show($("live-speak-actions"), Boolean(handPhase) || canPass);
    tickTurn();
  }

  function optionLabel(value, dilemma, ab) {
    // "A: <the facilitator's words for A>", or "Option A" while A has no words; a point of
    // a scale is its number (the scale's ends are worded under the dilemma).
    const words = ab ? (value === "A" ? dilemma.a : dilemma.b) : "";
    return words ? t("optionNamed", { value, label: words }) : t("option", { value });
  }

  function renderPositions(phase, settings, me, silent, ended) {
    const active = Boolean(phase) && !ended && phase.kind === "positions";
    show($("live-positions"), active);
    if (!active) return;
    const positions = state.positions || { distribution: {}, count: 0, mine: null };
    const dilemma = state.dilemma || {};
    const ab = (settings.mode || "ab") === "ab";
    const values = ab ? ["A", "B"] : Array.from({ length: settings.scale_points || 5 }, (_, i) => i + 1);
    const labels = values.map((value) => optionLabel(value, dilemma, ab));
    setText($("live-dilemma"), dilemma.question || "");
    show($("live-dilemma"), Boolean(dilemma.question));
    const ends = !ab && (dilemma.a || dilemma.b);
    setText(
      $("live-dilemma-ends"),
      ends
        ? t("scaleEnds", {
            low: 1,
            lowLabel: dilemma.a || "…",
            high: values.length,
            highLabel: dilemma.b || "…",
          })
        : "",
    );
    show($("live-dilemma-ends"), Boolean(ends));
    const buttons = $("live-position-buttons");
    if (buttons) {
      show(buttons, Boolean(me) && !me.leads && !silent);
      // Keep the buttons (and the keyboard focus) when only the choice changes.
      const key = JSON.stringify(labels);
      if (buttons.dataset.labels !== key) {
        buttons.dataset.labels = key;
        buttons.replaceChildren(
          ...values.map((value, i) => {
            const button = element("button", "button", labels[i]);
            button.type = "button";
            button.addEventListener("click", () => act("position.take", { value }));
            return button;
          }),
        );
      }
      [...buttons.children].forEach((button, i) => {
        const chosen = positions.mine === values[i];
        button.setAttribute("aria-pressed", String(chosen));
        button.classList.toggle("button--secondary", !chosen);
      });
    }
    fillList($("live-position-dist"), values, (value, i) => {
      const count = (positions.distribution || {})[String(value)] || 0;
      const item = element("li", "live-share");
      item.append(element("span", "live-share__label", t("positionCount", { value: labels[i], count })));
      const bar = element("span", "live-bar");
      bar.setAttribute("aria-hidden", "true");
      const step = positions.count ? Math.round((count / positions.count) * 20) * 5 : 0;
      bar.append(element("span", `live-bar__fill w-${step}`));
      item.append(bar);
      return item;
    });
    const polls = state.polls || [];
    show($("live-polls"), polls.length > 0);
    fillList($("live-polls-list"), polls, (poll) => {
      const counts = Object.keys(poll.distribution || {})
        .sort((a, b) => a.length - b.length || a.localeCompare(b))
        .map((value) => t("positionCount", { value, count: poll.distribution[value] }))
        .join(", ");
      return element("li", "", t("poll", { question: poll.question || t("noDilemma"), counts }));
    });
    renderDilemmaForm(dilemma, ab, positions.count > 0);
  }

  let dilemmaFilled = null; // the dilemma the console's form was last filled with
  function renderDilemmaForm(dilemma, ab, taken) {
    const form = $("live-dilemma-form");
    if (!form) return;
    setText($("live-dilemma-a-label"), ab ? t("optionA") : t("scaleLow"));
    setText($("live-dilemma-b-label"), ab ? t("optionB") : t("scaleHigh"));
    show($("live-dilemma-fresh"), taken);
    show($("live-dilemma-fresh-hint"), taken);
    // The form shows the dilemma as it stands, unless the facilitator is typing in it.
    const key = JSON.stringify([state.phase_index, dilemma]);
    if (key === dilemmaFilled || form.contains(document.activeElement)) return;
    dilemmaFilled = key;
    $("live-dilemma-question").value = dilemma.question || "";
    $("live-dilemma-a").value = dilemma.a || "";
    $("live-dilemma-b").value = dilemma.b || "";
  }

  function visibleToRoom(phaseIndex) {
    const phase = (state.phases || [])[phaseIndex];
    const hidden = (phase?.settings || {}).hidden_until_revealed !== false;
    return !hidden || state.revealed.includes(phaseIndex);
  }

  function renderNotes(phase, index, settings, me, silent, ended) {
    const writing = Boolean(phase) && WRITING.has(phase.kind) && !ended;

    // The note form, with what happens to a note said plainly.
    const form = $("live-note-form");
    if (form) {
      // At a World Café only someone seated at a table writes (on that table's sheet).
      const seating = phase && phase.kind === "tables" ? (state.tables || {})[String(index)] : null;
      const seated =
        !phase ||
        phase.kind !== "tables" ||
        Boolean(me && seating && seating.schedule[seating.round].some((table) => table.includes(me.id)));
      show(form, writing && Boolean(me) && !silent && seated);
      const anonymous = Boolean(settings.anonymous);
      const table = Boolean(phase) && phase.kind === "tables";
      const hiddenUntil =
        !table && settings.hidden_until_revealed !== false && !state.revealed.includes(index);
      show($("live-note-anonymous"), anonymous);
      show($("live-note-named"), !anonymous);
      show($("live-note-hidden"), hiddenUntil);
      show($("live-note-table"), table);
      const described = ["live-note-anonymous", "live-note-named", "live-note-hidden", "live-note-table"].filter(
        (id) => $(id) && !$(id).hidden,
      );
      $("live-note-text")?.setAttribute("aria-describedby", described.join(" "));
      renderNotePrompts(phase, index, writing);
    }

    // A quality check: the questionnaire of the work form, on its own page.
    const checking = Boolean(phase) && phase.kind === "quality_check" && !ended;
    show($("live-quality"), checking);
    const safety = settings.instrument === "psychological_safety";
    show($("live-quality-scan"), checking && !safety);
    show($("live-quality-safety"), checking && safety);
    show($("live-quality-safety-none"), checking && safety);

    // A reflection is personal: its own page, in the work form's reflection form.
    const reflecting = Boolean(phase) && phase.kind === "reflection" && !ended;
    show($("live-reflection"), reflecting);
    const link = $("live-reflection-link");
    if (link && reflecting) {
      const form = ["free", "starrt", "preparation"].includes(settings.form) ? settings.form : "free";
      const url = new URL(link.href);
      url.searchParams.set("form", form);
      link.href = url.toString();
    }

    // Own notes of this phase, including those not yet sent.
    const mine = writing ? state.notes.filter((n) => n.yours && n.phase === index) : [];
    const unsent = writing
      ? [...pending.values()].filter((a) => a.action === "note.add" && a.phase === index)
      : [];
    // Once the room sees the notes, the own ones are in that list; only unsent ones stay here.
    // At a World Café table the table's notes are listed at once, the own ones with them.
    const atTable = Boolean(phase) && phase.kind === "tables";
    const sharedHere = index >= 0 && (visibleToRoom(index) || atTable);
    const ownShown = sharedHere ? [] : mine;
    show($("live-mine"), Boolean(me) && (ownShown.length > 0 || unsent.length > 0));
    const mineList = $("live-mine-list");
    if (mineList) {
      mineList.replaceChildren(
        ...byPrompt(ownShown).map((note) => {
          const item = noteItem(note, false);
          // Until the notes are shown a note can be taken back, by the id of the action
          // that wrote it (known on this page only: not after a reload).
          if (note.action) {
            const back = element("button", "button button--secondary live-note__back", t("takeBack"));
            back.type = "button";
            back.dataset.action = "note.withdraw";
            back.dataset.payload = JSON.stringify({ action: note.action });
            back.append(element("span", "visually-hidden", `: ${note.text}`));
            item.append(back);
          }
          return item;
        }),
        ...unsent.map((action) => {
          const item = noteItem({ text: action.payload.text }, false);
          item.classList.add("live-note--unsent");
          item.append(element("span", "live-note__author", t("notSent")));
          return item;
        }),
      );
    }

    // Which phase's notes the room looks at: this one, or in a clustering or voting phase
    // the nearest earlier writing phase.
    let notesPhase = index;
    if (phase && SHOWS_EARLIER_NOTES.has(phase.kind)) {
      for (let i = index - 1; i >= 0; i -= 1) {
        if (WRITING.has(phaseAt(i).kind)) {
          notesPhase = i;
          break;
        }
      }
    }
    const shared = notesPhase >= 0 && visibleToRoom(notesPhase);
    const facilitator = VIEW === "facilitator" && state.facilitator;
    const notes = state.notes.filter((n) => n.phase === notesPhase);
    // Themes and votes list these notes themselves; at a table the state holds just the
    // notes this screen may see (its own table's, or all on the console and projector).
    let listed = !phase || ended ? [] : shared || facilitator || atTable ? notes : [];
    // A phone at a World Café lists the notes of the table it sits at now; its own notes
    // from the tables before come apart, each with its table and round. The state keeps
    // them apart, but own notes also stay in `notes` across a new state (see takeState)
    // and the round's event comes before that state: so they are sorted here too.
    let earlier = [];
    if (atTable && VIEW === "participant" && !shared && !ended) {
      const cafe = (state.tables || {})[String(index)];
      const round = cafe ? cafe.schedule[cafe.round] : [];
      const myTable = me ? round.findIndex((table) => table.includes(me.id)) : -1;
      const apart = new Map();
      for (const note of [...(state.my_earlier_notes || []), ...notes]) {
        if (note.yours && note.phase === index && note.table !== myTable) apart.set(note.id, note);
      }
      earlier = [...apart.values()];
      listed = listed.filter((n) => n.table === myTable);
    }
    if (phase && phase.kind === "clustering") {
      // The themes list the sorted notes; here stay the ones not in a theme yet.
      const themes = new Set((state.clusters || []).map((c) => c.id));
      listed = listed.filter((n) => !themes.has(n.cluster));
    } else if (phase && phase.kind === "dot_voting") {
      listed = []; // the options to vote on show them
    }
    show($("live-notes"), listed.length > 0);
    const tableLabel = (note) =>
      element("span", "live-note__author", t("tableNote", { table: note.table + 1, round: note.round + 1 }));
    fillList($("live-notes-list"), byPrompt(listed), (note) => {
      const item = noteItem(note, true);
      // A phone at its table needs no label; once all tables' notes are shown it does.
      if (note.table !== null && note.table !== undefined && (VIEW !== "participant" || shared)) {
        item.append(tableLabel(note));
      }
      if (facilitator && phase && phase.kind === "actions") item.append(captureButton(note));
      return item;
    });
    show($("live-earlier"), earlier.length > 0);
    fillList($("live-earlier-list"), earlier, (note) => {
      const item = noteItem(note, false);
      item.append(tableLabel(note));
      return item;
    });
    show($("live-notes-hidden"), facilitator && !shared);
    const from = notesPhase !== index ? phaseAt(notesPhase) : null;
    setText($("live-notes-from"), from ? t("notesFrom", { title: from.title }) : "");
    show($("live-notes-from"), Boolean(from));

    // While hidden: only how many. In a later phase that works on them, only if there
    // are any: "0 notes so far" under a vote on the facilitator's options says nothing.
    const count = state.note_counts[String(notesPhase)] || 0;
    const counting =
      Boolean(phase) &&
      !ended &&
      !shared &&
      !atTable &&
      WRITING.has(phaseAt(notesPhase)?.kind) &&
      (notesPhase === index || count > 0);
    setText($("live-note-count"), t("noteCount", { count }));
    show($("live-note-count"), counting);
  }

  function phaseAt(i) {
    return (state.phases || [])[i];
  }

  function renderTalk() {
    const section = $("live-talk");
    if (!section) return;
    const talk = state.talk || {};
    const shares = talk.shares || {};
    // The session's facilitator is not in the equal share: listed only if they spoke.
    const people = (state.participants || []).filter((p) => !p.leads || shares[String(p.id)]);
    const measured = talk.equity !== null && talk.equity !== undefined;
    if (VIEW === "projector") {
      show(section, state.status !== "ended" && (measured || talk.talking != null));
    }
    const talking = talk.talking != null ? talk.talking : null;
    setText($("live-talking"), talking !== null ? t("talking", { name: nameOf(talking) }) : "");
    show($("live-talking"), talking !== null);
    setText(
      $("live-equity"),
      measured ? t("equity", { equity: decimal.format(talk.equity) }) : t("noTalk"),
    );
    const equal = talk.equal_share || 0;
    setText($("live-equal-share"), t("equalShare", { share: percent.format(equal) }));
    show($("live-equal-share"), measured);
    const list = $("live-shares");
    if (!list) return;
    if (!measured) {
      list.replaceChildren();
      return;
    }
    list.replaceChildren(
      ...people.map((person) => {
        const share = shares[String(person.id)] || 0;
        const item = element("li", "live-share");
        item.append(
          element(
            "span",
            "live-share__label",
            t("share", { name: person.name, share: percent.format(share) }),
          ),
        );
        const bar = element("span", "live-bar");
        bar.append(element("span", `live-bar__fill ${widthClass("w", share)}`));
        bar.append(element("span", `live-bar__equal ${widthClass("at", equal)}`));
        item.append(bar);
        if (person.id === talking) item.classList.add("is-talking");
        return item;
      }),
    );
  }

  function renderConsole(phase, index, allPhases, settings, ended) {
    const started = index >= 0;
    const speaking = state.speaking || {};
    const waiting = stillToSpeak(speaking);
    const talking = state.talk && state.talk.talking != null ? state.talk.talking : null;
    const writing = Boolean(phase) && WRITING.has(phase.kind);
    const kind = phase ? phase.kind : null;
    const live = Boolean(phase) && !ended;
    // In a clustering or voting phase "Show the notes" shows those of the phase before.
    let notesFrom = index;
    if (SHOWS_EARLIER_NOTES.has(kind)) {
      notesFrom = -1;
      for (let i = index - 1; i >= 0; i -= 1) {
        if (WRITING.has(phaseAt(i).kind)) {
          notesFrom = i;
          break;
        }
      }
    }
    const seating = (state.tables || {})[String(index)];
    const formed = (state.groups || {})[String(index)];
    const votes = (state.votes || {})[String(index)] || {};
    const can = {
      "room.start": !started && !ended && allPhases.length > 0,
      "phase.back": started && index > 0 && !ended,
      "phase.next": started && index < allPhases.length - 1 && !ended,
      "phase.extend": Boolean(phase) && !ended,
      "notes.reveal":
        live &&
        notesFrom >= 0 &&
        (writing || SHOWS_EARLIER_NOTES.has(kind)) &&
        !visibleToRoom(notesFrom),
      "votes.reveal": live && kind === "dot_voting" && !votes.revealed && settings.reveal_on_command !== false,
      "pairs.form": live && kind === "pairs",
      "pairs.switch": live && kind === "pairs" && Boolean(formed) && settings.switch_roles !== false,
      "tables.assign": live && kind === "tables" && (!seating || seating.round === 0),
      "tables.back": live && kind === "tables" && Boolean(seating) && seating.round > 0,
      "tables.next":
        live && kind === "tables" && Boolean(seating) && seating.round < seating.schedule.length - 1,
      "round.start": Boolean(phase) && phase.kind === "round" && !ended,
      "turn.next":
        Boolean(phase) &&
        phase.kind === "round" &&
        (speaking.free ? speaking.current != null : waiting.length > 0) &&
        !ended,
      "talk.stop": talking !== null && !ended,
    };
    setText(
      document.querySelector('#live-controls button[data-action="turn.next"]'),
      t(speaking.free ? "endTurn" : "nextSpeaker"),
    );
    const controls = $("live-controls");
    if (controls) {
      for (const button of controls.querySelectorAll("[data-action]")) {
        if (button.id === "live-pause") continue;
        show(button, Boolean(can[button.dataset.action]));
      }
    }
    const pause = $("live-pause");
    if (pause) {
      const paused = Boolean(state.timer && state.timer.paused);
      pause.dataset.action = paused ? "phase.resume" : "phase.pause";
      setText(pause, t(paused ? "resume" : "pause"));
      show(pause, Boolean(phase) && !ended);
    }
    // A dialogue whose work form turned talk time off offers no "Speaks now".
    const tracks = !phase || phase.kind !== "dialogue" || settings.talk_time !== false;
    renderPeople(talking, ended, tracks);
  }

  function renderPeople(talking, ended, tracks) {
    const list = $("live-people");
    const template = $("live-person-template");
    if (!list || !template) return;
    const people = state.participants || [];
    const wanted = people.map((p) => p.id);
    for (const [id, row] of rows) {
      if (!wanted.includes(id)) {
        row.remove();
        rows.delete(id);
      }
    }
    for (const person of people) {
      let row = rows.get(person.id);
      if (!row) {
        row = template.content.firstElementChild.cloneNode(true);
        for (const button of row.querySelectorAll("[data-action]")) {
          button.dataset.participant = String(person.id);
        }
        rows.set(person.id, row);
      }
      setText(row.querySelector('[data-slot="name"]'), person.name);
      for (const slot of row.querySelectorAll('[data-slot="for"]')) {
        setText(slot, ` (${person.name})`);
      }
      show(row.querySelector('[data-slot="leads"]'), Boolean(person.leads));
      show(row.querySelector('[data-slot="talking"]'), person.id === talking);
      row.classList.toggle("is-talking", person.id === talking);
      for (const button of row.querySelectorAll("[data-action]")) {
        const action = button.dataset.action;
        if (action === "talk.start") show(button, person.id !== talking && !ended && tracks);
        if (action === "talk.stop") show(button, person.id === talking && !ended);
        if (action === "role.assign") {
          const holds = (person.roles || []).includes(button.dataset.role);
          button.setAttribute("aria-pressed", String(holds));
          // Only roles the work form uses. Who leads is in no order, pair or table: no role
          // to give (one held from before they led can still be taken off). After the end,
          // no roles at all.
          const used = (state.roles_in_use || []).includes(button.dataset.role);
          show(button, !ended && (holds || (used && !person.leads)));
        }
      }
    }
    // Reorder only when needed: moving a row would take the focus away from its buttons.
    const current = [...list.children];
    const same =
      current.length === people.length && people.every((p, i) => current[i] === rows.get(p.id));
    if (!same) list.replaceChildren(...people.map((p) => rows.get(p.id)));
  }

  // --- Input -----------------------------------------------------------------------------

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || !root.contains(button)) return;
    event.preventDefault();
    const action = button.dataset.action;
    let payload = {};
    if (button.dataset.payload) {
      try {
        payload = JSON.parse(button.dataset.payload);
      } catch {
        payload = {};
      }
    }
    if (button.dataset.participant) payload.participant = Number(button.dataset.participant);
    if (button.dataset.role) payload.role = button.dataset.role;
    act(action, payload);
  });

  const endButton = $("live-end");
  if (endButton) {
    endButton.addEventListener("click", () => {
      show($("live-end-confirm"), true);
      show(endButton, false);
      $("live-end-confirm").querySelector("button")?.focus();
    });
    $("live-end-cancel")?.addEventListener("click", () => {
      show($("live-end-confirm"), false);
      show(endButton, true);
      endButton.focus();
    });
  }

  $("live-dilemma-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = $("live-dilemma-question");
    if (!question.value.trim()) {
      showError(t("emptyDilemma"));
      question.focus();
      return;
    }
    act("dilemma.set", {
      question: question.value.trim(),
      a: $("live-dilemma-a").value.trim(),
      b: $("live-dilemma-b").value.trim(),
      fresh: event.submitter?.id === "live-dilemma-fresh",
    });
  });

  const noteForm = $("live-note-form");
  if (noteForm) {
    noteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const field = $("live-note-text");
      const text = field.value.trim();
      if (!text) {
        showError(t("emptyNote"));
        field.focus();
        return;
      }
      const prompt = chosenPrompt();
      act("note.add", prompt === null ? { text } : { text, prompt });
      field.value = "";
      field.focus();
    });
  }

  setStatus("connecting");
  connect();
})();
