# The library's version (include/heapscope.h's HS_VERSION_STRING, which
# `heapscope -V` prints and the wheel is named after): a test holds them
# equal, so that this import stays free of the analyzer extension.
__version__ = "0.1.0"
