"""Reloads the app's uWSGI with no moment in which it serves nothing, and exits 0 only once every
worker runs the new app.

Usage:
  uwsgi_reload.py record RUNTIME_DIR INI             the unit's ExecStartPre=: notes the uwsgi.ini the master starts with
  uwsgi_reload.py reload RUNTIME_DIR INI MAINPID [TIMEOUT_SECONDS]
                                                     the unit's ExecReload=

uwsgi.ini has uWSGI load the app in each worker after the fork (`lazy-apps`), and puts the master's
command FIFO and its stats socket in RUNTIME_DIR (the unit's RuntimeDirectory=, the app user's).

- A new app, environment or secret, with the same uwsgi.ini: a chain reload (`c` on the master FIFO,
  https://uwsgi-docs.readthedocs.io/en/latest/articles/TheArtOfGracefulReloading.html#chain-reloading-lazy-apps).
  The master replaces one worker at a time and curses the next only once the new one accepts, so
  the other workers serve throughout. A graceful reload (SIGHUP) stops every worker at once and
  serves nothing until the master has executed itself again and loaded the app: on a loaded
  machine that is seconds, during which the load balancer's connections to this instance wait.
- A new uwsgi.ini (what `record` noted differs): the master must read it again, so a graceful reload
  (SIGHUP, "gracefully reload all the workers and the master process",
  https://uwsgi-docs.readthedocs.io/en/latest/Management.html). The listening socket stays open
  across it (uwsgi_reload in core/master_utils.c closes every other descriptor): connections wait
  in its listen queue, none is refused.

A signal or a FIFO command is asynchronous: `systemctl reload` would return before the new app
serves, and systemd asks of ExecReload= that it "synchronously waits for it to complete"
(systemd.service(5)). So this waits until every worker in the master's stats is one that did not
run before the reload, and accepts requests. It fails, with the reason, when the master exits (an
app that no longer loads: `need-app`) or when the reload outlasts the timeout.
"""
import hashlib
import json
import os
import signal
import socket
import sys
import time

POLL_SECONDS = 0.05
# A chain reload that the master ends with an old worker still running is started again after this
# long: uWSGI's chain skips a worker that does not accept yet (uwsgi_master_check_chain in
# core/master_checks.c), and `c` during a running chain changes nothing ("chain reload already
# running", uwsgi_chain_reload in core/master_utils.c).
STALLED_CHAIN_SECONDS = 3.0
# How long the master takes to end the instance after a worker failed to load the app under `need-app`.
MASTER_EXIT_SECONDS = 3.0


def alive(pid):
    """Whether pid runs: it exists and is not a zombie (state Z) waiting for systemd to reap it."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(')') + 2:].split()[0] != 'Z'


def workers(runtime_dir):
    """The master's workers as {pid: accepting}, from its stats socket; None while it has none (a graceful reload re-creates it)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(os.path.join(runtime_dir, 'stats.sock'))
            data = b''
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        stats = json.loads(data.decode('utf-8'))
    except (OSError, ValueError):
        return None
    return {w['pid']: bool(w.get('accepting')) for w in stats.get('workers', []) if w.get('pid')}


