"""The distribution: one import package, ``machine_calculus``, whole.

The repository keeps calculus/, machine/, rewriting/ and embeddings/ as top-level folders that
pyproject's ``package-dir`` maps into ``machine_calculus`` beside an explicit ``packages`` list;
a subpackage folder missing from that list would silently be missing from the wheel. The fast
tests read the tree and pyproject; the wheel test builds the wheel (in a copy of the tree, so
that the build's egg-info and build/ never land in the repository) and reads it.
"""

from __future__ import annotations

import configparser
import importlib.machinery
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
PACKAGE = "machine_calculus"


def package_folders() -> dict[str, Path]:
    """Every package the tree holds, by dotted name: each folder with an ``__init__.py`` under
    a ``package-dir`` root (machine_calculus/'s links to the roots are not followed: the roots
    are walked under their own mapped names)."""
    found: dict[str, Path] = {}
    for name, folder in SETUPTOOLS["package-dir"].items():
        top = ROOT / folder
        for where, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not (Path(where) / d).is_symlink())
            if "__init__.py" in files:
                relative = Path(where).relative_to(top).parts
                found[".".join((name, *relative))] = Path(where)
    return found


def python_files() -> dict[str, Path]:
    """Every Python file of the packages' folders, by its path in the wheel."""
    return {
        "/".join((*package.split("."), file.name)): file
        for package, folder in package_folders().items()
        for file in sorted(folder.glob("*.py"))
    }


# -- the tree and pyproject (fast) ----------------------------------------------------------------


def test_the_packages_list_is_every_package_folder() -> None:
    listed, present = set(SETUPTOOLS["packages"]), set(package_folders())
    assert sorted(present - listed) == [], "packages missing from pyproject's [tool.setuptools] packages"
    assert sorted(listed - present) == [], "packages listed in pyproject with no folder"


def test_every_folder_of_python_files_is_a_package() -> None:
    """A folder of modules without ``__init__.py`` would be no package of the list, and its files
    would be left out of the wheel."""
    roots = [ROOT / folder for folder in SETUPTOOLS["package-dir"].values()]
    loose = sorted(
        str(folder.relative_to(ROOT))
        for root in roots
        for folder in {f.parent for f in root.rglob("*.py")}
        if "__pycache__" not in folder.parts and not (folder / "__init__.py").is_file()
    )
    assert not loose


def test_the_folders_mapped_in_are_linked_from_the_package() -> None:
    """A clone runs in place: machine_calculus/<root> is the root folder itself."""
    for name, folder in SETUPTOOLS["package-dir"].items():
        if name != PACKAGE:
            assert name.startswith(f"{PACKAGE}.") and name.count(".") == 1, name
            link = ROOT / PACKAGE / name.split(".")[1]
            assert link.is_symlink() and link.resolve() == (ROOT / folder).resolve(), name
    assert SETUPTOOLS["package-dir"][PACKAGE] == PACKAGE


def test_the_metadata_says_mit_and_names_the_console_script() -> None:
    project = PYPROJECT["project"]
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]
    assert project["scripts"] == {"mcalc": f"{PACKAGE}.cli:main"}
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert SETUPTOOLS["license-files"] == ["LICENSE"]


# -- the test tree does not shadow (fast) ---------------------------------------------------------


def test_no_test_module_or_helper_shadows_another() -> None:
    """pytest imports test modules by basename from their own folders (put first on sys.path):
    basenames must be unique, and a helper module or package there must not hide a module of
    the same name elsewhere (a folder without ``__init__.py`` is a namespace portion, which any
    regular package of that name wins over)."""
    tests = ROOT / "tests"
    modules = sorted(tests.rglob("test_*.py"))
    names = [m.stem for m in modules]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
    folders = {m.parent for m in modules} | {c.parent for c in tests.rglob("conftest.py")}
    elsewhere = [p for p in sys.path if not Path(p or ".").resolve().is_relative_to(tests)]
    hiding = []
    for folder in sorted(folders):
        for entry in sorted(folder.iterdir()):
            if entry.name == "__pycache__" or entry.name.startswith(("test_", "conftest", ".")):
                continue
            if entry.is_dir() and not (entry / "__init__.py").exists():
                other = importlib.machinery.PathFinder.find_spec(entry.name, elsewhere)
                if other is not None and other.origin is None:  # two namespace portions merge
                    hiding.append(str(entry.relative_to(ROOT)))
            elif (entry.suffix == ".py" or entry.is_dir()) and importlib.machinery.PathFinder.find_spec(
                entry.stem, elsewhere
            ):
                hiding.append(str(entry.relative_to(ROOT)))
    assert not hiding
    assert not list(tests.rglob(PACKAGE))


