"""Check the saved outputs of every notebook: no machine paths, no warnings, no errors.

A reader sees a notebook's saved outputs first, on GitHub, in Colab and on the docs site, so they must show results
and nothing of the machine that made them: no absolute local path (a home folder, a virtualenv, a temporary folder),
no `...Warning` (an import-time deprecation, say), no error output or traceback. Fails naming notebook, cell and text.

Usage: python tools/check_outputs.py [NOTEBOOK ...]   (default: every notebook in nbs/)
From Python (as `tools/docs.py` does): `check(nb_path)` is the list of messages for one notebook, and
`output_problems(out)` what is wrong with one output.

To keep a warning that teaches something, add it to `ALLOWED` below: the notebook's name, a regular expression the
output's text matches, and why it stays. Nothing else is allowed through.
"""
import json, re, sys
from pathlib import Path

ALLOWED = [
    # ('22_degradation.ipynb', r'UserWarning: some warning the notebook explains', 'why a reader should see it'),
]

LOCAL_PATH = re.compile(r'''(?<![\w.:/-])(?:/(?:root|home|Users|tmp|var|private|work|opt|mnt|srv|usr|content|scratch)/[^\s'"`)\]]*'''
                        r'''|[A-Za-z]:\\[^\s'"`]*|\S*site-packages\S*)''')
WARNING = re.compile(r'\b\w*Warning\b')
ROOT = Path(__file__).resolve().parents[1]
TEXT_TYPES = ('text/plain', 'text/html', 'text/markdown', 'text/latex', 'application/json')


def output_texts(out):
    "The texts a reader can see in one saved output (images aside)"
    if out['output_type'] == 'stream': yield out.get('name', 'stream'), ''.join(out['text'])
    elif out['output_type'] == 'error': yield 'error', '\n'.join(out.get('traceback', [])) or out.get('ename', '')
    else:
        for mime in TEXT_TYPES:
            v = out.get('data', {}).get(mime)
            if v is not None: yield mime, v if isinstance(v, str) else ''.join(v) if isinstance(v, list) else json.dumps(v)


def output_problems(out, allowed=()):
    "Each (kind, excerpt) in one saved output `out` that a reader should not see, unless a regular expression in `allowed` matches its text"
    for kind, text in output_texts(out):
        if any(rx.search(text) for rx in allowed): continue
        if kind == 'error': yield 'an error output', text.splitlines()[-1:] or ['']
        found = [('a machine path', m.group()) for m in LOCAL_PATH.finditer(text)]
        found += [('a warning', m.group()) for m in WARNING.finditer(text)]
        if kind == 'stderr' and 'Traceback (most recent call last)' in text: found.append(('a traceback', 'Traceback'))
        for what, hit in found: yield what, [f'{hit} (in {kind})']


def problems(nb_path):
    "Each (cell, kind, excerpt) in `nb_path`'s saved outputs that a reader should not see"
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    allowed = [re.compile(rx) for name, rx, _ in ALLOWED if name == Path(nb_path).name]
    for i, cell in enumerate(nb['cells']):
        for out in cell.get('outputs', []):
            for what, excerpt in output_problems(out, allowed): yield i, what, excerpt


def shown(path):
    "`path` relative to the working directory or the project root where it is inside one (`nbs/X.ipynb`), else as given"
    for base in (Path.cwd().resolve(), ROOT):
        try: return Path(path).resolve().relative_to(base).as_posix()
        except ValueError: pass
    return str(path)


def check(nb_path):
    "One message `nbs/X.ipynb cell N: what: text` per problem in `nb_path`'s saved outputs; empty if there is none"
    return [f'{shown(nb_path)} cell {i}: {what}: {excerpt[0][:160]}' for i, what, excerpt in problems(nb_path)]


def main(paths):
    paths = paths or sorted((ROOT/'nbs').glob('*.ipynb'))
    bad = [msg for p in paths for msg in check(p)]
    for msg in bad: print(msg)
    if bad:
        print(f'{len(bad)} problem(s) in saved outputs: rerun the cell, or clear its output, or (for a warning that '
              f'teaches something) add it to ALLOWED in {Path(__file__).name}')
        return 1
    print(f'saved outputs of {len(paths)} notebooks: no machine paths, warnings or errors')
    return 0


if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
