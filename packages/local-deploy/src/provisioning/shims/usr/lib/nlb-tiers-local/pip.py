"""pip of a virtual environment on a local host: requirements are served by Debian packages.

Nothing is downloaded: each requirement maps to Debian packages (packages.json; otherwise Debian's
python3-<name> rule) that must be installed on this machine, where the environment's Python finds
them (it sees the system's site packages). The environment's own record of what was "installed"
makes a second install report "already satisfied", as pip does. A requirement with a program
(uwsgi) gets it in the environment's bin/: Debian's build, with its Python plugin loaded.
"""
import json
import os
import re
import sys

sys.path.insert(0, '/usr/lib/nlb-tiers-local')
import nlbt_packages  # noqa: E402

UWSGI = '''#!/bin/sh
# uWSGI as pip would install it into this environment; on a local host it is Debian's build,
# whose Python support is a plugin (a pip build has it compiled in).
exec /usr/bin/uwsgi-core --plugin python3 "$@"
'''
PROGRAMS = {'uwsgi': UWSGI}


def project_name(requirement):
    return re.split(r'[\s=<>!~;\[]', requirement.strip(), 1)[0].lower().replace('_', '-')


def read_requirements(path):
    with open(path) as f:
        lines = [re.sub(r'#.*', '', line).strip() for line in f]
    return [line for line in lines if line and not line.startswith('-')]


def record_path(venv):
    return os.path.join(venv, 'nlb-tiers-local-pip.json')


def read_record(venv):
    try:
        with open(record_path(venv)) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def install(venv, requirements):
    record = read_record(venv)
    installed = []
    for requirement in requirements:
        name = project_name(requirement)
        if name in record:
            print('Requirement already satisfied: %s in %s (%s==%s, Debian %s)'
                  % (requirement, venv, name, record[name]['version'], ', '.join(record[name]['debian'])))
            continue
        entry = nlbt_packages.MAPPING['pip'].get(name, {'debian': ['python3-%s' % name]})
        found = nlbt_packages.stand_ins(entry['debian'])
        # Debian versions read 2.2.2-3 or 2.0.21-5.1: the upstream part is what pip would report.
        version = re.sub(r'^\d+:', '', found[0][1]).split('-')[0].split('+')[0]
        print('Requirement %s: Debian %s stands in (nothing is downloaded on a local host)'
              % (requirement, ', '.join('%s %s' % pv for pv in found)))
        if entry.get('bin') in PROGRAMS:
            path = os.path.join(venv, 'bin', entry['bin'])
            with open(path, 'w') as f:
                f.write(PROGRAMS[entry['bin']])
            os.chmod(path, 0o755)
        record[name] = {'version': version, 'debian': ['%s=%s' % pv for pv in found]}
        installed.append('%s-%s' % (name, version))
    with open(record_path(venv), 'w') as f:
        json.dump(record, f, indent=1, sort_keys=True)
    if installed:
        print('Successfully installed %s' % ' '.join(installed))
    return 0


def main(argv):
    venv = argv[1] if len(argv) > 1 and argv[0] == '--venv' else sys.exit('pip.py: --venv <dir> is required')
    args = argv[2:]
    if args[:1] == ['--version']:
        print('pip 23.0.1 from %s (nlb-tiers-local shim: requirements served by Debian packages)' % venv)
        return 0
    if args[:1] == ['freeze'] or args[:2] == ['list', '--format=freeze']:
        for name, entry in sorted(read_record(venv).items()):
            print('%s==%s' % (name, entry['version']))
        return 0
    if args[:1] == ['install']:
        requirements = []
        rest = args[1:]
        i = 0
        while i < len(rest):
            a = rest[i]
            if a in ('-r', '--requirement'):
                requirements += read_requirements(rest[i + 1])
                i += 2
                continue
            if a in ('-e', '--editable'):
                sys.stderr.write('pip install -e: editable installs are not emulated on a local host\n')
                return 1
            if not a.startswith('-'):
                requirements.append(a)
            i += 1
        return install(venv, requirements)
    sys.stderr.write('pip %s: not emulated on a local host (emulated: install, freeze, list --format=freeze, --version)\n' % ' '.join(args))
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
