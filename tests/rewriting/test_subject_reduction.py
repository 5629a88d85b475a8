"""FMC III's typing theorems against its reduction rules: subject reduction (every one-step
reduct of a typed term has the term's type, or a more general one)."""

from __future__ import annotations

from hypothesis import given

from calculus.fmc.printer import to_ascii
from calculus.fmc.types import TypingError, infer, instance_of, pretty_type
from calculus.strategies import TypedTerm, typed_terms
from rewriting.rules import reducts


@given(typed_terms(control=True))
def test_subject_reduction(example: TypedTerm) -> None:
    for rule, position, reduct in reducts(example.term):
        try:
            later = infer(reduct).type
        except TypingError as error:  # pragma: no cover - the property fails
            raise AssertionError(f"{rule} at {position}: {to_ascii(example.term)} -> {to_ascii(reduct)}: {error}")
        assert instance_of(example.type, later), (rule, to_ascii(reduct), pretty_type(example.type), pretty_type(later))
