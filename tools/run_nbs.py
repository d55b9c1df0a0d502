"""Run notebooks top to bottom in a real Jupyter kernel, as a learner does, and report each.

Usage: python tools/run_nbs.py [--full] [--jobs N] [--record] [NOTEBOOK ...]   (default: all of nbs/, quick mode)

Each notebook runs in a fresh kernel of the Python that runs this script (so, run it with the environment under test,
whose commands come first on the PATH), from nbs/, with RESNET_NB_QUICK=1 unless --full is given; N kernels at a time
(default: one per CPU, at most 4), each with OMP_NUM_THREADS set to its share of the CPUs (unless it is set), so that
their PyTorch threads don't fight over the same cores. Measured on 2 cores (AMD Zen 3), every notebook: 597 s two at
a time with a thread each, against 811 s one at a time with two threads (on notebooks with about a minute less work);
two at a time with two threads each was slower than one at a time (AMD Zen 5: 717 s against 540 s).

The slowest notebooks start first, by the seconds each took when every notebook last ran in quick mode with
`--record`, which saves them in tools/nb_times.json (a notebook not in it counts as slowest), so that the kernels end
together rather than one long notebook ending the run alone.

A notebook fails if a cell raises, if its kernel dies, or if any cell prints a traceback to stderr without raising
(IPython does that when an object fails to display, such as a figure whose renderer is missing). If a process of the
runner itself dies, every notebook not yet finished fails with that reason. Prints one line per notebook as each ends
and then `N passed, M failed`; exits 1 on any failure. Writes nothing into the notebooks.
"""
import argparse, json, os, re, sys, time, warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NBS = Path(__file__).parents[1]/'nbs'
TIMES = Path(__file__).parent/'nb_times.json'
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


def timed_run(path, timeout):
    "`run(path, timeout)` and the seconds it took"
    start = time.perf_counter()
    return run(path, timeout), time.perf_counter() - start


def slowest_first(paths, times):
    "`paths` in the order to start them: by `times` (a notebook's name to its seconds), slowest first, unrecorded ones before all"
    return sorted(paths, key=lambda p: -times.get(p.name, float('inf')))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', type=Path)
    p.add_argument('--full', action='store_true', help='run with the book settings, not in quick mode')
    p.add_argument('--timeout', type=int, default=1200, help='seconds a cell may take (default: 1200)')
    p.add_argument('--jobs', type=int, default=min(os.cpu_count() or 1, 4), help='notebooks run at a time (default: one per CPU, at most 4: each holds its own model and data in memory)')
    p.add_argument('--record', action='store_true', help=f'save the seconds each notebook took in {TIMES.relative_to(NBS.parent)}, which orders later runs (quick mode, every notebook, the default --jobs)')
    args = p.parse_args()
    if args.record and (args.full or args.notebooks or args.jobs != p.get_default('jobs')):
        p.error('--record keeps the times of a whole quick run as CI makes it, which order later runs: run it without --full, --jobs or notebooks')
    os.environ['RESNET_NB_QUICK'] = '0' if args.full else '1'
    # as activating the environment would: its commands (resnet_nb_train, torchrun) first on the PATH
    os.environ['PATH'] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get('PATH', '')])
    try: times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    except json.JSONDecodeError as e:
        print(f'{TIMES} is not JSON ({e}), so the notebooks start in name order: run with --record to write it again', flush=True)
        times = {}
    paths = slowest_first(args.notebooks or sorted(NBS.glob('*.ipynb')), times)
    if args.jobs < 1: p.error(f'--jobs must be 1 or more, not {args.jobs}')
    jobs = min(args.jobs, len(paths))
    os.environ.setdefault('OMP_NUM_THREADS', str(max(1, (os.cpu_count() or 1)//jobs)))  # read by each kernel's PyTorch as it starts
    print(f'{len(paths)} notebooks, {"full" if args.full else "quick"} mode, {jobs} at a time, slowest first, '
          f'kernel python {sys.version.split()[0]} ({sys.executable})', flush=True)
    failed,took = 0,{}
    with ProcessPoolExecutor(jobs) as pool:
        todo = {pool.submit(timed_run, path, args.timeout): path for path in paths}
        for done in as_completed(todo):
            try: problem,secs = done.result()
            except BrokenProcessPool: problem,secs = "not finished: one of the runner's processes died, this notebook's or another's",None
            if problem: failed += 1
            else: took[todo[done].name] = round(secs)
            print(f'{"FAIL" if problem else "PASS"} {todo[done].name}{"" if secs is None else f" ({secs:.0f} s)"}'
                  f'{": " + problem if problem else ""}', flush=True)
    print(f'{len(paths) - failed} passed, {failed} failed')
    if args.record:
        TIMES.write_text(json.dumps(dict(sorted(took.items())), indent=1) + '\n')  # only the notebooks there are now
        print(f'recorded the times of {len(took)} notebooks in {TIMES}')
    return 1 if failed else 0


if __name__ == '__main__': sys.exit(main())
