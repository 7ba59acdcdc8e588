"""What a change between two sets of synthesized templates does to each resource: added, removed,
updated in place, or replaced because a create-only property changed. Create-only properties come from
the CloudFormation resource schemas that ship with cfn-lint (the registry's own schemas), so the answer
is CloudFormation's, not a guess.

A replacement gives the resource a new physical ID, so whatever refers to it (Ref, Fn::GetAtt, Fn::Sub)
sees a new value: a resource whose create-only property refers to a replaced one is replaced too (a new
cluster means new node groups, add-ons, access entries, OIDC provider and pod identity associations),
and one that refers to it elsewhere is updated. The same holds across stacks: a stack output whose value
comes from a replaced resource changes, and every resource of another stack that reads it
(Fn::GetStackOutput, Fn::ImportValue) changes with it, although that stack's template is the same
text and `cdk diff` shows it unchanged. The propagation runs until nothing more changes.

Used by scripts/review (what a change replaces, what an upgrade rolls) and by the upgrade rehearsal test:
  python3 scripts/template_changes.py BEFORE_DIR AFTER_DIR   prints the changes as JSON, one per resource

Each change: {id, type, change, properties, replacedBy, because}; `because` names what a second-order
change follows: "<logical ID>" in the same stack, or "<stack file>:<output name>" of another stack.
"""
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import pathlib
import re
import sys

SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")
# The create-only properties read from cfn-lint's schemas, kept by what they were read from (kept_file):
# importing cfn-lint costs about 1.7 s of CPU (its package imports its whole linter), and the review's
# tests, deploy-plan's and the upgrade rehearsals run this script some fifty times over the same types.
KEPT = pathlib.Path(__file__).resolve().parent.parent / "target" / "create-only"


@functools.lru_cache(maxsize=None)
def create_only(resource_type, region="us-east-2"):
    """JSON pointers of the type's create-only properties; none for custom resources (always updated)."""
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return []
    kept, known = kept_file(region), known_types(region)
    if resource_type not in known:
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
        known[resource_type] = schema.get("createOnlyProperties", [])
        if kept:
            keep(kept, known)
    return tuple(known[resource_type])


@functools.lru_cache(maxsize=None)
def known_types(region):
    """The create-only properties kept for `region`'s schemas, by type (filled in by create_only)."""
    kept = kept_file(region)
    try:
        return json.loads(kept.read_text()) if kept else {}
    except (OSError, ValueError):
        return {}


@functools.lru_cache(maxsize=None)
def kept_file(region):
    """Where the create-only properties of `region`'s schemas are kept: a file named by the cfn-lint that
    `import cfnlint` would load (its folder and version) and by its list of that region's schemas, each
    with the hash of its text, so that another cfn-lint or other schemas read them again. None when that
    cfn-lint cannot be told without importing it."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.origin:
        return None
    package = pathlib.Path(spec.origin).parent
    schemas = package / "data" / "schemas" / "providers" / f"{region.replace('-', '_')}.py"
    try:
        version = importlib.metadata.version("cfn-lint")
        listed = schemas.read_bytes()
    except (importlib.metadata.PackageNotFoundError, OSError):
        return None
    digest = hashlib.sha256(b"\0".join([str(package).encode(), version.encode(), listed])).hexdigest()[:16]
    return KEPT / f"{region}-{digest}.json"


def keep(kept, known):
    """Writes `known` to `kept` whole: another process reads a whole file or none."""
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        if kept.exists():
            known = {**json.loads(kept.read_text()), **known}  # what another process kept meanwhile
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
        partial.replace(kept)
    except (OSError, ValueError):
        pass  # kept or not, the answer is the schemas'


def at(properties, pointer):
    """The value at a schema pointer such as /properties/KubernetesNetworkConfig/IpFamily within a
    resource's Properties; None where absent."""
    value = properties
    for step in pointer.split("/")[2:]:
        value = value.get(step) if isinstance(value, dict) else None
    return value


def references(value):
    """What `value` refers to: ("resource", logical ID) for Ref, Fn::GetAtt and Fn::Sub, and
    ("output", output name) or ("export", name) for the cross-stack references."""
    found = set()
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            found.add(("resource", value["Ref"]))
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            found.add(("resource", target[0] if isinstance(target, list) else str(target).split(".")[0]))
        if "Fn::Sub" in value:
            text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
            found.update(("resource", name) for name in SUB_REFERENCE.findall(str(text)))
        if isinstance(value.get("Fn::GetStackOutput"), dict):
            found.add(("output", value["Fn::GetStackOutput"].get("OutputName")))
        if isinstance(value.get("Fn::ImportValue"), str):
            found.add(("export", value["Fn::ImportValue"]))
        for item in value.values():
            found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


