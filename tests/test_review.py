"""scripts/review: the CDK CLI's diff of the synthesized app against snapshots, offline.
Run: python3 -m unittest discover --start-directory tests"""
import contextlib
import io
import json
import pathlib
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

ROOT = pathlib.Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "src" / "test" / "resources" / "snapshots"
ASSEMBLY = ROOT / "target" / "review" / "assembly"


def raise_max_size(resources):
    """One property of one resource: zone a's node group's maxSize, 2 in the app, 3 in the 'before'."""
    resources["ClusterNodegroupgeneraluseast2aFB54B10F"]["Properties"]["ScalingConfig"]["MaxSize"] = 3


def at_version(version):
    """The 'before' of an upgrade: the cluster and its node groups at `version`."""
    def change(resources):
        for resource in resources.values():
            if resource["Type"] in ("AWS::EKS::Cluster", "AWS::EKS::Nodegroup"):
                resource["Properties"]["Version"] = version
    return change


def renamed_cluster(resources):
    """The 'before' of a cluster replacement: the same cluster under another name."""
    resources["ClusterEB0386A7"]["Properties"]["Name"] = "eks-pipeline-old"


def other_instance_types(resources):
    """The 'before' of a node group replacement that keeps its name: other instance types (zone a's group)."""
    resources["ClusterNodegroupgeneraluseast2aFB54B10F"]["Properties"]["InstanceTypes"] = ["m5.large"]


def other_private_subnets(resources):
    """The 'before' of a subnet replacement in the Network stack: other CIDR blocks."""
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::EC2::Subnet" and "Private" in logical_id:
            resource["Properties"]["CidrBlock"] = resource["Properties"]["CidrBlock"].replace("10.0.", "10.9.", 1)


def risky(resources):
    """The 'before' of risky Pipeline changes: a bucket added and one replaced, an IAM statement and a
    security group rule changed."""
    resources["Artifacts82DD59A1"]["Properties"]["BucketName"] = "old-artifacts"
    resources["DeployToClusterApi"]["Properties"]["FromPort"] = 8443
    resources["OldReports"] = {"Type": "AWS::S3::Bucket"}
    resources["SmokeTestRoleDefaultPolicy6EA68822"]["Properties"]["PolicyDocument"]["Statement"].append(
        {"Action": "s3:GetObject", "Effect": "Allow", "Resource": "*"})


def snapshot_templates(stack=None, change=None):
    """{stack file name: template} of the committed snapshots, `change` applied to `stack`'s resources."""
    templates = {path.name: json.loads(path.read_text()) for path in SNAPSHOTS.glob("*.json")}
    if change:
        change(templates[f"{stack}.json"]["Resources"])
    return templates


