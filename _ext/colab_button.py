"""Sphinx extension: a Colab button in each chapter's launch menu, opening its notebook from the
branch that the publish workflow fills (`notebooks`, tools/colab.py).

sphinx-book-theme's own `launch_buttons.colab_url` cannot serve here: it links
`blob/<repository.branch>/<page>.md` on the branch Binder also reads (main), and Colab opens only
.ipynb files. This handler runs after the theme's (priority 501) and adds one link to the menu the
theme made ("launch-buttons"), so only pages that have one (the executed notebooks) get it:

    <colab_url>/github/<owner>/<repo>/blob/<colab_notebooks_branch>/<page>.ipynb

with owner and repository from `repository.url` (html_theme_options' repository_url). The
download menu is left alone: it keeps the executed .ipynb the theme copies into _sources/.
"""

from __future__ import annotations

import re

DEFAULT_COLAB = "https://colab.research.google.com"


def colab_link(repository_url: str, branch: str, pagename: str, colab: str = DEFAULT_COLAB) -> str:
    """The Colab address of page `pagename`'s notebook on `branch` of a GitHub repository."""
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?", repository_url)
    if not match:
        raise ValueError(
            f"repository.url is {repository_url!r}: Colab opens notebooks from GitHub only "
            "(https://github.com/OWNER/REPO)"
        )
    owner, repo = match.groups()
    return f"{colab.rstrip('/')}/github/{owner}/{repo}/blob/{branch}/{pagename}.ipynb"


def add_colab_button(app, pagename, templatename, context, doctree):
    """html-page-context handler: append the Colab link to the page's launch menu, if any."""
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"]
    if not groups:
        return
    url = colab_link(
        app.config.html_theme_options.get("repository_url", ""),
        app.config.colab_notebooks_branch,
        pagename,
        app.config.colab_url,
    )
    groups[0]["buttons"].append(
        {
            "type": "link",
            "text": "Colab",
            "tooltip": "Launch on Colab (the notebook installs the book's package)",
            "icon": "_static/images/logo_colab.png",
            "url": url,
        }
    )


def setup(app):
    app.add_config_value("colab_notebooks_branch", "notebooks", "html")
    app.add_config_value("colab_url", DEFAULT_COLAB, "html")
    app.connect("html-page-context", add_colab_button, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
