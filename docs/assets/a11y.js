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
  // fits stays a table.
  const phone = window.matchMedia("(max-width: 44.9375em)");
  const cards = () => {
    const tables = [...document.querySelectorAll(".md-typeset table[data-cards]")];
    tables.forEach(table => table.setAttribute("data-cards", ""));
    if (!phone.matches) return;
    const wide = tables.map(table => {
      const box = table.closest(".md-typeset__scrollwrap") || table.parentElement;
      return box.scrollWidth > box.clientWidth + 1;
    });
    tables.forEach((table, i) => { if (wide[i]) table.setAttribute("data-cards", "on"); });
  };

  // A table, display formula or figure too wide for its box scrolls sideways: the keyboard must
  // reach it (axe-core: scrollable-region-focusable), and only then: a box that shows its whole
  // content is no tab stop. Boxes are measured a few at a time while the browser is idle: off
  // screen they are not laid out (content-visibility in site.css) until something asks.
  const BOXES = ".md-typeset__scrollwrap, .math-display, .exec-figure__scroll";
  const BATCH = 16;
  const idle = window.requestIdleCallback || (callback => setTimeout(callback, 1));
  let run = 0;
  const reachable = () => {
    const current = ++run;
    const boxes = [...document.querySelectorAll(BOXES)];
    document.documentElement.removeAttribute("data-boxes-measured");
    const step = start => {
      if (current !== run) return;  // a newer pass started
      const batch = boxes.slice(start, start + BATCH);
      const wide = batch.map(box => box.scrollWidth > box.clientWidth + 1);
      batch.forEach((box, i) => {
        if (wide[i]) box.setAttribute("tabindex", "0");
        else box.removeAttribute("tabindex");
      });
      if (start + BATCH < boxes.length) idle(() => step(start + BATCH));
      else document.documentElement.setAttribute("data-boxes-measured", "");  // for the tests
    };
    idle(() => step(0));
  };

  let pending = 0;
  const schedule = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => { cards(); reachable(); });
  };
  // Material wraps the tables after this script runs; its document$ observable says when.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(schedule);
  } else {
    schedule();
  }
  if (document.fonts) document.fonts.ready.then(schedule);
  // A width that holds for a moment: a window being dragged, or a screenshot tool's passing
  // change of size, would otherwise have the whole page laid out at every intermediate width.
  let width = window.innerWidth;
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
