"""The NHS ODS import: practices, PCNs and sub-ICB locations into one organisation tree per ICB.

``importer.import_ods`` runs the stages: ``read`` (``files``, ``tables``, ``workbook``),
``join`` (with ``timeline``), ``plan``, ``write``, ``summary``; the README says what each
holds. Every stage raises ``OdsImportError`` (or a subclass) for anything that must stop
an import before it writes.
"""


class OdsImportError(Exception):
    """An import that cannot go ahead; the message says which file, sheet, row or code."""


class OdsConflictError(OdsImportError):
    """The database holds a code the files need, as something the import cannot use."""
