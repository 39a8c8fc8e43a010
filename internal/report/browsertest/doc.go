// Package browsertest opens the HTML report in headless Chromium (Debian's
// chromium package, driven with chromedp) and checks what a reader sees:
// the ATLAS matrix is coloured where the findings are, clicking a cell
// filters the findings table, and a report of 5,000 findings loads fast.
// The tests skip when no Chromium binary is found; set MLSEC_CHROMIUM to
// use another one. It has no code of its own: only its tests matter.
package browsertest
