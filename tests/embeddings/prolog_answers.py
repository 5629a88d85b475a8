"""The comparison both Prolog answer tests make (stored SWI-Prolog fixtures, test_prolog.py, and
live SWI-Prolog, test_swi_crosscheck.py): our answers against SWI-Prolog's, in order for the
Prolog order, as multisets for the fair one, and for a tabled ("cover") entry every expected
answer reached by the fair stream."""

from __future__ import annotations

import json
from collections import Counter

from machine_calculus.embeddings.prolog.compiler import Program, Query
from machine_calculus.embeddings.prolog.run import PrologAnswers, answer_bindings, answers, solve_prolog

#: The steps a fair stream may take to reach a tabled entry's answers.
COVER_FUEL = 200_000


def canon(answer: dict[str, str]) -> str:
    return json.dumps(answer, sort_keys=True)


def assert_answers_agree(
    program: Program,
    query: Query,
    order: str,
    expected: list[dict[str, str]],
    *,
    limit: int | None,
    cover: bool,
    fuel: int,
) -> PrologAnswers | None:
    """Assert that ``solve_prolog`` gives ``expected`` (SWI-Prolog's answers); the result, or
    None for a cover entry (its stream is not exhausted)."""
    if cover:
        missing = Counter(map(canon, expected))
        search = answers(program, query, order=order, fuel=COVER_FUEL)
        for answer in search:
            missing -= Counter([canon(answer_bindings(query, answer))])
            if not missing:
                break
        assert not missing, f"not found in {search.steps} steps: {sorted(missing)}"
        return None
    result = solve_prolog(program, query, order=order, limit=limit, fuel=fuel)
    assert not result.out_of_fuel
    if order == "prolog":
        assert list(result.answers) == expected
    else:
        assert Counter(map(canon, result.answers)) == Counter(map(canon, expected))
    return result
