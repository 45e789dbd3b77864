# kfault fmt refuses a file with syntax errors: its diagnostics, as check prints them
want=1
args=(fmt tests/errors/missing-when.fault)
