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


def lines_needed(result):
    """What the "scripts/test needs ..." line names as missing."""
    line = next((l for l in result.stderr.splitlines() if l.startswith("scripts/test needs ")), "")
    return line.split(";")[0]


class PrerequisitesTest(unittest.TestCase):
    def run_with(self, folder, *args):
        self.addCleanup(shutil.rmtree, folder)
        env = dict(os.environ, PATH=str(folder))
        return subprocess.run([str(folder / "bash"), str(ROOT / "scripts" / "prerequisites"), *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120, check=False)

    def test_a_machine_without_the_tools_gets_one_line_naming_each_and_how_to_install_it(self):
        result = self.run_with(path_with(*BASICS), "--no-install")

        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("note: ")]
        self.assertEqual(1, len(lines), result.stderr)
        line = lines[0]
        self.assertTrue(line.startswith("scripts/test needs "), line)
        for command in ("shellcheck", "yamllint", "dot", "kubectl", "openssl", "cfn-lint", "moto_server"):
            self.assertIn(command, line.split(";")[0])
        self.assertIn("sudo apt-get install -y graphviz openssl shellcheck yamllint", line)
        # Debian's archive has no kubectl package: the Kubernetes project's own repository has.
        self.assertIn("kubectl from the Kubernetes package repository (https://kubernetes.io/docs/tasks/tools/"
                      "install-kubectl-linux/#install-using-native-package-management)", line)
        # Never pip into the system's Python (PEP 668): a virtual environment of the project's own.
        self.assertIn("python3 -m venv target/tools && target/tools/bin/pip install cfn-lint moto[server]", line)
        self.assertNotIn("python3 -m pip install", line)
        self.assertNotIn("java", line.split(";")[0], "the JDKs are there")

    def test_without_an_aws_cli_it_notes_where_v2_comes_from_and_that_pips_is_v1(self):
        result = self.run_with(path_with(*BASICS), "--no-install")
        notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
        self.assertEqual(1, len(notes), result.stderr)
        self.assertIn("scripts/test does not need it", notes[0])
        self.assertIn("https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html", notes[0])
        self.assertIn("pip's awscli is the old v1", notes[0])
        self.assertNotIn("aws", lines_needed(result), "not a requirement of the checks")

    def test_python_tools_go_into_a_virtual_environment_never_into_the_systems_python(self):
        project = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, project)
        (project / "scripts").mkdir()
        for name in ("prerequisites", "java21-home"):
            shutil.copy(ROOT / "scripts" / name, project / "scripts" / name)
        folder = path_with(*BASICS, "mkdir", "chmod", "rm")
        self.addCleanup(shutil.rmtree, folder)
        log = folder / "calls.log"
        (folder / "python3").unlink()
        # A Python that refuses pip into itself, as an externally managed one does, and makes virtual
        # environments whose pip installs stand-ins for the tools.
        (folder / "python3").write_text(f"""#!{shutil.which("bash")}
if [[ "$1 $2" == "-m pip" ]]; then echo "system pip $*" >> {log}; exit 1; fi
if [[ "$1 $2" == "-m venv" ]]; then
  echo "venv $3" >> {log}
  mkdir -p "$3/bin"
  cat > "$3/bin/pip" <<'PIP'
#!{shutil.which("bash")}
echo "venv pip $*" >> {log}
for tool in cfn-lint moto_server; do printf '#!/bin/sh\n' > "$(dirname "$0")/$tool"; chmod +x "$(dirname "$0")/$tool"; done
PIP
  chmod +x "$3/bin/pip"
  exit 0
fi
exec {sys.executable} "$@"
""")
        (folder / "python3").chmod(0o755)
        env = dict(os.environ, PATH=str(folder))

        result = subprocess.run([str(folder / "bash"), str(project / "scripts" / "prerequisites")], cwd=project,
                                env=env, capture_output=True, text=True, timeout=120, check=False)

        calls = log.read_text().splitlines()
        self.assertEqual([f"venv target/tools", "venv pip install --quiet cfn-lint moto[server]"], calls, result.stderr)
        self.assertTrue((project / "target" / "tools" / "bin" / "moto_server").exists())
        needed = lines_needed(result)
        self.assertNotIn("cfn-lint", needed, "found in target/tools/bin")
        self.assertNotIn("moto_server", needed)
        self.assertIn("shellcheck", needed, "still missing: nothing here installs it")

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
