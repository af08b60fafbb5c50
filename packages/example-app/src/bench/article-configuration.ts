import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FlaskApplication } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { AssetStaging, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { ReferenceArchitectureStack } from '../reference-architecture-stack';

/** The article's files, verbatim (see article/README.md). */
export const ARTICLE_DIR = path.join(__dirname, '..', '..', 'bench', 'article');

/** The marker of the heredoc that carries the proxy configuration in the web server's script. */
const PROXY_CONF_MARKER = 'NLB_TIERS_PROXY_CONF';

/**
 * The reference architecture as the article configures it, built with the same constructs (so it
 * runs on the same topology) and then given the article's settings:
 *
 * - health checks 2/2 every 10 s and ELB's 300 s deregistration delay, through props;
 * - the article's `run.py` (the instance id from IMDSv1 on every request) as the fleet's app, and
 *   IMDSv1 allowed on the app servers, which it needs (the article's launch template sets no
 *   metadata options);
 * - the article's `uwsgi.ini` in place of the fleet's, through a copy of the fleet's playbook
 *   asset that the provisioning association downloads instead (and the instances may read);
 * - the article's two `ProxyPass` / `ProxyPassReverse` lines in place of the web server's proxy
 *   configuration, through the association's `commands`.
 *
 * Cross-zone balancing stays on, as in the constructs' defaults (the article's NLB has it off): the
 * local balancer resolves names from hosts files, without the DNS rotation that spreads the
 * article's web server over the zones on AWS, so with it off A would reach one app server only.
 */
export class ArticleConfigurationStack extends ReferenceArchitectureStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      tier: {
        healthCheckInterval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
        // The article sets none: ELB's default.
        deregistrationDelay: Duration.seconds(300),
      },
      fleet: { application: articleApplication() },
    });

    const launchTemplate = this.fleet.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate;
    launchTemplate.addPropertyOverride('LaunchTemplateData.MetadataOptions.HttpTokens', 'optional');

    const playbookDir = playbookWithArticleIni(this.fleet.playbookAsset);
    const playbook = new s3assets.Asset(this, 'ArticlePlaybook', { path: playbookDir });
    // Staging copied the folder into the assembly; unless staging is off, the temporary copy can go.
    const staged = playbook.node.findChild('Stage') as AssetStaging;
    if (staged.absoluteStagedPath !== staged.sourcePath) fs.rmSync(playbookDir, { recursive: true, force: true });
    playbook.grantRead(this.fleet.role);
    const fleetAssociation = this.fleet.provisioning.association;
    fleetAssociation.parameters = { ...fleetAssociation.parameters, SourceInfo: [Stack.of(this).toJsonString({ path: playbook.httpUrl })] };

    const webAssociation = this.webServer.provisioning.association;
    const params = webAssociation.parameters as { commands: string[] };
    webAssociation.parameters = {
      ...params,
      commands: withProxyConfig(params.commands, [
        '# The reference article\'s two lines, with Apache\'s defaults.',
        `ProxyPass / uwsgi://${this.tier.upstreamHost}:${this.tier.upstreamPort}/`,
        `ProxyPassReverse / uwsgi://${this.tier.upstreamHost}:${this.tier.upstreamPort}/`,
      ]),
    };
  }
}

/** The article's app: `run.py`, callable `app`. */
function articleApplication(): FlaskApplication {
  return FlaskApplication.fromDirectory(path.join(ARTICLE_DIR, 'app'), { module: 'run', callable: 'app' });
}

/**
 * The article's uwsgi.ini, moved to the fleet's layout: the app folder and user of the playbook, and
 * the virtualenv it installs uWSGI and Flask into (the article installs them system-wide).
 */
export function articleUwsgiIni(layout: { appDir: string; venvDir: string; user: string }): string {
  const ini = fs.readFileSync(path.join(ARTICLE_DIR, 'uwsgi.ini'), 'utf-8')
    .split('/home/ec2-user/myapp').join(layout.appDir)
    .replace(/^(uid|gid) = ec2-user$/gm, `$1 = ${layout.user}`);
  return ini.replace(/^socket = /m, `virtualenv = ${layout.venvDir}\nsocket = `);
}

/** A copy of the fleet's staged playbook folder with the article's uwsgi.ini in place of the fleet's. */
function playbookWithArticleIni(asset: s3assets.Asset): string {
  const staging = asset.node.findChild('Stage') as AssetStaging;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlb-tiers-article-playbook-'));
  fs.cpSync(staging.sourcePath, dir, { recursive: true });
  const vars = JSON.parse(fs.readFileSync(path.join(dir, 'vars.json'), 'utf-8'));
  fs.writeFileSync(path.join(dir, 'files', 'uwsgi.ini'), articleUwsgiIni({ appDir: vars.app_dir, venvDir: vars.venv_dir, user: vars.service_user }));
  return dir;
}

/** The web server's script with the heredoc of its proxy configuration replaced by `lines`. */
export function withProxyConfig(commands: string[], lines: string[]): string[] {
  const start = commands.findIndex(c => typeof c === 'string' && c.endsWith(`<<'${PROXY_CONF_MARKER}'`));
  const end = commands.findIndex((c, i) => i > start && c === PROXY_CONF_MARKER);
  if (start < 0 || end < 0) throw new Error(`the web server's script has no ${PROXY_CONF_MARKER} heredoc`);
  return [...commands.slice(0, start + 1), ...lines, ...commands.slice(end)];
}