class TemplateChangesTest(unittest.TestCase):
    """scripts/template_changes.py on its own, over the snapshots: no synth."""

    def changes(self, before, after):
        """scripts/template_changes.py BEFORE_DIR AFTER_DIR, as the upgrade rehearsal runs it."""
        folders = []
        for templates in (before, after):
            folder = pathlib.Path(tempfile.mkdtemp())
            self.addCleanup(shutil.rmtree, folder)
            for name, template in templates.items():
                (folder / name).write_text(json.dumps(template))
            folders.append(str(folder))
        result = subprocess.run(["python3", str(ROOT / "scripts" / "template_changes.py"), *folders],
                                capture_output=True, text=True, timeout=300, check=True)
        return json.loads(result.stdout)

    def test_a_replaced_cluster_replaces_everything_whose_create_only_property_refers_to_it(self):
        found = self.changes(snapshot_templates("Cluster", renamed_cluster), snapshot_templates())

        replaced = {c["id"]: c for c in found["Cluster.json"] if c["change"] == "replaced"}
        self.assertEqual(7, len(replaced), sorted(replaced))
        self.assertEqual(["/properties/Name"], replaced["ClusterEB0386A7"]["replacedBy"])
        types = sorted(c["type"] for c in replaced.values())
        # ... and the kubectl provider's rule into the new cluster's security group.
        self.assertEqual(["AWS::EC2::SecurityGroupIngress", "AWS::EKS::AccessEntry"] + ["AWS::EKS::Addon"] * 3 + [
            "AWS::EKS::Cluster", "AWS::IAM::OIDCProvider"], types)
        # The Nodes stack reads the cluster's name through an output of the Cluster stack.
        nodes = {c["id"]: c for c in found["Nodes.json"] if c["change"] == "replaced"}
        # (with the leftover waiter's access entry and its rule into the cluster's security group)
        self.assertEqual(["AWS::EC2::SecurityGroupIngress", "AWS::EKS::AccessEntry"] + ["AWS::EKS::Addon"] * 3
                         + ["AWS::EKS::Nodegroup"] * 3 + ["AWS::EKS::PodIdentityAssociation"] * 2,
                         sorted(c["type"] for c in nodes.values()))
        group = nodes["ClusterNodegroupgeneraluseast2aFB54B10F"]
        self.assertEqual((["/properties/ClusterName"], ["Cluster.json:PublishOutputRefClusterEB0386A7D87642F6"]),
                         (group["replacedBy"], group["because"]))
        # The OIDC provider follows the cluster's issuer URL (a GetAtt), a second step away from the name.
        self.assertEqual(["/properties/Url"], replaced["ClusterOidcProviderNativeBAC9C7E2"]["replacedBy"])

    def test_the_pipeline_stack_follows_the_cluster_it_reads_through_stack_outputs(self):
        found = self.changes(snapshot_templates("Cluster", renamed_cluster), snapshot_templates())

        pipeline = {c["id"]: c for c in found["Pipeline.json"]}
        self.assertEqual("replaced", pipeline["StagingDeployAccess2FA864CD"]["change"], pipeline)
        self.assertEqual(["Cluster.json:PublishOutputRefClusterEB0386A7D87642F6"],
                         pipeline["StagingDeployAccess2FA864CD"]["because"])
        self.assertEqual("updated", pipeline["StagingDeployProject56F5E7DA"]["change"])

    def test_replaced_subnets_reach_the_stacks_that_read_them(self):
        found = self.changes(snapshot_templates("Network", other_private_subnets), snapshot_templates())

        self.assertEqual(3, sum(1 for c in found["Network.json"]
                                if c["type"] == "AWS::EC2::Subnet" and c["change"] == "replaced"))
        cluster = {c["id"]: c for c in found["Cluster.json"]}
        nodes = {c["id"]: c for c in found["Nodes.json"]}
        self.assertEqual("replaced", nodes["ClusterNodegroupgeneraluseast2aFB54B10F"]["change"], nodes)
        self.assertEqual(["/properties/Subnets"], nodes["ClusterNodegroupgeneraluseast2aFB54B10F"]["replacedBy"])
        self.assertEqual("updated", cluster["ClusterEB0386A7"]["change"], "EKS updates a cluster's subnets in place")

    def test_the_kept_create_only_properties_are_the_schemas_and_are_read_again_for_other_schemas(self):
        import sys
        sys.path.insert(0, str(ROOT / "scripts"))
        import template_changes
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

        kept = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, kept)
        original = template_changes.KEPT
        self.addCleanup(setattr, template_changes, "KEPT", original)
        caches = (template_changes.create_only, template_changes.known_types, template_changes.kept_file)

        def fresh():  # as a new process starts: nothing in memory, only the kept file
            for cache in caches:
                cache.cache_clear()
        self.addCleanup(fresh)
        template_changes.KEPT = kept
        types = sorted({resource["Type"] for template in snapshot_templates().values()
                        for resource in template["Resources"].values() if not resource["Type"].startswith("Custom::")})
        schemas = {t: tuple(PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-2", t).schema.get(
            "createOnlyProperties", [])) for t in types}
        for _ in ("read from the schemas", "read from the kept file"):
            fresh()
            self.assertEqual(schemas, {t: template_changes.create_only(t) for t in types})
        self.assertEqual(1, len(list(kept.glob("*.json"))), list(kept.iterdir()))
        self.assertEqual({t: list(p) for t, p in schemas.items()},
                         json.loads(next(kept.glob("*.json")).read_text()))

        (file,) = kept.glob("*.json")
        file.write_text(json.dumps({"AWS::EKS::Cluster": ["/properties/Wrong"]}))
        fresh()
        self.assertEqual(("/properties/Wrong",), template_changes.create_only("AWS::EKS::Cluster"),
                         "the kept file answers, cfn-lint is not asked again")
        fresh()
        with mock.patch.object(template_changes.importlib.metadata, "version", return_value="0.0.1"):
            self.assertEqual(schemas["AWS::EKS::Cluster"], template_changes.create_only("AWS::EKS::Cluster"),
                             "another cfn-lint's schemas are read again, not a file kept for others")

    def test_an_unchanged_app_changes_nothing(self):
        self.assertEqual({"Cluster.json": [], "Network.json": [], "Nodes.json": [], "Pipeline.json": []},
                         self.changes(snapshot_templates(), snapshot_templates()))


