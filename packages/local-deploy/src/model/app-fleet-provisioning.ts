import * as fs from 'fs';
import * as path from 'path';
import { debianPackagesForPip, readRequirements } from './os-packages';
import { parseServiceUnit } from './systemd-unit';
import { RestartPolicy } from './topology';
import { uwsgiSocketPort } from './uwsgi-ini';

/** What the local deploy takes from the playbook asset of an `AWS-ApplyAnsiblePlaybooks` association. */
export interface AppFleetProvisioning {
  readonly assetDir: string;
  readonly appSourceDir: string;
  readonly appDir: string;
  readonly uwsgiIni: string;
  readonly port: number;
  readonly restart: RestartPolicy;
  readonly killSignal: NodeJS.Signals;
  readonly pipPackages: string[];
  readonly debianPackages: string[];
}

/** The files the playbook copies from its asset; the local deploy uses each of them. */
const PLAYBOOK_SOURCES = ['src: app/', 'src: uwsgi.ini', 'src: uwsgi.service'];

/**
 * Reads a playbook asset folder. Returns a list of problems instead when the playbook is not one
 * this tool can reproduce, so the mapping step can report them before anything starts.
 */
export function readPlaybookAsset(assetDir: string, playbookFile: string): AppFleetProvisioning | string[] {
  const playbookPath = path.join(assetDir, playbookFile);
  if (!fs.existsSync(playbookPath)) return [`the asset has no ${playbookFile}`];
  const playbook = fs.readFileSync(playbookPath, 'utf-8');
  const missing = PLAYBOOK_SOURCES.filter(s => !playbook.includes(s));
  if (missing.length > 0) return [`the playbook does not copy ${missing.join(', ')} (not a FlaskUwsgiAppFleet playbook)`];

  const vars = JSON.parse(fs.readFileSync(path.join(assetDir, 'vars.json'), 'utf-8'));
  const files = path.join(assetDir, 'files');
  const uwsgiIni = fs.readFileSync(path.join(files, 'uwsgi.ini'), 'utf-8');
  const unit = parseServiceUnit(fs.readFileSync(path.join(files, 'uwsgi.service'), 'utf-8'));
  const port = uwsgiSocketPort(uwsgiIni);
  if (port === undefined) return ['uwsgi.ini has no TCP "socket = host:port" option'];

  const appSourceDir = path.join(files, 'app');
  const requirementsFile = path.join(appSourceDir, 'requirements.txt');
  const appRequirements = vars.app_has_requirements && fs.existsSync(requirementsFile)
    ? readRequirements(fs.readFileSync(requirementsFile, 'utf-8'))
    : [];
  const pipPackages: string[] = [...(vars.pip_packages ?? []), ...appRequirements];
  return {
    assetDir,
    appSourceDir,
    appDir: vars.app_dir,
    uwsgiIni,
    port,
    restart: unit.restart,
    killSignal: unit.killSignal,
    pipPackages,
    debianPackages: [...new Set(pipPackages.flatMap(debianPackagesForPip))],
  };
}
