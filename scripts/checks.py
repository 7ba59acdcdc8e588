"""The checks scripts/test runs, and how: side by side, as many at a time as the machine has cores.

A check starts once the checks it needs have passed, the first ready one in the order below first (the
longest ones early, so the short ones fill in around them). Each check's output goes to its own log; when it
ends, its heading, its time and its whole output are printed together, so lines of checks running at the
same time never interleave. The first check that fails stops the run: the checks still running are ended
(and said so), nothing else starts, and the exit status is 1. A check that passes but printed a Python
traceback fails too: a passing test run prints none (a test expecting a failure captures its log).

Usage: scripts/checks.py [--jobs N] [--list]   (N defaults to the number of cores)
"""
import argparse
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRACEBACK = "Traceback (most recent call last)"


class Check:
    def __init__(self, name, heading, command, needs=()):
        self.name, self.heading, self.command, self.needs = name, heading, command, tuple(needs)
        self.process = self.log = self.started = None


# name, heading, bash command (run with errexit and pipefail from the project root), the checks it needs.
CHECKS = [
    # On a cold jsii package cache (a new machine or runner) the synth of the default fills it first:
    # processes that start together on an empty one fail waiting for each other (scripts/synths.py).
    Check("compile", "compile the app and its tests once, before the checks that run them side by side (and "
                     "fill jsii's package cache with a synth of the default if it is empty)",
          "./mvnw -q -B --no-transfer-progress test-compile -Dmaven.compiler.useIncrementalCompilation=true\n"
          "python3 scripts/synths.py --warm >/dev/null"),
    Check("java", "Java tests: configuration, stacks, snapshots, workload manifests (kustomize + API schema)",
          "./mvnw -B --no-transfer-progress verify", needs=["compile"]),
    Check("shellcheck", "shellcheck over every shell script",
          "mapfile -t shell_scripts < <(grep -l '^#!/usr/bin/env bash' scripts/*)\n"
          'shellcheck "${shell_scripts[@]}" k8s/load-balancer-ingress k8s/wait-for-load-balancer .ci/run mvnw'),
    Check("buildspecs", "buildspecs: bash with errexit and pipefail, every command shellcheck-clean",
          "scripts/check-buildspecs"),
    Check("yamllint", "yamllint over every YAML file (settings in .yamllint.yaml)", "yamllint --strict ."),
    Check("workflows", "GitHub workflows: valid against the workflow schema (action-validator)",
          'for workflow in .github/workflows/*.yml; do action-validator "$workflow"; done  # one file at a time'),
    Check("synth", "synth of every configuration in src/test/resources/configurations.json and of the variants "
                   "the scripts' tests synthesize (tests/variants.json), offline, no credentials, once, for every "
                   "check after it: the default by cdk synth, the others in one JVM, whose synth of the default "
                   "must say what cdk synth's does",
          'names="$(python3 scripts/synths.py --names)"; mapfile -t names <<< "$names"\n'
          'variants="$(python3 scripts/synths.py --variants)"  # only the scripts\' tests read these\n'
          'if [[ -n $variants ]]; then mapfile -t variants <<< "$variants"; names+=("${variants[@]}"); fi\n'
          'assemblies="$(python3 scripts/synths.py "${names[@]}")"; mapfile -t assemblies <<< "$assemblies"\n'
          'for i in "${!names[@]}"; do\n'
          '  printf "%s: %s\\n" "${names[$i]}" "${assemblies[$i]}"\n'
          '  (cd "${assemblies[$i]}" && ls ./*.template.json)\n'
          "  python3 -c 'import json, sys; e = json.load(open(sys.argv[1]))\n"
          'print("  cost-estimate.json:", len(e["lines"]), "lines,", e["total"]["per30Days"], "USD per 30 days in",'
          " e[\"region\"])' \"${assemblies[$i]}/cost-estimate.json\"\n"
          "done", needs=["compile"]),
    # The scripts' tests in two halves that run side by side: the review's (a dozen reviews, each four
    # `cdk diff` runs) and all the others, which would otherwise end the run on one core.
    Check("review", "scripts/review against the snapshots: unchanged, one change, risky changes, replacements "
                    "followed across stacks, upgrades and rollbacks, markdown (the CDK CLI's diff, offline)",
          "python3 -m unittest discover --start-directory tests -p test_review.py", needs=["synth"]),
    Check("scripts", "scripts: release and verify-destroyed against moto_server on 127.0.0.1, preflight against the "
                     "API models (botocore Stubbers), the project reader, prerequisites on a bare PATH, e2e offline, "
                     "deploy-plan (gates from the review, the deployed commit against moto_server, health and drift "
                     "against Stubbers) and the deploy workflow",
          "modules=(); for test in tests/test_*.py; do\n"
          '  [[ $test == tests/test_review.py ]] || modules+=("$(basename "$test" .py)")  # the review check runs it\n'
          "done\n"
          'PYTHONPATH=tests python3 -m unittest "${modules[@]}"', needs=["synth"]),
    Check("off-hours", "off-hours Lambda: unit tests, and stop/start against moto_server's EKS and a TLS stand-in "
                       "on 127.0.0.1", "python3 -m unittest discover --start-directory lambda/off_hours"),
    Check("bad-config", "bad configuration end to end: non-zero exit, one line naming the key, no templates",
          "scripts/check-bad-config", needs=["compile"]),
    Check("cfn-lint", "cfn-lint over every template of every configuration (allow-list and reasons in "
                      ".cfnlintrc.yaml)",
          'names="$(python3 scripts/synths.py --names)"; mapfile -t names <<< "$names"\n'
          'assemblies="$(python3 scripts/synths.py "${names[@]}")"; mapfile -t assemblies <<< "$assemblies"\n'
          'templates=(); for assembly in "${assemblies[@]}"; do templates+=("$assembly"/*.template.json); done\n'
          'cfn-lint -- "${templates[@]}"\n'
          'echo "${#templates[@]} templates of ${#assemblies[@]} configurations lint clean."', needs=["synth"]),
    Check("sample-service", "sample service (app/): unit tests, graceful shutdown, persistence, on JDK 21+",
          'JAVA_HOME="$(scripts/java21-home)" ./mvnw -B --no-transfer-progress -f app/pom.xml verify'),
    Check("diagrams", "diagrams: docs/architecture.dot matches the synthesized stacks, every diagram renders "
                      "(graphviz)", 'scripts/diagram --check --assembly "$(python3 scripts/synths.py default)"',
          needs=["synth"]),
    Check("smoke-test", "smoke-test Lambda: unit tests",
          "python3 -m unittest discover --start-directory lambda/smoke_test"),
    Check("addon-versions", "add-on versions Lambda: unit tests against EKS's API model (botocore Stubber)",
          "python3 -m unittest discover --start-directory lambda/addon_versions"),
    Check("leftover-waiter", "leftover waiter Lambda: its delete against moto_server's EKS and ELB and a TLS "
                             "Kubernetes stand-in on 127.0.0.1",
          "python3 -m unittest discover --start-directory lambda/leftover_waiter"),
    Check("karpenter-waiter", "Karpenter instance waiter Lambda: its delete against moto_server's EC2 on 127.0.0.1",
          "python3 -m unittest discover --start-directory lambda/karpenter_waiter"),
    Check("vpc-preflight", "existing-VPC preflight Lambda: subnets, free addresses, NAT or endpoints, load balancer "
                           "tags added and removed, against EC2's API model (botocore Stubber)",
          "python3 -m unittest discover --start-directory lambda/vpc_preflight"),
]


