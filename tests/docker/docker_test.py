#!/usr/bin/python3
"""Static checks of the container packaging: docker/, docker/k8s/ and the
GitHub Actions example. There is no Docker engine where this runs: files are
parsed, never built or started.

Usage: docker_test.py SOURCE_DIR [METAMOCK_BINARY]

Checks
  compose      `docker-compose -f F config -q` (Debian's docker-compose
               1.29.2, which needs no engine for `config`) for every
               docker/*/compose.yaml, and each recipe's structure
  build-deps   the Dockerfile's build-stage apt-get packages == the
               Makefile's BUILD_DEPS
  build-context cmake configures a copy of just what the build stage COPYs,
               and every path the CMake files name is in it
  runtime-deps the runtime stage installs exactly RUNTIME_PACKAGES; with a
               binary, every library `ldd` reports comes (dpkg -S) from
               those or from the base image's libc6/libstdc++6/libgcc-s1,
               and each of those packages is needed
  dockerfile   USER (non-root), EXPOSE 1338, HEALTHCHECK, ENTRYPOINT
               metamock, ENV METAMOCK_LISTEN=0.0.0.0:1338, ...
  k8s          docker/k8s/*.yaml: sidecar + app, probes, the app's env
  actions      docs/examples/github-actions.yml: structure, the copy in
               docs/github-actions.md; with a binary, its start step runs
  healthcheck  the HEALTHCHECK command, run as Docker runs it, exits 0
               against a metamock on 127.0.0.1 (with a binary) and non-zero
               when nothing listens or the answer is not 200
  binary-env   (with a binary) it takes METAMOCK_LISTEN/METAMOCK_SCENARIO,
               as the image relies on, and env?for=ecs&where=container
               gives the ids the recipes use

Safety (DESIGN.md): everything this starts or contacts is on 127.0.0.1.
docker-compose gets DOCKER_HOST pointing at a socket that does not exist.

Exit status 0 when every check passes, 1 otherwise (each failure says what
differs), 2 on bad usage.
"""

import http.server
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import yaml

RUNTIME_PACKAGES = {"libcpp-httplib0.11", "libabsl20220623", "libssl3",
                    "libbrotli1", "zlib1g"}
BASE_IMAGE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1"}
RECIPES = {"shared-network", "ecs", "imds"}
HEALTH_PATH = "/_metamock/health"
# Never used as a destination by this test; only looked for in files.
ECS_AGENT = "169.254.170.2"
IMDS_ADDRESS = "169.254.169.254"
ENDPOINT_OVERRIDES = (
    "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_EC2_METADATA_DISABLED")


class Check:
    """Collects the failures of one named check."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.notes = []

    def fail(self, message):
        self.failures.append(message)

    def expect(self, condition, message):
        if not condition:
            self.fail(message)
        return condition

    def note(self, message):
        self.notes.append(message)


# ------------------------------------------------------------ parsing -----

def logical_lines(text):
    """Dockerfile/Makefile lines: comment lines dropped, `\\` continuations
    joined."""
    out, current = [], ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        current += raw
        if current.strip():
            out.append(current.strip())
        current = ""
    if current.strip():
        out.append(current.strip())
    return out


def parse_dockerfile(path):
    """[{'from': image, 'as': name, 'instructions': [(KEYWORD, args)]}]"""
    stages = []
    with open(path, encoding="utf-8") as f:
        lines = logical_lines(f.read())
    for line in lines:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        if keyword == "FROM":
            words = args.split()
            words = [w for w in words if not w.startswith("--")]
            stage = {"from": words[0], "as": None, "instructions": []}
            if len(words) >= 3 and words[1].upper() == "AS":
                stage["as"] = words[2]
            stages.append(stage)
        elif stages:
            stages[-1]["instructions"].append((keyword, args))
        else:
            stages.append({"from": None, "as": None,
                           "instructions": [(keyword, args)]})
    return stages


def apt_get_installs(stage):
    """(packages, list of the option lists) of every `apt-get install` in the
    stage's RUN instructions."""
    packages, options = [], []
    for keyword, args in stage["instructions"]:
        if keyword != "RUN":
            continue
        for segment in re.split(r"&&|\|\||;", args):
            try:
                words = shlex.split(segment)
            except ValueError:
                continue
            for i in range(len(words) - 1):
                if words[i] in ("apt-get", "apt") and words[i + 1] == "install":
                    rest = words[i + 2:]
                    options.append([w for w in rest if w.startswith("-")])
                    packages += [w for w in rest if not w.startswith("-")]
    return packages, options


def makefile_variable(path, name):
    with open(path, encoding="utf-8") as f:
        for line in logical_lines(f.read()):
            m = re.match(r"^%s\s*(?::=|\?=|=)\s*(.*)$" % re.escape(name), line)
            if m:
                return m.group(1).split()
    return None


def instruction_args(stage, keyword):
    return [args for k, args in stage["instructions"] if k == keyword]


def parse_env_instruction(args):
    """ENV K=V K2="V 2" or ENV K V."""
    words = shlex.split(args)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(w.split("=", 1) for w in words if "=" in w)


def healthcheck_command(stage):
    """The HEALTHCHECK's command as an argv Docker would run, or None."""
    for args in instruction_args(stage, "HEALTHCHECK"):
        m = re.match(r"^(?:--\S+\s+)*CMD\s+(.*)$", args, re.S)
        if not m:
            return None
        command = m.group(1).strip()
        if command.startswith("["):
            return json.loads(command)
        return ["/bin/sh", "-c", command]
    return None


