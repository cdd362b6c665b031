/**
 * The first code of the webview bundle (main.ts imports it first): marks when the bundle began to
 * run, after the browser parsed and compiled it and before any other module ran, so that a
 * first-picture probe can split the page's time (test/e2e/firstPicture.mjs `diagramPageMarks`).
 */
performance.mark('xp/bundle-start');
