#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/*
 * What can be checked of the tree-sitter grammar without tree-sitter-cli
 * (check-tree-sitter runs the CLI): grammar.js loads, with the DSL's
 * functions defined here to record what it builds; every rule it refers to
 * is defined; every word of kfault's lexer (grammar/lexer.l's keywords
 * and type names) is a token of it; queries/highlights.scm names only
 * nodes, fields and tokens the grammar has (an editor refuses a query that
 * names another); and every example, golden input and formatter test
 * parses with the grammar (an Earley parser below, which accepts what the
 * grammar's rules accept; tree-sitter's own generator also refuses
 * conflicts its precedences leave, which only check-tree-sitter finds).
 *
 *   check-grammar.js SRCDIR
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const src = process.argv[2];
const dir = path.join(src, 'editors/tree-sitter-kfault');
const problems = [];

// The DSL: each function returns a node of the rule's tree, walked below.
const node = (type, a) => ({ type, a });
const prec = (p, r) => node('prec', [r === undefined ? p : r]);
const dsl = {
  seq: (...a) => node('seq', a),
  choice: (...a) => node('choice', a),
  repeat: r => node('repeat', [r]),
  repeat1: r => node('repeat1', [r]),
  optional: r => node('optional', [r]),
  field: (name, r) => Object.assign(node('field', [r]), { name }),
  alias: (r, to) => Object.assign(node('alias', [r]), { to }),
  blank: () => node('blank', []),
  prec: Object.assign(prec, { left: prec, right: prec, dynamic: prec }),
  token: Object.assign(r => node('token', [r]), { immediate: r => node('immediate', [r]) }),
  grammar: g => g,
};
const code = fs.readFileSync(path.join(dir, 'grammar.js'), 'utf8');
const module_ = { exports: {} };
const sandbox = Object.assign({ module: module_, exports: module_.exports, require }, dsl);
vm.createContext(sandbox);
vm.runInContext(code, sandbox, { filename: 'grammar.js' });
const g = module_.exports;
const $ = new Proxy({}, { get: (_, name) => ({ type: 'symbol', name }) });

const strings = new Set();	// anonymous tokens: strings outside token(), or a whole token.immediate()
const named = new Set();	// named aliases
const fields = new Set();
const referenced = new Set();
function walk(r, inToken) {
  if (typeof r === 'string') {
    if (!inToken) strings.add(r);
  } else if (!r || Object.prototype.toString.call(r) === '[object RegExp]') {
    // a pattern
  } else if (r.type === 'symbol') {
    referenced.add(r.name);
  } else {
    if (r.type === 'field') fields.add(r.name);
    if (r.type === 'alias') {
      if (typeof r.to === 'string') strings.add(r.to); else named.add(r.to.name);
    }
    if (r.type === 'immediate' && typeof r.a[0] === 'string') strings.add(r.a[0]);
    for (const x of r.a) walk(x, inToken || r.type === 'token' || r.type === 'immediate');
  }
}
for (const fn of Object.values(g.rules)) walk(fn($), false);
for (const x of g.extras($)) walk(x, false);
const rules = new Set(Object.keys(g.rules));
for (const r of referenced)
  if (!rules.has(r)) problems.push(`grammar.js refers to $.${r}, which is not a rule`);
if (!rules.has(g.word($).name)) problems.push('the word rule is not a rule');

// kfault's words: grammar/lexer.l's keywords and type names
const lexer = fs.readFileSync(path.join(src, 'grammar/lexer.l'), 'utf8');
const words = [...lexer.matchAll(/\{"([A-Za-z_]+)", [A-Z]+\}/g)].map(m => m[1]);
const types = lexer.match(/type_names\[\] = \{([^}]*)\}/)[1].match(/"[^"]+"/g).map(s => s.slice(1, -1));
if (words.length < 20 || types.length < 20) problems.push('grammar/lexer.l: its tables were not found');
for (const w of [...words, ...types])
  if (!strings.has(w)) problems.push(`grammar.js has no token '${w}' (grammar/lexer.l has it)`);

// the query: (node, field:, "token")
const nodes = new Set(['ERROR', ...named, ...[...rules].filter(r => !r.startsWith('_'))]);
const query = fs.readFileSync(path.join(dir, 'queries/highlights.scm'), 'utf8')
  .replace(/^\s*;.*$/gm, '');
