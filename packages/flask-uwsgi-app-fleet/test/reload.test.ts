import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { APP_SERVER_LAYOUT, AppServerLayout, renderEnvironmentLoader, renderUwsgiIni, renderUwsgiService } from '../src/private/uwsgi-config';

/**
 * A new app reaches a running uWSGI through the unit's ExecReload=, under load: real uWSGI
 * (Debian's, with its Python 3 plugin) runs the rendered uwsgi.ini on loopback, and a bounded loop
 * of uwsgi requests runs while the app changes and the reload command runs.
 */
const PLAYBOOK = path.join(__dirname, '..', 'assets', 'playbook');
const UWSGI = '/usr/bin/uwsgi';
const PYTHON = '/usr/bin/python3';
const hasUwsgi = fs.existsSync(UWSGI) && fs.existsSync('/usr/lib/uwsgi/plugins/python3_plugin.so');
const hasFlask = spawnSync(PYTHON, ['-c', 'import flask'], { encoding: 'utf-8' }).status === 0;
// A green build must mean these tests ran: under CI, what they need missing fails them (the root
// build's preflight installs it); elsewhere they are skipped, saying so.
const UNDER_CI = process.env.CI !== undefined && !['', 'false', '0'].includes(process.env.CI);
const NEEDS = `${UWSGI} with its Python 3 plugin and ${PYTHON} with Flask (Debian packages uwsgi-core, uwsgi-plugin-python3, python3-flask)`;
if (!(hasUwsgi && hasFlask) && UNDER_CI) throw new Error(`The reload tests need ${NEEDS}; under CI a suite that cannot run fails rather than skips.`);
// eslint-disable-next-line no-console
if (!(hasUwsgi && hasFlask)) console.log(`Skipping the reload tests: they need ${NEEDS}.`);

/** Bounds of every request loop: in count, and in time. */
const MAX_REQUESTS = 50_000;
const MAX_LOAD_MS = 60_000;
const CONCURRENCY = 8;
// A request waits in the listen queue while the workers reload; on a loaded machine that can take
// seconds. It is slow, not failed: the timeout only catches a hang.
const REQUEST_TIMEOUT_MS = 30_000;

/** The answer to one request: the body of a 200, or what went wrong (`ECONNREFUSED`, a status, ...). */
interface Outcome {
  readonly startedAt: number;
  readonly body?: string;
  readonly error?: string;
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** A uwsgi protocol request for `/` (https://uwsgi-docs.readthedocs.io/en/latest/Protocol.html). */
function uwsgiRequest(port: number): Buffer {
  const variables: Record<string, string> = {
    REQUEST_METHOD: 'GET',
    REQUEST_URI: '/',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_NAME: 'localhost',
    SERVER_PORT: String(port),
    HTTP_HOST: 'localhost',
    REMOTE_ADDR: '127.0.0.1',
  };
  const pairs = Object.entries(variables).map(([k, v]) => {
    const key = Buffer.from(k);
    const value = Buffer.from(v);
    const out = Buffer.alloc(4 + key.length + value.length);
    out.writeUInt16LE(key.length, 0);
    key.copy(out, 2);
    out.writeUInt16LE(value.length, 2 + key.length);
    value.copy(out, 4 + key.length);
    return out;
  });
  const body = Buffer.concat(pairs);
  const header = Buffer.alloc(4);
  header.writeUInt8(0, 0);
  header.writeUInt16LE(body.length, 1);
  header.writeUInt8(0, 3);
  return Buffer.concat([header, body]);
}

/** One request on a new connection to 127.0.0.1:port. */
function ask(port: number): Promise<Outcome> {
  const startedAt = Date.now();
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (outcome: Omit<Outcome, 'startedAt'>) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ startedAt, ...outcome });
    };
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(uwsgiRequest(port)));
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => finish({ error: 'timeout' }));
    socket.on('data', c => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => finish({ error: e.code ?? e.message }));
    socket.on('end', () => {
      const answer = Buffer.concat(chunks).toString('latin1');
      const status = answer.split('\r\n', 1)[0];
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      finish(/^HTTP\/1\.\d 200 /.test(status) ? { body } : { error: status || 'connection closed with no answer' });
    });
  });
}

