"""Synths shared by every step of a test run and every script: one `cdk synth` per configuration and source.

A configuration is a set of `-c key=value` overrides of cdk.json's context. The named ones every check
runs against (the default, everything on, ...) are defined once, in src/test/resources/configurations.json,
which the Java tests read too (TestContext.named); adding one is one line there.

`assembly(overrides)` returns the cloud assembly synthesized with those overrides: target/synth/<name>-<key>/,
where the key hashes the overrides and every file of the project git sees that synth may read (the app's
code, cdk.json, the pom, the Lambdas, the manifests, the sample service the source bundle zips, the pinned
CLI in package-lock.json). It synthesizes
only when no assembly has that key, so a run's steps, processes running side by side (a lock file makes the
second wait for the first) and the next run on unchanged sources share one synth.

The synth runs without AWS credentials, as offline checks do: what the scripts read from it (names, the
estimate) does not depend on the account.

Synths started together share one more cache, jsii's: each library the app loads (aws-cdk-lib is 170 MB
unpacked) is unpacked once into a package cache under the user's home, under a lock file that the other
processes retry 12 times with a growing random sleep, about 13 s on average, and treat as stale after 10 s
(jsii's kernel, https://github.com/aws/jsii/pull/4215). On a cold cache, a new machine or CI runner, the
unpacking takes longer than that on two loaded cores, and every synth but the one unpacking failed. So
when that cache lacks this aws-cdk-lib, the first synth runs alone and the others start after it.

Several configurations are synthesized in one JVM: a `cdk synth` starts Maven, a JVM and jsii's runtime,
several seconds, before the app's first construct, and the scripts' tests, the review and cfn-lint need seven
configurations. So the default goes through `cdk synth`, as a user runs it, and all the others through the
entry point's own code in one JVM (Assemblies.java under src/test), each with the context the CLI passes
(read from the pinned CLI). That JVM synthesizes the default too, and its assembly must say what the CLI's
says, or the others count as failed (`compare`).

Usage: scripts/synths.py NAME...   synthesizes the named configurations and prints each
                                   one's assembly folder, one a line, in the order given
       scripts/synths.py --warm    synthesizes the default configuration if jsii's package cache lacks
                                   this aws-cdk-lib, so that the processes started next find it filled
       scripts/synths.py --names   prints the names of the configurations, one a line
       scripts/synths.py --variants  prints the names of the variants the scripts' tests synthesize
                                   (tests/variants.json), one a line; NAME may be one of them too
"""
import concurrent.futures
import contextlib
import fcntl
import hashlib
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIGURATIONS = ROOT / "src" / "test" / "resources" / "configurations.json"
CACHE = ROOT / "target" / "synth"
# Contexts the scripts' tests synthesize that are not configurations (the e2e dry runs' Karpenter and
# stages): the synth check synthesizes them beside the configurations, so that they cost one synth in its
# JVM instead of a `cdk synth` each; cfn-lint and the Java tests do not run over them.
VARIANTS = ROOT / "tests" / "variants.json"
# What synth writes, and what the app never reads (the tests, the scripts, the docs), so that editing a
# test or the README does not cost the next run its synths.
OUTSIDE = ("target/", "cdk.out/", "node_modules/", ".git/", "src/test/", "tests/", "scripts/", "docs/", ".github/",
           ".ci/", "README.md")
WRITTEN = ("manifest.json", "project.json", "cost-estimate.json")  # what a finished synth has written


def configurations():
    """Each named configuration's overrides, by name, in the file's order."""
    return json.loads(CONFIGURATIONS.read_text())


def variants():
    """The variants the scripts' tests synthesize besides the configurations, by name, as overrides: each is
    synthesized by the synth check with the configurations, in its one JVM, and no other check runs over it."""
    return json.loads(VARIANTS.read_text())


def overrides(name):
    """The named configuration or variant as `-c` values, KEY=VALUE (JSON for what is not a string)."""
    named = {**variants(), **configurations()}
    if name not in named:
        raise SystemExit(f"No configuration {name} in {CONFIGURATIONS.relative_to(ROOT)} and no variant of that name in "
                         f"{VARIANTS.relative_to(ROOT)}; there are {', '.join(named)}.")
    return [f"{key}={value if isinstance(value, str) else json.dumps(value, separators=(',', ':'))}"
            for key, value in named[name].items()]


def name_of(context):
    """The name of the configuration whose overrides are `context` (in any order); None for another one."""
    given = as_dict(context)
    return next((name for name in configurations() if as_dict(overrides(name)) == given), None)


def as_dict(context):
    return dict(override.split("=", 1) for override in context)


