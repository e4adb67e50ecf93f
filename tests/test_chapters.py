"""Each chapter runs top to bottom in a fresh kernel with no error and nothing on stderr.

The book build (tests/test_book.py) executes every chapter too, so these are deselected from
`make test` (marker `chapter`); run one chapter while writing it with
`.venv/bin/python -m pytest -m chapter -k ch01 -s`.
"""

import pytest
from notebooks import chapter_paths, execute


@pytest.mark.chapter
@pytest.mark.parametrize("path", chapter_paths(), ids=lambda p: p.stem)
def test_chapter_executes(path):
    _, seconds, problems = execute(path)
    print(f"{path.name}: executed in {seconds:.1f} s")
    assert not problems, "\n".join(problems)