def healthy_ids(source):
    """(credential id, endpoint id) of the bundled healthy scenario's task."""
    with open(os.path.join(source, "scenarios", "healthy.json"),
              encoding="utf-8") as f:
        text = f.read()
    cred = re.search(r'"credential_id"\s*:\s*"([^"]+)"', text)
    endpoint = re.search(r'"endpoint_id"\s*:\s*"([^"]+)"', text)
    return (cred.group(1) if cred else None,
            endpoint.group(1) if endpoint else None)


def env_dict(environment):
    if environment is None:
        return {}
    if isinstance(environment, dict):
        return {k: ("" if v is None else str(v)) for k, v in environment.items()}
    out = {}
    for item in environment:
        k, _, v = str(item).partition("=")
        out[k] = v
    return out


def command_text(service):
    parts = []
    for key in ("entrypoint", "command"):
        value = service.get(key)
        if isinstance(value, list):
            parts += [str(v) for v in value]
        elif value is not None:
            parts.append(str(value))
    return " ".join(parts)


def only_resolves_credentials(text):
    """Every `aws X Y` is `aws configure export-credentials` (or a botocore
    get_credentials()): no signed call."""
    calls = re.findall(r"(?:^|[\s;&|(])aws\s+([a-z0-9-]+)\s+([a-z0-9-]+)", text)
    if any((a, b) != ("configure", "export-credentials") for a, b in calls):
        return False
    # The aws-cli image's entrypoint is `aws`: a bare argument list.
    if text.startswith("configure export-credentials"):
        return True
    return bool(calls) or "get_credentials()" in text


# ------------------------------------------------------------ helpers -----

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Metamock:
    """The binary on 127.0.0.1 port 0 (extra args and env allowed)."""

    def __init__(self, binary, args=(), env_extra=None, use_listen_flag=True):
        env = {k: v for k, v in os.environ.items() if not k.startswith("METAMOCK_")}
        env.update(env_extra or {})
        argv = [binary]
        if use_listen_flag:
            argv += ["--listen", "127.0.0.1:0"]
        argv += list(args)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self.urls = []
        deadline = time.time() + 10
        expected = 2 if any(a.startswith("--control") for a in args) else 1
        while time.time() < deadline and len(self.urls) < expected:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.match(r"^listening on (http://\S+)$", line.strip())
            if m:
                self.urls.append(m.group(1))
        if len(self.urls) < expected:
            self.stop()
            raise RuntimeError("metamock did not print 'listening on': %s"
                               % self.proc.stderr.read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def http_get(url, timeout=5):
    """GET on a loopback URL (asserted)."""
    import urllib.request
    assert re.match(r"^http://(127\.0\.0\.1|\[::1\]):\d+/", url), url
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as r:
        return r.status, r.read().decode()


def loopback_host_port(url):
    m = re.match(r"^http://(127\.0\.0\.1|\[::1\]):(\d+)$", url)
    if not m:
        raise ValueError("not a loopback URL: %r" % url)
    return m.group(1), int(m.group(2))


# ------------------------------------------------------------- checks -----

def check_compose(source, check):
    compose = shutil.which("docker-compose")
    if not compose:
        check.fail("docker-compose not found: apt-get install "
                   "--no-install-recommends docker-compose (its Recommends is "
                   "docker.io, the engine, which this test does not need)")
    files = sorted(
        os.path.join(source, "docker", d, "compose.yaml")
        for d in os.listdir(os.path.join(source, "docker"))
        if os.path.isfile(os.path.join(source, "docker", d, "compose.yaml")))
    found = {os.path.basename(os.path.dirname(f)) for f in files}
    check.expect(RECIPES <= found, "recipes missing: %s (found %s)"
                 % (sorted(RECIPES - found), sorted(found)))
    cred_id, endpoint_id = healthy_ids(source)
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items()
               if not (k.startswith("METAMOCK_") or k.startswith("DOCKER_")
                       or k.startswith("COMPOSE_") or k == "AWS_CLI_IMAGE")}
        # Never an engine: a socket that does not exist, no user contexts.
        env.update(DOCKER_HOST="unix://%s/no-engine.sock" % tmp,
                   DOCKER_CONFIG=tmp,
                   METRICS_SOCKET_FILE="http+unix://%s/no-metrics.sock" % tmp)
        for f in files:
            recipe = os.path.basename(os.path.dirname(f))
            where = os.path.relpath(f, source)
            if compose:
                r = subprocess.run([compose, "-f", f, "config", "-q"], env=env,
                                   capture_output=True, text=True, timeout=60)
                check.expect(r.returncode == 0,
                             "%s: docker-compose config -q exited %d: %s"
                             % (where, r.returncode, (r.stderr + r.stdout).strip()))
            check_recipe(source, f, recipe, check, cred_id, endpoint_id)


