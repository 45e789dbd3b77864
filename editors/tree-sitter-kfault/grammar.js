/**
 * SPDX-License-Identifier: MIT
 * A tree-sitter grammar of kfault's language (.fault files), for editors
 * that highlight with tree-sitter (Neovim, Helix...): docs/editors.md.
 *
 * It follows grammar/parser.y (docs/language.md) but, as an editor's
 * grammar, accepts a little more than kfault does (any word as a site or a
 * target kind, any value after a statement): kfault check says what is
 * wrong with those. Comments are extras, as kfault's lexer skips them.
 * tests/editors/check-tree-sitter parses every example and golden input
 * with it and wants no ERROR or MISSING node.
 */

const PREC = {
  OR: 1, AND: 2, BITOR: 3, BITXOR: 4, BITAND: 5, EQUAL: 6, RELATIONAL: 7,
  SHIFT: 8, ADD: 9, MULTIPLY: 10, UNARY: 11, CAST: 11, POSTFIX: 12,
};

// The kernel typedefs a cast may name without 'struct' (grammar/lexer.l's type_names).
const TYPE_NAMES = [
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64',
  '__u8', '__u16', '__u32', '__u64', '__s8', '__s16', '__s32', '__s64',
  'bool', 'size_t', 'ssize_t', 'gfp_t', 'loff_t', 'pid_t', 'uid_t', 'gid_t',
  'umode_t', 'dev_t', 'sector_t', 'blk_opf_t', 'uintptr_t', 'fmode_t',
  'atomic_t', 'atomic64_t', 'phys_addr_t', 'dma_addr_t', 'slab_flags_t',
];

const BUILTIN_WORDS = ['unsigned', 'signed', 'int', 'long', 'short', 'char', 'void', '_Bool'];

function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

