import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import Table from 'cli-table3';
import stringWidth from 'string-width';
import { loadStyles, makeStyle, type Style } from '../../src/render/style.js';
import { fitColumns, renderTable, type TableSpec } from '../../src/render/table.js';

before(loadStyles);
const plain = makeStyle(0);

/** What cli-table3 draws for the same table, with the options oidc-probe used it with. */
function cliTable3(spec: TableSpec, style: Style): string {
  const table = new Table({
    ...(spec.head ? { head: spec.head.map((h) => style.bold(h)) } : {}),
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    wrapOnWordBoundary: false,
  });
  for (const row of spec.rows) table.push(row);
  return table.toString();
}

test('draws what cli-table3 draws, byte for byte', () => {
  const colours = makeStyle(1);
  const tables: [TableSpec, Style][] = [
    [{ head: ['claim', 'value', 'description'], rows: [['sub', 'alice', 'subject']] }, plain],
    [
      {
        rows: [
          ['issuer', 'https://op.test'],
          ['client_id', ''],
        ],
      },
      plain,
    ],
    [
      {
        head: ['check', 'status', 'why'],
        rows: [
          ['iss', colours.green('pass'), 'iss is the expected issuer'],
          ['exp', colours.red.bold('FAIL'), `expired 3 h ago\n${colours.dim('expected: 1\nactual: 2')}`],
          ['', '', ''],
        ],
      },
      colours,
    ],
    [
      {
        head: ['name', 'value'],
        rows: [
          ['名前', '山田 太郎'],
          ['emoji', '👩‍💻 dev'],
          ['mixed', 'Zoë — § …'],
        ],
      },
      plain,
    ],
    [{ head: ['only a head'], rows: [] }, colours],
    [
      {
        head: ['a', 'b'],
        rows: [
          ['1\n2\n3', 'x'],
          ['y', '4\n5'],
        ],
      },
      colours,
    ],
  ];
  for (const [spec, style] of tables) assert.equal(renderTable(spec, style), cliTable3(spec, style));
});

test('every line of a table given a width fits it, and no character of a cell is lost', () => {
  const value = `https://op.example/${'p'.repeat(300)}`;
  const rows = [
    ['kid', 'x'.repeat(120), 'RSA', 'sig', `the x5c certificate does not parse: ${'bad '.repeat(40)}`],
    ['k2', 'short', 'EC', 'enc', value],
  ];
  for (const width of [40, 60, 80, 120]) {
    const text = renderTable({ head: ['kid', 'value', 'kty', 'use', 'note'], rows, width }, plain);
    for (const line of text.split('\n')) assert.ok(stringWidth(line) <= width, `${width}: ${line}`);
    const column = (i: number) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('│'))
        .map((l) => l.split('│')[i]!.trim())
        .join('');
    assert.ok(column(2).includes('x'.repeat(120)), 'the long value is all there, wrapped');
    assert.ok(column(5).replaceAll(' ', '').includes(value), 'the URL is all there, wrapped');
  }
});

test('wide characters are wrapped by the columns they take, not their count', () => {
  const text = renderTable({ rows: [['name', '山田太郎'.repeat(10)]], width: 30 }, plain);
  for (const line of text.split('\n')) assert.ok(stringWidth(line) <= 30, line);
});

test('short columns keep their width; the long ones share what is left', () => {
  assert.deepEqual(fitColumns([4, 6, 100, 100], 60), [4, 6, 25, 25]);
  assert.deepEqual(fitColumns([4, 30, 100], 60), [4, 28, 28]);
  assert.deepEqual(fitColumns([10, 10], 30), [10, 10]);
  assert.deepEqual(fitColumns([50, 50, 50], 10), [3, 3, 4]);
});

test('each line of each cell is measured once, however many lines a cell has', () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `- group-${i}`);
  const measured: string[] = [];
  const count = (line: string) => {
    measured.push(line);
    return stringWidth(line);
  };
  const text = renderTable({ head: ['claim', 'value'], rows: [['groups', lines.join('\n')]] }, plain, count);
  assert.equal(measured.length, 2 + 1000 + 1, 'the head, the value lines and the name');
  assert.equal(text.split('\n').length, 1000 + 4);
  // Wrapped: only the pieces of the lines that are too wide are measured again.
  measured.length = 0;
  renderTable({ rows: [['groups', lines.join('\n')]], width: 20 }, plain, count);
  const wide = lines.filter((l) => l.length > 20 - 7 - 6).length;
  assert.ok(measured.length <= 1001 + 3 * wide, `${measured.length} measurements`);
});
