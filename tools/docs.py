"""Build the docs site into `_docs/` without Quarto: nbdev processes the notebooks, Sphinx with MyST-NB renders them.

Usage (from the project root): python tools/docs.py

nbdev's `proc_nbs` does what `nbdev_docs` would before Quarto: it runs `show_doc` cells, adds API docs for exported
names, drops hidden and export cells and links backticked names: ours to our pages, and fastai's to docs.fast.ai
(nbdev's `strip_libs`, which defaults here to this library and fastai unless settings.ini names others), a single
call (`Resize(128)`) as its name, a `Learner` method named bare or on `learn` (`fit_one_cycle`, `learn.predict`) as
`Learner.fit_one_cycle`, the only name nbdev's index has for it (`_link_line`, `learner_method`), and points each
"source" link at the line of the name's definition, for an imported name too (`_code_line`). Its output still speaks
Quarto (a raw YAML front-matter cell, `#| echo`/`#| output` cell options, `:::{.callout-*}` blocks, `show_doc` entries
as markdown outputs, links to the Quarto site's pages), so `to_myst` translates each notebook into what MyST-NB
understands before Sphinx renders the saved outputs (nothing is executed again):

- each page is named as nbdev names it (`05_bottleneck.ipynb` makes `bottleneck.html`), and headings get the anchors
  nbdev's links use (`#_conv_block`, `#pilimagergb.create`), so that the links nbdev writes into `_modidx.py` and into
  the notebooks resolve here; links to the notebooks on GitHub and between notebooks become links to the site's pages
  (the README keeps its GitHub links);
- a `show_doc` entry becomes part of the page (a heading in "On this page" and a search title), its "source" link at
  the right of its name, the names nbdev links in its signature's comments links (`comment_links`); a name
  `_modidx.py` links that nbdev gives no entry (a private helper, a method) gets one, or, for `__init__` and methods
  without a docstring, an anchor on its class's entry;
- a Graphviz figure keeps its text at least `MIN_FONT_PX` high, scrolling sideways where the column is narrower, with
  its edges as alt text; a plot's alt text is its titles and axis labels (or the line that draws it), not a file name,
  their TeX in words (`tex_words`);
- a cell's stdout is one box, however many writes made it (MyST-NB's `nb_merge_streams`);
- a notebook's title cell keeps, under the title and description nbdev makes of it, the rest of its text (what a
  full run costs and downloads): nbdev's `FrontmatterProc` drops the whole cell, so the rest stays in it
  (`title_cell_rest`), where nbdev's later processors link its names as in any other markdown cell; the Colab badge
  goes, the header's Colab button (the theme's `launch_buttons`) and the link under the description replacing it;
- code that is wider than the column wraps, the rest of each line indented under its start; DataFrames get padding,
  their headers break only between words (`header_breaks`); an HTML output that draws nothing (fastprogress's
  `<style>`) is dropped, not shown as an empty box;
- the header's ".ipynb" download is the notebook itself (copied into `_docs/nbs/`), saved rather than opened (a
  `download` attribute: the theme's header template is overridden for it, `HEADER_BUTTONS`), its edit, source, issue
  and Colab buttons point at the notebook's real name.

The theme's options (no header bar holding a second search box), the CSS (a text column that grows with the window,
inline code that breaks between its words, not at a hyphen, an "On this page" wide enough for the names) and a small
Sphinx extension (`setup_site`) do the rest; sphinx-copybutton adds copy buttons to code cells, sphinxext-opengraph a
page description and a preview card for shared links.

The build fails, naming notebook and cell, when a saved output holds what `tools/check_outputs.py` refuses (an error, a
traceback, a warning, a machine path), when nbdev's processing (running `show_doc`) produces an error or a traceback,
or when Sphinx warns (a link to a page or anchor that doesn't exist, say): the site would show it. It fails first,
before any processing, where a notebook's cell mixes imports with other code (`mixed_import_cells`, which
`tools/check_docs.py` checks too): nbdev runs such a cell, its code too, to build the docs, and only warns.
The Sphinx toolchain is pinned in settings.ini's `dev_requirements`, so that CI builds the same site.
"""
import base64, html, importlib, inspect, json, math, re, shutil, subprocess, sys, yaml
import xml.etree.ElementTree as ET
from pathlib import Path
from docutils import nodes
from docutils.transforms import Transform
from pygments.formatters import HtmlFormatter
from sphinx.highlighting import PygmentsBridge
from nbdev.config import get_config
from nbdev.doclinks import NbdevLookup, _lineno, _re_backticks, nbglob
from nbdev.frontmatter import FrontmatterProc, _md2dict
from nbdev.serve import proc_nbs
from nbdev.showdoc import BasicMarkdownRenderer

sys.path.insert(0, str(Path(__file__).parent))
from check_outputs import check, output_problems
from check_docs import COLAB_BADGE, mixed_import_cells

# Sidebar parts, by the notebook's number: 00-09 the chapter, 10-19 exercises, 20-29 experiments, 30- the main job
PARTS = [('Chapter 14', 0), ('Exercises', 10), ('Experiments', 20), ('Training from the command line', 30)]
CALLOUTS = 'note tip warning important caution'.split()
NOISE = ('`torch.jit.script` is deprecated',)  # a warning fastai 2.8 triggers on import; it says nothing about the lesson
MIN_FONT_PX = 12  # a diagram is drawn at least this large (its smallest text, in pixels), scrolling sideways where the column is narrower


