"""Comments in scenario files, shared by the Python tools that read them
(tests/scenario/schema_test.py, docs/gen/scenario_reference.py).

Scenario files may hold // and /* */ comments, as metamock accepts; the
JSON parser needs them gone.
"""


def strip_comments(text):
    """Returns `text` with // and /* */ comments outside strings replaced by
    spaces (newlines kept, so JSON error positions stay right)."""
    out = []
    i = 0
    n = len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
            continue
        if c == '"':
            in_string = True
            out.append(c)
            i += 1
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            end = text.find("\n", i)
            if end == -1:
                end = n
            out.append(" " * (end - i))
            i = end
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            if end == -1:
                line = text.count("\n", 0, i) + 1
                raise ValueError(f"line {line}: unterminated /* comment")
            comment = text[i:end + 2]
            out.append("".join(ch if ch == "\n" else " " for ch in comment))
            i = end + 2
            continue
        out.append(c)
        i += 1
    return "".join(out)
