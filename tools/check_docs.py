"""Check the built docs site in `_docs/` as a reader would see it.

Usage (from the project root, after `python tools/docs.py`): python tools/check_docs.py [--shots DIR] [NOTEBOOK ...]

For every notebook in `nbs/` there must be a page, named as nbdev names it (`05_bottleneck.ipynb` makes
`bottleneck.html`), and every link nbdev writes into the library's `_modidx.py` must resolve: the page and its anchor.
Every internal link and anchor on every page must resolve. Then headless Chromium opens each page from a local server
in a 1280 px window, and its rendered DOM must show:

- the page's title and its text, no hidden cell or nbdev directive, no traceback, no class shown as `def Name(`, and
  typeset math where the notebook has any;
- no link to a notebook on GitHub where the site has that notebook's page, by `https` or `http`, as a page or the raw
  file (the header's "source", "edit" and "issue" buttons aside: they are for the notebook itself);
- every `show_doc` entry (a `show_doc` call in the notebook, and each name `_modidx.py` links to the page) at nbdev's
  anchor, which names a heading (not a paragraph that kept the id), or a method's anchor on its class's entry; that
  entry in "On this page", with a "source" link beside its heading, its name a search title; each "source" link on the
  line of its name, pointing at the line (`#L<n>`) of the library's file where the name is defined;
- no markdown shown as it is (`[text](url)` in a signature's comment or in text), and no name nbdev links left in
  backticks in a code comment;
- no code line or table wider than its column (code that doesn't fit wraps), table cells with padding, and no table
  header broken inside a word (only at spaces, or after a name's `_`);
- no output box that shows nothing (fastprogress's `<style>`, the `<div></div>` a finished bar leaves), and a cell's
  stdout in one box, not one per write;
- no inline code broken inside a word (`--data` as `--` / `data`) where its line would hold the word whole, and no
  name in "On this page" broken where the sidebar would hold it;
- no page wider than the window, at 1280 px and at a phone's 390 px (in a frame that wide: headless Chromium lays
  pages out at least 500 px wide);
- every figure readable: its smallest text (a Graphviz diagram's, from the SVG; matplotlib's 10 pt at the PNG's dpi)
  drawn at least 9.5 px high, or the figure shown at its natural size in a box that scrolls; and alt text that says
  something: not a file name or a hash, at least two words besides generic ones (`figure`, `plot`, `image`), no TeX;
- every fastai name in inline code (`Learner`, `ConvLayer`, `untar_data`, `DataLoaders`, `URLs`, ...: what nbdev's
  doc links give fastai's docs), every single call of one (`Resize(128)`), and every `Learner` method named bare or on
  `learn` that fastai's index has as `Learner.<name>` (`fit_one_cycle`, `learn.predict`, `to_fp16()`), linked to
  docs.fast.ai;
- every text paragraph of the notebook's title cell after its `> ` subtitle (what a full run costs and downloads),
  which nbdev's front matter would drop; its Colab badge left off only where the header has a Colab button for the
  notebook, and not shown beside it;
- no numbered heading set as a bold paragraph (the questionnaire's questions are headings, so they can be linked to);
- no header bar that is empty or holds a second search box; a copy button on every code block; a page description and
  a preview card for shared links (`<meta name="description">`, `og:image`); a window title that isn't the site's
  name twice;
- in the header, a ".ipynb" download that is the notebook itself (`nbs/NAME.ipynb`, byte for byte) and saves it (a
  `download` attribute, no new tab), an "open an issue" button and an "edit" button for the notebook. Where the
  notebook (or a library file a "source" link points into) changed after the page was built, the check says so: the
  site needs rebuilding.

The notebook's saved outputs must pass `tools/check_outputs.py`, no cell of it may mix imports with other code (nbdev
runs such a cell to build the docs: `mixed_import_cells`), and the docs workflow (`.github/workflows/docs.yml`,
where there is one) must run this check on the site it builds. Nothing is written into `_docs/`: with --shots DIR,
screenshots of each page at 1280 px and at phone width (390 px) go to DIR, which must be outside `_docs/`; a
`_docs/_screenshots/` folder (what this check wrote before) fails the check. Each page's line says how many code
lines wrap at 1280 px. Prints `N passed, M failed` (pages) and exits non-zero on any failure.
"""
import argparse, base64, functools, http.server, importlib, io, json, re, shutil, struct, subprocess, sys, tempfile, threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, unquote

sys.path.insert(0, str(Path(__file__).parent))
from check_outputs import check

# The Colab badge of a notebook's title cell: `[![Open In Colab](...colab-badge.svg)](https://colab.research.google.com/...)`
COLAB_BADGE = re.compile(r'\[!\[[^\]]*\]\([^)\s]*\)\]\(https?://colab\.research\.google\.com/[^)\s]*\)')
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                  '--disable-sync', '--no-first-run', '--hide-scrollbars', '--virtual-time-budget=10000']
WIDTH, PHONE = 1280, 390
MIN_FONT_PX = 9.5  # "at least ~10 px"
RESULT_ID = 'check-docs-result'

