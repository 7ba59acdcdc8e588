"""scripts/synths.py: synths started together on a cold jsii package cache wait for the first one."""
import os
import pathlib
import sys
import tempfile
import threading
import time
import unittest
from unittest import mock

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
import synths  # noqa: E402


class JsiiCacheTest(unittest.TestCase):
    def setUp(self):
        self.root = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(lambda: __import__("shutil").rmtree(self.root, ignore_errors=True))
        patcher = mock.patch.dict(os.environ, {"JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(self.root)})
        patcher.start()
        self.addCleanup(patcher.stop)
        os.environ.pop("JSII_RUNTIME_PACKAGE_CACHE", None)

    def entry(self, version, finished):
        folder = self.root / "aws-cdk-lib" / version / "1918c66e"
        folder.mkdir(parents=True)
        (folder / ".jsii").write_text("{}")
        if finished:
            (folder / ".jsii-runtime-package-cache").touch()

    def test_cold_without_the_pom_version_or_with_an_unfinished_one(self):
        self.assertTrue(synths.jsii_cache_cold())
        self.entry("2.0.0", finished=True)
        self.assertTrue(synths.jsii_cache_cold(), "another aws-cdk-lib version is not this app's")
        self.entry(synths.cdk_version(), finished=False)
        self.assertTrue(synths.jsii_cache_cold(), "an entry without its marker is still being unpacked")

    def test_warm_with_a_finished_entry_of_the_pom_version(self):
        self.entry(synths.cdk_version(), finished=True)
        self.assertFalse(synths.jsii_cache_cold())

    def test_a_disabled_cache_is_never_shared(self):
        os.environ["JSII_RUNTIME_PACKAGE_CACHE"] = "disabled"
        self.assertFalse(synths.jsii_cache_cold())


class AllNamedTest(unittest.TestCase):
    """all_named with the synth replaced by a recorder of when each one ran."""

    def run_all(self, names, cold, done=()):
        spans, lock = {}, threading.Lock()

        def fake(name):
            start = time.monotonic()
            time.sleep(0.2)
            with lock:
                spans[name] = (start, time.monotonic())
            if name == "bad":
                raise synths.SynthFailed(1, "refused")
            return pathlib.Path("/assemblies") / name

        with mock.patch.object(synths, "named", fake), \
                mock.patch.object(synths, "jsii_cache_cold", return_value=cold), \
                mock.patch.object(synths, "synthesized", lambda name: name in done):
            results = synths.all_named(names)
        return results, spans

    def test_cold_cache_the_first_alone_then_the_others_together(self):
        results, spans = self.run_all(["a", "b", "c"], cold=True)
        self.assertEqual([pathlib.Path("/assemblies") / n for n in "abc"], results)
        self.assertLessEqual(spans["a"][1], min(spans["b"][0], spans["c"][0]), "b and c started before a ended")
        self.assertLess(spans["b"][0], spans["c"][1], "b and c ran one after the other")

    def test_cold_cache_skips_what_is_already_synthesized(self):
        _, spans = self.run_all(["a", "b", "c"], cold=True, done={"a"})
        self.assertLessEqual(spans["b"][1], spans["c"][0], "b, the first still to synthesize, ran alone")

    def test_warm_cache_all_together(self):
        _, spans = self.run_all(["a", "b", "c"], cold=False)
        self.assertLess(max(start for start, _ in spans.values()), min(end for _, end in spans.values()))

    def test_failures_are_returned_in_place(self):
        results, _ = self.run_all(["bad", "b"], cold=True)
        self.assertIsInstance(results[0], synths.SynthFailed)
        self.assertEqual(pathlib.Path("/assemblies/b"), results[1])


if __name__ == "__main__":
    unittest.main()