def _class_as_class(render):
    "Wrap `show_doc`'s markdown `render` so that a class's signature reads `class Name(...)`: fastcore 1.x writes `def` for classes too"
    def _render(self):
        md = render(self)
        return md.replace('```python\ndef ', '```python\nclass ', 1) if inspect.isclass(self.sym) else md
    return _render


def strip_libs():
    "The libraries whose names nbdev links unqualified: settings.ini's `strip_libs`, else this library and fastai"
    try: cfg = get_config()
    except Exception: return ('fastai',)
    return tuple(cfg.get('strip_libs', f"{cfg.lib_name} fastai").split())

def called(code):
    "The name the inline code `code` calls where it is one call (`Resize(128)`, `ResNet(dls.c, [2,2,2,2])`), else None"
    m = re.match(r'([A-Za-z_][\w.]*)\(', code)
    if not m: return None
    depth = 0
    for i,ch in enumerate(code[m.end()-1:], m.end()-1):
        depth += (ch in '([{') - (ch in ')]}')
        if depth == 0: return m[1] if i == len(code) - 1 else None


def learner_method(lookup, code):
    """The docs of the `Learner` method the inline `code` names bare or on `learn` (`fit_one_cycle`, `learn.predict`,
    `learn.export()`, `to_fp16()`, `fit_one_cycle(..., start_epoch=n)`) where that name has no entry of its own: nbdev's
    index (`lookup`) has fastai's methods only as `Learner.fit_one_cycle`; None where it has no such entry"""
    name = code if re.fullmatch(r'[A-Za-z_][\w.]*(?:\(\))?', code) else called(code)
    name = (name or '').removesuffix('()')
    if name.startswith('learn.'): name = name.removeprefix('learn.')  # `learn.fit` is fastai's, whatever `fit` is
    elif lookup.doc(name): return None
    return None if not name or '.' in name else lookup.doc(f'Learner.{name}')


def _link_line(self, l):
    """nbdev's `NbdevLookup.link_line`, which links each backticked name it knows (`Learner`, `Resize()`) to its docs,
    also for a call (`Resize(128)`: nbdev's pattern takes neither arguments nor spaces), for a `Learner` method named
    bare or on `learn` (`learner_method`), and not inside a link's text (nbdev would make `[[`Learner`](...)](url)`)"""
    def link(m):
        if (n := _re_backticks.fullmatch(m[0])) and (res := self._link_sym(n)) != m[0]: return res
        url = ((name := called(m[1])) and self.doc(name)) or learner_method(self, m[1])
        return f'[`{m[1]}`]({url})' if url else m[0]
    parts = re.split(r'(\[[^\]\n]*\]\([^)\s]*\))', l)
    return ''.join(p if i % 2 else re.sub(r'`([^`\n]+)`', link, p) for i,p in enumerate(parts))


def _code_line(self, sym):
    """nbdev's `NbdevLookup.code` (a name's source link), with the line for a qualified name too: `show_doc` of an
    imported name (`resnet_nb.data.quick`) asks by that, but nbdev finds lines by the name within its module (`quick`)"""
    res = self[sym]
    if not isinstance(res, tuple): return None
    _,py,gh = res
    line = _lineno(sym.removeprefix(py.removesuffix('.py').replace('/', '.') + '.'), py)
    return f'{gh}#L{line}' if line else gh


def title_cell_rest(src):
    """The markdown of a notebook's title cell `src` that isn't front matter, None where nothing is: nbdev's `_md2dict`
    takes the first `# title` line, the first `> description` line and any `- key: value` lines, and its
    `FrontmatterProc` drops the rest of the cell (a notebook's "A full run" line). The Colab badge goes too: the page
    has the header's Colab button (`launch_buttons` in `CONF`) and the link under the description (`to_myst`)"""
    fm = _md2dict(src)
    if not fm: return None
    lines,drop = src.splitlines(),set()
    for pat in (r'#\s+\S.*', r'>\s+\S.*'):
        drop |= set([i for i,l in enumerate(lines) if re.fullmatch(pat, l.rstrip())][:1])
    if set(fm) - {'title', 'description'}: drop |= {i for i,l in enumerate(lines) if re.fullmatch(r'-\s+\S.*:.*\S', l.rstrip())}
    drop |= {i for i,l in enumerate(lines) if COLAB_BADGE.fullmatch(l.strip())}
    rest = re.sub(r'\n{3,}', '\n\n', '\n'.join(l for i,l in enumerate(lines) if i not in drop)).strip()
    return rest or None


def _keep_title_cell_rest(update):
    "Wrap `FrontmatterProc._update`, which makes front matter of a cell and drops it, so that a title cell keeps what isn't front matter (`title_cell_rest`)"
    def _update(self, f, cell):
        rest = title_cell_rest(cell.source) if f is _md2dict and cell.get('source') else None
        update(self, f, cell)
        if cell.source is None and rest: cell.source = rest
    return _update


# At import, so that it holds in the processes `proc_nbs` spawns too: they import this script again as their `__main__`
BasicMarkdownRenderer._repr_markdown_ = _class_as_class(BasicMarkdownRenderer._repr_markdown_)
NbdevLookup.__init__.__defaults__ = (strip_libs(), None, None, None)
NbdevLookup.link_line = _link_line
NbdevLookup.code = _code_line
FrontmatterProc._update = _keep_title_cell_rest(FrontmatterProc._update)


def quarto_slug(title):
    "A heading's anchor as nbdev writes them into `_modidx.py` and its doc links: lower case, word characters, `.`, `-`; spaces as `-`"
    return re.sub(r'[^\w\s.-]', '', title.lower()).strip().replace(' ', '-')


