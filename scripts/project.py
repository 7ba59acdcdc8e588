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


cdk = synths.cdk  # the pinned CLI


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


def session(region, profile=None):
    """One boto3 session for every client of a run, so credentials are resolved once. A profile that
    assumes a role with MFA keeps its temporary credentials in the AWS CLI's own cache
    (~/.aws/cli/cache), as the CLI does: the code is asked once, not per service nor per script, and a
    later script or `aws` call reuses them until they expire (boto/botocore#1148). SSO profiles
    (`aws sso login`) and exported AWS_ACCESS_KEY_ID/AWS_SESSION_TOKEN work as boto3 reads them."""
    import boto3
    from botocore.utils import JSONFileCache

    made = boto3.session.Session(region_name=region, profile_name=profile)
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


# ---- where the stacks go, and credentials for each account -------------------------------------------

def targets(project):
    """The project's clusters, each with where it is, its stacks and its log-group prefixes. With `stages`
    synth lists them (ProjectFile.java); the default's one is read from the top-level names, which stay as
    they always were."""
    if "targets" in project:
        return project["targets"]
    cluster = project["clusterName"]
    return [{"stage": None, "account": project.get("account"), "region": project["region"],
             "availabilityZones": project.get("context", {}).get("availabilityZones", []), "clusterName": cluster,
             "kubernetesVersion": project.get("kubernetesVersion"),
             "stacks": [stack for stack in project["stacks"] if stack["id"] != "Pipeline"],
             "logGroupPrefixes": [f"/aws/eks/{cluster}/", f"/aws/containerinsights/{cluster}/"]}]


def stack_place(project, stack):
    """(account or None, region) a stack goes to; None: the deploying credentials' account."""
    return stack.get("account", project.get("account")), stack.get("region", project["region"])


def places(project):
    """Every account and region the project's stacks go to, in the order `cdk destroy` removes them (the
    pipeline's, then production's, then staging's): each once, as {"account", "region", "stacks",
    "clusters"}, its stacks in destroy order and the targets whose clusters are there."""
    found = {}
    for stack in reversed(project["stacks"]):
        account, region = stack_place(project, stack)
        found.setdefault((account, region), {"account": account, "region": region, "stacks": [], "clusters": []})
        found[(account, region)]["stacks"].append(stack)
    for target in targets(project):
        key = (target.get("account", project.get("account")), target["region"])
        found.setdefault(key, {"account": key[0], "region": key[1], "stacks": [], "clusters": []})["clusters"].append(target)
    return list(found.values())


def delivery_account(project):
    """The account of the pipeline's stack (the app's own, delivery account); None when the configuration
    names none, and every stack goes to the deploying credentials' account."""
    return stack_place(project, next(s for s in project["stacks"] if s["id"] == "Pipeline"))[0]


def add_credential_arguments(parser):
    """The options of the scripts that look into every account the project names."""
    parser.add_argument("--profile", action="append", default=[], metavar="ACCOUNT=PROFILE",
                        help="the AWS profile whose credentials act in ACCOUNT (repeatable)")
    parser.add_argument("--role", metavar="NAME",
                        help="in each other account the project names, assume the read-only role NAME there "
                             "(see docs/stages.md)")


class NoCredentials(Exception):
    """One line: which account has no credentials, or whose credentials act elsewhere, and what to give."""


class Credentials:
    """A boto3 session per account: the profile given for it (--profile ACCOUNT=PROFILE), else the current
    credentials when they are that account's, else the role --role names, assumed in that account with the
    current credentials (STS AssumeRole, https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
    Each session is checked with GetCallerIdentity: a profile of another account is refused, not used."""

    def __init__(self, region, profiles=(), role=None, make=None):
        self.region, self.role, self.make = region, role, make or session
        self.profiles = {}
        for given in profiles:
            account, _, profile = given.partition("=")
            if not (account.isdigit() and len(account) == 12 and profile):
                raise NoCredentials(f"--profile {given} is not ACCOUNT=PROFILE with a 12-digit account.")
            self.profiles[account] = profile
        self.sessions, self._current, self._caller = {}, None, None

    def current(self):
        if self._current is None:
            self._current = self.make(self.region)
        return self._current

    def caller(self):
        """The account of the current credentials (boto3's usual sources)."""
        if self._caller is None:
            self._caller = self.current().client("sts").get_caller_identity()["Account"]
        return self._caller

    def account(self, account):
        """The account itself, or the current credentials' when the configuration names none."""
        return account or self.caller()

    def session(self, account=None):
        """The session that acts in `account` (None: the current credentials' account)."""
        account = self.account(account) if account is None else account
        if account in self.sessions:
            return self.sessions[account]
        if account in self.profiles:
            made = self.make(self.region, self.profiles[account])
            found = made.client("sts").get_caller_identity()["Account"]
            if found != account:
                raise NoCredentials(f"--profile {account}={self.profiles[account]} acts in account {found}, not "
                                    f"{account}.")
        elif account == self.caller():
            made = self.current()
        elif self.role:
            import boto3

            arn = f"arn:aws:iam::{account}:role/{self.role}"
            given = self.current().client("sts").assume_role(RoleArn=arn, RoleSessionName="eks-pipeline-inspect")
            keys = given["Credentials"]
            made = boto3.session.Session(aws_access_key_id=keys["AccessKeyId"],
                                         aws_secret_access_key=keys["SecretAccessKey"],
                                         aws_session_token=keys["SessionToken"], region_name=self.region)
        else:
            raise NoCredentials(f"account {account} has no credentials here (the current ones act in "
                                f"{self.caller()}): give --profile {account}=PROFILE, or --role NAME to assume the "
                                "read-only role NAME in it.")
        self.sessions[account] = made
        return made