for (const m of query.matchAll(/"((?:[^"\\]|\\.)*)"|\(([#A-Za-z_][\w?!-]*)|([A-Za-z_]\w*):/g)) {
  if (m[1] !== undefined) {
    const s = m[1].replace(/\\(.)/g, '$1');
    // a predicate's argument is not a token
    const before = query.slice(0, m.index);
    const open = before.lastIndexOf('(');
    if (before.slice(open).startsWith('(#')) continue;
    if (!strings.has(s)) problems.push(`highlights.scm names the token "${s}", which the grammar does not have`);
  } else if (m[2] !== undefined) {
    if (!m[2].startsWith('#') && !nodes.has(m[2]))
      problems.push(`highlights.scm names the node (${m[2]}), which the grammar does not have`);
  } else if (!fields.has(m[3])) {
    problems.push(`highlights.scm names the field ${m[3]}:, which the grammar does not have`);
  }
}
// ---- every example and golden input parses: an Earley parser over the grammar ----
// The grammar as a context-free one (precedences left out: they choose among
// parses, and here only whether there is one matters), its tokens matched
// where the parser expects them, as tree-sitter's lexer does: after the
// extras (white space, comments) unless immediate, the longest match, and a
// word that is a keyword expected there is not an identifier.
const esc = x => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
function tokenRegex(r) {
  if (typeof r === 'string') return esc(r);
  if (Object.prototype.toString.call(r) === '[object RegExp]') return `(?:${r.source})`;
  const parts = r.a.map(tokenRegex);
  switch (r.type) {
    case 'seq': return parts.join('');
    case 'choice': return `(?:${parts.join('|')})`;
    case 'repeat': return `(?:${parts[0]})*`;
    case 'repeat1': return `(?:${parts[0]})+`;
    case 'optional': return `(?:${parts[0]})?`;
    default: return parts[0];
  }
}
// a token's alternatives, each a sticky regex: the longest match of any wins
function tokenAlternatives(r) {
  while (r.type === 'prec' || r.type === 'token' || r.type === 'immediate') r = r.a[0];
  const alts = r.type === 'choice' ? r.a : [r];
  return alts.map(a => new RegExp(tokenRegex(a), 'y'));
}
const wordRe = new RegExp(g.rules[g.word($).name]($).source, 'y');
const bnf = new Map();		// nonterminal -> alternatives (arrays of symbols)
const terminals = [];		// { res, immediate, keyword }
let aux = 0;
function term(r, immediate) {
  const keyword = typeof r === 'string' && /^[A-Za-z_]\w*$/.test(r) ? r : null;
  terminals.push({ res: tokenAlternatives(r), immediate, keyword });
  return { t: terminals.length - 1 };
}
function sym(r) {
  if (typeof r === 'string' || Object.prototype.toString.call(r) === '[object RegExp]') return term(r, false);
  if (r.type === 'symbol') return { n: r.name };
  if (r.type === 'token') return term(r, false);
  if (r.type === 'immediate') return term(r, true);
  if (r.type === 'field' || r.type === 'alias' || r.type === 'prec') return sym(r.a[0]);
  const name = `~${aux++}`;
  const one = r.a.length ? sym(r.a[0]) : null;
  const self = { n: name };
  switch (r.type) {
    case 'seq': bnf.set(name, [r.a.map(sym)]); break;
    case 'choice': bnf.set(name, r.a.map(x => (x.type === 'blank' ? [] : [sym(x)]))); break;
    case 'optional': bnf.set(name, [[one], []]); break;
    case 'repeat': bnf.set(name, [[], [self, one]]); break;
    case 'repeat1': bnf.set(name, [[one], [self, one]]); break;
    case 'blank': bnf.set(name, [[]]); break;
  }
  return self;
}
for (const [name, fn] of Object.entries(g.rules)) bnf.set(name, [[sym(fn($))]]);
const extras = g.extras($).map(x => (x.type === 'symbol' ? tokenAlternatives(g.rules[x.name]($)) :
  [new RegExp(x.source, 'y')]));
