"""Reading a file costs time linear in its size: three shapes of front matter, each small enough
to pass the size limits, cost quadratic time in one pattern or field reader (an outside probe:
100 KB of ``: #`` took 23 s in the fast YAML path, 2,000 numbered topics 30 s, a line of 128 KB of
spaces 28 s in the check for repeated keys). Timed in a process of their own, so that a
regression fails rather than hangs; each takes milliseconds now, and minutes before."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.source.front_matter import _DIFFERENT
from feeds.source.front_matter import fast_load
from feeds.source.key_lines import _TOP_KEY
from feeds.source.parse import parse_article

PROGRAM = """
from feeds.source.front_matter import fast_load
from feeds.source.parse import parse_article
assert fast_load("a: #" + ": #" * 66_000) == {"a": None}
fast_load("- #" * 66_000)
fast_load("title: x\\n# see: #a" + ", x: #y" * 30_000 + "\\n")
topics = "".join(f"- {number}\\n" for number in range(10_000))
article, _ = parse_article(f"---\\ntitle: T\\ntopics:\\n{topics}---\\nBody\\n".encode(), "a.md", 0)
assert article.topics[:3] == ("0", "1", "2")
spaces = "---\\ntitle: T\\nflag: yes\\na: \\"\\nb" + " " * 300_000 + "c\\"\\n---\\nBody\\n"
parse_article(spaces.encode(), "b.md", 0)
from feeds.source.dates import named_month_date
for text in ("Jul 08 2022 10:00" + " \\t" * 100_000 + "pm" + " " * 100_000 + "x", "Mon, " * 50_000 + "Jul 08 2022"):
    assert named_month_date(text) is None
"""


def test_front_matter_that_cost_quadratic_time_is_read_in_linear_time() -> None:
    subprocess.run([sys.executable, "-c", PROGRAM], check=True, timeout=60)


def test_a_value_below_a_comment_is_still_checked() -> None:
    """The look below a line that ends in a comment after ": " or "- " moved out of the patterns:
    a YAML 1.1 word or number there still sends the text to PyYAML."""
    for text in ("a: # c\n  yes\n", "a: # c: #d\n  017\n", "- # c\n  on\n", "a: # c\n\n# d\n  1:30\n"):
        assert fast_load(text) is _DIFFERENT, text
    assert fast_load("a: # c: #d\n  fine\nb: x # c: #\n") == {"a": "fine", "b": "x"}


def test_numbered_topics_keep_their_warnings_and_their_kinds() -> None:
    text = "---\ntitle: T\ntopics: [017, 1, 1.0, 1, 12:30]\n---\nBody\n"
    article, warnings = parse_article(text.encode(), "a.md", 0)
    assert article.topics == ("15", "1", "1.0", "750")
    assert sum("YAML reads it as the number" in str(warning) for warning in warnings) == 2


#: The key pattern as it was, lazy: the new one must find the same keys in the same places.
_LAZY_TOP_KEY = re.compile(
    r"""^(?:"([^"\\\n]*)"|'([^'\n]*)'|([^\s#'"?:,\[\]{}&*!|>%@`-][^\n:#]*?))[ \t]*:(?=[ \t\r]|$)""",
    re.MULTILINE,
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b c", " ", "\t", ":", "#", '"', "'", "-", "\n", "\r", "\u3000", "é"])
    ).map("".join)
)
def test_the_key_pattern_finds_what_the_lazy_one_found(text: str) -> None:
    lazy = [(m.span(), m.groups()) for m in _LAZY_TOP_KEY.finditer(text)]
    assert [(m.span(), m.groups()) for m in _TOP_KEY.finditer(text)] == lazy