def cell_options(src):
    "Split Quarto/nbdev `#| key: value` lines off the top of a code cell"
    lines,opts = src.splitlines(),{}
    while lines and lines[0].startswith('#|'):
        k,_,v = lines.pop(0)[2:].partition(':')
        opts[k.strip()] = v.strip()
    return opts, '\n'.join(lines)


def page_names(books):
    "{notebook name: page name}, the page named as nbdev names it (the front matter's `output-file`)"
    res = {}
    for name,nb in books.items():
        fm = next((''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'raw'), '')
        out = re.search(r'output-file:\s*(\S+)\.html', fm)
        res[name] = out[1] if out else name
    return res


def svg_figure(svg, alt=None):
    "An HTML figure for the SVG text `svg` (Graphviz's): as wide as the column allows, but never so small that its text falls under `MIN_FONT_PX`, scrolling sideways instead"
    root = ET.fromstring(re.sub(r'<!DOCTYPE[^>]*>', '', svg))
    pt = lambda v: float(re.match(r'[\d.]+', v)[0]) * (4/3 if v.endswith('pt') else 1)
    width = pt(root.get('width'))
    vb = [float(v) for v in (root.get('viewBox') or f"0 0 {width} 1").split()]
    px = width / vb[2]  # pixels per SVG unit at the natural size
    for g in root.iter('{http://www.w3.org/2000/svg}g'):
        m = re.search(r'scale\(([\d.]+)', g.get('transform', ''))
        if m: px *= float(m[1]); break
    sizes = [float(e.get('font-size')) for e in root.iter() if e.get('font-size')]
    natural = math.ceil(width)
    readable = min(natural, math.ceil(natural * MIN_FONT_PX / (min(sizes) * px))) if sizes else 0
    data = base64.b64encode(svg.encode()).decode()
    return (f'<div class="svg-figure"><img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt or svg_alt(root))}" '
            f'width="{natural}" style="min-width: {readable}px"></div>')


def svg_alt(root):
    "Alt text for a Graphviz SVG: its edges, each as `from → to`, in the nodes' own labels"
    ns = '{http://www.w3.org/2000/svg}'
    def text(g): return ' '.join(t.text.strip() for t in g.iter(ns + 'text') if t.text and t.text.strip())
    groups = lambda cls: [g for g in root.iter(ns + 'g') if g.get('class') == cls]
    labels = {g.find(ns + 'title').text: text(g) for g in groups('node')}
    edges = []
    for g in groups('edge'):
        a,_,b = g.find(ns + 'title').text.partition('->')
        a,b = labels.get(a) or a, labels.get(b) or b
        edges.append(f'{a} → {b}' + (f' ({text(g)})' if text(g) else ''))
    return 'Diagram: ' + ('; '.join(edges) or ', '.join(labels.values()))


def tex_words(s):
    "`s` with its TeX math (`$\\alpha$`, `$x_{i}^2$`) in plain words (`alpha`, `x i^2`): alt text is read out, not typeset"
    def words(m):
        t = re.sub(r'\\(?:mathrm|mathbf|mathit|text|operatorname)\s*\{([^}]*)\}', r'\1', m[1])
        t = re.sub(r'\\([A-Za-z]+)\s*', r' \1 ', t).replace('_', ' ')  # `\alpha` is alpha
        return ' '.join(re.sub(r'[{}\\]', ' ', t).split())
    return re.sub(r'\$\$?(.+?)\$?\$', words, s)


def plot_alt(code):
    "Alt text for a plot the cell `code` draws: the titles and axis labels it gives (their math in words), else the line that draws it"
    def strings(call):
        pat = rf"""(?:\b{call}\s*=\s*|\.(?:set_)?{call}\(\s*)[rf]{{0,2}}(['"])(.*?)(?<!\\)\1"""
        return [re.sub(r'\{[^}]*\}', '…', tex_words(m[2])) for m in re.finditer(pat, code)]
    parts = [f'{what} ' + ', '.join(f'“{t}”' for t in v) for what,call in [('titled', '(?:sup)?title'), ('x axis', 'xlabel'), ('y axis', 'ylabel')]
             if (v := [t for t in dict.fromkeys(strings(call)) if t.strip()])]
    lines = [l.strip().rstrip(';') for l in code.splitlines() if l.strip() and not l.strip().startswith('#')]
    return 'Figure: ' + '; '.join(parts) if parts else f"Figure drawn by `{lines[-1] if lines else ''}`"


def source_beside_name(md, anchors=None):
    """Move `show_doc`'s "source" link (a paragraph of its own before the heading) to just after the heading, where the
    CSS shows it at the heading's right; the name's underscores are no emphasis (`__init__`); `anchors` is {name: [ids]}
    of more anchors for the entry of `name` (nbdev's `Class.__init__`)"""
    m = re.search(r'^\[source\]\((\S+?)\)(\{[^}]*\})?[ \t]*\n', md, re.M)
    if not m: return md
    md,url = md[:m.start()] + md[m.end():], m[1]
    def head(h):
        ids = ''.join(f'<span id="{a}"></span>' for a in (anchors or {}).get(h[2].strip(), []))
        return h[1] + h[2].replace('_', r'\_') + f'\n{{.sd-source}}\n[source]({url}){ids}\n'
    return re.sub(r'^(#+ )(.*\n)', head, md, count=1, flags=re.M)


def shows_nothing(html_text):
    "Whether the HTML `html_text` draws nothing: fastprogress's `<style>` for its bars, the `<div></div>` a finished bar leaves"
    body = re.sub(r'<(style|script)\b.*?</\1>|<!--.*?-->', '', html_text, flags=re.S | re.I)
    return not re.search(r'<(img|svg|table|progress|canvas|video|iframe|input|math)\b', body, re.I) and not html.unescape(re.sub(r'<[^>]*>', '', body)).strip()