# Run in each page (the local server adds it before `</body>`): measures the page as laid out and writes what it found,
# as JSON, into an element `--dump-dom` returns
MEASURE_JS = r'''
window.addEventListener('load', () => setTimeout(() => {
  const art = document.querySelector('article.bd-article') || document.body;
  const cs = getComputedStyle(art), ar = art.getBoundingClientRect();
  const left = ar.left + parseFloat(cs.paddingLeft), right = ar.right - parseFloat(cs.paddingRight);
  const longest = s => s.split('\n').reduce((a, l) => l.length > a.length ? l : a, '').trim().slice(0, 70);
  const scroller = el => { for (let p = el.parentElement; p && p !== art; p = p.parentElement)
    if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX) && p.getBoundingClientRect().right <= right + 1) return p; return null; };
  const out = {col: Math.round(right - left), wide: [], figures: [], links: [], toc: [], codes: [], owner: {}};
  const header = document.querySelector('.bd-header');
  out.header = header ? {height: Math.round(header.getBoundingClientRect().height), text: header.innerText.trim(),
                         search: header.querySelectorAll('.search-button-field, input[type=search], form.bd-search').length} : null;
  const inputs = [...art.querySelectorAll('div.highlight > pre')].filter(p => !p.closest('.cell_output'));
  out.copy = {code: inputs.length, buttons: inputs.filter(p => p.parentElement.querySelector('button.copybtn')).length};
  // table cells that run into each other; "source" links away from their entry's name; numbered headings set as bold text
  out.cramped = [...art.querySelectorAll('table')].filter(t => { const c = t.querySelector('td');
    if (!c) return false; const st = getComputedStyle(c); return parseFloat(st.paddingLeft) + parseFloat(st.paddingRight) < 6; }).length;
  out.sources = []; out.source_links = [];
  for (const a of art.querySelectorAll('a[href*="/blob/"]')) {
    if (a.textContent.trim() !== 'source') continue;
    const sec = a.closest('section'), h = sec && sec.querySelector(':scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6');
    const ab = a.getBoundingClientRect(), hb = h ? h.getBoundingClientRect() : null;
    const name = h ? h.textContent.replace('#', '').trim() : a.href;
    if (!hb || ab.bottom < hb.top || ab.top > hb.bottom) out.sources.push(name);
    out.source_links.push({name: name, href: a.href});
  }
  // markdown a reader would see as it is: a link (`[text](url)`) in code or text, and backticked names left in code comments
  out.raw_md = [...new Set(art.innerText.match(/\[[^\]\n]{1,80}\]\((?:https?:\/\/|[\w.\/-]+\.(?:html|ipynb))[^)\s]*\)/g) || [])];
  out.comment_ticks = [...art.querySelectorAll('pre .c1, pre .c')].flatMap(c => [...c.textContent.matchAll(/`([^`]+)`/g)].map(m => m[1]));
  // output boxes that show nothing (fastprogress's <style>, the <div></div> a finished bar leaves)
  const shows = el => el.innerText.trim() || el.querySelector('img, svg, table, canvas, video, iframe, progress, mjx-container, input');
  out.empty_outputs = [...art.querySelectorAll('.cell_output, .cell_output .output')].filter(o => !shows(o))
    .map(o => o.innerHTML.replace(/\s+/g, ' ').trim().slice(0, 60));
  // table headers broken inside a word: a line of a header that starts where the text before it has no space, `_`, `-` or `/`
  out.th_breaks = [];
  for (const th of art.querySelectorAll('th')) {
    let prev = null, gap = false;
    const walk = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let n; (n = walk.nextNode());) for (let i = 0; i < n.length; i++) {
      const c = n.data[i];
      if (/\s/.test(c)) { gap = true; continue; }
      const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
      const rect = r.getClientRects()[0];
      if (!rect) continue;
      if (prev && rect.top > prev.top + rect.height / 2 && !gap && !/[_\-\/]/.test(prev.c))
        out.th_breaks.push(th.textContent.trim().slice(0, 40) + ` (broken before "${n.data.slice(i, i + 8)}")`);
      prev = {c: c, top: rect.top}; gap = false;
    }
  }
  // the page wider than the window: the innermost things past its right edge, outside any box that scrolls sideways
  const vw = document.documentElement.clientWidth;
  out.overflow = {view: vw, scroll: document.documentElement.scrollWidth, items: []};
  if (out.overflow.scroll > vw + 1) {
    const inScroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const st = getComputedStyle(p); if (st.position === 'fixed') return true;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(st.overflowX) && p.getBoundingClientRect().right <= vw + 1) return true; } return false; };
    for (const el of document.body.querySelectorAll('*')) {
      const b = el.getBoundingClientRect();
      if (!b.width || b.right <= vw + 1 || inScroller(el)) continue;
      if ([...el.children].some(ch => ch.getBoundingClientRect().right > vw + 1)) continue;
      out.overflow.items.push({right: Math.round(b.right), text: (el.textContent.trim() || el.tagName).replace(/\s+/g, ' ').slice(0, 70)});
    }
  }
  out.bold_heads = [...art.querySelectorAll('p')].filter(p => p.children.length === 1 && p.firstElementChild.tagName === 'STRONG'
    && p.textContent.trim() === p.firstElementChild.textContent.trim() && /^\d+\.\s/.test(p.textContent.trim())).map(p => p.textContent.trim().slice(0, 60));
  // each id's entry: the section it names (a section's id, or an empty span just inside it: an id MyST or `to_myst` adds),
  // or the section whose "source" line holds it (a method's anchor on its class's entry), with that section's heading and
  // "source" link (the paragraph just before or after the heading); an id on anything else (a paragraph) names no entry
  const heading = sec => sec && sec.querySelector(':scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6');
  for (const el of art.querySelectorAll('[id]')) {
    const sec = el.tagName === 'SECTION' ? el : el.tagName === 'SPAN' && !el.textContent.trim()
      && (el.parentElement.tagName === 'SECTION' || el.closest('p.sd-source')) ? el.closest('section') : null;
    const h = heading(sec);
    const src = h && [h.previousElementSibling, h.nextElementSibling].some(p => p && p.tagName === 'P'
      && [...p.querySelectorAll('a[href]')].some(a => a.textContent.trim() === 'source'));
    out.owner[el.id] = {tag: el.tagName.toLowerCase(), entry: h ? sec.id : null, own: !!h && !el.closest('p'), source: !!src};
  }
  // a cell's stdout in more than one box (MyST-NB gives each write its own unless `nb_merge_streams`)
  out.split_streams = [...art.querySelectorAll('.cell_output')].map(o => o.querySelectorAll(':scope > .output.stream'))
    .filter(s => s.length > 1).map(s => `${s.length} boxes: ` + JSON.stringify(s[0].innerText.trim().slice(0, 50)));
  for (const el of art.querySelectorAll('pre, table')) {
    const b = el.getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1 || b.right > right + 1)
      out.wide.push({what: el.tagName.toLowerCase(), text: longest(el.tagName === 'PRE' ? el.textContent : el.innerText),
                     width: Math.round(Math.max(el.scrollWidth, b.width)), room: Math.round(right - Math.max(b.left, left))});
  }
  // code lines that wrap (the CSS wraps what doesn't fit): how many, for the summary
  const ctx = document.createElement('canvas').getContext('2d');
  out.wrapped = 0;
  for (const pre of art.querySelectorAll('pre')) {
    const st = getComputedStyle(pre), room = pre.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    ctx.font = `${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
    out.wrapped += pre.textContent.split('\n').filter(l => ctx.measureText(l).width > room + 1).length;
  }
  for (const img of art.querySelectorAll('img')) {
    const b = img.getBoundingClientRect(), sc = scroller(img);
    out.figures.push({src: img.getAttribute('src'), alt: img.getAttribute('alt') || '', natural: img.naturalWidth,
                      width: b.width, scrolls: !!sc});
  }
  for (const a of document.querySelectorAll('a[href]'))
    if (!a.closest('.article-header-buttons')) out.links.push(a.href);
  for (const a of document.querySelectorAll('.bd-toc-nav a[href], #pst-page-toc-nav a[href], nav.page-toc a[href]'))
    out.toc.push(a.getAttribute('href'));
  for (const c of art.querySelectorAll('code')) {
    if (c.closest('pre')) continue;
    const a = c.closest('a');
    out.codes.push({text: c.textContent, href: a ? a.href : null});
  }
  // words split over two lines though the room they have would hold them whole: inline code (`--data` as `--` / `data`)
  // in the column, and names in "On this page", which has the room for them at this width
  const brokenWords = (el, room) => {
    const res = [], st = getComputedStyle(el);
    ctx.font = `${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
    let word = '', broken = false, prev = null;
    const done = () => { if (broken && ctx.measureText(word).width <= room) res.push(word); word = ''; broken = false; prev = null; };
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n; (n = walk.nextNode());) for (let i = 0; i < n.length; i++) {
      if (/\s/.test(n.data[i])) { done(); continue; }
      const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
      const rect = r.getClientRects()[0];
      if (!rect) continue;
      if (prev && rect.top > prev.top + rect.height / 2) broken = true;
      word += n.data[i]; prev = rect;
    }
    done();
    return res;
  };
  const room = el => { let b = el; while (getComputedStyle(b).display.startsWith('inline')) b = b.parentElement;  // its line's width
    const st = getComputedStyle(b); return b.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight); };
  out.code_breaks = [...art.querySelectorAll('code')].filter(c => !c.closest('pre') && c.getClientRects().length > 1)
    .flatMap(c => brokenWords(c, Math.min(room(c), right - left)).map(w => `${JSON.stringify(c.textContent.slice(0, 60))} broken inside ${JSON.stringify(w)}`));
  out.toc_breaks = [...document.querySelectorAll('#pst-page-toc-nav a, .bd-toc-nav a')].filter(a => a.getClientRects().length)
    .flatMap(a => brokenWords(a, room(a)).map(w => `${JSON.stringify(a.textContent.trim())} broken inside ${JSON.stringify(w)}`));
  const el = document.createElement('script');
  el.type = 'application/json'; el.id = 'RESULT_ID'; el.textContent = JSON.stringify(out).replace(/</g, '\\u003c');
  (window.parent !== window ? parent.document : document).body.appendChild(el);  // in `PHONE_HTML`'s frame: into the page Chromium dumps
}, 300));
'''.replace('RESULT_ID', RESULT_ID)


