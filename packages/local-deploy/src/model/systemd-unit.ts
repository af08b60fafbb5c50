import { UnsupportedFeatureError } from '../errors';
import { RestartPolicy } from './topology';

/** What the process supervisor takes from a systemd service unit. */
export interface ServiceUnit {
  readonly execStart: string;
  readonly restart: RestartPolicy;
  readonly killSignal: NodeJS.Signals;
}

/** Reads the `[Service]` section of a unit file, with systemd's defaults for what it leaves out. */
export function parseServiceUnit(text: string): ServiceUnit {
  const service: Record<string, string> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (section === 'Service' && eq > 0) service[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  const restart = service.Restart ?? 'no';
  if (!['no', 'on-failure', 'always'].includes(restart)) {
    throw new UnsupportedFeatureError(`Restart=${restart} is not supported locally (supported: no, on-failure, always)`);
  }
  return {
    execStart: service.ExecStart ?? '',
    restart: {
      restart: restart as RestartPolicy['restart'],
      // systemd's default RestartSec is 100ms.
      restartSeconds: service.RestartSec !== undefined ? parseSeconds(service.RestartSec) : 0.1,
    },
    killSignal: (service.KillSignal ?? 'SIGTERM') as NodeJS.Signals,
  };
}

function parseSeconds(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|min)?$/.exec(value);
  if (!m) throw new UnsupportedFeatureError(`RestartSec=${value} is not a duration this tool reads`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'min' ? n * 60 : n;
}
