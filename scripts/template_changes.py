"""What a change between two sets of synthesized templates does to each resource: added, removed,
updated in place, or replaced because a create-only property changed. Create-only properties come from
the CloudFormation resource schemas that ship with cfn-lint (the registry's own schemas), so the answer
is CloudFormation's, not a guess.

Used by scripts/review (what an upgrade rolls) and by the upgrade rehearsal test:
  python3 scripts/template_changes.py BEFORE_DIR AFTER_DIR   prints the changes as JSON, one per resource
"""
import json
import pathlib
import sys


def create_only(resource_type, region="us-east-2"):
    """JSON pointers of the type's create-only properties; none for custom resources (always updated)."""
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return []
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    return PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema.get("createOnlyProperties", [])


def at(properties, pointer):
    """The value at a schema pointer such as /properties/KubernetesNetworkConfig/IpFamily within a
    resource's Properties; None where absent."""
    value = properties
    for step in pointer.split("/")[2:]:
        value = value.get(step) if isinstance(value, dict) else None
    return value


def resource_changes(old, new):
    """Each resource of two templates that differs: {id, type, change, properties, replacedBy}."""
    old_resources, new_resources = old.get("Resources", {}), new.get("Resources", {})
    changes = []
    for logical_id in sorted(set(old_resources) | set(new_resources)):
        before, after = old_resources.get(logical_id), new_resources.get(logical_id)
        if before == after:
            continue
        if before is None or after is None:
            changes.append({"id": logical_id, "type": (after or before)["Type"],
                            "change": "added" if before is None else "removed", "properties": [], "replacedBy": []})
            continue
        old_props, new_props = before.get("Properties", {}), after.get("Properties", {})
        changed = sorted(key for key in set(old_props) | set(new_props) if old_props.get(key) != new_props.get(key))
        replaced_by = [pointer for pointer in create_only(after["Type"])
                       if at(old_props, pointer) != at(new_props, pointer)]
        if not changed and not replaced_by:
            continue  # only metadata or dependencies differ: CloudFormation changes nothing in AWS
        changes.append({"id": logical_id, "type": after["Type"], "change": "replaced" if replaced_by else "updated",
                        "properties": changed, "replacedBy": replaced_by})
    return changes


def directory_changes(before, after):
    """{stack file name: changes} for the *.json templates of two folders."""
    names = sorted({p.name for p in pathlib.Path(before).glob("*.json")} | {p.name for p in pathlib.Path(after).glob("*.json")})
    read = lambda folder, name: json.loads((pathlib.Path(folder) / name).read_text()) if (pathlib.Path(folder) / name).exists() else {}
    return {name: resource_changes(read(before, name), read(after, name)) for name in names}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 scripts/template_changes.py BEFORE_DIR AFTER_DIR")
    print(json.dumps(directory_changes(sys.argv[1], sys.argv[2]), indent=1))
