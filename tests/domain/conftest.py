"""Settings of the domain tests under mutation testing (pyproject's [tool.mutmut]).

The mutation run loads only this conftest (``--confcutdir``): the domain needs no
database. Its ``mutation`` Hypothesis profile draws the same examples on every run, so
the mutation score cannot flicker between runs, and fewer of them, so each of the
thousand mutant runs stays short; the rules' example tests carry the exact cases. It
does not shrink a failing example: the first failure kills the mutant, and nobody
reads the minimal example of a mutant.
"""

from __future__ import annotations

from hypothesis import Phase, settings

settings.register_profile(
    "mutation",
    max_examples=25,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
)
