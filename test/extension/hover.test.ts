import { beforeAll, describe, expect, it } from 'vitest';
import { createTextDocument, Hover, MarkdownString, Position, type StubTextDocument } from '../vscode-stub';
import { LayerHoverProvider, stringAt } from '../../src/extension/hover';
import type { ArchitectureReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from './fixtures';
import { FakeSource } from './source';

let report: ArchitectureReport;
let provider: LayerHoverProvider;

beforeAll(async () => {
  report = withTimings(await xceptionReport());
  provider = new LayerHoverProvider(new FakeSource(report));
});

/** Hover at the first occurrence of `marker` in `text`, `offset` characters into it. */
function hoverAt(doc: StubTextDocument, marker: string, offset = 0): Hover | undefined {
  const at = doc.getText().indexOf(marker);
  if (at < 0) throw new Error(`marker ${marker} not in document`);
  return provider.provideHover(doc as never, doc.positionAt(at + offset) as never) as unknown as Hover | undefined;
}

const MODEL_JSON = `{
  "modelTopology": {
    "model_config": {
      "class_name": "Functional",
      "config": {
        "layers": [
          {
            "class_name": "SeparableConv2D",
            "config": { "name": "block4_sepconv2", "filters": 728, "kernel_size": [3, 3] },
            "name": "block4_sepconv2",
            "inbound_nodes": [[["block4_sepconv2_act", 0, 0, {}]]]
          }
        ]
      }
    }
  }
}
`;

const PYTHON = `from keras import layers
x = layers.SeparableConv2D(728, (3, 3), padding='same', use_bias=False, name='block4_sepconv2')(x)
layer = model.get_layer("block4_sepconv2")
def add(a, b):
    return a + b  # add is not a string: no hover
print("block4_sepconv2 is slow")
`;

const TYPESCRIPT = `const layer = model.getLayer('block4_sepconv2');
const message = \`layer \${name}\`;
const escaped = 'it\\'s block4_sepconv2';
`;

describe('hover in JSON (model.json / Keras config)', () => {
  const doc = createTextDocument(MODEL_JSON, 'json', '/w/model.json');

  it('shows the layer card on a "name" value, over the string', () => {
    const hover = hoverAt(doc, 'block4_sepconv2", "filters"', 3)!;
    expect(hover).toBeInstanceOf(Hover);
    const md = hover.contents as MarkdownString;
    expect(md.value).toContain('**block4\\_sepconv2** · `SeparableConv2D`');
    expect(md.value).toContain('**MACs** 734.5M MACs (734,517,784)');
    expect(md.value).toContain('**Median** 7.35 ms · *wall time on wasm*');
    expect(md.value).toContain('[Reveal in Diagram](command:xceptionProfiler.revealInDiagram?');
    expect(md.isTrusted).toEqual({ enabledCommands: ['xceptionProfiler.revealInDiagram'] });
    const line = doc.positionAt(doc.getText().indexOf('block4_sepconv2", "filters"')).line;
    expect(hover.range).toMatchObject({ start: { line, character: 33 }, end: { line, character: 48 } });
  });

  it('matches inbound references too, and not class names or keys', () => {
    expect(hoverAt(doc, 'block4_sepconv2_act', 2)).toBeInstanceOf(Hover);
    expect(hoverAt(doc, '"SeparableConv2D"', 3)).toBeUndefined();
    expect(hoverAt(doc, '"filters"', 3)).toBeUndefined();
    expect(hoverAt(doc, '728', 1)).toBeUndefined();
  });
});

describe('hover in Python', () => {
  const doc = createTextDocument(PYTHON, 'python', '/w/xception.py');

  it("matches name='...' and get_layer(\"...\"), on the quotes too", () => {
    expect(hoverAt(doc, "'block4_sepconv2'", 5)).toBeInstanceOf(Hover);
    expect(hoverAt(doc, "'block4_sepconv2'", 0)).toBeInstanceOf(Hover);
    expect(hoverAt(doc, '"block4_sepconv2")', 16)).toBeInstanceOf(Hover);
  });

  it('does not match bare words, other strings or strings that only contain a name', () => {
    expect(hoverAt(doc, 'add(a', 1)).toBeUndefined();
    expect(hoverAt(doc, "'same'", 2)).toBeUndefined();
    expect(hoverAt(doc, '"block4_sepconv2 is slow"', 3)).toBeUndefined();
    expect(hoverAt(doc, 'layers.SeparableConv2D', 8)).toBeUndefined();
  });
});

describe('hover in TypeScript', () => {
  const doc = createTextDocument(TYPESCRIPT, 'typescript', '/w/a.ts');

  it('matches a string argument, not an escaped string that contains the name', () => {
    expect(hoverAt(doc, "'block4_sepconv2'", 4)).toBeInstanceOf(Hover);
    expect(hoverAt(doc, "it\\'s block4_sepconv2", 8)).toBeUndefined();
    expect(hoverAt(doc, 'layer ${', 2)).toBeUndefined();
  });

  it('shows nothing without a report', () => {
    const none = new LayerHoverProvider(new FakeSource());
    expect(none.provideHover(doc as never, new Position(0, 32) as never)).toBeUndefined();
  });
});

describe('stringAt', () => {
  it('finds the string around a column, skipping escapes', () => {
    expect(stringAt(`f('a', "b\\"c", 'd')`, 9)).toEqual({ start: 8, end: 12, text: 'b\\"c' });
    expect(stringAt(`f('a', 'b')`, 5)).toBeUndefined();
    expect(stringAt(`x = "open`, 6)).toBeUndefined();
  });
});
