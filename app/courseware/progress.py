"""Progress figures for pages: units done per module, per user."""
from dataclasses import dataclass

from ..models import UnitCompletion


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0


def completed_for(user):
    if not user.is_authenticated:
        return set()
    return UnitCompletion.completed_uuids([user.id])[user.id]


def module_progress(module, completed):
    return Progress(sum(1 for u in module.units if u.uuid in completed), len(module.units))