def check_recipe(source, path, recipe, check, cred_id, endpoint_id):
    where = os.path.relpath(path, source)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    header = "\n".join(header)
    check.expect(re.search(r"docker[ -]compose\b.*\bup\b", header),
                 "%s: the header comment does not say how to run it "
                 "(docker compose ... up)" % where)
    check.expect("Shows:" in header,
                 "%s: the header comment does not say what it shows" % where)
    doc = yaml.safe_load(text)
    services = doc.get("services") or {}
    mm = services.get("metamock")
    if not check.expect(mm is not None, "%s: no service `metamock`" % where):
        return
    build = mm.get("build") or {}
    context = os.path.normpath(os.path.join(os.path.dirname(path),
                                            build.get("context", "")))
    check.expect(context == os.path.normpath(source),
                 "%s: build.context is %r, not the repository root"
                 % (where, build.get("context")))
    check.expect(build.get("dockerfile") == "docker/Dockerfile",
                 "%s: build.dockerfile is %r, not docker/Dockerfile"
                 % (where, build.get("dockerfile")))
    check.expect(mm.get("image") == "metamock:local",
                 "%s: metamock's image is %r, not metamock:local"
                 % (where, mm.get("image")))
    for key in ("privileged", "cap_add"):
        check.expect(key not in mm, "%s: metamock has %s" % (where, key))
    for port in mm.get("ports") or []:
        check.expect(str(port).startswith("127.0.0.1:"),
                     "%s: port %r is not published on the host's loopback only"
                     % (where, port))
    mm_env = env_dict(mm.get("environment"))
    apps = {n: s for n, s in services.items() if n != "metamock"}
    if not check.expect(apps, "%s: no app service" % where):
        return
    for name, app in apps.items():
        dep = (app.get("depends_on") or {})
        cond = dep.get("metamock", {}).get("condition") if isinstance(dep, dict) else None
        check.expect(cond == "service_healthy",
                     "%s: %s: depends_on metamock condition is %r, not "
                     "service_healthy" % (where, name, cond))
        for key in ("privileged", "cap_add"):
            check.expect(key not in app, "%s: %s has %s" % (where, name, key))
        cmd = command_text(app)
        check.expect(only_resolves_credentials(cmd),
                     "%s: %s: the command must only resolve credentials "
                     "(aws configure export-credentials / get_credentials()): %r"
                     % (where, name, cmd))
    app_envs = {n: env_dict(s.get("environment")) for n, s in apps.items()}
    networks = doc.get("networks") or {}

    def subnets():
        out = []
        for net in networks.values():
            for c in ((net or {}).get("ipam") or {}).get("config") or []:
                out.append(c.get("subnet"))
        return out

    def mm_address():
        nets = mm.get("networks") or {}
        if isinstance(nets, dict):
            for n in nets.values():
                if n and n.get("ipv4_address"):
                    return n["ipv4_address"]
        return None

    def port80():
        check.expect(mm_env.get("METAMOCK_LISTEN") == "0.0.0.0:80",
                     "%s: METAMOCK_LISTEN is %r, not 0.0.0.0:80"
                     % (where, mm_env.get("METAMOCK_LISTEN")))
        sysctls = env_dict(mm.get("sysctls"))
        check.expect(sysctls.get("net.ipv4.ip_unprivileged_port_start") == "0"
                     or str(mm.get("user")) in ("0", "root"),
                     "%s: metamock (non-root) cannot bind port 80: no sysctl "
                     "net.ipv4.ip_unprivileged_port_start: 0" % where)

    if recipe == "shared-network":
        for name, app in apps.items():
            check.expect(app.get("network_mode") == "service:metamock",
                         "%s: %s: network_mode is %r, not service:metamock"
                         % (where, name, app.get("network_mode")))
            e = app_envs[name]
            uris = [e.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", ""),
                    e.get("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")]
            check.expect(any(u.startswith("http://127.0.0.1:") for u in uris),
                         "%s: %s: no loopback AWS_EC2_METADATA_SERVICE_ENDPOINT "
                         "or AWS_CONTAINER_CREDENTIALS_FULL_URI" % (where, name))
            ep = e.get("AWS_EC2_METADATA_SERVICE_ENDPOINT")
            if ep is not None:
                check.expect(ep.endswith("/"), "%s: %s: %r lacks the trailing "
                             "slash the AWS CLI needs" % (where, name, ep))
            check.expect("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" not in e,
                         "%s: %s sets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
                         % (where, name))
        full = re.findall(r"http://127\.0\.0\.1:\d+/v2/credentials/(\S+)", text)
        for found in full:
            check.expect(found == cred_id, "%s: credential id %s, the bundled "
                         "task's is %s" % (where, found, cred_id))
        check.expect("loopback" in header and "link-local" in header,
                     "%s: the header does not explain why (SDKs accept a full "
                     "URI over http only for loopback and the link-local agent "
                     "addresses)" % where)
    elif recipe == "ecs":
        check.expect("169.254.170.0/24" in subnets(),
                     "%s: no network with subnet 169.254.170.0/24 (have %s)"
                     % (where, subnets()))
        check.expect(mm_address() == ECS_AGENT, "%s: metamock's ipv4_address is "
                     "%r, not %s" % (where, mm_address(), ECS_AGENT))
        port80()
        for name, e in app_envs.items():
            want = {
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/%s" % cred_id,
                "ECS_CONTAINER_METADATA_URI_V4": "http://%s/v4/%s" % (ECS_AGENT, endpoint_id),
                "AWS_EC2_METADATA_DISABLED": "true",
            }
            for k, v in want.items():
                check.expect(e.get(k) == v, "%s: %s: %s is %r, not %r"
                             % (where, name, k, e.get(k), v))
            check.expect("AWS_CONTAINER_CREDENTIALS_FULL_URI" not in e,
                         "%s: %s also sets AWS_CONTAINER_CREDENTIALS_FULL_URI"
                         % (where, name))
    elif recipe == "imds":
        check.expect("169.254.169.0/24" in subnets(),
                     "%s: no network with subnet 169.254.169.0/24 (have %s)"
                     % (where, subnets()))
        check.expect(mm_address() == IMDS_ADDRESS, "%s: metamock's ipv4_address "
                     "is %r, not %s" % (where, mm_address(), IMDS_ADDRESS))
        port80()
        for name, e in app_envs.items():
            bad = sorted(k for k in e if k in ENDPOINT_OVERRIDES)
            check.expect(not bad, "%s: %s has endpoint overrides %s"
                         % (where, name, bad))