def header_breaks(html_text):
    "The HTML table `html_text` with a line-break opportunity after each `_` of its header cells, so that `seconds_per_epoch` wraps between its words, never inside one"
    return re.sub(r'(<th\b[^>]*>)(.*?)(</th>)', lambda m: m[1] + re.sub(r'_(?![^<]*>)', '_<wbr>', m[2]) + m[3], html_text, flags=re.S)


def to_myst(nb, name, cfg, pages, bad=None, extra_docs=None, anchors=None):
    """Translate nbdev's processed notebook `nb` (from `nbs/{name}.ipynb`) into one MyST-NB renders as a page.
    `pages` maps notebook names to page names; `extra_docs` is {index of a cell: [markdown of entries to add after it]},
    `anchors` {entry's name: [more anchors]} (see `missing_entries`); errors or tracebacks that processing left in an
    output are appended to `bad`"""
    site = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip('/') + '/'
    gh_nbs = f"{cfg.git_url}/blob/{cfg.branch}/{cfg.nbs_path.name}/"
    colab = f"https://colab.research.google.com/github/{cfg.user}/{cfg.repo}/blob/{cfg.branch}/{cfg.nbs_path.name}/{name}.ipynb"
    by_page = {v: k for k,v in pages.items()}

    def fix_md(s):
        s = re.sub(r':::\s*\{\.callout-(\w+)\}', lambda m: ':::{%s}' % (m[1] if m[1] in CALLOUTS else 'note'), s)
        s = re.sub(r'\)\{target="_blank"[^}]*\}', ')', s)
        # nbdev's links to the Quarto site's pages, the notebooks on GitHub, and other notebooks by file name
        page = lambda stem, anchor: f'{pages[stem]}.ipynb{anchor or ""}'
        s = re.sub(re.escape(site) + r'([\w.-]+)\.html(#[\w.-]+)?', lambda m: page(by_page[m[1]], m[2]) if m[1] in by_page else m[0], s)
        s = re.sub(re.escape(gh_nbs) + r'([\w.-]+)\.ipynb(#[\w.-]+)?', lambda m: page(m[1], m[2]) if m[1] in pages else m[0], s)
        return re.sub(r'\]\(([\w.-]+)\.ipynb(#[^)\s]*)?\)', lambda m: f'](' + page(m[1], m[2]) + ')' if m[1] in pages else m[0], s)

    def markdown(src): return dict(cell_type='markdown', metadata={}, source=src)

    def convert(c):
        "The cells, none or one, that MyST-NB gets for the processed cell `c`"
        src = ''.join(c['source'])
        if c['cell_type'] == 'raw' and src.startswith('---'):
            fm = yaml.safe_load(src.strip().strip('-'))
            head = f"# {fm['title']}\n\n"
            if fm.get('description'):
                head += f"{{.page-description}}\n{fm['description']}\n\n"
                plain = re.sub(r'[*`]', '', fm['description'])  # the page's description, for search engines and shared links
                nb['metadata'].update({'myst': {'html_meta': {'description': plain}}, 'og:description': plain, 'og:image:alt': plain})
            # an HTML block, which the description of a shared link leaves out
            head += f'<p><a class="colab-link" href="{colab}">Open this notebook in Colab</a></p>\n'
            return [markdown(head)]
        if c['cell_type'] == 'markdown':
            if src.startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): return []
            c['source'] = fix_md(src)
        elif c['cell_type'] == 'code':
            opts,body = cell_options(src)
            if opts.get('include') == 'false': return []
            outs = []
            for o in c.get('outputs', []):
                if o.get('name') == 'stderr' and any(n in ''.join(o['text']) for n in NOISE): continue
                errors = [f'{what}: {ex[0][:160]}' for what,ex in output_problems(o) if what in ('an error output', 'a traceback')]
                if bad is not None: bad.extend(f'nbs/{name}.ipynb, cell `{body.strip()[:60]}` as run for the docs: {e}' for e in errors)
                data = o.get('data', {})
                if 'text/html' in data:
                    if shows_nothing(''.join(data['text/html'])):
                        # MyST-NB would draw an empty box: the HTML goes, and the output with it unless it has a picture
                        if not any(k.startswith('image/') for k in data): continue
                        del data['text/html']
                    else: data['text/html'] = header_breaks(''.join(data['text/html']))
                if 'text/markdown' in data:
                    md = re.sub(r'^\s*---\n', '', ''.join(data['text/markdown']))  # a rule is no transition inside an output
                    data['text/markdown'] = fix_md(source_beside_name(md, anchors))
                if any(m in data for m in ('image/png', 'image/jpeg')) and not data.get('image/svg+xml'):
                    # MyST-NB's alt text would be the image's file name
                    c['metadata'].setdefault('mystnb', {})['image'] = {'alt': opts.get('fig-alt') or plot_alt(body)}
                if 'image/svg+xml' in data:
                    o['data'] = {'text/html': svg_figure(''.join(data['image/svg+xml']), opts.get('fig-alt')),
                                 'text/plain': data.get('text/plain', '')}
                outs.append(o)
            if re.match(r'show_doc\(', body.strip()) and outs and all('text/markdown' in o.get('data', {}) for o in outs):
                # a `show_doc` entry: its markdown is part of the page, so that its heading is one
                return [markdown('\n\n'.join(''.join(o['data']['text/markdown']) for o in outs))]
            tags = c['metadata'].setdefault('tags', [])
            if opts.get('echo') == 'false': tags.append('remove-input')
            if opts.get('output') == 'false': tags.append('remove-output')
            c['source'],c['outputs'] = body,outs
        return [c]

    cells = []
    for i,c in enumerate(nb['cells']):
        cells += convert(c)
        cells += [markdown(fix_md(source_beside_name(md))) for md in (extra_docs or {}).get(i, [])]
    for c in cells: c.pop('id', None)
    nb['cells'],nb['nbformat_minor'] = cells,4  # nbdev_clean drops cell ids, which format 4.5 would require
    return nb


