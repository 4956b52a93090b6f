"""reStructuredText (Sphinx and Read the Docs sources) as an HTML fragment.

docutils, the reference parser, reads the text. A Sphinx page uses roles and
directives docutils does not know (``:ref:``, ``:doc:``, ``.. code-block::``,
``.. toctree::``); each is given a generic meaning before parsing: a role
keeps its text ("the :ref:`tagging guide <tagging>`" reads "the tagging
guide"), a directive keeps its content as the text it holds, and those that
hold no text for a reader (a table of contents, an autodoc entry) are dropped.
Nothing is read from disk or the network: ``include``, ``raw`` and file
insertion are disabled.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

# Roles and directives that stand for text elsewhere (a generated table of
# contents, an API entry, another file): they hold nothing to answer from.
_DROPPED = frozenset(
    {
        "toctree",
        "contents",
        "sectnum",
        "literalinclude",
        "include",
        "raw",
        "automodule",
        "autoclass",
        "autofunction",
        "automethod",
        "autodata",
        "autoattribute",
        "autosummary",
        "only",
        "ifconfig",
        "index",
        "meta",
        "highlight",
        "currentmodule",
        "module",
        "default-role",
        "tabularcolumns",
        "spelling:word-list",
    }
)
_ROLE = re.compile(r"(?<![\w`]):([A-Za-z][\w.+-]*(?::[\w.+-]+)?):`")
_DIRECTIVE = re.compile(r"^\s*\.\.\s+([A-Za-z][\w.+:-]*)::", re.M)
_TARGET = re.compile(r"^(.*?)\s*<([^<>]*)>$", re.S)  # "Title <target>"
_TITLE = re.compile(r'<h1 class="title">.*?</h1>\s*', re.S)


def to_html(text: str) -> tuple[str, str]:
    """The document's title and its body as an HTML fragment (sections as ``<h2>``...)."""
    from docutils import nodes
    from docutils.core import publish_parts
    from docutils.parsers.rst import Directive, directives, languages, roles
    from docutils.utils import Reporter

    def role(
        name: str,
        rawtext: str,
        text: str,
        lineno: int,
        inliner: Any,
        options: Any = None,
        content: Any = None,
    ) -> tuple[list[Any], list[Any]]:
        shown = _TARGET.match(text)
        label = shown.group(1) if shown else text
        if not shown and name.split(":")[-1] in ("doc", "ref", "mod", "class", "func", "meth"):
            # "/guide/faq-meetups/" names the page "faq meetups" (Sphinx shows its title)
            label = label.lstrip("~!").rstrip("/").rsplit("/", 1)[-1]
            if name.split(":")[-1] == "doc":
                label = label.replace("-", " ").replace("_", " ")
        return [
            nodes.literal(rawtext, label)
            if name.endswith(
                ("kbd", "file", "samp", "command", "program", "option", "envvar", "code")
            )
            else nodes.Text(label)
        ], []

    class AnyOptions(dict[str, Any]):
        """Any option is accepted (and ignored)."""

        def __missing__(self, key: str) -> Any:
            return directives.unchanged

    class Generic(Directive):
        """A directive docutils lacks: its arguments and content as the text it holds."""

        has_content = True
        optional_arguments = 10
        final_argument_whitespace = True
        option_spec = AnyOptions()

        def run(self) -> list[Any]:
            if self.name in _DROPPED:
                return []
            if self.name in ("code-block", "sourcecode", "code", "prompt", "console"):
                return [nodes.literal_block("", "\n".join(self.content))]
            holder = nodes.container()
            if self.arguments:  # "versionadded:: 1.2", a "tab:: Linux" title
                holder += nodes.paragraph("", " ".join(self.arguments))
            self.state.nested_parse(self.content, self.content_offset, holder)
            return [holder]

    english = languages.get_language("en")
    quiet = SimpleNamespace(
        reporter=Reporter("", Reporter.SEVERE_LEVEL + 1, 5, stream=False), current_line=0
    )
    for name in set(_ROLE.findall(text)):
        if roles.role(name, english, 0, quiet.reporter)[0] is None:  # type: ignore[arg-type]
            roles.register_local_role(name, role)
    for name in set(_DIRECTIVE.findall(text)) | (_DROPPED & {"include", "raw"}):
        known = directives.directive(name, english, quiet)[0]  # type: ignore[arg-type]
        if known is None or name in _DROPPED or name in ("code-block", "sourcecode", "code"):
            directives.register_directive(name, Generic)
    settings = {
        "report_level": 5,  # quiet: a broken construct stays as text, never an error
        "halt_level": 5,
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "input_encoding": "unicode",
        "syntax_highlight": "none",
        "doctitle_xform": True,
        "initial_header_level": 2,
        "warning_stream": False,
    }
    parts = publish_parts(text, writer="html5", settings_overrides=settings)
    body = re.sub(r'<p class="admonition-title">.*?</p>', "", parts["body"], flags=re.S)
    return _plain(parts["title"]), _TITLE.sub("", body)


def _plain(html: str) -> str:
    import html as htmllib

    return htmllib.unescape(re.sub(r"<[^>]+>", "", html)).strip()