# -- the collection (slow: two collections of the whole suite) ------------------------------------


def collected(command: list[str]) -> list[str]:
    done = subprocess.run(
        [*command, "--collect-only", "-q", "-n", "0", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return sorted(line for line in done.stdout.splitlines() if "::" in line)


@pytest.mark.slow
def test_a_bare_pytest_collects_what_python_m_pytest_does() -> None:
    """``pytest`` from the root (no cwd on sys.path: pyproject's pythonpath) collects the same
    tests as ``python -m pytest``, without errors."""
    bare = shutil.which("pytest")
    if bare is None:
        pytest.skip("no pytest executable on PATH")
    by_module = collected([sys.executable, "-m", "pytest"])
    assert by_module and collected([bare]) == by_module
    assert any("test_packaging.py::" in test for test in by_module)


# -- the wheel ------------------------------------------------------------------------------------


def _can_build_without_isolation() -> bool:
    """The build backend pyproject asks for (setuptools>=68, with ``wheel`` before 70.1) is here."""
    try:
        import setuptools
    except ImportError:
        return False
    version = tuple(int(part) for part in re.findall(r"\d+", setuptools.__version__)[:2])
    if version >= (70, 1):
        return True
    return version >= (68, 0) and importlib.util.find_spec("wheel") is not None


OFFLINE = re.compile(
    r"No matching distribution|Could not find a version|Failed to establish|NewConnectionError"
    r"|Temporary failure in name resolution|Network is unreachable|ProxyError"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel, built from a copy of what the build reads."""
    source = tmp_path_factory.mktemp("source")
    for file in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / file, source / file)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in SETUPTOOLS["package-dir"].values():
        shutil.copytree(ROOT / folder, source / folder, symlinks=True, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    isolated = not _can_build_without_isolation()
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)]
    if not isolated:
        command.insert(4, "--no-build-isolation")
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        output = done.stdout + done.stderr
        if isolated and OFFLINE.search(output):
            pytest.skip(
                f"cannot build offline: setuptools>=68 is not installed and cannot be fetched ({output[-300:]})"
            )
        pytest.fail(f"the wheel does not build:\n{output[-4000:]}")
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def _dist_info(wheel: zipfile.ZipFile) -> str:
    (name,) = {n.split("/")[0] for n in wheel.namelist() if n.split("/")[0].endswith(".dist-info")}
    return name


def test_the_wheel_holds_one_package_and_its_metadata(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    info = _dist_info(wheel)
    assert {n.split("/")[0] for n in names} == {PACKAGE, info}
    assert wheel.read(f"{info}/top_level.txt").decode().split() == [PACKAGE]
    assert f"{PACKAGE}/py.typed" in names

    licences = [n for n in names if n.startswith(f"{info}/") and n.endswith("/LICENSE")]
    assert licences, "no licence file in the dist-info"  # licenses/LICENSE (Metadata 2.4)
    assert all("MIT License" in wheel.read(n).decode() for n in licences)

    entry_points = configparser.ConfigParser()
    entry_points.read_string(wheel.read(f"{info}/entry_points.txt").decode())
    assert dict(entry_points["console_scripts"]) == {"mcalc": f"{PACKAGE}.cli:main"}

    metadata = Parser().parsestr(wheel.read(f"{info}/METADATA").decode())
    assert "License :: OSI Approved :: MIT License" in metadata.get_all("Classifier", [])
    assert "Typing :: Typed" in metadata.get_all("Classifier", [])


def test_every_python_file_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    """Each module of calculus/, machine/, rewriting/, embeddings/ and machine_calculus/ (cli/
    too) is in the wheel under machine_calculus/, byte for byte."""
    names = set(wheel.namelist())
    files = python_files()
    assert f"{PACKAGE}/cli/main.py" in files and f"{PACKAGE}/calculus/terms.py" in files
    assert sorted(set(files) - names) == []
    assert all(wheel.read(path) == file.read_bytes() for path, file in files.items())
    assert sorted(n for n in names if n.endswith(".py")) == sorted(files)  # and nothing else