def missing_entries(books, pages, cfg):
    """What each page needs so that every link of the library's `_modidx.py` lands on an entry: `show_doc` markdown for
    each name it links that the page gives no entry to (a private helper, a method with a docstring), and for
    `Class.__init__` or a method without a docstring of its own an anchor on the class's entry, unless the text links
    to it (MyST resolves links to headings). Returns
    ({notebook: {index of the processed cell to put entries after: [markdown]}}, {notebook: {entry's name: [anchors]}}):
    a function's entry goes where the exported cell defining it was, a method's after its class's entry"""
    modidx = importlib.import_module(f'{cfg.lib_path.name}._modidx').d['syms']
    site = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip('/') + '/'
    linked = set(re.findall(re.escape(site) + r'([\w.-]+\.html#[\w.-]+)', json.dumps(list(books.values()))))  # what nbdev linked
    entries,anchors = {},{}
    for name,nb in books.items():
        shown = {}  # name -> index of the cell showing its entry
        for i,c in enumerate(nb['cells']):
            for o in c.get('outputs', []):
                for h in re.findall(r'^#+ (.+)$', ''.join(o.get('data', {}).get('text/markdown', '')), re.M): shown[h.strip()] = i
        have = {quarto_slug(h) for h in shown}
        wanted = {sym: (mod, anchor) for mod,syms in modidx.items() for sym,(url,_) in syms.items()
                  for page,_,anchor in [url.partition('#')] if page == f'{pages[name]}.html' and anchor and anchor not in have}
        if not wanted: continue
        orig = json.loads((cfg.nbs_path/f'{name}.ipynb').read_text(encoding='utf-8'))['cells']
        key = lambda c: c.get('id') or ''.join(c['source'])  # nbdev keeps the cells' ids
        kept = [key(c) for c in nb['cells']]
        for sym,(mod,anchor) in wanted.items():
            rest = sym.removeprefix(mod + '.').split('.')
            obj = importlib.import_module(mod)
            for a in rest: obj = getattr(obj, a)
            if (len(rest) == 2 and rest[0] in shown and (rest[1] == '__init__' or not getattr(obj, '__doc__', None))
                    and f'{pages[name]}.html#{anchor}' not in linked):
                # `__init__`, or a method without a docstring of its own (`forward`), that no text links to: the class's entry says it
                anchors.setdefault(name, {}).setdefault(rest[0], []).append(anchor)
                continue
            md = BasicMarkdownRenderer(obj, name='.'.join(rest), title_level=2 + len(rest))._repr_markdown_()
            # linked as nbdev's `add_links` links a `show_doc` output: every line, the signature's comments too
            md = re.sub(r'^\s*---\n', '', '\n'.join(map(NbdevLookup().link_line, md.splitlines())))
            if len(rest) > 1 and rest[0] in shown: idx = shown[rest[0]]
            else:  # after the last cell the page kept from before the exported cell that defines it
                defn = re.compile(rf'^(?:@.*\n)*(?:async\s+)?(?:def|class)\s+{re.escape(rest[0])}\b|^{re.escape(rest[0])}\s*=', re.M)
                at = next((j for j,c in enumerate(orig) if c['cell_type'] == 'code' and defn.search(''.join(c['source']))), len(orig))
                before = {key(c) for c in orig[:at]}
                idx = max((i for i,k in enumerate(kept) if k in before), default=len(kept)-1)
            entries.setdefault(name, {}).setdefault(idx, []).append(md)
    return entries,anchors


def toctree(names):
    "Hidden toctrees for the sidebar, one per part of `PARTS`; `names` are (notebook, page) pairs"
    num = lambda n: int(re.match(r'\d+', n)[0])
    out = ''
    for i,(caption,start) in enumerate(PARTS):
        end = PARTS[i+1][1] if i+1 < len(PARTS) else 10**6
        part = [p for n,p in names if start <= num(n) < end]
        if part: out += f"```{{toctree}}\n:hidden:\n:caption: {caption}\n\n" + '\n'.join(part) + "\n```\n\n"
    return out


