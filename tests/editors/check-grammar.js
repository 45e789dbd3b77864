#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/*
 * What can be checked of the tree-sitter grammar without tree-sitter-cli
 * (check-tree-sitter runs the CLI): grammar.js loads, with the DSL's
 * functions defined here to record what it builds; every rule it refers to
 * is defined; every word of kfault's lexer (grammar/lexer.l's keywords
 * and type names) is a token of it; and queries/highlights.scm names only
 * nodes, fields and tokens the grammar has (an editor refuses a query that
 * names another).
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
for (const p of problems) console.log(`FAILED: ${p}`);
console.log(`${rules.size} rules, ${strings.size} tokens, ${fields.size} fields; ${words.length + types.length} words of the lexer`);
process.exit(problems.length ? 1 : 0);