def start(check, logs):
    check.log = open(logs / f"{check.name}.log", "w+")
    check.started = time.monotonic()
    check.process = subprocess.Popen(["bash", "-c", "set -euo pipefail\n" + check.command], cwd=ROOT,
                                     stdin=subprocess.DEVNULL, stdout=check.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # its own process group, to end it whole


def output(check):
    check.log.seek(0)
    return check.log.read()


def stop(check):
    """Ends a running check and everything it started."""
    try:
        os.killpg(check.process.pid, signal.SIGTERM)
        check.process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(check.process.pid, signal.SIGKILL)
        check.process.wait()


def report(check, seconds, failure=None):
    text = output(check)
    heading = f"== {check.heading}" if failure is None else f"== FAILED: {check.heading}"
    print(f"\n{heading}\n{text}{'' if not text or text.endswith(chr(10)) else chr(10)}"
          + (f"   {failure}\n" if failure else "") + f"   ({seconds:.0f} s)", flush=True)


def run(jobs):
    started = time.monotonic()
    waiting, running, passed = list(CHECKS), [], set()
    with tempfile.TemporaryDirectory(prefix="scripts-test-") as logs:
        try:
            while waiting or running:
                for check in [c for c in waiting if set(c.needs) <= passed][:max(0, jobs - len(running))]:
                    waiting.remove(check)
                    start(check, pathlib.Path(logs))
                    running.append(check)
                if not running:
                    raise SystemExit(f"scripts/checks.py: {', '.join(c.name for c in waiting)} need checks that "
                                     "are not defined")
                time.sleep(0.2)
                for check in [c for c in running if c.process.poll() is not None]:
                    running.remove(check)
                    seconds = time.monotonic() - check.started
                    failure = None
                    if check.process.returncode != 0:
                        failure = f"exited {check.process.returncode}"
                    elif TRACEBACK in output(check):
                        failure = ("passed but printed a Python traceback: a test lets a failure it expects reach "
                                   "the terminal; capture it (assertLogs, or the subprocess's stderr)")
                    if failure:
                        report(check, seconds, failure)
                        for other in running:
                            stop(other)
                        stopped = ", ".join(f"{c.name} (after {time.monotonic() - c.started:.0f} s)" for c in running)
                        print(f"\nscripts/test: {check.name} failed after {seconds:.0f} s"
                              + (f"; stopped {stopped}" if stopped else "")
                              + (f"; not started: {', '.join(c.name for c in waiting)}" if waiting else "") + ".",
                              flush=True)
                        return 1
                    report(check, seconds)
                    passed.add(check.name)
        except KeyboardInterrupt:
            for other in running:
                stop(other)
            print("\nscripts/test: interrupted.", flush=True)
            return 130
    print(f"\nscripts/test: every check passed in {time.monotonic() - started:.0f} s "
          f"({len(CHECKS)} checks, {jobs} at a time)", flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--list", action="store_true", help="print each check's name and heading, and run none")
    arguments = parser.parse_args()
    if arguments.list:
        for check in CHECKS:
            print(f"{check.name:15} {check.heading}")
        return 0
    return run(max(1, arguments.jobs))


if __name__ == "__main__":
    sys.exit(main())
