"""`python -m heapscope ARGS` and the `heapscope` command of a pip
install: both run the heapscope program (cli/, in C) shipped in the
package as heapscope/_bin/heapscope, replacing this process, so its
output and exit status are the program's own."""

import os
import sys


def program():
    """The path of the heapscope program of this installation."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bin",
                        "heapscope")


def main(argv=None):
    exe = program()
    args = sys.argv[1:] if argv is None else list(argv)
    if not os.access(exe, os.X_OK):
        sys.stderr.write("heapscope: error: this installation has no "
                         "heapscope program (%s); build the package with "
                         "`pip install .` or scripts/build-python.sh\n" % exe)
        return 1
    sys.stdout.flush()
    os.execv(exe, [exe] + args)


if __name__ == "__main__":
    sys.exit(main())
