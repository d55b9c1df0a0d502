"""Run notebooks top to bottom in a real Jupyter kernel, as a learner does, and report each.

Usage: python tools/run_nbs.py [--full] [NOTEBOOK ...]   (default: every notebook in nbs/, in quick mode)

Each notebook runs in a fresh kernel of the Python that runs this script (so, run it with the environment under
test, whose commands come first on the PATH), from nbs/, with RESNET_NB_QUICK=1 unless --full is given. A notebook fails if a cell raises, or if any cell
prints a traceback to stderr without raising (IPython does that when an object fails to display, such as a figure
whose renderer is missing). Prints one line per notebook and ends with `N passed, M failed`; exits 1 on any failure.
Writes nothing into the notebooks.
"""
import argparse, os, re, sys, time, warnings
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NBS = Path(__file__).parents[1]/'nbs'
warnings.filterwarnings('ignore', category=nbformat.warnings.MissingIDFieldWarning)  # nbdev_clean drops cell ids


def stderr_traceback(nb):
    "Index and first line of the first cell that printed a traceback to stderr, or None"
    for i, cell in enumerate(nb.cells):
        for out in cell.get('outputs', []):
            if out.output_type == 'stream' and out.name == 'stderr' and 'Traceback (most recent call last)' in out.text:
                return i, out.text.strip().splitlines()[-1]


def run(path, timeout):
    "Execute `path` in a fresh kernel; None if it passed, else what went wrong"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(NBS)}})
    try: client.execute()
    except CellExecutionError as e:
        lines = [o for o in re.sub(r'\x1b\[[0-9;]*m', '', str(e)).strip().splitlines() if o.strip()]
        return lines[-1] if lines else type(e).__name__
    except Exception as e: return f'{type(e).__name__}: {e}'
    tb = stderr_traceback(nb)
    if tb: return f'cell {tb[0]} printed a traceback to stderr: {tb[1]}'


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', type=Path)
    p.add_argument('--full', action='store_true', help='run with the book settings, not in quick mode')
    p.add_argument('--timeout', type=int, default=1200, help='seconds a cell may take (default: 1200)')
    args = p.parse_args()
    os.environ['RESNET_NB_QUICK'] = '0' if args.full else '1'
    # as activating the environment would: its commands (resnet_nb_train, torchrun) first on the PATH
    os.environ['PATH'] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get('PATH', '')])
    paths = args.notebooks or sorted(NBS.glob('*.ipynb'))
    print(f'{len(paths)} notebooks, {"full" if args.full else "quick"} mode, kernel python {sys.version.split()[0]} '
          f'({sys.executable})', flush=True)
    failed = 0
    for path in paths:
        start = time.perf_counter()
        problem = run(path, args.timeout)
        secs = time.perf_counter() - start
        if problem: failed += 1
        print(f'{"FAIL" if problem else "PASS"} {path.name} ({secs:.0f} s){": " + problem if problem else ""}', flush=True)
    print(f'{len(paths) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__': sys.exit(main())
