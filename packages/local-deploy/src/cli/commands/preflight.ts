import { WRK_PACKAGE } from '../../bench/wrk';
import { APPLICATION_LOAD_BALANCER_PACKAGES, deploymentPackages } from '../../deploy/packages';
import { ExitCode } from '../../errors';
import { checkMachine, ensurePackages, missingPackages, probeKernel } from '../../runtime/preflight';
import { ParsedArgs } from '../args';
import { Session } from '../session';

/**
 * `preflight [--install-packages]`: what every other command checks before it starts anything
 * (Linux, root, the kernel's features), and the Debian packages that deploy, integ and bench need,
 * named exactly. Missing packages are installed with `--install-packages`, or the apt-get line
 * that installs them is printed.
 */
export async function preflightCommand(args: ParsedArgs, session: Session): Promise<ExitCode> {
  const packages = [...new Set([...deploymentPackages(true), ...APPLICATION_LOAD_BALANCER_PACKAGES, WRK_PACKAGE])].sort();
  checkMachine(packages);
  const missing = missingPackages(packages);
  if (missing.length > 0 && !args.options.installPackages) {
    session.log(`Missing Debian packages: ${missing.join(' ')}\nInstall them with: nlb-tiers-local preflight --install-packages\n`
      + `(or: apt-get install -y --no-install-recommends ${missing.join(' ')})`);
    return ExitCode.MISSING_PACKAGES;
  }
  ensurePackages(packages, session.log);
  // The probe runs the packages' own tools (ip, nft).
  probeKernel();
  session.log(`Ready: Linux, root, the kernel's features, and the Debian packages ${packages.join(' ')}.`);
  return ExitCode.OK;
}
