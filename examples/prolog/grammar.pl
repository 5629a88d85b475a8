% A small grammar by difference lists: recognises and generates sentences.
sentence(S0, S) :- noun_phrase(S0, S1), verb_phrase(S1, S).
noun_phrase(S0, S) :- det(S0, S1), noun(S1, S).
verb_phrase(S0, S) :- verb(S0, S1), noun_phrase(S1, S).
verb_phrase(S0, S) :- verb(S0, S).
det([the|S], S).
det([a|S], S).
noun([dog|S], S).
noun([cat|S], S).
verb([sees|S], S).
verb([sleeps|S], S).
