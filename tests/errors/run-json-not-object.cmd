# kfault run --json of an ELF file that is no kfault object: fails at the open
want=3
args=(run --json --comm x /bin/true)
want_stdout='{"object": "/bin/true", "armed": false, "stage": "open", "error": "not a kfault object (build one with '"'"'kfault build'"'"')", "exit_status": 3}'
