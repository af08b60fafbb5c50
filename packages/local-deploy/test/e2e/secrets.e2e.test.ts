/**
 * End-to-end: an app's secrets travel from the values a user stored to the app, and nowhere else.
 * The custom-app integ test's stack (a plain variable, an SSM SecureString parameter, a field of a
 * Secrets Manager secret) runs with two app instances and fresh canary values; every host's
 * instance fetches them with its AWS CLI from the stand-ins when uWSGI starts, the app proves
 * it has them by their SHA-256, a rotation reaches it through a run of the associations and a
 * reload, and then no file the deployment wrote (the hosts' layers and private tmpfs,
 * logs, the provisioning output, the template) holds a canary, except the app's own file in its
 * tmpfs runtime directory. Needs root on Linux; skips, saying so, otherwise.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HeldDeployment, leftoversAfter, runTool, sleep, startHeld, stop } from './harness';
import { get } from '../../src/runtime/http-client';
import { RUN_ROOT } from '../../src/runtime/naming';
import { CUSTOM_APP } from '../fixtures';
import { describeWhen, IS_ROOT } from '../machine-requirements';

const describeAsRoot = describeWhen(IS_ROOT, 'root on Linux (network namespaces, nftables): run it as root, e.g. with sudo');

const API_KEY_PARAMETER = '/nlb-tiers/integ/greeter-api-key';
const TOKEN_SECRET = 'nlb-tiers/integ/greeter';
/** Where the fleet's unit keeps the fetched values: its RuntimeDirectory= under /run, a tmpfs. */
const SECRETS_DIR = '/run/nlb-tiers-app';
const canary = (what: string) => `canary-${what}-${randomBytes(12).toString('hex')}`;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

interface Config {
  readonly greeting: string;
  readonly apiKeySha256: string;
  readonly tokenSha256: string;
  readonly instanceId: string;
}

/** Every regular file under `dir` (symbolic links not followed), but `skip`. */
function filesUnder(dir: string, skip: string[] = []): string[] {
  if (!fs.existsSync(dir) || skip.includes(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (skip.includes(p)) return [];
    return e.isDirectory() ? filesUnder(p, skip) : e.isFile() ? [p] : [];
  });
}

/** The files that hold any of the needles, searched as bytes. */
function filesHolding(files: string[], needles: string[]): string[] {
  const bytes = needles.map(n => Buffer.from(n));
  return files.filter(f => {
    let content: Buffer;
    try {
      content = fs.readFileSync(f);
    } catch {
      return false; // gone meanwhile (a temporary file)
    }
    return bytes.some(b => content.includes(b));
  });
}