const nullable = new Set();
for (let changed = true; changed;) {
  changed = false;
  for (const [n, alts] of bnf)
    if (!nullable.has(n) && alts.some(a => a.every(s => s.n && nullable.has(s.n)))) {
      nullable.add(n);
      changed = true;
    }
}
function skipExtras(text, i) {
  for (let moved = true; moved;) {
    moved = false;
    for (const alts of extras)
      for (const re of alts) {
        re.lastIndex = i;
        const m = re.exec(text);
        if (m && m[0].length) { i += m[0].length; moved = true; }
      }
  }
  return i;
}
function match(t, text, i, expectedKeywords) {
  const tm = terminals[t];
  const at = tm.immediate ? i : skipExtras(text, i);
  let best = -1;
  for (const re of tm.res) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m && m[0].length > best) best = m[0].length;
  }
  if (best <= 0) return -1;
  wordRe.lastIndex = at;
  const w = wordRe.exec(text);
  const word = w ? w[0] : null;
  if (tm.keyword && word !== tm.keyword) return -1;	// 'inject' is not the start of 'injection'
  if (!tm.keyword && word && word.length === best && expectedKeywords.has(word)) return -1;
  return at + best;
}
// Earley: items [nonterminal, alternative, dot, origin] in sets keyed by byte position
function parses(text) {
  const sets = new Map();
  const todo = [];
  const add = (pos, it) => {
    if (!sets.has(pos)) { sets.set(pos, { items: [], seen: new Set() }); todo.push(pos); }
    const s = sets.get(pos), key = it.join(' ');
    if (!s.seen.has(key)) { s.seen.add(key); s.items.push(it); }
  };
  const start = '^';
  bnf.set(start, [[{ n: 'source_file' }]]);
  add(0, [start, 0, 0, 0]);
  let furthest = 0;
  while (todo.length) {
    todo.sort((a, b) => a - b);
    const pos = todo.shift();
    const s = sets.get(pos);
    furthest = Math.max(furthest, pos);
    const expectedKeywords = new Set();
    for (let k = 0; k < s.items.length; k++) {
      const [n, a, d, o] = s.items[k];
      const rhs = bnf.get(n)[a];
      if (d === rhs.length) {	// complete: advance who waited for n at o
        for (const [n2, a2, d2, o2] of sets.get(o).items) {
          const x = bnf.get(n2)[a2][d2];
          if (x && x.n === n) add(pos, [n2, a2, d2 + 1, o2]);
        }
      } else if (rhs[d].n) {	// predict
        bnf.get(rhs[d].n).forEach((_, a2) => add(pos, [rhs[d].n, a2, 0, pos]));
        if (nullable.has(rhs[d].n)) add(pos, [n, a, d + 1, o]);
      } else if (terminals[rhs[d].t].keyword) {
        expectedKeywords.add(terminals[rhs[d].t].keyword);
      }
    }
    for (const [n, a, d, o] of s.items) {	// scan
      const x = bnf.get(n)[a][d];
      if (x && x.t !== undefined) {
        const end = match(x.t, text, pos, expectedKeywords);
        if (end > pos) add(end, [n, a, d + 1, o]);
      }
    }
  }
  const end = skipExtras(text, 0) === text.length ? 0 : null;
  for (const [pos, s] of sets)
    if (skipExtras(text, pos) === text.length && s.items.some(([n, , d]) => n === start && d === 1))
      return { ok: true };
  void end;
  return { ok: false, at: furthest };
}
const inputs = [];
for (const d of ['examples', 'tests/golden', 'tests/fmt'])
  for (const f of fs.readdirSync(path.join(src, d)).sort())
    if (/\.(fault|expected)$/.test(f) && (d === 'tests/fmt' || f.endsWith('.fault')) && f !== 'bom.fault')
      inputs.push(path.join(d, f));
let parsed = 0;
for (const f of inputs) {
  const text = fs.readFileSync(path.join(src, f), 'utf8');
  const r = parses(text);
  if (r.ok) {
    parsed++;
  } else {
    const line = text.slice(0, r.at).split('\n').length;
    problems.push(`${f} does not parse with the grammar: stuck after line ${line}, ` +
      `'${text.slice(r.at, r.at + 30).replace(/\n/g, '\\n')}'`);
  }
}
console.log(`${parsed} of ${inputs.length} examples, golden inputs and formatter tests parse with the grammar`);
if (inputs.length < 20) problems.push(`only ${inputs.length} inputs found`);

for (const p of problems) console.log(`FAILED: ${p}`);
console.log(`${rules.size} rules, ${strings.size} tokens, ${fields.size} fields; ${words.length + types.length} words of the lexer`);
process.exit(problems.length ? 1 : 0);
