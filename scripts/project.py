"""The project as the scripts see it: what synth wrote to cdk.out/project.json (the resolved
configuration and the names of stacks, cluster, pipeline, tag and log groups).

Every script reads the project here instead of cdk.json, so that defaults and `-c key=value` overrides
apply to the scripts exactly as to the stacks. Without overrides it reads cdk.out/, synthesized first
when its project.json is missing, older than cdk.json or the app's code, or was synthesized with other
settings than cdk.json's (a `cdk synth -c appName=x` into cdk.out/ must not make the scripts act on x);
with overrides, the synth of those overrides and the current sources that every script and test
shares (scripts/synths.py), leaving cdk.out/ as it was.
"""
import json
import os
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import synths  # noqa: E402  (one synth per configuration and source, shared)

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILE = "project.json"


def fail(message):
    """A usage or synth error: one line on stderr, exit status 2."""
    print(message, file=sys.stderr)
    sys.exit(2)


def cdk():
    local = ROOT / "node_modules" / ".bin" / "cdk"
    return str(local) if local.exists() else "cdk"


def add_arguments(parser):
    """The options every script that reads the project takes."""
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE",
                        help="a configuration override, as `cdk synth -c` takes it (repeatable)")
    parser.add_argument("--assembly", metavar="DIR",
                        help="read the project from this synthesized cloud assembly instead of cdk.out")


def synthesize(output, context=(), extra=()):
    """`cdk synth` into `output`; exits with synth's own message when the configuration is refused."""
    command = [cdk(), "synth", "--quiet", "--no-notices", "--output", str(output), *extra]
    for override in context:
        command += ["-c", override]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        fail(f"cdk synth failed, so the project's names are unknown (exit {result.returncode}).")


def assembly(arguments):
    """The cloud assembly the project is read from, synthesized first when stale (see the module's doc)."""
    for override in arguments.context:
        if "=" not in override:
            fail(f"-c {override} is not KEY=VALUE.")
    if arguments.assembly:
        return pathlib.Path(arguments.assembly)
    if arguments.context:
        return shared(arguments.context)
    folder = ROOT / "cdk.out"
    if stale(folder / FILE) or not same_settings(folder / FILE, []):
        synthesize(folder, arguments.context)
    return folder


def shared(context):
    """The shared synth of `context` (scripts/synths.py); exits with synth's own message when it is refused."""
    try:
        return synths.assembly(context)
    except synths.SynthFailed as failure:
        sys.stderr.write(failure.output)
        fail(f"cdk synth failed, so the project's names are unknown (exit {failure.returncode}).")


def asked(overrides):
    """The settings a synth with `overrides` runs with: cdk.json's context, then each KEY=VALUE (the CLI
    passes a -c value as a string), as project.json's "context" records them."""
    settings = {key: value for key, value in json.loads((ROOT / "cdk.json").read_text()).get("context", {}).items()
                if not key.startswith("@") and ":" not in key}
    for override in overrides:
        key, _, value = override.partition("=")
        settings[key] = value
    return settings


def same_settings(project, overrides):
    """True when `project` was synthesized with exactly the settings `overrides` ask for. Keys the CLI adds
    from cdk.context.json or ~/.cdk.json (lookups, acknowledged notices) are not settings of the app."""
    try:
        stored = json.loads(project.read_text()).get("context", {})
    except (OSError, ValueError):
        return False
    wanted = asked(overrides)
    cached = set()
    for extra in (ROOT / "cdk.context.json", pathlib.Path.home() / ".cdk.json"):
        try:
            found = json.loads(extra.read_text())
        except (OSError, ValueError):
            continue
        cached |= set(found.get("context", found) if extra.name == ".cdk.json" else found)
    return {k: v for k, v in stored.items() if k in wanted or k not in cached} == wanted


def load(arguments):
    """The project for parsed `arguments` (see add_arguments)."""
    path = assembly(arguments) / FILE
    if not path.exists():
        fail(f"{path} is missing; synthesize the app first (npx cdk synth).")
    return json.loads(path.read_text())


def stale(project):
    """True when `project` is missing or older than what it is made from: cdk.json and the app's code."""
    if not project.exists():
        return True
    sources = [ROOT / "cdk.json", *(ROOT / "src" / "main").rglob("*")]
    return any(source.stat().st_mtime > project.stat().st_mtime for source in sources if source.is_file())


# Throttling and transient errors are retried by botocore with backoff, up to this many attempts in all.
# https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
RETRY_ATTEMPTS = 10


def retries():
    import botocore.config

    return botocore.config.Config(retries={"mode": "standard", "max_attempts": RETRY_ATTEMPTS})


def session(region):
    """One boto3 session for every client of a run, so credentials are resolved once. A profile that
    assumes a role with MFA keeps its temporary credentials in the AWS CLI's own cache
    (~/.aws/cli/cache), as the CLI does: the code is asked once, not per service nor per script, and a
    later script or `aws` call reuses them until they expire (boto/botocore#1148). SSO profiles
    (`aws sso login`) and exported AWS_ACCESS_KEY_ID/AWS_SESSION_TOKEN work as boto3 reads them."""
    import boto3
    from botocore.utils import JSONFileCache

    made = boto3.session.Session(region_name=region)
    provider = made._session.get_component("credential_provider").get_provider("assume-role")
    provider.cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
    return made


def missing_stack(error):
    """True for CloudFormation's answer to a stack name it does not know: a ValidationError saying so.
    Anything else (AccessDenied, throttling, an expired token) says nothing about whether it exists.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html"""
    failure = error.response.get("Error", {})
    return failure.get("Code") == "ValidationError" and "does not exist" in failure.get("Message", "")


def stack_outputs(described):
    """The outputs by key of the stack in a CloudFormation DescribeStacks answer; {} when it has none."""
    return {output["OutputKey"]: output["OutputValue"]
            for output in (described.get("Stacks") or [{}])[0].get("Outputs", [])}


def stack_name(project, stack_id):
    """The deployed name of the stack with construct ID `stack_id`, e.g. Pipeline -> eks-pipeline-pipeline."""
    return next(stack["name"] for stack in project["stacks"] if stack["id"] == stack_id)
