% N-queens without arithmetic: Peano rows, structural disequality, diagonals by addition.
add(0, Y, Y).
add(s(X), Y, s(Z)) :- add(X, Y, Z).

neq(0, s(_)).
neq(s(_), 0).
neq(s(X), s(Y)) :- neq(X, Y).

range(N, N, [N]).
range(M, N, [M|Ns]) :- neq(M, N), range(s(M), N, Ns).

sel(X, [X|T], T).
sel(X, [H|T], [H|R]) :- sel(X, T, R).

perm([], []).
perm(L, [H|T]) :- sel(H, L, R), perm(R, T).

safe([]).
safe([Q|Qs]) :- noattack(Q, Qs, s(0)), safe(Qs).

noattack(_, [], _).
noattack(Q, [Q1|Qs], D) :-
    add(Q, D, A), neq(A, Q1),
    add(Q1, D, B), neq(B, Q),
    noattack(Q, Qs, s(D)).

queens(N, Qs) :- range(s(0), N, Ns), perm(Ns, Qs), safe(Qs).
