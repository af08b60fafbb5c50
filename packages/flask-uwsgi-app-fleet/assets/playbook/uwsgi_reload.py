"""Reloads the app's uWSGI gracefully, and exits 0 only once the reloaded app serves.

Usage: uwsgi_reload.py MAINPID [TIMEOUT_SECONDS]. It is the ExecReload= of the app's systemd unit.

SIGHUP is uWSGI's graceful reload ("gracefully reload all the workers and the master process",
https://uwsgi-docs.readthedocs.io/en/latest/Management.html): the master lets each worker finish
its request, waits for them to exit, then executes itself again keeping its listening sockets
open (uwsgi_reload in core/master_utils.c closes every other descriptor), loads the app again and
forks new workers. The socket never closes: connections that arrive meanwhile wait in its listen
queue (`listen` in uwsgi.ini) and are served by the new workers.

A signal alone is asynchronous: `systemctl reload` would return before the new app serves, and
systemd recommends an ExecReload= that "synchronously waits for it to complete" (systemd.service(5),
ExecReload=). So this waits until every worker the master had is gone and the master has forked a
new one: during a graceful reload the master forks no worker before it has executed itself again
and loaded the app (grace_them_all in core/uwsgi.c, then uwsgi_reload), so a new worker runs the
new app. Only /proc/PID/stat is read, which any user may read. It fails, with the reason, when the
master exits (an app that no longer loads: `need-app`) or when the reload outlasts the timeout.
"""
import os
import signal
import sys
import time

POLL_SECONDS = 0.02


def alive(pid):
    """Whether pid runs: it exists and is not a zombie (state Z) waiting for systemd to reap it."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(')') + 2:].split()[0] != 'Z'


def children(pid):
    """The processes whose parent is pid, each as (pid, start time): a new process, even one reusing a pid, differs."""
    out = set()
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                stat = f.read()
        except OSError:
            continue  # ended between the listing and the read
        # Fields after the name (which may hold spaces): state (3), ppid (4), ... starttime (22).
        fields = stat[stat.rindex(')') + 2:].split()
        if int(fields[1]) == pid:
            out.add((int(entry), fields[19]))
    return out


def main(pid, timeout):
    old_workers = children(pid)
    os.kill(pid, signal.SIGHUP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            print('uWSGI (pid %d) exited during its reload: see its log for why the app did not load' % pid, file=sys.stderr)
            return 1
        workers = children(pid)
        if workers and not workers & old_workers:
            print('uWSGI (pid %d) reloaded: its new workers serve' % pid)
            return 0
        time.sleep(POLL_SECONDS)
    print('uWSGI (pid %d) did not reload within %d s' % (pid, timeout), file=sys.stderr)
    return 1


if __name__ == '__main__':
    if len(sys.argv) not in (2, 3) or not sys.argv[1].isdigit():
        print('usage: uwsgi_reload.py MAINPID [TIMEOUT_SECONDS]: the pid of the uWSGI master to reload', file=sys.stderr)
        sys.exit(2)
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 80))
