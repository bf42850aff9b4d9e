/* Previews of citations, glossary terms and chronology events (peninsula.previews).
 *
 * Hovering, focusing by keyboard or tapping such a link shows what it points
 * to in a popup, without leaving the page:
 *   - an in-text citation: its entry in the page's References, as printed there;
 *   - a glossary term: the term and its definition (glossary.html);
 *   - a chronology event: its date, title and description (chronology.html).
 * A target on another page is fetched once (same origin only) and read with
 * DOMParser; when that fails (a page opened from file://, a network error) the
 * link simply stays a plain link. Without this script every link is a plain
 * link too: the script only adds to the page.
 *
 * The popup follows WCAG 1.4.13: Esc hides it without moving focus; the pointer
 * can move from the link onto it; it stays until the pointer and the keyboard
 * focus have left, or Esc. It is a role="tooltip" named by aria-describedby on
 * the link while shown. It holds no links (they are unwrapped, emphasis kept).
 * On touch, a first tap shows the preview and a second tap follows the link.
 */
(() => {
  "use strict";

  const MARGIN = 8; // px kept free between the popup and the edges of the viewport
  const GAP = 6; // px between the link and the popup
  const MAX_WIDTH = 480; // px, a comfortable line of text
  const SHOW_DELAY = 120; // ms the pointer rests on a link before its preview opens
  const HIDE_DELAY = 300; // ms allowed to cross from the link onto the popup

  const main = document.querySelector('article[role="main"]');
  if (!main || !("DOMParser" in window)) return;

  // -- Which links preview what ----------------------------------------------

  function samePage(url) {
    return (
      url.origin === location.origin &&
      url.pathname === location.pathname &&
      url.search === location.search
    );
  }

  function targetId(url) {
    try {
      return decodeURIComponent(url.hash.slice(1));
    } catch {
      return "";
    }
  }

  // "citation", "term", "event" or null for an internal link of the text
  function kindOf(link) {
    const url = new URL(link.href, location.href);
    const id = targetId(url);
    if (link.closest("span.citation")) {
      // a citation's entry is always on its own page
      return id.startsWith("ref-") && samePage(url) && document.getElementById(id)
        ? "citation"
        : null;
    }
    if (id.startsWith("term-")) return "term";
    if (id.startsWith("event-")) return "event";
    return null;
  }

  let count = 0;
  for (const link of main.querySelectorAll('a.reference.internal[href*="#"]')) {
    const kind = kindOf(link);
    if (!kind) continue;
    link.dataset.preview = kind;
    // one tooltip, not two: the native one (the plain reference, kept in the
    // HTML for readers without JavaScript) moves out of the way
    if (link.hasAttribute("title")) {
      link.dataset.previewTitle = link.title;
      link.removeAttribute("title");
    }
    count += 1;
  }
  if (!count) return;

  const trigger = (node) =>
    node instanceof Element ? node.closest("a[data-preview]") : null;

  // -- What a preview shows ----------------------------------------------------

  // pages fetched for their terms and events: page URL -> Promise<Document|null>
  const pages = new Map();

  function documentOf(url) {
    if (samePage(url)) return Promise.resolve(document);
    if (url.origin !== location.origin || !/^https?:$/.test(url.protocol)) {
      return Promise.resolve(null); // file:// has no origin to fetch from
    }
    const page = url.href.split("#")[0];
    if (!pages.has(page)) {
      pages.set(
        page,
        fetch(page, { credentials: "same-origin" })
          .then((response) => (response.ok ? response.text() : null))
          .then((text) => (text ? new DOMParser().parseFromString(text, "text/html") : null))
          .catch(() => null),
      );
    }
    return pages.get(page);
  }

  // A copy of the children of *element* fit for a tooltip: links unwrapped
  // (their text and emphasis kept), no ids (they would be duplicates), no
  // titles, no back-links or pilcrows.
  function plainCopy(element) {
    const copy = document.importNode(element, true);
    for (const extra of copy.querySelectorAll(".backlinks, .headerlink")) extra.remove();
    for (const link of copy.querySelectorAll("a")) link.replaceWith(...link.childNodes);
    for (const node of copy.querySelectorAll("[id], [title]")) {
      node.removeAttribute("id");
      node.removeAttribute("title");
    }
    const fragment = document.createDocumentFragment();
    fragment.append(...copy.childNodes);
    return fragment;
  }

  function paragraph(className, content) {
    const p = document.createElement("p");
    p.className = className;
    p.append(content);
    return p;
  }

  // A References entry is a paragraph; a term or an event is a <dt> (the term;
  // the date and title) whose definition or description is the next <dd>.
  function previewOf(target) {
    if (target.tagName !== "DT") return paragraph("preview-reference", plainCopy(target));
    let dd = target.nextElementSibling;
    while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
    if (!dd) return null;
    const fragment = document.createDocumentFragment();
    fragment.append(paragraph("preview-title", plainCopy(target)), plainCopy(dd));
    return fragment;
  }

  function contentFor(link) {
    const url = new URL(link.href, location.href);
    return documentOf(url).then((doc) => {
      const target = doc && doc.getElementById(targetId(url));
      return target ? previewOf(target) : null;
    });
  }

  // -- The popup ------------------------------------------------------------------

  const tip = document.createElement("div");
  tip.id = "peninsula-preview";
  tip.className = "peninsula-preview";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  // inside the main landmark, as all content is; position: fixed lifts it out
  main.append(tip);

  let current = null; // the link whose preview is shown or on its way
  let request = 0; // numbers each show(), so a late answer for a link left since is dropped
  let hovered = false; // the pointer is on the current link or on the popup
  let dismissed = null; // the link whose preview Esc hid, until it is left
  let lastPointer = "mouse";
  // a key was pressed since the last pointer event: keyboard focus, not the
  // focus the browser gives the target of a link (a back-link's citation)
  let keysUsed = false;
  let showTimer = 0;
  let hideTimer = 0;

  // Resolves to true once shown, false when there is nothing to show, and
  // null when another show() or a hide() came first.
  function show(link) {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (link === current && !tip.hidden) return Promise.resolve(true);
    if (current && current !== link) hide();
    const mine = ++request;
    current = link;
    return contentFor(link).then((content) => {
      if (mine !== request) return null;
      if (!content) {
        hide();
        return false;
      }
      tip.replaceChildren(content);
      tip.hidden = false;
      link.setAttribute("aria-describedby", tip.id);
      place();
      return true;
    });
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    request += 1;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    tip.hidden = true;
    tip.replaceChildren();
  }

  const keyboardFocused = (link) => {
    if (document.activeElement !== link) return false;
    try {
      return link.matches(":focus-visible");
    } catch {
      return true; // a browser without :focus-visible
    }
  };

  function hideLater() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => {
      if (!hovered && !(current && keyboardFocused(current))) hide();
    }, HIDE_DELAY);
  }

  // Below the link, or above it when it does not fit below and there is more
  // room above; shifted sideways to stay on screen. The popup is
  // position: fixed, so this runs again on scroll and resize.
  function place() {
    if (!current || tip.hidden) return;
    const width = document.documentElement.clientWidth;
    const height = document.documentElement.clientHeight;
    tip.style.maxWidth = `${Math.min(MAX_WIDTH, width - 2 * MARGIN)}px`;
    tip.style.left = "0px";
    tip.style.top = "0px";
    const box = tip.getBoundingClientRect();
    // A link broken over two lines has a box per line: below, the popup
    // starts under the last one, above, over the first, so that it never
    // covers a part of the link (a second tap must reach it).
    const lines = current.getClientRects();
    const whole = current.getBoundingClientRect();
    const first = lines[0] || whole;
    const last = lines[lines.length - 1] || whole;
    const roomBelow = height - MARGIN - whole.bottom - GAP;
    const roomAbove = whole.top - GAP - MARGIN;
    const above = box.height > roomBelow && roomAbove > roomBelow;
    const start = (above ? first : last).left;
    tip.dataset.side = above ? "above" : "below";
    tip.style.left = `${Math.max(MARGIN, Math.min(start, width - MARGIN - box.width))}px`;
    tip.style.top = `${above ? whole.top - GAP - box.height : whole.bottom + GAP}px`;
  }

  // -- Events -----------------------------------------------------------------

  document.addEventListener(
    "pointerdown",
    (event) => {
      lastPointer = event.pointerType;
      keysUsed = false;
      // a touch anywhere but on the popup or its link closes it
      if (
        event.pointerType === "touch" &&
        current &&
        !tip.contains(event.target) &&
        trigger(event.target) !== current
      ) {
        hide();
      }
    },
    true,
  );

  // Hover, for a mouse or a pen; touch is handled by click below.
  document.addEventListener("pointerover", (event) => {
    if (event.pointerType === "touch") return;
    const link = trigger(event.target);
    if (link) {
      if (link.contains(event.relatedTarget) || link === dismissed) return;
      hovered = true;
      if (link === current && !tip.hidden) {
        clearTimeout(hideTimer);
        return;
      }
      clearTimeout(showTimer);
      showTimer = setTimeout(() => show(link), SHOW_DELAY);
    } else if (tip.contains(event.target) && current) {
      hovered = true;
      clearTimeout(hideTimer);
    }
  });

  document.addEventListener("pointerout", (event) => {
    if (event.pointerType === "touch") return;
    const from = trigger(event.target) || (tip.contains(event.target) ? tip : null);
    if (!from || from.contains(event.relatedTarget)) return;
    if (from === dismissed) dismissed = null;
    clearTimeout(showTimer);
    hovered = false;
    if (current) hideLater();
  });

  // Keyboard focus shows the preview. Focus given by a click or a tap does not
  // (a click follows the link, a tap is handled below), nor that which the
  // browser gives a link that is the target of the address (#cite-...): the
  // reader who comes back from a References entry has just read it.
  document.addEventListener("focusin", (event) => {
    const link = trigger(event.target);
    if (link && keysUsed && keyboardFocused(link)) show(link);
  });

  document.addEventListener("focusout", (event) => {
    const link = trigger(event.target);
    if (!link) return;
    if (link === dismissed) dismissed = null;
    if (link === current && !hovered) hide();
  });

  document.addEventListener("keydown", (event) => {
    keysUsed = true;
    if (event.key === "Escape") clearTimeout(showTimer); // nor one about to open
    if (event.key === "Escape" && current) {
      dismissed = current;
      hide(); // focus stays where it is
    }
  });

  document.addEventListener("click", (event) => {
    const link = trigger(event.target);
    if (!link) return;
    // a mouse click, or Enter (detail 0), follows the link as always
    if (lastPointer !== "touch" || event.detail === 0) {
      hide();
      return;
    }
    // a second tap on the same link follows it
    if (link === current && !tip.hidden) {
      hide();
      return;
    }
    // a first tap previews; with nothing to preview, the link is followed
    event.preventDefault();
    show(link).then((shown) => {
      if (shown === false) location.assign(link.href);
    });
  });

  let frame = 0;
  const replace = () => {
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        place();
      });
    }
  };
  window.addEventListener("scroll", replace, { passive: true, capture: true });
  window.addEventListener("resize", replace, { passive: true });
})();
