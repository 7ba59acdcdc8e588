"""The pull-request workflow runs what the README says and posts the review. Schema validity is checked by
action-validator in scripts/test; this checks the workflow does the right things.
Run: python3 -m unittest discover --start-directory tests"""
import json
import pathlib
import re
import unittest

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"


class PullRequestWorkflowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workflow = yaml.safe_load(WORKFLOW.read_text())
        cls.steps = cls.workflow["jobs"]["test-and-review"]["steps"]
        cls.runs = [step.get("run", "") for step in cls.steps]

    def test_runs_on_pull_requests_to_main(self):
        self.assertEqual({"branches": ["main"]}, self.workflow["on"]["pull_request"])

    def test_runs_the_readmes_test_command(self):
        readme = (ROOT / "README.md").read_text()
        block = re.search(r"## The two commands\n\n```bash\n(.*?)```", readme, re.S).group(1)
        command = next(line.split("#")[0].strip() for line in block.splitlines() if "every test" in line)
        self.assertEqual("scripts/test", command)
        self.assertTrue(any(command in run.splitlines() for run in self.runs), self.runs)

    def test_reviews_against_the_base_branch_with_its_history_fetched(self):
        self.assertEqual(0, self.steps[0]["with"]["fetch-depth"])
        review = next(step for step in self.steps if "scripts/review" in step.get("run", ""))
        self.assertIn('--base "origin/${{ github.base_ref }}" --markdown > review.md', review["run"])
        self.assertEqual("${{ !cancelled() }}", review["if"])

    def test_posts_the_review_as_one_comment_updated_in_place(self):
        post = self.steps[-1]
        self.assertTrue(post["uses"].startswith("actions/github-script@"))
        self.assertIn('readFileSync("review.md"', post["with"]["script"])
        self.assertIn("updateComment", post["with"]["script"])
        self.assertIn("createComment", post["with"]["script"])
        self.assertEqual("write", self.workflow["permissions"]["pull-requests"])
        self.assertEqual("read", self.workflow["permissions"]["contents"])


if __name__ == "__main__":
    unittest.main()


class EndToEndWorkflowTest(unittest.TestCase):
    """The manual end-to-end workflow: OIDC, one run at a time, a destroy that runs whatever happened."""

    @classmethod
    def setUpClass(cls):
        cls.workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "e2e.yml").read_text())
        cls.job = cls.workflow["jobs"]["end-to-end"]
        cls.steps = cls.job["steps"]

    def step(self, text):
        return next(s for s in self.steps if text in s.get("run", "") or text in s.get("uses", ""))

    def test_runs_by_hand_or_weekly_only(self):
        self.assertEqual({"workflow_dispatch", "schedule"}, set(self.workflow["on"]))
        self.assertNotIn("pull_request", self.workflow["on"])
        self.assertEqual("${{ vars.E2E_ROLE_ARN != '' }}", self.job["if"], "no role, no run")

    def test_assumes_the_named_role_through_oidc_with_no_long_lived_keys(self):
        self.assertEqual("write", self.workflow["permissions"]["id-token"])
        credentials = self.step("aws-actions/configure-aws-credentials@")
        self.assertEqual("${{ vars.E2E_ROLE_ARN }}", credentials["with"]["role-to-assume"])
        self.assertFalse([k for k in credentials["with"] if "access-key" in k], "no access keys")
        text = (ROOT / ".github" / "workflows" / "e2e.yml").read_text()
        self.assertNotIn("secrets.", text)

    def test_one_run_at_a_time(self):
        self.assertEqual({"group": "end-to-end", "cancel-in-progress": False}, self.workflow["concurrency"])

    def test_runs_e2e_with_the_confirmation_and_always_destroys_verifies_and_uploads_the_report(self):
        run = self.step("scripts/e2e ")
        self.assertIn("--i-understand-this-costs-money", run["run"])
        self.assertIn("--report e2e-report.json", run["run"])
        destroy = self.step("cdk destroy --all --force")
        self.assertEqual("always()", destroy["if"])
        self.assertIn("scripts/verify-destroyed", destroy["run"])
        self.assertGreater(self.steps.index(destroy), self.steps.index(run))
        # By hand, the run can borrow a VPC; the backstop then deletes the VPC's stack after the app's.
        self.assertIn("$E2E_OWN_VPC", run["run"])
        self.assertIn("--own-vpc", self.workflow["jobs"]["end-to-end"]["env"]["E2E_OWN_VPC"])
        self.assertLess(destroy["run"].index("cdk destroy"), destroy["run"].index("delete-stack --stack-name "
                                                                                 "\"$E2E_APP-borrowed-vpc\""))
        upload = self.step("actions/upload-artifact@")
        self.assertEqual("always()", upload["if"])
        self.assertEqual("e2e-report.json", upload["with"]["path"])

    def test_the_documented_role_trusts_only_github_oidc_for_the_repository(self):
        role = json.loads((ROOT / "docs" / "e2e-role.json").read_text())
        trust = role["trustPolicy"]["Statement"][0]
        self.assertEqual("sts:AssumeRoleWithWebIdentity", trust["Action"])
        self.assertEqual("sts.amazonaws.com", trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"])
        self.assertTrue(trust["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"].startswith("repo:"))
        actions = [a for s in role["permissionsPolicy"]["Statement"]
                   for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
        self.assertNotIn("*", actions)
        self.assertFalse([a for a in actions if a.endswith(":*")], "no service-wide wildcards")
        # Reads scoped to one resource (preflight's bootstrap parameter, the controller's image) are not writes.
        reads = ("Get", "List", "Describe", "BatchGet")
        writes = [s for s in role["permissionsPolicy"]["Statement"] if s["Resource"] != "*" and not all(
            a.split(":")[1].startswith(reads) for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))]
        # Each write reaches only the run's own resources (e2e-*) and the CDK bootstrap roles, or assumes the
        # read-only role of docs/inspect-role.json that verify-destroyed and preflight use in a stage account.
        resources = [r for s in writes for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])]
        self.assertTrue(resources)
        self.assertTrue(all("e2e-" in r or "cdk-hnb659fds" in r or r.endswith(":role/eks-pipeline-inspect")
                            for r in resources), writes)