# Headless Chromium lays a page out at least 500 px wide whatever `--window-size` says, so a phone's width is a frame
# of that width in a page of its own, which the local server serves at `/_phone/<page>?h=<height>`
PHONE_HTML = '<!DOCTYPE html><html><body style="margin:0"><iframe src="/{page}" style="width:{w}px;height:{h}px;border:0;display:block"></iframe></body></html>'


class Page(HTMLParser):
    "Links, ids, the first `h1` and the visible text of an HTML page, and what `MEASURE_JS` found in it (`result`)"
    def __init__(self, html):
        super().__init__()
        self.links,self.ids,self.h1,self.text,self.code,self._in_h1,self._skip,self._pre = [],set(),None,[],[],False,0,0
        self.result,self._res = None,None
        self.feed(html)
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if a.get('id') == RESULT_ID: self._res = []
        for k in ('href', 'src'):
            if a.get(k) and not (tag == 'link' and a.get('rel') in ('preconnect', 'dns-prefetch')): self.links.append(a[k])
        if tag == 'h1' and self.h1 is None: self._in_h1,self.h1 = True,''
        if tag in ('script', 'style'): self._skip += 1
        if tag == 'pre': self._pre += 1
    def handle_endtag(self, tag):
        if tag == 'h1': self._in_h1 = False
        if tag in ('script', 'style'): self._skip -= 1
        if tag == 'pre': self._pre -= 1
        if tag == 'script' and self._res is not None: self.result,self._res = json.loads(''.join(self._res)),None
    def handle_data(self, data):
        if self._res is not None: self._res.append(data)
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