def source_files():
    """The project's files that a synth may read, as paths relative to ROOT, sorted."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=False)
    if listed.returncode == 0:
        paths = [path for path in listed.stdout.decode().split("\0") if path]
    else:  # not a git checkout (an unpacked archive): every file but build output
        paths = [str(path.relative_to(ROOT)) for path in ROOT.rglob("*") if path.is_file()]
    return sorted(path for path in paths if not path.startswith(OUTSIDE) and (ROOT / path).is_file())


def key(context):
    """What a synth with `context` depends on, hashed: the overrides (in any order) and every source file."""
    digest = hashlib.sha256(json.dumps(sorted(as_dict(context).items())).encode())
    for path in source_files():
        digest.update(path.encode() + b"\0" + (ROOT / path).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def folder(context):
    """Where the assembly of `context` is kept: named after its configuration, or after its overrides."""
    name = name_of(context)
    if name is None:
        name = re.sub(r"[^A-Za-z0-9.-]+", "-", "-".join(context))[:40].strip("-") or "default"
    return CACHE / f"{name}-{key(context)}"


def offline_environment():
    """The environment without AWS credentials, region or metadata service: synth resolves no account."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_DEFAULT_"))}
    env.update(AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_CONFIG_FILE="/nonexistent",
               AWS_EC2_METADATA_DISABLED="true")
    return env


def cdk():
    """The pinned CDK CLI (package-lock.json), or the one on PATH before `npm ci`."""
    local = ROOT / "node_modules" / ".bin" / "cdk"
    return str(local) if local.exists() else "cdk"


def failure_output(result, *more):
    """What says why a synth failed: the app's own refusals go to stderr; Maven reports what stopped the JVM
    (an exception in the app, jsii's runtime) on stdout, its last lines say which."""
    return "\n".join(result.stdout.splitlines()[-40:] + [result.stderr, *more])


class SynthFailed(Exception):
    def __init__(self, returncode, output):
        super().__init__(f"cdk synth exited {returncode}")
        self.returncode = returncode
        self.output = output


def assembly(context=()):
    """The cloud assembly of `context` (a list of KEY=VALUE), synthesized first unless one with its key exists.
    Raises SynthFailed, with the CLI's output, when synth fails (a refused configuration)."""
    context = list(context)
    target = folder(context)
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one synth per key; who comes second waits and reuses it
        if target.is_dir():  # only a finished synth is moved there
            return target
        partial = pathlib.Path(tempfile.mkdtemp(dir=CACHE, prefix=target.name + ".partial-"))
        command = [cdk(), "synth", "--quiet", "--no-notices", "--output", str(partial)]
        for override in context:
            command += ["-c", override]
        result = subprocess.run(command, cwd=ROOT, env=offline_environment(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, check=False)
        forget_older(target)
        if result.returncode != 0 or not all((partial / name).exists() for name in WRITTEN):
            shutil.rmtree(partial, ignore_errors=True)
            raise SynthFailed(result.returncode, failure_output(result))
        (partial / "synth.log").write_text(result.stderr)
        try:
            partial.rename(target)
        except OSError:
            if not target.is_dir():
                raise
            shutil.rmtree(partial, ignore_errors=True)  # another process finished the same synth first
    return target


def forget_older(target):
    """Removes what older sources of the same configuration left in the cache: of no more use."""
    same = re.compile(re.escape(target.name[:-16]) + r"[0-9a-f]{16}(\.lock)?")
    for old in CACHE.iterdir():
        if same.fullmatch(old.name) and not old.name.startswith(target.name):
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)


def named(name):
    """The assembly of the named configuration."""
    return assembly(overrides(name))


def cdk_version():
    """The aws-cdk-lib version the app is built with, from the pom."""
    return re.search(r"<cdk\.version>([^<]+)</cdk\.version>", (ROOT / "pom.xml").read_text()).group(1)


def jsii_cache_cold():
    """True when jsii's package cache has no finished copy of this aws-cdk-lib (so synths started together
    would all unpack it). Where the kernel keeps it: JSII_RUNTIME_PACKAGE_CACHE_ROOT, else on Linux
    ~/.cache/aws/jsii/package-cache, else Library/Caches on macOS; a finished entry holds a marker file.
    With the cache disabled, each process unpacks into a folder of its own: nothing is shared."""
    if os.environ.get("JSII_RUNTIME_PACKAGE_CACHE", "enabled") != "enabled":
        return False
    root = os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT")
    if root:
        root = pathlib.Path(root)
    elif sys.platform == "darwin":
        root = pathlib.Path.home() / "Library" / "Caches" / "com.amazonaws.jsii" / "package-cache"
    else:
        root = pathlib.Path.home() / ".cache" / "aws" / "jsii" / "package-cache"
    return not any((root / "aws-cdk-lib" / cdk_version()).glob("*/.jsii-runtime-package-cache"))


