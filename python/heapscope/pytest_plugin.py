"""heapscope's pytest plugin, enabled by installing heapscope (entry point
``pytest11``; ``-p heapscope.pytest_plugin`` loads it from elsewhere).

    @pytest.mark.heapscope_no_leaks(rounds=5, warmup=2, ignore=["Cache"])
    def test_handler(): ...

runs the test body ``warmup + rounds`` times in its process, dumps the
heap after the warm-up and after each round, and fails the test with the
leak report when something grows at every round (heapscope/_leakcheck.py).
``--heapscope-no-leaks`` marks every test, ``--heapscope-rounds N`` sets
the rounds of those whose marker does not; the fixture
``heapscope_leaks`` is a check for tests that run the rounds themselves.
Fixtures are set up once: each round reuses them.
"""

import inspect

import pytest

from heapscope._leakcheck import LeakCheck, LeakError

MARKER = "heapscope_no_leaks"


def pytest_addoption(parser):
    group = parser.getgroup("heapscope", "heapscope leak checks")
    group.addoption("--heapscope-no-leaks", action="store_true",
                    help="check every test for leaks, as if it were "
                         "marked heapscope_no_leaks")
    group.addoption("--heapscope-rounds", type=int, default=None,
                    metavar="N",
                    help="rounds of each leak check whose marker gives "
                         "none (default 5)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "%s(rounds=5, warmup=2, ignore=(), min_growth=1): run the test "
        "warmup + rounds times, dump the heap after the warm-up and each "
        "round, fail it when something grows at every round" % MARKER)


def _check(config, marker):
    kwargs = dict(marker.kwargs) if marker is not None else {}
    rounds = config.getoption("heapscope_rounds")
    if rounds is not None:
        kwargs.setdefault("rounds", rounds)
    return LeakCheck(*(marker.args if marker is not None else ()), **kwargs)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    marker = pyfuncitem.get_closest_marker(MARKER)
    # --heapscope-no-leaks leaves alone the tests that run their own
    # rounds (the fixture): rounds of rounds would check nothing more.
    if marker is None and (
            not pyfuncitem.config.getoption("heapscope_no_leaks")
            or "heapscope_leaks" in pyfuncitem.fixturenames):
        return None
    func = pyfuncitem.obj
    if inspect.iscoroutinefunction(func):
        pytest.fail("%s: coroutine tests cannot be run in rounds" % MARKER,
                    pytrace=False)
    # The arguments pytest itself would pass (its own pytest_pyfunc_call).
    args = {name: pyfuncitem.funcargs[name]
            for name in pyfuncitem._fixtureinfo.argnames}
    check = _check(pyfuncitem.config, marker)
    try:
        for _ in check:
            func(**args)
    except LeakError:
        pass   # failed below, outside the handler: no chained traceback
    if check.leaking:
        pytest.fail("heapscope: this test leaks (%d rounds after %d of "
                    "warm-up; the dumps were temporary):\n%s"
                    % (check.rounds, check.warmup, check.report),
                    pytrace=False)
    return True


@pytest.fixture
def heapscope_leaks(request):
    """A leak check to iterate over: ``for _ in heapscope_leaks: work()``
    runs ``work`` in rounds and fails when something grows at every round
    (rounds: --heapscope-rounds, else 5; warm-up 2)."""
    return _check(request.config, None)