def modidx_links(site, lib):
    "Each link of the library's `_modidx.py` (nbdev's, to the published site) that doesn't resolve in `site`: {page: [problem]}"
    syms = importlib.import_module(f'{lib}._modidx').d['syms']
    bad = {}
    for mod in syms.values():
        for sym,(url,_) in mod.items():
            page,_,anchor = url.partition('#')
            f = site/page
            if not f.exists(): bad.setdefault(page, []).append(f'_modidx.py links {sym} to {url}: no such page')
            elif anchor and f'id="{anchor}"' not in f.read_text(encoding='utf-8'):
                bad.setdefault(page, []).append(f'_modidx.py links {sym} to {url}: no such anchor')
    return bad


def doc_entries(nb_path, page, lib):
    "{anchor: name} of the `show_doc` entries `page` must have: its notebook's `show_doc(...)` calls, and each name `_modidx.py` links there"
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    res = {m[1].lower(): m[1] for c in nb['cells'] if c['cell_type'] == 'code'
           for m in re.finditer(r'^\s*show_doc\(([\w.]+)', ''.join(c['source']), re.M)}
    syms = importlib.import_module(f'{lib}._modidx').d['syms']
    for mod,entries in syms.items():
        for sym,(url,_) in entries.items():
            p,_,a = url.partition('#')
            if p == f'{page}.html' and a: res[a] = sym.removeprefix(mod + '.')
    return res


def mixed_import_cells(path):
    """A line for each cell of the notebook `path` that nbdev's docs step runs because it imports, though it holds
    other code too (nbdev only warns: "Found cells containing imports and other code"), by nbdev's own rule (`_do_eval`)
    in a notebook nbdev runs (one with exports or `show_doc`)"""
    import warnings
    from nbdev.process import NBProcessor
    from nbdev.processors import _do_eval, _show_docs, _want_doc
    cells = NBProcessor(path, rm_directives=False).nb.cells
    if not any(_want_doc(c) or _show_docs(c.parsed_() or []) for c in cells): return []
    res = []
    for c in cells:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            _do_eval(c)
        if any('imports and other code' in str(w.message) for w in caught):
            first = next((l.strip() for l in c.source.splitlines() if l.strip() and not l.startswith('#|')), '')
            res.append(f'{path.parent.name}/{path.name} cell {c.idx_} (`{first[:50]}`) mixes imports with other code, which nbdev runs '
                       "to build the docs: move the imports into the notebook's import cell")
    return res


def letters(s):
    "`s` as its letters and digits only, lower case: text compared so, a page's punctuation (curly quotes, dashes) and spacing don't matter"
    return re.sub(r'[\W_]+', '', s).lower()


def title_cell_problems(nb_path, text, html, cfg):
    """What of the notebook `nb_path`'s title cell (its first markdown cell with a `# ` title) its page misses: each text
    paragraph after the `> ` subtitle must be in the page's visible `text` (nbdev's front matter keeps only the title and
    subtitle: `tools/docs.py` keeps the rest); the Colab badge may be left off only where the page's `html` has a Colab
    button for the notebook in its header, and then must be"""
    cells = json.loads(nb_path.read_text(encoding='utf-8'))['cells']
    src = next((s for c in cells if c['cell_type'] == 'markdown' and re.search(r'^#\s+\S', s := ''.join(c['source']), re.M)), '')
    start = re.search(r'^>\s+\S.*$', src, re.M) or re.search(r'^#\s+\S.*$', src, re.M)
    if not start: return []
    page,problems,badge = letters(text),[],False
    for para in re.split(r'\n[ \t]*\n', src[start.end():]):
        if COLAB_BADGE.fullmatch(para.strip()): badge = True; continue
        plain = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', re.sub(r'!\[[^\]]*\]\([^)]*\)', '', para))  # a link as its text, no images
        pieces = [letters(p) for p in re.split(r'\$\$?[^$]+\$\$?', re.sub(r'<[^>]+>', '', plain))]  # math is typeset, not text
        if any(p and p not in page for p in pieces):
            problems.append(f"the title cell's text {' '.join(para.split())[:70]!r}... is not on the page: nbdev's front matter "
                            "keeps only the title and subtitle (tools/docs.py's `title_cell_rest` keeps the rest)")
    nb = f'/{cfg.nbs_path.name}/{nb_path.name}'
    button = any('colab.research.google.com/' in t and f'{nb}"' in t for t in re.findall(r'<a\b[^>]*\bclass="btn\b[^>]*>', html))
    if badge and not button:
        problems.append(f"the title cell's Colab badge is left off, but the header has no Colab button for {nb[1:]} (the theme's `launch_buttons`)")
    if badge and button and 'colab-badge.svg' in html: problems.append("the Colab badge shows as well as the header's Colab button")
    return problems


