"""Code pairs for comparing our CodeBLEU with the `codebleu` package, and the known differences.

Each case is (id, lang, prediction, references). KNOWN_DIFFERENCES maps a case id to the
components where we differ from the package on purpose, with the reason.
"""
from __future__ import annotations

CASES: list[tuple[str, str, str, list[str]]] = [
    ("py-rename", "python", "def add(a, b):\n    return a + b\n", ["def add(x, y):\n    return x + y\n"]),
    ("py-loop-branch", "python",
     "def f(xs):\n    total = 0\n    for x in xs:\n        if x > 0:\n            total += x\n"
     "        else:\n            total -= 1\n    return total",
     ["def f(items):\n    s = 0\n    for i in items:\n        s = s + i\n    return s"]),
    ("py-empty-prediction", "python", "", ["x = 1"]),
    ("py-whitespace-prediction", "python", "   \n\t\n", ["def f():\n    return 1"]),
    ("py-syntax-error", "python", "def f(:\n  return", ["def f():\n    return 1"]),
    ("py-unclosed-string", "python", "x = 'abc\ny = x", ["x = 'abc'\ny = x"]),
    ("py-comments-docstring", "python",
     "# comment\ndef g(a):\n    \"\"\"doc\"\"\"\n    b = a * 2  # double\n    return b",
     ["def g(a):\n    b = a * 2\n    return b"]),
    ("py-tabs-vs-spaces", "python", "def g(a):\n\tb = a * 2\n\treturn b", ["def g(a):\n    b = a * 2\n    return b"]),
    ("py-non-ascii", "python", "s = 'héllo wörld'\nt = s + 'ü'\nprint(t)",
     ["s = 'hello'\nt = s + 'x'\nprint(t)", "u = 'héllo'\nv = u\nprint(v)"]),
    ("py-non-ascii-same-line", "python", "x = 'é'; y = x; z = y", ["x = 'é'; y = x; z = x"]),
    ("py-non-ascii-identifiers", "python", "größe = 1\nmaß = größe + 2", ["größe = 1\nmaß = größe * 2"]),
    ("py-multiple-references", "python", "a, b = b, a\nwhile a < 10:\n    a = a + b\nc = [i*i for i in range(a) if i]",
     ["a, b = 0, 1\nwhile a < 10:\n    a, b = b, a + b", "a = 0\nb = 1\nwhile a < 10:\n    a = a + b"]),
    ("py-empty-reference", "python", "x = 1", [""]),
    ("py-default-params", "python", "def k(x=3, y=x):\n    z = x\n    z += y\n    return z", ["def k(x=1):\n    return x"]),
    ("py-while-merge", "python",
     "def f(n):\n    s = 0\n    i = 0\n    while i < n:\n        s = s + i * n\n        i = i + 1\n    return s",
     ["def g(m):\n    t = 0\n    j = 0\n    while j < m:\n        t = m * j + t\n        j = j + 1\n    return t"]),
    ("java-decl", "java", "int add(int a, int b) { int c = a + b; return c; }", ["int add(int x, int y) { return x + y; }"]),
    ("java-for-comment", "java", "for (int i = 0; i < n; i++) { s += i; } // loop",
     ["int s = 0; for (int i = 0; i < n; i++) { s = s + i; }"]),
    ("java-branches-multi-ref", "java", "if (a > b) { m = a; } else { m = b; } while (m > 0) { m--; }",
     ["m = a > b ? a : b;", "if (a > b) m = a; else m = b;"]),
    ("java-foreach", "java", "for (String s : list) { out.add(s); }", ["for (String t : items) { out.add(t); }"]),
    ("java-block-comment-string", "java", "String s = \"// not a comment\"; /* gone */ int x = s.length();",
     ["String t = \"x\"; int y = t.length();"]),
    ("js-decl", "javascript", "function f(a) { let b = a + 1; b += 2; return b; }",
     ["function f(x) { var y = x + 1; return y; }"]),
    ("js-for-var", "javascript", "if (x) { y = 1 } else { y = 2 } for (let i = 0; i < 3; i++) { z = z + i }",
     ["for (var i = 0; i < 3; i++) { z += i; }"]),
    ("go-func", "go", "func add(a int, b int) int {\n\tc := a + b\n\treturn c\n}",
     ["func add(x int, y int) int {\n\treturn x + y\n}"]),
    ("go-loop", "go", "var x int = 3\nfor i := 0; i < 10; i++ {\n\tx = x + i\n}\nif x > 3 { x = 1 } else { x = 2 }",
     ["var x = 0\nfor i := 0; i < 10; i++ {\n\tx += i\n}"]),
    ("c-func", "c", "int add(int a, int b) { int c = a + b; return c; }",
     ["int add(int x, int y) { int z = x + y; return z; }"]),
    ("c-loop", "c", "for (int i = 0; i < n; i++) { s = s + i; } /* c */", ["int i; for (i = 0; i < n; i++) s += i;"]),
    ("cpp-func", "cpp", "int add(int a, int b) { auto c = a + b; return c; }", ["int add(int x, int y) { return x + y; }"]),
    ("cpp-range-for", "cpp", "std::vector<int> v; for (auto x : v) { s += x; }",
     ["for (int i = 0; i < v.size(); i++) s += v[i];"]),
    ("cs-func", "c_sharp", "int Add(int a, int b) { int c = a + b; return c; }",
     ["int Add(int x, int y) { var z = x + y; return z; }"]),
    ("cs-foreach", "c_sharp", "foreach (var x in xs) { s += x; } i++;", ["for (int i = 0; i < n; i++) { s = s + xs[i]; }"]),
    ("php-func", "php", "<?php function add($a, $b = 2) { $c = $a + $b; return $c; }",
     ["<?php function add($x, $y) { return $x + $y; }"]),
    ("php-foreach", "php", "<?php foreach ($xs as $x) { $s += $x; } if ($s > 1) { $t = 1; } else { $t = 2; }",
     ["<?php for ($i = 0; $i < 3; $i++) { $s = $s + $i; }"]),
    ("ruby-def", "ruby", "def add(a, b)\n  c = a + b\n  c\nend", ["def add(x, y)\n  x + y\nend"]),
    ("ruby-for-if", "ruby", "for i in 0..3\n  s += i\nend\nif s > 2\n  t = 1\nelse\n  t = 2\nend",
     ["s = 0\n(0..3).each { |i| s = s + i }"]),
    ("rust-fn", "rust", "fn add(a: i32, b: i32) -> i32 { let c = a + b; c }", ["fn add(x: i32, y: i32) -> i32 { x + y }"]),
    ("rust-loops", "rust", "fn f() { let mut s = 0; for i in 0..3 { s += i; } if s > 1 { s = 1; } else { s = 2; } }",
     ["fn f() { let mut s = 0; while s < 3 { s = s + 1; } }"]),
]

