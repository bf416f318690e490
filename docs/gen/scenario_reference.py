#!/usr/bin/python3
"""Generates docs/scenario-reference.md from the bundled scenarios, the
scenario schema and the wire.

Usage:
  scenario_reference.py --check  --metamock PATH   exit 1 with a unified diff
                                                   when the page is out of date
  scenario_reference.py --update --metamock PATH   rewrite the page
  scenario_reference.py --print  --metamock PATH   print the page to stdout

For every bundled scenario (scenarios/*.json but schema.json) the page shows
its description, the guide named by the file's first line (a `//` comment:
"// IAM guide: ..." or "// ECS guide: ..."; another first line is shown as
a note), its timeline, the compatibility-matrix sections that list it, and
what a client sees: the real binary is started with
`--scenario NAME --listen 127.0.0.1:0 --seed 1 --quiet`, and at the start and
after every instant the scenario makes interesting (each timeline time, the
rotation after the last one, the ECS uninitialized window, the ends of
rotation delays and the expiry they cause, fault windows) the generator
fetches an IMDSv2 token, iam/info, iam/security-credentials/ and the role's
document, and, for scenarios with ECS tasks or EKS pods, the container
credentials named by GET /_metamock/env?for=ecs / ?for=eks. The clock is
moved with POST /_metamock/clock {"set": ...}. Only statuses, codes,
messages and times relative to the scenario's start S are shown: never a
key, a secret, a session token or an IMDSv2 token, and never a wall-clock
time, so the page is the same on every run. Then a field reference: every
property of scenarios/schema.json, with its type, default and description.

Safety: metamock listens on 127.0.0.1 only, and every request goes to the
127.0.0.1 port it printed (http.client, no proxy, no redirects followed).
Nothing else is contacted. metamock's environment is cleared of METAMOCK_*
and ECS_TASK_METADATA_RPS_LIMIT, which would change what it serves.

Stdlib only; runs on Debian's /usr/bin/python3.
"""

import argparse
import concurrent.futures
import datetime
import difflib
import glob
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
from scenario_comments import strip_comments  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUTPUT = os.path.join("docs", "scenario-reference.md")

SEED = "1"
STARTUP_TIMEOUT_S = 15
# A request that gets no answer within this long is shown as "no answer"
# (the scenario hangs it); a live answer takes milliseconds.
NO_ANSWER_TIMEOUT_S = 3
# Virtual seconds added to every clock "set", so that everything due at the
# observed instant has certainly been applied: the clock reports S to the
# second only.
SET_MARGIN_S = 1
IMDS_TOKEN_TTL = "21600"
BURST = 30

GUIDES = {
    "IAM": ("Troubleshooting IAM and Amazon EC2",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "troubleshoot_iam-ec2.html"),
    "ECS": ("Troubleshooting IAM roles for tasks",
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
            "troubleshoot-task-iam-roles.html"),
}
GUIDE_LINE = re.compile(r"^//\s*(IAM|ECS) guide:\s*(.+?)\s*$")

IMDS_IAM = "/latest/meta-data/iam/"
# Timeline actions after which GET /_metamock/iam is shown (profile ids).
PROFILE_ACTIONS = {"CreateInstanceProfile", "DeleteInstanceProfile",
                   "AssociateIamInstanceProfile",
                   "DisassociateIamInstanceProfile",
                   "ReplaceIamInstanceProfileAssociation"}


class GenerationError(Exception):
    """Something the page cannot be generated without."""


# --- scenario files -----------------------------------------------------------