def search_titles(site):
    "{page: set of section titles} from Sphinx's search index"
    js = (site/'searchindex.js').read_text(encoding='utf-8')
    idx = json.loads(js[js.index('(') + 1:js.rindex(')')])
    docs = idx['docnames']
    res = {}
    for title,places in idx.get('alltitles', {}).items():
        for doc,_ in places: res.setdefault(docs[doc], set()).add(title)
    return res


def svg_min_font_px(svg, width):
    "The smallest text of the SVG `svg`, in pixels, drawn `width` px wide"
    root = ET.fromstring(re.sub(r'<!DOCTYPE[^>]*>', '', svg))
    vb = [float(v) for v in (root.get('viewBox') or '').split()] or [0, 0, float(re.match(r'[\d.]+', root.get('width'))[0]), 0]
    scale = width / vb[2]
    for g in root.iter('{http://www.w3.org/2000/svg}g'):
        m = re.search(r'scale\(([\d.]+)', g.get('transform', ''))
        if m: scale *= float(m[1]); break
    sizes = [float(e.get('font-size')) for e in root.iter() if e.get('font-size')]
    return min(sizes) * scale if sizes else None


def png_dpi(data):
    "The dpi a PNG records (pHYs), else 100 (matplotlib's default for notebooks)"
    i = data.find(b'pHYs')
    if i < 0 or data[i+12] != 1: return 100
    return struct.unpack('>I', data[i+4:i+8])[0] * 0.0254


# Words that say only that there is a picture
GENERIC_ALT = set("""figure fig image img picture pic photo plot chart graph diagram drawing illustration output out result cell
    png svg jpg jpeg gif webp untitled screenshot alt text placeholder icon the an of this that here below above see shown""".split())


def alt_says_nothing(alt):
    "Why the alt text `alt` tells a reader who can't see the figure nothing (empty, a file name, a hash, only generic words), else None"
    if not alt: return 'empty'
    if re.search(r'[\w-]+\.(?:png|svg|jpe?g|gif|webp)\b', alt, re.I): return 'a file name'
    if re.search(r'\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b', alt, re.I): return 'a hash'
    words = {w for w in re.findall(r'[^\W\d_]{2,}', alt.lower()) if w not in GENERIC_ALT}
    if len(words) < 2: return 'no words that describe it'
    return None


def figure_problems(fig, site):
    "What makes one image unreadable, or says nothing to a reader who can't see it"
    src,w,n = fig['src'],fig['width'],fig['natural']
    if src.startswith('http') and 'colab.research.google.com' in src: return []  # the Colab badge
    alt = fig['alt'].strip()
    name = src[:40] + '...' if src.startswith('data:') else src
    problems = []
    if (why := alt_says_nothing(alt)): problems.append(f'figure {name}: alt text {alt[:60]!r} says nothing ({why})')
    if re.search(r'\$[^$]+\$|\\[A-Za-z]+', alt): problems.append(f'figure {name}: alt text {alt[:80]!r} holds TeX, which a screen reader reads out as it is')
    if not n or not w: return problems + [f'figure {name}: not shown']
    if src.startswith('data:image/svg+xml;base64,'): font = svg_min_font_px(base64.b64decode(src.split(',', 1)[1]).decode(), w)
    elif src.endswith('.svg'): font = svg_min_font_px((site/unquote(src)).read_text(encoding='utf-8'), w)
    elif src.endswith('.png') and (site/unquote(src)).exists(): font = 10 * png_dpi((site/unquote(src)).read_bytes()) / 72 * w / n
    else: font = None
    at_natural = w >= n - 1 and fig['scrolls']
    if font is not None and font < MIN_FONT_PX and not at_natural:
        problems.append(f'figure {name}: text {font:.1f} px high ({w:.0f} of its {n} px), neither readable nor scrolling at its natural size')
    return problems


def doc_name(code):
    "The name inline code documents: `Learner`, `Learner()`, and a single call's (`Resize(128)`, `ResNet(dls.c, [2,2,2,2])`)"
    m = re.match(r'([A-Za-z_][\w.]*)(\(.*\))?$', code, re.S)
    if not m: return None
    depth = 0
    for i,ch in enumerate(m[2] or ''):
        depth += (ch in '([{') - (ch in ')]}')
        if depth == 0 and i < len(m[2]) - 1: return None  # `f(x) + g(y)`, `set_seed(42); f()`: more than one call
    return m[1]


def doc_lookup(lib):
    """code -> the docs' URL nbdev's doc links give the name it documents (`doc_name`), our library's winning where fastai
    has one too; a `Learner` method named bare or on `learn` (`fit_one_cycle`, `learn.predict`, `to_fp16()`), which
    nbdev's index has only as `Learner.fit_one_cycle`, gets that entry's"""
    from nbdev.doclinks import NbdevLookup
    nl = NbdevLookup(strip_libs=(lib, 'fastai'))
    def doc(s):
        if not (name := doc_name(s)): return None
        if name.startswith('learn.'): name = name.removeprefix('learn.')  # `learn.fit` is fastai's, whatever `fit` is
        elif (url := nl.doc(name)): return url
        return None if '.' in name else nl.doc(f'Learner.{name}')
    return doc


