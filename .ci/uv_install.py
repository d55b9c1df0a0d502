"""Install `PACKAGE ...` with uv into the environment of the Python that runs this, as `pip install` would on this machine.

Usage: .venv-learner/bin/python .ci/uv_install.py PACKAGE ...   (uv installed in that environment)

uv doesn't read pip's configuration, so this passes on the settings pip itself resolves (its config files and `PIP_*`
environment variables, with pip's own precedence): the index and extra indexes, wheel folders, constraints,
`--no-index` and pip's rule of taking the newest release from any index as uv's options, the certificate bundle and
the network timeout as uv's `SSL_CERT_FILE` and `UV_HTTP_TIMEOUT`. Like pip (and unlike uv's default) it compiles the
packages' bytecode as it installs them, as Colab's preinstalled packages have it: without it, where
`PYTHONDONTWRITEBYTECODE` is set (as on this project's machines), every kernel compiled fastai and torch again
(`import fastai.vision.all` 47 s instead of 21 s on the shared 2-core Zen 3; compiling once took 153 s there).
Prints the options (index passwords hidden), then runs uv in its place.
"""
import os, re, sys
from pathlib import Path
from pip._internal.commands import create_command

o,_ = create_command('install').parse_args([])
args = ['--index-strategy', 'unsafe-best-match', '--compile-bytecode']
if o.no_index: args.append('--no-index')
elif o.index_url: args += ['--index-url', o.index_url]
for url in o.extra_index_urls or []: args += ['--extra-index-url', url]
for path in o.find_links or []: args += ['--find-links', path]
for path in o.constraints or []: args += ['--constraint', path]
env = dict(os.environ)
if o.cert: env['SSL_CERT_FILE'] = o.cert
if o.timeout: env['UV_HTTP_TIMEOUT'] = str(int(o.timeout))
print("uv with pip's settings:", re.sub(r'//[^/@\s]*@', '//***@', ' '.join(args)), flush=True)
uv = Path(sys.executable).parent/'uv'
os.execve(uv, [str(uv), 'pip', 'install', '-q', '--python', sys.executable, *args, *sys.argv[1:]], env)
