"""scripts/synths.py: the default by `cdk synth`, the other configurations in one JVM compared with it, and
synths started together on a cold jsii package cache wait for the first one."""
import hashlib
import json
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
    """all_named with the CLI's synth and the one-JVM synth replaced by recorders of when each one ran."""

    def run_all(self, names, cold, done=(), differences=()):
        spans, lock, compared = {}, threading.Lock(), []

        def record(key, result):
            start = time.monotonic()
            time.sleep(0.2)
            with lock:
                spans[key] = (start, time.monotonic())
            return result

        def by_cli(name):
            if name == "bad":
                raise synths.SynthFailed(1, "refused")
            if name in done:  # what named() does with an assembly of these sources: hand it over
                return pathlib.Path("/assemblies") / name
            return record(name, pathlib.Path("/assemblies") / name)

        def in_one_jvm(batch, check=None):
            if not batch:
                return {}
            results = {name: synths.SynthFailed(1, "refused") if name == "bad" else pathlib.Path("/jvm") / name
                       for name in batch}
            if check:
                results[synths.CHECK] = pathlib.Path("/jvm/check")
            return record("jvm:" + ",".join(batch), results)

        def compare(cli, jvm):
            compared.append((cli, jvm))
            return list(differences)

        with mock.patch.object(synths, "named", by_cli), mock.patch.object(synths, "in_one_jvm", in_one_jvm), \
                mock.patch.object(synths, "compare", compare), \
                mock.patch.object(synths, "jsii_cache_cold", return_value=cold), \
                mock.patch.object(synths, "synthesized", lambda name: name in done):
            results = synths.all_named(names)
        return results, spans, compared

    def test_the_default_by_the_cli_the_others_in_one_jvm_compared_with_it(self):
        results, spans, compared = self.run_all(["default", "b", "c"], cold=False)
        self.assertEqual([pathlib.Path("/assemblies/default"), pathlib.Path("/jvm/b"), pathlib.Path("/jvm/c")],
                         results)
        self.assertEqual({"default", "jvm:b,c"}, set(spans))
        self.assertLess(spans["default"][0], spans["jvm:b,c"][1], "the CLI and the JVM ran one after the other")
        self.assertEqual([(pathlib.Path("/assemblies/default"), pathlib.Path("/jvm/check"))], compared)

    def test_cold_cache_the_cli_alone_first(self):
        _, spans, _ = self.run_all(["default", "b", "c"], cold=True)
        self.assertLessEqual(spans["default"][1], spans["jvm:b,c"][0], "the JVM started before the CLI ended")

    def test_what_is_already_synthesized_is_not_again(self):
        results, spans, compared = self.run_all(["default", "b", "c"], cold=False, done={"default"})
        self.assertEqual({"jvm:b,c"}, set(spans))
        self.assertEqual([(pathlib.Path("/assemblies/default"), pathlib.Path("/jvm/check"))], compared,
                         "the JVM is compared with the CLI's kept default")
        self.assertEqual(pathlib.Path("/jvm/b"), results[1])

    def test_without_the_default_the_cli_synthesizes_it_to_compare_the_jvm_with(self):
        results, spans, compared = self.run_all(["b", "c"], cold=False)
        self.assertEqual({"default", "jvm:b,c"}, set(spans))
        self.assertEqual([pathlib.Path("/jvm/b"), pathlib.Path("/jvm/c")], results)
        self.assertEqual([(pathlib.Path("/assemblies/default"), pathlib.Path("/jvm/check"))], compared)

    def test_a_single_configuration_goes_through_the_cli(self):
        results, spans, _ = self.run_all(["b"], cold=False)
        self.assertEqual({"b"}, set(spans))
        self.assertEqual([pathlib.Path("/assemblies/b")], results)

    def test_failures_are_returned_in_place(self):
        results, _, _ = self.run_all(["default", "bad", "c"], cold=False)
        self.assertIsInstance(results[1], synths.SynthFailed)
        self.assertEqual(pathlib.Path("/jvm/c"), results[2])

    def test_a_jvm_that_writes_otherwise_than_the_cli_fails_what_it_synthesized(self):
        results, _, _ = self.run_all(["default", "b"], cold=False, differences=["Nodes.template.json differs"])
        self.assertEqual(pathlib.Path("/assemblies/default"), results[0])
        self.assertIsInstance(results[1], synths.SynthFailed)
        self.assertIn("Nodes.template.json differs", results[1].output)


class CompareTest(unittest.TestCase):
    """compare: what two synths of one configuration say, not the bytes that differ between any two."""

    def setUp(self):
        self.root = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(lambda: __import__("shutil").rmtree(self.root, ignore_errors=True))

    def assembly(self, name, template, trace="/tmp/jsii-kernel-aaaa/lib.js (node:internal/timers:483:21)",
                 warning="No budget alarm", extra=None):
        folder = self.root / name
        (folder / "asset.0123").mkdir(parents=True)
        (folder / "asset.0123" / "index.py").write_text("def handler(): pass\n")
        text = json.dumps(template)
        (folder / "Nodes.template.json").write_text(text)
        digest = hashlib.sha256(text.encode()).hexdigest()
        (folder / "manifest.json").write_text(json.dumps({"artifacts": {"Nodes": {"url": f"s3://b/{digest}.json"}}}))
        (folder / "Nodes.metadata.json").write_text(json.dumps({"/Nodes": [
            {"type": "aws:cdk:warning", "data": warning, "trace": [trace]},
            {"type": "aws:cdk:creationStack", "data": [trace]}]}))
        (folder / "project.json").write_text('{"appName": "eks-pipeline"}\n')
        (folder / "synth.log").write_text(name)
        for path, text in (extra or {}).items():
            (folder / path).write_text(text)
        return folder

    def test_key_order_hashes_and_stack_traces_are_not_differences(self):
        cli = self.assembly("cli", {"Resources": {"A": {"Type": "T", "Properties": {"X": 1, "Y": 2}}}})
        # Another temporary folder, and another Node.js's lines in its own internals.
        jvm = self.assembly("jvm", {"Resources": {"A": {"Properties": {"Y": 2, "X": 1}, "Type": "T"}}},
                            trace="/tmp/jsii-kernel-bbbb/lib.js (node:internal/timers:484:21)")
        self.assertEqual([], synths.compare(cli, jvm))
        self.assertFalse(jvm.exists(), "the JVM's copy is removed once compared")

    def test_a_changed_value_a_changed_asset_and_a_file_of_one_only_are(self):
        cli = self.assembly("cli", {"Resources": {"A": {"Type": "T", "Properties": {"X": 1}}}})
        jvm = self.assembly("jvm", {"Resources": {"A": {"Type": "T", "Properties": {"X": 2}}}},
                            extra={"asset.0123/index.py": "def handler(): return 1\n", "tree.json": "{}"})
        self.assertEqual(["only the JVM wrote tree.json", "Nodes.template.json differs",
                          "asset.0123/index.py differs"], synths.compare(cli, jvm))

    def test_a_changed_warning_is(self):
        cli = self.assembly("cli", {})
        jvm = self.assembly("jvm", {}, warning="No budget alarm, and another")
        self.assertEqual(["Nodes.metadata.json differs"], synths.compare(cli, jvm))

    def test_project_file_is_compared_byte_for_byte(self):
        cli = self.assembly("cli", {})
        jvm = self.assembly("jvm", {}, extra={"project.json": '{"appName":"eks-pipeline"}\n'})
        self.assertEqual(["project.json differs"], synths.compare(cli, jvm))


if __name__ == "__main__":
    unittest.main()