def fastai_lookup(lib):
    "code -> docs.fast.ai URL, for the names (and calls: `Resize(128)`) nbdev's doc links give fastai's docs"
    doc = doc_lookup(lib)
    return lambda s: (u if (u := doc(s)) and 'docs.fast.ai' in u else None)


def notebook_on_github(cfg):
    "A pattern for a link to one of the project's notebooks on GitHub, its name the group: `https` or `http`, `www.` or not, a page or the raw file"
    repo,nbs = re.escape(urlsplit(cfg.git_url).path.strip('/')),re.escape(cfg.nbs_path.name)
    return re.compile(rf'https?://(?:(?:www\.)?github\.com/{repo}/(?:blob|tree|raw)|raw\.githubusercontent\.com/{repo})/[^/]+/{nbs}/([\w.-]+)\.ipynb\b', re.I)


def changed_since_built(f, built):
    "Whether the file `f` changed after the page `built` was written: the site is stale, not wrong"
    return f.is_file() and f.stat().st_mtime > built.stat().st_mtime


def source_link_problems(links, root, cfg, built=None):
    "Each \"source\" link (`{name, href}`) that doesn't point at the line (`#L<n>`) of its name's definition in the library (the page `built`, if given, says whether the file changed since)"
    base = f"{cfg.git_url}/blob/{cfg.branch}/"
    problems,stale = [],{}
    for l in links:
        m = re.fullmatch(re.escape(base) + r'([\w./-]+\.py)#L(\d+)', l['href'])
        if not m:
            problems.append(f'"source" link of {l["name"]} without the line of its definition: {l["href"]}')
            continue
        f,n,last = root/m[1],int(m[2]),l['name'].split('.')[-1]
        lines = f.read_text(encoding='utf-8').splitlines() if f.is_file() else []
        if not (0 < n <= len(lines) and re.match(rf'\s*(?:async\s+)?(?:def|class)\s+{re.escape(last)}\b', lines[n-1])):
            if built and changed_since_built(f, built): stale.setdefault(m[1], []).append(l['name'])
            else: problems.append(f'"source" link of {l["name"]} points at {m[1]} line {n}, not at its definition')
    return problems + [f'{f} changed since the site was built: rebuild it (python tools/docs.py); the "source" links of '
                       f'{", ".join(names[:3])}{" and more" if len(names) > 3 else ""} miss their lines' for f,names in stale.items()]


def workflow_problems(root):
    "What keeps the docs workflow (`.github/workflows/docs.yml`, if there is one) from checking the site it publishes: a step that runs `tools/check_docs.py` after the one that builds"
    import yaml
    f = root/'.github'/'workflows'/'docs.yml'
    if not f.exists(): return []
    wf = yaml.safe_load(f.read_text(encoding='utf-8'))
    for name,job in (wf.get('jobs') or {}).items():
        runs = [st.get('run', '') for st in job.get('steps', [])]
        built = next((i for i,r in enumerate(runs) if 'tools/docs.py' in r), None)
        if built is not None:
            if any('tools/check_docs.py' in r for r in runs[built:]): return []
            return [f'{f.relative_to(root)}: job {name!r} builds the site but never runs tools/check_docs.py on it']
    return []


def serve(site):
    "Serve `site` on a free localhost port in a background thread, with `MEASURE_JS` in each page; returns the server"
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
        def send_head(self):
            u = urlsplit(self.path)
            if u.path.startswith('/_phone/'):
                h = re.search(r'h=(\d+)', u.query)
                body = PHONE_HTML.format(page=u.path.removeprefix('/_phone/'), w=PHONE, h=h[1] if h else 1000).encode()
                return self._send(body)
            path = Path(self.translate_path(self.path))
            if path.suffix != '.html' or not path.is_file(): return super().send_head()
            return self._send(path.read_bytes().replace(b'</body>', f'<script>{MEASURE_JS}</script></body>'.encode()))
        def _send(self, body):
            self.send_response(200)
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def chromium(*args):
    exe = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
    if not exe: sys.exit("check_docs: no Chromium found: install it (Debian: `apt-get install chromium`)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([exe, *CHROMIUM_FLAGS, f'--user-data-dir={profile}', *args],
                              capture_output=True, text=True, timeout=120).stdout


def overflow_problems(r, width):
    "The page wider than a `width` px window, from `MEASURE_JS`'s result `r`"
    o = r['overflow']
    if o['scroll'] <= o['view'] + 1: return []
    what = '; '.join(f"{i['text']!r} to {i['right']} px" for i in o['items'][:4])
    return [f"the page is {o['scroll']} px wide in a {width} px window ({o['scroll'] - o['view']} px of sideways scrolling): {what}"]


