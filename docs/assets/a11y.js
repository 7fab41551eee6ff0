// Theme fixes for readers of assistive technology, found by the axe-core scan in
// tests/test_browser.py. Only attributes are set; nothing is fetched or rendered.

(() => {
  // Material's search dialog has role="dialog" but no name (axe-core: aria-dialog-name).
  for (const dialog of document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])')) {
    const field = dialog.querySelector("input[aria-label]");
    dialog.setAttribute("aria-label", field ? field.getAttribute("aria-label") : "Search");
  }

  // A table too wide for the screen scrolls sideways in Material's wrapper: let the keyboard
  // reach it, as Material does for wide code blocks (axe-core: scrollable-region-focusable).
  // Display math does this itself (snippets/plumbing/katex_math.py).
  const reachable = () => {
    for (const box of document.querySelectorAll(".md-typeset__scrollwrap")) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    }
  };
  // Material wraps the tables after this script runs; its document$ observable says when.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => setTimeout(reachable));
  } else {
    reachable();
  }
  if ("ResizeObserver" in window) new ResizeObserver(reachable).observe(document.body);
})();
