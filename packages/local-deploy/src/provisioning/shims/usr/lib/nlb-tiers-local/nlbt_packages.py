"""Packages on a local host: Amazon Linux's rpm and pip names, served by the Debian packages of this machine.

A local host cannot download anything. Installing a package records it in a small database in the
host's own /var (so `rpm -q` and a second `dnf install` see it) after checking that the Debian
packages standing in for it are installed on the machine; a package with a payload (httpd) also
lays down its files, as the rpm would.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MAPPING = json.load(open(os.path.join(HERE, 'packages.json')))
RPM_DB = '/var/lib/rpm/nlb-tiers-local.json'


def debian_version(package):
    """The installed version of a Debian package, or None."""
    r = subprocess.run(['dpkg-query', '-W', '-f=${db:Status-Status} ${Version}', package], capture_output=True, text=True)
    status, _, version = r.stdout.partition(' ')
    return version if r.returncode == 0 and status == 'installed' else None


def stand_ins(debian):
    """(package, version) of each Debian package; raises SystemExit naming what is missing."""
    found = [(p, debian_version(p)) for p in debian]
    missing = [p for p, v in found if v is None]
    if missing:
        sys.stderr.write('Not installed on this machine: %s. A local host cannot download packages; install them with\n'
                         '  apt-get install -y %s\nand deploy again.\n' % (' '.join(missing), ' '.join(missing)))
        raise SystemExit(1)
    return found


def read_db():
    try:
        with open(RPM_DB) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def write_db(db):
    os.makedirs(os.path.dirname(RPM_DB), exist_ok=True)
    with open(RPM_DB + '.tmp', 'w') as f:
        json.dump(db, f, indent=1, sort_keys=True)
    os.replace(RPM_DB + '.tmp', RPM_DB)


def install_payload(name):
    """Copies a package's files into place and runs its post-install script, as the rpm would."""
    package_dir = os.path.join(HERE, 'packages', name)
    root = os.path.join(package_dir, 'root')
    for dirpath, _dirs, files in os.walk(root):
        target_dir = '/' + os.path.relpath(dirpath, root).lstrip('.').lstrip('/')
        os.makedirs(target_dir, exist_ok=True)
        for f in files:
            shutil.copy2(os.path.join(dirpath, f), os.path.join(target_dir, f))
    post = os.path.join(package_dir, 'post-install')
    if os.path.exists(post):
        subprocess.run(['/bin/bash', post], check=True)


def install_rpms(names):
    """dnf/yum install: returns the lines to print; raises SystemExit(1) when a package cannot be had."""
    db = read_db()
    unknown = [n for n in names if n not in MAPPING['rpm'] and n not in db]
    if unknown:
        sys.stderr.write('No match for argument: %s\n' % ' '.join(unknown))
        sys.stderr.write('Error: Unable to find a match: %s (the local deploy knows these packages: %s)\n'
                         % (' '.join(unknown), ', '.join(sorted(MAPPING['rpm']))))
        raise SystemExit(1)
    lines = []
    installed = []
    for name in names:
        if name in db:
            lines.append('Package %s-%s is already installed.' % (name, db[name]['version']))
            continue
        entry = MAPPING['rpm'][name]
        found = stand_ins(entry['debian'])
        version = found[0][1] if found else 'local'
        if 'payload' in entry:
            install_payload(entry['payload'])
        db[name] = {'version': version, 'debian': ['%s=%s' % pv for pv in found]}
        note = entry.get('note') or ('Debian %s' % ', '.join('%s %s' % pv for pv in found))
        installed.append('  %s-%s  (%s)' % (name, version, note))
    write_db(db)
    if installed:
        lines += ['Installed:'] + installed + ['', 'Complete!']
    else:
        lines += ['Dependencies resolved.', 'Nothing to do.', 'Complete!']
    return lines


def query_rpms(names):
    """rpm -q: (lines, number of packages not installed)."""
    db = read_db()
    lines = ['%s-%s' % (n, db[n]['version']) if n in db else 'package %s is not installed' % n for n in names]
    return lines, sum(1 for n in names if n not in db)
