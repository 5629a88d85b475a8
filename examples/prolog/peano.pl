% Peano arithmetic: runs forwards and backwards.
nat(0).
nat(s(N)) :- nat(N).

add(0, Y, Y).
add(s(X), Y, s(Z)) :- add(X, Y, Z).

mult(0, _, 0).
mult(s(X), Y, Z) :- mult(X, Y, W), add(W, Y, Z).

leq(0, _).
leq(s(X), s(Y)) :- leq(X, Y).

even(0).
even(s(s(N))) :- even(N).
