"""python3 -m venv on a local host: a real virtual environment of Debian's Python, with the pip shim.

The environment sees the system's site packages, where the Debian packages that stand in for pip
installs live; its pip is the shim (pip.py), which records requirements instead of downloading.
"""
import os
import subprocess
import sys

PIP_WRAPPER = '''#!/bin/sh
# pip of this virtual environment on a local host: requirements are served by Debian packages.
exec /usr/bin/python3 -S /usr/lib/nlb-tiers-local/pip.py --venv "{venv}" "$@"
'''


def main(argv):
    options = [a for a in argv if a.startswith('-')]
    dirs = [a for a in argv if not a.startswith('-')]
    if not dirs:
        return subprocess.call(['/usr/bin/python3', '-m', 'venv'] + argv)
    ignored = {'--without-pip', '--system-site-packages', '--upgrade-deps'}
    rc = subprocess.call(['/usr/bin/python3', '-m', 'venv', '--without-pip', '--system-site-packages']
                         + [o for o in options if o not in ignored] + dirs)
    if rc != 0:
        return rc
    for d in dirs:
        venv = os.path.abspath(d)
        for name in ('pip', 'pip3', 'pip%d.%d' % sys.version_info[:2]):
            path = os.path.join(venv, 'bin', name)
            with open(path, 'w') as f:
                f.write(PIP_WRAPPER.format(venv=venv))
            os.chmod(path, 0o755)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
