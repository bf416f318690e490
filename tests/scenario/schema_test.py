#!/usr/bin/python3
"""Checks scenario files against scenarios/schema.json.

Usage: schema_test.py SCENARIOS_DIR TEST_SCENARIO_DIR

- The schema itself must be a valid draft 2020-12 schema, and every
  property it declares must carry a "description" (editors show them).
- Every SCENARIOS_DIR/*.json except schema.json (the bundled scenarios)
  must validate against it.
- So must every TEST_SCENARIO_DIR/valid/*.json, if that directory exists.
  TEST_SCENARIO_DIR/invalid/ is not read: many invalid files break rules
  that only metamock --validate can check.

Scenario files may hold // and /* */ comments; they are removed (outside
strings) before the JSON is parsed, as metamock does. A duplicate key is a
failure, as it is for metamock.

Prints `PASS NAME` or `FAIL NAME: reason` per check and ends with
`N passed, M failed`; exits 0 only when nothing failed.
"""

import glob
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
from scenario_comments import strip_comments  # noqa: E402


class ScenarioError(Exception):
    """A file that cannot be turned into a JSON value."""


def reject_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ScenarioError(f'duplicate key "{key}"')
        seen[key] = value
    return seen


def load_scenario(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(strip_comments(text),
                          object_pairs_hook=reject_duplicates)
    except json.JSONDecodeError as e:
        raise ScenarioError(
            f"line {e.lineno} column {e.colno}: {e.msg}") from None
    except ValueError as e:  # an unterminated comment
        raise ScenarioError(str(e)) from None


def pointer(path):
    return "/" + "/".join(str(p) for p in path)


def describe(error, best_match):
    """One line for the most relevant schema error. For a oneOf/anyOf
    (a timeline entry, a role's trust) it descends into the alternative the
    value was meant to be: the one whose "Action" and type match."""
    while error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)

        def cost(errors):
            wrong_kind = any(
                (e.validator == "const" and len(e.relative_path) <= 1) or
                (e.validator == "type" and not e.relative_path)
                for e in errors)
            return (wrong_kind, len(errors))

        chosen = min(branches.values(), key=cost)
        if cost(chosen)[0]:
            break  # no alternative fits: the error as a whole says it best
        error = best_match(chosen)
    return f"{pointer(error.absolute_path)}: {error.message}"


def undescribed_properties(node, at="#"):
    """Pointers of declared properties without a "description" (the
    conditions inside if/then only narrow properties described elsewhere)."""
    missing = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("if", "then", "else", "const", "enum", "default",
                       "examples"):
                continue
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    if not isinstance(sub, dict) or "description" not in sub:
                        missing.append(f"{at}/properties/{name}")
            missing += undescribed_properties(value, f"{at}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            missing += undescribed_properties(value, f"{at}/{i}")
    return missing


def main(argv):
    if len(argv) != 3:
        print("usage: schema_test.py SCENARIOS_DIR TEST_SCENARIO_DIR",
              file=sys.stderr)
        return 2
    scenarios_dir, test_dir = argv[1], argv[2]
    # Names are printed relative to the directory holding both.
    root = os.path.commonpath([os.path.abspath(scenarios_dir),
                               os.path.abspath(test_dir)])

    def shown(path):
        return os.path.relpath(os.path.abspath(path), root)

    passed = 0
    failed = 0

    def report(name, reason=None):
        nonlocal passed, failed
        if reason is None:
            passed += 1
            print(f"PASS {name}", flush=True)
        else:
            failed += 1
            print(f"FAIL {name}: {reason}", flush=True)

    schema_path = os.path.join(scenarios_dir, "schema.json")
    schema_name = shown(schema_path)
    try:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError, best_match
    except ImportError as e:
        report(schema_name, f"cannot import jsonschema ({e}); "
               "apt-get install -y python3-jsonschema")
        print(f"{passed} passed, {failed} failed")
        return 1

    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f, object_pairs_hook=reject_duplicates)
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, ScenarioError) as e:
        report(schema_name, f"cannot read the schema: {e}")
        print(f"{passed} passed, {failed} failed")
        return 1
    except SchemaError as e:
        report(schema_name, f"not a valid draft 2020-12 schema: {e.message}")
        print(f"{passed} passed, {failed} failed")
        return 1
    missing = undescribed_properties(schema)
    if missing:
        report(schema_name, "properties without a description: " +
               ", ".join(missing))
    else:
        report(schema_name)
    validator = Draft202012Validator(schema)

    files = sorted(p for p in glob.glob(os.path.join(scenarios_dir, "*.json"))
                   if os.path.basename(p) != "schema.json")
    if not files:
        report(shown(scenarios_dir), "no scenario files found")
    valid_dir = os.path.join(test_dir, "valid")
    # The directory may be missing, empty, or being filled right now.
    files += sorted(glob.glob(os.path.join(valid_dir, "*.json")))

    for path in files:
        name = shown(path)
        try:
            doc = load_scenario(path)
        except FileNotFoundError:
            # Removed since the listing (someone is editing the directory).
            continue
        except (OSError, UnicodeDecodeError, ScenarioError) as e:
            report(name, str(e))
            continue
        errors = list(validator.iter_errors(doc))
        if not errors:
            report(name)
            continue
        reason = describe(best_match(errors), best_match)
        if len(errors) > 1:
            reason += f" (and {len(errors) - 1} more)"
        report(name, reason)

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