def synthesized(name):
    """True when the named configuration's assembly for the current sources exists."""
    return folder(overrides(name)).is_dir()


def all_named(names):
    """Each named configuration's assembly or its SynthFailed, in the order given. The default goes through
    `cdk synth`, as a user runs it, and so does a configuration synthesized alone; when there are more, all
    but the default are synthesized in one JVM (`in_one_jvm`), side by side with the CLI, or after it while
    jsii's package cache is cold (see the top of this file). That JVM synthesizes the default too, and what
    it wrote must be what `cdk synth` wrote (`compare`): the CLI's default is synthesized for it if no
    assembly of it is kept."""
    pending = list(dict.fromkeys(names))
    to_synthesize = [name for name in pending if not synthesized(name)]
    together = [name for name in to_synthesize if name != "default"] if len(to_synthesize) > 1 else []
    by_cli = [name for name in to_synthesize if name not in together]
    if together and "default" not in by_cli:
        by_cli.append("default")
    results = {name: outcome(name) for name in pending if name not in to_synthesize}
    if together and jsii_cache_cold():
        results[by_cli[0]] = outcome(by_cli[0])
    with concurrent.futures.ThreadPoolExecutor() as pool:
        cli = {name: pool.submit(outcome, name) for name in by_cli if name not in results}
        results.update(in_one_jvm(together, check="default" if together else None))
        results.update({name: future.result() for name, future in cli.items()})
    checked = results.pop(CHECK, None)
    if isinstance(checked, SynthFailed):
        results.update({name: checked for name in together})
    elif checked is not None and isinstance(results["default"], SynthFailed):
        shutil.rmtree(checked, ignore_errors=True)
        results.update({name: SynthFailed(1, "cdk synth of the default, which the one-JVM synths are compared "
                                             "with, failed") for name in together})
    elif checked is not None:
        differences = compare(results["default"], checked)
        if differences:
            failure = SynthFailed(1, "the one-JVM synth of the default wrote what `cdk synth` did not: "
                                     + "; ".join(differences))
            results.update({name: failure for name in together})
    return [results[name] for name in names]


CHECK = "default, in one JVM"  # the one-JVM synth of the default, compared with the CLI's


def cli_context():
    """The context `cdk synth` passes the app without -c: cdk.json's, the user's settings and the CLI's own
    keys (path and asset metadata, version reporting, bundling). Read from the pinned CLI itself, running an
    app that writes down what it was given; `-c key=value` adds each value as a string."""
    with tempfile.TemporaryDirectory() as probe:
        written = pathlib.Path(probe) / "context.json"
        app = (f"{shlex.quote(sys.executable)} -c 'import os, sys; open(sys.argv[1], \"w\").write(os.environ.get("
               f"\"CDK_CONTEXT_JSON\") or open(os.environ[\"CDK_CONTEXT_OVERFLOW_LOCATION\"]).read())' "
               f"{shlex.quote(str(written))}")
        result = subprocess.run([cdk(), "synth", "--quiet", "--no-notices", "--app", app,
                                 "--output", str(pathlib.Path(probe) / "out")], cwd=ROOT, env=offline_environment(),
                                capture_output=True, text=True, check=False)
        if not written.exists():  # the CLI exits 1 either way: the probe writes no assembly
            raise SynthFailed(result.returncode, "cdk synth did not run an app: " + result.stderr)
        return json.loads(written.read_text())


