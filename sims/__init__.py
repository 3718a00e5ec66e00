"""LeadUP simulations: standard-library Python that runs unchanged in CPython and Pyodide.

Each scenario is one module with declared parameters and a pure ``run(params, data)``.
Nothing here may import numpy or do I/O beyond reading the package's own data files.
"""
__version__ = "0.1.0"

from .selfcheck import selfcheck

__all__ = ["__version__", "selfcheck"]