CONF = '''
import sys
sys.path.insert(0, {tools!r})
from docs import setup_site as setup

project = {title!r}
author = {author!r}
copyright = {copyright!r}
extensions = ["myst_nb", "sphinx.ext.mathjax", "sphinx-mathjax-offline", "sphinx_copybutton", "sphinxext.opengraph"]
nb_execution_mode = "off"
nb_render_markdown_format = "myst"
nb_merge_streams = True  # a cell's stdout in one box, not one per write (a `print` loop made 2-4 on resnet.html)
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "attrs_inline", "attrs_block"]
myst_heading_anchors = 4
myst_heading_slug_func = "docs.quarto_slug"
suppress_warnings = ["myst.header"]  # a `show_doc` entry is an h3 wherever it sits, as on nbdev's own sites
exclude_patterns = ["_build", "**.ipynb_checkpoints", "warnings.txt"]
html_theme = "sphinx_book_theme"
html_title = {title!r}
html_static_path = ["_static"]
templates_path = ["_templates"]  # `HEADER_BUTTONS`, before the theme's own
html_css_files = ["custom.css"]
html_copy_source = False  # the download button offers the notebook itself, not MyST-NB's copy of nbdev's processed one
html_theme_options = dict(
    repository_url={git_url!r}, repository_branch={branch!r}, path_to_docs={nbs!r},
    use_repository_button=True, use_download_button=True, use_edit_page_button=True, use_source_button=True,
    use_issues_button=True,
    launch_buttons=dict(colab_url="https://colab.research.google.com", notebook_interface="jupyterlab"),
    show_toc_level=2,
    navbar_persistent=[])  # PyData's header bar would hold only a second search box: without it, it is not shown
site_description = {description!r}
site_notebooks = {notebooks!r}
copybutton_selector = "div:not(.output) > div.highlight > pre"  # code, not outputs
copybutton_exclude = ".linenos, .gp, .go"
ogp_site_url = {site!r}
ogp_description_length = 200
ogp_social_cards = dict(font="DejaVu Sans")  # matplotlib's own font: the default, Roboto Flex, has no bold here
'''

CSS = '''.colab-link { display: inline-block; padding: .2em .7em; border: 1px solid #f9ab00; border-radius: 4px;
  color: #444 !important; background: #fff8e1; text-decoration: none; font-size: .9em; }
.page-description { font-style: italic; font-size: 1.1em; color: var(--pst-color-text-muted); }

/* The text column: as wide as the window allows (the theme stops at about 700 px), so code and tables fit */
.bd-page-width { max-width: none; }
@media (min-width: 992px) { .bd-sidebar-primary { flex: 0 0 15rem; width: 15rem; max-width: 15rem; } }
@media (min-width: 1200px) {
  .bd-main .bd-content .bd-article-container { max-width: none; }
  .bd-sidebar-secondary { flex: 0 0 15rem; width: 15rem; max-width: 15rem; padding: 0 1rem; }
  .bd-main .bd-content .bd-article-container .bd-article { padding-left: 1.5rem; padding-right: 1.5rem; }
}
@media (min-width: 1700px) { .bd-main .bd-content .bd-article-container .bd-article { max-width: 80rem; } }
/* A word too long for the line breaks rather than running past the window. Inline code breaks between its words
   (Sphinx keeps each in a `span.pre`), never at a word's hyphen (`--data` as `--` / `data`): each word is one box that
   goes to the next line whole, and only a word wider than the column (at 390 px, the home page's
   `git+https://...git`) wraps inside its box, where it must */
.bd-article { overflow-wrap: break-word; }
.bd-article code.literal span.pre { display: inline-block; max-width: 100%; white-space: normal; overflow-wrap: break-word; }

/* Code that is still wider than the column wraps instead of hiding its end, the rest of the line indented under its start */
.bd-article div.highlight pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.bd-article div.highlight pre .cl { display: inline-block; width: 100%; padding-left: calc(var(--indent) + 4ch);
  text-indent: calc(-1 * (var(--indent) + 4ch)); }

/* Tables: DataFrames and markdown tables get padding and scroll inside their own box, never past the column */
.cell_output .output.text_html { overflow-x: auto; max-width: 100%; }
.bd-article table.dataframe, .bd-article table.fastprogress { border-collapse: collapse; font-size: .8em; margin: .5em 0; border: none; }
/* A header wraps between words only: at its spaces, and after the underscores of a name (`seconds_per_<wbr>epoch`, `header_breaks`) */
.bd-article th { overflow-wrap: normal; word-break: normal; }
.bd-article table.dataframe th, .bd-article table.dataframe td,
.bd-article table.fastprogress th, .bd-article table.fastprogress td { padding: .3em .5em; border: none; border-bottom: 1px solid var(--pst-color-border); text-align: right; vertical-align: top; }
.bd-article table.dataframe thead th, .bd-article table.fastprogress thead th { border-bottom: 2px solid var(--pst-color-border); }
.bd-article table.dataframe tbody tr:nth-child(odd) { background: var(--pst-color-surface); }
.bd-article table.dataframe tbody tr:hover { background: var(--pst-color-target); }
.bd-article .table-wrapper { overflow-x: auto; }

/* A signature's comment links its names (`comment_links`): a link in the comment's colour, underlined */
.bd-article div.highlight pre .c1 a { color: inherit; text-decoration: underline; text-underline-offset: .15em; }

/* Figures: matplotlib's fit the column; a diagram keeps its text readable and scrolls sideways instead */
.cell_output img { max-width: 100%; height: auto; }
.svg-figure { overflow-x: auto; max-width: 100%; }
.svg-figure img { max-width: 100%; height: auto; background: white; }

/* "On this page" (15rem, above) holds the longest names (`DeviceMixedPrecision`) whole; a longer one breaks rather than
   running out of the sidebar, only where nothing else fits */
.bd-sidebar-secondary .toc-entry a { overflow-wrap: break-word; }

/* show_doc entries: "source" at the right of the name, as on nbdev's sites */
section:has(> p.sd-source) { position: relative; }
section:has(> p.sd-source) > :is(h3, h4) { padding-right: 4.5rem; }
section > p.sd-source { position: absolute; top: 0; right: 0; margin: 0; font-size: .85rem; line-height: 2.2; }
section > :is(h3, h4) + p.sd-source + div.highlight-python { margin-top: 0; }
'''