def in_one_jvm(names, check=None):
    """Synthesizes the named configurations in one JVM (src/test/java/.../support/Assemblies.java): each with
    the context `cdk synth -c ...` would pass, by the entry point's own code, into the folder `assembly` would
    keep it in. Returns each name's assembly or SynthFailed; with `check`, also the default's, under CHECK."""
    if not names:
        return {}
    targets = {name: folder(overrides(name)) for name in names}
    if check:
        targets[CHECK] = folder(overrides("default"))  # the name its partial folder starts with
    CACHE.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        for name in sorted(names, key=lambda n: targets[n].name):  # one order for every process: no deadlock
            lock = stack.enter_context(open(CACHE / f"{targets[name].name}.lock", "w"))
            fcntl.flock(lock, fcntl.LOCK_EX)
        results = {name: targets[name] for name in names if targets[name].is_dir()}
        todo = [name for name in names if name not in results]
        if not todo:
            return results
        if check:
            todo.append(CHECK)
        try:
            base = cli_context()
        except SynthFailed as failure:
            return {**results, **{name: failure for name in todo}}
        jobs = {}
        for name in todo:
            partial = pathlib.Path(tempfile.mkdtemp(dir=CACHE, prefix=targets[name].name + ".partial-"))
            jobs[name] = {"outdir": str(partial), "log": str(partial / "synth.log"),
                          "context": {**base, **as_dict(overrides("default" if name == CHECK else name))}}
        job_file = stack.enter_context(tempfile.NamedTemporaryFile("w", suffix=".json", dir=CACHE))
        json.dump(list(jobs.values()), job_file)
        job_file.flush()
        result = subprocess.run([str(ROOT / "mvnw"), "-q", "-B", "--no-transfer-progress", "test-compile", "exec:java",
                                 "-Dexec.classpathScope=test",
                                 "-Dexec.mainClass=com.ekspipeline.support.Assemblies",
                                 f"-Dexec.args={job_file.name}"], cwd=ROOT, env=offline_environment(),
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
        for name, job in jobs.items():
            partial = pathlib.Path(job["outdir"])
            if not all((partial / written).exists() for written in WRITTEN):
                log = pathlib.Path(job["log"])
                results[name] = SynthFailed(result.returncode, failure_output(
                    result, log.read_text() if log.exists() else ""))
                shutil.rmtree(partial, ignore_errors=True)
            elif name == CHECK:
                results[name] = partial  # compared, then removed, by the caller
            else:
                forget_older(targets[name])
                partial.rename(targets[name])
                results[name] = targets[name]
    return results


def compare(by_cli, in_jvm):
    """What the one-JVM synth wrote differently from `cdk synth` (their logs and timings aside); removes `in_jvm`.

    Two synths of one configuration, even two `cdk synth` runs, write some files differently, and these are
    compared for what they say. A template's keys come in another order where the app builds a map with
    Java's Map.of (its order changes from JVM to JVM), so templates and the tree are compared as JSON. The
    manifests name each template by a hash of its bytes: in those, hashes and jsii's temporary folders are
    masked before they are compared as JSON (the assets' own hashes are compared still, in their file
    names). The metadata are compared for what synth reported on each construct (warnings, logical IDs),
    not for the stack traces it recorded, which name jsii's temporary folders and lines of whichever
    Node.js ran jsii. Everything else (the assets, project.json, the cost estimate) must be the same bytes."""
    try:
        files = {str(path.relative_to(by_cli)) for path in by_cli.rglob("*") if path.is_file()} - NOT_COMPARED
        written = {str(path.relative_to(in_jvm)) for path in in_jvm.rglob("*") if path.is_file()} - NOT_COMPARED
        differences = [f"only cdk synth wrote {path}" for path in sorted(files - written)]
        differences += [f"only the JVM wrote {path}" for path in sorted(written - files)]
        differences += [f"{path} differs" for path in sorted(files & written)
                        if meaning(by_cli, path) != meaning(in_jvm, path)]
        return differences
    finally:
        shutil.rmtree(in_jvm, ignore_errors=True)


# The logs, and the timings aws-cdk-lib writes where the CLI's CDK_PERF_COUNTERS_FILE says.
NOT_COMPARED = {"synth.log", "performance-counters.json"}
BYTE_FOR_BYTE = ("project.json", "cost-estimate.json")  # what the app writes beside CDK's files
MASKED = re.compile(r"\b[0-9a-f]{64}\b|-[0-9a-f]{8}\b|/tmp/jsii-[A-Za-z0-9-]+")


def meaning(assembly, path):
    """What `path` in `assembly` says, as compare() reads it."""
    data = (assembly / path).read_bytes()
    if not path.endswith(".json") or "/" in path:
        return data
    if path.endswith(".template.json") or path == "tree.json":
        return json.loads(data)
    if path in BYTE_FOR_BYTE:
        return data
    masked = json.loads(MASKED.sub("<masked>", data.decode()))
    if path.endswith(".metadata.json"):
        return {construct: [(entry["type"], entry.get("data")) for entry in entries
                            if entry["type"] != "aws:cdk:creationStack"] for construct, entries in masked.items()}
    return masked


def outcome(name):
    try:
        return named(name)
    except SynthFailed as failure:
        return failure


def main(arguments):
    if arguments == ["--names"]:
        print("\n".join(configurations()))
        return 0
    if arguments == ["--variants"]:
        print("\n".join(variants()))
        return 0
    if arguments == ["--warm"]:
        arguments = ["default"] if jsii_cache_cold() else []
        if not arguments:
            return 0
    if not arguments or any(argument.startswith("-") for argument in arguments):
        print(__doc__.split("Usage: ")[1], file=sys.stderr)
        return 2
    failed = False
    for name, result in zip(arguments, all_named(arguments)):
        if isinstance(result, SynthFailed):
            print(f"cdk synth of configuration {name} failed ({result}):\n{result.output}", file=sys.stderr)
            failed = True
        else:
            print(result.relative_to(ROOT))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