def dockerfile_stages(source, check):
    path = os.path.join(source, "docker", "Dockerfile")
    if not check.expect(os.path.isfile(path), "docker/Dockerfile is missing"):
        return None
    stages = parse_dockerfile(path)
    if not check.expect(len(stages) >= 2, "docker/Dockerfile has %d stage(s), "
                        "not a build and a runtime stage" % len(stages)):
        return None
    return stages


def compare_sets(check, what, have, want):
    have, want = set(have), set(want)
    if have != want:
        check.fail("%s: missing %s, extra %s" % (what, sorted(want - have) or "none",
                                                 sorted(have - want) or "none"))


def check_build_deps(source, stages, check):
    build_deps = makefile_variable(os.path.join(source, "Makefile"), "BUILD_DEPS")
    if not check.expect(build_deps, "Makefile: no BUILD_DEPS"):
        return
    build = stages[0]
    check.expect(build["from"] == "debian:bookworm",
                 "build stage is FROM %r, not debian:bookworm" % build["from"])
    packages, options = apt_get_installs(build)
    check.expect(packages, "build stage: no apt-get install")
    check.expect(len(packages) == len(set(packages)),
                 "build stage: a package is listed twice: %s" % packages)
    compare_sets(check, "build-stage apt-get install vs Makefile BUILD_DEPS "
                 "(missing = in BUILD_DEPS only)", packages, build_deps)
    check.expect(all("--no-install-recommends" in o for o in options),
                 "build stage: apt-get install without --no-install-recommends")
    runs = " ".join(instruction_args(build, "RUN"))
    check.expect(re.search(r"--target\s+metamock\b", runs) or
                 re.search(r"\bmake\b[^&;]*\bbuild\b", runs),
                 "build stage does not build the metamock target")
    if "cmake -S" in runs:
        check.expect("-DMETAMOCK_BUILD_TESTS=OFF" in runs,
                     "build stage: cmake without -DMETAMOCK_BUILD_TESTS=OFF")
        check.expect("-DCMAKE_BUILD_TYPE=Release" in runs,
                     "build stage: cmake without -DCMAKE_BUILD_TYPE=Release")
    ignore = os.path.join(source, "docker", "Dockerfile.dockerignore")
    kept = None
    if os.path.isfile(ignore):
        with open(ignore, encoding="utf-8") as f:
            rules = [l.strip() for l in f
                     if l.strip() and not l.lstrip().startswith("#")]
        check.expect(rules[:1] == ["*"], "docker/Dockerfile.dockerignore does "
                     "not start by excluding everything (*)")
        kept = {r[1:].strip("/") for r in rules if r.startswith("!")}
    for args in instruction_args(build, "COPY"):
        words = [w for w in args.split() if not w.startswith("--")]
        for src in words[:-1]:
            check.expect(src not in (".", "./") and
                         os.path.exists(os.path.join(source, src)),
                         "build stage: COPY %s: not a specific path of the "
                         "repository" % src)
            if kept is not None:
                check.expect(src.strip("/") in kept, "build stage: COPY %s, but "
                             "docker/Dockerfile.dockerignore leaves it out of "
                             "the context" % src)


def check_build_context(source, stages, check):
    """Configures (cmake, no build) a copy of exactly what the build stage
    COPYs: a file the build needs that the Dockerfile leaves out fails."""
    if not shutil.which("cmake"):
        check.note("cmake missing: the build context was not configured")
        return
    build = stages[0]
    workdir = "/"
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "context")
        for keyword, args in build["instructions"]:
            if keyword == "WORKDIR":
                workdir = os.path.join(workdir, args.strip())
            if keyword != "COPY" or "--from" in args:
                continue
            words = [w for w in args.split() if not w.startswith("--")]
            dest = os.path.join(workdir, words[-1])
            for src in words[:-1]:
                where = os.path.join(source, src)
                if not os.path.exists(where):
                    continue  # reported by build-deps
                if os.path.isdir(where):
                    target = root + os.path.normpath(dest)
                    shutil.copytree(where, target, dirs_exist_ok=True)
                else:
                    target = root + os.path.normpath(dest)
                    if dest.endswith("/"):
                        target = os.path.join(target, os.path.basename(src))
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    shutil.copy(where, target)
        src_dir = root + os.path.normpath(workdir)
        # Paths the CMake files name that only the build would miss (a
        # custom command's script, globbed inputs).
        seen = set()
        for d, _, names in os.walk(src_dir):
            for name in names:
                if name != "CMakeLists.txt" and not name.endswith(".cmake"):
                    continue
                with open(os.path.join(d, name), encoding="utf-8") as f:
                    text = f.read()
                for var, rel in re.findall(
                        r"\$\{(PROJECT_SOURCE_DIR|CMAKE_SOURCE_DIR|"
                        r"CMAKE_CURRENT_SOURCE_DIR)\}/([\w./*-]+)", text):
                    base = d if var == "CMAKE_CURRENT_SOURCE_DIR" else src_dir
                    fixed = rel.split("*")[0].rsplit("/", 1)[0] if "*" in rel else rel
                    if (base, rel) in seen:
                        continue
                    seen.add((base, rel))
                    check.expect(os.path.exists(os.path.join(base, fixed)),
                                 "%s names ${%s}/%s, which the build stage does "
                                 "not COPY" % (os.path.relpath(os.path.join(d, name),
                                                               src_dir), var, rel))
        runs = " ".join(instruction_args(build, "RUN"))
        flags = re.findall(r"-D[A-Z_]+=\S+", runs)
        r = subprocess.run(["cmake", "-S", src_dir, "-B", os.path.join(tmp, "build")]
                           + flags, capture_output=True, text=True, timeout=120)
        check.expect(r.returncode == 0, "cmake configure of the build stage's "
                     "COPYs (%s) exited %d:\n%s" % (" ".join(flags), r.returncode,
                                                    (r.stderr or r.stdout).strip()[-2000:]))


