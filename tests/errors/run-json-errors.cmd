# kfault run --json of a file with errors: the diagnostics on stderr, and on
# stdout one JSON object that says the run failed before arming (no root, no
# kernel needed: it stops at the compile)
want=1
args=(run --json --comm x tests/errors/unknown-statement.fault)
want_stdout='{"object": "tests/errors/unknown-statement.fault", "armed": false, "stage": "compile", "error": "the file has errors (on stderr)", "exit_status": 1}'
