"""Print, as JSON, the GraphQL operations a Python module defines as module-level strings.

Evaluated from the source (ast), not imported: the spawner's imports (JupyterHub, tornado) need not be
installed for the CLI's tests. Only plain strings and f-strings over earlier such constants are read.
"""

import ast
import json
import sys

constants = {}
operations = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        if not isinstance(node.value, (ast.Constant, ast.JoinedStr)):
            continue
        value = eval(compile(ast.Expression(node.value), path, "eval"), {"__builtins__": {}}, dict(constants))
        if not isinstance(value, str):
            continue
        constants[node.targets[0].id] = value
        if value.lstrip().startswith(("query", "mutation", "subscription")):
            operations[f"{path}:{node.targets[0].id}"] = value
json.dump(operations, sys.stdout)