module.exports = grammar({
  name: 'kfault',

  extras: $ => [/\s/, $.comment],

  word: $ => $.identifier,

  rules: {
    source_file: $ => repeat($.injection),

    // injection = "inject" site [ "when" expr ] "{" { stmt } "}"
    injection: $ => seq(
      'inject',
      choice($.site, $.function_site),
      optional(field('predicate', $.when_clause)),
      field('body', $.block),
    ),

    // slab, page, bio (kfault check knows which words are sites)
    site: $ => seq(
      field('kind', $.identifier),
      optional(seq('returns', field('returns', $._value))),
    ),

    function_site: $ => seq(
      'function',
      field('name', $.identifier),
      optional(field('parameters', $.parameter_list)),
      optional(seq('returns', field('returns', $._value))),
    ),

    when_clause: $ => seq('when', $._expression),

    block: $ => seq('{', repeat(choice($._statement, ';')), '}'),

    _statement: $ => choice(
      $.headers_statement,
      $.call_statement,
      $.probability_statement,
      $.times_statement,
      $.nth_statement,
      $.duration_statement,
      $.schedule_statement,
      $.target_statement,
    ),

    headers_statement: $ => seq(
      choice('headers', 'header'),
      $.string,
      repeat(seq(optional(','), $.string)),
    ),

    // call = "call" NAME [ params ] [ "when" expr ]
    call_statement: $ => seq(
      'call',
      field('name', $.identifier),
      optional(field('parameters', $.parameter_list)),
      optional(field('predicate', $.when_clause)),
    ),

    probability_statement: $ => seq(
      'probability',
      field('value', $._value),
      optional(seq('per', field('unit', choice('call', $.identifier)))),
    ),

    times_statement: $ => seq('times', field('value', $._value)),
    nth_statement: $ => seq('nth', field('value', $._value)),
    duration_statement: $ => seq('duration', field('value', $._value)),
    schedule_statement: $ => seq('schedule', field('value', $._value)),

    // target pid N [with children] | target comm "NAME" | target cgroup "PATH"
    target_statement: $ => seq(
      'target',
      field('kind', $.identifier),
      field('value', $._value),
      optional(seq('with', field('with', $.identifier))),
    ),

    // A statement's value: a number, a percentage, a duration, a string, a word.
    _value: $ => choice(
      $.number,
      $.negative_value,
      $.percentage,
      $.duration,
      $.string,
      $.identifier,
    ),

    negative_value: $ => seq('-', choice($.number, $.percentage, $.duration, $.identifier)),

    percentage: $ => seq($.number, '%'),

    // C parameter declarations: (struct dentry *parent, const struct qstr *name)
    parameter_list: $ => seq('(', optional(commaSep1($.parameter_declaration)), ')'),

    parameter_declaration: $ => seq(
      repeat($.type_qualifier),
      field('type', choice($._type_specifier, alias($.identifier, $.type_identifier))),
      repeat($.type_qualifier),
      repeat($.pointer),
      optional(seq(
        field('name', $.identifier),
        optional(seq('[', field('size', $.number), ']')),
      )),
    ),

    type_qualifier: _ => choice('const', 'volatile'),

    pointer: $ => prec.left(seq('*', repeat($.type_qualifier))),

    _type_specifier: $ => choice($.struct_specifier, $.primitive_type, $.sized_type),

    struct_specifier: $ => seq(
      choice('struct', 'union', 'enum'),
      field('name', choice(alias($.identifier, $.type_identifier), $.primitive_type)),
    ),

    primitive_type: _ => choice(...TYPE_NAMES),

    sized_type: _ => prec.left(repeat1(choice(...BUILTIN_WORDS))),

    type_descriptor: $ => seq(
      repeat($.type_qualifier),
      field('type', $._type_specifier),
      repeat($.type_qualifier),
      repeat($.pointer),
    ),

    // Predicates: C's expressions, with C's precedence.
    _expression: $ => choice(
      $.binary_expression,
      $.unary_expression,
      $.cast_expression,
      $.call_expression,
      $.member_expression,
      $.index_expression,
      $.parenthesized_expression,
      $.identifier,
      $.number,
      $.char_literal,
      $.string,
    ),

    binary_expression: $ => {
      const table = [
        ['||', PREC.OR], ['&&', PREC.AND], ['|', PREC.BITOR], ['^', PREC.BITXOR],
        ['&', PREC.BITAND], ['==', PREC.EQUAL], ['!=', PREC.EQUAL],
        ['<', PREC.RELATIONAL], ['>', PREC.RELATIONAL], ['<=', PREC.RELATIONAL],
        ['>=', PREC.RELATIONAL], ['<<', PREC.SHIFT], ['>>', PREC.SHIFT],
        ['+', PREC.ADD], ['-', PREC.ADD], ['*', PREC.MULTIPLY], ['/', PREC.MULTIPLY],
        ['%', PREC.MULTIPLY],
      ];
      return choice(...table.map(([op, p]) => prec.left(p, seq(
        field('left', $._expression),
        field('operator', op),
        field('right', $._expression),
      ))));
    },

    unary_expression: $ => prec.left(PREC.UNARY, seq(
      field('operator', choice('-', '+', '!', '~', '*', '&')),
      field('argument', $._expression),
    )),

    cast_expression: $ => prec(PREC.CAST, seq(
      '(',
      field('type', $.type_descriptor),
      ')',
      field('value', $._expression),
    )),

    // STRNCMP(s, "lit", n), STRCMP(s, "lit")
    call_expression: $ => prec(PREC.POSTFIX, seq(
      field('function', $.identifier),
      '(',
      optional(commaSep1($._expression)),
      ')',
    )),

    member_expression: $ => prec(PREC.POSTFIX, seq(
      field('argument', $._expression),
      field('operator', choice('.', '->')),
      field('field', alias($.identifier, $.field_identifier)),
    )),

    index_expression: $ => prec(PREC.POSTFIX, seq(
      field('argument', $._expression),
      '[',
      field('index', $._expression),
      ']',
    )),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,

    // 42, 0x1f, 10ul, 0.5
    number: _ => token(choice(
      /0[xX][0-9a-fA-F]+([uU](l|L|ll|LL)?|(l|L|ll|LL)[uU]?)?/,
      /[0-9]+([uU](l|L|ll|LL)?|(l|L|ll|LL)[uU]?)?/,
      /[0-9]*\.[0-9]+/,
    )),

    // 500ms, 30s, 1h30m, 1.5h, 2d
    duration: _ => token(/([0-9]+(\.[0-9]+)?(ms|s|m|h|d))+/),

    string: $ => seq(
      '"',
      repeat(choice(token.immediate(prec(1, /[^"\\\n]+/)), $.escape_sequence)),
      token.immediate('"'),
    ),

    escape_sequence: _ => token.immediate(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.|\n)/),

    char_literal: _ => token(seq("'", choice(/[^'\\\n]/, /\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/), "'")),

    comment: _ => token(choice(
      seq('#', /.*/),
      seq('//', /.*/),
      seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'),
    )),
  },
});