def dpkg_package(path):
    """The Debian package that owns `path` (trying the /usr-merged forms)."""
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        if p.startswith("/usr/"):
            candidates.append(p[4:])
        else:
            candidates.append("/usr" + p)
    for p in candidates:
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            for line in r.stdout.splitlines():
                m = re.match(r"^([^:,\s]+)(?::[a-z0-9]+)?(?:, [^:]+)*: (/.*)$", line)
                if m and m.group(2) == p:
                    return m.group(1)
    return None


def check_runtime_deps(source, stages, binary, check):
    runtime = stages[-1]
    check.expect(runtime["from"] == "debian:bookworm-slim",
                 "runtime stage is FROM %r, not debian:bookworm-slim"
                 % runtime["from"])
    packages, options = apt_get_installs(runtime)
    compare_sets(check, "runtime-stage apt-get install vs %s"
                 % sorted(RUNTIME_PACKAGES), packages, RUNTIME_PACKAGES)
    check.expect(all("--no-install-recommends" in o for o in options),
                 "runtime stage: apt-get install without --no-install-recommends")
    if not binary:
        check.note("no binary given: ldd/dpkg -S not checked")
        return
    r = subprocess.run(["ldd", binary], capture_output=True, text=True)
    if not check.expect(r.returncode == 0, "ldd %s: %s" % (binary, r.stderr)):
        return
    allowed = set(packages) | BASE_IMAGE_PACKAGES
    used = set()
    for line in r.stdout.splitlines():
        line = line.strip()
        if "not found" in line:
            check.fail("ldd: %s" % line)
            continue
        m = re.match(r"^(\S+)\s+=>\s+(/\S+)", line) or re.match(r"^(/\S+)", line)
        if not m:
            continue  # linux-vdso: no file
        path = m.group(m.lastindex)
        package = dpkg_package(path)
        if not check.expect(package, "ldd: %s: no Debian package owns it" % path):
            continue
        used.add(package)
        check.expect(package in allowed, "ldd: %s comes from %s, which the "
                     "runtime stage does not install" % (path, package))
    unused = sorted(set(packages) - used)
    check.expect(not unused, "runtime stage installs %s, which provide no "
                 "library the binary links (ldd)" % unused)
    check.note("ldd packages: %s" % " ".join(sorted(used)))


def check_dockerfile(source, stages, check):
    runtime = stages[-1]
    users = instruction_args(runtime, "USER")
    if check.expect(users, "runtime stage has no USER"):
        user = users[-1].split(":")[0]
        check.expect(user not in ("root", "0"), "runtime USER is %r" % users[-1])
        check.expect(user.isdigit(), "runtime USER %r is not numeric (Kubernetes' "
                     "runAsNonRoot cannot check a name)" % users[-1])
    exposed = " ".join(instruction_args(runtime, "EXPOSE")).split()
    check.expect("1338" in exposed or "1338/tcp" in exposed,
                 "runtime stage does not EXPOSE 1338 (EXPOSE %s)" % exposed)
    env = {}
    for args in instruction_args(runtime, "ENV"):
        env.update(parse_env_instruction(args))
    check.expect(env.get("METAMOCK_LISTEN") == "0.0.0.0:1338",
                 "ENV METAMOCK_LISTEN is %r, not 0.0.0.0:1338"
                 % env.get("METAMOCK_LISTEN"))
    entry = instruction_args(runtime, "ENTRYPOINT")
    try:
        entry_argv = json.loads(entry[-1]) if entry else None
    except ValueError:
        entry_argv = None
    check.expect(entry_argv == ["metamock"] or entry_argv == ["/usr/local/bin/metamock"],
                 "ENTRYPOINT is %r, not the exec form [\"metamock\"]"
                 % (entry[-1] if entry else None))
    check.expect(not instruction_args(runtime, "CMD"),
                 "runtime stage has a CMD: `docker run IMAGE --flags` would "
                 "replace it anyway; leave the defaults to the binary")
    hc = healthcheck_command(runtime)
    if check.expect(hc, "runtime stage has no HEALTHCHECK CMD"):
        text = " ".join(hc)
        check.expect(HEALTH_PATH in text, "HEALTHCHECK does not probe %s" % HEALTH_PATH)
        check.expect(not re.search(r"\b(curl|wget)\b", text),
                     "HEALTHCHECK uses curl/wget, which the image does not have")
    copies = " ".join(instruction_args(runtime, "COPY"))
    check.expect(re.search(r"--from=\S+\s+\S*/metamock\s+/usr/local/bin/metamock\b", copies),
                 "runtime stage does not COPY --from the build stage's metamock "
                 "to /usr/local/bin/metamock")
    runs = " ".join(instruction_args(runtime, "RUN"))
    check.expect("rm -rf /var/lib/apt/lists" in runs,
                 "runtime stage keeps the apt lists")