/** Requests from CONCURRENCY loops, each one after the other, until stop() or a bound. */
async function load(port: number, stop: () => boolean): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const until = Date.now() + MAX_LOAD_MS;
  const loop = async () => {
    while (!stop() && outcomes.length < MAX_REQUESTS && Date.now() < until) outcomes.push(await ask(port));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return outcomes;
}

/** Waits until uWSGI answers with the given body, for at most 30 s. */
async function waitForAnswer(port: number, body: string, log: string): Promise<void> {
  const until = Date.now() + 30_000;
  let last: Outcome | undefined;
  while (Date.now() < until) {
    last = await ask(port);
    if (last.body === body) return;
    await sleep(100);
  }
  throw new Error(`uWSGI did not answer ${body} on port ${port} (last: ${JSON.stringify(last)}); its log:\n${fs.readFileSync(log, 'utf-8')}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

(hasUwsgi && hasFlask ? describe : describe.skip)('reloading the app under load', () => {
  let tmp: string;
  let layout: AppServerLayout;
  let port: number;
  let ini: string;
  let log: string;
  let uwsgi: ChildProcess | undefined;

  const writeApp = (version: string) => fs.writeFileSync(path.join(layout.appDir, 'run.py'), [
    'from flask import Flask', 'app = Flask(__name__)', '', '@app.route("/")', 'def index():', `    return "${version}"`, '',
  ].join('\n'));

  /** The unit's commands of one kind that run as the app user (the `+` ones, as root, fetch secrets: the tests write them). */
  const unitCommands = (kind: 'ExecStartPre' | 'ExecReload', mainPid?: number): string[][] =>
    renderUwsgiService({ port, processes: 2 }, layout).split('\n')
      .filter(l => l.startsWith(`${kind}=`) && !l.startsWith(`${kind}=+`))
      .map(l => l.slice(kind.length + 1).split(' ').map(w => (w === '$MAINPID' ? String(mainPid) : w)));

  /** uWSGI as the unit starts it: its ExecStartPre=, then the rendered uwsgi.ini, the master's pid being the unit's main pid. */
  const startUwsgi = () => {
    for (const [command, ...args] of unitCommands('ExecStartPre')) {
      const pre = spawnSync(command, args, { encoding: 'utf-8' });
      if (pre.status !== 0) throw new Error(`ExecStartPre= ${command} ${args.join(' ')} failed: ${pre.stderr}`);
    }
    const fd = fs.openSync(log, 'a');
    uwsgi = spawn(UWSGI, ['--plugin', 'python3', '--ini', ini], { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    return uwsgi;
  };

  /** Stops uWSGI as the unit does (KillSignal=), and waits for it to exit. */
  const stopUwsgi = async (signal: NodeJS.Signals) => {
    if (!uwsgi) return;
    uwsgi.kill(signal);
    if (!(await exited(uwsgi, 10_000))) {
      uwsgi.kill('SIGKILL');
      await exited(uwsgi, 5_000);
    }
    uwsgi = undefined;
  };

  /** The unit's last ExecReload= (the first fetches the secrets), run as systemd runs it: $MAINPID is the master's pid. */
  const reloadCommand = (mainPid: number): string[] => {
    const command = unitCommands('ExecReload', mainPid).pop();
    if (!command) throw new Error('the rendered unit has no ExecReload=');
    return command;
  };

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'uwsgi-reload-test-'));
    layout = {
      ...APP_SERVER_LAYOUT,
      appDir: path.join(tmp, 'app'),
      venvDir: path.join(tmp, 'venv'),
      iniPath: path.join(tmp, 'uwsgi.ini'),
      reloadCommand: path.join(PLAYBOOK, 'uwsgi_reload.py'),
      environmentLoader: path.join(tmp, 'app_environment.py'),
      environmentFile: path.join(tmp, 'environment.json'),
      runtimePath: path.join(tmp, 'run'),
      secretsFile: path.join(tmp, 'run', 'secrets.json'),
      // uWSGI's logto: the same file its output goes to here.
      logFile: path.join(tmp, 'uwsgi.log'),
    };
    fs.mkdirSync(layout.appDir);
    fs.mkdirSync(path.dirname(layout.secretsFile));
    fs.writeFileSync(layout.environmentLoader, renderEnvironmentLoader(layout));
    // A virtualenv as the playbook makes one, with Debian's Flask standing in for the pinned one.
    const venv = spawnSync(PYTHON, ['-m', 'venv', '--system-site-packages', '--without-pip', layout.venvDir], { encoding: 'utf-8' });
    if (venv.status !== 0) throw new Error(venv.stderr);
    port = await freePort();
    const rendered = renderUwsgiIni({ port, module: 'run', callable: 'app', processes: 2, threads: 1 }, layout);
    // The rendered file, its socket on loopback only: the test sends traffic nowhere else.
    ini = rendered.replace(`socket = 0.0.0.0:${port}`, `socket = 127.0.0.1:${port}`);
    expect(ini).not.toBe(rendered);
    fs.writeFileSync(layout.iniPath, ini);
    ini = layout.iniPath;
    log = path.join(tmp, 'uwsgi.log');
    writeApp('v1');
    startUwsgi();
    await waitForAnswer(port, 'v1', log);
  });

  afterEach(async () => {
    // A uWSGI master wants SIGINT to stop with its workers.
    await stopUwsgi('SIGINT');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a new app is reloaded one worker at a time under load: no request refused or failed, and the command returns once the new app answers', async () => {
    const master = uwsgi!;
    let stop = false;
    const running = load(port, () => stop);
    await sleep(500);

    writeApp('v2');
    const [command, ...args] = reloadCommand(master.pid!);
    const reload = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let reloadOutput = '';
    reload.stdout!.on('data', c => (reloadOutput += c));
    reload.stderr!.on('data', c => (reloadOutput += c));
    const code = await new Promise<number | null>(resolve => reload.on('exit', resolve));
    const reloadedAt = Date.now();
    const first = await ask(port);
    await sleep(500);
    stop = true;
    const outcomes = await running;

    expect({ code, reloadOutput }).toEqual({ code: 0, reloadOutput: `uWSGI (pid ${master.pid}) reloaded its workers one at a time: every worker runs the new app\n` });
    expect(first).toMatchObject({ body: 'v2' });
    expect(outcomes.filter(o => o.error)).toEqual([]);
    const before = outcomes.filter(o => o.body === 'v1');
    const after = outcomes.filter(o => o.startedAt >= reloadedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every(o => o.body === 'v2')).toBe(true);
    // A chain reload: the same master runs on, and replaced its workers without executing itself again.
    expect(master.exitCode).toBeNull();
    const uwsgiLog = fs.readFileSync(log, 'latin1');
    expect(uwsgiLog).toMatch(/chain next victim is worker 1\n(.*\n)*.*chain next victim is worker 2\n(.*\n)*.*chain reloading complete/);
    expect(uwsgiLog).not.toMatch(/\(RE\)spawned uWSGI master process/);
  }, 120_000);

  test('a new uwsgi.ini (three workers) reloads the master gracefully under load: no request fails, and a reload after it replaces the three one at a time', async () => {
    const master = uwsgi!;
    let stop = false;
    const running = load(port, () => stop);
    await sleep(500);

    fs.writeFileSync(ini, fs.readFileSync(ini, 'utf-8').replace(/^processes = 2$/m, 'processes = 3'));
    const reload = () => {
      const [command, ...args] = reloadCommand(master.pid!);
      return spawnSync(command, args, { encoding: 'utf-8', timeout: 100_000 });
    };
    const graceful = reload();
    writeApp('v2');
    const chain = reload();
    await sleep(500);
    stop = true;
    const outcomes = await running;

    expect({ status: graceful.status, stdout: graceful.stdout })
      .toEqual({ status: 0, stdout: `uWSGI (pid ${master.pid}) reloaded with its new uwsgi.ini: every worker runs the new app\n` });
    expect({ status: chain.status, stdout: chain.stdout })
      .toEqual({ status: 0, stdout: `uWSGI (pid ${master.pid}) reloaded its workers one at a time: every worker runs the new app\n` });
    expect(outcomes.filter(o => o.error)).toEqual([]);
    expect(outcomes.some(o => o.body === 'v1') && outcomes.some(o => o.body === 'v2')).toBe(true);
    const uwsgiLog = fs.readFileSync(log, 'latin1');
    expect(uwsgiLog).toMatch(/gracefully \(RE\)spawned uWSGI master process \(pid: \d+\)\n(.*\n)*spawned uWSGI worker 3 /);
    expect(uwsgiLog).toMatch(/chain next victim is worker 3\n(.*\n)*.*chain reloading complete/);
  }, 240_000);

  test('a rotated secret reaches the app through a reload: each new worker loads the environment anew, and no request fails', async () => {
    const master = uwsgi!;
    const reload = () => {
      const [command, ...args] = reloadCommand(master.pid!);
      return spawnSync(command, args, { encoding: 'utf-8', timeout: 60_000 }).status;
    };
    fs.writeFileSync(path.join(layout.appDir, 'run.py'), [
      'import os', 'from flask import Flask', 'app = Flask(__name__)', '', '@app.route("/")', 'def index():',
      '    return os.environ["GREETING"] + " " + os.environ["APP_SECRET"]', '',
    ].join('\n'));
    fs.writeFileSync(layout.environmentFile, JSON.stringify({ GREETING: 'hello' }));
    // As the unit's ExecStartPre= and first ExecReload= write it: a value with a newline and quotes arrives whole.
    fs.writeFileSync(layout.secretsFile, JSON.stringify({ APP_SECRET: 'first "value"\nline 2' }), { mode: 0o400 });
    expect(reload()).toBe(0);
    expect(await ask(port)).toMatchObject({ body: 'hello first "value"\nline 2' });

    let stop = false;
    const running = load(port, () => stop);
    await sleep(500);
    fs.rmSync(layout.secretsFile);
    fs.writeFileSync(layout.secretsFile, JSON.stringify({ APP_SECRET: 'second' }), { mode: 0o400 });
    const code = reload();
    const reloadedAt = Date.now();
    await sleep(500);
    stop = true;
    const outcomes = await running;

    expect(code).toBe(0);
    expect(outcomes.filter(o => o.error)).toEqual([]);
    expect(outcomes.some(o => o.body === 'hello first "value"\nline 2')).toBe(true);
    const after = outcomes.filter(o => o.startedAt >= reloadedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every(o => o.body === 'hello second')).toBe(true);
    expect(master.exitCode).toBeNull();
  }, 120_000);

  test('the reload command fails, saying why, when the new app raises as it loads (need-app ends uWSGI)', async () => {
    const master = uwsgi!;
    fs.appendFileSync(path.join(layout.appDir, 'run.py'), 'raise RuntimeError("broken")\n');
    const [command, ...args] = reloadCommand(master.pid!);
    const reload = spawnSync(command, args, { encoding: 'utf-8', timeout: 100_000 });

    expect(reload.status).toBe(1);
    expect(reload.stderr).toBe(`uWSGI (pid ${master.pid}) exited during its reload: see its log for why the app did not load\n`);
  }, 120_000);

  test('the reload command fails, saying why, when a new worker dies loading the app; the worker not yet replaced still serves', async () => {
    const master = uwsgi!;
    fs.appendFileSync(path.join(layout.appDir, 'run.py'), 'raise SystemExit("broken")\n');
    const [command, ...args] = reloadCommand(master.pid!);
    const reload = spawnSync(command, args, { encoding: 'utf-8', timeout: 100_000 });

    expect(reload.status).toBe(1);
    expect(reload.stderr).toMatch(new RegExp(`^a new worker of uWSGI \\(pid ${master.pid}\\) exited while it loaded the app \\(pid \\d+\\): the new app does not load`));
    expect(master.exitCode).toBeNull();
    expect(await ask(port)).toMatchObject({ body: 'v1' });
  }, 120_000);

  test('the same load catches a restart: connections are refused while uWSGI comes back', async () => {
    let stop = false;
    const running = load(port, () => stop);
    await sleep(500);

    writeApp('v2');
    await stopUwsgi('SIGQUIT');
    startUwsgi();
    await waitForAnswer(port, 'v2', log);
    await sleep(500);
    stop = true;
    const outcomes = await running;

    expect(outcomes.filter(o => o.error === 'ECONNREFUSED').length).toBeGreaterThan(0);
    expect(outcomes.some(o => o.body === 'v1') && outcomes.some(o => o.body === 'v2')).toBe(true);
  }, 120_000);
});
