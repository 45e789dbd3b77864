; SPDX-License-Identifier: MIT
; Highlights of kfault's language, for tree-sitter editors (docs/editors.md).
; Capture names are the common ones (Neovim's and Helix's).

(comment) @comment

[
  "inject"
  "when"
  "returns"
  "function"
] @keyword

[
  "call"
  "headers"
  "header"
  "probability"
  "per"
  "times"
  "nth"
  "duration"
  "schedule"
  "target"
  "with"
] @keyword

(site kind: (identifier) @type.builtin)
(function_site name: (identifier) @function)
(call_statement name: (identifier) @function)
(target_statement kind: (identifier) @constant.builtin)
(target_statement with: (identifier) @constant.builtin)
(probability_statement unit: (identifier) @constant.builtin)
(probability_statement unit: "call" @constant.builtin)

((identifier) @constant.builtin
  (#match? @constant.builtin "^(true|false|NULL|unlimited)$"))
((identifier) @constant
  (#match? @constant "^E[A-Z][A-Z0-9]*$"))

(call_expression function: (identifier) @function.builtin)
(member_expression field: (field_identifier) @property)
(parameter_declaration name: (identifier) @variable.parameter)

[
  "struct"
  "union"
  "enum"
] @keyword

(type_qualifier) @keyword
(primitive_type) @type.builtin
(sized_type) @type.builtin
(type_identifier) @type

(number) @number
(percentage) @number
(duration) @number
(string) @string
(escape_sequence) @string.escape
(char_literal) @character

[
  "||" "&&" "|" "^" "&" "==" "!=" "<" ">" "<=" ">=" "<<" ">>"
  "+" "-" "*" "/" "%" "!" "~" "->"
] @operator

["(" ")" "[" "]" "{" "}"] @punctuation.bracket
["," ";" "."] @punctuation.delimiter
