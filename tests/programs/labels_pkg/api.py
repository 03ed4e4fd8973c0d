"""A library module that keeps the loggers it uses, as charset_normalizer.api
does: the root logger is reachable from here as labels_pkg.api.root, a
path exactly as short as logging.root."""
import logging

logger = logging.getLogger("labels_pkg")
root = logging.getLogger()
