"""Process models and their versions: validate, deploy, find, and run as a `Pathway`.

A deployed version is immutable: its XML, spec and the forms it names are fixed at
deploy, and running cases stay on it unless migrated on purpose.
"""
