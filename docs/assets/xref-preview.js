// Hovering (or focusing) a cross-reference shows its target beside it: the equation, the figure,
// the table with its caption, or the check box. A target on the same page is copied from the
// page; one on another page is read from that page of this site (same origin, never a third
// party), which a browser allows over http but not from file://, where the link's title remains.
// The box's look is in site.css: a style sheet added by a script once the page is parsed makes
// the browser match every element against the new rules again.
(() => {
  const pages = new Map();
  let current = null;
  let box = null;

  function page(url) {
    if (!pages.has(url.pathname)) {
      pages.set(
        url.pathname,
        fetch(url.pathname)
          .then((response) => (response.ok ? response.text() : ""))
          .then((text) => new DOMParser().parseFromString(text, "text/html"))
          .catch(() => null),
      );
    }
    return pages.get(url.pathname);
  }

  async function target(link) {
    const url = new URL(link.href, location.href);
    const id = decodeURIComponent(url.hash.slice(1));
    if (!id) return null;
    if (url.pathname === location.pathname) return document.getElementById(id);
    if (location.protocol === "file:") return null;
    const doc = await page(url);
    return doc ? doc.getElementById(id) : null;
  }

  function preview(found) {
    if (/^H[1-6]$/.test(found.tagName)) return null; // a section: its title is the link's text
    const parts = [found];
    if (found.tagName === "STRONG") {
      // A table's caption number: show the caption's paragraph and the table after it.
      const caption = found.closest("p") || found;
      parts.splice(0, 1, caption);
      const next = caption.nextElementSibling;
      if (next && (next.tagName === "TABLE" || next.querySelector("table"))) parts.push(next);
    }
    const holder = document.createElement("div");
    for (const part of parts) {
      const copy = part.cloneNode(true);
      copy.removeAttribute("id");
      copy.removeAttribute("tabindex");
      holder.append(copy);
    }
    return holder;
  }

  function hide() {
    if (box) box.remove();
    box = null;
  }

  async function show(link) {
    current = link;
    const found = await target(link);
    const content = found && preview(found);
    if (!content || current !== link) return;
    hide();
    box = document.createElement("div");
    box.className = "xref-preview md-typeset";
    box.setAttribute("aria-hidden", "true"); // a visual aid: the link itself says where it goes
    box.append(content);
    document.body.append(box);
    const at = link.getBoundingClientRect();
    const left = Math.min(at.left, document.documentElement.clientWidth - box.offsetWidth - 8);
    box.style.left = `${Math.max(8, left) + window.scrollX}px`;
    box.style.top = `${at.bottom + 6 + window.scrollY}px`;
  }

  function leave() {
    current = null;
    hide();
  }

  for (const [enter, exit] of [["mouseover", "mouseout"], ["focusin", "focusout"]]) {
    document.addEventListener(enter, (event) => {
      const link = event.target.closest && event.target.closest("a.xref[href]");
      if (link && link !== current) show(link);
    });
    document.addEventListener(exit, (event) => {
      if (event.target.closest && event.target.closest("a.xref[href]")) leave();
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") leave();
  });
})();
