"""Returns the per-language tables that drive data-flow extraction (see dataflow.py).

Each language names the tree-sitter node types that CodeBLEU's data-flow graph treats as a
definition, an assignment, an increment, a branch, a loop, and says which variant of each
rule it follows. The node-type lists and the variants reproduce the `codebleu` package
(0.7.0), whose per-language extractors differ in small ways that change scores; C and C++
use the C# rules, as XLCoST and that package do.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlowRules:
    """Node types and rule variants for one language's data-flow graph."""

    assignment: frozenset[str] = frozenset()
    definition: frozenset[str] = frozenset()
    increment: frozenset[str] = frozenset()
    branch: frozenset[str] = frozenset()
    loop: frozenset[str] = frozenset()
    foreach: frozenset[str] = frozenset()
    repeat: frozenset[str] = frozenset()
    first: frozenset[str] = frozenset()
    # How a definition finds its name and value: "fields" (name/value fields), "csharp"
    # (children 0 and 1 when there are exactly two), "rust" (children 1 and 2 when >= 3).
    definition_kind: str = "fields"
    value_field: str = "value"
    # "pairs": left and right lists are zipped (Python, Ruby) and each target gets every source;
    # "cross": one (target, source) edge per pair of variables.
    assignment_kind: str = "cross"
    # Branch variants: which children start the alternative branches, and how states merge.
    branch_children: frozenset[str] | None = None  # None: the `branch` types themselves
    branch_sticky: bool = True  # once an alternative starts, every later child is one too
    branch_tag: bool = True  # without an else, the states before the branch survive
    branch_keeps_outer: bool = False  # the outer states are merged in again (Go, PHP, JS)
    # Loop variant: "python", "ruby", or "children" (all children, then those after `loop_init`).
    loop_kind: str = "children"
    loop_init: str = ""
    loop_update_field: str | None = None  # Go: its for_clause's update is walked again
    foreach_kind: str = "fields"  # or "php"
    foreach_fields: tuple[str, str, str] = ("left", "right", "body")
    copies_states: bool = True  # Ruby's extractor mutates its caller's states in place


def _set(*names: str) -> frozenset[str]:
    return frozenset(names)


_CSHARP = FlowRules(
    assignment=_set("assignment_expression"), definition=_set("variable_declarator"),
    increment=_set("postfix_unary_expression"), branch=_set("if_statement", "else"),
    loop=_set("for_statement"), foreach=_set("for_each_statement"), repeat=_set("while_statement"),
    definition_kind="csharp", loop_init="local_variable_declaration")

RULES: dict[str, FlowRules] = {
    "python": FlowRules(
        assignment=_set("assignment", "augmented_assignment", "for_in_clause"),
        definition=_set("default_parameter"), branch=_set("if_statement"),
        loop=_set("for_statement"), repeat=_set("while_statement"), first=_set("for_in_clause"),
        assignment_kind="pairs", branch_children=_set("elif_clause", "else_clause"),
        branch_sticky=False, loop_kind="python"),
    "java": FlowRules(
        assignment=_set("assignment_expression"), definition=_set("variable_declarator"),
        increment=_set("update_expression"), branch=_set("if_statement", "else"),
        loop=_set("for_statement"), foreach=_set("enhanced_for_statement"),
        repeat=_set("while_statement"), loop_init="local_variable_declaration",
        foreach_fields=("name", "value", "body")),
    "c_sharp": _CSHARP,
    "c": _CSHARP,
    "cpp": _CSHARP,
    "ruby": FlowRules(
        assignment=_set("assignment", "operator_assignment"), definition=_set("keyword_parameter"),
        branch=_set("if", "elsif", "else", "unless", "when"), loop=_set("for"),
        repeat=_set("while_modifier", "until"), assignment_kind="pairs", branch_sticky=False,
        loop_kind="ruby", copies_states=False),
    "go": FlowRules(
        assignment=_set("assignment_statement"), definition=_set("var_spec"),
        increment=_set("inc_statement"), branch=_set("if_statement", "else"),
        loop=_set("for_statement"), branch_keeps_outer=True, loop_init="for_clause",
        loop_update_field="update"),
    "php": FlowRules(
        assignment=_set("assignment_expression", "augmented_assignment_expression"),
        definition=_set("simple_parameter"), increment=_set("update_expression"),
        branch=_set("if_statement", "else_clause"), loop=_set("for_statement"),
        foreach=_set("foreach_statement"), repeat=_set("while_statement"),
        value_field="default_value", branch_tag=False, branch_keeps_outer=True,
        loop_init="assignment_expression", foreach_kind="php"),
    "javascript": FlowRules(
        assignment=_set("assignment_pattern", "augmented_assignment_expression"),
        definition=_set("variable_declarator"), increment=_set("update_expression"),
        branch=_set("if_statement", "else"), loop=_set("for_statement"),
        repeat=_set("while_statement"), branch_keeps_outer=True, loop_init="variable_declaration"),
    "rust": FlowRules(
        assignment=_set("assignment_expression", "compound_assignment_expr", "let_expression"),
        definition=_set("function_item"),
        branch=_set("if_expression", "if_let_expression", "match_expression", "else"),
        loop=_set("for_expression"), foreach=_set("for_each_statement"),
        repeat=_set("while_expression", "while_let_expression", "loop_expression"),
        definition_kind="rust", loop_init="local_variable_declaration"),
}
