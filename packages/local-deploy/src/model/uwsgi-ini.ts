/** Where a uwsgi.ini written for an instance runs locally. */
export interface LocalUwsgiOptions {
  /** The app folder the ini's `chdir` names, and where it lives locally. */
  readonly appDir: string;
  readonly localAppDir: string;
  /** The unprivileged user and group the app runs as locally. */
  readonly uid: string;
  readonly gid: string;
}

/**
 * Rewrites a uwsgi.ini written for a pip-installed uWSGI in a virtualenv so that Debian's uWSGI
 * runs it: loads the python3 plugin, drops the virtualenv (Debian's packages provide the modules),
 * re-roots the app folder and maps the service user. Every other option is kept as it is.
 */
export function localUwsgiIni(original: string, options: LocalUwsgiOptions): string {
  const out: string[] = [];
  let inUwsgi = false;
  for (const line of original.split('\n')) {
    const header = /^\s*\[(.+)\]\s*$/.exec(line);
    if (header) {
      inUwsgi = header[1] === 'uwsgi';
      out.push(line);
      if (inUwsgi) out.push('; Debian ships the Python support as a plugin.', 'plugins = python3');
      continue;
    }
    const kv = /^\s*([\w-]+)\s*=\s*(.*)$/.exec(line);
    if (!inUwsgi || !kv) {
      out.push(line);
      continue;
    }
    const [, key, value] = kv;
    switch (key) {
      case 'virtualenv':
      case 'venv':
      case 'home':
        out.push(`; ${key} = ${value} (dropped: Debian's python3 packages provide the modules)`);
        break;
      case 'uid':
        out.push(`uid = ${options.uid}`);
        break;
      case 'gid':
        out.push(`gid = ${options.gid}`);
        break;
      case 'plugins':
      case 'plugin':
        break;
      default:
        out.push(`${key} = ${value.split(options.appDir).join(options.localAppDir)}`);
    }
  }
  return out.join('\n');
}

/** The TCP port of the ini's `socket` (or `uwsgi-socket`) option. */
export function uwsgiSocketPort(ini: string): number | undefined {
  const m = /^\s*(?:uwsgi-)?socket\s*=\s*[^:\s]*:(\d+)\s*$/m.exec(ini);
  return m ? Number(m[1]) : undefined;
}