def section(out, stack):
    """One stack's part of the review: from its heading to the next stack's."""
    start = out.index(f"== {stack}")
    end = out.find("\n== ", start + 1)
    return out[start:end if end >= 0 else len(out)]


def review(*args):
    return subprocess.run([str(ROOT / "scripts" / "review"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)


class ReviewTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One synth for the class; the other tests reuse it with --no-synth.
        cls.unchanged = review()
        # The stack IDs as synth names them in project.json, like the script reads them.
        cls.stacks = [stack["id"] for stack in json.loads((ASSEMBLY / "project.json").read_text())["stacks"]]

    def changed_snapshots(self, stacks, change):
        """A copy of the snapshots in which `change` edited each stack's template: the 'before' of a change."""
        directory = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory)
        for snapshot in SNAPSHOTS.glob("*.json"):
            shutil.copy(snapshot, directory)
        for stack in [stacks] if isinstance(stacks, str) else stacks:
            template = json.loads((directory / f"{stack}.json").read_text())
            change(template["Resources"])
            (directory / f"{stack}.json").write_text(json.dumps(template, indent=2))
        return directory

    def test_the_committed_snapshots_match_the_app(self):
        self.assertEqual(0, self.unchanged.returncode, self.unchanged.stderr)
        self.assertEqual(sorted(path.stem for path in SNAPSHOTS.glob("*.json")), sorted(self.stacks),
                         "one snapshot per stack of the app")
        for stack in self.stacks:
            self.assertIn(f"== {stack}: no changes", self.unchanged.stdout)

    def test_one_changed_property_names_that_resource_and_property_and_nothing_else(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots("Nodes", raise_max_size)))

        self.assertEqual(0, result.returncode, result.stderr)
        out = result.stdout
        self.assertIn("== Network: no changes", out)
        self.assertIn("== Cluster: no changes", out)
        self.assertIn("== Pipeline: no changes", out)
        self.assertIn("== Nodes: 1 changed", out)
        self.assertIn("[~] AWS::EKS::Nodegroup Cluster/Nodegroupgeneral-us-east-2a ClusterNodegroupgeneraluseast2aFB54B10F", out)
        self.assertIn("[~] ScalingConfig", out)
        self.assertIn("[~] .MaxSize:", out)
        self.assertNotIn("Needs a careful look", out)
        ids = json.loads((SNAPSHOTS / "Nodes.json").read_text())["Resources"]
        named = [i for i in ids if i in out]
        self.assertEqual(["ClusterNodegroupgeneraluseast2aFB54B10F"], named)
        self.assertEqual(1, sum(1 for line in out.splitlines() if line.startswith("[")), out)

    def test_iam_security_group_and_stateful_changes_are_called_out_first(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots("Pipeline", risky)))

        self.assertEqual(0, result.returncode, result.stderr)
        section = result.stdout[result.stdout.index("== Pipeline"):]
        look = section[section.index("Needs a careful look:"):section.index("IAM Statement Changes")]
        self.assertIn("- IAM permissions change", look)
        self.assertIn("- security group rules change", look)
        self.assertIn("- AWS::S3::Bucket OldReports is deleted, with what it holds", look)
        self.assertIn("- AWS::S3::Bucket Artifacts82DD59A1 is replaced", look)
        self.assertIn("Security Group Changes", section)
        self.assertIn("BucketName (requires replacement)", section)

    def test_replacing_a_resource_that_keeps_its_custom_name_is_called_refused_with_what_to_do(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots("Nodes", other_instance_types)))

        self.assertEqual(0, result.returncode, result.stderr)
        look = result.stdout[result.stdout.index("Needs a careful look:"):result.stdout.index("Resources\n")]
        line = next(line for line in look.splitlines() if "ClusterNodegroupgeneraluseast2aFB54B10F" in line)
        self.assertIn("- AWS::EKS::Nodegroup ClusterNodegroupgeneraluseast2aFB54B10F would be replaced "
                      "(/properties/InstanceTypes), but it has a custom name (NodegroupName general-us-east-2a): "
                      "CloudFormation refuses, the update fails and rolls back.", line)
        self.assertIn("Give it a new name", line)
        self.assertIn("add the new one beside it", line)
        self.assertNotIn("a new one is created", line)

    def test_a_cluster_replacement_lists_what_is_replaced_with_it_in_every_stack(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots("Cluster", renamed_cluster)))

        self.assertEqual(0, result.returncode, result.stderr)
        cluster = section(result.stdout, "Cluster")
        self.assertIn("- AWS::EKS::Cluster ClusterEB0386A7 is replaced (/properties/Name): a new one is created and "
                      "the old one deleted, with what it holds", cluster)
        self.assertIn("- 7 resource(s) replaced in all, counting those that refer to a replaced one: ", cluster)
        nodes = section(result.stdout, "Nodes")
        self.assertIn("- AWS::EKS::Nodegroup ClusterNodegroupgeneraluseast2aFB54B10F is replaced because it refers to "
                      "Cluster.json:PublishOutputRefClusterEB0386A7D87642F6, which changes", nodes)
        pipeline = section(result.stdout, "Pipeline")
        self.assertIn("== Pipeline: no changes in its template, but 7 resource(s) read outputs of another stack that "
                      "change", pipeline)
        self.assertIn("[-/+] AWS::EKS::AccessEntry StagingDeployAccess2FA864CD replaced: reads "
                      "Cluster.json:PublishOutputRefClusterEB0386A7D87642F6", pipeline)

    def test_a_network_change_that_replaces_subnets_flags_the_stacks_that_read_them(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots("Network", other_private_subnets)))

        self.assertEqual(0, result.returncode, result.stderr)
        self.assertNotIn("== Cluster: no changes\n", result.stdout)
        cluster = section(result.stdout, "Cluster")
        self.assertIn("== Cluster: no changes in its template, but 3 resource(s) read outputs of another stack that "
                      "change; CloudFormation does not update this stack by itself: deploy it after that one "
                      "(npx cdk deploy Cluster --force)", cluster)
        nodes = section(result.stdout, "Nodes")
        self.assertIn("- AWS::EKS::Nodegroup ClusterNodegroupgeneraluseast2aFB54B10F is replaced because it refers to "
                      "Network.json:PublishOutputRefVpcPrivateSubnet1Subnet536B997ACF478E51", nodes)
        network = section(result.stdout, "Network")
        self.assertIn("- AWS::EC2::Subnet VpcPrivateSubnet1Subnet536B997A is replaced (/properties/CidrBlock)", network)

    def test_markdown_for_a_pull_request_comment(self):
        result = review("--no-synth", "--markdown", "--snapshots", str(self.changed_snapshots("Nodes", raise_max_size)))
        self.assertTrue(result.stdout.startswith("## Infrastructure review\n"), result.stdout)
        self.assertIn("### Nodes: 1 changed\n\n```diff\n", result.stdout)
        self.assertIn("### Network: no changes", result.stdout)

    def test_base_compares_with_the_snapshots_committed_there(self):
        committed = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, committed)
        for stack in self.stacks:
            (committed / f"{stack}.json").write_text(subprocess.run(
                ["git", "show", f"HEAD:src/test/resources/snapshots/{stack}.json"], cwd=ROOT, capture_output=True,
                text=True, check=True).stdout)

        by_base = review("--no-synth", "--base", "HEAD")
        by_directory = review("--no-synth", "--snapshots", str(committed))

        self.assertEqual(0, by_base.returncode, by_base.stderr)
        self.assertIn("compared with the snapshots at HEAD", by_base.stdout)
        self.assertEqual(by_directory.stdout.split("\n", 1)[1], by_base.stdout.split("\n", 1)[1])

    def test_an_upgrade_opens_the_review_with_its_steps_stack_by_stack(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots(["Cluster", "Nodes"], at_version("1.35"))))

        self.assertEqual(0, result.returncode, result.stderr)
        opening = result.stdout.split("\n== ")[0]
        self.assertIn("\nKubernetes 1.35 → 1.36\n", opening)
        cluster_step = next(line for line in opening.splitlines() if line.startswith("1. Cluster: "))
        nodes_step = next(line for line in opening.splitlines() if line.startswith("2. Nodes: "))
        self.assertIn("the control plane goes to 1.36, then the add-ons nodes need: ", cluster_step)
        for addon in ("vpc-cni", "kube-proxy", "eks-pod-identity-agent"):
            self.assertIn(addon, cluster_step)
        self.assertIn("node groups that roll: general-us-east-2a, general-us-east-2b, general-us-east-2c", nodes_step)
        for addon in ("coredns", "aws-ebs-csi-driver", "metrics-server"):
            self.assertIn(addon, nodes_step)
            self.assertNotIn(addon, cluster_step)
        self.assertIn("a failed node roll leaves the control plane at 1.36", opening)

    def test_a_jump_of_two_minors_is_refused_in_one_line(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots(["Cluster", "Nodes"], at_version("1.34"))))

        self.assertEqual(1, result.returncode, result.stdout)
        self.assertEqual(["kubernetesVersion goes from 1.34 to 1.36, but EKS upgrades one minor version at a time: "
                          "deploy 1.35 first."], result.stderr.strip().splitlines())

    def test_a_rollback_of_one_minor_says_in_which_order_to_deploy(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots(["Cluster", "Nodes"], at_version("1.37"))))

        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("Kubernetes 1.37 → 1.36\n- a rollback: EKS takes a control plane back one minor within 7 days",
                      result.stdout)
        self.assertIn("deploy Nodes then Cluster", result.stdout)

    def test_a_rollback_of_two_minors_is_refused_in_one_line(self):
        result = review("--no-synth", "--snapshots", str(self.changed_snapshots(["Cluster", "Nodes"], at_version("1.38"))))

        self.assertEqual(1, result.returncode, result.stdout)
        self.assertEqual(["kubernetesVersion goes from 1.38 to 1.36, but EKS rolls back one minor version at a time: "
                          "deploy 1.37 first."], result.stderr.strip().splitlines())

    def test_an_unknown_base_is_an_error(self):
        result = review("--no-synth", "--base", "no-such-branch")
        self.assertEqual(2, result.returncode)
        self.assertIn("--base no-such-branch is not a commit in this repository", result.stderr)