describeAsRoot('an app\'s secrets in a deployment', () => {
  let held: HeldDeployment;
  let url: string;
  let tmp: string;
  let values: string;
  const apiKey = canary('ssm');
  const rotatedApiKey = canary('ssm-rotated');
  const token = canary('sm');
  const appHosts = () => held.state.hosts.filter(h => h.group);

  const store = (key: string) => fs.writeFileSync(values, JSON.stringify({
    ssmParameters: { [API_KEY_PARAMETER]: key },
    secrets: { [TOKEN_SECRET]: JSON.stringify({ token, user: 'greeter' }) },
  }));

  /** `/config` of every answer to `count` requests (bounded in count and time). */
  async function configs(count: number): Promise<Config[]> {
    const out: Config[] = [];
    for (let i = 0; i < count; i++) {
      const r = await get(`${url}/config`, 5000);
      expect(r.status).toBe(200);
      out.push(JSON.parse(r.body));
    }
    return out;
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbt-secrets-e2e-'));
    values = path.join(tmp, 'secret-values.json');
    store(apiKey);
    held = await startHeld(CUSTOM_APP.dir, CUSTOM_APP.stack, ['--secret-values', values, '--desired-capacity', '2']);
    url = held.state.endpoints[0].url;
  }, 900_000);

  afterAll(async () => {
    if (held) {
      await stop(held.child);
      expect(await leftoversAfter(held.state)).toEqual([]);
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('every instance\'s app has the plain value and both secrets (by their SHA-256)', async () => {
    const answers = await configs(30);
    expect(new Set(answers.map(a => a.instanceId)).size).toBe(2);
    for (const a of answers) {
      expect(a).toEqual({ greeting: 'Hello from the environment', apiKeySha256: sha256(apiKey), tokenSha256: sha256(token), instanceId: expect.any(String) });
    }
  });

  test('the values are in a tmpfs folder of the app user\'s (0700), in a file only it may read (0400)', () => {
    for (const h of appHosts()) {
      const root = `/proc/${h.initPid}/root`;
      expect(mountType(h.initPid!, '/run')).toBe('tmpfs');
      const flaskapp = fs.readFileSync(`${root}/etc/passwd`, 'utf-8').split('\n').find(l => l.startsWith('flaskapp:'))!.split(':');
      const dir = fs.statSync(`${root}${SECRETS_DIR}`);
      const file = fs.statSync(`${root}${SECRETS_DIR}/secrets.json`);
      expect([dir.uid, (dir.mode % 0o1000).toString(8)]).toEqual([Number(flaskapp[2]), '700']);
      expect([file.uid, file.gid, (file.mode % 0o1000).toString(8)]).toEqual([Number(flaskapp[2]), Number(flaskapp[3]), '400']);
      // Beside the values: uWSGI's master FIFO and stats socket, and the digest of the uwsgi.ini it runs (the reload command's).
      expect(fs.readdirSync(`${root}${SECRETS_DIR}`).sort()).toEqual(['master.fifo', 'secrets.json', 'stats.sock', 'uwsgi.ini.sha256']);
    }
  });

  test('a rotated value reaches every app through a run of the associations and a reload, not a restart', async () => {
    store(rotatedApiKey);
    const { code, output } = await runTool(['reprovision', held.state.id]);
    expect(code).toBe(0);
    for (const h of appHosts()) {
      expect(output).toMatch(new RegExp(`${h.name}: Ansible changed: .*Check whether the app's secrets changed since it loaded them`));
      expect(output).toMatch(new RegExp(`${h.name} reload uwsgi\\.service`));
      expect(output).not.toMatch(new RegExp(`${h.name} (re)?start uwsgi\\.service`));
    }
    const answers = await configs(20);
    expect(new Set(answers.map(a => a.apiKeySha256))).toEqual(new Set([sha256(rotatedApiKey)]));
    expect(new Set(answers.map(a => a.instanceId)).size).toBe(2);
  }, 600_000);

  test('no file the deployment wrote holds a value, but the app\'s file in its tmpfs; nor does the template', async () => {
    // Let the last writes (logs) land.
    await sleep(500);
    const needles = [apiKey, rotatedApiKey, token];
    // Everything a host writes goes to its layers of /etc, /usr and /var, its logs, journal and
    // provisioning output (all in the run folder), or to its private tmpfs /opt, /tmp, /root and /run.
    const runFolder = filesUnder(path.join(RUN_ROOT, held.state.id));
    const privateFiles = held.state.hosts.flatMap(h => ['/opt', '/tmp', '/root', '/run']
      .flatMap(d => filesUnder(`/proc/${h.initPid}/root${d}`, [`/proc/${h.initPid}/root/run/nlb-tiers-local`])));
    const template = filesUnder(CUSTOM_APP.dir).filter(f => f.endsWith('.json'));
    // The scan reaches what matters: each app host's provisioning output, its service log, the
    // stand-in's log, its layers (the playbook), and its private /opt and /run.
    for (const h of appHosts()) {
      const hostDir = path.join(RUN_ROOT, held.state.id, 'hosts', h.name);
      expect(runFolder.filter(f => f.startsWith(path.join(hostDir, 'provisioning')) && f.endsWith('stdout')).length).toBeGreaterThan(0);
      expect(runFolder).toEqual(expect.arrayContaining([path.join(hostDir, 'services', 'uwsgi.service.log'), path.join(hostDir, 'aws-api.log'),
        path.join(hostDir, 'fs', 'var', 'upper', 'lib', 'nlb-tiers', 'playbook', 'files', 'app_secrets.json')]));
      expect(privateFiles).toEqual(expect.arrayContaining([`/proc/${h.initPid}/root/opt/nlb-tiers/app-secrets.json`, `/proc/${h.initPid}/root${SECRETS_DIR}/secrets.json`]));
    }

    const holding = filesHolding([...runFolder, ...privateFiles, ...template], needles);

    // The scan finds what is there: the app's own file, with the current values, on each app host.
    expect(holding.sort()).toEqual(appHosts().map(h => `/proc/${h.initPid}/root${SECRETS_DIR}/secrets.json`).sort());
    // The replaced value is gone from it too.
    expect(filesHolding(holding, [apiKey])).toEqual([]);
  });
});

/** The file system type of a mount point in a process's mount namespace (proc(5), /proc/pid/mountinfo). */
function mountType(pid: number, mountPoint: string): string | undefined {
  // Field 5 is the mount point; the type is the field after the `-` separator. The last mount there wins.
  const lines = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf-8').split('\n').map(l => l.split(' ')).filter(f => f[4] === mountPoint);
  const last = lines.pop();
  return last?.[last.indexOf('-') + 1];
}