# The theme's `article-header-buttons.html` (sphinx-book-theme 1.4.0, pinned in settings.ini), but a link button given
# `download` (`_page_context` gives it to the ".ipynb" one) saves the file, named so, instead of opening it in a new tab:
# the theme's link macro writes `target="_blank"` on every link and has no `download`
HEADER_BUTTONS = '''{% from "../macros/buttons.html" import render_funcs, render_inner_html with context %}
{% macro link(url, tooltip=None, tooltip_placement="bottom", icon=None, text=None, label=None, classes="", download=None) -%}
{%- if download -%}
<a href="{{ url }}" download="{{ download }}"
   class="btn btn-sm{% if label %} btn-{{ label }}{% endif %}{% if classes %} {{ classes }}{% endif %}"
   {% if tooltip %}title="{{ translate(tooltip) }}"{% endif %}
   data-bs-placement="{{ tooltip_placement }}" data-bs-toggle="tooltip"
>
  {{ render_inner_html(icon, text) }}
</a>
{%- else -%}
{{ render_funcs["link"](url, tooltip=tooltip, tooltip_placement=tooltip_placement, icon=icon, text=text, label=label, classes=classes) }}
{%- endif -%}
{%- endmacro %}
{% macro group(buttons, icon, tooltip=None, label=None, classes="") -%}
<div class="dropdown{% if label %} dropdown-{{ label }}{% endif %}{% if classes %} {{ classes }}{% endif %}">
  <button class="btn dropdown-toggle" type="button" data-bs-toggle="dropdown" aria-expanded="false" aria-label="{{tooltip}}">
    <i class="{{ icon }}"></i>
  </button>
  <ul class="dropdown-menu">
      {%- for button in buttons %}
      {% set bopts = button.copy() %}
      {% set btype = bopts.pop("type") %}
      <li>{{ (link if btype == "link" else render_funcs[btype])(classes="dropdown-item", tooltip_placement="left", **bopts) }}</li>
      {% endfor %}
  </ul>
</div>
{%- endmacro %}

<div class="article-header-buttons">
{%- for button in header_buttons -%}
{% set bopts = button.copy() %}
{% set btype = bopts.pop("type") %}
{{ {"group": group, "link": link}.get(btype, render_funcs[btype])(**bopts) }}
{%- endfor -%}

{#- Extra theme buttons #}
{% include "theme-switcher.html" %}
{% include "search-button.html" %}
{% include "toggle-secondary-sidebar.html" %}
</div>
'''


class SlugIdsFirst(Transform):
    """Make each heading's slug (the anchor nbdev's links use: `_conv_block`) its section's first id, so that "On this
    page" and the heading's own link use it too: MyST adds it as a second id (after `conv-block`). Where a `show_doc`
    entry has the name of a heading before it (`ResNet`, the page's title on resnet.html; the section "`get_learner`"
    on learner.html), the entry gets the anchor (`#get_learner`, not `#get_learner-1`): nbdev's links mean it"""
    default_priority = 701  # just after MyST's `AddSlugIds`
    def apply(self, **kwargs):
        secs = list(self.document.findall(nodes.section))
        entry = lambda sec: any('sd-source' in p['classes'] for p in sec.children if isinstance(p, nodes.paragraph))
        by_slug = {sec['slug']: sec for sec in secs if sec.get('slug')}
        for sec in secs:
            m = re.fullmatch(r'(.+)-\d+', sec.get('slug') or '')
            other = by_slug.get(m[1]) if m else None
            if other is not None and entry(sec) and not entry(other) and other['slug'] in other['ids'] and sec['slug'] in sec['ids']:
                a,b = other['slug'],sec['slug']
                other['ids'] = [b if i == a else i for i in other['ids']]
                sec['ids'] = [a if i == b else i for i in sec['ids']]
                other['slug'],sec['slug'] = b,a
                self.document.ids[a],self.document.ids[b] = sec,other
                by_slug[a],by_slug[b] = sec,other
        slugs = getattr(self.document, 'myst_slugs', {})  # what links to `page.ipynb#slug` resolve to: now the slug itself
        for sec in secs:
            slug = sec.get('slug')
            if slug and slug in sec['ids'] and sec['ids'][0] != slug: sec['ids'].remove(slug); sec['ids'].insert(0, slug)
            if slug in slugs and sec['ids'][0] == slug: slugs[slug] = (slugs[slug][0], slug, slugs[slug][2])


def comment_links(line):
    """The Pygments HTML `line` with the markdown links in its comment as links: nbdev links the backticked names in
    a `show_doc` signature's comments (`# [`DataLoaders`](https://docs.fast.ai/...) containing ...`), which a code
    block would show as they are; a link to one of the site's pages (`data.ipynb#quick`, as `to_myst` wrote it) goes to its HTML"""
    def link(m):
        url = re.sub(r'^([\w.-]+)\.ipynb(?=#|$)', r'\1.html', m[2])
        return f'<a class="reference external" href="{url}">{m[1]}</a>'
    return re.sub(r'(<span class="c1">)(.*?)(</span>)',
                  lambda m: m[1] + re.sub(r'\[`([^`<]+)`\]\(([^)\s<"]+)\)', link, m[2]) + m[3], line)


class LineSpans(HtmlFormatter):
    """Pygments' HTML with each code line in a `span.cl` that knows its indent, so that the CSS can indent the rest of a
    line that wraps under its start, and the links in its comment as links (`comment_links`)"""
    def wrap(self, source):
        def lines():
            for i,t in source:
                if i != 1: yield i,t; continue
                body,nl = (t[:-1],'\n') if t.endswith('\n') else (t,'')
                body = comment_links(body)
                text = re.sub(r'<[^>]*>', '', body)
                yield 1, f'<span class="cl" style="--indent:{len(text) - len(text.lstrip(" "))}ch">{body}</span>{nl}'
        return super().wrap(lines())


