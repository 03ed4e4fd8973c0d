"""`heapscope explore` through a real terminal (Python's pty module).

The scripted sessions (tests/golden/cases/explore-*) cover every command
without a terminal. This drives the other half once: the prompt, line
editing and tab completion of libedit, the pager's "more" line read in
raw mode, and that the terminal is left as it was found (cooked, with
echo) after quit and after a fatal signal.
"""

import os
import pty
import select
import signal
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))
DUMP = os.path.join(ROOT, "tests", "data", "log-leak", "memory-600.json.gz")


class Term:
    def __init__(self, rows=24, cols=100):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "xterm"
            os.execv(HEAPSCOPE, [HEAPSCOPE, "explore", "--quiet", DUMP])
        import fcntl
        import struct
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        self.out = b""

    def read_until(self, text, timeout=20):
        deadline = time.monotonic() + timeout
        while text.encode() not in self.out:
            left = deadline - time.monotonic()
            assert left > 0, "no %r in %r" % (text, self.out[-2000:])
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                assert chunk, "explore ended: %r" % self.out[-2000:]
                self.out += chunk
        at = self.out.index(text.encode()) + len(text)
        seen, self.out = self.out[:at], self.out[at:]
        return seen.decode("utf-8", "replace")

    def send(self, text):
        os.write(self.fd, text.encode())

    def modes(self):
        return termios.tcgetattr(self.fd)

    def wait(self):
        _, status = os.waitpid(self.pid, 0)
        return status


def test_prompt_completion_pager_and_restore():
    t = Term()
    try:
        t.read_until("heapscope> ")
        # Tab completes a command, then a type name.
        t.send("summ\t3\r")
        assert "20639 objects, 107 types" in t.read_until("1612")
        t.read_until("heapscope> ")
        t.send("all collections.de\t\r")
        t.read_until("2 objects of type collections.deque")
        t.read_until("heapscope> ")
        # Line editing: Ctrl-A goes home, so "o 1" becomes "go 1".
        t.send("o 1\x01g\r")
        screen = t.read_until("heapscope 139862182498352> ")
        assert "collections.deque(139862182498352" in screen
        # New commands complete too: "domi" is dominators.
        t.send("domi\t\r")
        screen = t.read_until("root (module)")
        assert "dominators of 139862182498352" in screen
        t.read_until("heapscope 139862182498352> ")
        # A listing longer than the screen is paged: space, then q.
        t.send("children\r")
        screen = t.read_until("-- more:")
        assert "children (600)" in screen
        # While the pager waits, the terminal is raw (no echo, no lines).
        lflag = t.modes()[3]
        assert not lflag & termios.ECHO and not lflag & termios.ICANON
        t.send(" ")
        t.read_until("-- more:")
        t.send("q")
        t.read_until("heapscope 139862182498352> ")
        # History: up arrow brings back "children"; Ctrl-U clears it.
        t.send("\x1b[A")
        t.read_until("children")
        t.send("\x15help up\r")
        t.read_until("go to the Nth parent")
        t.read_until("heapscope 139862182498352> ")
        # Errors are answered, the session goes on.
        t.send("bogus\r")
        t.read_until("unknown command 'bogus'")
        t.send("quit\r")
        assert os.WEXITSTATUS(t.wait()) == 0
        after = t.modes()[3]
        assert after & termios.ECHO and after & termios.ICANON
    finally:
        os.close(t.fd)


def test_signal_in_pager_restores_the_terminal():
    t = Term()
    try:
        t.read_until("heapscope> ")
        t.send("all str 200\r")
        t.read_until("-- more:")
        assert not t.modes()[3] & termios.ECHO
        os.kill(t.pid, signal.SIGTERM)
        status = t.wait()
        assert os.WIFSIGNALED(status) and \
            os.WTERMSIG(status) == signal.SIGTERM
        after = t.modes()
        assert after[3] & termios.ECHO and after[3] & termios.ICANON
    finally:
        os.close(t.fd)
