"""The admin, fitted to keeping board membership current; one module per model.

- ``base``: the system-scoped admin and inline (a system editor changes only their own
  systems, ``governance.domain.permissions``), foreign keys narrowed to them, the system filter;
- ``organisations``: the draggable tree; structural writes go through
  ``governance.domain.tree`` and its lock, never ``save()``;
- ``coverage``: what an LMC covers, inline on its page;
- ``seats``: a seat's page, and the seats inline on a body's page;
- ``appointments``: an appointment's page, the holders inline on a seat's page, "end today";
  seats and appointments save as every writer of holders does (``governance.domain.seating``:
  lock the seat, save, check its stored holders);
- ``people``: people; ``rights``: who may edit which system;
- ``suggestions``: readers' corrections, reviewed by the editors of their system;
- ``history``: each object's history page with revert, and the recent-changes page.

Forms validate with ``governance.domain.rules``, so an admin sees the same sentence as the
loader's user, and refuse to save over a change made since they were opened
(``governance.domain.edit_conflicts``).
"""

from governance.admin import appointments, organisations, people, rights, seats, suggestions  # noqa: F401  (they register)
