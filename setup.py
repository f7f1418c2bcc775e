"""Packaging hook: bundle the schema (sql/, migrations/, alembic.ini) into the wheel.

The project keeps sql/ and migrations/ at the top level (the layout its users asked for). An
editable install reads them from the checkout; a regular `pip install .` copies them into
pyapp/_bundle/, where pyapp.schema finds them. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("sql", "migrations", "alembic.ini")


class BuildPyWithSchema(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "pyapp" / "_bundle"
        for name in BUNDLED:
            source = Path(name)
            if source.is_dir():
                shutil.copytree(
                    source, target / name, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True
                )
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildPyWithSchema})
