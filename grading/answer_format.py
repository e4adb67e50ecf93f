"""Answers as plain data: how an answer leaves the student's process and how it is compared.

This file's source is used three ways, so it imports nothing but NumPy and defines only
`_af_*` names: `grading/run.py` sends it into the sandbox (the student's process decodes the
fixed inputs and describes its outputs with it), `grading/check_answers.py` imports it to compare
(in a fresh interpreter that never ran student code), and `grading/build.py` writes it into
each hidden otter test (Gradescope and `otter grade` compare inside the student's kernel).

A value (inputs and references, see tools/assignment_cases.py) is a number, {"array": nested
list, "dtype"} or {"items": [value, ...]}. A description (an answer) is {"kind": "number",
"value", "dtype"?}, {"kind": "array", "shape", "data", "dtype"}, {"kind": "items", "items"}, {"kind": "other",
"type"}, {"kind": "error", "error"} or {"kind": "too large", "size"}.
"""

import numpy as np

_AF_MAX_SIZE = 1_000_000  # numbers in one answer; the references hold at most a few thousand


def _af_decode(value):
    """The Python object of a plain value: float, ndarray or tuple."""
    if isinstance(value, dict) and "items" in value:
        return tuple(_af_decode(v) for v in value["items"])
    if isinstance(value, dict):
        return np.array(value["array"], dtype=value["dtype"])
    return float(value)


def _af_describe(x, depth=0):
    """The plain-data description of an answer object (never raises for odd objects)."""
    if isinstance(x, bool | np.bool_):
        return {"kind": "other", "type": "bool"}
    if isinstance(x, int | float):
        return {"kind": "number", "value": float(x)}
    if isinstance(x, np.integer | np.floating) or (
        isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf"
    ):  # a NumPy scalar of any dtype, or a 0-d array: a number, with the dtype it came in
        return {"kind": "number", "value": float(x), "dtype": str(x.dtype)}
    if isinstance(x, np.ndarray) and x.dtype.kind in "iuf":
        if x.size > _AF_MAX_SIZE:
            return {"kind": "too large", "size": int(x.size)}
        return {
            "kind": "array",
            "shape": [int(n) for n in x.shape],
            "data": np.asarray(x, dtype=np.float64).ravel().tolist(),
            "dtype": str(x.dtype),
        }
    if isinstance(x, tuple | list) and depth < 3 and len(x) <= 100:
        return {"kind": "items", "items": [_af_describe(item, depth + 1) for item in x]}
    return {"kind": "other", "type": type(x).__name__}


def _af_match(ref, answer, rtol, atol):
    """'' when the description `answer` matches the reference value `ref`, else why not."""
    kind = answer.get("kind") if isinstance(answer, dict) else None
    if isinstance(ref, dict) and "items" in ref:
        items = answer.get("items") if kind == "items" else None
        if kind == "array" and len(answer["shape"]) == 1:  # an array where a tuple is asked
            items = [{"kind": "number", "value": v} for v in answer["data"]]
        if items is None or len(items) != len(ref["items"]):
            return f"expected {len(ref['items'])} items, got {_af_kind(answer)}"
        for i, (r, a) in enumerate(zip(ref["items"], items, strict=True)):
            why = _af_match(r, a, rtol, atol)
            if why:
                return f"item {i}: {why}"
        return ""
    if isinstance(ref, dict):
        expected = np.array(ref["array"], dtype=np.float64)
        if kind != "array" or tuple(answer["shape"]) != expected.shape:
            return f"expected an array of shape {expected.shape}, got {_af_kind(answer)}"
        got = np.array(answer["data"], dtype=np.float64).reshape(expected.shape)
        if not np.allclose(got, expected, rtol=rtol, atol=atol):
            return "wrong values"
        return ""
    if kind != "number":
        return f"expected a number, got {_af_kind(answer)}"
    if not np.isclose(answer["value"], ref, rtol=rtol, atol=atol):
        return "wrong value"
    return ""


def _af_kind(answer):
    kind = answer.get("kind") if isinstance(answer, dict) else None
    if kind == "array":
        return f"an array of shape {tuple(answer['shape'])}"
    if kind == "items":
        return f"{len(answer['items'])} items"
    if kind == "number":
        return "a number"
    if kind == "error":
        return f"an error ({answer.get('error', '')[:200]})"
    return f"{kind} {answer.get('type', answer.get('size', ''))}".strip()


def _af_check(case, answer):
    """'' when `answer` passes the case (its reference, and for a pair its gap), else why."""
    why = _af_match(case["ref"], answer, case["rtol"], case["atol"])
    if not why and "gap" in case:
        a, b = (
            np.array(item.get("data", item.get("value")), dtype=np.float64)
            for item in answer["items"][:2]
        )
        if np.abs(a - b).max() >= case["gap"]:
            why = f"the two sides differ by more than {case['gap']:g}"
    return why


def _af_lowered(answer):
    """The float dtypes narrower than float64 in a description (a float32 answer is compared at
    its own precision, and the status says so), sorted."""
    kind = answer.get("kind") if isinstance(answer, dict) else None
    if kind == "items":
        return sorted({d for item in answer["items"] for d in _af_lowered(item)})
    dtype = answer.get("dtype", "") if kind in ("number", "array") else ""
    return [dtype] if dtype in ("float16", "float32") else []
