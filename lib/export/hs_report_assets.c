/*
 * hs_report_assets.c - the report page's style sheet and script, written
 * by hand and inlined into every report so that it opens from disk with
 * no network: the CSS (screen and print) and the JS that sorts tables
 * when a header is clicked (numbers first descending, text ascending; a
 * second click reverses; ties keep the page's order) and opens every
 * <details> before printing.
 *
 * NOTE: about the hash. The page's Content-Security-Policy allows no
 * script but this one, named by the SHA-256 of its exact text, so that
 * even a dump string that slipped past escaping could not run. After any
 * change to hs_report_script, update hs_report_script_sha256 (the base64
 * SHA-256 of the text): tests/python/test_report_browser.py checks that
 * the two agree and prints the right value when they do not (the page
 * would log a CSP error and stop sorting).
 */
#include "hs_report.h"

const char hs_report_css[] =
    "body { font: 14px/1.45 system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif;\n"
    "  color: #1d2330; background: #fff; margin: 0 auto; max-width: 1180px;\n"
    "  padding: 0 20px 40px; }\n"
    "h1 { font-size: 22px; margin: 24px 0 4px; }\n"
    "h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #d8dde6;\n"
    "  padding-bottom: 4px; }\n"
    "p.note, .muted { color: #5b6475; }\n"
    "nav a { margin-right: 14px; }\n"
    "code, .mono, td.repr { font-family: ui-monospace, \"DejaVu Sans Mono\", Menlo,\n"
    "  Consolas, monospace; font-size: 12.5px; }\n"
    "table { border-collapse: collapse; width: 100%; margin: 8px 0; }\n"
    "th, td { padding: 4px 8px; text-align: left; vertical-align: top;\n"
    "  border-bottom: 1px solid #e6e9ef; }\n"
    "th { background: #f3f5f9; cursor: pointer; user-select: none;\n"
    "  white-space: nowrap; }\n"
    "th:focus { outline: 2px solid #4e79a7; }\n"
    "th.n, td.n { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "th[aria-sort=ascending]::after { content: \" \\25B2\"; font-size: 10px; }\n"
    "th[aria-sort=descending]::after { content: \" \\25BC\"; font-size: 10px; }\n"
    "tbody tr:nth-child(even) { background: #fafbfd; }\n"
    "td.pos { color: #b03a2e; }\n"
    "td.type { font-weight: 600; overflow-wrap: anywhere; }\n"
    ".chart svg { max-width: 100%; height: auto; }\n"
    "details summary { cursor: pointer; font-family: ui-monospace, \"DejaVu Sans Mono\",\n"
    "  Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }\n"
    "details ol { margin: 6px 0; padding-left: 22px; }\n"
    "details li, .sample { font-family: ui-monospace, \"DejaVu Sans Mono\", Menlo,\n"
    "  Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }\n"
    "td.path { min-width: 24em; }\n"
    ".label { color: #8a4b08; }\n"
    "footer { margin-top: 36px; color: #5b6475; font-size: 12px; }\n"
    "@media print {\n"
    "  body { max-width: none; padding: 0; font-size: 10pt; }\n"
    "  nav, th::after { display: none; }\n"
    "  h2 { break-after: avoid; }\n"
    "  tr, .chart { break-inside: avoid; }\n"
    "  a { color: inherit; text-decoration: none; }\n"
    "}\n";

const char hs_report_script[] =
    "(function () {\n"
    "  \"use strict\";\n"
    "  function key(row, col, num) {\n"
    "    var cell = row.cells[col], v;\n"
    "    if (!cell) {\n"
    "      return num ? -Infinity : \"\";\n"
    "    }\n"
    "    v = cell.getAttribute(\"data-v\");\n"
    "    if (num) {\n"
    "      return v === null ? -Infinity : Number(v);\n"
    "    }\n"
    "    return (v === null ? cell.textContent : v).toLowerCase();\n"
    "  }\n"
    "  function sortTable(table, th, col) {\n"
    "    var num = th.classList.contains(\"n\");\n"
    "    var first = num ? \"descending\" : \"ascending\";\n"
    "    var now = th.getAttribute(\"aria-sort\");\n"
    "    var order = now === first ? (num ? \"ascending\" : \"descending\") : first;\n"
    "    var dir = order === \"ascending\" ? 1 : -1;\n"
    "    var body = table.tBodies[0];\n"
    "    var rows = Array.prototype.slice.call(body.rows);\n"
    "    rows.sort(function (a, b) {\n"
    "      var x = key(a, col, num), y = key(b, col, num);\n"
    "      if (x < y) {\n"
    "        return -dir;\n"
    "      }\n"
    "      if (x > y) {\n"
    "        return dir;\n"
    "      }\n"
    "      return a.getAttribute(\"data-i\") - b.getAttribute(\"data-i\");\n"
    "    });\n"
    "    Array.prototype.forEach.call(th.parentNode.cells, function (c) {\n"
    "      c.removeAttribute(\"aria-sort\");\n"
    "    });\n"
    "    th.setAttribute(\"aria-sort\", order);\n"
    "    rows.forEach(function (r) {\n"
    "      body.appendChild(r);\n"
    "    });\n"
    "  }\n"
    "  document.querySelectorAll(\"table.sortable\").forEach(function (table) {\n"
    "    Array.prototype.forEach.call(table.tBodies[0].rows, function (r, i) {\n"
    "      r.setAttribute(\"data-i\", i);\n"
    "    });\n"
    "    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {\n"
    "      th.tabIndex = 0;\n"
    "      th.title = \"sort by this column\";\n"
    "      th.addEventListener(\"click\", function () {\n"
    "        sortTable(table, th, col);\n"
    "      });\n"
    "      th.addEventListener(\"keydown\", function (e) {\n"
    "        if (e.key === \"Enter\" || e.key === \" \") {\n"
    "          e.preventDefault();\n"
    "          sortTable(table, th, col);\n"
    "        }\n"
    "      });\n"
    "    });\n"
    "  });\n"
    "  window.addEventListener(\"beforeprint\", function () {\n"
    "    document.querySelectorAll(\"details\").forEach(function (d) {\n"
    "      d.open = true;\n"
    "    });\n"
    "  });\n"
    "})();\n";

const char hs_report_script_sha256[] = "XZ2N6Ekr9n6OfarqLCysCH3jq1AOyAC4Ak4LzaFfXmI=";
