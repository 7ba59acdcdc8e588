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


if __name__ == "__main__":
    unittest.main()
