"""The weekly catalogue refresh: OIDC with a read-only role, one run at a time, a pull request only when a
table changed, and a refusal that fails the run. Schema validity is checked by action-validator in
scripts/test; this checks the workflow does the right things.
Run: python3 -m unittest discover --start-directory tests -p 'test_refresh_catalog_workflow.py'"""
import json
import pathlib
import re
import unittest

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "refresh-catalog.yml"
SCRIPT = ROOT / "scripts" / "refresh-catalog"


class RefreshCatalogWorkflowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workflow = yaml.safe_load(WORKFLOW.read_text())
        cls.job = cls.workflow["jobs"]["refresh-catalog"]
        cls.steps = cls.job["steps"]

    def step(self, text):
        return next(s for s in self.steps if text in s.get("run", "") or text in s.get("uses", ""))

    def test_runs_weekly_or_by_hand_and_only_with_a_role(self):
        self.assertEqual({"workflow_dispatch", "schedule"}, set(self.workflow["on"]))
        self.assertRegex(self.workflow["on"]["schedule"][0]["cron"], r"^\d+ \d+ \* \* [0-6]$", "once a week")
        self.assertEqual("${{ vars.CATALOG_ROLE_ARN != '' }}", self.job["if"])
        self.assertEqual({"group": "refresh-catalog", "cancel-in-progress": False}, self.workflow["concurrency"])

    def test_assumes_the_named_role_through_oidc_with_no_long_lived_keys(self):
        self.assertEqual("write", self.workflow["permissions"]["id-token"])
        credentials = self.step("aws-actions/configure-aws-credentials@")
        self.assertEqual("${{ vars.CATALOG_ROLE_ARN }}", credentials["with"]["role-to-assume"])
        self.assertEqual("us-east-1", credentials["with"]["aws-region"], "the Price List API's endpoint")
        self.assertFalse([k for k in credentials["with"] if "access-key" in k], "no access keys")

    def test_refreshes_then_opens_a_pull_request_of_the_tables_only_and_fails_on_a_refusal(self):
        refresh = self.step("scripts/refresh-catalog")
        self.assertIn("scripts/refresh-catalog | tee refresh.txt", refresh["run"])
        self.assertIn('echo "status=${PIPESTATUS[0]}" >> "$GITHUB_OUTPUT"', refresh["run"])
        pull_request = self.step("peter-evans/create-pull-request@")
        self.assertEqual("src/main/resources/*.csv", pull_request["with"]["add-paths"])
        self.assertEqual("refresh.txt", pull_request["with"]["body-path"])
        self.assertEqual("write", self.workflow["permissions"]["pull-requests"])
        self.assertEqual("write", self.workflow["permissions"]["contents"])
        fail = self.steps[-1]
        self.assertEqual("${{ steps.refresh.outputs.status != '0' }}", fail["if"])
        self.assertIn("exit 1", fail["run"])
        self.assertLess(self.steps.index(refresh), self.steps.index(pull_request))
        self.assertLess(self.steps.index(pull_request), self.steps.index(fail))

    def test_the_documented_role_trusts_only_this_repositorys_main_and_may_only_read_the_three_sources(self):
        role = json.loads((ROOT / "docs" / "refresh-catalog-role.json").read_text())
        trust = role["trustPolicy"]["Statement"][0]
        self.assertEqual("sts:AssumeRoleWithWebIdentity", trust["Action"])
        equals = trust["Condition"]["StringEquals"]
        self.assertEqual("sts.amazonaws.com", equals["token.actions.githubusercontent.com:aud"])
        self.assertEqual("repo:OWNER/REPO:ref:refs/heads/main", equals["token.actions.githubusercontent.com:sub"])
        actions = sorted(a for s in role["permissionsPolicy"]["Statement"] for a in s["Action"])
        self.assertEqual(["ec2:DescribeInstanceTypes", "eks:DescribeClusterVersions", "pricing:GetProducts"], actions)
        self.assertTrue(all(re.match(r"^[a-z0-9]+:(Describe|Get|List)", a) for a in actions), "read-only")

    def test_the_role_allows_exactly_the_calls_the_command_makes(self):
        calls = set(re.findall(r'get_paginator\("([a-z_]+)"\)', SCRIPT.read_text()))
        self.assertEqual({"describe_cluster_versions", "get_products", "describe_instance_types"}, calls)
        role = json.loads((ROOT / "docs" / "refresh-catalog-role.json").read_text())
        allowed = {a.split(":")[1] for s in role["permissionsPolicy"]["Statement"] for a in s["Action"]}
        self.assertEqual({"".join(w.capitalize() for w in c.split("_")) for c in calls}, allowed)


if __name__ == "__main__":
    unittest.main()
