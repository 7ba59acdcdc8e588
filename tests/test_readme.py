"""The README stays the front door: short enough to read in minutes, and holding every command a new user
needs to deploy, release, destroy and prove the destroy without opening another page. The detail lives in
the topic pages under docs/, which tests/test_links.py checks are linked. Run:
python3 -m unittest discover --start-directory tests -p test_readme.py"""
import pathlib
import re
import unittest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LONGEST = 180  # lines; about 150 is the aim, what is longer belongs on a topic page

# Each step of the first run, and the command the README gives for it.
COMMANDS = {
    "bootstrap": "npx cdk bootstrap aws://",
    "deploy": "npx cdk deploy --all",
    "reach the cluster": "aws eks update-kubeconfig",
    "release": "scripts/release",
    "watch the release": "aws codepipeline get-pipeline-state",
    "destroy": "npx cdk destroy --all",
    "prove the destroy": "scripts/verify-destroyed",
}


def code(text):
    """What the README shows as commands: its fenced blocks and inline code spans."""
    fenced = re.findall(r"```[a-z]*\n(.*?)```", text, re.S)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return "\n".join(fenced + inline)


def missing_steps(text):
    shown = code(text)
    return [step for step, command in COMMANDS.items() if command not in shown]


class ReadmeTest(unittest.TestCase):
    def setUp(self):
        self.text = (ROOT / "README.md").read_text()

    def test_is_short(self):
        self.assertLessEqual(len(self.text.splitlines()), LONGEST, "move the detail to a page under docs/")

    def test_holds_each_command_of_the_first_run(self):
        self.assertEqual([], missing_steps(self.text))

    def test_the_check_finds_a_step_gone(self):
        without = self.text.replace("scripts/verify-destroyed", "scripts/verify")
        self.assertEqual(["prove the destroy"], missing_steps(without))
        self.assertIn("destroy", missing_steps("`npx cdk destroy Pipeline`"))


if __name__ == "__main__":
    unittest.main()
