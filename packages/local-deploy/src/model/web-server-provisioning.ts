/** The marker of the heredoc that carries the proxy configuration in the web server's script. */
export const PROXY_CONF_MARKER = 'NLB_TIERS_PROXY_CONF';

/** What the local deploy takes from the web server's `AWS-RunShellScript` association. */
export interface WebServerProvisioning {
  /** The httpd configuration file the script writes, verbatim. */
  readonly proxyConfig: string;
  /** Debian packages that stand in for what the script installs with yum/dnf. */
  readonly debianPackages: string[];
  /** The port the site is served on: the configuration's own `Listen`, else httpd.conf's port 80. */
  readonly listenPort: number;
}

/** The port of Amazon Linux's stock httpd.conf (`Listen 80`). */
export const DISTRIBUTION_HTTP_PORT = 80;

/** The ports of the `Listen` directives of an httpd configuration. */
export function listenPorts(config: string): number[] {
  return [...config.matchAll(/^\s*Listen\s+(?:\S+:)?(\d+)\b/gm)].map(m => Number(m[1]));
}

/** yum/dnf package names of Amazon Linux, and the Debian packages that provide the same programs. */
const RPM_TO_DEBIAN: Record<string, string[]> = {
  httpd: ['apache2-bin'],
  mod_proxy_uwsgi: ['apache2-bin'],
};

/**
 * Reads the script of the web server's association (its `commands`, intrinsics already resolved).
 * Returns undefined when the script does not write a proxy configuration this tool recognizes.
 */
export function readWebServerScript(commands: string[]): WebServerProvisioning | undefined {
  const lines = commands.join('\n').split('\n');
  const start = lines.findIndex(l => new RegExp(`<<\\s*'?${PROXY_CONF_MARKER}'?\\s*$`).test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l === PROXY_CONF_MARKER);
  if (end < 0) return undefined;

  const installed = new Set<string>();
  for (const line of lines) {
    const m = /\b(?:yum|dnf)\s+install\s+(.*)$/.exec(line);
    if (!m) continue;
    for (const word of m[1].split(/\s+/)) {
      if (word && !word.startsWith('-')) installed.add(word);
    }
  }
  const debianPackages = [...installed].flatMap(p => RPM_TO_DEBIAN[p] ?? [`(no Debian package known for the rpm "${p}")`]);
  const proxyConfig = lines.slice(start + 1, end).join('\n') + '\n';
  return {
    proxyConfig,
    listenPort: listenPorts(proxyConfig)[0] ?? DISTRIBUTION_HTTP_PORT,
    debianPackages: [...new Set(debianPackages)],
  };
}
