/**
 * Entry of the webview bundle (`dist/webview.js`, IIFE). Runs in a VS Code webview and in the
 * standalone HTML report; expects an element `#app` (falls back to `document.body`).
 */
import './startMark';
import './styles.css';
import { App } from './app';
import { createHost } from './host';

/** When this script started running (ms since the epoch), for the first-picture timeline. */
const scriptAt = Date.now();

function main(): void {
  const root = document.getElementById('app') ?? document.body;
  new App(root, createHost()).start(scriptAt);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
