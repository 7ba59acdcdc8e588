"""scripts/render-karpenter: the committed manifests are what the vendored chart renders now, with the Helm
binary of the installed kubectl layer; the pinned version is the one rendered; the CRDs are apart (the app
applies them first) and no template expression is left. Run: python3 -m unittest discover --start-directory tests"""
import contextlib
import io
import pathlib
import re
import shutil
import tempfile
import unittest

from test_verify_destroyed import script

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "main" / "resources" / "karpenter"
render = script("render-karpenter")


def kinds(text):
    return re.findall(r"^kind: (\S+)$", text, flags=re.MULTILINE)


class RenderKarpenterTest(unittest.TestCase):

    def test_the_committed_manifests_are_the_chart_rendered_now(self):
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            self.assertEqual(0, render.main(["--check"]), printed.getvalue())

    def test_a_changed_manifest_is_reported(self):
        with tempfile.TemporaryDirectory() as copy:
            shutil.copytree(OUT, copy, dirs_exist_ok=True)
            changed = pathlib.Path(copy) / "controller.yaml"
            changed.write_text(changed.read_text().replace("replicas: 2", "replicas: 1"))
            with contextlib.redirect_stdout(io.StringIO()) as printed:
                self.assertEqual(1, render.main(["--check", "--out", copy]))
            self.assertEqual(f"{changed} differs from the chart rendered now; run scripts/render-karpenter\n",
                             printed.getvalue())

    def test_the_pinned_version_is_what_was_rendered(self):
        version = render.PINNED["version"]
        self.assertEqual(f"version: {version}", re.search(r"^version: \S+$",
                         (ROOT / "third_party" / "karpenter-chart" / "Chart.yaml").read_text(), re.MULTILINE)[0])
        controller = (OUT / "controller.yaml").read_text()
        self.assertIn(f"image: public.ecr.aws/karpenter/controller:{version}@sha256:", controller)
        for name in ("crds.yaml", "controller.yaml"):
            self.assertTrue((OUT / name).read_text().startswith(f"# Karpenter chart {version} "), name)

    def test_crds_are_apart_and_nothing_is_left_unrendered(self):
        crds = (OUT / "crds.yaml").read_text()
        controller = (OUT / "controller.yaml").read_text()
        self.assertEqual(["CustomResourceDefinition"] * 5, kinds(crds))
        self.assertNotIn("CustomResourceDefinition", kinds(controller))
        self.assertIn("Deployment", kinds(controller))
        for text in (crds, controller):
            self.assertNotIn("{{", text)
        self.assertIn('value: "__CLUSTER_NAME__"', controller)
        self.assertIn('value: "__INTERRUPTION_QUEUE__"', controller)


if __name__ == "__main__":
    unittest.main()
