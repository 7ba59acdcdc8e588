"""The pull-request workflow runs what the README says and posts the review. Schema validity is checked by
action-validator in scripts/test; this checks the workflow does the right things.
Run: python3 -m unittest discover --start-directory tests"""
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
