"""LeadUP simulations: standard-library Python that runs unchanged in CPython and Pyodide.

Each scenario is one module (``commuting``, ``teleworking``, ``ev_charging``) with declared
parameters (``params.Param``) and a pure ``run(params, data)``; ``api`` is the one entry
point. Nothing here may import numpy or do I/O beyond reading the package's own data files.
"""
__version__ = "0.2.0"

from .selfcheck import selfcheck

__all__ = ["__version__", "selfcheck"]
