"""amazon-cloudwatch-agent-ctl on a local host: the configuration is checked and kept, nothing is shipped.

A local host reaches no CloudWatch Logs endpoint. `fetch-config` checks the file's `logs` section as
the agent's schema has it (logs.logs_collected.files.collect_list: file_path, log_group_name,
log_stream_name), keeps it where the agent keeps a fetched file configuration
(etc/amazon-cloudwatch-agent.d/file_<name>) and, with -s, records the agent as running. The local
deploy reads the kept configurations of each host and collects the files they name into its own
folder, one per log group, as the agent would ship them.
"""
import datetime
import json
import os
import re
import sys

# The agent's folder; NLBT_CWAGENT_ROOT moves it for the shim's own tests.
ROOT = os.environ.get('NLBT_CWAGENT_ROOT', '/opt/aws/amazon-cloudwatch-agent')
CONFIG_DIR = os.path.join(ROOT, 'etc', 'amazon-cloudwatch-agent.d')
STATUS_FILE = os.path.join(ROOT, 'var', 'nlb-tiers-local-status.json')
# The placeholders the agent replaces in a group or stream name.
PLACEHOLDERS = {'instance_id', 'hostname', 'local_hostname', 'ip_address'}
USAGE = 'usage: amazon-cloudwatch-agent-ctl -a fetch-config|status|stop [-m ec2|onPremise|auto] [-c file:<path>] [-s]'


def check_config(config):
    """The problems of a configuration's logs section, as messages (empty when it is valid)."""
    problems = []
    if not isinstance(config, dict):
        return ['the configuration is not a JSON object']
    entries = (((config.get('logs') or {}).get('logs_collected') or {}).get('files') or {}).get('collect_list')
    if not isinstance(entries, list) or not entries:
        return ['logs.logs_collected.files.collect_list: expected a non-empty array of files to collect']
    for i, entry in enumerate(entries):
        where = 'logs.logs_collected.files.collect_list[%d]' % i
        if not isinstance(entry, dict):
            problems.append('%s: expected an object' % where)
            continue
        path = entry.get('file_path')
        if not isinstance(path, str) or not path.startswith('/'):
            problems.append('%s.file_path: expected an absolute path, got %r' % (where, path))
        for key in ('log_group_name', 'log_stream_name'):
            value = entry.get(key)
            if value is None and key == 'log_stream_name':
                continue
            if not isinstance(value, str) or not value:
                problems.append('%s.%s: expected a non-empty string, got %r' % (where, key, value))
                continue
            unknown = set(re.findall(r'\{(\w+)\}', value)) - PLACEHOLDERS
            if unknown:
                problems.append('%s.%s: unknown placeholder %s (the agent knows %s)'
                                % (where, key, ', '.join('{%s}' % u for u in sorted(unknown)), ', '.join('{%s}' % p for p in sorted(PLACEHOLDERS))))
    return problems


def read_status():
    try:
        with open(STATUS_FILE) as f:
            return json.load(f)
    except FileNotFoundError:
        return {'status': 'stopped', 'starttime': '', 'configstatus': 'not configured'}


def write_status(status):
    os.makedirs(os.path.dirname(STATUS_FILE), exist_ok=True)
    with open(STATUS_FILE + '.tmp', 'w') as f:
        json.dump(status, f)
    os.replace(STATUS_FILE + '.tmp', STATUS_FILE)


def parse(argv):
    """(action, mode, config source, start) from the ctl's options; raises ValueError on bad ones."""
    options = {'-a': None, '-m': 'ec2', '-c': None}
    start = False
    i = 0
    while i < len(argv):
        if argv[i] == '-s':
            start = True
            i += 1
        elif argv[i] in options and i + 1 < len(argv):
            options[argv[i]] = argv[i + 1]
            i += 2
        else:
            raise ValueError('unknown option %s' % argv[i])
    if options['-a'] not in ('fetch-config', 'status', 'stop'):
        raise ValueError('unknown action %s (the local stand-in knows fetch-config, status, stop)' % options['-a'])
    if options['-m'] not in ('ec2', 'onPremise', 'auto'):
        raise ValueError('unknown mode %s' % options['-m'])
    return options['-a'], options['-m'], options['-c'], start


def main(argv):
    try:
        action, _mode, source, start = parse(argv)
    except ValueError as e:
        sys.stderr.write('%s\n%s\n' % (e, USAGE))
        return 1
    if action == 'status':
        print(json.dumps(dict(read_status(), version='nlb-tiers-local'), indent=2))
        return 0
    if action == 'stop':
        write_status(dict(read_status(), status='stopped'))
        return 0
    if not source or not source.startswith('file:'):
        sys.stderr.write('fetch-config: -c file:<path> is the only configuration source a local host has (no SSM parameter store)\n')
        return 1
    path = source[len('file:'):]
    try:
        with open(path) as f:
            config = json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write('Configuration validation first phase failed: cannot read %s: %s\n' % (path, e))
        return 1
    problems = check_config(config)
    if problems:
        sys.stderr.write('Configuration validation first phase failed:\n%s\n' % '\n'.join('  ' + p for p in problems))
        return 1
    os.makedirs(CONFIG_DIR, exist_ok=True)
    kept = os.path.join(CONFIG_DIR, 'file_' + os.path.basename(path))
    with open(kept + '.tmp', 'w') as f:
        json.dump(config, f)
    os.replace(kept + '.tmp', kept)
    print('Successfully fetched the config and saved in %s' % kept)
    if start:
        now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S+00:00')
        write_status({'status': 'running', 'starttime': now, 'configstatus': 'configured'})
        print('amazon-cloudwatch-agent has been started (the local deploy collects the configured files)')
    return 0
