% Unification and disjunction without a program of its own.
pair(X, Y, pair(X, Y)).
either(X) :- ( X = left ; X = right ).
