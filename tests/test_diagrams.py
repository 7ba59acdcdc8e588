"""The release-flow diagram shows the pipeline as the Pipeline stack defines it (scripts/diagram --check, in
scripts/test, does the same for the architecture diagram against the synthesized app).
Run: python3 -m unittest discover --start-directory tests"""
import json
import pathlib
import re
import unittest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def pipeline_actions():
    """(stage, action) of the committed Pipeline snapshot, stage by stage in run order."""
    template = json.loads((ROOT / "src/test/resources/snapshots/Pipeline.json").read_text())
    pipeline = next(r for r in template["Resources"].values() if r["Type"] == "AWS::CodePipeline::Pipeline")
    return [(stage["Name"], action["Name"]) for stage in pipeline["Properties"]["Stages"]
            for action in sorted(stage["Actions"], key=lambda a: a.get("RunOrder", 1))]


class ReleaseFlowDiagramTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dot = (ROOT / "docs" / "release-flow.dot").read_text()

    def test_one_node_per_action_in_run_order(self):
        declared = re.findall(r'^\s*"(\w+)\.(\w+)" \[label', self.dot, re.M)
        self.assertEqual(pipeline_actions(), declared)

    def test_each_stage_is_a_box_around_its_actions(self):
        stages = re.findall(r'subgraph "cluster_(\w+)"', self.dot)
        self.assertEqual(list(dict.fromkeys(stage for stage, _ in pipeline_actions())), stages)

    def test_edges_chain_the_actions_in_order(self):
        edges = re.findall(r'^\s*"(\w+\.\w+)" -> "(\w+\.\w+)"', self.dot, re.M)
        names = [f"{stage}.{action}" for stage, action in pipeline_actions()]
        self.assertEqual(list(zip(names, names[1:])), edges)

    def test_the_rendered_svg_is_committed_beside_its_source(self):
        svg = (ROOT / "docs" / "release-flow.svg").read_text()
        for stage, action in pipeline_actions():
            self.assertIn(f"{stage}.{action}", svg)


def workflow_steps():
    """(job, step) of .github/workflows/deploy.yml in run order: each scripts/deploy-plan command a job runs
    (its first word), and the test command as "test"."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    found = []
    for job, body in workflow["jobs"].items():
        for step in body["steps"]:
            run = step.get("run", "")
            if run == "scripts/test":
                found.append((job, "test"))
            found += [(job, m) for m in re.findall(r"^scripts/deploy-plan (\w+)", run, re.M)]
    return found


class DeployFlowDiagramTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dot = (ROOT / "docs" / "deploy-flow.dot").read_text()

    def test_one_node_per_step_of_each_job_in_run_order_and_the_approval_between(self):
        declared = [(job, step) for job, step in re.findall(r'^\s*"(\w+)\.(\w+)" \[label', self.dot, re.M)
                    if job != "approval"]
        self.assertEqual(workflow_steps(), declared)
        self.assertIn('"approval.reviewers" [label', self.dot)

    def test_each_job_is_a_box_around_its_steps(self):
        jobs = re.findall(r'subgraph "cluster_(\w+)"', self.dot)
        self.assertEqual(["plan", "approval", "deploy", "drift"], jobs)
        self.assertEqual(list(dict.fromkeys(job for job, _ in workflow_steps())), [j for j in jobs if j != "approval"])

    def test_the_rendered_svg_is_committed_beside_its_source(self):
        svg = (ROOT / "docs" / "deploy-flow.svg").read_text()
        for job, step in workflow_steps():
            self.assertIn(f"{job}.{step}", svg)


if __name__ == "__main__":
    unittest.main()
