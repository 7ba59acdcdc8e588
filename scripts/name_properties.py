"""Which properties of a resource type hold a physical name the template sets, from the CloudFormation resource
schemas that ship with cfn-lint (the registry's own schemas), so the list is CloudFormation's, not a hand list.

A name property is a string the template may set (not read-only) called `Name` or `...Name`, at the top of the
resource's properties or one object below them, that is part of what identifies the resource: in the schema's
primaryIdentifier or createOnlyProperties (RoleName, BucketName, FunctionName, Nodegroup's ClusterName), or
the type's own name even where it can be updated (a NotificationRule's `Name`, a Budget's Budget/BudgetName).
A name property that refers to another resource (ClusterName) is resolved to that resource's name by the
test that reads this, so a node group is identified by its cluster's name and its own.

Two exceptions, by hand: a VPC endpoint's ServiceName is AWS's service (com.amazonaws.<region>.s3), the same
for every endpoint, which its VPC identifies; an inline policy's PolicyName is scoped to the role, user or
group it is attached to (IAM: "must be unique within the role").

Used by the physical-names test (two apps in one account must never clash):
  python3 scripts/name_properties.py TYPE...   prints {type: [JSON pointer, ...]} as JSON
"""
import json
import sys

NOT_NAMES = {"AWS::EC2::VPCEndpoint": {"/properties/ServiceName"},
             "AWS::IAM::Policy": {"/properties/PolicyName"}}


def name_properties(resource_type, region="us-east-2"):
    """JSON pointers of the type's name properties; none for custom resources, which have no schema."""
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return []
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
    read_only = set(schema.get("readOnlyProperties", []))
    identifying = set(schema.get("primaryIdentifier", [])) | set(schema.get("createOnlyProperties", []))
    own = resource_type.split("::")[-1] + "Name"
    candidates = []
    for name, spec in schema.get("properties", {}).items():
        spec = resolve(schema, spec)
        if is_name(name, spec):
            candidates.append(("/properties/" + name, name in ("Name", own)))
        elif spec.get("type") == "object":
            candidates += [("/properties/" + name + "/" + inner, inner == own)
                           for inner, inner_spec in spec.get("properties", {}).items()
                           if is_name(inner, resolve(schema, inner_spec))]
    return sorted(pointer for pointer, owns in candidates
                  if pointer not in read_only and pointer not in NOT_NAMES.get(resource_type, set())
                  and (pointer in identifying or owns))


def resolve(schema, spec):
    """A property's schema with a local $ref (#/definitions/X) followed."""
    ref = spec.get("$ref", "")
    if ref.startswith("#/definitions/"):
        return schema.get("definitions", {}).get(ref.split("/")[-1], {})
    return spec


def is_name(name, spec):
    return (name == "Name" or name.endswith("Name")) and spec.get("type") == "string"


if __name__ == "__main__":
    print(json.dumps({t: name_properties(t) for t in sys.argv[1:]}, indent=1, sort_keys=True))
