"""Check the built docs site in `_docs/` as a reader would see it.

Usage (from the project root, after `python tools/docs.py`): python tools/check_docs.py

For every notebook in `nbs/` there must be a page. Every internal link and anchor on every page must resolve.
Then headless Chromium opens each page from a local server, and its rendered DOM must show the page's title, its
text, no hidden cell or nbdev directive, no traceback, no class shown as `def Name(`, and typeset math where the notebook has
any; a screenshot of each page goes to `_docs/_screenshots/`. The notebook's saved outputs must pass `tools/check_outputs.py`.
Prints `N passed, M failed` (pages) and exits non-zero on any failure.
"""
import functools, http.server, json, re, shutil, subprocess, sys, tempfile, threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, unquote

sys.path.insert(0, str(Path(__file__).parent))
from check_outputs import check

CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                  '--disable-sync', '--no-first-run', '--hide-scrollbars', '--virtual-time-budget=10000']


class Page(HTMLParser):
    "Links, ids, the first `h1` and the visible text of an HTML page"
    def __init__(self, html):
        super().__init__()
        self.links,self.ids,self.h1,self.text,self.code,self._in_h1,self._skip,self._pre = [],set(),None,[],[],False,0,0
        self.feed(html)
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        for k in ('href', 'src'):
            if a.get(k) and not (tag == 'link' and a.get('rel') in ('preconnect', 'dns-prefetch')): self.links.append(a[k])
        if tag == 'h1' and self.h1 is None: self._in_h1,self.h1 = True,''
        if tag in ('script', 'style'): self._skip += 1
        if tag == 'pre': self._pre += 1
    def handle_endtag(self, tag):
        if tag == 'h1': self._in_h1 = False
        if tag in ('script', 'style'): self._skip -= 1
        if tag == 'pre': self._pre -= 1
    def handle_data(self, data):
        if self._in_h1: self.h1 += data
        if not self._skip: self.text.append(data)
        if self._pre: self.code.append(data)


def check_links(site):
    "Broken internal links and anchors, as `(page, link)` pairs, over every HTML page in `site`"
    pages = {p: Page(p.read_text(encoding='utf-8')) for p in site.rglob('*.html') if '_static' not in p.parts}
    bad = []
    for p,pg in pages.items():
        for link in pg.links:
            u = urlsplit(link)
            if u.scheme or link.startswith('//') or link.startswith('mailto:'): continue
            target = p if not u.path else (p.parent/unquote(u.path)).resolve()
            if target.is_dir(): target = target/'index.html'
            if not target.exists(): bad.append((p.name, link)); continue
            if u.fragment and target.suffix == '.html':
                ids = pages[target].ids if target in pages else Page(target.read_text(encoding='utf-8')).ids
                if unquote(u.fragment) not in ids: bad.append((p.name, link))
    return bad


def serve(site):
    "Serve `site` on a free localhost port in a background thread; returns the server"
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def chromium(*args):
    exe = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
    if not exe: sys.exit("check_docs: no Chromium found: install it (Debian: `apt-get install chromium`)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([exe, *CHROMIUM_FLAGS, f'--user-data-dir={profile}', *args],
                              capture_output=True, text=True, timeout=120).stdout


def main(root='.'):
    root = Path(root).resolve()
    site,nbs = root/'_docs',root/'nbs'
    if not (site/'index.html').exists(): sys.exit(f"check_docs: no site in {site}: build it first with `python tools/docs.py`")
    shots = site/'_screenshots'
    shots.mkdir(exist_ok=True)
    names = sorted(p.stem for p in nbs.glob('*.ipynb'))
    failures = {}
    for page,link in check_links(site): failures.setdefault(page, []).append(f'broken link {link}')
    srv = serve(site)
    try:
        for name in names:
            f = site/f'{name}.html'
            if not f.exists():
                failures.setdefault(f.name, []).append('missing page')
                print(f"FAIL {name}: no page {f.name}")
                continue
            url = f'http://127.0.0.1:{srv.server_port}/{name}.html'
            html = chromium('--dump-dom', url)
            dom = Page(html)
            title = (dom.h1 or '').replace('#', '').strip()
            text = ' '.join(' '.join(dom.text).split())
            md = '\n'.join(''.join(c['source']) for c in json.loads((nbs/f'{name}.ipynb').read_text(encoding='utf-8'))['cells']
                           if c['cell_type'] == 'markdown')
            expect = re.search(r'^# (.+)$', md, re.M)[1].replace('`', '').strip()
            problems = []
            if title != expect: problems.append(f'title {title!r}, expected {expect!r}')
            if len(text) < 500: problems.append(f'only {len(text)} characters of text')
            code = ''.join(dom.code)
            if re.search(r'^\s*#\|', code, re.M) or 'pip install -Uqq' in code: problems.append('a hidden cell or an nbdev directive shows')
            if re.search(r'\$[^$\n]+\$', md) and 'mjx-container' not in html: problems.append('math not typeset')
            if 'Traceback (most recent call last)' in text or re.search(r'class="[^"]*\btraceback\b', html): problems.append('a traceback shows')
            problems += [f'class shown as a function: {m[0].strip()}' for m in re.finditer(r'^\s*def [A-Z]\w*\(', code, re.M)]
            problems += check(nbs/f'{name}.ipynb')
            chromium('--window-size=1280,2400', f'--screenshot={shots/(name + ".png")}', url)
            if not (shots/f'{name}.png').exists(): problems.append('no screenshot')
            if problems: failures.setdefault(f.name, []).extend(problems)
            print(f"{'FAIL' if problems else 'ok':4} {name}: {title!r}, {len(text):,} characters" + ''.join(f'\n     {p}' for p in problems))
    finally: srv.shutdown()
    other = {k: v for k,v in failures.items() if k[:-5] not in names}
    for k,v in other.items(): print(f"FAIL {k}: " + '; '.join(v))
    failed = len({k for k in failures})
    print(f"docs: {len(names) + len(other) - failed} passed, {failed} failed")
    return failed


if __name__ == '__main__': sys.exit(1 if main() else 0)
