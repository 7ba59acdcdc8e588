"""scripts/project.py: the project file synth writes, read with -c overrides, and the tests' stand-in for it.
Run: python3 -m unittest discover --start-directory tests"""
import argparse
import contextlib
import io
import pathlib
import sys
import unittest

from project_fixture import project

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
import project as projects  # noqa: E402

# The scripts' tests' configuration (src/test/resources/configurations.json): the release, verify-destroyed
# and e2e tests use the same overrides, so they all share one synth.
OVERRIDES = projects.synths.overrides("shop")


def load(*arguments):
    parser = argparse.ArgumentParser()
    projects.add_arguments(parser)
    return projects.load(parser.parse_args(list(arguments)))


class ProjectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.synthesized = load(*[part for override in OVERRIDES for part in ("-c", override)])

    def test_overrides_reach_every_name(self):
        self.assertEqual("shop", self.synthesized["appName"])
        self.assertEqual("shop-eks", self.synthesized["clusterName"])
        self.assertEqual("shop-pipeline", projects.stack_name(self.synthesized, "Pipeline"))
        self.assertEqual({"key": "app", "value": "shop"}, self.synthesized["tag"])
        self.assertIn("/aws/eks/shop-eks/", self.synthesized["logGroupPrefixes"])
        self.assertIn("/aws/containerinsights/shop-eks/", self.synthesized["logGroupPrefixes"])
        self.assertEqual("shop", self.synthesized["context"]["appName"])
        self.assertFalse([key for key in self.synthesized["context"] if key.startswith("@")], "no CDK feature flags")

    def test_the_tests_stand_in_has_the_shape_synth_writes(self):
        stand_in = project(app="shop", cluster="shop-eks")
        # The account is there only when the CLI found credentials (e.g. moto's, when a test synthesized).
        real = {k: v for k, v in self.synthesized.items() if k != "account"}
        self.assertEqual(set(real), set(stand_in))
        self.assertEqual({k: v for k, v in real.items() if k != "context"},
                         {k: v for k, v in stand_in.items() if k != "context"})

    def test_an_existing_vpc_is_named_for_the_scripts_and_the_default_names_none(self):
        configured = projects.synths.configurations()["own-vpc"]["vpc"]
        written = load("--assembly", str(projects.synths.named("own-vpc")))["existingVpc"]
        self.assertEqual({"id": configured["id"], "tagSubnets": True,
                          "subnets": [s["id"] for s in configured["privateSubnets"] + configured["publicSubnets"]]},
                         written)
        self.assertNotIn("existingVpc", self.synthesized)

    def test_with_stages_every_account_and_region_is_a_place_in_the_order_cdk_destroy_goes(self):
        two = load("--assembly", str(projects.synths.named("two-accounts")))
        places = projects.places(two)
        self.assertEqual([("111111111111", "us-east-2"), ("222222222222", "us-west-2")],
                         [(place["account"], place["region"]) for place in places])
        self.assertEqual(["Pipeline", "StagingDeployAccess", "StagingNodes", "StagingCluster", "StagingNetwork"],
                         [stack["id"] for stack in places[0]["stacks"]])
        self.assertEqual(["ProductionDeployAccess", "ProductionNodes", "ProductionCluster", "ProductionNetwork"],
                         [stack["id"] for stack in places[1]["stacks"]])
        self.assertEqual([["eks-pipeline-staging"], ["eks-pipeline-production"]],
                         [[target["clusterName"] for target in place["clusters"]] for place in places])
        self.assertEqual("111111111111", projects.delivery_account(two))

    def test_the_default_is_one_place_and_one_target_read_from_its_top_level_names(self):
        places = projects.places(self.synthesized)
        self.assertEqual(1, len(places))
        self.assertEqual("us-east-2", places[0]["region"])
        self.assertEqual(["Pipeline", "Nodes", "Cluster", "Network"], [stack["id"] for stack in places[0]["stacks"]])
        (target,) = places[0]["clusters"]
        self.assertEqual("shop-eks", target["clusterName"])
        self.assertEqual(["Network", "Cluster", "Nodes"], [stack["id"] for stack in target["stacks"]])

    def test_an_override_without_a_value_is_refused_in_one_line(self):
        with self.assertRaises(SystemExit) as exit_, contextlib.redirect_stderr(io.StringIO()) as stderr:
            load("-c", "appName")
        self.assertEqual(2, exit_.exception.code)
        self.assertEqual("-c appName is not KEY=VALUE.\n", stderr.getvalue())


if __name__ == "__main__":
    unittest.main()
