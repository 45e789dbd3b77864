# and one with lexical errors (the lexer carries on: the tree would be whole)
want=1
args=(fmt tests/errors/bad-character.fault)
