"""``python -m entadvisor`` and the ``entadvisor`` command: Ctrl-C exits 130 in French from the first line.

While the command line loads, a Ctrl-C is only recorded (an exception raised in the middle of an import
can come out as another error, e.g. from a class's ``__set_name__``), then acted on once the modules are
loaded; from there the command line's own handler (:class:`entadvisor.click_fr.FrenchGroup`) takes over.
"""

import signal
import sys


def _interrompu() -> None:
    print("Interrompu.", file=sys.stderr)
    sys.exit(130)


def lancer() -> None:
    recu: list[int] = []
    try:
        precedent = signal.signal(signal.SIGINT, lambda signum, frame: recu.append(signum))
    except ValueError:  # not the main thread: nothing to defer
        precedent = None
    try:
        from entadvisor.cli import main
    finally:
        if precedent is not None:
            signal.signal(signal.SIGINT, precedent)
    if recu:
        _interrompu()
    try:
        main()
    except KeyboardInterrupt:  # between the modules loaded and the command line's own handler
        _interrompu()


if __name__ == "__main__":
    lancer()