# Our modules run on the package's own grammars, against the package with insertion-ordered
# sets, agree exactly except for these (see KNOWN_DIFFERENCES for the reasons).
PARITY_DIFFERENCES = {"py-non-ascii-same-line"}

_GRAMMAR = "current grammar wheels parse this differently from the package's 0.21-era ones"
KNOWN_DIFFERENCES: dict[str, tuple[set[str], str]] = {
    # The package merges parent-variable lists through a set, so with PYTHONHASHSEED=0 it
    # scores 0.8667 here and 0.8667, 0.9333 or 1.0 under other seeds; ours is always 0.9333.
    "py-while-merge": ({"dataflow_match", "codebleu"}, "deterministic data flow"),
    # The package cuts token text at byte offsets from the decoded line, so after 'é' every
    # token on that line is shifted and z = y / z = x look alike to it (1.0); ours: 2 of 3.
    "py-non-ascii-same-line": ({"dataflow_match", "codebleu"}, "token text after non-ASCII characters"),
    # tree-sitter-javascript 0.25 no longer wraps a `for (var ...)` condition in an
    # expression_statement, so one reference subtree is new (0.333 vs 0.4).
    "js-for-var": ({"syntax_match", "codebleu"}, _GRAMMAR),
    # tree-sitter-go 0.25 puts a statement_list node inside every block (0.5 vs 0.556).
    "go-func": ({"syntax_match", "codebleu"}, _GRAMMAR),
    "go-loop": ({"syntax_match", "codebleu"}, _GRAMMAR),
}

