"""A package whose submodule holds a logger, for labels_objects.py."""
