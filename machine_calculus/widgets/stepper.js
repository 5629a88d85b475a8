// The stepper's front end (anywidget ESM): renders the synced `view` and sends commands.
// Python keeps the history (machine_calculus/widgets/stepper.py); nothing here computes a step.
// Plain DOM, no framework and nothing specific to JupyterLab, so that it runs wherever
// anywidget does (JupyterLab, Notebook 7, VS Code).

const KIND_TITLE = { machine: "machine", reduce: "reduction" };
const FINAL = new Set(["done", "stuck", "answer", "failed", "normal", "out_of_fuel", "error"]);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function button(label, title, testid) {
  return el("button", { class: "mcs-button", type: "button", title, "aria-label": title, "data-testid": testid, text: label });
}

function render({ model, el: root }) {
  const send = (message) => model.send(message);
  // data-lm-suppress-shortcuts: JupyterLab's command-mode keys (1 to 6 make a cell a heading)
  // leave the keys pressed in the stepper to the stepper; other front ends ignore the attribute
  const box = el("div", { class: "mcs", tabindex: "0", "data-testid": "mc-stepper", "data-lm-suppress-shortcuts": "true" });

  const title = el("span", { class: "mcs-title", "data-testid": "title" });
  const step = el("span", { class: "mcs-step", "data-testid": "step" });
  const status = el("span", { class: "mcs-status", "data-testid": "status" });
  const header = el("div", { class: "mcs-header" }, title, step, status);

  const first = button("|◀", "first state (Home)", "first");
  const back = button("◀", "back one step (←)", "back");
  const forward = button("▶", "forward one step (→)", "forward");
  const last = button("▶|", "to the end, within the fuel (End)", "last");
  first.onclick = () => send({ command: "first" });
  back.onclick = () => send({ command: "back" });
  forward.onclick = () => send({ command: "forward" });
  last.onclick = () => send({ command: "last" });
  const rule = el("span", { class: "mcs-rule", "data-testid": "rule" });
  const controls = el("div", { class: "mcs-controls" }, first, back, forward, last, el("span", { class: "mcs-label", text: "rule" }), rule);

  const term = el("div", { class: "mcs-term", "data-testid": "term" });
  const memory = el("table", { class: "mcs-memory", "data-testid": "memory" });
  const continuation = el("ol", { class: "mcs-continuation", "data-testid": "continuation" });
  const substitution = el("table", { class: "mcs-substitution", "data-testid": "substitution" });
  const options = el("div", { class: "mcs-options", "data-testid": "options" });
  const history = el("div", { class: "mcs-history", "data-testid": "history" });
  const message = el("div", { class: "mcs-message", "data-testid": "message" });
  const error = el("pre", { class: "mcs-error", "data-testid": "error" });

  const input = el("input", { class: "mcs-input", type: "text", spellcheck: "false", "data-testid": "source", "aria-label": "term to step" });
  const load = button("load", "step this term instead (Enter)", "load");
  load.onclick = () => send({ command: "load", text: input.value });
  input.addEventListener("keydown", (event) => {
    event.stopPropagation(); // the notebook's own shortcuts stay out of the text box
    if (event.key === "Enter") send({ command: "load", text: input.value });
  });
  const loader = el("div", { class: "mcs-loader" }, input, load);

  const sections = {};
  function section(name, content) {
    const s = el("div", { class: `mcs-section mcs-${name}-section` }, el("div", { class: "mcs-heading", text: name }), content);
    sections[name] = s;
    return s;
  }
  const grid = el(
    "div",
    { class: "mcs-grid" },
    section("term", term),
    section("memory", memory),
    section("continuation", continuation),
    section("substitution", substitution),
    section("next", options),
  );
  box.append(header, controls, grid, message, history, error, loader);
  root.append(box);

  let highlighted = null; // the option whose redex the term shows highlighted (hover), else the default

  function showTerm(view) {
    term.replaceChildren();
    const choice = highlighted ?? view.taken ?? view.default;
    const option = view.options && choice != null ? view.options[choice] : null;
    if (view.kind === "reduce" && option && option.parts) {
      const [before, redex, after] = option.parts;
      term.append(before, el("mark", { class: "mcs-redex", "data-testid": "redex", text: redex }), after);
    } else {
      term.append(view.term ?? "");
    }
  }

  function showMemory(view) {
    memory.replaceChildren();
    const rows = view.memory ?? [];
    if (rows.length === 0) memory.append(el("tr", {}, el("td", { class: "mcs-empty", text: "∅ (empty)" })));
    for (const [location, items, height] of rows) {
      const cells = el("td", { class: "mcs-items" });
      items.forEach((item, i) => {
        const top = i === items.length - 1;
        cells.append(el("span", { class: top ? "mcs-item mcs-top" : "mcs-item", "data-testid": "item", text: item }));
      });
      memory.append(
        el(
          "tr",
          { "data-location": location },
          el("th", { class: "mcs-location", "data-testid": "location", text: location, title: `${height} item${height === 1 ? "" : "s"}, top on the right` }),
          cells,
        ),
      );
    }
  }

  function showContinuation(view) {
    continuation.replaceChildren();
    const frames = view.continuation ?? [];
    if (frames.length === 0) continuation.append(el("li", { class: "mcs-empty", text: "ε" }));
    for (const frame of frames) continuation.append(el("li", { class: "mcs-frame", "data-testid": "frame", text: frame }));
    if ((view.continuation_height ?? 0) > frames.length) continuation.append(el("li", { class: "mcs-empty", text: `… ${view.continuation_height - frames.length} more` }));
  }

  function showSubstitution(view) {
    substitution.replaceChildren();
    const bindings = view.substitution ?? [];
    if (bindings.length === 0) substitution.append(el("tr", {}, el("td", { class: "mcs-empty", text: "ε (no bindings)" })));
    for (const [name, value] of bindings) {
      substitution.append(el("tr", { "data-testid": "binding" }, el("th", { text: name }), el("td", { text: `↦ ${value}` })));
    }
  }

  function showOptions(view) {
    options.replaceChildren();
    const list = view.options ?? [];
    if (list.length === 0 || !view.usable) {
      options.append(el("span", { class: "mcs-empty", text: FINAL.has(view.status) ? "no step" : "" }));
      return;
    }
    const several = list.length > 1 || view.kind === "reduce";
    for (const option of list) {
      let label = option.rule;
      if (option.branch != null) label += ` → ${option.branch}`;
      if (option.position != null) label += ` @ ${option.position}`;
      const chosen = option.index === (view.taken ?? view.default);
      const item = button(several && option.index < 9 ? `${option.index + 1}. ${label}` : label, `take this step${option.index < 9 ? ` (${option.index + 1})` : ""}`, `option-${option.index}`);
      item.classList.add("mcs-option");
      if (chosen) item.classList.add("mcs-chosen");
      item.append(el("span", { class: "mcs-preview", text: option.preview }));
      item.onclick = () => send({ command: "choose", index: option.index });
      item.onmouseenter = () => { highlighted = option.index; showTerm(view); };
      item.onmouseleave = () => { highlighted = null; showTerm(view); };
      options.append(item);
    }
    if (view.options_total > list.length) options.append(el("span", { class: "mcs-empty", text: `… ${view.options_total - list.length} more` }));
  }

  function showHistory(view) {
    history.replaceChildren();
    for (const entry of view.history ?? []) {
      const text = entry.step === 0 ? "start" : `${entry.step}. ${entry.label}`;
      const item = el("button", { type: "button", class: "mcs-history-item", "data-step": String(entry.step), text });
      if (entry.step === view.step) item.classList.add("mcs-current");
      else if (entry.step > view.step) item.classList.add("mcs-future");
      item.onclick = () => send({ command: "goto", step: entry.step });
      history.append(item);
    }
  }

  function update() {
    const view = model.get("view") ?? {};
    highlighted = null;
    if (document.activeElement !== input) input.value = model.get("source") ?? "";
    error.textContent = view.error ?? "";
    error.hidden = !view.error;
    const ready = view.kind != null;
    for (const part of [controls, grid, history]) part.hidden = !ready;
    if (!ready) {
      title.textContent = "stepper";
      step.textContent = "";
      status.textContent = "no term";
      status.dataset.status = "error";
      message.textContent = "";
      return;
    }
    title.textContent = `${view.calculus} ${KIND_TITLE[view.kind] ?? view.kind}`;
    step.textContent = `step ${view.step}${view.known > view.step ? ` of ${view.known} computed` : ""} · fuel ${view.fuel}`;
    status.textContent = view.status.replace(/_/g, " ");
    status.dataset.status = view.status;
    rule.textContent = view.label || "(start)";
    message.textContent = view.message ?? "";
    first.disabled = back.disabled = !view.can_back;
    forward.disabled = last.disabled = !view.can_forward;
    sections.memory.hidden = view.memory == null;
    sections.continuation.hidden = view.continuation == null;
    sections.substitution.hidden = view.substitution == null;
    showTerm(view);
    showMemory(view);
    showContinuation(view);
    showSubstitution(view);
    showOptions(view);
    showHistory(view);
    box.dataset.step = String(view.step);
  }

  box.addEventListener("keydown", (event) => {
    if (event.target === input) return;
    const keys = { ArrowRight: "forward", ArrowLeft: "back", Home: "first", End: "last" };
    if (keys[event.key]) {
      send({ command: keys[event.key] });
    } else if (/^[1-9]$/.test(event.key)) {
      send({ command: "choose", index: Number(event.key) - 1 });
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // keep the notebook's shortcuts from acting on the cell too
  });

  model.on("change:view", update);
  model.on("change:source", update);
  update();
  return () => {
    model.off("change:view", update);
    model.off("change:source", update);
  };
}

export default { render };
