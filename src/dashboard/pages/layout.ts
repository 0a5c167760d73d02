/**
 * The frame of every dashboard page: a skip link, the navigation trail, the
 * action mode, the page's own content in `<main>`, and the footer with the
 * refresh controls. Live refresh is the script's (assets/): without
 * JavaScript the page works the same and the footer's link refreshes it.
 */
import { type Html, type HtmlValue, html } from "../html.js";
import { utcTime } from "../formatting.js";

export interface Crumb {
  readonly label: string;
  /** Where it leads; the current page has none. */
  readonly href?: string;
}

/** What a page knows of the dashboard's action mode, for the header and its forms. */
export interface ActionMode {
  /** Started with `--allow-actions`. */
  readonly allowed: boolean;
  /** This browser holds the token's session. */
  readonly unlocked: boolean;
}

export interface PageFrame {
  /** The page's name, first in the window title and the `<h1>`. */
  readonly title: string;
  /** The trail from the overview to this page (the overview itself has none). */
  readonly crumbs?: readonly Crumb[];
  readonly mode: ActionMode;
  /** Seconds between live refreshes; absent: the page does not refresh itself. */
  readonly refreshSeconds?: number;
  /** When the figures were read. */
  readonly readAt: Date;
  /** A notice after an action (`role="status"`), or null. */
  readonly notice?: string | null;
}

function modeText(mode: ActionMode): HtmlValue {
  if (!mode.allowed) return html`<p class="mode">Read-only</p>`;
  if (mode.unlocked) return html`<p class="mode mode-actions">Actions allowed</p>`;
  return html`<p class="mode">Actions locked: <a href="/unlock">unlock with the token</a></p>`;
}

function trail(crumbs: readonly Crumb[], title: string): Html {
  const items = [{ label: "Queues", href: "/" }, ...crumbs];
  return html`<nav aria-label="Breadcrumb"><ol class="crumbs">${items.map((crumb) =>
    crumb.href !== undefined
      ? html`<li><a href="${crumb.href}">${crumb.label}</a></li>`
      : html`<li>${crumb.label}</li>`,
  )}<li><span aria-current="page">${title}</span></li></ol></nav>`;
}

export function page(frame: PageFrame, content: Html): Html {
  const refresh = frame.refreshSeconds !== undefined ? html` data-refresh-seconds="${frame.refreshSeconds}"` : "";
  const notice =
    frame.notice !== undefined && frame.notice !== null
      ? html`<p class="notice" role="status">${frame.notice}</p>`
      : "";
  const isOverview = frame.crumbs === undefined;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${frame.title} · pgmq-gen dashboard</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top">
<p class="brand"><a href="/">pgmq-gen dashboard</a></p>
${isOverview ? "" : trail(frame.crumbs ?? [], frame.title)}
${modeText(frame.mode)}
</header>
<main id="main" tabindex="-1"${refresh}>
<h1>${frame.title}</h1>
${notice}
${content}
</main>
<footer class="bottom">
<p>Figures read at <time id="read-at" data-live datetime="${frame.readAt.toISOString()}">${utcTime(frame.readAt)}</time>.
<a href="" data-refresh-link>Refresh</a>${frame.refreshSeconds !== undefined ? html` <button type="button" data-pause hidden aria-pressed="false">Pause live updates</button>` : ""}</p>
</footer>
</body>
</html>
`;
}
