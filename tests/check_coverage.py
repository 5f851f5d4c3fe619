"""After the suite: the line coverage, and every public function of every ``services`` and
``selectors`` module called by at least one test (``./run test`` fails when one is not).

"Called" means the first statement of its body ran: a function only imported or only defined
does not count. Run with the ``.coverage`` file that ``pytest --cov`` wrote.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "gonghui"


def public_functions(path: Path):
    """(name, line of the first statement of its body) of each module-level public function."""
    tree = ast.parse(path.read_text(), str(path))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith(
            "_"
        ):
            body = node.body
            if (
                len(body) > 1
                and isinstance(body[0], ast.Expr)
                and isinstance(getattr(body[0], "value", None), ast.Constant)
            ):
                body = body[1:]  # the docstring
            yield node.name, body[0].lineno


def service_and_selector_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        if path.stem in ("services", "selectors") or path.parent.name in ("services", "selectors"):
            yield path


def main() -> int:
    cov = coverage.Coverage(
        data_file=str(ROOT / ".coverage"), config_file=str(ROOT / "pyproject.toml")
    )
    cov.load()
    data = cov.get_data()
    with open(os.devnull, "w") as quiet:
        total = cov.report(file=quiet)
    print(f"== coverage: {total:.1f}% of the platform's lines ran in the tests; the least covered:")
    shares = []
    for path in data.measured_files():
        _name, statements, _excluded, missing, _text = cov.analysis2(path)
        if statements:
            shares.append((1 - len(missing) / len(statements), len(statements), path))
    for share, statements, path in sorted(shares)[:10]:
        print(f"   {share:6.1%} of {statements:4d} lines  {Path(path).relative_to(ROOT)}")
    uncalled = []
    for path in service_and_selector_modules():
        executed = set(data.lines(str(path)) or ())
        for name, line in public_functions(path):
            if line not in executed:
                uncalled.append(f"{path.relative_to(ROOT)}:{line} {name}")
    if uncalled:
        print("== public services and selectors no test calls:")
        for entry in uncalled:
            print(f"   {entry}")
        return 1
    print("== every public service and selector is called by a test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
