"""Progress figures for pages: units done out of units in a module."""
from dataclasses import dataclass


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0


def module_progress(module, completed):
    return Progress(sum(1 for u in module.units if u.uuid in completed), len(module.units))
