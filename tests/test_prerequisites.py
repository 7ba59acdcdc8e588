"""scripts/prerequisites: on a PATH without the checks' tools it names them all in one line, with the
commands that install them. Run: python3 -m unittest discover --start-directory tests"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# What a new machine has: the shell and core utilities, the JDKs, Node.js and Python (with boto3).
BASICS = ["bash", "env", "dirname", "id", "sort", "paste", "sed", "cat", "grep", "ls", "readlink", "true", "java",
          "javac", "node", "npm"]


def path_with(*commands):
    """A folder holding links to `commands` only, for a PATH that lacks everything else."""
    folder = pathlib.Path(tempfile.mkdtemp())
    for command in commands:
        found = shutil.which(command)
        if found:
            (folder / command).symlink_to(found)
    (folder / "python3").symlink_to(sys.executable)
    return folder


class PrerequisitesTest(unittest.TestCase):
    def run_with(self, folder, *args):
        self.addCleanup(shutil.rmtree, folder)
        env = dict(os.environ, PATH=str(folder))
        return subprocess.run([str(folder / "bash"), str(ROOT / "scripts" / "prerequisites"), *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120, check=False)

    def test_a_machine_without_the_tools_gets_one_line_naming_each_and_how_to_install_it(self):
        result = self.run_with(path_with(*BASICS), "--no-install")

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), result.stderr)
        line = lines[0]
        self.assertTrue(line.startswith("scripts/test needs "), line)
        for command in ("shellcheck", "yamllint", "dot", "kubectl", "openssl", "cfn-lint", "moto_server", "aws"):
            self.assertIn(command, line.split(";")[0])
        self.assertIn("sudo apt-get install -y graphviz kubectl openssl shellcheck yamllint", line)
        self.assertIn("python3 -m pip install awscli cfn-lint moto[server]", line)
        self.assertNotIn("java", line.split(";")[0], "the JDKs are there")

    def test_the_full_machine_passes_silently(self):
        result = subprocess.run([str(ROOT / "scripts" / "prerequisites"), "--no-install"], cwd=ROOT,
                                capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual((0, ""), (result.returncode, result.stderr), result.stderr)

    def test_an_unknown_option_is_a_usage_error(self):
        result = self.run_with(path_with(*BASICS), "--instal")
        self.assertEqual(2, result.returncode)
        self.assertIn("usage: scripts/prerequisites [--no-install]", result.stderr)


if __name__ == "__main__":
    unittest.main()