def page_problems(name, page, site, nbs, url, lib, titles, fastai, cfg, docs=None):
    "Everything wrong with one page as Chromium shows it at `WIDTH` px, and at `PHONE` px its width"
    html = chromium(f'--window-size={WIDTH},1000', '--dump-dom', url)
    dom = Page(html)
    title = (dom.h1 or '').replace('#', '').replace('¶', '').strip()
    text = ' '.join(' '.join(dom.text).split())
    md = '\n'.join(''.join(c['source']) for c in json.loads((nbs/f'{name}.ipynb').read_text(encoding='utf-8'))['cells']
                   if c['cell_type'] == 'markdown')
    expect = re.search(r'^# (.+)$', md, re.M)[1].replace('`', '').strip()
    problems = []
    if title != expect: problems.append(f'title {title!r}, expected {expect!r}')
    if len(text) < 500: problems.append(f'only {len(text)} characters of text')
    head = re.search(r'<title>(.*?)</title>', html, re.S)
    parts = [t.strip() for t in re.split(r'\s+(?:—|&#8212;|&mdash;)\s+', head[1])] if head else []
    if not head or len(parts) == 2 and parts[0] == parts[1]: problems.append(f"window title {head[1] if head else None!r}")
    if not re.search(r'<meta[^>]+name="description"[^>]+content="[^"]{20,}', html) and not re.search(r'<meta[^>]+content="[^"]{20,}"[^>]+name="description"', html):
        problems.append('no page description (<meta name="description">)')
    if not re.search(r'<meta[^>]+property="og:image"', html): problems.append('no preview card (og:image)')

    code = ''.join(dom.code)
    if re.search(r'^\s*#\|', code, re.M) or 'pip install -Uqq' in code: problems.append('a hidden cell or an nbdev directive shows')
    if re.search(r'\$[^$\n]+\$', md) and 'mjx-container' not in html: problems.append('math not typeset')
    if 'Traceback (most recent call last)' in text or re.search(r'class="[^"]*\btraceback\b', html): problems.append('a traceback shows')
    problems += [f'class shown as a function: {m[0].strip()}' for m in re.finditer(r'^\s*def [A-Z]\w*\(', code, re.M)]
    problems += check(nbs/f'{name}.ipynb') + mixed_import_cells(nbs/f'{name}.ipynb')
    r = dom.result
    if r is None: return problems + ['the page was not measured (no result from the script the check adds)'], ''
    # the site's own pages, not the notebooks on GitHub
    gh = notebook_on_github(cfg)
    for link in sorted(set(r['links'])):
        m = gh.match(link)
        if m and ((site/f'{nbdev_page(m[1])}.html').exists() or (site/f'{m[1]}.html').exists()):
            problems.append(f'links to the notebook on GitHub, not its page {nbdev_page(m[1])}.html: {link}')
    # show_doc entries: nbdev's anchor names a heading of its own (or, for a method, is on its class's entry), which is
    # in "On this page" with its "source" link beside it, and the name a search title
    toc = {unquote(h.partition('#')[2]) for h in r['toc'] if h.startswith('#')}
    for anchor,nm in doc_entries(nbs/f'{name}.ipynb', page, lib).items():
        e = r['owner'].get(anchor)
        if anchor not in dom.ids or not e: problems.append(f'show_doc entry {nm}: no anchor #{anchor}')
        elif not e['entry']: problems.append(f'show_doc entry {nm}: #{anchor} is a <{e["tag"]}>, not a heading')
        else:
            if e['entry'] not in toc: problems.append(f'show_doc entry {nm}: not in "On this page"')
            if not e['source']: problems.append(f'show_doc entry {nm}: no "source" link beside its heading')
            if e['own'] and nm not in titles.get(page, set()): problems.append(f'show_doc entry {nm}: not a search title')
    if r['copy']['buttons'] < r['copy']['code']: problems.append(f"{r['copy']['code'] - r['copy']['buttons']} of {r['copy']['code']} code blocks without a copy button")
    # the header's buttons: the notebook itself to download, a way to report an issue and to edit the notebook
    raw = (site/f'{page}.html').read_text(encoding='utf-8')
    def btn(label):  # the button's link and its whole tag
        tag = re.search(rf'<a\b[^>]*\bclass="[^"]*\bbtn-{label}\b[^>]*>', raw)
        href = tag and re.search(r'\bhref="([^"]+)"', tag[0])
        return href and (href[1], tag[0])
    dl,nb = btn('download-source-button'),nbs/f'{name}.ipynb'
    if not dl: problems.append('no download button')
    elif not (site/unquote(dl[0])).is_file() or (site/unquote(dl[0])).read_bytes() != nb.read_bytes():
        problems.append(f'nbs/{name}.ipynb changed since the site was built: rebuild it (python tools/docs.py)'
                        if changed_since_built(nb, site/f'{page}.html') else f'the download button ({dl[0]}) is not nbs/{name}.ipynb')
    if dl and (not re.search(r'\sdownload="[^"]+\.ipynb"', dl[1]) or re.search(r'\starget=', dl[1])):
        problems.append('the download button opens the notebook (no `download` attribute, or a new tab), not saves it')
    if not btn('source-issues-button'): problems.append('no "open an issue" button')
    problems += title_cell_problems(nb, text, raw, cfg)
    edit = btn('source-edit-button')
    if not edit or not edit[0].endswith(f'/{cfg.nbs_path.name}/{name}.ipynb'): problems.append(f'no "edit" button for nbs/{name}.ipynb')
    # layout at 1280 px
    hd = r.get('header')
    if hd and hd['height'] > 1 and (not hd['text'] or hd['search']):
        problems.append(f"a header bar {hd['height']} px high with {'a search box' if hd['search'] else 'nothing'} in it")
    for w in r['wide']:
        problems.append(f"{w['what']} {w['width']} px wide in a {w['room']} px column at {WIDTH} px: {w['text']!r}")
    for fig in r['figures']: problems += figure_problems(fig, site)
    if r['cramped']: problems.append(f"{r['cramped']} tables whose cells have no padding")
    problems += [f'"source" link not on the line of its entry {h!r}' for h in r['sources']]
    problems += [f'a numbered heading set as bold text, which no one can link to: {t!r}' for t in r['bold_heads']]
    problems += [f'an output box that shows nothing: {e!r}' for e in r['empty_outputs']]
    problems += [f'a table header broken inside a word: {t}' for t in r['th_breaks']]
    problems += [f"a cell's stdout shown as {t}" for t in r['split_streams']]
    problems += [f'inline code broken inside a word that fits the column: {t}' for t in r['code_breaks']]
    problems += [f'"On this page" breaks a name that fits: {t}' for t in r['toc_breaks']]
    problems += overflow_problems(r, WIDTH)
    problems += source_link_problems(r['source_links'], Path(cfg.config_path), cfg, site/f'{page}.html')
    # markdown shown as it is, and names in a signature's comments left without their link
    problems += [f'markdown shown raw: {t!r}' for t in r['raw_md']]
    ticks = sorted({t for t in r['comment_ticks'] if docs and docs(t)})
    if ticks: problems.append(f"names in code comments shown in backticks, not linked: {', '.join(ticks)}")
    # fastai's names link to fastai's docs, in calls too (`Resize(128)`)
    unlinked = sorted({c['text'] for c in r['codes'] if (u := fastai(c['text'])) and not (c['href'] or '').startswith('https://docs.fast.ai/')})
    if unlinked: problems.append(f"fastai names not linked to docs.fast.ai: {', '.join(unlinked)}")
    # at phone width: nothing wider than the window
    phone = Page(chromium(f'--window-size={PHONE},1000', '--dump-dom', phone_url(url))).result
    if phone is None: problems.append(f'the page was not measured at {PHONE} px')
    else: problems += overflow_problems(phone, PHONE)
    return problems, f"{len(text):,} characters, {r['wrapped']} code lines wrapped at {WIDTH} px"


