"""The NHS ODS import: practices, PCNs and sub-ICB locations into one organisation tree per ICB.

``files`` reads and checks the files into plain records; ``importer`` plans and applies
the changes they imply. Both raise ``OdsImportError`` (or a subclass) for anything
that must stop an import before it writes.
"""


class OdsImportError(Exception):
    """An import that cannot go ahead; the message says which file, sheet, row or code."""
