"""A call to the local deploy through a socket of the host's control folder, as the systemctl and cfn-signal shims make it.

One JSON line {"argv": [...]} goes out; one JSON answer {"exitCode", "stdout", "stderr"} comes back
and is written out as the program's own. The socket is in the host's /run/nlb-tiers-local, which
only this host (and the tool) reaches, so the connection itself says which host calls.
"""
import json
import os
import socket
import sys

# The host's control folder; NLBT_CONTROL_DIR moves it for the shims' own tests.
CONTROL_DIR = os.environ.get('NLBT_CONTROL_DIR', '/run/nlb-tiers-local')


def call(socket_name, argv, unavailable, timeout=300):
    """Sends argv, prints the answer, returns its exit code; `unavailable` is the message when nothing listens."""
    path = '%s/%s' % (CONTROL_DIR, socket_name)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
    except OSError as e:
        sys.stderr.write('%s (%s: %s)\n' % (unavailable, path, e))
        return 1
    s.sendall(json.dumps({'argv': argv}).encode() + b'\n')
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    answer = json.loads(data.decode())
    sys.stdout.write(answer['stdout'])
    sys.stderr.write(answer['stderr'])
    return answer['exitCode']
