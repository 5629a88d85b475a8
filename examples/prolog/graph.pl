% Reachability in a graph, right and left recursive. Depth-first search loops on the left
% recursive version (after its answers, or before them for some queries); the fair order answers.
edge(a, b).
edge(b, c).
edge(c, d).
edge(b, e).

path_r(X, Y) :- edge(X, Y).
path_r(X, Y) :- edge(X, Z), path_r(Z, Y).

path_l(X, Y) :- path_l(X, Z), edge(Z, Y).
path_l(X, Y) :- edge(X, Y).

% a cycle
link(p, q).
link(q, p).
link(q, r).

reach(X, Y) :- reach(X, Z), link(Z, Y).
reach(X, Y) :- link(X, Y).
