#!/usr/bin/python3
# check_deploy.py: checks that the Dockerfile and deploy/ (Kubernetes, Compose) agree with the code.
# Usage: check_deploy.py --binary BUILD/news-ingest --root SRC [--deploy DIR] [--dockerfile FILE]
#                        [--rdkafka-props FILE]
#        check_deploy.py --print-env kubernetes|compose --root SRC [--deploy DIR] [--dockerfile F]
#          prints the NEWS_INGEST_* environment a worker gets there (NAME=value lines), for
#          loading it with the real configuration code.
# The variable names, the default HTTP port and the option list come from `BINARY run --help`;
# the build packages from SRC/CMakeLists.txt and SRC/scripts/setup.sh; the runtime packages from
# `ldd BINARY` and dpkg. --rdkafka-props is librdkafka's property table
# (rd_kafka_conf_properties_show) for checking NEWS_INGEST_KAFKA_* names.
# Prints "error: <file>: <reason>" per disagreement and exits 1; "ok: N checks" and exit 0;
# exit 2 when it cannot run (missing file, unparsable YAML, no --help output).
import argparse
import json
import os
import re
import shlex
import subprocess
import sys

import yaml

VAR_RE = re.compile(r"NEWS_INGEST_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_]*<)")
PREFIX_RE = re.compile(r"(NEWS_INGEST_[A-Z0-9_]*)<")
KAFKA_VAR_RE = re.compile(
    r"^NEWS_INGEST_KAFKA_((?:CONSUMER_|PRODUCER_)?)([A-Z0-9]+(?:_[A-Z0-9]+)*)$")
LISTEN_RE = re.compile(r"(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]*\]|[A-Za-z0-9.-]*):(\d{1,5})\b")
SANITIZER_PKG_RE = re.compile(r"^lib(asan|ubsan|lsan|tsan|hwasan)\d*$")


class Fatal(Exception):
    """The checker cannot run (exit 2)."""


class Checker:
    def __init__(self, args):
        self.a = args
        self.errors = []
        self.checks = 0

    def check(self, cond, where, msg):
        """Counts one check; records msg as an error for file `where` when cond is false."""
        self.checks += 1
        if not cond:
            self.errors.append("%s: %s" % (os.path.relpath(where, self.a.base), msg))
        return cond


# --- reading ---------------------------------------------------------------------------------


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise Fatal("cannot read %s: %s" % (path, e))


def load_yaml_all(path):
    try:
        return [d for d in yaml.safe_load_all(read_text(path)) if d is not None]
    except yaml.YAMLError as e:
        raise Fatal("%s: not valid YAML: %s" % (path, str(e).replace("\n", " ")))


