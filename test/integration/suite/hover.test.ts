/// <reference types="mocha" />
/** Editor hovers: the layer card when the word under the cursor names a layer of the report. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BLOCK4_SEPCONV2_AT_71, extensionApi, hoverText, profiledReport, within, workspaceFile } from './helpers';

/** Hover text at the first occurrence of `needle` (plus `offset` characters) in `file`. */
async function hoverAt(file: string, needle: string, offset = 0): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(file));
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} is not in ${file}`);
  const hovers = await within(
    vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(at + offset)),
    10_000,
    `a hover in ${file}`,
  );
  return hoverText(hovers ?? []);
}

suite('editor hovers', () => {
  suiteSetup(async () => {
    await profiledReport(await extensionApi());
  });

  test('a layer name in Python source shows its shape and MACs', async () => {
    const text = await hoverAt('xception_features.py', 'get_layer("block4_sepconv2")', 'get_layer("'.length + 3);
    assert.match(text, /block4_sepconv2/, 'no hover for block4_sepconv2 in xception_features.py (HoverProvider for python)');
    assert.ok(text.includes(BLOCK4_SEPCONV2_AT_71.shapeText) || text.includes('(None, 9, 9, 728)'), `hover shows the output shape: ${text}`);
    assert.ok(text.includes(BLOCK4_SEPCONV2_AT_71.macsText), `hover shows ${BLOCK4_SEPCONV2_AT_71.macsText} MACs: ${text}`);
  });

  test('a layer name in a TF.js model.json shows its card', async () => {
    const text = await hoverAt('model.json', '"name": "block1_conv1"', '"name": "'.length + 2);
    // block1_conv1 at 71: 3x3/2 valid -> 35x35x32.
    assert.ok(text.includes('35x35x32') || text.includes('(None, 35, 35, 32)'), `hover over block1_conv1 in model.json: ${JSON.stringify(text)}`);
  });

  test('no layer card on words that are not layer names', async () => {
    const text = await hoverAt('xception_features.py', 'import keras', 2);
    assert.doesNotMatch(text, /MACs/);
  });
});
