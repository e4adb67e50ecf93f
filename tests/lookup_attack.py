"""The lookup-table attack of the grading tests: a last notebook cell that defines every graded
function as a lookup of its arguments in a table of references (`{table}` is the JSON table
{function: {key of the arguments: reference}})."""

LOOKUP = """
import json, numpy as np
_TABLE = json.loads({table!r})
def _key(args):
    return repr([round(float(np.sum(np.asarray(a, dtype=float))), 6) for a in args])
def _answer(v):
    if isinstance(v, dict) and "items" in v:
        return tuple(_answer(x) for x in v["items"])
    return np.array(v["array"]) if isinstance(v, dict) else v
def _lookup(name):
    def f(*args):
        return _answer(_TABLE[name].get(_key(args), 0.0))
    return f
for _name in _TABLE:
    globals()[_name] = _lookup(_name)
"""
