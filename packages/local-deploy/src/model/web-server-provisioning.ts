/** The marker of the heredoc that carries the proxy configuration in the web server's script. */
export const PROXY_CONF_MARKER = 'NLB_TIERS_PROXY_CONF';

/** What the local deploy takes from the web server's `AWS-RunShellScript` association. */
export interface WebServerProvisioning {
  /** The httpd configuration file the script writes, verbatim. */
  readonly proxyConfig: string;
  /** Debian packages that stand in for what the script installs with yum/dnf. */
  readonly debianPackages: string[];
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
  return {
    proxyConfig: lines.slice(start + 1, end).join('\n') + '\n',
    debianPackages: [...new Set(debianPackages)],
  };
}
