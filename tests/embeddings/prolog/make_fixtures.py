"""Regenerate ``fixtures.json``: every query of ``corpus.json`` answered by SWI-Prolog.

    python3 tests/embeddings/prolog/make_fixtures.py       # needs swipl (Debian: swi-prolog-nox)

SWI-Prolog runs with ``double_quotes=codes`` and ``occurs_check=true`` (our unification always
checks occurrences); predicates a corpus entry lists under ``"table"`` are tabled, so that SWI-
Prolog terminates on left recursion and gives the answer set the fair order must cover. Each
answer's unbound variables are named ``_A, _B, ...`` in order of first appearance, and terms are
written with ``write_term(T, [quoted(true), numbervars(true), spacing(next_argument), priority(699)])``:
as the toplevel writes ``X = T``, T the right operand of ``=/2`` (and an operator atom embraced,
``X = (-)``, as the toplevel does).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

DRIVER = r"""
:- initialization(main, main).
main :-
    current_prolog_flag(argv, [File, QueryText, LimitText]),
    set_prolog_flag(double_quotes, codes),
    set_prolog_flag(occurs_check, true),
    load_files(File, []),
    term_string(Query, QueryText, [variable_names(Bindings)]),
    atom_number(LimitText, Limit),
    ( Limit > 0 -> Goal = limit(Limit, Query) ; Goal = Query ),
    forall(call(Goal), show(Bindings)),
    halt.
show(Bindings) :-
    exclude([Name=_]>>sub_atom(Name, 0, 1, _, '_'), Bindings, Named),
    copy_term(Named, Copy),
    maplist(arg(2), Copy, Values),
    term_variables(Values, Vars),
    name_variables(Vars, 0),
    forall(member(Name=V, Copy),
           ( write(Name), write('\t'),
             show_value(V), nl )),
    write('---'), nl.
show_value(V) :-  % the toplevel embraces an operator atom: X = (-)
    atom(V), current_op(_, _, V), !,
    write('('), writeq(V), write(')').
show_value(V) :-
    write_term(V, [quoted(true), numbervars(true), spacing(next_argument), priority(699)]).
name_variables([], _).
name_variables([V|Vs], N) :-
    Letter is 0'A + N mod 26, Number is N // 26,
    ( Number =:= 0 -> format(atom(Name), '_~c', [Letter]) ; format(atom(Name), '_~c~d', [Letter, Number]) ),
    V = '$VAR'(Name),
    N1 is N + 1,
    name_variables(Vs, N1).
"""


def swipl_answers(program: Path, query: str, limit: int, table: list[str]) -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        driver = Path(tmp) / "driver.pl"
        driver.write_text(DRIVER, encoding="utf-8")
        source = Path(tmp) / program.name
        directives = "".join(f":- table {p}.\n" for p in table)
        source.write_text(directives + program.read_text(encoding="utf-8"), encoding="utf-8")
        done = subprocess.run(
            ["swipl", str(driver), "--", str(source), query, str(limit)], capture_output=True, text=True, timeout=120
        )
    if done.returncode != 0:
        raise RuntimeError(f"swipl failed on {program.name}: {query}\n{done.stderr}")
    answers, current = [], {}
    for line in done.stdout.splitlines():
        if line == "---":
            answers.append(current)
            current = {}
        else:
            name, _, text = line.partition("\t")
            current[name] = text
    return answers


def main() -> None:
    if shutil.which("swipl") is None:
        sys.exit("swipl is not installed (Debian: apt-get install swi-prolog-nox)")
    version = subprocess.run(["swipl", "--version"], capture_output=True, text=True).stdout.strip()
    corpus = json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))
    fixtures = []
    for entry in corpus:
        answers = swipl_answers(
            HERE.parents[2] / "examples" / "prolog" / entry["program"],
            entry["query"],
            entry.get("limit", 0),
            entry.get("table", []),
        )
        fixtures.append({**entry, "answers": answers})
        print(f"{entry['program']}: {entry['query']}: {len(answers)} answers")
    payload = {"generated_by": version, "fixtures": fixtures}
    (HERE / "fixtures.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
