"""Print, NUL-separated, the `uv pip install` options that make uv install what `pip install` would on this machine.

uv doesn't read pip's configuration, so this takes the settings pip itself resolves (its config files and `PIP_*`
environment variables, with pip's own precedence) and writes them as uv's options: the index and extra indexes, wheel
folders, constraints, `--no-index`, and pip's rule of taking the newest release from any index. The certificate bundle
and the network timeout have no option in uv: they are printed as `SSL_CERT_FILE=...` and `UV_HTTP_TIMEOUT=...`,
for the caller to export. Run it with the `pip` of the environment to install into.
"""
import sys
from pip._internal.commands import create_command

o,_ = create_command('install').parse_args([])
args = ['--index-strategy', 'unsafe-best-match']
if o.no_index: args.append('--no-index')
elif o.index_url: args += ['--index-url', o.index_url]
for url in o.extra_index_urls or []: args += ['--extra-index-url', url]
for path in o.find_links or []: args += ['--find-links', path]
for path in o.constraints or []: args += ['--constraint', path]
env = [f'SSL_CERT_FILE={o.cert}'] if o.cert else []
if o.timeout: env.append(f'UV_HTTP_TIMEOUT={int(o.timeout)}')
sys.stdout.write('\0'.join(env + args) + '\0')
