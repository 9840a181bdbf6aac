"""The import rules of ARCHITECTURE.md, checked on the source: a model never imports training or widgets."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coursekit"

AUTHORING = {"coursekit.authoring", "coursekit.cli", "coursekit.sample_command"}
TRAINING = {"coursekit.train", "coursekit.gan_training", "coursekit.vae_training"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every coursekit module ``path`` imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("coursekit")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("coursekit"):
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names}  # "from . import train"
    return found


MODULES = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def within(target: str, prefixes) -> bool:
    return any(target == p or target.startswith(p + ".") for p in prefixes)


def offenders(modules, forbidden) -> dict:
    return {m: sorted(t for t in MODULES[m] if within(t, forbidden)) for m in modules
            if any(within(t, forbidden) for t in MODULES[m])}


def test_the_source_is_found():
    assert {"coursekit.models.gan", "coursekit.train", "coursekit.widgets.base", "coursekit.recipes.dcgan"} <= set(MODULES)
    assert "coursekit.train" in MODULES["coursekit.gan_training"]


def test_models_are_networks_only():
    models = [m for m in MODULES if m.startswith("coursekit.models")]
    forbidden = TRAINING | AUTHORING | {"coursekit.widgets", "coursekit.recipes", "coursekit.checks"}
    assert offenders(models, forbidden) == {}  # (loading a shipped checkpoint, coursekit.checkpoints, is allowed)


def test_process_math_and_base_never_reach_up():
    lower = [m for m in MODULES if not within(m, {"coursekit.widgets", "coursekit.checks", "coursekit.recipes",
                                                    "coursekit.faces"} | AUTHORING | TRAINING | {"coursekit"})
             and m not in {"coursekit.generators"}]
    assert offenders(lower, {"coursekit.widgets", "coursekit.checks", "coursekit.recipes"} | AUTHORING | TRAINING) == {}


def test_widgets_import_no_other_week_and_no_training():
    widgets = [m for m in MODULES if m.startswith("coursekit.widgets.")]
    for widget in widgets:
        others = {w for w in widgets if w not in (widget, "coursekit.widgets.base", "coursekit.widgets.digit_views")}
        assert offenders([widget], others | TRAINING | AUTHORING | {"coursekit.recipes"}) == {}


def test_only_the_command_line_and_recipes_import_recipes():
    users = [m for m in MODULES if not within(m, {"coursekit.recipes", "coursekit.cli"})]
    assert offenders(users, {"coursekit.recipes"}) == {}


@pytest.mark.parametrize("source, expected", [
    ("from ..train import fit\n", {"coursekit.train", "coursekit.train.fit"}),
    ("def f():\n    from coursekit.widgets import week01\n", {"coursekit.widgets", "coursekit.widgets.week01"}),
    ("from .. import train\n", {"coursekit", "coursekit.train"}),
])
def test_the_checker_sees_every_kind_of_import(tmp_path, monkeypatch, source, expected):
    folder = tmp_path / "coursekit" / "models"
    folder.mkdir(parents=True)
    (folder / "bad.py").write_text(source)
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "coursekit")
    assert imports_of(folder / "bad.py") == expected


def top_level_names(tree: ast.Module) -> tuple[set[str], set[str], list[str] | None]:
    """(defined or imported names, public functions and classes, the __all__ list or None) of a module."""
    bound, public, exported = set(), set(), None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            if not node.name.startswith("_"):
                public.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        bound.add(name.id)
                        if name.id == "__all__":
                            exported = list(ast.literal_eval(node.value))
    return bound, public, exported


SOURCES = {module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")
           if p.name not in ("__init__.py", "_version.py")}


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_every_module_says_what_is_public(module):
    bound, public, exported = top_level_names(SOURCES[module])
    assert exported is not None, f"{module} has no __all__"
    assert len(exported) == len(set(exported)), f"{module}.__all__ repeats a name"
    assert not (missing := sorted(set(exported) - bound)), f"{module}.__all__ names what it does not define: {missing}"
    assert not (left := sorted(public - set(exported))), f"{module}: public functions/classes not in __all__: {left}"


def test_the_public_check_sees_a_missing_name():
    bound, public, exported = top_level_names(ast.parse("__all__ = ['f', 'g']\ndef f(): pass\ndef h(): pass\n"))
    assert set(exported) - bound == {"g"} and public - set(exported) == {"h"}
