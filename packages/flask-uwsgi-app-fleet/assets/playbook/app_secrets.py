"""Fetches the app's secrets with the instance's role, for uWSGI to load into the app's environment.

Usage:
  app_secrets.py fetch REFERENCES OUT OWNER   write the values to OUT (mode 0400, owned by OWNER)
  app_secrets.py check REFERENCES OUT         exit 0 when OUT holds the current values, 3 when not

REFERENCES is a JSON object {VARIABLE: {"source": "ssm" | "secretsmanager", "id": ..., "region":
..., "field": ...}}: names and ARNs, no value. OUT is a file in the unit's RuntimeDirectory= under
/run, a tmpfs: the values live in memory and nowhere else, and go when the service stops.

`fetch` is the unit's ExecStartPre= and the first ExecReload= command (run as root: the `+`
prefix), so every start and every reload reads the values as they are now. `check` is how
a run of the playbook notices a rotated secret (which changes no file) and reloads the app.

The values are read with the AWS CLI that Amazon Linux ships (`aws ssm get-parameter
--with-decryption`, `aws secretsmanager get-secret-value`), whose output is captured, never
printed: only variable names and the CLI's own error messages reach the log.
https://docs.aws.amazon.com/cli/latest/reference/ssm/get-parameter.html
https://docs.aws.amazon.com/cli/latest/reference/secretsmanager/get-secret-value.html
"""
import json
import os
import pwd
import subprocess
import sys

AWS_TIMEOUT_SECONDS = 60


class SecretError(Exception):
    pass


def aws(args):
    try:
        result = subprocess.run(['aws', *args, '--output', 'json'], capture_output=True, text=True, timeout=AWS_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise SecretError('aws %s %s did not answer within %d s' % (args[0], args[1], AWS_TIMEOUT_SECONDS))
    except FileNotFoundError:
        raise SecretError('the AWS CLI (aws) is not on this image')
    if result.returncode != 0:
        # The CLI's message names the call and the error code (AccessDeniedException, ParameterNotFound ...), never a value.
        raise SecretError(result.stderr.strip() or 'aws %s %s exited %d' % (args[0], args[1], result.returncode))
    return json.loads(result.stdout)


def fetch_one(name, ref):
    if ref['source'] == 'ssm':
        answer = aws(['ssm', 'get-parameter', '--name', ref['id'], '--with-decryption', '--region', ref['region']])
        return answer['Parameter']['Value']
    if ref['source'] == 'secretsmanager':
        answer = aws(['secretsmanager', 'get-secret-value', '--secret-id', ref['id'], '--region', ref['region']])
        if 'SecretString' not in answer:
            raise SecretError('%s: the secret %s holds a SecretBinary; only a SecretString can be an environment variable' % (name, ref['id']))
        value = answer['SecretString']
        if 'field' not in ref:
            return value
        try:
            document = json.loads(value)
        except ValueError:
            document = None
        if not isinstance(document, dict) or ref['field'] not in document:
            raise SecretError('%s: the secret %s is not a JSON object with the field %s' % (name, ref['id'], ref['field']))
        field = document[ref['field']]
        return field if isinstance(field, str) else json.dumps(field)
    raise SecretError('%s: unknown source %r' % (name, ref['source']))


def fetch_all(references_file):
    try:
        with open(references_file) as f:
            references = json.load(f)
    except FileNotFoundError:
        references = {}
    values = {}
    for name, ref in sorted(references.items()):
        try:
            values[name] = fetch_one(name, ref)
        except SecretError as e:
            raise SecretError('cannot read the secret of %s (%s %s): %s' % (name, ref.get('source'), ref.get('id'), e))
    return values


def write(values, out, owner):
    user = pwd.getpwnam(owner)
    tmp = '%s.%d' % (out, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    try:
        os.fchown(fd, user.pw_uid, user.pw_gid)
        with os.fdopen(fd, 'w') as f:
            json.dump(values, f)
        os.rename(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def current(out):
    try:
        with open(out) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return None


def main(argv):
    if len(argv) == 4 and argv[0] == 'fetch':
        values = fetch_all(argv[1])
        write(values, argv[2], argv[3])
        print('wrote %d secret(s) for the app: %s' % (len(values), ', '.join(values) or 'none'))
        return 0
    if len(argv) == 3 and argv[0] == 'check':
        values = fetch_all(argv[1])
        loaded = current(argv[2])
        changed = sorted(n for n in set(values) | set(loaded or {}) if (loaded or {}).get(n) != values.get(n))
        if loaded is not None and not changed:
            print('the app has the current value of its %d secret(s)' % len(values))
            return 0
        print('secrets to load again: %s' % (', '.join(changed) or 'all'))
        return 3
    print(__doc__.split('\n\n')[1], file=sys.stderr)
    return 2


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except SecretError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
