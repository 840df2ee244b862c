"""CSV import of notes and companies (docs/import.md): one reader, one importer per kind."""
