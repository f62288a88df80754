"""The FonoUC tenant reads the shared model only through its public read API: no attribute
starting with `_` on anything but the tenant itself. A private read would bind the second face
to the facade's internals, which change without notice."""

from __future__ import annotations

import ast
import inspect

from wallboard.sim.fonouc import tenant


def test_the_tenant_touches_no_private_state_but_its_own() -> None:
    tree = ast.parse(inspect.getsource(tenant))
    reached = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert reached == []