def phone_url(url, height=1000):
    "The local server's address for the page at `url` in a frame `PHONE` px wide and `height` px high"
    u = urlsplit(url)
    return f'{u.scheme}://{u.netloc}/_phone{u.path}?h={height}'


def nbdev_page(nb_name):
    "The page nbdev makes of `nbs/{nb_name}.ipynb`, without `.html`"
    from nbdev.doclinks import _nbpath2html
    return _nbpath2html(Path(nb_name + '.ipynb')).stem


def main(root='.', shots=None, only=()):
    from nbdev.config import get_config
    root = Path(root).resolve()
    cfg = get_config(path=root)
    site,nbs = root/cfg.doc_path.name,root/cfg.nbs_path.name
    if not (site/'index.html').exists(): sys.exit(f"check_docs: no site in {site}: build it first with `python tools/docs.py`")
    if shots:
        shots = Path(shots).resolve()
        if shots == site or site in shots.parents: sys.exit(f"check_docs: screenshots go outside the site, not into {shots}")
        shots.mkdir(parents=True, exist_ok=True)
    names = sorted(p.stem for p in nbs.glob('*.ipynb') if not only or p.stem in only)
    pages = {n: nbdev_page(n) for n in names}
    failures = {}
    if (site/'_screenshots').exists(): failures.setdefault('_screenshots', []).append(f'{site/"_screenshots"} holds screenshots: the site is for readers')
    for page,link in check_links(site): failures.setdefault(page, []).append(f'broken link {link}')
    for page,probs in modidx_links(site, cfg.lib_path.name).items(): failures.setdefault(page, []).extend(probs)
    for p in workflow_problems(root): failures.setdefault('docs.yml', []).append(p)
    titles,fastai,docs = search_titles(site),fastai_lookup(cfg.lib_path.name),doc_lookup(cfg.lib_path.name)
    srv = serve(site)
    try:
        for name in names:
            page = pages[name]
            f = site/f'{page}.html'
            if not f.exists():
                failures.setdefault(f.name, []).append('missing page')
                print(f"FAIL {name}: no page {f.name}")
                continue
            url = f'http://127.0.0.1:{srv.server_port}/{page}.html'
            problems,note = page_problems(name, page, site, nbs, url, cfg.lib_path.name, titles, fastai, cfg, docs)
            if shots:
                for w,h,u in ((WIDTH, 2400, url), (PHONE, 2400, phone_url(url, 2400))):
                    chromium(f'--window-size={w},{h}', f'--screenshot={shots/f"{page}-{w}.png"}', u)
                    if not (shots/f'{page}-{w}.png').exists(): problems.append(f'no screenshot at {w} px')
            if problems: failures.setdefault(f.name, []).extend(problems)
            print(f"{'FAIL' if problems else 'ok':4} {name} ({page}.html): {note}" + ''.join(f'\n     {p}' for p in problems))
    finally: srv.shutdown()
    other = {k: v for k,v in failures.items() if k[:-5] not in pages.values()}
    for k,v in other.items(): print(f"FAIL {k}: " + '; '.join(v))
    failed = len(failures)
    print(f"docs: {len(names) + len(other) - failed} passed, {failed} failed")
    return failed


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--shots', help='a folder (outside _docs/) for screenshots of each page at 1280 px and at phone width')
    ap.add_argument('notebooks', nargs='*', help='check only these notebooks (names without .ipynb); default: all')
    args = ap.parse_args()
    sys.exit(1 if main(shots=args.shots, only=args.notebooks) else 0)