def load_scenarios(root):
    scenarios = []
    for path in sorted(glob.glob(os.path.join(root, "scenarios", "*.json"))):
        if os.path.basename(path) == "schema.json":
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        rel = os.path.relpath(path, root)
        first = text.split("\n", 1)[0].rstrip()
        if not first.startswith("//"):
            raise GenerationError(
                f"{rel}: the first line must be a // comment naming the guide "
                "(\"// IAM guide: ...\", \"// ECS guide: ...\") or saying "
                "what the scenario shows")
        try:
            doc = json.loads(strip_comments(text))
        except json.JSONDecodeError as e:
            raise GenerationError(f"{rel}:{e.lineno}:{e.colno}: {e.msg}")
        except ValueError as e:  # an unterminated comment
            raise GenerationError(f"{rel}: {e}")
        name = doc.get("name")
        if name != os.path.splitext(os.path.basename(path))[0]:
            raise GenerationError(f"{rel}: \"name\" is {name!r}")
        scenarios.append({"name": name, "path": rel, "doc": doc,
                          "first_line": first})
    if not scenarios:
        raise GenerationError("no bundled scenarios in scenarios/")
    return scenarios


# --- durations and times ------------------------------------------------------

_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|ms|s|m|h)")


def parse_duration(text):
    """Seconds in a Go/absl duration such as "6h20m", "0s", "300ms"."""
    s = text.strip()
    if s.startswith("+"):
        s = s[1:]
    if s == "0":
        return 0.0
    total = 0.0
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m:
            raise GenerationError(f"not a duration: {text!r}")
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos == 0:
        raise GenerationError(f"not a duration: {text!r}")
    return total


def offset(seconds):
    """ "+0", "+5m", "+6h20m", "+90s" -> for a whole number of seconds."""
    seconds = int(round(seconds))
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    if seconds == 0:
        return "+0"
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    parts = []
    if h:
        parts.append(f"{h}h")
    if m:
        parts.append(f"{m}m")
    if s:
        parts.append(f"{s}s")
    return sign + "".join(parts)


_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$")


def parse_time(text):
    """A "...Z" timestamp, truncated to the second (metamock prints S to the
    second, so differences to it are whole seconds)."""
    m = _TIME.match(text or "")
    if not m:
        raise GenerationError(f"not a ...Z timestamp: {text!r}")
    return datetime.datetime(*map(int, m.groups()[:6]),
                             tzinfo=datetime.timezone.utc)