def review_module():
    """scripts/review as a module (it has no .py suffix), for its functions on their own."""
    import importlib.machinery
    import importlib.util
    import sys
    sys.path.insert(0, str(ROOT / "scripts"))
    loader = importlib.machinery.SourceFileLoader("review_script", str(ROOT / "scripts" / "review"))
    spec = importlib.util.spec_from_loader("review_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def cluster_template(version):
    return {"Resources": {"Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {"Version": version}}}}


class CanaryTest(unittest.TestCase):
    """With split stages, production's minor never goes above what staging runs."""

    def setUp(self):
        self.review = review_module()

    def pairs(self, staging, production):
        return {"StagingCluster": tuple(cluster_template(v) for v in staging),
                "ProductionCluster": tuple(cluster_template(v) for v in production)}

    def test_raising_production_before_staging_runs_the_minor_is_refused_in_one_line(self):
        with contextlib.redirect_stderr(io.StringIO()) as stderr, self.assertRaises(SystemExit) as exit_:
            self.review.canary(self.pairs(("1.35", "1.36"), ("1.35", "1.36")))
        self.assertEqual(1, exit_.exception.code)
        self.assertEqual(["stages.production.kubernetesVersion goes from 1.35 to 1.36, but staging runs 1.35: staging "
                          "is the canary of every upgrade; deploy 1.36 to staging first "
                          "(stages.staging.kubernetesVersion)."], stderr.getvalue().strip().splitlines())

    def test_production_follows_once_staging_runs_the_minor(self):
        self.assertIsNone(self.review.canary(self.pairs(("1.36", "1.36"), ("1.35", "1.36"))))
        self.assertIsNone(self.review.canary(self.pairs(("1.35", "1.36"), ("1.35", "1.35"))))

    def test_one_cluster_has_no_canary_to_wait_for(self):
        self.assertIsNone(self.review.canary({"Cluster": (cluster_template("1.35"), cluster_template("1.36"))}))


class OneProcessDiffTest(unittest.TestCase):
    """The review runs the diffs it has not kept in one Node.js process, by the CLI's own entry point: for
    each stack that prints what `cdk diff --template`, run as its own process, prints, and exits the same."""

    def test_each_diff_in_one_process_is_what_its_own_cdk_diff_prints(self):
        def changed(stack, change):
            path = folder / f"{stack}.json"
            template = json.loads((SNAPSHOTS / f"{stack}.json").read_text())
            change(template["Resources"])
            path.write_text(json.dumps(template, indent=2))
            return path

        self.assertEqual(0, review().returncode)  # the default's synth, in the review's assembly
        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        module = review_module()
        olds = {"Network": SNAPSHOTS / "Network.json", "Nodes": changed("Nodes", other_instance_types),
                "Pipeline": changed("Pipeline", risky)}

        together = module.in_one_process(olds)

        self.assertEqual(list(olds), list(together))
        for stack, old in olds.items():
            self.assertEqual(module.own_process(stack, old), together[stack], stack)
        self.assertIn("There were no differences", together["Network"][1])
        self.assertIn("[~] AWS::EKS::Nodegroup", together["Nodes"][1])
        self.assertIn("requires replacement", together["Pipeline"][1])
        self.assertIn("IAM Statement Changes", together["Pipeline"][1])
        self.assertIn("Security Group Changes", together["Pipeline"][1])

    def test_a_stack_the_one_process_gives_no_diff_of_is_diffed_by_its_own_cdk_diff(self):
        module = review_module()
        module.in_one_process = lambda olds: {"Network": (None, "TypeError: x"), "Cluster": (0, "Stack Cluster (c)\n[+] A")}
        module.run_cdk_diff = lambda stack, old: [f"own {stack}"]
        self.assertEqual({"Network": ["own Network"], "Cluster": ["[+] A"], "Nodes": ["own Nodes"]},
                         module.run_cdk_diffs({"Network": "n.json", "Cluster": "c.json", "Nodes": "o.json"}))


class KeptDiffsTest(unittest.TestCase):
    """The CLI's diff of two templates is run once and kept: the same pair again reads it, another pair runs it."""

    def setUp(self):
        self.review = review_module()
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        assembly = self.folder / "assembly"
        assembly.mkdir()
        (assembly / "manifest.json").write_text(json.dumps(
            {"artifacts": {"Network": {"properties": {"templateFile": "Network.template.json"}}}}))
        (assembly / "Network.template.json").write_text('{"Resources": {"A": {"Type": "AWS::SNS::Topic"}}}')
        self.review.ASSEMBLY = assembly
        self.review.DIFFS = self.folder / "diffs"
        self.old = self.folder / "old.json"
        self.old.write_text('{"Resources": {}}')
        self.runs = []
        self.review.run_cdk_diffs = lambda olds: {stack: self.runs.append((stack, old)) or [f"[+] A ({len(self.runs)})"]
                                                  for stack, old in olds.items()}

    def test_the_same_two_templates_are_diffed_once(self):
        first = self.review.cdk_diff("Network", self.old)
        self.assertEqual(first, self.review.cdk_diff("Network", self.old))
        self.assertEqual(1, len(self.runs))
        self.assertEqual(["[+] A (1)"], first)

    def test_a_changed_template_on_either_side_is_diffed_again(self):
        self.review.cdk_diff("Network", self.old)
        self.old.write_text('{"Resources": {"B": {"Type": "AWS::SNS::Topic"}}}')
        self.assertEqual(["[+] A (2)"], self.review.cdk_diff("Network", self.old))
        (self.review.ASSEMBLY / "Network.template.json").write_text('{"Resources": {}}')
        self.assertEqual(["[+] A (3)"], self.review.cdk_diff("Network", self.old))
        self.assertEqual(3, len(self.runs))
        self.assertEqual([], list(self.review.DIFFS.glob("*.partial")), "only whole files are kept")


if __name__ == "__main__":
    unittest.main()