def k8s_pod_specs(docs):
    for d in docs:
        if not isinstance(d, dict):
            continue
        kind = d.get("kind")
        if kind == "Pod":
            yield d.get("metadata", {}).get("name"), d.get("spec") or {}
        elif kind in ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"):
            yield (d.get("metadata", {}).get("name"),
                   ((d.get("spec") or {}).get("template") or {}).get("spec") or {})


def probe_port(container, probe):
    port = ((probe or {}).get("httpGet") or {}).get("port")
    for p in container.get("ports") or []:
        if port == p.get("name"):
            return p.get("containerPort")
    return port


def check_k8s(source, binary, check):
    kdir = os.path.join(source, "docker", "k8s")
    files = sorted(f for f in os.listdir(kdir) if f.endswith((".yaml", ".yml"))) \
        if os.path.isdir(kdir) else []
    if not check.expect(files, "docker/k8s/ has no manifest"):
        return
    for name in files:
        where = "docker/k8s/" + name
        with open(os.path.join(kdir, name), encoding="utf-8") as f:
            try:
                docs = list(yaml.safe_load_all(f))
            except yaml.YAMLError as e:
                check.fail("%s: does not parse: %s" % (where, e))
                continue
        for d in docs:
            if isinstance(d, dict):
                check.expect(d.get("apiVersion") and d.get("kind"),
                             "%s: a document without apiVersion/kind" % where)
        specs = list(k8s_pod_specs(docs))
        if not check.expect(specs, "%s: no Pod or workload" % where):
            continue
        configmaps = {d["metadata"]["name"]: d.get("data") or {}
                      for d in docs if isinstance(d, dict) and d.get("kind") == "ConfigMap"}
        for wname, spec in specs:
            containers = spec.get("containers") or []
            sidecars = [c for c in containers
                        if str(c.get("image", "")).split("/")[-1].startswith("metamock")]
            apps = [c for c in containers if c not in sidecars]
            if not check.expect(len(sidecars) == 1 and apps,
                                "%s: %s: want one metamock container and an app "
                                "container in the same pod, have %s"
                                % (where, wname, ["%s (image %s)" % (c.get("name"), c.get("image"))
                                                  for c in containers])):
                continue
            mm = sidecars[0]
            for kind in ("readinessProbe", "livenessProbe"):
                probe = mm.get(kind) or {}
                path = (probe.get("httpGet") or {}).get("path")
                check.expect(path == HEALTH_PATH, "%s: metamock's %s path is %r"
                             % (where, kind, path))
                check.expect(probe_port(mm, probe) == 1338,
                             "%s: metamock's %s port is %r, not 1338"
                             % (where, kind, probe_port(mm, probe)))
            mm_env = {e["name"]: e.get("value") for e in mm.get("env") or []}
            listen = mm_env.get("METAMOCK_LISTEN", "0.0.0.0:1338")
            check.expect(listen.split(",")[0].endswith(":1338") and
                         not listen.startswith("127."),
                         "%s: METAMOCK_LISTEN %r: the kubelet's httpGet probes "
                         "cannot reach a loopback-only listener" % (where, listen))
            sc = mm.get("securityContext") or {}
            check.expect(sc.get("runAsNonRoot") is True,
                         "%s: metamock without securityContext.runAsNonRoot" % where)
            for app in apps:
                env = {e["name"]: e.get("value") for e in app.get("env") or []}
                urls = [env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", ""),
                        env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")]
                check.expect(any(u.startswith("http://127.0.0.1:1338/") for u in urls),
                             "%s: app %s: no AWS_EC2_METADATA_SERVICE_ENDPOINT or "
                             "AWS_CONTAINER_CREDENTIALS_FULL_URI on "
                             "http://127.0.0.1:1338/" % (where, app.get("name")))
                check.expect("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" not in env,
                             "%s: app sets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" % where)
                cmd = " ".join(str(x) for x in (app.get("command") or []) +
                               (app.get("args") or []))
                check.expect(only_resolves_credentials(cmd),
                             "%s: app %s: the command must only resolve "
                             "credentials: %r" % (where, app.get("name"), cmd))
            # A ConfigMap-mounted scenario: the file named in args exists.
            args = [str(a) for a in mm.get("args") or []]
            scenario = args[args.index("--scenario") + 1] \
                if "--scenario" in args[:-1] else mm_env.get("METAMOCK_SCENARIO")
            volumes = {v["name"]: v for v in spec.get("volumes") or []}
            for mount in mm.get("volumeMounts") or []:
                cm = (volumes.get(mount["name"]) or {}).get("configMap")
                if not cm:
                    continue
                data = configmaps.get(cm.get("name"))
                if not check.expect(data is not None, "%s: ConfigMap %r is not "
                                    "in the file" % (where, cm.get("name"))):
                    continue
                if scenario and scenario.startswith(mount["mountPath"].rstrip("/") + "/"):
                    key = scenario[len(mount["mountPath"].rstrip("/")) + 1:]
                    check.expect(key in data, "%s: --scenario %s: no key %r in "
                                 "ConfigMap %s" % (where, scenario, key, cm.get("name")))
        # Every scenario in a ConfigMap is valid.
        if binary:
            for cm, data in configmaps.items():
                for key, value in data.items():
                    if not key.endswith(".json"):
                        continue
                    with tempfile.TemporaryDirectory() as tmp:
                        p = os.path.join(tmp, key)
                        with open(p, "w", encoding="utf-8") as f:
                            f.write(value)
                        r = subprocess.run([binary, "--validate", p],
                                           capture_output=True, text=True, timeout=30)
                        check.expect(r.returncode == 0, "%s: ConfigMap %s key %s: "
                                     "metamock --validate: %s"
                                     % (where, cm, key, (r.stdout + r.stderr).strip()))


def workflow_steps(doc):
    for job_name, job in (doc.get("jobs") or {}).items():
        for step in (job or {}).get("steps") or []:
            yield job_name, step


def check_actions(source, binary, check):
    path = os.path.join(source, "docs", "examples", "github-actions.yml")
    if not check.expect(os.path.isfile(path), "docs/examples/github-actions.yml "
                        "is missing"):
        return
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        check.fail("github-actions.yml does not parse: %s" % e)
        return
    # YAML 1.1 reads the key `on` as True.
    check.expect("on" in doc or True in doc, "workflow has no `on`")
    jobs = doc.get("jobs") or {}
    check.expect(jobs, "workflow has no jobs")
    for name, job in jobs.items():
        check.expect(job.get("runs-on"), "job %s has no runs-on" % name)
        check.expect(job.get("steps"), "job %s has no steps" % name)
    runs = [(j, s) for j, s in workflow_steps(doc) if "run" in s]
    start = [(j, s) for j, s in runs if "--listen 127.0.0.1:0" in s["run"]]
    if check.expect(start, "no step starts metamock with --listen 127.0.0.1:0"):
        job, step = start[0]
        run = step["run"]
        for needle in ("listening on", "_metamock/env?for=ec2", "format=sh",
                       "eval", "GITHUB_ENV", "&"):
            check.expect(needle in run, "the start step (%s) lacks %r"
                         % (step.get("name"), needle))
        steps = doc["jobs"][job]["steps"]
        check.expect(any(s.get("if") == "always()" and "kill" in s.get("run", "")
                         for s in steps), "job %s does not stop metamock in an "
                     "`if: always()` step" % job)
    wenv = doc.get("env") or {}
    check.expect(wenv.get("AWS_CONFIG_FILE") == "/dev/null" and
                 wenv.get("AWS_SHARED_CREDENTIALS_FILE") == "/dev/null",
                 "workflow env does not point AWS_CONFIG_FILE and "
                 "AWS_SHARED_CREDENTIALS_FILE at /dev/null")
    for j, s in runs:
        check.expect("RELATIVE_URI" not in s["run"],
                     "job %s step %r mentions AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
                     % (j, s.get("name")))
    # docs/github-actions.md shows the same file.
    md = os.path.join(source, "docs", "github-actions.md")
    if check.expect(os.path.isfile(md), "docs/github-actions.md is missing"):
        with open(md, encoding="utf-8") as f:
            blocks = re.findall(r"^```ya?ml\n(.*?)^```", f.read(), re.M | re.S)
        check.expect(text in blocks, "docs/github-actions.md does not contain "
                     "docs/examples/github-actions.yml verbatim in a ```yaml block")
    if binary and start:
        run_start_step(start[0][1]["run"], wenv, binary, check)


def run_start_step(run, wenv, binary, check):
    """Runs the workflow's start step with bash, the binary in place of the
    built one; asserts what it hands to $GITHUB_ENV."""
    if not shutil.which("curl"):
        check.note("curl missing: the start step was not run")
        return
    m = re.search(r"(\S*/metamock)\s+--listen", run)
    if not check.expect(m, "start step: cannot find the metamock command"):
        return
    script = run.replace(m.group(1), shlex.quote(os.path.abspath(binary)), 1)
    with tempfile.TemporaryDirectory() as tmp:
        github_env = os.path.join(tmp, "github_env")
        open(github_env, "w").close()
        env = {k: v for k, v in os.environ.items()
               if not (k.startswith("AWS_") or k.startswith("METAMOCK_"))}
        env.update({k: str(v) for k, v in wenv.items()})
        env.update(RUNNER_TEMP=tmp, GITHUB_ENV=github_env, NO_PROXY="*")
        pid = None
        try:
            # As GitHub runs a `shell: bash` step.
            r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                "-c", script], env=env, cwd=tmp,
                               capture_output=True, text=True, timeout=60)
            pidfile = os.path.join(tmp, "metamock.pid")
            if os.path.exists(pidfile):
                pid = int(open(pidfile).read().strip())
            if not check.expect(r.returncode == 0, "start step exited %d: %s"
                                % (r.returncode, (r.stderr + r.stdout).strip())):
                return
            with open(github_env) as f:
                handed = dict(l.split("=", 1) for l in f.read().splitlines() if "=" in l)
            url = handed.get("METAMOCK_URL", "")
            check.expect(re.match(r"^http://127\.0\.0\.1:\d+$", url),
                         "start step: METAMOCK_URL=%r" % url)
            check.expect(handed.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") == url + "/",
                         "start step: $GITHUB_ENV has AWS_EC2_METADATA_SERVICE_ENDPOINT"
                         "=%r, want %r" % (handed.get("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
                                          url + "/"))
            if url:
                status, body = http_get(url + HEALTH_PATH)
                check.expect(status == 200, "start step: health %d %s" % (status, body))
        finally:
            if pid:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass


class _NotHealthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def check_healthcheck(source, stages, binary, check):
    hc = healthcheck_command(stages[-1])
    if not check.expect(hc, "no HEALTHCHECK CMD"):
        return
    check.expect("bash" in " ".join(hc), "HEALTHCHECK does not use bash")

    def run(listen, control=None):
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "METAMOCK_LISTEN": listen}
        if control:
            env["METAMOCK_CONTROL"] = control
        try:
            r = subprocess.run(hc, env=env, capture_output=True, text=True, timeout=15)
        except subprocess.TimeoutExpired:
            return "timeout"
        return r.returncode

    dead = free_port()
    rc = run("127.0.0.1:%d" % dead)
    check.expect(rc not in (0, "timeout"), "HEALTHCHECK with nothing listening "
                 "on 127.0.0.1:%d: %s, want non-zero" % (dead, rc))
    server = http.server.HTTPServer(("127.0.0.1", 0), _NotHealthy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        rc = run("127.0.0.1:%d" % port)
        check.expect(rc not in (0, "timeout"), "HEALTHCHECK against a 404 on "
                     "127.0.0.1:%d: %s, want non-zero" % (port, rc))
    finally:
        server.shutdown()
        server.server_close()
    if not binary:
        check.note("no binary given: HEALTHCHECK not run against metamock")
        return
    mm = Metamock(binary)
    try:
        _, port = loopback_host_port(mm.urls[0])
        for listen in ("127.0.0.1:%d" % port, "0.0.0.0:%d" % port,
                       "0.0.0.0:%d,[::1]:%d" % (port, dead)):
            rc = run(listen)
            check.expect(rc == 0, "HEALTHCHECK with METAMOCK_LISTEN=%s against "
                         "metamock on 127.0.0.1:%d: %s, want 0" % (listen, port, rc))
    finally:
        mm.stop()
    rc = run("127.0.0.1:%d" % port)
    check.expect(rc not in (0, "timeout"), "HEALTHCHECK after metamock stopped: "
                 "%s, want non-zero" % rc)
    # The control API on a listener of its own: the check follows it.
    mm = Metamock(binary, args=["--control", "127.0.0.1:0"])
    try:
        _, control_port = loopback_host_port(mm.urls[1])
        rc = run("127.0.0.1:%d" % dead, control="127.0.0.1:%d" % control_port)
        check.expect(rc == 0, "HEALTHCHECK with METAMOCK_CONTROL=127.0.0.1:%d: %s, "
                     "want 0" % (control_port, rc))
    finally:
        mm.stop()


def check_binary_env(source, binary, check):
    """The image configures metamock through METAMOCK_* variables only."""
    cred_id, endpoint_id = healthy_ids(source)
    mm = Metamock(binary, use_listen_flag=False,
                  env_extra={"METAMOCK_LISTEN": "127.0.0.1:0",
                             "METAMOCK_SCENARIO": "role-replaced"})
    try:
        _, port = loopback_host_port(mm.urls[0])
        check.expect(port != 1338, "METAMOCK_LISTEN=127.0.0.1:0 ignored "
                     "(listening on %s)" % mm.urls[0])
        status, body = http_get(mm.urls[0] + HEALTH_PATH)
        check.expect(status == 200 and json.loads(body) ==
                     {"status": "ok", "scenario": "role-replaced"},
                     "health with METAMOCK_SCENARIO=role-replaced: %d %s"
                     % (status, body))
    finally:
        mm.stop()
    # The ids the recipes use are what env?where=container gives.
    mm = Metamock(binary)
    try:
        _, body = http_get(mm.urls[0] + "/_metamock/env?for=ecs&where=container")
        got = json.loads(body)
        want = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/%s" % cred_id,
                "ECS_CONTAINER_METADATA_URI_V4": "http://%s/v4/%s" % (ECS_AGENT, endpoint_id)}
        for k, v in want.items():
            check.expect(got.get(k) == v, "env?for=ecs&where=container: %s is %r, "
                         "the recipes use %r" % (k, got.get(k), v))
    finally:
        mm.stop()