def config_digest(ini):
    with open(ini, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def record(runtime_dir, ini):
    """Notes which uwsgi.ini the master runs (the unit's ExecStartPre=, and after a graceful reload)."""
    path = os.path.join(runtime_dir, 'uwsgi.ini.sha256')
    with open(path + '.tmp', 'w') as f:
        f.write(config_digest(ini) + '\n')
    os.replace(path + '.tmp', path)


def recorded(runtime_dir):
    try:
        with open(os.path.join(runtime_dir, 'uwsgi.ini.sha256')) as f:
            return f.read().strip()
    except OSError:
        return None


def wait_for_exit(pid, seconds):
    until = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < until:
        time.sleep(POLL_SECONDS)


def wait_for(pid, deadline, ready, what):
    """Polls until ready() holds; fails when the master exits or at the deadline."""
    while time.monotonic() < deadline:
        if not alive(pid):
            raise Failure(MASTER_EXITED % pid)
        if ready():
            return
        time.sleep(POLL_SECONDS)
    raise Failure('uWSGI (pid %d) did not %s in time' % (pid, what))


class Failure(Exception):
    pass


MASTER_EXITED = 'uWSGI (pid %d) exited during its reload: see its log for why the app did not load'


def every_worker_new(current, old):
    """Every worker accepts, and none ran before the reload."""
    return bool(current) and not set(current) & old and all(current.values())


def chain_reload(pid, runtime_dir, deadline):
    # A chain that starts while a worker still loads the app ends without replacing that worker.
    wait_for(pid, deadline, lambda: every_worker_new(workers(runtime_dir), set()), 'have every worker accept before its reload')
    old = set(workers(runtime_dir) or {})
    fifo = os.path.join(runtime_dir, 'master.fifo')
    while True:
        # Non-blocking: with no master reading its FIFO, this fails at once rather than hangs.
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, b'c')
        finally:
            os.close(fd)
        stalled_since = None
        loading = set()
        while True:
            if time.monotonic() >= deadline:
                raise Failure('uWSGI (pid %d) did not replace every worker in time' % pid)
            if not alive(pid):
                raise Failure(MASTER_EXITED % pid)
            current = workers(runtime_dir)
            if every_worker_new(current, old):
                return
            if current is not None:
                # A new worker that is gone before it ever accepted died loading the app: the master would
                # start it again and again, while the workers not yet replaced serve the app they have.
                died = loading - set(current)
                if died:
                    # With need-app, the master ends the whole instance right after (its own message then).
                    wait_for_exit(pid, MASTER_EXIT_SECONDS)
                    if not alive(pid):
                        raise Failure(MASTER_EXITED % pid)
                    raise Failure('a new worker of uWSGI (pid %d) exited while it loaded the app (pid %d): the new app does not load; '
                                  'the workers not yet replaced still serve the app they had. See its log.' % (pid, min(died)))
                loading = {p for p, accepting in current.items() if p not in old and not accepting}
            # Every worker accepts, yet one ran before: the master is between two workers, or ended the chain early.
            if current and all(current.values()):
                stalled_since = stalled_since or time.monotonic()
                if time.monotonic() - stalled_since > STALLED_CHAIN_SECONDS:
                    break
            else:
                stalled_since = None
            time.sleep(POLL_SECONDS)


def graceful_reload(pid, runtime_dir, ini, deadline):
    old = set(workers(runtime_dir) or {})
    os.kill(pid, signal.SIGHUP)
    wait_for(pid, deadline, lambda: every_worker_new(workers(runtime_dir), old), 'serve with new workers')
    record(runtime_dir, ini)


def reload(runtime_dir, ini, pid, timeout):
    deadline = time.monotonic() + timeout
    try:
        if recorded(runtime_dir) == config_digest(ini):
            chain_reload(pid, runtime_dir, deadline)
            print('uWSGI (pid %d) reloaded its workers one at a time: every worker runs the new app' % pid)
        else:
            graceful_reload(pid, runtime_dir, ini, deadline)
            print('uWSGI (pid %d) reloaded with its new uwsgi.ini: every worker runs the new app' % pid)
    except Failure as e:
        print(str(e), file=sys.stderr)
        return 1
    return 0


USAGE = ('usage: uwsgi_reload.py record RUNTIME_DIR INI\n'
         '       uwsgi_reload.py reload RUNTIME_DIR INI MAINPID [TIMEOUT_SECONDS]: MAINPID is the pid of the uWSGI master')

if __name__ == '__main__':
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == 'record':
        record(args[1], args[2])
        sys.exit(0)
    if len(args) in (4, 5) and args[0] == 'reload' and args[3].isdigit() and (len(args) == 4 or args[4].isdigit()):
        sys.exit(reload(args[1], args[2], int(args[3]), int(args[4]) if len(args) == 5 else 80))
    print(USAGE, file=sys.stderr)
    sys.exit(2)