def setup_site(app):
    """The site's Sphinx extension (conf.py's `setup`): headings get nbdev's anchors first (`SlugIdsFirst`), code lines
    a hanging indent when they wrap (`LineSpans`), the header's buttons the notebooks by their real names, and the home
    page a title that isn't the site's name twice (`_page_context`)"""
    app.add_config_value('site_description', '', 'html')
    app.add_config_value('site_notebooks', {}, 'html')
    app.add_transform(SlugIdsFirst)
    PygmentsBridge.html_formatter = LineSpans
    app.connect('html-page-context', _page_context, priority=900)  # after the theme's buttons and the opengraph tags
    return dict(parallel_read_safe=True, parallel_write_safe=True)


def _page_context(app, pagename, templatename, context, doctree):
    "The home page's window title; the header's download, source, edit and Colab buttons for `nbs/NN_name.ipynb`, not `nbs/name.ipynb`"
    nbs,path = app.config.site_notebooks, app.config.html_theme_options.get('path_to_docs', 'nbs')
    if pagename == app.config.root_doc and app.config.site_description and context.get('title') == context.get('docstitle'):
        context['title'] = app.config.site_description  # the home page's <title>: not the site's name twice
    nb = nbs.get(pagename)
    if not nb: return
    def fix(b):
        if b.get('type') == 'group':
            for o in b['buttons']: fix(o)
            b['buttons'] = [o for o in b['buttons'] if o.get('label') != 'download-notebook-button']
        elif b.get('url'):
            if b.get('label') == 'download-source-button':
                b['url'],b['tooltip'],b['download'] = f"{context['pathto'](path, 1)}/{nb}.ipynb", 'Download the notebook', f'{nb}.ipynb'
            b['url'] = b['url'].replace(f'{path}/{pagename}.ipynb', f'{path}/{nb}.ipynb')
            if b.get('label') == 'source-file-button': b['url'] = b['url'].replace('?plain=1', '')  # GitHub shows a notebook rendered
    for b in context.get('header_buttons', []): fix(b)


def build(root=None):
    "Process `nbs/`, translate it for MyST-NB into `.sphinx_src/`, and render the site into `_docs/`"
    cfg = get_config()
    root = Path(root or cfg.config_path)
    nbs = sorted(nbglob(cfg.nbs_path, func=Path))
    bad = [msg for f in nbs for msg in check(f)]
    if bad: sys.exit('\n'.join(bad) + '\ndocs: saved outputs a reader must not see (see tools/check_outputs.py): rerun or clear those cells')
    bad = [msg for f in nbs for msg in mixed_import_cells(f)]
    if bad: sys.exit('\n'.join(bad) + '\ndocs: nbdev would run those cells, their code too, to build the docs')
    proc = proc_nbs(force=True)
    src = root/'.sphinx_src'
    shutil.rmtree(src, ignore_errors=True)
    (src/'_static').mkdir(parents=True)
    books = {f.stem: json.loads(f.read_text()) for f in sorted(proc.glob('*.ipynb'))}
    pages = page_names(books)
    if len(set(pages.values())) < len(pages): sys.exit(f'docs: two notebooks would make the same page: {pages}')
    extra,anchors = missing_entries(books, pages, cfg)
    bad = []
    for name,nb in books.items():
        nb = to_myst(nb, name, cfg, pages, bad, extra.get(name), anchors.get(name))
        if name == 'index':
            nb['cells'].append(dict(cell_type='markdown', metadata={}, source=toctree([(n,pages[n]) for n in books if n != 'index'])))
        (src/f'{pages[name]}.ipynb').write_text(json.dumps(nb, indent=1))
    if bad: sys.exit('\n'.join(bad) + '\ndocs: processing the notebooks left errors in their outputs')
    (src/'conf.py').write_text(CONF.format(
        tools=str(Path(__file__).resolve().parent), title=cfg.title, author=cfg.author, copyright=cfg.copyright,
        git_url=cfg.git_url, branch=cfg.branch, nbs=cfg.nbs_path.name, description=cfg.description,
        notebooks={p: n for n,p in pages.items()}, site=f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip('/') + '/'))
    (src/'_static'/'custom.css').write_text(CSS)
    (src/'_templates').mkdir()
    (src/'_templates'/'article-header-buttons.html').write_text(HEADER_BUTTONS)
    html_out = src/'_build'/'html'  # MyST-NB keeps its copies of the notebooks beside the output folder, so build inside `src`
    res = subprocess.run([sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-d', str(src/'_build'/'doctrees'),
                          '-w', str(src/'warnings.txt'), str(src), str(html_out)])
    warnings = (src/'warnings.txt').read_text().strip()
    if warnings: print(warnings)
    if res.returncode or warnings: sys.exit(f"docs: Sphinx {'failed' if res.returncode else 'warned'}; see above")
    if (html_out/'_sources').is_dir() and not any((html_out/'_sources').iterdir()): (html_out/'_sources').rmdir()
    (html_out/cfg.nbs_path.name).mkdir()
    for n in books: shutil.copy2(cfg.nbs_path/f'{n}.ipynb', html_out/cfg.nbs_path.name/f'{n}.ipynb')  # the download button's
    out = root/cfg.doc_path.name
    shutil.rmtree(out, ignore_errors=True)
    shutil.move(html_out, out)
    print(f"docs: {len(books)} pages in {out}")


if __name__ == '__main__': build()
