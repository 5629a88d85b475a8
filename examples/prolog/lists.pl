% Lists: the classic relations, each usable in several modes.
app([], L, L).
app([H|T], L, [H|R]) :- app(T, L, R).

mem(X, [X|_]).
mem(X, [_|T]) :- mem(X, T).

sel(X, [X|T], T).
sel(X, [H|T], [H|R]) :- sel(X, T, R).

perm([], []).
perm(L, [H|T]) :- sel(H, L, R), perm(R, T).

nrev([], []).
nrev([H|T], R) :- nrev(T, RT), app(RT, [H], R).

rev(L, R) :- rev(L, [], R).
rev([], A, A).
rev([H|T], A, R) :- rev(T, [H|A], R).

len([], 0).
len([_|T], s(N)) :- len(T, N).

last([X], X).
last([_|T], X) :- last(T, X).

prefix([], _).
prefix([H|T], [H|L]) :- prefix(T, L).