def run_help(binary):
    """`binary run --help`: stdout text; Fatal when it does not run or lists no variable."""
    try:
        p = subprocess.run([binary, "run", "--help"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Fatal("cannot run %s run --help: %s" % (binary, e))
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0 or "NEWS_INGEST_BROKERS" not in out:
        raise Fatal("`%s run --help` exited %d without listing NEWS_INGEST_BROKERS: %s"
                    % (binary, p.returncode, (out + p.stderr.decode("utf-8", "replace"))[:300]))
    return out


def help_default_port(text):
    """The port of --http-listen's default in the help text (the option's lines), or None."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "--http-listen" not in line and "NEWS_INGEST_HTTP_LISTEN" not in line:
            continue
        block = [line]
        for nxt in lines[i + 1:i + 4]:
            if re.match(r"^\s*-", nxt):
                break
            block.append(nxt)
        for chunk in block:
            m = re.search(r"default[^0-9\[]*" + LISTEN_RE.pattern, chunk, re.I)
            m = m or LISTEN_RE.search(chunk)
            if m:
                return int(m.group(1))
    return None


def read_rdkafka_props(path):
    """librdkafka property name -> scope ("*", "C" or "P") from its properties table."""
    props = {}
    for line in read_text(path).splitlines():
        cols = [c.strip() for c in line.split("|")]
        if len(cols) > 2 and re.match(r"^[a-z][a-z0-9.]*$", cols[0]) and cols[1] in "*CP":
            props.setdefault(cols[0], cols[1])
    if "bootstrap.servers" not in props:
        raise Fatal("%s: not a librdkafka property table" % path)
    return props


def parse_listen_port(value):
    m = re.fullmatch(LISTEN_RE.pattern, str(value).strip())
    return int(m.group(1)) if m else None


def parse_duration_s(value):
    """Compose durations ("30s", "1m30s", "1500ms") in seconds; None when unparsable."""
    total, units = 0.0, {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", str(value))
    if not parts or "".join(n + u for n, u in parts) != str(value):
        return None
    for n, u in parts:
        total += float(n) * units[u]
    return total


def parse_mem_bytes(value):
    """Kubernetes memory quantities ("256Mi", "1G", "134217728") in bytes; None if unparsable."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]i?)?", str(value))
    if not m:
        return None
    mult = {None: 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
            "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}[m.group(2)]
    return float(m.group(1)) * mult


def sub_labels(sel, labels):
    return bool(sel) and all(labels.get(k) == v for k, v in sel.items())


# --- variables -------------------------------------------------------------------------------


def check_variables(c, files, help_vars, rdprops):
    """Every NEWS_INGEST_* token in the files is a `run --help` variable or a valid Kafka one."""
    for path in files:
        for m in sorted(set(PREFIX_RE.findall(read_text(path)))):
            check_prefix(c, path, m)
        for var in sorted(set(VAR_RE.findall(read_text(path)))):
            check_variable(c, path, var, help_vars, rdprops)


def check_prefix(c, path, prefix):
    """A prefix written as "<prefix>_<PROP>" or "<prefix>_<OPTION>": one the help documents."""
    if prefix in ("NEWS_INGEST_KAFKA_CONSUMER_", "NEWS_INGEST_KAFKA_PRODUCER_"):
        prefix = "NEWS_INGEST_KAFKA_"
    c.check(prefix in c.help_text, path, "`run --help` does not document %s<...>" % prefix)


def check_variable(c, path, var, help_vars, rdprops):
    m = KAFKA_VAR_RE.match(var)
    if not var.startswith("NEWS_INGEST_KAFKA_"):
        c.check(var in help_vars, path, "%s is not a variable of `news-ingest run --help`" % var)
    elif c.check(m is not None, path, "%s is not of the form NEWS_INGEST_KAFKA_<PROP>" % var):
        c.check("NEWS_INGEST_KAFKA_" in c.help_text, path,
                "`run --help` does not document NEWS_INGEST_KAFKA_<PROP> (needed by %s)" % var)
        if rdprops is None:
            return
        prop, scope = m.group(2).lower().replace("_", "."), m.group(1)[:1]
        if c.check(prop in rdprops, path, "%s: %s is not a librdkafka property" % (var, prop)):
            role = {"C": "consumer", "P": "producer"}.get(scope)
            c.check(not scope or rdprops[prop] in ("*", scope), path,
                    "%s: %s is not a %s property" % (var, prop, role))


# --- Kubernetes ------------------------------------------------------------------------------


class K8s:
    """The manifests under deploy/kubernetes by kind (first of each kind) and their files."""

    def __init__(self, c, kdir):
        self.docs, self.file_of = {}, {}
        self.dir = kdir
        if not c.check(os.path.isdir(kdir), kdir, "missing folder"):
            return
        for name in sorted(os.listdir(kdir)):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(kdir, name)
            for d in load_yaml_all(path):
                kind = d.get("kind") if isinstance(d, dict) else None
                if kind and kind not in self.docs:
                    self.docs[kind], self.file_of[kind] = d, path

    def get(self, c, kind):
        c.check(kind in self.docs, self.dir, "no %s manifest" % kind)
        return self.docs.get(kind), self.file_of.get(kind, self.dir)


def check_kustomization(c, k):
    kz, path = k.get(c, "Kustomization")
    if not kz:
        return
    listed = set(kz.get("resources") or [])
    for name in sorted(os.listdir(k.dir)):
        if not name.endswith((".yaml", ".yml")) or name.startswith("kustomization."):
            continue
        if ".example." in name:
            c.check(name not in listed, path, "%s must not be applied by -k (placeholders)" % name)
        else:
            c.check(name in listed, path, "%s is not listed in resources" % name)
    for r in listed:
        c.check(os.path.isfile(os.path.join(k.dir, r)), path, "resource %s does not exist" % r)
    c.check("namespace" not in kz, path, "sets a namespace (manifests are namespace-agnostic)")
    for kind, d in k.docs.items():
        c.check("namespace" not in (d.get("metadata") or {}), k.file_of[kind],
                "%s sets metadata.namespace (manifests are namespace-agnostic)" % kind)


def check_configmap(c, k):
    """ConfigMap and Secret keys: all NEWS_INGEST_* (they are injected with envFrom)."""
    cm, cm_path = k.get(c, "ConfigMap")
    sec, sec_path = k.get(c, "Secret")
    data = dict((cm or {}).get("data") or {})
    for key in data:
        c.check(VAR_RE.fullmatch(key) is not None, cm_path, "key %s is not NEWS_INGEST_*" % key)
    if sec:
        keys = list((sec.get("stringData") or {})) + list((sec.get("data") or {}))
        for key in keys:
            c.check(KAFKA_VAR_RE.match(key) is not None, sec_path,
                    "key %s is not NEWS_INGEST_KAFKA_<PROP>" % key)
        for want in ("NEWS_INGEST_KAFKA_SASL_USERNAME", "NEWS_INGEST_KAFKA_SASL_PASSWORD"):
            c.check(want in keys, sec_path, "no %s" % want)
    for want in ("NEWS_INGEST_BROKERS", "NEWS_INGEST_GROUP", "NEWS_INGEST_INPUT_TOPIC",
                 "NEWS_INGEST_GRACE_MS"):
        c.check(want in data, cm_path, "does not set %s" % want)
    return data


def container_of(dep):
    cs = (((dep.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers")
    return cs[0] if cs else {}


def resolve_port(ctr, port):
    """A probe/targetPort (number or name) as a number from the container's ports; None."""
    if isinstance(port, int):
        return port
    for p in ctr.get("ports") or []:
        if p.get("name") == port:
            return p.get("containerPort")
    return None


def check_probe(c, path, ctr, kind, want_paths, port, required=True):
    probe = ctr.get(kind)
    if not required and probe is None:
        return
    get = (probe or {}).get("httpGet") or {}
    if not c.check(bool(get), path, "%s is not an httpGet probe" % kind):
        return
    c.check(get.get("path") in want_paths, path, "%s path %r is not %s"
            % (kind, get.get("path"), " or ".join(want_paths)))
    got = resolve_port(ctr, get.get("port"))
    c.check(got == port, path, "%s port %r is not the HTTP port %d" % (kind, get.get("port"), port))


def check_deployment(c, k, port, grace_ms):
    dep, path = k.get(c, "Deployment")
    if not dep:
        return None
    spec = dep.get("spec") or {}
    tmpl = spec.get("template") or {}
    pod = tmpl.get("spec") or {}
    labels = (tmpl.get("metadata") or {}).get("labels") or {}
    ctr = container_of(dep)
    c.check(sub_labels((spec.get("selector") or {}).get("matchLabels"), labels), path,
            "selector.matchLabels does not match the pod labels")
    c.check(not ctr.get("args") or ctr["args"][0] == "run", path, "container args do not run `run`")
    ports = {p.get("name"): p.get("containerPort") for p in ctr.get("ports") or []}
    c.check(ports.get("http") == port, path,
            "containerPort named http is %r, not the HTTP port %d" % (ports.get("http"), port))
    check_probe(c, path, ctr, "livenessProbe", ["/livez", "/healthz"], port)
    check_probe(c, path, ctr, "readinessProbe", ["/readyz"], port)
    check_probe(c, path, ctr, "startupProbe", ["/livez", "/healthz"], port, required=False)
    tgp = pod.get("terminationGracePeriodSeconds")
    c.check(isinstance(tgp, int) and grace_ms is not None and tgp * 1000 > grace_ms, path,
            "terminationGracePeriodSeconds %r is not above NEWS_INGEST_GRACE_MS %r"
            % (tgp, grace_ms))
    c.check(pod.get("enableServiceLinks") is False, path, "enableServiceLinks is not false "
            "(service links inject NEWS_INGEST_SERVICE_HOST-like variables)")
    check_env_from(c, k, path, ctr)
    check_pod_security(c, path, pod, ctr)
    check_resources(c, path, ctr)
    check_prom_annotations(c, path, (tmpl.get("metadata") or {}).get("annotations"), port, False)
    return {"name": (dep.get("metadata") or {}).get("name"), "labels": labels, "ctr": ctr,
            "user": (pod.get("securityContext") or {}).get("runAsUser")}


def check_env_from(c, k, path, ctr):
    refs = ctr.get("envFrom") or []
    cms = [(r.get("configMapRef") or {}).get("name") for r in refs]
    secs = [(r.get("secretRef") or {}).get("name") for r in refs]
    cm, sec = k.docs.get("ConfigMap"), k.docs.get("Secret")
    c.check(cm is not None and cm["metadata"]["name"] in cms, path,
            "envFrom does not load the ConfigMap")
    c.check(sec is not None and sec["metadata"]["name"] in secs, path,
            "envFrom does not load the Secret")
    env = {e.get("name"): e for e in ctr.get("env") or []}
    ref = ((env.get("NEWS_INGEST_WORKER_ID") or {}).get("valueFrom") or {}).get("fieldRef") or {}
    c.check(ref.get("fieldPath") == "metadata.name", path,
            "NEWS_INGEST_WORKER_ID is not the pod name (downward API metadata.name)")


def check_pod_security(c, path, pod, ctr):
    psc, csc = pod.get("securityContext") or {}, ctr.get("securityContext") or {}
    c.check(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True, path,
            "runAsNonRoot is not set")
    c.check(csc.get("readOnlyRootFilesystem") is True, path, "readOnlyRootFilesystem is not set")
    c.check(csc.get("allowPrivilegeEscalation") is False, path,
            "allowPrivilegeEscalation is not false")


def check_resources(c, path, ctr):
    res = ctr.get("resources") or {}
    req, lim = res.get("requests") or {}, res.get("limits") or {}
    c.check("cpu" in req and "memory" in req, path, "resources.requests lacks cpu or memory")
    mem = parse_mem_bytes(lim.get("memory"))
    c.check(mem is not None and mem >= 128 * 2**20, path,
            "resources.limits.memory %r is below the worker's 128 MB target" % lim.get("memory"))
    rmem = parse_mem_bytes(req.get("memory"))
    c.check(rmem is not None and mem is not None and rmem <= mem, path,
            "memory request above the limit")


def check_prom_annotations(c, path, ann, port, required):
    ann = ann or {}
    if not required and not any(k.startswith("prometheus.io/") for k in ann):
        return
    c.check(str(ann.get("prometheus.io/scrape")) == "true", path,
            "prometheus.io/scrape is not \"true\"")
    c.check(str(ann.get("prometheus.io/port")) == str(port), path,
            "prometheus.io/port %r is not the HTTP port %d" % (ann.get("prometheus.io/port"), port))
    c.check(ann.get("prometheus.io/path", "/metrics") == "/metrics", path,
            "prometheus.io/path %r is not /metrics" % ann.get("prometheus.io/path"))


def check_service(c, k, dep, port):
    svc, path = k.get(c, "Service")
    if not svc or not dep:
        return
    spec = svc.get("spec") or {}
    c.check(sub_labels(spec.get("selector"), dep["labels"]), path,
            "selector does not match the Deployment's pod labels")
    sp = [p for p in spec.get("ports") or [] if p.get("name") == "http-metrics"]
    if c.check(len(sp) == 1, path, "no port named http-metrics"):
        tgt = resolve_port(dep["ctr"], sp[0].get("targetPort", sp[0].get("port")))
        c.check(tgt == port, path, "targetPort %r is not the HTTP port %d"
                % (sp[0].get("targetPort"), port))
        c.check(sp[0].get("port") == port, path, "port %r is not %d" % (sp[0].get("port"), port))
    check_prom_annotations(c, path, (svc.get("metadata") or {}).get("annotations"), port, True)


def check_pdb(c, k, dep):
    pdb, path = k.get(c, "PodDisruptionBudget")
    if not pdb or not dep:
        return
    spec = pdb.get("spec") or {}
    c.check(spec.get("maxUnavailable") == 1, path, "maxUnavailable is not 1")
    c.check(sub_labels((spec.get("selector") or {}).get("matchLabels"), dep["labels"]), path,
            "selector does not match the Deployment's pod labels")


def check_scaledobject(c, k, dep, cm):
    so, path = k.get(c, "ScaledObject")
    if not so or not dep:
        return
    spec = so.get("spec") or {}
    c.check((spec.get("scaleTargetRef") or {}).get("name") == dep["name"], path,
            "scaleTargetRef is not the Deployment %r" % dep["name"])
    trig = [t for t in spec.get("triggers") or [] if t.get("type") == "kafka"]
    if not c.check(len(trig) == 1, path, "no kafka trigger"):
        return
    md = trig[0].get("metadata") or {}
    for key, var in (("bootstrapServers", "NEWS_INGEST_BROKERS"),
                     ("consumerGroup", "NEWS_INGEST_GROUP"), ("topic", "NEWS_INGEST_INPUT_TOPIC")):
        c.check(md.get(key) is not None and md.get(key) == cm.get(var), path,
                "kafka trigger %s %r is not the ConfigMap's %s %r"
                % (key, md.get(key), var, cm.get(var)))
    lag = str(md.get("lagThreshold", ""))
    c.check(isinstance(md.get("lagThreshold"), str) and lag.isdigit() and int(lag) > 0, path,
            "lagThreshold %r is not a positive integer string" % md.get("lagThreshold"))
    c.check(str(md.get("allowIdleConsumers")).lower() == "false", path,
            "allowIdleConsumers is not false")
    ann = (so.get("metadata") or {}).get("annotations") or {}
    parts = str(ann.get("news-ingest/input-topic-partitions", ""))
    lo, hi = spec.get("minReplicaCount"), spec.get("maxReplicaCount")
    c.check(isinstance(lo, int) and lo >= 1, path, "minReplicaCount %r is not >= 1" % lo)
    if c.check(parts.isdigit(), path, "no news-ingest/input-topic-partitions annotation"):
        c.check(isinstance(hi, int) and isinstance(lo, int) and lo <= hi <= int(parts), path,
                "maxReplicaCount %r is not between minReplicaCount and the %s input partitions"
                % (hi, parts))


def check_image_name(c, k, dep):
    kz = k.docs.get("Kustomization") or {}
    names = [i.get("name") for i in kz.get("images") or []]
    img = str(dep["ctr"].get("image", "")) if dep else ""
    if names:
        c.check(img.split(":")[0] in names, k.file_of.get("Kustomization", k.dir),
                "images does not name the Deployment's image %r" % img)


def check_kubernetes(c, kdir, port):
    k = K8s(c, kdir)
    check_kustomization(c, k)
    cm = check_configmap(c, k)
    grace = cm.get("NEWS_INGEST_GRACE_MS")
    grace_ms = int(grace) if str(grace).isdigit() else None
    listen = cm.get("NEWS_INGEST_HTTP_LISTEN")
    if listen is not None:
        c.check(parse_listen_port(listen) == port, k.file_of.get("ConfigMap", kdir),
                "NEWS_INGEST_HTTP_LISTEN %r is not on port %d" % (listen, port))
    dep = check_deployment(c, k, port, grace_ms)
    check_service(c, k, dep, port)
    check_pdb(c, k, dep)
    check_scaledobject(c, k, dep, cm)
    check_image_name(c, k, dep)
    return dep


# --- Dockerfile ------------------------------------------------------------------------------


def dockerfile_stages(text):
    """[(from_line, [(INSTRUCTION, args)])] with continuations joined and comments dropped."""
    stages, logical, cur = [], [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            cur += line.rstrip()[:-1] + " "
            continue
        logical.append(cur + line)
        cur = ""
    for line in logical:
        parts = line.strip().split(None, 1)
        if not parts:
            continue
        ins, args = parts[0].upper(), parts[1] if len(parts) > 1 else ""
        if ins == "FROM":
            stages.append((args, []))
        elif stages:
            stages[-1][1].append((ins, args))
    return stages


def apt_packages(instrs):
    """Package names given to `apt-get install` in RUN instructions."""
    pkgs = []
    for ins, args in instrs:
        if ins != "RUN":
            continue
        for cmd in re.split(r"&&|;|\|\|", args):
            words = shlex.split(cmd)
            if "apt-get" in words and "install" in words:
                pkgs += [os.path.basename(w).split("_")[0] if w.endswith(".deb") else w
                         for w in words[words.index("install") + 1:] if not w.startswith("-")]
    return pkgs


def json_form(args):
    try:
        v = json.loads(args)
        return v if isinstance(v, list) else None
    except ValueError:
        return None


def check_dockerfile(c, path, root, port, dep):
    stages = dockerfile_stages(read_text(path))
    if not c.check(len(stages) >= 2, path, "not a multi-stage build"):
        return
    (bfrom, build), (rfrom, run) = stages[0], stages[-1]
    c.check(re.match(r"^debian:(12|bookworm)\s+AS\s+\S+", bfrom, re.I) is not None, path,
            "build stage %r is not debian:12 AS <name>" % bfrom)
    c.check(re.match(r"^debian:(12|bookworm)-slim$", rfrom.strip()) is not None, path,
            "runtime stage %r is not debian:12-slim" % rfrom)
    runs = " ".join(a for i, a in build if i == "RUN")
    c.check("-DTESTS=OFF" in runs, path, "the build stage does not configure with -DTESTS=OFF")
    last = {}
    for ins, args in run:
        last[ins] = args
    c.check(json_form(last.get("ENTRYPOINT", "")) == ["news-ingest"], path,
            "ENTRYPOINT is not [\"news-ingest\"]")
    c.check(json_form(last.get("CMD", "")) == ["run"], path, "CMD is not [\"run\"]")
    exposed = [p.split("/")[0] for i, a in run if i == "EXPOSE" for p in a.split()]
    c.check(str(port) in exposed, path, "does not EXPOSE the HTTP port %d" % port)
    envs = dict(re.findall(r"(NEWS_INGEST_[A-Z0-9_]+)=(\S+)", " ".join(a for i, a in run
                                                                        if i == "ENV")))
    if "NEWS_INGEST_HTTP_LISTEN" in envs:
        c.check(parse_listen_port(envs["NEWS_INGEST_HTTP_LISTEN"]) == port, path,
                "ENV NEWS_INGEST_HTTP_LISTEN is not on port %d" % port)
    user = last.get("USER", "").split(":")[0].strip()
    c.check(user.isdigit() and int(user) != 0, path,
            "USER %r is not a numeric non-root uid (runAsNonRoot needs one)" % user)
    if dep and dep.get("user") is not None and user.isdigit():
        c.check(int(user) == dep["user"], path, "USER %s is not the Deployment's runAsUser %r"
                % (user, dep["user"]))
    check_build_packages(c, path, root, apt_packages(build))
    check_runtime_packages(c, path, apt_packages(run))
    check_entity_data(c, path, root, run, envs)


# Data files `run` loads at start (and on SIGHUP): (project path, variable overriding it).
ENTITY_DATA = (("models/ner-ar.model", "NEWS_INGEST_NER_MODEL"),
               ("data/kb/entities.tsv", "NEWS_INGEST_KB"))


def copies(instrs):
    """[(sources, destination)] of the stage's COPY instructions from the build context."""
    out = []
    for ins, args in instrs:
        words = json_form(args) or shlex.split(args)
        if ins != "COPY" or any(w.startswith("--from") for w in words):
            continue
        words = [w for w in words if not w.startswith("--")]
        if len(words) >= 2:
            out.append((words[:-1], words[-1]))
    return out


def check_entity_data(c, path, root, run, envs):
    """The model and KB are copied where the binary looks for them: <exe dir>/../<project path>
    (cmd_data_path), unless an ENV variable names another place, which must then be a copy."""
    bins = [a.split()[-1] for i, a in run if i == "COPY" and "--from" in a
            and a.split()[-1].endswith("/news-ingest")]
    if not c.check(len(bins) == 1, path, "the runtime stage does not copy the news-ingest binary"):
        return
    exe_dir = os.path.dirname(bins[0])
    cps = copies(run)
    for rel, var in ENTITY_DATA:
        c.check(os.path.isfile(os.path.join(root, rel)), path, "%s is not in the project" % rel)
        want = envs.get(var) or os.path.normpath(os.path.join(exe_dir, "..", rel))
        found = any(rel in srcs and (dst == want or (dst.endswith("/") and os.path.normpath(
            os.path.join(dst, os.path.basename(rel))) == want)) for srcs, dst in cps)
        c.check(found, path, "%s is not copied to %s, where the worker loads it from" % (rel, want))


def path_variants(path):
    """path, its real path, and each with /usr toggled (merged /usr: /lib is /usr/lib)."""
    out = []
    for p in (path, os.path.realpath(path)):
        out += [p, p[4:] if p.startswith("/usr/") else "/usr" + p]
    return list(dict.fromkeys(out))


def dpkg_owners(paths):
    """path -> owning package (or None) for every path, with one `dpkg -S` call."""
    variants = {p: path_variants(p) for p in paths}
    allv = sorted({v for vs in variants.values() for v in vs})
    q = subprocess.run(["dpkg", "-S"] + allv, capture_output=True, text=True) if allv else None
    owner = {}
    for line in (q.stdout if q else "").splitlines():
        pkgs, sep, path = line.rpartition(": ")
        if sep and "diversion" not in pkgs:
            owner[path.strip()] = pkgs.split(",")[0].split(":")[0].strip()
    return {p: next((owner[v] for v in vs if v in owner), None) for p, vs in variants.items()}


def check_build_packages(c, path, root, pkgs):
    """Build-stage packages: from scripts/setup.sh; include the owner of every required .pc."""
    setup = read_text(os.path.join(root, "scripts", "setup.sh"))
    m = re.search(r'PKGS="([^"]*)"', setup)
    allowed = set(m.group(1).replace("\\\n", " ").split()) if m else set()
    for p in pkgs:
        c.check(p in allowed, path, "build package %s is not in scripts/setup.sh" % p)
    cml = read_text(os.path.join(root, "CMakeLists.txt"))
    mods = [m for ms in re.findall(
        r"pkg_check_modules\(\w+\s+REQUIRED\s+IMPORTED_TARGET\s+([^)]*)\)", cml) for m in ms.split()]
    pcs = {}
    for mod in mods:
        q = subprocess.run(["pkg-config", "--variable=pcfiledir", mod], capture_output=True,
                           text=True)
        pcs[mod] = os.path.join(q.stdout.strip(), mod + ".pc") if q.returncode == 0 else mod
    owners = dpkg_owners(list(pcs.values()))
    for mod, pc in pcs.items():
        c.check(owners[pc] is not None and owners[pc] in pkgs, path,
                "build stage lacks %s (pkg-config %s)" % (owners[pc], mod))
    if "myhtml/api.h" in cml:
        c.check("libmodest-dev" in pkgs, path, "build stage lacks libmodest-dev (myhtml)")


def depends_closure(pkgs):
    """pkgs plus everything they depend on (installed dpkg data), alternatives included."""
    seen, level = set(), set(pkgs)
    while level:
        seen |= level
        q = subprocess.run(["dpkg-query", "-W", "-f=${Depends},${Pre-Depends}\n"] + sorted(level),
                           capture_output=True, text=True)
        names = {d.strip().split(" ")[0].split(":")[0] for d in re.split(r"[,|\n]", q.stdout)}
        level = {n for n in names if n} - seen
    return seen


def check_runtime_packages(c, path, pkgs):
    """Every shared object `ldd` resolves for the binary comes from the runtime packages."""
    c.check(not any(p.endswith("-dev") for p in pkgs), path, "runtime stage installs -dev packages")
    c.ldd_checked = 0
    p = subprocess.run(["ldd", c.a.binary], capture_output=True, text=True)
    if not c.check(p.returncode == 0, path, "ldd %s failed: %s" % (c.a.binary, p.stderr[:200])):
        return
    have = depends_closure(pkgs)
    libs = re.findall(r"^\s*(\S+)\s+=>\s+(\S+)", p.stdout, re.M)
    owners = dpkg_owners([f for _, f in libs if f != "not"])
    for lib, file in libs:
        if file == "not":
            c.check(False, path, "ldd: %s not found" % lib)
            continue
        owner = owners[file]
        if owner and SANITIZER_PKG_RE.match(owner):
            continue
        c.ldd_checked += 1
        c.check(owner is not None and owner in have, path,
                "%s (package %s) is not installed by the runtime stage" % (lib, owner))


# --- Compose ---------------------------------------------------------------------------------


def env_dict(svc):
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
    return {k: (str(v) if v is not None else None) for k, v in env.items()}


def check_compose(c, cdir, dockerfile, port):
    path = os.path.join(cdir, "compose.yaml")
    if not c.check(os.path.isfile(path), cdir, "no compose.yaml"):
        return
    docs = load_yaml_all(path)
    services = (docs[0] if docs else {}).get("services") or {}
    kafka = {n: s for n, s in services.items() if re.search(r"(^|/)(kafka|redpanda)",
                                                              str(s.get("image", "")))}
    workers = {n: s for n, s in services.items() if "build" in s}
    if not c.check(len(workers) == 1, path, "no single service built from the Dockerfile"):
        return
    wname, w = next(iter(workers.items()))
    check_compose_build(c, path, cdir, w, dockerfile)
    env = env_dict(w)
    c.check(not w.get("command") or w["command"][0] == "run", path, "worker command is not run")
    listen = env.get("NEWS_INGEST_HTTP_LISTEN")
    c.check(listen is None or parse_listen_port(listen) == port, path,
            "worker NEWS_INGEST_HTTP_LISTEN %r is not on port %d" % (listen, port))
    c.check(any(str(p).split(":")[-1].split("/")[0] == str(port) for p in w.get("ports") or []),
            path, "worker does not publish port %d" % port)
    grace = env.get("NEWS_INGEST_GRACE_MS") or "25000"
    stop = parse_duration_s(w.get("stop_grace_period", "10s"))
    c.check(stop is not None and grace.isdigit() and stop * 1000 > int(grace), path,
            "worker stop_grace_period %r is not above NEWS_INGEST_GRACE_MS %s"
            % (w.get("stop_grace_period"), grace))
    check_compose_kafka(c, path, services, kafka, wname, env)
    check_prometheus(c, path, cdir, services, wname, port)


def check_compose_build(c, path, cdir, w, dockerfile):
    b = w["build"] if isinstance(w["build"], dict) else {"context": w["build"]}
    df = os.path.join(cdir, b.get("context", "."), b.get("dockerfile", "Dockerfile"))
    c.check(os.path.isfile(df) and os.path.samefile(df, dockerfile), path,
            "worker build %s is not the project's Dockerfile" % df)


def check_compose_kafka(c, path, services, kafka, wname, env):
    if not c.check(bool(kafka), path, "no Kafka (or Redpanda) service"):
        return
    brokers = env.get("NEWS_INGEST_BROKERS") or ""
    host, _, bport = brokers.partition(":")
    ks = kafka.get(host)
    if not c.check(ks is not None, path, "worker NEWS_INGEST_BROKERS %r is not a Kafka service"
                   % brokers):
        return
    kenv = env_dict(ks)
    roles = kenv.get("KAFKA_PROCESS_ROLES") or kenv.get("KAFKA_CFG_PROCESS_ROLES") or ""
    if "kafka" in str(ks.get("image")):
        c.check("broker" in roles and "controller" in roles, path,
                "Kafka service is not a KRaft broker+controller")
        adv = kenv.get("KAFKA_ADVERTISED_LISTENERS") or kenv.get("KAFKA_CFG_ADVERTISED_LISTENERS")
        c.check("//%s:%s" % (host, bport) in str(adv), path,
                "NEWS_INGEST_BROKERS %s is not an advertised listener (%s)" % (brokers, adv))
    created = set()
    for n, s in services.items():
        cmd = s.get("command") or ""
        cmd = " ".join(cmd) if isinstance(cmd, list) else str(cmd)
        if "kafka-topics" in cmd or "rpk topic create" in cmd:
            created |= set(re.findall(r"--topic\s+(\S+)", cmd))
            dep = (s.get("depends_on") or {}) if isinstance(s.get("depends_on"), dict) else {}
            c.check((dep.get(host) or {}).get("condition") == "service_healthy", path,
                    "%s does not wait for %s to be healthy" % (n, host))
            wdep = services[wname].get("depends_on") or {}
            c.check(isinstance(wdep, dict) and (wdep.get(n) or {}).get("condition")
                    == "service_completed_successfully", path,
                    "worker does not wait for %s to complete" % n)
    for var in ("NEWS_INGEST_INPUT_TOPIC", "NEWS_INGEST_OUTPUT_TOPIC", "NEWS_INGEST_DLQ_TOPIC",
                "NEWS_INGEST_ENTITIES_TOPIC"):
        topic = env.get(var)
        if c.check(topic is not None, path, "worker does not set %s" % var) and topic:
            c.check(topic in created, path, "topic %s (%s) is not created" % (topic, var))


def check_prometheus(c, path, cdir, services, wname, port):
    prom = [s for s in services.values() if "prometheus" in str(s.get("image", ""))]
    if not c.check(len(prom) == 1, path, "no Prometheus service"):
        return
    files = [v.split(":")[0] for v in prom[0].get("volumes") or [] if isinstance(v, str)
             and v.split(":")[1].endswith("prometheus.yml")]
    if not c.check(len(files) == 1, path, "Prometheus does not mount a prometheus.yml"):
        return
    ppath = os.path.normpath(os.path.join(cdir, files[0]))
    if not c.check(os.path.isfile(ppath), path, "%s does not exist" % files[0]):
        return
    cfg = (load_yaml_all(ppath) or [{}])[0]
    want, found = "%s:%d" % (wname, port), False
    for job in cfg.get("scrape_configs") or []:
        targets = [t for sc in job.get("static_configs") or [] for t in sc.get("targets") or []]
        if want in targets:
            found = True
            c.check(job.get("metrics_path", "/metrics") == "/metrics", ppath,
                    "metrics_path %r is not /metrics" % job.get("metrics_path"))
    c.check(found, ppath, "no scrape target %s" % want)


# --- environments ----------------------------------------------------------------------------


def print_env(a, which):
    """NAME=value lines a worker gets in `which` (kubernetes: ConfigMap with its commented
    NEWS_INGEST_* lines enabled, Secret, Deployment env; compose: the worker's environment),
    after the Dockerfile's ENV defaults."""
    env = {}
    run = (dockerfile_stages(read_text(a.dockerfile)) or [("", [])])[-1][1]
    for ins, args in run:
        if ins == "ENV":
            env.update(re.findall(r"(NEWS_INGEST_[A-Z0-9_]+)=(\S+)", args))
    if which == "kubernetes":
        k = K8s(Checker(a), os.path.join(a.deploy, "kubernetes"))
        cm_text = read_text(k.file_of.get("ConfigMap", a.dockerfile))
        for name, value in re.findall(r"^\s*#\s*(NEWS_INGEST_[A-Z0-9_]+):\s*(.*)$", cm_text, re.M):
            env[name] = yaml.safe_load(value)
        env.update((k.docs.get("ConfigMap") or {}).get("data") or {})
        env.update((k.docs.get("Secret") or {}).get("stringData") or {})
        for e in container_of(k.docs.get("Deployment") or {}).get("env") or []:
            env[e["name"]] = e.get("value", "pod-name" if "valueFrom" in e else "")
    else:
        services = (load_yaml_all(os.path.join(a.deploy, "compose", "compose.yaml"))
                    or [{}])[0].get("services") or {}
        for svc in services.values():
            if "build" in svc:
                env.update(env_dict(svc))
    for name, value in env.items():
        print("%s=%s" % (name, value))
    return 0


# --- main ------------------------------------------------------------------------------------


def deploy_files(deploy):
    out = []
    for d, _, names in os.walk(deploy):
        out += [os.path.join(d, n) for n in sorted(names)]
    return sorted(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--print-env", choices=["kubernetes", "compose"])
    ap.add_argument("--root", required=True)
    ap.add_argument("--deploy")
    ap.add_argument("--dockerfile")
    ap.add_argument("--rdkafka-props")
    a = ap.parse_args()
    a.deploy = a.deploy or os.path.join(a.root, "deploy")
    a.dockerfile = a.dockerfile or os.path.join(a.root, "Dockerfile")
    a.base = os.path.dirname(os.path.abspath(a.deploy))
    c = Checker(a)
    try:
        if a.print_env:
            return print_env(a, a.print_env)
        if not a.binary:
            raise Fatal("--binary is required")
        c.help_text = run_help(a.binary)
        help_vars = set(VAR_RE.findall(c.help_text))
        port = help_default_port(c.help_text)
        if port is None:
            raise Fatal("`run --help` shows no default port for --http-listen")
        rdprops = read_rdkafka_props(a.rdkafka_props) if a.rdkafka_props else None
        check_variables(c, deploy_files(a.deploy) + [a.dockerfile], help_vars, rdprops)
        dep = check_kubernetes(c, os.path.join(a.deploy, "kubernetes"), port)
        check_dockerfile(c, a.dockerfile, a.root, port, dep)
        check_compose(c, os.path.join(a.deploy, "compose"), a.dockerfile, port)
    except Fatal as e:
        print("fatal: %s" % e)
        return 2
    for e in c.errors:
        print("error: %s" % e)
    if c.errors:
        return 1
    print("ok: %d checks (HTTP port %d, %d variables in run --help, %d libraries)"
          % (c.checks, port, len(help_vars), c.ldd_checked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
