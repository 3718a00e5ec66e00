// The wide stage for a simulation (issue 19): the toggle button in a simulation's heading moves
// the same <section> into a fixed overlay over the viewport and back. Nothing is re-created, so
// the slider values, the results and Python itself are kept. An overlay rather than an in-flow
// full-bleed block because the unit's text column sits in a grid beside a sidebar, and breaking
// out of that reliably is not possible; while wide, the rest of the page is inert and does not
// scroll, and the stage is a labelled region. Escape, the button or the browser's Back (the
// stage adds "#<id>-wide" to the history) return to the unit. CSS: static/css/simulation.css.
const OPEN_LABEL = "Open full width";
const CLOSE_LABEL = "Back to the unit";
const SKIP = new Set(["SCRIPT", "STYLE", "LINK", "META", "TEMPLATE"]);

export class Stage {
  // onResize: called once the layout has changed, to let the plots take their new width.
  constructor(root, onResize) {
    this.root = root;
    this.onResize = onResize;
    this.button = root.querySelector("[data-stage-toggle]");
    this.hash = `#${root.id}-wide`;
    this.wide = false;
    this.pushed = false; // whether open() added the history entry that close() should go back over
    this.inerted = [];
    if (!this.button) return;
    this.button.hidden = false;
    this.button.addEventListener("click", () => (this.wide ? this.close() : this.open(true)));
    this.onKey = (event) => {
      if (event.key === "Escape" && !event.defaultPrevented) {
        this.close();
        this.button.focus();
      }
    };
    const sync = () => {
      const wanted = window.location.hash === this.hash;
      if (wanted && !this.wide) this.open(false);
      else if (!wanted && this.wide) this.close(false);
    };
    window.addEventListener("hashchange", sync); // Back, Forward, or a link to the wide hash
    sync(); // a link to "#<id>-wide" opens the stage
  }

  open(push) {
    if (this.wide) return;
    this.wide = true;
    if (push) {
      window.history.pushState(window.history.state, "", this.hash);
      this.pushed = true;
    }
    const root = this.root;
    this.labelledBy = root.getAttribute("aria-labelledby");
    const title = this.labelledBy && document.getElementById(this.labelledBy);
    root.setAttribute("role", "region");
    root.setAttribute("aria-label", `${title ? title.textContent.trim() : "Simulation"}, full width`);
    root.removeAttribute("aria-labelledby");
    this.inerted = inertOutside(root);
    document.documentElement.classList.add("sim-stage-open");
    root.classList.add("sim-stage");
    root.scrollTop = 0;
    this.setButton(CLOSE_LABEL);
    document.addEventListener("keydown", this.onKey);
    this.changed();
  }

  // history: false when the browser has already left the "#…-wide" entry (Back, a new hash).
  close(history = true) {
    if (!this.wide) return;
    this.wide = false;
    document.removeEventListener("keydown", this.onKey);
    const root = this.root;
    root.classList.remove("sim-stage");
    document.documentElement.classList.remove("sim-stage-open");
    for (const element of this.inerted) element.inert = false;
    this.inerted = [];
    root.removeAttribute("role");
    root.removeAttribute("aria-label");
    if (this.labelledBy) root.setAttribute("aria-labelledby", this.labelledBy);
    this.setButton(OPEN_LABEL);
    if (history && window.location.hash === this.hash) {
      if (this.pushed) window.history.back();
      else window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
    }
    this.pushed = false;
    this.changed();
  }

  setButton(label) {
    this.button.textContent = label;
    this.root.dataset.stage = this.wide ? "wide" : "unit";
  }

  // Bokeh follows its element's width by itself (ResizeObserver); the map's label placement and
  // circle sizes depend on the width too, so it is redrawn, from the last result, after layout.
  changed() {
    requestAnimationFrame(() => {
      Promise.resolve(this.onResize && this.onResize()).catch((error) => console.error("stage relayout", error));
    });
  }
}

// Make everything outside `element` inert (up to <body>); return what was changed.
function inertOutside(element) {
  const made = [];
  for (let node = element; node.parentElement && node !== document.body; node = node.parentElement) {
    for (const sibling of node.parentElement.children) {
      if (sibling === node || sibling.inert || SKIP.has(sibling.tagName)) continue;
      sibling.inert = true;
      made.push(sibling);
    }
  }
  return made;
}
