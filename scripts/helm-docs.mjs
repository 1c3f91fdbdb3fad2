// The values table of the Helm chart's README, generated from the comments in values.yaml: a key
// with a value is documented by the `# -- text` comment right above it (continued on the following
// `#` lines). Every such key must be documented; maps and lists are written inline (`{}`, `[]`) so
// that each row has one default. The table sits between the markers in deploy/helm/herald/README.md.
//   node scripts/helm-docs.mjs           print the table
//   node scripts/helm-docs.mjs --write   rewrite it in the README
//   node scripts/helm-docs.mjs --check   exit 1 when the README's table is not the generated one
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHART = join(root, 'deploy', 'helm', 'herald');
const START = '<!-- values:start -->';
const END = '<!-- values:end -->';

/** Rows {key, value, doc} of every key with a value, in file order; throws naming undocumented keys. */
export function valuesRows(text) {
  const rows = [];
  const problems = [];
  const path = []; // [{indent, key}]
  let doc = null;
  text.split('\n').forEach((line, i) => {
    const where = `values.yaml:${i + 1}`;
    const trimmed = line.trim();
    if (trimmed === '') {
      doc = null;
      return;
    }
    if (trimmed.startsWith('#')) {
      const body = trimmed.replace(/^#\s?/, '');
      if (body.startsWith('-- ')) doc = [body.slice(3).trim()];
      else if (doc !== null) doc.push(body.trim());
      return;
    }
    if (trimmed.startsWith('- ')) {
      problems.push(`${where}: write lists inline ([a, b]) so the key has one default`);
      return;
    }
    const m = /^(\s*)("[^"]+"|[A-Za-z0-9_.-]+):(?:\s+(.*))?$/.exec(line);
    if (!m) {
      problems.push(`${where}: not a "key: value" line`);
      return;
    }
    const indent = m[1].length;
    const key = m[2].replace(/^"|"$/g, '');
    while (path.length > 0 && path[path.length - 1].indent >= indent) path.pop();
    const full = [...path.map((p) => p.key), key].join('.');
    const value = m[3]?.trim() ?? '';
    if (value === '') {
      if (doc !== null) problems.push(`${where}: ${full} has a block value; document its keys, or write it inline`);
      path.push({ indent, key });
    } else if (doc === null) {
      problems.push(`${where}: ${full} has no "# --" comment`);
    } else {
      rows.push({ key: full, value, doc: doc.join(' ') });
    }
    doc = null;
  });
  if (problems.length > 0) throw new Error(`values.yaml is not documented as helm-docs.mjs expects:\n${problems.join('\n')}`);
  return rows;
}

const cell = (s) => s.replaceAll('|', '\\|');

/** The markdown table of `valuesRows`. */
export function valuesTable(text) {
  const lines = ['| key | default | description |', '|---|---|---|'];
  for (const r of valuesRows(text)) lines.push(`| \`${cell(r.key)}\` | \`${cell(r.value)}\` | ${cell(r.doc)} |`);
  return lines.join('\n');
}

/** `readme` with the text between the markers replaced by the table of `valuesText`. */
export function withTable(readme, valuesText) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`the chart README has no ${START} … ${END} markers`);
  return `${readme.slice(0, a + START.length)}\n\n${valuesTable(valuesText)}\n\n${readme.slice(b)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  try {
    const values = readFileSync(join(CHART, 'values.yaml'), 'utf8');
    const readmePath = join(CHART, 'README.md');
    if (mode === undefined) {
      console.log(valuesTable(values));
    } else if (mode === '--write' || mode === '--check') {
      const readme = readFileSync(readmePath, 'utf8');
      const next = withTable(readme, values);
      if (mode === '--write') {
        if (next !== readme) writeFileSync(readmePath, next);
      } else if (next !== readme) {
        console.error('deploy/helm/herald/README.md: the values table is out of date; run node scripts/helm-docs.mjs --write');
        process.exit(1);
      }
    } else {
      console.error('usage: node scripts/helm-docs.mjs [--write | --check]');
      process.exit(2);
    }
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
