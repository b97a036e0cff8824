"""Forms: JSON Schema (2020-12) files that user tasks name, and validation of submissions.

A deployed version keeps a copy of every form it names, so cases validate against the
form their version was deployed with, whatever happens to `forms/` later.
"""
