/**
 * The dashboard's style sheet, served as `/assets/dashboard.css`: kept in a
 * module so the build carries it (tsc copies no other files), and served
 * from the dashboard itself (no CDN, nothing fetched from elsewhere).
 * Colours meet WCAG AA contrast on white; focus is always visible.
 */
export const DASHBOARD_CSS = `
:root { color-scheme: light; --text: #1b1f24; --muted: #4d5761; --line: #d0d7de; --accent: #0b5cad; --danger: #a4161a; --bg-soft: #f6f8fa; --visible: #0b5cad; --in-flight: #9a4f00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: #fff; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible, pre:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip-link { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { left: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--bg-soft); }
header.top p { margin: 0; }
.brand a { font-weight: 600; color: var(--text); text-decoration: none; }
.crumbs { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; margin: 0; padding: 0; }
.crumbs li + li::before { content: "/"; color: var(--muted); margin-right: .25rem; }
.mode { margin-left: auto !important; color: var(--muted); }
.mode-actions { color: var(--danger); font-weight: 600; }
main { padding: 1rem 1.25rem 2rem; max-width: 1400px; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: .25rem 0; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
th, td { padding: .35rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
thead th { font-weight: 600; border-bottom: 2px solid var(--line); white-space: nowrap; }
.number { text-align: right; font-variant-numeric: tabular-nums; }
.empty, .none, .age, .hint, .note { color: var(--muted); }
.reason { max-width: 32rem; overflow-wrap: anywhere; }
code.preview { display: inline-block; max-width: 28rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: middle; }
pre.json { background: var(--bg-soft); border: 1px solid var(--line); padding: .75rem; overflow: auto; max-height: 32rem; white-space: pre-wrap; overflow-wrap: anywhere; }
dl.figures { display: flex; flex-wrap: wrap; gap: .75rem; margin: 0; }
dl.figures div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; min-width: 8.5rem; }
dl.figures dt { color: var(--muted); font-size: .85rem; }
dl.figures dd { margin: 0; font-size: 1.35rem; font-variant-numeric: tabular-nums; }
dl.record { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0 0 1rem; }
dl.record div { display: contents; }
dl.record dt { color: var(--muted); }
dl.record dd { margin: 0; }
.chart { display: block; background: var(--bg-soft); border: 1px solid var(--line); }
.chart rect { fill: var(--visible); }
.chart .axis { stroke: var(--line); }
.chart polyline { fill: none; stroke-width: 2; }
.chart .series-visible { stroke: var(--visible); }
.chart .series-in-flight { stroke: var(--in-flight); stroke-dasharray: 4 3; }
figure { margin: .5rem 0 1rem; }
figcaption { color: var(--muted); font-size: .9rem; }
.key-visible { color: var(--visible); font-weight: 600; }
.key-in-flight { color: var(--in-flight); font-weight: 600; }
.tabs { display: flex; gap: .25rem; list-style: none; padding: 0; margin: .5rem 0; border-bottom: 1px solid var(--line); }
.tabs a { display: block; padding: .35rem .8rem; text-decoration: none; border: 1px solid transparent; border-bottom: none; }
.tabs a[aria-current="page"] { border-color: var(--line); background: #fff; color: var(--text); font-weight: 600; margin-bottom: -1px; border-bottom: 1px solid #fff; }
.pager { display: flex; gap: 1rem; margin: .5rem 0; }
form.filters, form.find-job, form.actions, form.confirm, form.unlock { margin: .75rem 0; }
form.filters div { display: inline-block; margin-right: 1rem; }
fieldset { border: 1px solid var(--line); padding: .5rem .75rem; margin: .5rem 0; }
input { font: inherit; padding: .25rem .4rem; border: 1px solid #6e7781; border-radius: 4px; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
button.danger { background: var(--danger); border-color: var(--danger); }
button[data-pause] { background: #fff; color: var(--accent); }
.notice { border-left: 4px solid var(--accent); background: var(--bg-soft); padding: .5rem .75rem; }
.error { border-left: 4px solid var(--danger); background: #fff5f5; padding: .5rem .75rem; }
footer.bottom { padding: .5rem 1.25rem 1.5rem; color: var(--muted); border-top: 1px solid var(--line); }
`;