def format_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def observation_times(doc):
    """Offsets (seconds from S) at which a client's view is shown, each with
    why: the start, every timeline time, the rotation after the last timeline
    time, the end of the ECS uninitialized window, the ends of rotation delays
    (and the expiry of the set a delay holds back), fault windows."""
    times = {0.0: ["start"]}

    def add(t, why):
        if t > 0:
            times.setdefault(t, [])
            if why not in times[t]:
                times[t].append(why)

    creds = doc.get("credentials") or {}
    rotation = parse_duration(creds.get("rotation", "1h"))
    lifetime = parse_duration(creds.get("lifetime", "6h"))
    timeline = doc.get("timeline") or []
    for entry in timeline:
        add(parse_duration(entry["at"]), "timeline")
    if timeline:
        last = max(parse_duration(e["at"]) for e in timeline)
        add((int(last // rotation) + 1) * rotation, "next rotation")
    for delay in creds.get("delays") or []:
        start = parse_duration(delay["from"])
        until = parse_duration(delay["until"])
        issued = (start // rotation) * rotation
        if issued + lifetime < until:
            add(issued + lifetime, "served set expires")
        add(until, "delayed set issued")
    ecs = doc.get("ecs") or {}
    if ecs.get("uninitialized_for"):
        add(parse_duration(ecs["uninitialized_for"]), "agent initialized")
    for rule in doc.get("faults") or []:
        for key in ("from", "until"):
            if rule.get(key):
                add(parse_duration(rule[key]), f"fault {key}")
    return sorted(times.items())


# --- talking to metamock ------------------------------------------------------

class Answer:
    def __init__(self, status=None, headers=None, body=b""):
        self.status = status      # None: no answer (timeout, reset, close)
        self.headers = headers or {}
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def text(self):
        return self.body.decode("utf-8", "replace")


class Metamock:
    """One metamock process on 127.0.0.1:0."""

    def __init__(self, binary, scenario):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("METAMOCK_")
               and k != "ECS_TASK_METADATA_RPS_LIMIT"}
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [binary, "--scenario", scenario, "--listen", "127.0.0.1:0",
             "--seed", SEED, "--quiet"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self.stderr, env=env)
        line = self._first_line()
        m = re.match(r"^listening on http://127\.0\.0\.1:(\d+)$", line)
        if not m:
            self.stop()
            self.stderr.seek(0)
            err = self.stderr.read().decode("utf-8", "replace")[:2000]
            raise GenerationError(
                f"metamock --scenario {scenario}: expected 'listening on "
                f"http://127.0.0.1:PORT' first, got {line!r}; stderr: {err}")
        self.port = int(m.group(1))

    def _first_line(self):
        box = []
        reader = threading.Thread(
            target=lambda: box.append(self.proc.stdout.readline()),
            daemon=True)
        reader.start()
        reader.join(STARTUP_TIMEOUT_S)
        return box[0].decode("utf-8", "replace").strip() if box else ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()

    def request(self, method, path, headers=None, body=None,
                timeout=NO_ANSWER_TIMEOUT_S):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Answer(resp.status, dict(resp.getheaders()), resp.read())
        except (OSError, http.client.HTTPException):
            return Answer()
        finally:
            conn.close()

    def control(self, method, path, payload=None):
        body = None if payload is None else json.dumps(payload)
        headers = {"Content-Type": "application/json"} if body else {}
        answer = self.request(method, "/_metamock/" + path, headers, body,
                              timeout=30)
        value = answer.json()
        if answer.status != 200 or not isinstance(value, dict):
            raise GenerationError(
                f"{method} /_metamock/{path} answered {answer.status}: "
                f"{answer.text()[:500]}")
        return value


# --- what a client sees, summarised -------------------------------------------

def code(text):
    """Inline code (cell() escapes the table's pipes)."""
    return "`" + str(text).replace("`", "'") + "`"


def one_line(text, limit=120):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class Observer:
    def __init__(self, mm, start):
        self.mm = mm
        self.start = start          # S, to the second
        self.now = 0                # the observed instant, seconds from S

    def rel(self, stamp, past_mark=False):
        """A timestamp as an offset from S; with past_mark, "(past)" when it
        is not after the observed instant."""
        m = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?Z$", stamp or "")
        if not m:
            return code(stamp)
        # EKS prints nanoseconds: keep the whole seconds.
        seconds = (parse_time(m.group(1) + "Z") - self.start).total_seconds()
        text = offset(seconds)
        if past_mark and seconds <= self.now:
            text += " (past)"
        return text

    def status(self, answer):
        return "no answer" if answer.status is None else str(answer.status)

    def generic(self, answer):
        """What a non-JSON answer says."""
        if answer.status is None:
            return "no answer: the client times out"
        text = answer.text()
        if not text.strip():
            return "empty body"
        m = re.search(r"<title>([^<]*)</title>", text)
        if m:
            return f"XHTML page {code(m.group(1))}"
        value = answer.json()
        if isinstance(value, dict):
            if "code" in value or "message" in value:
                return ", ".join(f"{k} {code(value[k])}"
                                 for k in ("code", "message") if k in value)
        return code(one_line(text))

    def imds(self, token, path):
        headers = {"X-aws-ec2-metadata-token": token} if token else {}
        return self.mm.request("GET", path, headers)

    def iam_info(self, answer):
        value = answer.json() if answer.status == 200 else None
        if not isinstance(value, dict):
            return self.generic(answer)
        parts = [f"Code {code(value.get('Code'))}"]
        if "Message" in value:
            parts.append(f"Message {code(value['Message'])}")
        if "InstanceProfileId" in value:
            parts.append(f"InstanceProfileId {code(value['InstanceProfileId'])}")
        return ", ".join(parts)

    def credentials_document(self, answer):
        value = answer.json() if answer.status == 200 else None
        if not isinstance(value, dict):
            return self.generic(answer)
        parts = []
        if "Code" in value:
            parts.append(f"Code {code(value['Code'])}")
        if "Message" in value:
            parts.append(f"Message {code(value['Message'])}")
        if "Type" in value:
            parts.append(f"Type {code(value['Type'])}")
        if "RoleArn" in value:
            parts.append(f"RoleArn {code(value['RoleArn'])}")
        if "AccountId" in value:
            parts.append(f"AccountId {code(value['AccountId'])}")
        if "AccessKeyId" in value:
            key = str(value["AccessKeyId"])
            parts.append(f"AccessKeyId {code(key[:4] + '…')}")
        if "LastUpdated" in value:
            parts.append(f"LastUpdated {self.rel(value['LastUpdated'])}")
        if "Expiration" in value:
            parts.append(
                f"Expiration {self.rel(value['Expiration'], past_mark=True)}")
        return ", ".join(parts)

    def container(self, answer):
        value = answer.json() if answer.status == 200 else None
        if isinstance(value, dict) and "AccessKeyId" in value:
            return self.credentials_document(answer)
        return self.generic(answer)

    def env(self, which):
        return self.mm.control("GET", f"env?for={which}")

    def at(self, doc, first):
        """Rows (request, status, what) for one instant."""
        rows = []
        token_answer = self.mm.request(
            "PUT", "/latest/api/token",
            {"X-aws-ec2-metadata-token-ttl-seconds": IMDS_TOKEN_TTL})
        token = None
        if token_answer.status == 200:
            token = token_answer.text()
            what = f"a session token (TTL {IMDS_TOKEN_TTL} s, not shown)"
        else:
            what = self.generic(token_answer)
            if token_answer.status is None:
                what += "; the next requests go without a token (IMDSv1)"
        rows.append(("`PUT /latest/api/token`", self.status(token_answer),
                     what))

        info = self.imds(token, IMDS_IAM + "info")
        rows.append((code("GET " + IMDS_IAM + "info"), self.status(info),
                     self.iam_info(info)))

        listing = self.imds(token, IMDS_IAM + "security-credentials/")
        roles = []
        if listing.status == 200:
            roles = [r for r in listing.text().split("\n") if r]
            what = ", ".join(code(r) for r in roles) or "empty"
        else:
            what = self.generic(listing)
        rows.append((code("GET " + IMDS_IAM + "security-credentials/"),
                     self.status(listing), what))

        if not roles:
            # Show what the role the profile declares gets.
            declared = (doc.get("instance_profile") or {}).get("role")
            roles = [declared] if declared else []
        for role in roles:
            path = IMDS_IAM + "security-credentials/" + role
            answer = self.imds(token, path)
            rows.append((code("GET " + path), self.status(answer),
                         self.credentials_document(answer)))

        if any(e["Action"] in PROFILE_ACTIONS
               for e in doc.get("timeline") or []):
            rows.append(self.iam_world())

        if (doc.get("ecs") or {}).get("tasks"):
            env = self.env("ecs")
            if first:
                rows.append(("`GET /_metamock/env?for=ecs`", "200",
                             "variables " + ", ".join(
                                 code(k) for k in sorted(env))))
            uri = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            path = None
            if uri:
                path = self.loopback_path(uri)
            elif doc["ecs"]["tasks"][0].get("credential_id"):
                # The agent injects no variable: ask for the task's id as a
                # client that knew it would.
                path = ("/v2/credentials/" +
                        doc["ecs"]["tasks"][0]["credential_id"])
            if path:
                answer = self.mm.request("GET", path)
                rows.append((code("GET " + path), self.status(answer),
                             self.container(answer)))

        if (doc.get("eks") or {}).get("pods"):
            env = self.env("eks")
            if first:
                rows.append(("`GET /_metamock/env?for=eks`", "200",
                             "variables " + ", ".join(
                                 code(k) for k in sorted(env))))
            uri = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            pod_token = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
            if uri:
                path = self.loopback_path(uri)
                if first:
                    answer = self.mm.request("GET", path)
                    rows.append((code("GET " + path) + " without Authorization",
                                 self.status(answer), self.container(answer)))
                answer = self.mm.request(
                    "GET", path,
                    {"Authorization": pod_token} if pod_token else {})
                rows.append((code("GET " + path) + " with the pod's token",
                             self.status(answer), self.container(answer)))
        return rows

    def iam_world(self):
        """GET /_metamock/iam: the profiles' ids and the id the instance
        holds, as GetInstanceProfile and DescribeInstances would show."""
        world = self.mm.control("GET", "iam")
        parts = []
        for profile in world.get("InstanceProfiles") or []:
            parts.append(f"profile {code(profile.get('InstanceProfileName'))}"
                         f" has InstanceProfileId "
                         f"{code(profile.get('InstanceProfileId'))}")
        if not parts:
            parts.append("no instance profile")
        instance = world.get("Instance") or {}
        held = instance.get("IamInstanceProfileId")
        parts.append("the instance's IamInstanceProfileId is " +
                     (code(held) if held else "none"))
        return ("`GET /_metamock/iam`", "200", "; ".join(parts))

    def loopback_path(self, uri):
        prefix = f"http://127.0.0.1:{self.mm.port}/"
        if not uri.startswith(prefix):
            raise GenerationError(f"env gave a non-loopback URI: {uri}")
        return "/" + uri[len(prefix):]

    def bursts(self, doc):
        """For throttled scenarios: what a client that sends BURST requests
        at once sees first after the throttle's burst."""
        rows = []
        if (doc.get("imds") or {}).get("throttle"):
            rows.append(self.burst("PUT", "/latest/api/token",
                                   {"X-aws-ec2-metadata-token-ttl-seconds":
                                    IMDS_TOKEN_TTL}))
        if (doc.get("ecs") or {}).get("throttle"):
            env = self.env("ecs")
            uri = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            if uri:
                rows.append(self.burst("GET", self.loopback_path(uri), {}))
        return rows

    def burst(self, method, path, headers):
        first_refusal = None
        for _ in range(BURST):
            answer = self.mm.request(method, path, headers)
            if answer.status != 200:
                first_refusal = answer
                break
        if first_refusal is None:
            return (f"{code(method + ' ' + path)} ×{BURST} at once",
                    "200", "every request answered")
        return (f"{code(method + ' ' + path)} ×{BURST} at once",
                self.status(first_refusal),
                "the first refused: " + self.generic(first_refusal))


def observe(binary, scenario):
    """The table rows for one scenario: (at, request, status, what)."""
    mm = Metamock(binary, scenario["name"])
    try:
        clock = mm.control("GET", "clock")
        start = parse_time(clock["start"])
        observer = Observer(mm, start)
        out = []
        previous = None
        times = observation_times(scenario["doc"])
        for index, (t, _why) in enumerate(times):
            if t > 0:
                mm.control("POST", "clock", {
                    "set": format_time(start + datetime.timedelta(
                        seconds=t + SET_MARGIN_S))})
                observer.now = t + SET_MARGIN_S
            rows = observer.at(scenario["doc"], first=index == 0)
            # Rows shown only at the start (the env, a request without the
            # pod's token) are left out of the comparison.
            repeated = [r for r in rows if not r[0].startswith(
                "`GET /_metamock/env") and "without Authorization" not in r[0]]
            if repeated == previous:
                out.append((offset(t), "the same requests", "",
                            "the same answers as above"))
                continue
            previous = repeated
            for i, row in enumerate(rows):
                out.append((offset(t) if i == 0 else "",) + row)
        for i, row in enumerate(observer.bursts(scenario["doc"])):
            out.append((offset(times[-1][0]) if i == 0 else "",) + row)
        return out
    finally:
        mm.stop()


# --- the compatibility matrix -------------------------------------------------

def anchor(heading):
    """GitHub's anchor for a heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def matrix_sections(root):
    """{scenario name: [(heading, anchor)]} from docs/compatibility.md: the
    sections whose case table has a row for the scenario."""
    path = os.path.join(root, "docs", "compatibility.md")
    found = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError:
        return found
    heading = None
    for line in lines:
        if line.startswith("## "):
            heading = line[3:].strip()
            continue
        m = re.match(r"^\| ([a-z0-9][a-z0-9._-]*)(?: |,|$)", line)
        if heading and m:
            entry = (heading, anchor(heading))
            found.setdefault(m.group(1), [])
            if entry not in found[m.group(1)]:
                found[m.group(1)].append(entry)
    return found


# --- the schema ---------------------------------------------------------------

def resolve(schema, node):
    """(node with its $ref resolved, def name or None). Keys next to $ref
    (a description) win over the referenced definition's."""
    name = None
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/$defs/") or ref in seen:
            break
        seen.add(ref)
        name = ref[len("#/$defs/"):]
        target = schema["$defs"][name]
        merged = dict(target)
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        node = merged
    return node, name


def type_of(schema, node):
    node, name = resolve(schema, node)
    if name == "duration":
        return "duration"
    if "const" in node:
        return code(json.dumps(node["const"]))
    if "enum" in node:
        values = [code(json.dumps(v)) for v in node["enum"]]
        if len(values) <= 2:
            return " or ".join(values)
        return "one of " + ", ".join(values)
    types = node.get("type")
    if isinstance(types, str):
        types = [types]
    if types:
        shown = []
        for t in types:
            if t == "array" and isinstance(node.get("items"), dict):
                shown.append("list of " + plural(type_of(schema,
                                                         node["items"])))
            elif t == "object" and isinstance(
                    node.get("additionalProperties"), dict) and not node.get(
                        "properties"):
                shown.append("object of " + plural(type_of(
                    schema, node["additionalProperties"])))
            else:
                shown.append(t)
        return " or ".join(shown)
    for key in ("oneOf", "anyOf"):
        if key in node:
            alts = []
            for alt in node[key]:
                t = type_of(schema, alt)
                if t not in alts:
                    alts.append(t)
            return " or ".join(alts)
    return "any"


def plural(t):
    return {"string": "strings", "object": "objects", "number": "numbers",
            "integer": "integers", "boolean": "booleans"}.get(t, t)


def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


class FieldTables:
    """One table per object in the schema: its properties, their types,
    defaults and descriptions. An object met again at another path (a trust
    policy under roles[] and under UpdateAssumeRolePolicy) gets one table,
    which names every path."""

    def __init__(self, schema):
        self.schema = schema
        self.tables = []      # [paths, intro, rows]
        self.seen = {}        # the properties, as JSON -> table

    def walk(self, node, path, intro=None):
        node, _ = resolve(self.schema, node)
        if not isinstance(node, dict):
            return
        props = node.get("properties")
        if isinstance(props, dict) and props:
            key = json.dumps(props, sort_keys=True)
            if key in self.seen:
                if path not in self.seen[key][0]:
                    self.seen[key][0].append(path)
                return
            required = set(node.get("required") or [])
            rows = []
            for name, sub in props.items():
                resolved, _ = resolve(self.schema, sub)
                default = ("" if "default" not in resolved
                           else code(json.dumps(resolved["default"])))
                rows.append((code(name) + (" (required)"
                                           if name in required else ""),
                             type_of(self.schema, sub), default,
                             resolved.get("description", "")))
            table = [[path], intro or node.get("description"), rows]
            self.seen[key] = table
            self.tables.append(table)
            for name, sub in props.items():
                self.walk_value(sub, f"{path}.{name}" if path else name)
        self.walk_alternatives(node, path)

    def walk_value(self, sub, path):
        resolved, _ = resolve(self.schema, sub)
        if not isinstance(resolved, dict):
            return
        if resolved.get("properties"):
            self.walk(resolved, path)
        else:
            self.walk_alternatives(resolved, path)
        items = resolved.get("items")
        if isinstance(items, dict):
            self.walk_value(items, path + "[]")
        extra = resolved.get("additionalProperties")
        if isinstance(extra, dict) and not resolved.get("properties"):
            self.walk_value(extra, path + ".*")

    def walk_alternatives(self, node, path):
        for key in ("oneOf", "anyOf"):
            for alt in node.get(key) or []:
                resolved, name = resolve(self.schema, alt)
                if not isinstance(resolved, dict):
                    continue
                if resolved.get("properties"):
                    self.walk(resolved, f"{path} ({self.label(resolved, name)})",
                              resolved.get("description"))
                else:
                    self.walk_value(resolved, path)

    @staticmethod
    def label(node, def_name):
        """How one shape of a value that has several is named."""
        if node.get("title"):
            return node["title"]
        if def_name:
            # policyDocumentObject -> policy document object
            return re.sub(r"(?<!^)([A-Z])", r" \1", def_name).lower()
        required = node.get("required")
        if not required:
            # {"anyOf": [{"required": ["status"]}, {"required": ["preset"]}]}
            alternatives = [" and ".join(a["required"])
                            for a in node.get("anyOf") or []
                            if isinstance(a, dict) and a.get("required")]
            if alternatives:
                return "with " + " or ".join(alternatives)
            required = list(node["properties"])
        return "with " + ", ".join(required)


def field_reference(schema):
    tables = FieldTables(schema)
    tables.walk(schema, "")
    out = []
    for paths, intro, rows in tables.tables:
        out.append(f"### {paths[0] or 'Top level'}")
        out.append("")
        if len(paths) > 1:
            out.append("Also: " + ", ".join(code(p) for p in paths[1:]) + ".")
            out.append("")
        if intro:
            out.append(cell(intro))
            out.append("")
        out.append("| key | type | default | description |")
        out.append("|---|---|---|---|")
        for row in rows:
            out.append("| " + " | ".join(cell(c) for c in row) + " |")
        out.append("")
    return out


# --- the page -----------------------------------------------------------------

def describe_action(entry):
    params = [f"{k} {code(json.dumps(v) if not isinstance(v, str) else v)}"
              for k, v in entry.items() if k not in ("at", "Action")]
    text = code(entry["Action"])
    if params:
        text += " (" + ", ".join(params) + ")"
    return text


def guide_line(first_line):
    m = GUIDE_LINE.match(first_line)
    if m:
        title, url = GUIDES[m.group(1)]
        return (f"**Guide:** {m.group(1)} guide, [{title}]({url}): "
                f"{m.group(2)}")
    note = first_line[2:].strip()
    return ("**Guide:** not from the IAM or ECS troubleshooting guide. "
            f"{note}")


def render(root, scenarios, observations, schema):
    matrix = matrix_sections(root)
    out = [
        "<!-- Generated by docs/gen/scenario_reference.py from scenarios/*.json,"
        " scenarios/schema.json and the wire: do not edit; run "
        "`make docs`. -->",
        "",
        "# Scenario reference",
        "",
        "Every bundled scenario: what it reproduces, the troubleshooting "
        "guide it comes from, and what a client sees on the wire, then every "
        "key of a scenario file. [scenarios.md](scenarios.md) explains the "
        "world, the clock and the timeline; "
        "[compatibility.md](compatibility.md) shows what real SDKs do "
        "against each scenario.",
        "",
        "The tables are generated by running metamock: "
        f"`metamock --scenario NAME --listen 127.0.0.1:0 --seed {SEED} "
        "--quiet`, then, at the start and after each instant the scenario "
        "makes interesting (its timeline times, the rotation after them, the "
        "end of a delay or window), an IMDSv2 token PUT, `iam/info`, "
        "`iam/security-credentials/` and the role's document (the role "
        "listed, or else the role the profile declares), and where the "
        "scenario has ECS tasks or EKS pods, the credential URL that "
        "`GET /_metamock/env?for=ecs` or `?for=eks` names (with the pod's "
        "token). The clock is moved with `POST /_metamock/clock "
        "{\"set\": ...}`. The bundled scenarios start at the real time, so "
        "times are shown relative to the scenario's start S: `+0`, `+5m`, "
        "`+6h`. Keys, secrets and tokens are never shown: an access key id "
        "appears as `ASIA…`. \"no answer\" means the request was accepted "
        f"and not answered within {NO_ANSWER_TIMEOUT_S} s.",
        "",
        "## Scenarios",
        "",
        "| scenario | reproduces |",
        "|---|---|",
    ]
    for sc in scenarios:
        out.append(f"| [{sc['name']}](#{anchor(sc['name'])}) | "
                   f"{cell(sc['doc'].get('description', ''))} |")
    out.append("")
    for sc in scenarios:
        doc = sc["doc"]
        out.append(f"## {sc['name']}")
        out.append("")
        out.append(cell(doc.get("description", "")))
        out.append("")
        out.append("- " + guide_line(sc["first_line"]))
        timeline = doc.get("timeline") or []
        if timeline:
            out.append("- **Timeline:** " + "; ".join(
                f"{offset(parse_duration(e['at']))} {describe_action(e)}"
                for e in timeline) + ".")
        sections = matrix.get(sc["name"])
        if sections:
            out.append("- **What SDKs do:** " + ", ".join(
                f"[{h}](compatibility.md#{a})" for h, a in sections) + ".")
        else:
            out.append("- **What SDKs do:** not in the "
                       "[compatibility matrix](compatibility.md).")
        out.append(f"- **Run it:** `metamock --scenario {sc['name']}`; the "
                   f"file: [{sc['path']}](../{sc['path']}).")
        out.append("")
        out.append("| at | request | status | what the client gets |")
        out.append("|---|---|---|---|")
        for row in observations[sc["name"]]:
            out.append("| " + " | ".join(cell(c) for c in row) + " |")
        out.append("")
    out.append("## Field reference")
    out.append("")
    out.append("Every property of [scenarios/schema.json](../scenarios/"
               "schema.json), one table per object; `[]` is an item of a "
               "list, `.*` a value of a map, and a name in parentheses one "
               "of several shapes a value can take. An unknown key is an "
               "error, except where a table says otherwise. "
               "[scenarios.md](scenarios.md#keys) says more about each.")
    out.append("")
    out += field_reference(schema)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def generate(root, binary):
    scenarios = load_scenarios(root)
    with open(os.path.join(root, "scenarios", "schema.json"),
              encoding="utf-8") as f:
        schema = json.load(f)
    observations = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futures = {sc["name"]: pool.submit(observe, binary, sc)
                   for sc in scenarios}
        for name, future in futures.items():
            observations[name] = future.result()
    return render(root, scenarios, observations, schema)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true",
                      help="exit 1 with a diff if the page is out of date")
    mode.add_argument("--update", action="store_true",
                      help="rewrite docs/scenario-reference.md")
    mode.add_argument("--print", action="store_true",
                      help="print the page to stdout")
    parser.add_argument("--metamock", required=True,
                        help="the metamock binary")
    parser.add_argument("--root", default=ROOT,
                        help="the source tree (default: this script's)")
    args = parser.parse_args(argv[1:])
    if not os.access(args.metamock, os.X_OK):
        print(f"{args.metamock}: not an executable file", file=sys.stderr)
        return 2
    try:
        page = generate(args.root, os.path.abspath(args.metamock))
    except GenerationError as e:
        print(f"scenario_reference.py: {e}", file=sys.stderr)
        return 1
    target = os.path.join(args.root, OUTPUT)
    if args.print:
        sys.stdout.write(page)
        return 0
    if args.update:
        with open(target, "w", encoding="utf-8") as f:
            f.write(page)
        print(f"wrote {OUTPUT}")
        return 0
    try:
        with open(target, encoding="utf-8") as f:
            current = f.read()
    except OSError:
        current = ""
    if current == page:
        print(f"{OUTPUT} is up to date")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        current.splitlines(keepends=True), page.splitlines(keepends=True),
        fromfile=OUTPUT, tofile=OUTPUT + " (generated)"))
    print(f"\n{OUTPUT} is out of date: run `make docs` (or "
          "docs/gen/scenario_reference.py --update --metamock PATH)")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
