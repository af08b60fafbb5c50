import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCpuSeconds, withCpuAccounting } from '../../src/provisioning/rusage';

describe('the CPU time of a step\'s process tree', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rusage-test-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (script: string) => {
    const file = path.join(dir, 'cpu');
    const [command, ...args] = withCpuAccounting(['/bin/sh', '-c', script], file);
    return { result: spawnSync(command, args, { encoding: 'utf-8', timeout: 60_000 }), cpu: readCpuSeconds(file) };
  };

  test('counts a grandchild it waited for, and ends with the command\'s exit code', () => {
    // The grandchild prints its own CPU time: what the step reports holds it, and the shell's.
    const { result, cpu } = run('python3 -c "import time\nx = 0\nfor i in range(3000000): x += i\nprint(time.process_time())"; exit 3');
    expect(result.status).toBe(3);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(cpu!.user + cpu!.system).toBeGreaterThanOrEqual(grandchild * 0.99);
  });

  test('ends by the signal that ended the command, as a shell step killed by one does', () => {
    const { result, cpu } = run('kill -TERM $$');
    expect(result.signal).toBe('SIGTERM');
    expect(cpu).toBeDefined();
  });

  test('a command that cannot run exits 127 and still reports its (tiny) CPU time', () => {
    const file = path.join(dir, 'cpu');
    const [command, ...args] = withCpuAccounting(['/nonexistent/program'], file);
    expect(spawnSync(command, args).status).toBe(127);
    expect(readCpuSeconds(file)).toBeDefined();
  });

  test('no file, or one that is not two numbers: no CPU time', () => {
    expect(readCpuSeconds(path.join(dir, 'none'))).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'bad'), 'x\n');
    expect(readCpuSeconds(path.join(dir, 'bad'))).toBeUndefined();
  });
});