def main(argv):
    if len(argv) not in (2, 3) or not os.path.isdir(argv[1]):
        print("usage: docker_test.py SOURCE_DIR [METAMOCK_BINARY]", file=sys.stderr)
        return 2
    source = os.path.abspath(argv[1])
    binary = os.path.abspath(argv[2]) if len(argv) == 3 else None
    if binary and not os.access(binary, os.X_OK):
        print("not an executable: %s" % binary, file=sys.stderr)
        return 2
    checks = []

    def run(name, fn, *args):
        check = Check(name)
        checks.append(check)
        try:
            fn(*args, check)
        except Exception as e:  # a crash is a failure, with its cause
            check.fail("%s: %s" % (type(e).__name__, e))

    run("compose", check_compose, source)
    stages_check = Check("dockerfile-parse")
    stages = dockerfile_stages(source, stages_check)
    if stages_check.failures:
        checks.append(stages_check)
    else:
        run("build-deps", check_build_deps, source, stages)
        run("build-context", check_build_context, source, stages)
        run("runtime-deps", check_runtime_deps, source, stages, binary)
        run("dockerfile", check_dockerfile, source, stages)
        run("healthcheck", check_healthcheck, source, stages, binary)
    run("k8s", check_k8s, source, binary)
    run("actions", check_actions, source, binary)
    if binary:
        run("binary-env", check_binary_env, source, binary)

    failed = 0
    for check in checks:
        status = "FAIL" if check.failures else "ok"
        print("%-13s %s" % (check.name, status))
        for note in check.notes:
            print("    note: %s" % note)
        for failure in check.failures:
            print("    %s" % failure)
        failed += bool(check.failures)
    print("%d of %d checks failed" % (failed, len(checks)) if failed
          else "all %d checks passed" % len(checks))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
