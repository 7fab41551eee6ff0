// Theme fixes for readers of assistive technology (found by the axe-core scan in
// tests/test_browser.py) and for phones. Only attributes are set; nothing is fetched or rendered.

(() => {
  // Material's search dialog has role="dialog" but no name (axe-core: aria-dialog-name).
  for (const dialog of document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])')) {
    const field = dialog.querySelector("input[aria-label]");
    dialog.setAttribute("aria-label", field ? field.getAttribute("aria-label") : "Search");
  }

  // Widths are read in one pass and attributes written in the next, so each step lays the page
  // out once; the steps run on load, when web fonts arrive and when the window's width changes
  // (a ResizeObserver on the page would lay it out again on every change of its height).

  // On a phone, a table that cannot fit the screen as a table becomes one card per row (the
  // stylesheet's table[data-cards="on"]; labels by snippets/plumbing/table_cards.py); one that
  // fits stays a table. A table is measured when it nears the screen, as the scroll boxes below
  // are: measuring every table at load would lay out every block the browser skips off screen.
  const phone = window.matchMedia("(max-width: 44.9375em)");
  // An attribute is written only when its value changes: each write makes the browser work out
  // the page's styles again before the next measurement.
  const set = (element, name, value) => {
    if (value === null) {
      if (element.hasAttribute(name)) element.removeAttribute(name);
    } else if (element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  };
  const TABLES = ".md-typeset table[data-cards]";
  let undecided = new Set();
  const decide = tables => {
    // Measured as tables: only the ones shown as cards change back first.
    tables.forEach(table => set(table, "data-cards", ""));
    const wide = tables.map(table => {
      const box = table.closest(".md-typeset__scrollwrap") || table.parentElement;
      return box.scrollWidth > box.clientWidth + 1;
    });
    tables.forEach((table, i) => {
      set(table, "data-cards", wide[i] ? "on" : "");
      undecided.delete(table);
      near.unobserve(table);
    });
  };

  // A table, display formula or figure too wide for its box scrolls sideways: the keyboard must
  // reach it (axe-core: scrollable-region-focusable), and only then: a box that shows its whole
  // content is no tab stop. Off screen a box is not laid out (content-visibility in site.css), and
  // measuring it would lay it out: a box is measured when it comes into view, and every box at
  // once when the reader first presses Tab (before the focus moves) or when asked by the event
  // "boxes:measure" (the tests). The page is marked when every box and table is measured.
  // Code blocks too: Material gives one its tab stop only once the block is in view (the
  // content.lazy feature, mkdocs.yml), so a reader pressing Tab would pass over the ones below.
  // Material also writes a code block's tab stop whenever the block's size changes, by its own
  // measure (any overflow, even a pixel; none on a touch screen): whichever wrote last won, so a
  // block a pixel too wide (5b's, on a phone) was a tab stop in some loads and not in others.
  // This script's decision stands: a box's tab stop written by anyone else is put back.
  const BOXES = ".md-typeset__scrollwrap, .math-display, .exec-figure__scroll, .md-typeset pre > code";
  let unmeasured = new Set();
  const decided = new WeakMap(); // box -> its tab stop ("0" or null), as last measured
  const marked = () => {
    if (!unmeasured.size && !undecided.size) set(document.documentElement, "data-boxes-measured", "");
  };
  const measure = boxes => {
    const wide = boxes.map(box => box.scrollWidth > box.clientWidth + 1);
    boxes.forEach((box, i) => {
      set(box, "tabindex", wide[i] ? "0" : null);
      unmeasured.delete(box);
      if (box.getClientRects().length) {
        decided.set(box, wide[i] ? "0" : null);
        seen.unobserve(box);
      } else {
        decided.delete(box); // not drawn (a closed tab's code): measured again once it is shown
      }
    });
  };
  new MutationObserver(records => {
    for (const {target} of records) {
      if (decided.has(target)) set(target, "tabindex", decided.get(target));
    }
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["tabindex"]});
  const shown = entries => entries.filter(entry => entry.isIntersecting).map(entry => entry.target);
  // Tables are decided a screen ahead, so that a table turning into cards moves nothing in view;
  // a box is measured in view, after the tables (cards change a wrapper's width).
  const near = new IntersectionObserver(entries => {
    const tables = shown(entries).filter(table => undecided.has(table));
    if (tables.length) { decide(tables); marked(); }
  }, {rootMargin: "100% 0px"});
  const seen = new IntersectionObserver(entries => {
    const boxes = shown(entries).filter(box => unmeasured.has(box) || !decided.has(box));
    if (boxes.length) { measure(boxes); marked(); }
  });
  const measureAll = () => {
    if (undecided.size) decide([...undecided]);
    if (unmeasured.size) measure([...unmeasured]);
    marked();
  };
  document.addEventListener("keydown", event => { if (event.key === "Tab") measureAll(); }, true);
  document.addEventListener("boxes:measure", measureAll);
  const reachable = () => {
    near.disconnect();
    seen.disconnect();
    const tables = [...document.querySelectorAll(TABLES)];
    // Off a phone every table is a table: nothing to measure.
    if (!phone.matches) tables.forEach(table => set(table, "data-cards", ""));
    undecided = new Set(phone.matches ? tables : []);
    unmeasured = new Set(document.querySelectorAll(BOXES));
    set(document.documentElement, "data-boxes-measured", null);
    marked();
    undecided.forEach(table => near.observe(table));
    unmeasured.forEach(box => seen.observe(box));
  };

  let pending = 0;
  let width = null;
  const schedule = () => {
    cancelAnimationFrame(pending);
    // The width is read here, where the frame lays the page out anyway (read while this script
    // runs, it would lay the page out at once).
    pending = requestAnimationFrame(() => { reachable(); width = window.innerWidth; });
  };
  // Material wraps the tables after this script runs; its document$ observable says when.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(schedule);
  } else {
    schedule();
  }
  if (document.fonts) {
    document.fonts.ready.then(schedule);
    // A font a block asks for only when it is first laid out (a KaTeX size font, off screen at
    // load) can arrive after the block's boxes were measured and widen a display: measure again.
    // At once, not in a frame: until then a request to measure every box would find none left
    // and mark the page measured with the old widths (reachable() reads no layout).
    document.fonts.addEventListener("loadingdone", reachable);
  }
  // A width that holds for a moment: a window being dragged, or a screenshot tool's passing
  // change of size, would otherwise have the whole page laid out at every intermediate width.
  let settling = 0;
  window.addEventListener("resize", () => {
    clearTimeout(settling);
    settling = setTimeout(() => {
      if (window.innerWidth === width) return;
      width = window.innerWidth;
      schedule();
    }, 200);
  });
})();
