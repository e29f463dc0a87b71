"""The package layout holds (docs/models.md, "Layout: a core and one package per domain").

An AST walk over ``jiandu/`` (every ``import`` statement, at module level or inside a function)
checks that no top-level subpackages of jiandu import each other in a cycle, that
``jiandu.web.deps`` reaches ``jiandu.web.app`` by no import, that the core imports no domain and
no domain imports another, and that every declared domain has the shape the core reads.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from jiandu.domains import DOMAINS, domain_operators, domain_package, domain_patterns, domain_spec_dirs
from jiandu.models.library import builtin_spec_dirs, read_spec_file

ROOT = Path(__file__).resolve().parents[2] / "jiandu"


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The module of jiandu that ``name`` (a module or a name in one) is."""
    while name not in MODULES:
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return name


def _imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """The jiandu modules ``module`` imports, with the line of each import."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            submodules = [f"{source}.{a.name}" for a in node.names if f"{source}.{a.name}" in MODULES]
            # `from package import submodule` imports the submodule, not a name of the package
            targets = submodules if len(submodules) == len(node.names) else [source, *submodules]
        else:
            continue
        for target in targets:
            owner = _owner(target) if target.startswith("jiandu") else None
            if owner is not None and owner != module:
                yield owner, node.lineno


EDGES: dict[str, list[tuple[str, int]]] = {m: list(_imports(m, p)) for m, p in MODULES.items()}


def _top(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _where(source_top: str, target_top: str) -> list[str]:
    return [
        f"{m}:{line} imports {t}"
        for m, edges in sorted(EDGES.items())
        for t, line in edges
        if _top(m) == source_top and _top(t) == target_top
    ]


def test_the_walk_sees_the_imports_it_must_judge() -> None:
    assert len(MODULES) > 100
    assert ("jiandu.models.operators", 0) not in EDGES["jiandu.models.civil.operators.loan_signs"]
    assert "jiandu.models.operators" in {t for t, _ in EDGES["jiandu.models.civil.operators.party_links"]}
    # a function-level import counts: the app imports the routers inside create_app
    assert "jiandu.web.pages" in {t for t, _ in EDGES["jiandu.web.app"]}


def test_no_import_cycle_between_top_level_subpackages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, edges in EDGES.items():
        for target, _ in edges:
            if _top(module) != _top(target):
                graph[_top(module)].add(_top(target))
    problems = []
    for component in _cycles(graph):
        lines = [w for a in component for b in component if b in graph[a] for w in _where(a, b)]
        problems.append(" ↔ ".join(component) + ":\n  " + "\n  ".join(lines))
    assert not problems, "import cycles between subpackages of jiandu:\n" + "\n".join(problems)


def test_entities_and_the_operator_registry_do_not_import_each_other() -> None:
    assert not [
        t
        for m, e in EDGES.items()
        if _top(m) == "jiandu.entities"
        for t, _ in e
        if _top(t) == "jiandu.models"
    ]


def test_web_deps_never_reaches_the_app() -> None:
    """deps (and what it imports) must not import app, which imports the routers that import deps."""
    seen: set[str] = set()
    todo = ["jiandu.web.deps"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(t for t, _ in EDGES.get(module, ()))
    assert "jiandu.web.app" not in seen
    assert "jiandu.web.state" in seen


def _domain_of(module: str) -> str | None:
    for d in DOMAINS:
        package = domain_package(d)
        if module == package or module.startswith(package + "."):
            return d
    return None


def test_every_package_under_models_is_a_declared_domain() -> None:
    packages = {p.parent.name for p in (ROOT / "models").glob("*/__init__.py")}
    assert packages == set(DOMAINS)


def test_the_core_imports_no_domain_and_no_domain_imports_another() -> None:
    problems = []
    for module, edges in sorted(EDGES.items()):
        mine = _domain_of(module)
        for target, line in edges:
            theirs = _domain_of(target)
            if theirs is not None and theirs != mine:
                who = "the core" if mine is None else f"domain {mine}"
                problems.append(f"{module}:{line} ({who}) imports {target} (domain {theirs})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_has_specs_operators_and_patterns(domain: str) -> None:
    package = ROOT.parent / domain_package(domain).replace(".", "/")
    specs = sorted((package / "specs").glob("*.yaml"))
    assert specs, f"{domain}: no specs/*.yaml"
    for path in specs:
        spec, _ = read_spec_file(path)
        assert path.stem == spec.id, "a built-in spec's file is named by its id"
        assert spec.id.startswith(f"{domain}."), f"{spec.id} is not in domain {domain}"
    assert (package / "operators" / "__init__.py").is_file()
    assert (package / "patterns" / "__init__.py").is_file()
    assert (ROOT.parent / "tests" / "models" / domain / "__init__.py").is_file()


def test_the_library_registry_and_county_see_every_domain() -> None:
    assert builtin_spec_dirs() == domain_spec_dirs()
    assert [d.parent.name for d in builtin_spec_dirs()] == list(DOMAINS)
    from jiandu.models.operators import OPERATORS

    names = [op.name for op in OPERATORS]
    assert names[:3] == ["entity_resolution", "party_keys", "party_stats"]  # the core's, first
    assert names[3:] == [op.name for op in domain_operators()]
    pattern_names = [p.name for p in domain_patterns()]
    assert len(pattern_names) == len(set(pattern_names))