def resource_changes(old, new):
    """Each resource of two templates whose own text differs: {id, type, change, properties, replacedBy}."""
    old_resources, new_resources = old.get("Resources", {}), new.get("Resources", {})
    changes = []
    for logical_id in sorted(set(old_resources) | set(new_resources)):
        before, after = old_resources.get(logical_id), new_resources.get(logical_id)
        if before == after:
            continue
        if before is None or after is None:
            changes.append({"id": logical_id, "type": (after or before)["Type"],
                            "change": "added" if before is None else "removed", "properties": [], "replacedBy": [],
                            "because": []})
            continue
        old_props, new_props = before.get("Properties", {}), after.get("Properties", {})
        changed = sorted(key for key in set(old_props) | set(new_props) if old_props.get(key) != new_props.get(key))
        replaced_by = [pointer for pointer in create_only(after["Type"])
                       if at(old_props, pointer) != at(new_props, pointer)]
        if not changed and not replaced_by:
            continue  # only metadata or dependencies differ: CloudFormation changes nothing in AWS
        changes.append({"id": logical_id, "type": after["Type"], "change": "replaced" if replaced_by else "updated",
                        "properties": changed, "replacedBy": replaced_by, "because": []})
    return changes


def moved_outputs(old, new, replaced):
    """The outputs (and exports) of a stack whose value changes: its text differs, or it comes from a
    replaced resource of the stack."""
    moved = set()
    old_outputs = old.get("Outputs", {})
    for name, output in new.get("Outputs", {}).items():
        targets = {target for kind, target in references(output.get("Value")) if kind == "resource"}
        if old_outputs.get(name, {}).get("Value") != output.get("Value") or targets & replaced:
            moved.add(("output", name))
            export = output.get("Export", {}).get("Name")
            if isinstance(export, str):
                moved.add(("export", export))
    return moved


def follow(changes, new, moved_elsewhere):
    """Adds to one stack's `changes` (by logical ID) what refers to a replaced resource of the stack or to
    a moved output of another stack; True when something was added."""
    replaced = {i for i, c in changes.items() if c["change"] == "replaced"}
    grown = False
    for logical_id, resource in sorted(new.get("Resources", {}).items()):
        change = changes.get(logical_id)
        if change and change["change"] in ("added", "removed", "replaced"):
            continue
        properties = resource.get("Properties", {})

        def reasons(value):
            found = references(value)
            return sorted({target for kind, target in found if kind == "resource" and target in replaced}
                          | {moved_elsewhere[(kind, target)] for kind, target in found
                             if (kind, target) in moved_elsewhere})
        pointers = [p for p in create_only(resource["Type"]) if reasons(at(properties, p))]
        keys = sorted(key for key in properties if reasons(properties[key]))
        if not keys:
            continue
        because = sorted({reason for key in keys for reason in reasons(properties[key])})
        if change is None:
            change = changes[logical_id] = {"id": logical_id, "type": resource["Type"], "change": "updated",
                                            "properties": [], "replacedBy": [], "because": []}
        before = (change["change"], list(change["properties"]), list(change["because"]))
        change["properties"] = sorted(set(change["properties"]) | set(keys))
        change["because"] = sorted(set(change["because"]) | set(because))
        if pointers:
            change["change"] = "replaced"
            change["replacedBy"] = sorted(set(change["replacedBy"]) | set(pointers))
        grown |= before != (change["change"], change["properties"], change["because"])
    return grown


def template_set_changes(olds, news):
    """{stack file name: changes} for two {stack file name: template} maps, followed to a fixed point
    within and across stacks (see the module's doc)."""
    names = sorted(set(olds) | set(news))
    changes = {name: {c["id"]: c for c in resource_changes(olds.get(name, {}), news.get(name, {}))}
               for name in names}
    while True:
        moved = {}
        for name in names:
            replaced = {i for i, c in changes[name].items() if c["change"] == "replaced"}
            for reference in moved_outputs(olds.get(name, {}), news.get(name, {}), replaced):
                moved[reference] = f"{name}:{reference[1]}"
        grown = False
        for name in names:
            elsewhere = {reference: where for reference, where in moved.items() if not where.startswith(name + ":")}
            grown |= follow(changes[name], news.get(name, {}), elsewhere)
        if not grown:
            return {name: [changes[name][i] for i in sorted(changes[name])] for name in names}


def directory_changes(before, after):
    """{stack file name: changes} for the *.json templates of two folders."""
    def read(folder):
        return {p.name: json.loads(p.read_text()) for p in sorted(pathlib.Path(folder).glob("*.json"))}
    return template_set_changes(read(before), read(after))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 scripts/template_changes.py BEFORE_DIR AFTER_DIR")
    print(json.dumps(directory_changes(sys.argv[1], sys.argv[2]), indent=1))
