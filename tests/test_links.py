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
    text = "\n".join(prose(page.read_text()))  # a link's text may run over a line break
    for match in LINK.finditer(text):
        number, target = text.count("\n", 0, match.start()) + 1, match.group(1)
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


# Where the app's own output sends a reader to the README by a section's name: alarm descriptions and the
# dashboard (`See "Seeing what runs" in the README.`, `the README's "Seeing what runs"`), the Lambdas' errors
# (`(README, Troubleshooting)`). That text is in the templates, so it stays; the README's map of topic pages
# carries a link of exactly that name to the page holding the section.
NAMED_IN_CODE = (re.compile(r'\\?"([^"\\]+)\\?" in the README'), re.compile(r'README\'s \\?"([^"\\]+)\\?"'),
                 re.compile(r"\(README, ([A-Z][^)\"]*)\)"))
# Where a script or workflow names a page and a section on it: `"Something was left behind" in docs/teardown.md`.
NAMED_ON_PAGE = re.compile(r'\\?"([^"\\]+)\\?" in (docs/[\w-]+\.md)|(docs/[\w-]+\.md), \\?"([^"\\]+)\\?"')


def code_files():
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "src/main/java", "lambda",
                             "scripts", ".github"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def names_in_code(files):
    """{section name: [file, ...]} for every README section the files send a reader to by name."""
    found = {}
    for path in files:
        text = path.read_text(errors="replace")
        for pattern in NAMED_IN_CODE:
            for name in pattern.findall(text):
                found.setdefault(name, []).append(shown(path))
    return found


def map_problems(readme, names):
    """Each name needs a link in the README whose text is exactly it and whose target holds that heading."""
    problems = []
    links = {}
    for line in prose(readme.read_text()):
        for text, target in re.findall(r"(?<!\\)\[([^\]]*)\]\(([^)\s]+)\)", line):
            links.setdefault(text, []).append(target)
    for name, where in sorted(names.items()):
        targets = links.get(name, [])
        good = [t for t in targets if t.partition("#")[2] == slug(name) and (readme.parent / t.partition("#")[0]).exists()
                and slug(name) in anchors((readme.parent / t.partition("#")[0]).resolve())]
        if not good:
            problems.append(f"{', '.join(sorted(set(where)))} send(s) the reader to \"{name}\" in the README, which "
                            f"has no link named so to a page with that heading (links named so: {targets})")
    return problems


class LinksTest(unittest.TestCase):
    def test_every_relative_link_and_anchor_resolves(self):
        checked = pages()
        self.assertIn(ROOT / "README.md", checked)
        docs = sorted((ROOT / "docs").glob("*.md"))
        self.assertGreaterEqual(len(docs), 14, docs)
        self.assertEqual([], [shown(page) for page in docs if page not in checked], "every docs page is checked")
        problems = [problem for page in checked for problem in broken_links(page)]
        self.assertEqual([], problems)

    def test_every_topic_page_is_linked_from_the_readme(self):
        linked = {(ROOT / target.partition("#")[0]).resolve() for line in prose((ROOT / "README.md").read_text())
                  for target in LINK.findall(line) if target.startswith("docs/")}
        self.assertEqual([], [shown(page) for page in sorted((ROOT / "docs").glob("*.md")) if page not in linked])

    def test_each_section_the_apps_output_names_is_in_the_readmes_map(self):
        names = names_in_code(code_files())
        self.assertTrue({"Seeing what runs", "Troubleshooting", "Karpenter"} <= set(names), names)
        self.assertEqual([], map_problems(ROOT / "README.md", names))

    def test_each_section_a_script_names_on_a_page_is_there(self):
        problems, seen = [], 0
        for path in code_files():
            for match in NAMED_ON_PAGE.finditer(path.read_text(errors="replace")):
                name, page = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
                seen += 1
                if not (ROOT / page).exists() or slug(name) not in anchors(ROOT / page):
                    problems.append(f"{shown(path)}: \"{name}\" in {page}: no such heading")
        self.assertGreaterEqual(seen, 3, "the check saw the scripts' references")
        self.assertEqual([], problems)

    def test_the_map_check_finds_a_missing_or_misdirected_entry(self):
        import tempfile

        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in folder.iterdir()] and None or folder.rmdir())
        (folder / "page.md").write_text("# Seeing what runs\n\n## Karpenter\n")
        code = folder / "code.py"
        code.write_text('x = "See \\"Seeing what runs\\" in the README." + "(README, Karpenter)" + "(README, Troubleshooting)"\n')
        (folder / "README.md").write_text("[Seeing what runs](page.md#seeing-what-runs) [Karpenter](page.md#troubleshooting)\n")
        names = names_in_code([code])
        self.assertEqual({"Seeing what runs", "Karpenter", "Troubleshooting"}, set(names))
        problems = map_problems(folder / "README.md", names)
        self.assertEqual(2, len(problems), problems)
        self.assertIn('"Karpenter"', problems[0])
        self.assertIn('"Troubleshooting"', problems[1])

    def test_the_check_finds_a_missing_file_and_a_missing_anchor(self):
        import tempfile

        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in folder.iterdir()] and None or folder.rmdir())
        (folder / "other.md").write_text("# Other page\n\n## Its part `one`\n\n## Its part `one`\n")
        page = folder / "page.md"
        page.write_text("# A page\n\n[ok](other.md#its-part-one) [ok](other.md#its-part-one-1) [ok](#a-page)\n"
                        "[gone](missing.md) [no anchor](other.md#nothing) [here](#nowhere) [over a\n"
                        "line](#broken-over-lines)\n"
                        "`[in code](missing-too.md)`\n```\n[fenced](missing-three.md)\n```\n")
        problems = broken_links(page)
        self.assertEqual(4, len(problems), problems)
        self.assertTrue(problems[0].endswith("missing.md does not exist"), problems)
        self.assertIn("no heading #nothing in", problems[1])
        self.assertIn("no heading #nowhere in", problems[2])
        self.assertIn(":4: #broken-over-lines: no heading", problems[3])


if __name__ == "__main__":
    unittest.main()
