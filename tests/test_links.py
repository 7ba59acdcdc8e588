"""Every relative link in the project's Markdown pages resolves: the file it names exists, and the anchor
it names is a heading of that page (GitHub's anchors: lower case, punctuation but hyphens and underscores
dropped, spaces as hyphens, a repeated heading numbered -1, -2, ...). Links to the web are not followed:
the tests never leave loopback. Run: python3 -m unittest discover --start-directory tests -p test_links.py"""
import pathlib
import re
import subprocess
import unittest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# [text](target) and [text](target "title"), not images' data, not inside code spans or fenced blocks.
LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"")


def pages():
    """The Markdown files git tracks (or would: untracked but not ignored)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).exists() and not name.startswith("node_modules/")]


def prose(text):
    """The page's lines outside fenced code blocks, with inline code spans blanked."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            lines.append("")
            continue
        lines.append("" if fenced else re.sub(r"`[^`]*`", "``", line))
    return lines


def slug(heading):
    text = re.sub(r"<[^>]+>", "", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link in a heading keeps its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    found, seen = set(), {}
    text = path.read_text()
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        found.update(HTML_ANCHOR.findall(line))
    return found


def shown(path):
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def broken_links(page):
    problems = []
    for number, line in enumerate(prose(page.read_text()), 1):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
                continue
            file_part, _, anchor = target.partition("#")
            destination = (page.parent / file_part).resolve() if file_part else page
            where = f"{shown(page)}:{number}: {target}"
            if not destination.exists():
                problems.append(f"{where}: {file_part} does not exist")
            elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
                problems.append(f"{where}: no heading #{anchor} in {shown(destination)}")
    return problems


class LinksTest(unittest.TestCase):
    def test_every_relative_link_and_anchor_resolves(self):
        checked = pages()
        self.assertIn(ROOT / "README.md", checked)
        problems = [problem for page in checked for problem in broken_links(page)]
        self.assertEqual([], problems)

    def test_the_check_finds_a_missing_file_and_a_missing_anchor(self):
        import tempfile

        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in folder.iterdir()] and None or folder.rmdir())
        (folder / "other.md").write_text("# Other page\n\n## Its part `one`\n\n## Its part `one`\n")
        page = folder / "page.md"
        page.write_text("# A page\n\n[ok](other.md#its-part-one) [ok](other.md#its-part-one-1) [ok](#a-page)\n"
                        "[gone](missing.md) [no anchor](other.md#nothing) [here](#nowhere)\n"
                        "`[in code](missing-too.md)`\n```\n[fenced](missing-three.md)\n```\n")
        problems = broken_links(page)
        self.assertEqual(3, len(problems), problems)
        self.assertTrue(problems[0].endswith("missing.md does not exist"), problems)
        self.assertIn("no heading #nothing in", problems[1])
        self.assertIn("no heading #nowhere in", problems[2])


if __name__ == "__main__":
    unittest.main()
