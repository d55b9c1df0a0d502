"""Write README.md from nbs/index.ipynb (what `nbdev_readme` does with Quarto, which can't be installed here).

Usage (from the project root): python tools/readme.py [--check]

Markdown cells are copied as they are; code cells become fenced Python with their saved text outputs after them
(not stderr, which holds the warnings of the machine that ran the notebook, such as the deprecation that fastai 2.8
triggers on import, with that machine's paths); cells marked `#| hide` are left out. With --check, nothing is
written: it exits 1 if README.md differs.
"""
import json, sys
from pathlib import Path


def text_output(o):
    "The plain-text form of a saved output, or None"
    if o['output_type'] == 'stream': return ''.join(o['text']) if o['name'] == 'stdout' else None
    return ''.join(o.get('data', {}).get('text/plain', [])) or None


def readme(nb):
    "README markdown from the notebook dict `nb`"
    parts = []
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if not src or src.startswith('#| hide'): continue
        if c['cell_type'] == 'markdown': parts.append(src)
        elif c['cell_type'] == 'code':
            parts.append(f"```python\n{src}\n```")
            outs = [t.rstrip() for t in map(text_output, c.get('outputs', [])) if t and t.strip()]
            if outs: parts.append("```\n" + '\n'.join(outs) + "\n```")
    return "<!-- Made from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->\n\n" + '\n\n'.join(parts) + '\n'


def main(check=False, root='.'):
    root = Path(root)
    md = readme(json.loads((root/'nbs'/'index.ipynb').read_text(encoding='utf-8')))
    dest = root/'README.md'
    if check:
        if not dest.exists() or dest.read_text(encoding='utf-8') != md:
            sys.exit("README.md doesn't match nbs/index.ipynb: run `python tools/readme.py` and commit both")
        print("README.md matches nbs/index.ipynb")
    else:
        dest.write_text(md, encoding='utf-8')
        print(f"wrote {dest}")


if __name__ == '__main__': main(check='--check' in sys.argv[1:])
